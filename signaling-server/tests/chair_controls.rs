//! Scenario: the server's part of a meeting's chair controls (protocol 4), over real
//! sockets. A member answers a knock and the knocker hears it; a member ends the meeting and
//! everyone is closed with 4410, after which the room is gone; a commit that expels a member
//! reaches it, then its connection is closed with 4403 and the others hear it left; one
//! counter-commit routes around a commit the members ignored. Each request from someone
//! who may not send it gets a clear error or rejection, and changes nothing.
// Test helpers: a malformed reply should fail the test loudly.
#![allow(clippy::unwrap_used)]

mod common;

use common::{commit, relayed_commit, routed_welcome, start_group, Participant, TestServer};
use conclave_protocol::{
    close_code, ClientMessage, ErrorCode, GroupStatus, KnockAnswer, ParticipantId, RoomId,
    ServerMessage,
};

/// A `commit` made in `epoch` that removes and expels `expelled`.
fn expelling(epoch: u64, expelled: &[ParticipantId]) -> ClientMessage {
    let ClientMessage::Commit {
        epoch,
        commit,
        welcome,
        added,
        removed,
        ..
    } = commit(epoch, &[], expelled)
    else {
        unreachable!("common::commit makes a commit");
    };
    ClientMessage::Commit {
        epoch,
        commit,
        welcome,
        added,
        removed,
        expelled: expelled.to_vec(),
    }
}

/// [`expelling`] as the server relays it.
fn relayed_expelling(from: ParticipantId, epoch: u64, expelled: &[ParticipantId]) -> ServerMessage {
    let ServerMessage::Commit {
        from,
        epoch,
        commit,
        added,
        removed,
        ..
    } = relayed_commit(from, epoch, &[], expelled)
    else {
        unreachable!("common::relayed_commit makes a commit");
    };
    ServerMessage::Commit {
        from,
        epoch,
        commit,
        added,
        removed,
        expelled: expelled.to_vec(),
    }
}

/// The next `commit_rejected`; returns its reason after checking the epochs.
async fn expect_rejected(
    participant: &mut Participant,
    epoch: u64,
    current_epoch: Option<u64>,
) -> String {
    match participant.recv_skipping_presence().await {
        ServerMessage::CommitRejected {
            epoch: got,
            current_epoch: current,
            reason,
        } => {
            assert_eq!((got, current), (epoch, current_epoch), "{reason}");
            reason
        }
        other => panic!("expected commit_rejected, got {other:?}"),
    }
}

/// The room's group as a fresh joiner sees it (then the joiner leaves).
async fn group_seen_by_a_joiner(server: &TestServer, room: &RoomId) -> GroupStatus {
    let (mut probe, _, group) = server.join_seeing_group(room, "Probe").await;
    probe.send(&ClientMessage::Leave).await;
    probe.expect_close().await;
    group
}

/// Ada starts the group and adds Bob; Cy is present, no member. Everyone's queue is
/// drained of presence and of that commit.
async fn ada_and_bob_with_cy_knocking(
    server: &TestServer,
) -> (RoomId, [(Participant, ParticipantId); 3]) {
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    assert_eq!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { by: ada_id }
    );
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        relayed_commit(ada_id, 0, &[bob_id], &[])
    );
    assert_eq!(
        bob.recv_skipping_presence().await,
        routed_welcome(ada_id, 0)
    );
    let (cy, cy_id, _) = server.join_seeing_group(&room, "Cy").await;
    for member in [&mut ada, &mut bob] {
        assert!(matches!(
            member.recv().await,
            ServerMessage::ParticipantJoined { participant } if participant.id == cy_id
        ));
    }
    (room, [(ada, ada_id), (bob, bob_id), (cy, cy_id)])
}

#[tokio::test]
async fn a_members_knock_answer_reaches_the_knocker_and_the_members() {
    let server = TestServer::start().await;
    let (_room, [(mut ada, ada_id), (mut bob, _), (mut cy, cy_id)]) =
        ada_and_bob_with_cy_knocking(&server).await;
    ada.send(&ClientMessage::AnswerKnock {
        to: cy_id,
        answer: KnockAnswer::Denied,
    })
    .await;
    let answered = ServerMessage::KnockAnswered {
        from: ada_id,
        to: cy_id,
        answer: KnockAnswer::Denied,
    };
    for participant in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(participant.recv().await, answered);
        participant.expect_nothing_pending().await;
    }
}

