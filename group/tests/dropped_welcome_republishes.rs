//! The Welcome for a joiner is lost: after 5 s it publishes a fresh KeyPackage, the
//! committer replaces the leaf it had added, and everyone converges.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::MembershipStatus;

#[test]
fn dropped_welcome_republishes() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    meeting.drop_welcomes_to.insert(carol_id(&meeting), 1);
    let carol = meeting.join("Carol");
    meeting.settle();
    // Carol is in the others' tree but holds no keys.
    assert_eq!(
        meeting.client(carol).group.roster().status,
        MembershipStatus::WaitingToBeAdded
    );
    assert_eq!(meeting.client(alice).group.roster().members.len(), 3);
    assert!(meeting.client(carol).keys.is_empty());
    meeting.advance(6_000);
    meeting.assert_converged(&[alice, bob, carol]);
    assert_eq!(meeting.client(alice).group.roster().members.len(), 3);
}

/// The id the next participant will get (ids are handed out in order).
fn carol_id(meeting: &Meeting) -> conclave_protocol::ParticipantId {
    let last = meeting.clients.keys().max().map_or(0, |id| id.0);
    conclave_protocol::ParticipantId(last + 1)
}
