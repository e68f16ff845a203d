//! Scenario: a room's MLS group is started once, shown to newcomers in `joined`, and
//! forgotten when no member is left in the room.

mod common;

use common::{commit, relayed_commit, routed_welcome, start_group, TestServer};
use conclave_protocol::{ClientMessage, ErrorCode, GroupStatus, ServerMessage};

#[tokio::test]
async fn the_first_start_group_wins_and_a_second_is_refused() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, group) = server.join_seeing_group(&room, "Ada").await;
    assert_eq!(group, GroupStatus::default(), "a new room has no group");
    let (mut bob, _, _) = server.join_seeing_group(&room, "Bob").await;

    start_group(&mut ada, ada_id).await;
    assert_eq!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { by: ada_id }
    );

    bob.send(&ClientMessage::StartGroup).await;
    bob.expect_error(ErrorCode::GroupExists).await;
    ada.expect_no_handshake_pending().await;

    let (_cy, _, group) = server.join_seeing_group(&room, "Cy").await;
    assert_eq!(
        group,
        GroupStatus {
            epoch: Some(0),
            members: vec![ada_id],
            join_challenge: None,
        }
    );
}

#[tokio::test]
async fn start_group_before_join_is_refused() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let mut ada = server.connect(room.as_str()).await;
    ada.send(&ClientMessage::StartGroup).await;
    ada.expect_error(ErrorCode::NotJoined).await;
}

#[tokio::test]
async fn the_group_ends_when_its_last_member_leaves_while_others_remain() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));

    ada.send(&ClientMessage::Leave).await;
    assert_eq!(
        bob.recv().await,
        ServerMessage::ParticipantLeft { id: ada_id }
    );
    assert_eq!(bob.recv().await, ServerMessage::GroupEnded);

    // Bob starts a new group; its epoch counts from 0 again.
    start_group(&mut bob, bob_id).await;
    let (_cy, _, group) = server.join_seeing_group(&room, "Cy").await;
    assert_eq!(
        group,
        GroupStatus {
            epoch: Some(0),
            members: vec![bob_id],
            join_challenge: None,
        }
    );
}

#[tokio::test]
async fn a_departed_member_stays_a_member_until_a_commit_removes_it() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        relayed_commit(ada_id, 0, &[bob_id], &[])
    );
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    assert_eq!(bob.recv().await, routed_welcome(ada_id, 0));

    drop(bob);
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
    ada.expect_nothing_pending().await;
    let (_cy, _, group) = server.join_seeing_group(&room, "Cy").await;
    assert_eq!(
        group.members,
        vec![ada_id, bob_id],
        "no group_ended: Ada remains"
    );

    ada.send(&commit(1, &[], &[bob_id])).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        relayed_commit(ada_id, 1, &[], &[bob_id])
    );
    let (_dee, _, group) = server.join_seeing_group(&room, "Dee").await;
    assert_eq!(
        group,
        GroupStatus {
            epoch: Some(2),
            members: vec![ada_id],
            join_challenge: None,
        }
    );
}

#[tokio::test]
async fn an_emptied_room_has_no_group() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    start_group(&mut ada, ada_id).await;
    ada.send(&ClientMessage::Leave).await;
    assert_eq!(ada.expect_close().await.code, 1000);
    let (_bob, _, group) = server.join_seeing_group(&room, "Bob").await;
    assert_eq!(group, GroupStatus::default());
}

/// Without the feature the fault endpoint does not exist.
#[cfg(not(feature = "test-hooks"))]
#[tokio::test]
async fn there_is_no_fault_endpoint_without_test_hooks() {
    let server = TestServer::start().await;
    let response = common::http_json(
        server.addr,
        "POST",
        "/test/faults",
        r#"{"drop_next_commit":true}"#,
    )
    .await;
    assert!(
        response.status == 404 || response.status == 405,
        "{response:?}"
    );
}
