//! Scenario: the server totally orders a room's MLS commits. The first commit of an
//! epoch wins and reaches every member, its sender included; later ones are rejected to
//! their sender only; Welcomes reach only the added participants; inconsistent commits
//! change nothing.

mod common;

use common::{
    bytes, commit, key_package, relayed_commit, routed_welcome, start_group, Participant,
    TestServer,
};
use conclave_protocol::{ClientMessage, ParticipantId, ServerMessage};

/// Expects `commit_rejected` for `epoch` with the room at `current_epoch`; returns the reason.
async fn expect_rejected(
    participant: &mut Participant,
    epoch: u64,
    current_epoch: Option<u64>,
) -> String {
    match participant.recv_skipping_presence().await {
        ServerMessage::CommitRejected {
            epoch: got_epoch,
            current_epoch: got_current,
            reason,
        } => {
            assert_eq!((got_epoch, got_current), (epoch, current_epoch), "{reason}");
            reason
        }
        other => panic!("expected commit_rejected, got {other:?}"),
    }
}

#[tokio::test]
async fn the_first_commit_of_an_epoch_wins_and_the_second_is_rejected() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        relayed_commit(ada_id, 0, &[bob_id], &[])
    );
    assert_eq!(bob.recv().await, routed_welcome(ada_id, 0));

    // Cy asks to join; both members commit her Add in epoch 1. Ada's arrives first.
    let (mut cy, cy_id, _) = server.join_seeing_group(&room, "Cy").await;
    cy.send(&key_package("Cy")).await;
    for member in [&mut ada, &mut bob] {
        assert!(matches!(
            member.recv_skipping_presence().await,
            ServerMessage::KeyPackage { from, .. } if from == cy_id
        ));
    }
    ada.send(&commit(1, &[cy_id], &[])).await;
    let accepted = relayed_commit(ada_id, 1, &[cy_id], &[]);
    assert_eq!(
        ada.recv_skipping_presence().await,
        accepted,
        "the sender sees its own"
    );
    bob.send(&commit(1, &[cy_id], &[])).await;

    // Bob sees Ada's commit, then the rejection of his own.
    assert_eq!(bob.recv_skipping_presence().await, accepted);
    let reason = expect_rejected(&mut bob, 1, Some(2)).await;
    assert_eq!(reason, "stale epoch: the room is at 2");

    // Cy is welcomed once, by Ada, into epoch 2; Ada is not told of Bob's attempt.
    assert_eq!(cy.recv_skipping_presence().await, routed_welcome(ada_id, 1));
    cy.expect_no_handshake_pending().await;
    ada.expect_no_handshake_pending().await;

    // Bob rebases on epoch 2: accepted, and all three see it.
    bob.send(&commit(2, &[], &[])).await;
    let next = relayed_commit(bob_id, 2, &[], &[]);
    for member in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(member.recv_skipping_presence().await, next);
    }
}

#[tokio::test]
async fn a_welcome_reaches_only_the_added_participant() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    let (mut cy, _, _) = server.join_seeing_group(&room, "Cy").await;
    start_group(&mut ada, ada_id).await;
    for other in [&mut bob, &mut cy] {
        assert!(matches!(
            other.recv_skipping_presence().await,
            ServerMessage::GroupStarted { .. }
        ));
    }

    ada.send(&commit(0, &[bob_id], &[])).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        relayed_commit(ada_id, 0, &[bob_id], &[])
    );
    assert_eq!(
        bob.recv_skipping_presence().await,
        routed_welcome(ada_id, 0)
    );
    bob.expect_no_handshake_pending().await;
    cy.expect_no_handshake_pending().await;
}

#[tokio::test]
async fn a_commit_adding_an_absent_participant_is_rejected_and_changes_nothing() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;

    ada.send(&commit(0, &[ParticipantId(99)], &[])).await;
    let reason = expect_rejected(&mut ada, 0, Some(0)).await;
    assert!(reason.contains("99"), "{reason}");

    // Bob left before his Add was committed.
    drop(bob);
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
    ada.send(&commit(0, &[bob_id], &[])).await;
    let reason = expect_rejected(&mut ada, 0, Some(0)).await;
    assert!(reason.contains(&bob_id.to_string()), "{reason}");

    // The epoch did not move: a commit for epoch 0 is still accepted.
    ada.send(&commit(0, &[], &[])).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        relayed_commit(ada_id, 0, &[], &[])
    );
}

#[tokio::test]
async fn a_commit_from_a_non_member_is_rejected() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, _, _) = server.join_seeing_group(&room, "Bob").await;

    // No group yet.
    bob.send(&commit(0, &[], &[])).await;
    let reason = expect_rejected(&mut bob, 0, None).await;
    assert!(reason.starts_with("no group"), "{reason}");

    start_group(&mut ada, ada_id).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    bob.send(&commit(0, &[], &[])).await;
    let reason = expect_rejected(&mut bob, 0, Some(0)).await;
    assert!(reason.starts_with("not a member"), "{reason}");
    ada.expect_no_handshake_pending().await;
}

#[tokio::test]
async fn an_add_without_a_welcome_is_rejected() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    ada.send(&ClientMessage::Commit {
        epoch: 0,
        commit: bytes("commit"),
        welcome: None,
        added: vec![bob_id],
        removed: vec![],
        expelled: vec![],
    })
    .await;
    let reason = expect_rejected(&mut ada, 0, Some(0)).await;
    assert!(reason.contains("welcome"), "{reason}");
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    bob.expect_no_handshake_pending().await;
}

#[tokio::test]
async fn a_removed_member_gets_the_commit_that_removes_it_then_nothing() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert!(matches!(
        ada.recv_skipping_presence().await,
        ServerMessage::Commit { .. }
    ));
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    assert!(matches!(bob.recv().await, ServerMessage::Welcome { .. }));

    ada.send(&commit(1, &[], &[bob_id])).await;
    let removal = relayed_commit(ada_id, 1, &[], &[bob_id]);
    assert_eq!(ada.recv().await, removal);
    assert_eq!(bob.recv().await, removal);

    ada.send(&commit(2, &[], &[])).await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::Commit { epoch: 2, .. }
    ));
    bob.expect_nothing_pending().await;
}
