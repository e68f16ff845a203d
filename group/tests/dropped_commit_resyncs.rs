//! A Commit is dropped on its way to one member. When the next one arrives it sees a gap,
//! waits briefly, then re-syncs (fresh KeyPackage, its old leaf replaced) and ends in the
//! same epoch with the same code and keys as the others. No silent key mismatch.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::MembershipStatus;

#[test]
fn dropped_commit_resyncs() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    let carol = meeting.join("Carol");
    meeting.settle();

    // Dave's add never reaches Bob.
    meeting.drop_commits_to.insert(bob, 1);
    let dave = meeting.join("Dave");
    meeting.settle();
    assert_eq!(meeting.client(bob).group.epoch(), Some(2));
    assert_eq!(meeting.client(alice).group.epoch(), Some(3));

    // Erin's add reaches Bob: a gap (epoch 3 while Bob is at 2).
    let erin = meeting.join("Erin");
    meeting.settle();
    assert_eq!(
        meeting.client(bob).group.epoch(),
        Some(2),
        "waits, does not guess"
    );
    meeting.advance(2_000);
    assert!(meeting.client(bob).resyncs >= 1);
    meeting.settle();
    meeting.advance(500);
    assert_eq!(
        meeting.client(bob).group.roster().status,
        MembershipStatus::Member
    );
    meeting.assert_converged(&[alice, bob, carol, dave, erin]);
    meeting.assert_keys_consistent();
}

#[test]
fn dropped_commit_with_nothing_after_is_caught_by_a_later_one() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    meeting.drop_commits_to.insert(bob, 1);
    let carol = meeting.join("Carol");
    meeting.settle();
    // Bob is behind but does not know yet; the next membership change reveals it.
    meeting.leave(carol);
    meeting.settle();
    meeting.advance(3_000);
    meeting.assert_converged(&[alice, bob]);
}

#[test]
fn dropped_commit_with_nothing_after_is_caught_by_the_media() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    meeting.drop_commits_to.insert(bob, 1);
    let carol = meeting.join("Carol");
    meeting.settle();
    assert_eq!(meeting.client(bob).group.epoch(), Some(1));

    // A short burst of newer-epoch frames is normal lag at an epoch switch: no re-sync.
    meeting.report_newer_epoch_media(bob);
    meeting.advance(1_500);
    meeting.report_newer_epoch_media(bob);
    assert_eq!(
        meeting.client(bob).resyncs,
        0,
        "a pause restarts the observation"
    );

    // Alice's and Carol's frames keep arriving under epoch 2: Bob is behind and re-syncs.
    for _ in 0..10 {
        meeting.report_newer_epoch_media(bob);
        meeting.advance(250);
    }
    assert!(meeting.client(bob).resyncs >= 1);
    meeting.advance(1_000);
    meeting.assert_converged(&[alice, bob, carol]);
    meeting.assert_keys_consistent();
}