#[tokio::test]
async fn a_knock_answer_from_a_non_member_or_to_a_member_is_refused_and_sent_nowhere() {
    let server = TestServer::start().await;
    let (_room, [(mut ada, ada_id), (mut bob, bob_id), (mut cy, cy_id)]) =
        ada_and_bob_with_cy_knocking(&server).await;
    // Cy, who is no member, answers "for the chair" that Bob is denied, and that Ada's
    // meeting is locked: refused, nobody hears it.
    for to in [bob_id, ada_id, cy_id] {
        cy.send(&ClientMessage::AnswerKnock {
            to,
            answer: KnockAnswer::Locked,
        })
        .await;
        cy.expect_error(ErrorCode::NotAMember).await;
    }
    // A member's answer must go to a knocker present in the room.
    ada.send(&ClientMessage::AnswerKnock {
        to: bob_id,
        answer: KnockAnswer::Denied,
    })
    .await;
    ada.expect_error(ErrorCode::NotKnocking).await;
    ada.send(&ClientMessage::AnswerKnock {
        to: ParticipantId(99),
        answer: KnockAnswer::Denied,
    })
    .await;
    ada.expect_error(ErrorCode::UnknownParticipant).await;
    for participant in [&mut ada, &mut bob, &mut cy] {
        participant.expect_nothing_pending().await;
    }
}

#[tokio::test]
async fn ending_the_meeting_closes_everyone_with_4410_and_the_room_is_gone() {
    let server = TestServer::start().await;
    let (room, [(mut ada, _), (mut bob, _), (mut cy, _)]) =
        ada_and_bob_with_cy_knocking(&server).await;
    bob.send(&ClientMessage::EndMeeting).await;
    for participant in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(participant.recv().await, ServerMessage::MeetingEnded);
        let closed = participant.expect_close().await;
        assert_eq!(closed.code, close_code::MEETING_ENDED);
        assert_eq!(closed.reason, close_code::MEETING_ENDED_REASON);
    }
    // The room's id names no room any more.
    let mut late = server.connect(room.as_str()).await;
    late.expect_error(ErrorCode::UnknownRoom).await;
    assert_eq!(late.expect_close().await.code, close_code::UNKNOWN_ROOM);
}

#[tokio::test]
async fn ending_the_meeting_is_refused_from_a_non_member_and_changes_nothing() {
    let server = TestServer::start().await;
    let (room, [(mut ada, ada_id), (mut bob, bob_id), (mut cy, _)]) =
        ada_and_bob_with_cy_knocking(&server).await;
    cy.send(&ClientMessage::EndMeeting).await;
    cy.expect_error(ErrorCode::NotAMember).await;
    for participant in [&mut ada, &mut bob, &mut cy] {
        participant.expect_nothing_pending().await;
    }
    let group = group_seen_by_a_joiner(&server, &room).await;
    assert_eq!(group.members, vec![ada_id, bob_id]);
    assert_eq!(group.epoch, Some(1));
}

