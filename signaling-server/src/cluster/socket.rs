//! Both ends of a tunnel seen as WebSocket halves: the home serves a participant whose
//! socket is on an edge with the same code as a local socket (`connection`), and the edge
//! pumps frames between the browser's socket and the tunnel.

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use std::time::Duration;

use futures_util::{stream, Sink, SinkExt, Stream, StreamExt};
use tokio::time::timeout;

use super::tunnel::{TunnelEnd, TunnelMessage, TunnelReceiver, SERVICE_RESTART};

/// The home's end of a tunnel as the two halves of a socket: frames the browser sent, and
/// a sink for frames to it. The stream ends after a close, or when the tunnel is lost.
pub fn tunnel_as_socket(
    end: TunnelEnd,
) -> (
    impl Sink<Message, Error = axum::Error> + Send + Unpin + 'static,
    impl Stream<Item = Result<Message, axum::Error>> + Send + Unpin + 'static,
) {
    let (sender, receiver) = end.split();
    let sink = Box::pin(futures_util::sink::unfold(
        sender,
        |sender, frame: Message| async move {
            if let Some(message) = tunnel_message(frame, true) {
                sender.send(message).await.map_err(axum::Error::new)?;
            }
            Ok::<_, axum::Error>(sender)
        },
    ));
    let frames = Box::pin(stream::unfold(Some(receiver), next_frame));
    (sink, frames)
}

async fn next_frame(
    receiver: Option<TunnelReceiver>,
) -> Option<(Result<Message, axum::Error>, Option<TunnelReceiver>)> {
    let mut receiver = receiver?;
    let frame = websocket_frame(receiver.recv().await?);
    // Nothing follows a close.
    let receiver = (!matches!(frame, Message::Close(_))).then_some(receiver);
    Some((Ok(frame), receiver))
}

/// The edge: carries frames between the browser's `socket` and the `tunnel` to the room's
/// home until either ends. Keepalive stays end to end: the home's pings reach the browser
/// and its pongs reach the home's idle timer. A browser that does not read is dropped after
/// `write_timeout`, as the home drops a local one; a close is finished as the home finishes
/// its own (the browser's reply awaited, then a short linger), so that the close code arrives.
pub async fn carry_to_home(
    socket: WebSocket,
    tunnel: TunnelEnd,
    write_timeout: Duration,
    close_grace: Duration,
    reset_linger: Duration,
) {
    let (mut browser_tx, mut browser_rx) = socket.split();
    let (home_tx, mut home_rx) = tunnel.split();
    let close = loop {
        tokio::select! {
            frame = browser_rx.next() => {
                let message = match frame {
                    Some(Ok(frame)) => tunnel_message(frame, false),
                    // The browser left, or sent what the WebSocket layer refused (an
                    // oversized frame): the home hears it as gone.
                    Some(Err(_)) | None => Some(TunnelMessage::Close {
                        code: 1001,
                        reason: "gone".to_owned(),
                    }),
                };
                let Some(message) = message else { continue };
                let last = matches!(message, TunnelMessage::Close { .. });
                if home_tx.send(message).await.is_err() {
                    break lost_home();
                }
                if last {
                    // The WebSocket layer queued its answer to the browser's close.
                    let _ = timeout(close_grace, browser_tx.flush()).await;
                    return;
                }
            }
            message = home_rx.recv() => {
                let frame = message.map_or_else(lost_home, websocket_frame);
                if matches!(frame, Message::Close(_)) {
                    break frame;
                }
                match timeout(write_timeout, browser_tx.send(frame)).await {
                    Ok(Ok(())) => {}
                    // The browser is gone or reads nothing: the home hears it as gone
                    // when this end drops.
                    _ => return,
                }
            }
        }
    };
    if !matches!(
        timeout(write_timeout, browser_tx.send(close)).await,
        Ok(Ok(()))
    ) {
        return;
    }
    let _ = timeout(close_grace, async {
        while let Some(Ok(frame)) = browser_rx.next().await {
            if matches!(frame, Message::Close(_)) {
                return;
            }
        }
        tokio::time::sleep(reset_linger).await;
    })
    .await;
}

/// What a frame becomes in the tunnel (`None`: nothing to carry). The home's pings are
/// carried (`forward_pings`); a browser's ping was answered by the edge's WebSocket layer.
fn tunnel_message(frame: Message, forward_pings: bool) -> Option<TunnelMessage> {
    Some(match frame {
        Message::Text(text) => TunnelMessage::Text {
            text: text.as_str().to_owned(),
        },
        Message::Binary(bytes) => TunnelMessage::Binary {
            payload: bytes.to_vec(),
        },
        Message::Ping(bytes) if forward_pings => TunnelMessage::Ping {
            payload: bytes.to_vec(),
        },
        Message::Ping(_) => return None,
        Message::Pong(bytes) => TunnelMessage::Pong {
            payload: bytes.to_vec(),
        },
        Message::Close(frame) => TunnelMessage::Close {
            code: frame.as_ref().map_or(1005, |f| f.code),
            reason: frame
                .map(|f| f.reason.as_str().to_owned())
                .unwrap_or_default(),
        },
    })
}

/// What a tunnel message becomes on a socket.
fn websocket_frame(message: TunnelMessage) -> Message {
    match message {
        TunnelMessage::Text { text } => Message::Text(Utf8Bytes::from(text)),
        TunnelMessage::Binary { payload } => Message::Binary(payload.into()),
        TunnelMessage::Ping { payload } => Message::Ping(payload.into()),
        TunnelMessage::Pong { payload } => Message::Pong(payload.into()),
        TunnelMessage::Close { code, reason } => Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from(reason),
        })),
    }
}

/// The close frame for a browser whose tunnel was lost: reconnect.
fn lost_home() -> Message {
    Message::Close(Some(CloseFrame {
        code: SERVICE_RESTART,
        reason: Utf8Bytes::from_static("server instance lost"),
    }))
}
