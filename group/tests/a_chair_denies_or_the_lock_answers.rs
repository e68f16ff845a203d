//! Answers to a knock that are no Add: a chair's denial makes the knocker's status
//! `Denied` and it is never added (not even by a second chair, nor on its re-publish);
//! while the meeting is locked the lowest present chair answers every knock "locked".

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{Admission, ChairAction, MembershipStatus};

#[test]
fn a_denied_knocker_is_told_and_never_added() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let bob_key = meeting.key_of(alice, bob);
    meeting.act(alice, |group, now| group.set_chair(now, &bob_key, true));
    meeting.settle();

    let mallory = meeting.join("Mallory");
    meeting.settle();
    assert_eq!(meeting.client(bob).group.roster().knocks.len(), 1);
    meeting.act(alice, |group, now| group.deny(now, mallory));
    meeting.settle();

    let denied = meeting.client(mallory);
    assert_eq!(denied.group.roster().status, MembershipStatus::Denied);
    let published = denied.published.len();
    // The other chair's list drops the knock too; admitting it now does nothing.
    assert!(meeting.client(bob).group.roster().knocks.is_empty());
    meeting.act(bob, |group, now| group.admit(now, mallory));
    assert_eq!(meeting.client(bob).failed_actions, vec![ChairAction::Admit]);
    meeting.advance(60_000);
    meeting.assert_converged(&[alice, bob]);
    let denied = meeting.client(mallory);
    assert_eq!(denied.published.len(), published, "asks no more");
    assert!(denied.keys.is_empty());
    assert_eq!(denied.group.roster().status, MembershipStatus::Denied);
}

#[test]
fn a_locked_meeting_tells_knockers_so() {
    let mut meeting = Meeting::new();
    meeting.admission = Admission::AnyoneWithLink;
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    meeting.act(alice, |group, now| group.set_locked(now, true));
    meeting.settle();

    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.advance(10_000);
    assert_eq!(
        meeting.client(carol).group.roster().status,
        MembershipStatus::LockedOut
    );
    assert!(meeting.client(carol).keys.is_empty());
    meeting.assert_converged(&[alice, bob]);

    // Unlocked, the next knock gets in (the open meeting adds it at once).
    meeting.act(alice, |group, now| group.set_locked(now, false));
    meeting.settle();
    let dave = meeting.join("Dave");
    meeting.settle();
    meeting.assert_converged(&[alice, bob, dave]);
}
