//! Up to four of a joiner's KeyPackages wait for a Welcome; once it is a member, none of
//! the unused ones can bring it anywhere else. A link holder (who knows the invite secret,
//! so its group proves itself) replays one of Bob's stale KeyPackages in a Welcome of its
//! own: Bob ignores it while a member, and cannot open it even while re-syncing (when he
//! does take Welcomes), because its private key is gone.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::rogue::{RogueGroup, RoguePsk};
use common::{Meeting, SECRET};
use conclave_group::meeting_group::GAP_TIMEOUT_MS;
use conclave_group::MembershipStatus;
use conclave_protocol::{Bytes, ParticipantId, ServerMessage};

/// Alice and Bob, Bob added with his second KeyPackage (the Welcome for the first was
/// lost); returns Bob's first, stale, KeyPackage.
fn bob_with_a_stale_key_package() -> (Meeting, ParticipantId, ParticipantId, Bytes) {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    meeting.hold_uplink_from.insert(ParticipantId(2));
    let bob = meeting.join("Bob");
    meeting.settle();
    // Bob's first request never reaches Alice; he asks again after the Welcome timeout.
    meeting.held_uplink.clear();
    meeting.hold_uplink_from.clear();
    meeting.advance(6_000);
    meeting.assert_converged(&[alice, bob]);
    let published = &meeting.client(bob).published;
    assert!(published.len() >= 2, "Bob published again");
    let stale = published[0].clone();
    (meeting, alice, bob, stale)
}

/// A link holder's own group, welcoming `key_package` with the meeting's PSK.
fn link_holder_welcome(meeting: &Meeting, key_package: Bytes) -> (u64, Bytes) {
    let mut rogue = RogueGroup::found(
        ParticipantId(999),
        "Alice",
        &meeting.room_id,
        RoguePsk::FromSecret(SECRET),
    );
    let added = rogue.add(&[key_package], true);
    (added.epoch + 1, added.welcome)
}

#[test]
fn a_member_ignores_a_welcome_for_its_stale_key_package() {
    let (mut meeting, alice, bob, stale) = bob_with_a_stale_key_package();
    let epoch = meeting.client(bob).group.epoch().unwrap();
    let code = meeting.code(bob).unwrap();
    let keys_before = meeting.client(bob).keys.len();
    let (_, welcome) = link_holder_welcome(&meeting, stale);
    meeting.deliver(
        bob,
        ServerMessage::Welcome {
            from: alice,
            // Far ahead of Bob's epoch, as a member once accepted.
            epoch: epoch + 100,
            welcome,
        },
    );
    meeting.settle();
    let client = meeting.client(bob);
    assert_eq!(client.group.epoch(), Some(epoch));
    assert_eq!(meeting.code(bob), Some(code));
    assert_eq!(
        client.keys.len(),
        keys_before,
        "no key from the other group"
    );
    meeting.assert_converged(&[alice, bob]);
}

#[test]
fn unused_key_packages_are_deleted_once_a_member() {
    let (mut meeting, alice, bob, stale) = bob_with_a_stale_key_package();
    // Bob loses the group (a commit of a later epoch, the one before it never coming) and
    // waits to be added again; his new request is held, so only the link holder's Welcome
    // can reach him.
    meeting.hold_uplink_from.insert(bob);
    let epoch = meeting.client(bob).group.epoch().unwrap();
    meeting.deliver(
        bob,
        ServerMessage::Commit {
            from: alice,
            epoch: epoch + 1,
            commit: Bytes(vec![0xde, 0xad]),
            added: vec![],
            removed: vec![],
            expelled: vec![],
        },
    );
    meeting.settle();
    meeting.advance(GAP_TIMEOUT_MS);
    assert_eq!(
        meeting.client(bob).group.roster().status,
        MembershipStatus::Resyncing
    );
    let keys_before = meeting.client(bob).keys.len();

    let (welcome_epoch, welcome) = link_holder_welcome(&meeting, stale);
    meeting.deliver(
        bob,
        ServerMessage::Welcome {
            from: alice,
            epoch: welcome_epoch,
            welcome,
        },
    );
    meeting.settle();
    let client = meeting.client(bob);
    assert_eq!(
        client.group.epoch(),
        None,
        "the stale KeyPackage opened nothing"
    );
    assert_eq!(client.keys.len(), keys_before);
    assert_eq!(client.group.roster().status, MembershipStatus::Resyncing);
    // Not a refusal to show: the Welcome was for no KeyPackage Bob holds.
    assert_eq!(client.group.roster().refused_welcome, None);

    // The real meeting re-adds him.
    meeting.release_uplink(&[bob]);
    meeting.advance(2_000);
    meeting.assert_converged(&[alice, bob]);
}