#[tokio::test]
async fn an_expelled_member_gets_the_commit_then_is_closed_with_4403() {
    let server = TestServer::start().await;
    let (room, [(mut ada, ada_id), (mut bob, bob_id), (mut cy, _)]) =
        ada_and_bob_with_cy_knocking(&server).await;
    ada.send(&expelling(1, &[bob_id])).await;
    let relayed = relayed_expelling(ada_id, 1, &[bob_id]);
    // Bob reads the commit that removes him, then the close.
    assert_eq!(bob.recv().await, relayed);
    let closed = bob.expect_close().await;
    assert_eq!(closed.code, close_code::REMOVED);
    assert_eq!(closed.reason, close_code::REMOVED_REASON);
    // Ada gets her commit, then hears that Bob left; Cy (no member) only the latter.
    assert_eq!(ada.recv().await, relayed);
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
    assert_eq!(
        cy.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
    for participant in [&mut ada, &mut cy] {
        participant.expect_nothing_pending().await;
    }
    let group = group_seen_by_a_joiner(&server, &room).await;
    assert_eq!(group.members, vec![ada_id]);
    assert_eq!(group.epoch, Some(2));
}

#[tokio::test]
async fn an_expelled_participant_must_be_one_the_commit_removes() {
    let server = TestServer::start().await;
    let (room, [(mut ada, _), (mut bob, bob_id), (mut cy, cy_id)]) =
        ada_and_bob_with_cy_knocking(&server).await;
    // Ada tries to have Cy (no member) and Bob (not removed) closed.
    for expelled in [cy_id, bob_id] {
        let ClientMessage::Commit {
            epoch,
            commit: bytes,
            welcome,
            added,
            ..
        } = commit(1, &[], &[])
        else {
            unreachable!()
        };
        ada.send(&ClientMessage::Commit {
            epoch,
            commit: bytes,
            welcome,
            added,
            removed: vec![],
            expelled: vec![expelled],
        })
        .await;
        let reason = expect_rejected(&mut ada, 1, Some(1)).await;
        assert!(reason.contains("cannot be expelled"), "{reason}");
    }
    for participant in [&mut ada, &mut bob, &mut cy] {
        participant.expect_nothing_pending().await;
    }
    assert_eq!(group_seen_by_a_joiner(&server, &room).await.epoch, Some(1));
}

/// Ada, Bob and Cy are members at epoch 2; Cy then commits (for epoch 2) something every
/// honest client ignores. Returns everyone with queues drained.
async fn a_rogue_commit_from_cy(
    server: &TestServer,
) -> (RoomId, [(Participant, ParticipantId); 3]) {
    let (room, [(mut ada, ada_id), (mut bob, bob_id), (mut cy, cy_id)]) =
        ada_and_bob_with_cy_knocking(server).await;
    ada.send(&commit(1, &[cy_id], &[])).await;
    assert_eq!(ada.recv().await, relayed_commit(ada_id, 1, &[cy_id], &[]));
    assert_eq!(bob.recv().await, relayed_commit(ada_id, 1, &[cy_id], &[]));
    assert_eq!(cy.recv().await, routed_welcome(ada_id, 1));
    // Cy removes Bob (only a chair may: the clients ignore it).
    cy.send(&commit(2, &[], &[bob_id])).await;
    for participant in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(
            participant.recv().await,
            relayed_commit(cy_id, 2, &[], &[bob_id])
        );
    }
    (room, [(ada, ada_id), (bob, bob_id), (cy, cy_id)])
}

#[tokio::test]
async fn one_counter_commit_routes_around_a_commit_everyone_ignored() {
    let server = TestServer::start().await;
    let (room, [(mut ada, ada_id), (mut bob, bob_id), (mut cy, cy_id)]) =
        a_rogue_commit_from_cy(&server).await;
    // Bob disputes Cy's commit (its check failed for him too); his status query's answer
    // shows the server has read the dispute. Then Ada counters for epoch 2: removes Cy and
    // has her closed.
    bob.send(&ClientMessage::DisputeCommit { epoch: 2 }).await;
    bob.send(&ClientMessage::QueryGroupStatus).await;
    assert!(matches!(
        bob.recv().await,
        ServerMessage::GroupStatus { .. }
    ));
    ada.send(&expelling(2, &[cy_id])).await;
    let counter = relayed_expelling(ada_id, 2, &[cy_id]);
    assert_eq!(cy.recv().await, counter);
    assert_eq!(cy.expect_close().await.code, close_code::REMOVED);
    for member in [&mut ada, &mut bob] {
        assert_eq!(member.recv().await, counter);
        assert_eq!(
            member.recv().await,
            ServerMessage::ParticipantLeft { id: cy_id }
        );
    }
    // The room stays at epoch 3, with the members of before Cy's commit less Cy.
    let group = group_seen_by_a_joiner(&server, &room).await;
    assert_eq!(
        (group.epoch, group.members),
        (Some(3), vec![ada_id, bob_id])
    );
    for member in [&mut ada, &mut bob] {
        assert!(matches!(
            member.recv().await,
            ServerMessage::ParticipantJoined { .. }
        ));
        assert!(matches!(
            member.recv().await,
            ServerMessage::ParticipantLeft { .. }
        ));
    }
    // A second counter-commit for epoch 2 (of Ada's counter-commit) is refused; Bob goes
    // on from epoch 3.
    bob.send(&expelling(2, &[ada_id])).await;
    let reason = expect_rejected(&mut bob, 2, Some(3)).await;
    assert!(reason.contains("accepted already"), "{reason}");
    bob.send(&commit(3, &[], &[])).await;
    for member in [&mut ada, &mut bob] {
        assert_eq!(member.recv().await, relayed_commit(bob_id, 3, &[], &[]));
        member.expect_nothing_pending().await;
    }
}

