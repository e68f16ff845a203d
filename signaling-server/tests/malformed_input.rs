//! Scenario: a client sends garbage, or messages out of order. It gets an error naming
//! the cause, and the connection goes on.

mod common;

use common::TestServer;
use conclave_protocol::{
    close_code, Bytes, ClientMessage, ErrorCode, ParticipantId, ServerMessage, SignalPayload,
    PROTOCOL_VERSION,
};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn malformed_json_gets_an_error_and_the_connection_goes_on() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let mut ada = server.connect(room.as_str()).await;
    for garbage in [
        "{",
        "null",
        "[]",
        r#"{"type":"shout"}"#,
        r#"{"type":"join","protocol":"4"}"#,
        r#"{"type":"join","protocol":-1}"#,
        r#"{"type":"signal","to":-1,"payload":{"kind":"offer","sdp":""}}"#,
        r#"{"type":"signal","to":1,"payload":{"kind":"rollback"}}"#,
        "\u{0}\u{ffff}",
    ] {
        ada.send_text(garbage).await;
        ada.expect_error(ErrorCode::MalformedMessage).await;
    }
    ada.socket
        .send(Message::binary(vec![0xde, 0xad, 0xbe, 0xef]))
        .await
        .unwrap();
    ada.expect_error(ErrorCode::MalformedMessage).await;

    ada.send(&ClientMessage::join()).await;
    assert!(matches!(ada.recv().await, ServerMessage::Joined { .. }));

    // Still fine after joining too.
    ada.send_text("{\"type\":").await;
    ada.expect_error(ErrorCode::MalformedMessage).await;
    let (_bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));
    ada.send(&ClientMessage::Signal {
        to: bob_id,
        payload: SignalPayload::Answer {
            sdp: "v=0".into(),
            signature: Bytes::default(),
        },
    })
    .await;
    ada.expect_nothing_pending().await;
}

#[tokio::test]
async fn messages_before_join_are_refused() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let mut ada = server.connect(room.as_str()).await;
    ada.send(&ClientMessage::Signal {
        to: ParticipantId(1),
        payload: SignalPayload::Offer {
            sdp: "v=0".into(),
            signature: Bytes::default(),
        },
    })
    .await;
    ada.expect_error(ErrorCode::NotJoined).await;
    ada.send(&ClientMessage::Leave).await;
    ada.expect_error(ErrorCode::NotJoined).await;
    ada.send(&ClientMessage::join()).await;
    assert!(matches!(ada.recv().await, ServerMessage::Joined { .. }));
}

#[tokio::test]
async fn joining_twice_is_refused() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    ada.send(&ClientMessage::join()).await;
    ada.expect_error(ErrorCode::AlreadyJoined).await;
    let (_bob, _, present) = server.join(&room, "Bob").await;
    assert_eq!(present.len(), 1, "Ada is in the room once");
}

#[tokio::test]
async fn a_client_of_another_protocol_version_is_closed_with_a_reason_to_reload() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    // A page from before the version field, one of version 3 (which sent a name), then
    // pages of other versions.
    let older = [
        r#"{"type":"join","display_name":"Old page"}"#.to_owned(),
        r#"{"type":"join","display_name":"Old page","protocol":3}"#.to_owned(),
    ];
    let others = [0, 1, PROTOCOL_VERSION + 1, u32::MAX]
        .map(|protocol| serde_json::to_string(&ClientMessage::Join { protocol }).unwrap());
    for join in older.into_iter().chain(others) {
        let mut stale = server.connect(room.as_str()).await;
        stale.send_text(&join).await;
        let closed = stale.expect_close().await;
        assert_eq!(closed.code, close_code::OTHER_VERSION);
        assert_eq!(closed.reason, close_code::OTHER_VERSION_REASON);
    }
    ada.expect_nothing_pending().await;
    let (_bob, _, present) = server.join(&room, "Bob").await;
    assert_eq!(present.len(), 1, "only Ada was admitted before Bob");
}

#[tokio::test]
async fn a_signal_to_an_unknown_participant_is_refused_to_the_sender_only() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    ada.send(&ClientMessage::Signal {
        to: ParticipantId(999),
        payload: SignalPayload::Offer {
            sdp: "v=0".into(),
            signature: Bytes::default(),
        },
    })
    .await;
    ada.expect_error(ErrorCode::UnknownParticipant).await;
    bob.expect_nothing_pending().await;

    // After Bob leaves, his id is unknown too.
    bob.send(&ClientMessage::Leave).await;
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
    ada.send(&ClientMessage::Signal {
        to: bob_id,
        payload: SignalPayload::Offer {
            sdp: "v=0".into(),
            signature: Bytes::default(),
        },
    })
    .await;
    ada.expect_error(ErrorCode::UnknownParticipant).await;
    assert_ne!(ada_id, bob_id);
}
