//! Admission (rule 2): in a meeting where the chair admits, a verified knock waits until a
//! chair admits it; a non-chair cannot admit, and its commit adding a knock anyway is
//! ignored by every honest member. In a meeting open to anyone with the link, any member's
//! Add is followed. Nobody's Add is followed while the meeting is locked. A knock waiting
//! for minutes re-publishes with backoff, and at once when its proof falls out of the
//! members' window.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{Admission, ChairAction, MembershipStatus, RogueCommit};
use conclave_protocol::ParticipantId;

fn status(meeting: &Meeting, id: ParticipantId) -> MembershipStatus {
    meeting.client(id).group.roster().status
}

#[test]
fn a_knock_waits_for_the_chair_and_admit_adds_it() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.join("Bob");
    meeting.settle();
    meeting.advance(2_000);
    assert_eq!(status(&meeting, bob), MembershipStatus::WaitingToBeAdded);
    assert_eq!(meeting.members_seen_by(alice), vec![alice]);
    let knocks = meeting.client(alice).group.roster().knocks;
    assert_eq!(knocks.len(), 1);
    assert_eq!(knocks[0].participant_id, bob);
    assert_eq!(knocks[0].display_name, "Bob");

    meeting.act(alice, |group, now| group.admit(now, bob));
    meeting.settle();
    meeting.assert_converged(&[alice, bob]);
    assert_eq!(meeting.chairs_seen_by(bob), vec![alice]);
    assert!(meeting.client(alice).group.roster().knocks.is_empty());
    assert!(meeting.client(alice).group.is_chair());
    assert!(!meeting.client(bob).group.is_chair());
}

#[test]
fn admit_all_adds_every_knock_in_one_commit() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.join("Bob");
    let carol = meeting.join("Carol");
    meeting.settle();
    assert_eq!(meeting.client(alice).group.roster().knocks.len(), 2);
    let accepted = meeting.accepted_commits;
    meeting.act(alice, |group, now| group.admit_all(now));
    meeting.settle();
    assert_eq!(meeting.accepted_commits, accepted + 1);
    meeting.assert_converged(&[alice, bob, carol]);
}

#[test]
fn a_non_chair_cannot_admit() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let carol = meeting.join("Carol");
    meeting.settle();
    let sent = meeting.client(bob).commits_sent;
    meeting.act(bob, |group, now| group.admit(now, carol));
    meeting.settle();
    assert_eq!(meeting.client(bob).failed_actions, vec![ChairAction::Admit]);
    assert_eq!(meeting.client(bob).commits_sent, sent);
    assert_eq!(status(&meeting, carol), MembershipStatus::WaitingToBeAdded);
}

#[test]
fn a_non_chairs_add_is_ignored_when_the_chair_admits() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let carol = meeting.join("Carol");
    meeting.settle();
    let epoch = meeting.client(alice).group.epoch();

    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::AddParticipant(carol))
    });
    meeting.settle();

    assert!(!meeting.members_seen_by(alice).contains(&carol));
    let chair = meeting.client(alice);
    assert_eq!(
        chair.group.ignored_commits(),
        1,
        "the chair ignored the Add"
    );
    assert_eq!(chair.resyncs, 0);
    // Not followed: the chair stays in its epoch, or moves on only by its own commit
    // removing Bob (when the server takes the counter-commit).
    let after = chair.group.epoch();
    assert!(after == epoch || !meeting.members_seen_by(alice).contains(&bob));
}

#[test]
fn in_a_meeting_open_to_the_link_any_members_add_is_followed() {
    let mut meeting = Meeting::new();
    meeting.admission = Admission::AnyoneWithLink;
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    // The lowest member's own Add of Carol is held back: Bob, no chair, adds her.
    meeting.hold_uplink_from.insert(alice);
    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::AddParticipant(carol))
    });
    meeting.settle();
    meeting.release_uplink(&[alice]);
    meeting.settle();
    meeting.advance(1_000);
    meeting.assert_converged(&[alice, bob, carol]);
    assert_eq!(meeting.client(alice).group.ignored_commits(), 0);
}

#[test]
fn nobodys_add_is_followed_while_the_meeting_is_locked() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let bob_key = meeting.key_of(alice, bob);
    meeting.act(alice, |group, now| group.set_chair(now, &bob_key, true));
    meeting.settle();
    meeting.act(alice, |group, now| group.set_locked(now, true));
    meeting.settle();
    assert!(meeting.client(bob).group.roster().policy.unwrap().locked);
    assert_eq!(meeting.chairs_seen_by(bob).len(), 2);

    // Alice (the lowest chair) would answer the knock "locked": hold her messages back.
    meeting.hold_uplink_from.insert(alice);
    let carol = meeting.join("Carol");
    meeting.settle();
    // Bob, a chair, cannot admit while locked...
    meeting.act(bob, |group, now| group.admit(now, carol));
    meeting.settle();
    assert_eq!(meeting.client(bob).failed_actions, vec![ChairAction::Admit]);
    // ...and his commit adding Carol anyway is ignored.
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::AddParticipant(carol))
    });
    meeting.settle();
    assert_eq!(meeting.members_seen_by(alice), vec![alice, bob]);
    assert_eq!(meeting.client(alice).group.ignored_commits(), 1);
}

#[test]
fn a_waiting_knock_republishes_with_backoff() {
    let (mut meeting, _alice) = Meeting::chaired("Alice");
    let bob = meeting.join("Bob");
    meeting.settle();
    meeting.advance(120_000);
    let times = &meeting.client(bob).published_at;
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.len() >= 5, "{gaps:?}");
    assert_eq!(gaps[..4], [5_000, 10_000, 20_000, 30_000], "{gaps:?}");
    assert!(gaps[4..].iter().all(|gap| *gap == 30_000), "{gaps:?}");
    // Never more than the server takes in a minute.
    for (i, start) in times.iter().enumerate() {
        let in_minute = times[i..].iter().filter(|t| **t < start + 60_000).count();
        assert!(in_minute <= 10);
    }
    assert_eq!(status(&meeting, bob), MembershipStatus::WaitingToBeAdded);
}

#[test]
fn a_knock_republishes_at_once_when_its_proof_leaves_the_window() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.join("Bob");
    meeting.settle();
    assert_eq!(meeting.client(bob).published.len(), 1);
    // Four epochs go by (no time passes): Bob's proof over epoch 0 is now out of every
    // member's window, so he asks again without waiting for his timer.
    for name in ["Carol", "Dave", "Erin"] {
        meeting.admitted(alice, name);
    }
    assert_eq!(meeting.client(alice).group.epoch(), Some(3));
    assert_eq!(meeting.client(bob).published.len(), 1);
    meeting.admitted(alice, "Frank");
    assert_eq!(meeting.client(alice).group.epoch(), Some(4));
    assert_eq!(meeting.client(bob).published.len(), 2);
    // And the fresh request is one a chair can admit.
    meeting.act(alice, |group, now| group.admit(now, bob));
    meeting.settle();
    assert_eq!(status(&meeting, bob), MembershipStatus::Member);
}
