//! Someone who knows the room but not the invite secret squats it: starts the group
//! first (a MeetingGroup with another secret) and adds every joiner without checking
//! proofs. An honest joiner refuses the squatter's Welcome and emits no key, whether the
//! squatter's epoch mixes in no PSK or the meeting's PSK id with the value of another
//! secret (what the group code run with the wrong secret makes).

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::rogue::{RogueGroup, RoguePsk};
use common::Meeting;
use conclave_group::{MembershipStatus, WelcomeRefusal};
use conclave_protocol::{ClientMessage, ServerMessage};

/// The squatter's invite secret.
const WRONG_SECRET: [u8; 32] = [7; 32];

fn squatter_welcomes_bob(psk: RoguePsk, with_psk: bool, expected: WelcomeRefusal) {
    let mut meeting = Meeting::new();
    // The squatter's browser starts the room's group first.
    let mallory = meeting.join_with("Mallory", WRONG_SECRET, None);
    meeting.settle();
    assert_eq!(meeting.client(mallory).group.epoch(), Some(0));

    let bob = meeting.join("Bob");
    meeting.settle();
    // Mallory's group code drops Bob's request (his proof is for the real secret); she
    // adds him anyway, bypassing it, through the real server as the group's member.
    assert!(meeting.client(bob).group.epoch().is_none());
    let key_package = meeting.client(bob).published.last().unwrap().clone();
    let mut squatter = RogueGroup::found(mallory, "Mallory", &meeting.room_id, psk);
    let added = squatter.add(&[key_package], with_psk);
    meeting.send_as(
        mallory,
        ClientMessage::Commit {
            epoch: 0,
            commit: added.commit,
            welcome: Some(added.welcome),
            added: vec![bob],
            removed: vec![],
            expelled: vec![],
        },
    );
    // Bob gets the Welcome from the server (the Delivery Service accepted the commit).
    let welcomed = meeting
        .client(bob)
        .inbox
        .iter()
        .any(|message| matches!(message, ServerMessage::Welcome { .. }));
    assert!(welcomed, "the server routed the squatter's Welcome to Bob");
    meeting.settle();

    let client = meeting.client(bob);
    assert!(
        client.keys.is_empty(),
        "no key exported from the squatter's group"
    );
    assert_eq!(client.group.epoch(), None);
    let roster = client.group.roster();
    assert_ne!(roster.status, MembershipStatus::Member);
    assert_eq!(roster.refused_welcome, Some(expected));
}

#[test]
fn a_squatter_without_the_invite_psk_cannot_welcome_a_joiner() {
    squatter_welcomes_bob(RoguePsk::None, false, WelcomeRefusal::WithoutInviteSecret);
}

#[test]
fn a_squatter_with_the_psk_of_another_secret_cannot_welcome_a_joiner() {
    squatter_welcomes_bob(
        RoguePsk::FromSecret(WRONG_SECRET),
        true,
        WelcomeRefusal::CannotOpen,
    );
}
