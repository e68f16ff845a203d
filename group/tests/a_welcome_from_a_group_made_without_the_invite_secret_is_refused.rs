//! A hostile server (the MLS Delivery Service) relays an honest joiner's KeyPackage into a
//! group of its own, made without the invite secret, and sends the joiner its Welcome.
//! The joiner refuses it: it exports no key, does not become a member, and says why; the
//! real meeting still adds it afterwards.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::rogue::{RogueGroup, RoguePsk};
use common::Meeting;
use conclave_group::{MembershipStatus, WelcomeRefusal};
use conclave_protocol::{ParticipantId, ServerMessage};

#[test]
fn a_welcome_from_a_group_made_without_the_invite_secret_is_refused() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    // Bob's KeyPackage reaches the server, which keeps it from Alice for now.
    let bob = meeting.join("Bob");
    meeting.hold_uplink_from.insert(bob);
    meeting.settle();
    let key_package = meeting.client(bob).published[0].clone();

    // The server's own group, with a member that looks like a participant.
    let mut server_group = RogueGroup::found(
        ParticipantId(999),
        "Alice",
        &meeting.room_id,
        RoguePsk::None,
    );
    let added = server_group.add(&[key_package], false);
    meeting.deliver(
        bob,
        ServerMessage::Welcome {
            from: alice,
            epoch: added.epoch + 1,
            welcome: added.welcome,
        },
    );
    meeting.settle();

    let client = meeting.client(bob);
    assert!(
        client.keys.is_empty(),
        "no key exported from the server's group"
    );
    assert_eq!(client.group.epoch(), None);
    assert_eq!(client.group.security_code(), None);
    let roster = client.group.roster();
    assert_eq!(roster.status, MembershipStatus::WaitingToBeAdded);
    assert!(roster.members.is_empty());
    assert_eq!(
        roster.refused_welcome,
        Some(WelcomeRefusal::WithoutInviteSecret)
    );

    // The real meeting still adds Bob (with the next KeyPackage he publishes), and the
    // refusal is no longer shown.
    meeting.release_uplink(&[bob]);
    meeting.advance(6_000);
    meeting.assert_converged(&[alice, bob]);
    assert_eq!(meeting.client(bob).group.roster().refused_welcome, None);
}
