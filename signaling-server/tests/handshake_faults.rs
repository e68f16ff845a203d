//! Scenario (feature `test-hooks` only): the end-to-end suite asks the server, through
//! `POST /test/faults`, to drop or reorder handshake messages, and the server does so
//! exactly once for the member it names (the newest receiving member, never the sender).
#![cfg(feature = "test-hooks")]
// Test helpers: a malformed reply should fail the test loudly.
#![allow(clippy::unwrap_used)]

mod common;

use common::{commit, http, http_json, key_package, relayed_commit, start_group, Participant};
use common::{routed_welcome, TestServer};
use conclave_protocol::{ParticipantId, RoomId, ServerMessage};
use serde_json::{json, Value};

/// A group of Ada, Bob and Cy at epoch 2, Ada its creator.
struct Meeting {
    server: TestServer,
    room: RoomId,
    ada: Participant,
    ada_id: ParticipantId,
    bob: Participant,
    cy: Participant,
}

async fn meeting_of_three() -> Meeting {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    start_group(&mut ada, ada_id).await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert!(matches!(
        ada.recv_skipping_presence().await,
        ServerMessage::Commit { .. }
    ));
    assert_eq!(bob.recv().await, routed_welcome(ada_id, 0));
    let (mut cy, cy_id, _) = server.join_seeing_group(&room, "Cy").await;
    ada.send(&commit(1, &[cy_id], &[])).await;
    for member in [&mut ada, &mut bob] {
        assert!(matches!(
            member.recv_skipping_presence().await,
            ServerMessage::Commit { epoch: 1, .. }
        ));
    }
    assert_eq!(cy.recv().await, routed_welcome(ada_id, 1));
    Meeting {
        server,
        room,
        ada,
        ada_id,
        bob,
        cy,
    }
}

async fn arm(server: &TestServer, body: Value) -> Value {
    let response = http_json(server.addr, "POST", "/test/faults", &body.to_string()).await;
    assert_eq!(response.status, 200, "{response:?}");
    serde_json::from_slice(&response.body).unwrap()
}

async fn armed_count(server: &TestServer) -> usize {
    let response = http(server.addr, "GET", "/test/faults").await;
    assert_eq!(response.status, 200, "{response:?}");
    let status: Value = serde_json::from_slice(&response.body).unwrap();
    status["armed"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_dropped_commit_misses_one_member_only_once() {
    let Meeting {
        server,
        room,
        mut ada,
        ada_id,
        mut bob,
        mut cy,
    } = meeting_of_three().await;
    let status = arm(&server, json!({"room_id": room, "drop_next_commit": true})).await;
    assert_eq!(
        status,
        json!({"armed": [{"room_id": room, "fault": "drop_next_commit"}], "held_commits": 0})
    );

    ada.send(&commit(2, &[], &[])).await;
    let dropped = relayed_commit(ada_id, 2, &[], &[]);
    assert_eq!(ada.recv().await, dropped, "never dropped for the sender");
    assert_eq!(bob.recv().await, dropped);
    cy.expect_nothing_pending().await;
    assert_eq!(armed_count(&server).await, 0);

    // The next one reaches everyone.
    ada.send(&commit(3, &[], &[])).await;
    let next = relayed_commit(ada_id, 3, &[], &[]);
    for member in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(member.recv().await, next);
    }
}

#[tokio::test]
async fn a_reordered_commit_arrives_after_the_next_one() {
    let Meeting {
        server,
        mut ada,
        ada_id,
        mut bob,
        mut cy,
        ..
    } = meeting_of_three().await;
    // No room id: the next commit in any room.
    arm(&server, json!({"reorder_next_commit": true})).await;

    ada.send(&commit(2, &[], &[])).await;
    let first = relayed_commit(ada_id, 2, &[], &[]);
    assert_eq!(ada.recv().await, first);
    assert_eq!(bob.recv().await, first);
    cy.expect_nothing_pending().await;

    ada.send(&commit(3, &[], &[])).await;
    let second = relayed_commit(ada_id, 3, &[], &[]);
    assert_eq!(ada.recv().await, second);
    assert_eq!(bob.recv().await, second);
    assert_eq!(cy.recv().await, second);
    assert_eq!(cy.recv().await, first, "held back, then delivered late");
    cy.expect_nothing_pending().await;
}

#[tokio::test]
async fn a_dropped_welcome_never_arrives() {
    let Meeting {
        server,
        room,
        mut ada,
        ada_id,
        mut bob,
        mut cy,
    } = meeting_of_three().await;
    arm(&server, json!({"room_id": room, "drop_next_welcome": true})).await;

    let (mut dee, dee_id, _) = server.join_seeing_group(&room, "Dee").await;
    dee.send(&key_package("Dee")).await;
    for member in [&mut ada, &mut bob, &mut cy] {
        assert!(matches!(
            member.recv_skipping_presence().await,
            ServerMessage::KeyPackage { from, .. } if from == dee_id
        ));
    }
    ada.send(&commit(2, &[dee_id], &[])).await;
    let add = relayed_commit(ada_id, 2, &[dee_id], &[]);
    for member in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(member.recv().await, add);
    }
    dee.expect_nothing_pending().await;
}

#[tokio::test]
async fn faults_for_another_room_wait_and_can_be_cleared() {
    let Meeting {
        server,
        mut ada,
        ada_id,
        mut bob,
        mut cy,
        ..
    } = meeting_of_three().await;
    let other = server.create_room().await;
    arm(&server, json!({"room_id": other, "drop_next_commit": true})).await;

    ada.send(&commit(2, &[], &[])).await;
    let accepted = relayed_commit(ada_id, 2, &[], &[]);
    for member in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(member.recv().await, accepted);
    }
    assert_eq!(armed_count(&server).await, 1);

    let response = http(server.addr, "DELETE", "/test/faults").await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(armed_count(&server).await, 0);
}

#[tokio::test]
async fn unknown_fault_names_are_refused() {
    let server = TestServer::start().await;
    let response = http_json(
        server.addr,
        "POST",
        "/test/faults",
        r#"{"drop_every_commit":true}"#,
    )
    .await;
    assert!((400..500).contains(&response.status), "{response:?}");
    assert_eq!(armed_count(&server).await, 0);
}
