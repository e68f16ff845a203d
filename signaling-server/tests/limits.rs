//! Scenario: clients hit the server's limits (message size, room size, unknown rooms,
//! room count, connection count, a reader stuck while the room keeps its budgets). The
//! offender is told and closed; everyone else carries on.

mod common;

use common::{commit, http, start_group, TestServer};
use conclave_protocol::{
    ApiError, ApiErrorCode, Bytes, ClientMessage, ErrorCode, ServerMessage, SignalPayload,
    MAX_MESSAGE_BYTES,
};
use conclave_signaling_server::rate_limits::{MessageKind, Rate};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn an_oversized_message_closes_only_its_sender_with_1009() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    let huge = ClientMessage::Signal {
        to: ada_id,
        payload: SignalPayload::Offer {
            sdp: "a".repeat(MAX_MESSAGE_BYTES),
            signature: Bytes::default(),
        },
    };
    bob.send(&huge).await;
    bob.expect_error(ErrorCode::MessageTooBig).await;
    let closed = bob.expect_close().await;
    assert_eq!(closed.code, 1009);

    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
    ada.expect_nothing_pending().await;
    // The server goes on: someone new can join and talk to Ada.
    let (mut cy, cy_id, present) = server.join(&room, "Cy").await;
    assert_eq!(present.len(), 1);
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));
    cy.send(&ClientMessage::Signal {
        to: ada_id,
        payload: SignalPayload::Offer {
            sdp: "v=0".into(),
            signature: Bytes::default(),
        },
    })
    .await;
    assert!(matches!(ada.recv().await, ServerMessage::Signal { from, .. } if from == cy_id));
}