#[tokio::test]
async fn a_counter_commit_with_a_welcome_from_the_same_sender_or_two_epochs_behind_is_refused() {
    let server = TestServer::start().await;
    let (room, [(mut ada, ada_id), (mut bob, _), (mut cy, cy_id)]) =
        a_rogue_commit_from_cy(&server).await;
    let (mut dee, dee_id, _) = server.join_seeing_group(&room, "Dee").await;
    for participant in [&mut ada, &mut bob, &mut cy] {
        assert!(matches!(
            participant.recv().await,
            ServerMessage::ParticipantJoined { .. }
        ));
    }
    // With a Welcome (it would seat Dee in a branch nobody checked).
    let ClientMessage::Commit {
        commit: bytes,
        welcome,
        added,
        ..
    } = commit(2, &[dee_id], &[])
    else {
        unreachable!()
    };
    ada.send(&ClientMessage::Commit {
        epoch: 2,
        commit: bytes,
        welcome,
        added,
        removed: vec![cy_id],
        expelled: vec![cy_id],
    })
    .await;
    let reason = expect_rejected(&mut ada, 2, Some(3)).await;
    assert!(reason.contains("no welcome"), "{reason}");
    // From the sender of the commit it counters: another late commit of Cy's is stale.
    cy.send(&expelling(2, &[ada_id])).await;
    let reason = expect_rejected(&mut cy, 2, Some(3)).await;
    assert!(reason.contains("stale epoch"), "{reason}");
    // A late commit that does not expel Cy is a late commit, not a counter-commit.
    bob.send(&commit(2, &[], &[])).await;
    expect_rejected(&mut bob, 2, Some(3)).await;
    // Two epochs behind.
    ada.send(&expelling(1, &[cy_id])).await;
    let reason = expect_rejected(&mut ada, 1, Some(3)).await;
    assert!(reason.contains("stale epoch"), "{reason}");
    for participant in [&mut ada, &mut bob, &mut cy, &mut dee] {
        participant.expect_nothing_pending().await;
    }
    // Nothing changed: Cy's commit stands in the server's bookkeeping.
    let group = group_seen_by_a_joiner(&server, &room).await;
    assert_eq!((group.epoch, group.members), (Some(3), vec![ada_id, cy_id]));
}

#[tokio::test]
async fn malformed_chair_messages_get_a_clear_error_and_change_nothing() {
    let server = TestServer::start().await;
    let (room, [(mut ada, ada_id), (mut bob, bob_id), (mut cy, _)]) =
        ada_and_bob_with_cy_knocking(&server).await;
    for garbage in [
        r#"{"type":"answer_knock","to":3,"answer":"admitted"}"#,
        r#"{"type":"answer_knock","to":"3","answer":"denied"}"#,
        r#"{"type":"answer_knock","answer":"denied"}"#,
        r#"{"type":"answer_knock","to":3}"#,
        r#"{"type":"end_meeting","then":{"#,
        r#"{"type":"commit","epoch":1,"commit":"","welcome":null,"added":[],"removed":[2],"expelled":2}"#,
        r#"{"type":"commit","epoch":1,"commit":"","welcome":null,"added":[],"removed":[2],"expelled":["2"]}"#,
        r#"{"type":"meeting_ended"}"#,
    ] {
        ada.send_text(garbage).await;
        ada.expect_error(ErrorCode::MalformedMessage).await;
    }
    for participant in [&mut ada, &mut bob, &mut cy] {
        participant.expect_nothing_pending().await;
    }
    let group = group_seen_by_a_joiner(&server, &room).await;
    assert_eq!(
        (group.epoch, group.members),
        (Some(1), vec![ada_id, bob_id])
    );
}
