//! A member that re-syncs says why: a commit lost on its way (seen as a gap when the next
//! one arrives, or by newer-epoch media when nothing follows) is named as such, once per
//! re-sync. A commit of our epoch that nobody can read is no reason to re-sync.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::ResyncReason;
use conclave_protocol::{close_code, Bytes, ServerMessage};

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
fn a_commit_nobody_can_read_is_no_reason_to_resync() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let epoch = meeting.client(bob).group.epoch().unwrap();
    // A commit of Bob's epoch that is not an MLS message at all, relayed as Alice's. An
    // honest member's commit always reads, so Bob holds it against its committer rather
    // than follow a line of commits he cannot read (a rogue's, where it alone would
    // re-add him): he ignores it and, Alice's chair no longer counting, succeeds her and
    // expels her. A server that forges this gets Alice disconnected, which it can do
    // anyway by closing her connection.
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
    let client = meeting.client(bob);
    assert!(
        client.resync_reasons.is_empty(),
        "{:?}",
        client.resync_reasons
    );
    assert_eq!(client.group.ignored_commits(), 1);
    assert_eq!(meeting.closed.get(&alice), Some(&close_code::REMOVED));
    assert_eq!(meeting.chairs_seen_by(bob), vec![bob]);
    meeting.clients.remove(&alice);
    meeting.assert_converged(&[bob]);
}
