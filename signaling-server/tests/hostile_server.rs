//! Scenario: the test build's hostile modes (`POST /test/hostile`) do what a hostile
//! Delivery Service would, over real sockets: a captured joiner's KeyPackage never reaches
//! the members and the joiner gets the Welcome of the server's own group; a squatted room
//! looks as if it had a group; an expelled member stays connected under `keep_expelled`;
//! without the feature none of it exists.
// Test helpers: a malformed reply should fail the test loudly.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestServer;

/// Without the feature the hostile endpoints do not exist.
#[cfg(not(feature = "test-hooks"))]
#[tokio::test]
async fn there_is_no_hostile_endpoint_without_test_hooks() {
    let server = TestServer::start().await;
    for path in ["/test/hostile", "/test/hostile/key-package"] {
        let response = common::http_json(server.addr, "POST", path, r#"{}"#).await;
        assert!(
            response.status == 404 || response.status == 405,
            "{path}: {response:?}"
        );
    }
}

#[cfg(feature = "test-hooks")]
mod with_test_hooks {
    use super::common::{commit, http_json, start_group, Participant};
    use super::TestServer;
    use conclave_protocol::{
        Bytes, ClientMessage, ParticipantId, RoomId, ServerMessage, SignalPayload,
    };
    use serde_json::{json, Value};

    async fn post(server: &TestServer, path: &str, body: Value) -> Value {
        let response = http_json(server.addr, "POST", path, &body.to_string()).await;
        assert_eq!(response.status, 200, "{response:?}");
        serde_json::from_slice(&response.body).unwrap()
    }

    /// A well-formed KeyPackage naming `who`, from the rogue KeyPackage endpoint.
    async fn well_formed_key_package(server: &TestServer, who: ParticipantId) -> Bytes {
        let reply = post(
            server,
            "/test/hostile/key-package",
            json!({"display_name": "Bob", "participant_id": who}),
        )
        .await;
        serde_json::from_value(reply["key_package"].clone()).unwrap()
    }

    async fn publish(participant: &mut Participant, key_package: Bytes) {
        participant
            .send(&ClientMessage::PublishKeyPackage {
                key_package,
                invite_proof: Bytes(vec![0; 32]),
            })
            .await;
    }

    #[tokio::test]
    async fn a_captured_joiner_gets_the_servers_welcome_and_the_members_nothing() {
        let server = TestServer::start().await;
        let room: RoomId = server.create_room().await;
        let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
        start_group(&mut ada, ada_id).await;
        post(
            &server,
            "/test/hostile",
            json!({"room_id": room, "welcome_attack": true}),
        )
        .await;

        let (mut bob, bob_id, group) = server.join_seeing_group(&room, "Bob").await;
        assert_eq!(group.epoch, Some(0));
        let key_package = well_formed_key_package(&server, bob_id).await;
        publish(&mut bob, key_package).await;
        match bob.recv().await {
            ServerMessage::Welcome { from, epoch, .. } => {
                // The server's leaf wears Ada's face.
                assert_eq!((from, epoch), (ada_id, 1));
            }
            other => panic!("expected the server's welcome, got {other:?}"),
        }
        ada.expect_no_handshake_pending().await;

        let status = post(&server, "/test/hostile", json!({"room_id": room})).await;
        assert_eq!(status["rooms"][0]["captured"], json!([bob_id]));
        assert_eq!(status["rooms"][0]["server_group_epoch"], json!(1));
    }

    #[tokio::test]
    async fn a_squatted_room_shows_a_group_and_captures_every_joiner() {
        let server = TestServer::start().await;
        let room: RoomId = server.create_room().await;
        post(
            &server,
            "/test/hostile",
            json!({"room_id": room, "squat": true}),
        )
        .await;

        let (mut ada, ada_id, group) = server.join_seeing_group(&room, "Ada").await;
        assert_eq!(group.epoch, Some(0), "a group that does not exist");
        publish(&mut ada, well_formed_key_package(&server, ada_id).await).await;
        assert!(matches!(
            ada.recv_skipping_presence().await,
            ServerMessage::Welcome { epoch: 1, .. }
        ));
        let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
        publish(&mut bob, well_formed_key_package(&server, bob_id).await).await;
        assert!(matches!(
            bob.recv().await,
            ServerMessage::Welcome { epoch: 2, .. }
        ));
        // Ada, captured first, follows the server's group to Bob.
        assert!(matches!(
            ada.recv_skipping_presence().await,
            ServerMessage::Commit { epoch: 1, ref added, .. } if *added == vec![bob_id]
        ));
    }

    #[tokio::test]
    async fn keep_expelled_relays_the_commit_but_keeps_the_expelled_connection_up() {
        let server = TestServer::start().await;
        let room: RoomId = server.create_room().await;
        let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
        let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
        start_group(&mut ada, ada_id).await;
        ada.send(&commit(0, &[bob_id], &[])).await;
        assert!(matches!(
            bob.recv_skipping_presence().await,
            ServerMessage::GroupStarted { .. }
        ));
        assert!(matches!(bob.recv().await, ServerMessage::Welcome { .. }));
        assert!(matches!(ada.recv().await, ServerMessage::Commit { .. }));
        post(
            &server,
            "/test/hostile",
            json!({"room_id": room, "keep_expelled": true}),
        )
        .await;

        ada.send(&ClientMessage::Commit {
            epoch: 1,
            commit: Bytes(b"remove bob".to_vec()),
            welcome: None,
            added: vec![],
            removed: vec![bob_id],
            expelled: vec![bob_id],
        })
        .await;
        for participant in [&mut ada, &mut bob] {
            assert!(matches!(
                participant.recv().await,
                ServerMessage::Commit { ref expelled, .. } if *expelled == vec![bob_id]
            ));
        }
        // No close for Bob, no participant_left for Ada: signaling still reaches Bob.
        ada.send(&ClientMessage::Signal {
            to: bob_id,
            payload: SignalPayload::IceCandidate {
                candidate: "candidate:1 1 udp 1 198.18.0.2 9 typ host".into(),
                sdp_mid: None,
                sdp_m_line_index: Some(0),
            },
        })
        .await;
        assert!(matches!(
            bob.recv().await,
            ServerMessage::Signal { from, .. } if from == ada_id
        ));
        ada.expect_nothing_pending().await;
        // Bob is no member any more, and an expelled participant's commit is refused.
        bob.send(&commit(2, &[], &[])).await;
        match bob.recv().await {
            ServerMessage::CommitRejected { reason, .. } => {
                assert!(reason.starts_with("expelled"), "{reason}")
            }
            other => panic!("expected commit_rejected, got {other:?}"),
        }
        let status = post(&server, "/test/hostile", json!({"room_id": room})).await;
        assert_eq!(status["rooms"][0]["keep_expelled"], json!(true));
        assert_eq!(status["rooms"][0]["kept_expelled"], json!([bob_id]));
    }
}
