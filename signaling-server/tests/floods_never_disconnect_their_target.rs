//! Scenario: a member floods another member through the server (issue 16: a flood of
//! `signal` messages used to disconnect its target with 4408). The target reads nothing
//! while the flood arrives, then reads everything: it is still connected, and the flooder
//! was told `rate_limited` for what the server dropped. Both relayed kinds are tried: a
//! `signal` addressed to the target, and `commit`s broadcast to every member.

// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{commit, start_group, Participant, TestServer};
use conclave_protocol::{
    Bytes, ClientMessage, ErrorCode, ParticipantId, RoomId, ServerMessage, SignalPayload,
};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// Large enough that the socket buffers hold only a few dozen, as a flooder would choose.
const FLOOD_MESSAGE_BYTES: usize = 60 * 1024;
/// Far more than the target's queue (256) and socket buffers hold together.
const FLOOD_MESSAGES: usize = 600;

/// Ada and Bob in one room; Ada heard Bob join.
async fn two_in_a_room(
    server: &TestServer,
) -> (
    RoomId,
    Participant,
    Participant,
    ParticipantId,
    ParticipantId,
) {
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));
    (room, ada, bob, ada_id, bob_id)
}

/// Sends every frame in `flood` from `sender` without reading, while a task collects
/// what the server answers the sender; returns the sender's sink and what it heard.
async fn flood(
    sender: Participant,
    flood: impl Iterator<Item = String>,
) -> (
    futures_util::stream::SplitSink<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
        Message,
    >,
    mpsc::UnboundedReceiver<ServerMessage>,
) {
    let (mut sink, mut stream) = sender.socket.split();
    let (heard_tx, heard) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(Ok(frame)) = stream.next().await {
            if let Message::Text(text) = frame {
                let message: ServerMessage = serde_json::from_str(text.as_str()).unwrap();
                if heard_tx.send(message).is_err() {
                    break;
                }
            }
        }
    });
    // A send fails only once the server closed the flooder; what it heard says why.
    for frame in flood {
        if sink.feed(Message::text(frame)).await.is_err() {
            break;
        }
    }
    let _ = sink.flush().await;
    (sink, heard)
}

/// Reads what the target was sent until `ping`'s pong: the target is still connected.
/// Returns how many messages `count` matched on the way.
async fn read_until_pong(
    target: &mut Participant,
    count: impl Fn(&ServerMessage) -> bool,
) -> usize {
    target.send(&ClientMessage::Ping).await;
    let mut counted = 0;
    loop {
        match target.recv().await {
            ServerMessage::Pong => return counted,
            message if count(&message) => counted += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Waits until the flooder heard a `rate_limited` error; anything else it hears must be
/// what `allowed` accepts.
async fn expect_rate_limited(
    heard: &mut mpsc::UnboundedReceiver<ServerMessage>,
    allowed: impl Fn(&ServerMessage) -> bool,
) {
    loop {
        let message = tokio::time::timeout(common::WAIT, heard.recv())
            .await
            .expect("the flooder hears in time")
            .expect("the flooder stays connected");
        match message {
            ServerMessage::Error {
                code: ErrorCode::RateLimited,
                ..
            } => return,
            message if allowed(&message) => {}
            other => panic!("the flooder heard {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_signal_flood_is_dropped_and_its_target_stays_connected() {
    let server = TestServer::start().await;
    let (_room, ada, mut bob, ada_id, bob_id) = two_in_a_room(&server).await;

    // Bob reads nothing while Ada sends far more than his queue and sockets hold.
    let offer = serde_json::to_string(&ClientMessage::Signal {
        to: bob_id,
        payload: SignalPayload::Offer {
            sdp: "a".repeat(FLOOD_MESSAGE_BYTES),
            signature: Bytes::default(),
        },
    })
    .unwrap();
    let (_ada_sink, mut ada_heard) = flood(ada, std::iter::repeat_n(offer, FLOOD_MESSAGES)).await;

    // Bob, reading at last, finds Ada's offers that were let through and is still
    // connected (before the limits, he was closed with 4408 here).
    let offers = read_until_pong(
        &mut bob,
        |message| matches!(message, ServerMessage::Signal { from, .. } if *from == ada_id),
    )
    .await;
    expect_rate_limited(&mut ada_heard, |_| false).await;
    assert!(offers > 0, "the burst a real client needs goes through");
    assert!(offers < FLOOD_MESSAGES, "the flood was cut short: {offers}");
}

#[tokio::test]
async fn a_commit_flood_is_dropped_and_the_other_members_stay_connected() {
    let server = TestServer::start().await;
    let (_room, mut ada, mut bob, ada_id, bob_id) = two_in_a_room(&server).await;
    start_group(&mut ada, ada_id).await;
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::Welcome { .. }
    ));

    // Ada, a member, commits epoch after epoch (each commit is accepted and broadcast to
    // every member) while Bob reads nothing.
    let commits = (1..=FLOOD_MESSAGES as u64).map(|epoch| {
        serde_json::to_string(&ClientMessage::Commit {
            epoch,
            // Base64 on the wire: 45 KiB of bytes make a 60 KiB message.
            commit: Bytes(vec![b'c'; 45 * 1024]),
            welcome: None,
            added: Vec::new(),
            removed: Vec::new(),
            expelled: Vec::new(),
        })
        .unwrap()
    });
    let (_ada_sink, mut ada_heard) = flood(ada, commits).await;

    let relayed = read_until_pong(
        &mut bob,
        |message| matches!(message, ServerMessage::Commit { from, .. } if *from == ada_id),
    )
    .await;
    expect_rate_limited(&mut ada_heard, |message| {
        matches!(message, ServerMessage::Commit { .. })
    })
    .await;
    assert!(relayed > 0);
    assert!(
        relayed < FLOOD_MESSAGES,
        "the flood was cut short: {relayed}"
    );
}
