//! A member that re-syncs says why: a commit lost on its way (seen as a gap when the next
//! one arrives, or by newer-epoch media when nothing follows) or a commit it cannot apply
//! is named as such, once per re-sync.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::ResyncReason;
use conclave_protocol::{Bytes, ServerMessage};

#[test]
fn a_gap_that_does_not_close_is_a_missed_commit() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let carol = meeting.join_unseen_by("Carol", bob);
    let dave = meeting.join("Dave");
    meeting.settle();
    assert!(meeting.client(bob).resync_reasons.is_empty(), "waits first");
    meeting.advance(2_000);
    assert_eq!(
        meeting.client(bob).resync_reasons,
        [ResyncReason::MissedCommit]
    );
    assert_eq!(meeting.client(bob).resyncs, 1);
    meeting.advance(1_000);
    meeting.assert_converged(&[alice, bob, carol, dave]);
    for id in [alice, carol, dave] {
        assert!(meeting.client(id).resync_reasons.is_empty());
    }
}

#[test]
fn newer_epoch_media_with_no_commit_after_is_named() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let carol = meeting.join_unseen_by("Carol", bob);
    for _ in 0..10 {
        meeting.report_newer_epoch_media(bob);
        meeting.advance(250);
    }
    assert_eq!(
        meeting.client(bob).resync_reasons,
        [ResyncReason::NewerEpochMedia]
    );
    meeting.advance(1_000);
    meeting.assert_converged(&[alice, bob, carol]);
}

#[test]
fn a_commit_that_cannot_be_applied_is_named() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let epoch = meeting.client(bob).group.epoch().unwrap();
    // A commit of Bob's epoch that is not an MLS message at all.
    meeting.deliver(
        bob,
        ServerMessage::Commit {
            from: alice,
            epoch,
            commit: Bytes(vec![0xde, 0xad]),
            added: vec![],
            removed: vec![],
            expelled: vec![],
        },
    );
    meeting.settle();
    assert_eq!(
        meeting.client(bob).resync_reasons,
        [ResyncReason::UnprocessableCommit]
    );
    meeting.advance(1_000);
    meeting.assert_converged(&[alice, bob]);
}