#[tokio::test]
async fn a_far_oversized_frame_is_refused_before_it_is_read() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    // 4 MiB: the server refuses it from the frame header and closes while Bob is still
    // writing, so Bob may see his connection reset rather than the close frame. Whatever
    // Bob does see must be the refusal.
    let _ = bob.socket.send(Message::text("x".repeat(4 << 20))).await;
    let mut seen = Vec::new();
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(common::WAIT, bob.socket.next()).await {
        seen.push(frame);
    }
    for (index, frame) in seen.iter().enumerate() {
        match (index, frame) {
            (0, Message::Text(text)) => assert!(text.contains("message_too_big"), "{text}"),
            (1, Message::Close(Some(close))) => assert_eq!(u16::from(close.code), 1009),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
    let (_cy, _, present) = server.join(&room, "Cy").await;
    assert_eq!(present.len(), 1, "the server goes on");
}

#[tokio::test]
async fn a_message_at_the_limit_is_accepted() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, _, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));
    let envelope = serde_json::to_string(&ClientMessage::Signal {
        to: ada_id,
        payload: SignalPayload::Offer {
            sdp: String::new(),
            signature: Bytes::default(),
        },
    })
    .unwrap();
    let sdp = "a".repeat(MAX_MESSAGE_BYTES - envelope.len());
    bob.send(&ClientMessage::Signal {
        to: ada_id,
        payload: SignalPayload::Offer {
            sdp: sdp.clone(),
            signature: Bytes::default(),
        },
    })
    .await;
    match ada.recv().await {
        ServerMessage::Signal {
            payload: SignalPayload::Offer { sdp: got, .. },
            ..
        } => assert_eq!(got.len(), sdp.len()),
        other => panic!("expected the offer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_full_room_refuses_with_4409() {
    let server = TestServer::start_with(|config| config.max_participants = 2).await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    let (_bob, _, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    let mut cy = server.connect(room.as_str()).await;
    cy.send(&ClientMessage::join()).await;
    cy.expect_error(ErrorCode::RoomFull).await;
    let closed = cy.expect_close().await;
    // A mesh room names its bound (see full_rooms_say_why.rs).
    let reason = conclave_protocol::close_code::mesh_room_full_reason(2);
    assert_eq!((closed.code, closed.reason.as_str()), (4409, reason));
    ada.expect_nothing_pending().await;
}

#[tokio::test]
async fn unknown_or_malformed_rooms_are_refused_with_4404() {
    let server = TestServer::start().await;
    for room in ["AAAAAAAAAAAAAAAAAAAAAA", "not-a-room", "%2e%2e"] {
        let mut client = server.connect(room).await;
        client.expect_error(ErrorCode::UnknownRoom).await;
        let closed = client.expect_close().await;
        assert_eq!(
            (closed.code, closed.reason.as_str()),
            (4404, "unknown room")
        );
    }
}

#[tokio::test]
async fn room_creation_stops_at_the_limit_with_503() {
    let server = TestServer::start_with(|config| config.max_rooms = 2).await;
    server.create_room().await;
    server.create_room().await;
    let response = http(server.addr, "POST", "/api/rooms").await;
    assert_eq!(response.status, 503);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let error: ApiError = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(error.code, ApiErrorCode::TooManyRooms);
}

#[tokio::test]
async fn connections_beyond_the_cap_are_refused_with_503() {
    let server = TestServer::start_with(|config| config.max_connections = 1).await;
    let room = server.create_room().await;
    let (ada, _, _) = server.join(&room, "Ada").await;
    let url = format!("ws://{}/ws/{room}", server.addr);
    match tokio_tungstenite::connect_async(url.as_str()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503)
        }
        other => panic!("expected 503, got {other:?}"),
    }
    drop(ada);
    // The slot comes back once Ada is gone.
    let mut retried = None;
    for _ in 0..200 {
        if let Ok((socket, _)) = tokio_tungstenite::connect_async(url.as_str()).await {
            retried = Some(socket);
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(retried.is_some(), "a slot frees up when a connection ends");
}

#[tokio::test]
async fn a_reader_stuck_while_the_room_keeps_its_budgets_is_closed_with_4408() {
    // Commits every member must see, within budgets set high for this room: Bob, who
    // reads nothing, is genuinely stuck. (A flood beyond the budgets never reaches him:
    // floods_never_disconnect_their_target.rs.)
    let server = TestServer::start_with(|config| {
        config.send_queue_capacity = 16;
        let plenty = Rate::new(1_000_000, 1_000_000).unwrap();
        config.limits.messages.set(MessageKind::Commit, plenty);
    })
    .await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));
    start_group(&mut ada, ada_id).await;
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::Commit { epoch: 0, .. }
    ));

    // Ada commits epoch after epoch, each once she saw the last one relayed, while Bob
    // reads nothing: his queue (16) and socket buffers hold a couple of hundred of them.
    let mut bob_left = false;
    for epoch in 1..=400 {
        ada.send(&ClientMessage::Commit {
            epoch,
            // Base64 on the wire: 45 KiB of bytes make a 60 KiB message.
            commit: Bytes(vec![b'c'; 45 * 1024]),
            welcome: None,
            added: Vec::new(),
            removed: Vec::new(),
            expelled: Vec::new(),
        })
        .await;
        match ada.recv().await {
            ServerMessage::Commit { epoch: relayed, .. } if relayed == epoch => {}
            ServerMessage::ParticipantLeft { id } if id == bob_id => {
                bob_left = true;
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    // Bob, reading at last, finds his connection closed after what fit.
    let mut close = None;
    while let Some(frame) = tokio::time::timeout(common::WAIT, bob.socket.next())
        .await
        .expect("bob's stream ends in time")
    {
        match frame {
            Ok(Message::Close(frame)) => {
                close = frame.map(|f| u16::from(f.code));
                break;
            }
            Ok(_) => {}
            Err(error) => panic!("unexpected error {error}"),
        }
    }
    assert_eq!(close, Some(4408));
    if !bob_left {
        assert_eq!(
            ada.recv().await,
            ServerMessage::ParticipantLeft { id: bob_id }
        );
    }
    ada.expect_nothing_pending().await;
}

#[tokio::test]
async fn a_silent_connection_is_closed_after_the_idle_timeout() {
    let server = TestServer::start_with(|config| {
        // No pings in this test: a ping would draw a pong, which counts as activity.
        config.ping_interval = std::time::Duration::from_secs(3600);
        config.idle_timeout = std::time::Duration::from_millis(300);
    })
    .await;
    let room = server.create_room().await;
    // Ada joins, then sends nothing.
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    let closed = ada.expect_close().await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (1001, "idle timeout")
    );
}

#[tokio::test]
async fn a_connection_that_never_joins_is_closed_after_the_join_timeout() {
    let server = TestServer::start_with(|config| {
        // Pongs (activity) keep the idle timeout away; only the join timeout applies.
        config.ping_interval = std::time::Duration::from_millis(50);
        config.join_timeout = std::time::Duration::from_millis(300);
    })
    .await;
    let room = server.create_room().await;
    let mut lobby = server.connect(room.as_str()).await;
    let closed = lobby.expect_close().await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (1001, "join timeout")
    );
}

#[tokio::test]
async fn a_joined_connection_outlives_the_join_timeout() {
    let server = TestServer::start_with(|config| {
        config.ping_interval = std::time::Duration::from_millis(50);
        config.join_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    ada.send(&ClientMessage::StartGroup).await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::GroupStarted { .. }
    ));
}
