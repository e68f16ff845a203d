//! The invite link names the meeting's trust (the organisations it accepts, "verified
//! members only"), and the invite PSK and proofs are bound to it. A link holder who starts
//! the room's group without that trust cannot welcome an honest joiner: a group whose PSK
//! comes from the bare secret cannot be opened, and a group with the right PSK but another
//! trust in its state is refused.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::rogue::{RogueGroup, RoguePsk};
use common::{Meeting, SECRET};
use conclave_group::verified_identity::AnchorPin;
use conclave_group::{bound_invite_secret, MeetingTrust, MembershipStatus, WelcomeRefusal};
use conclave_protocol::ClientMessage;

/// Mallory, who holds the link, founds the room's group as `psk` says (with no trust in its
/// state) and adds Bob, whose link names a "verified members only" meeting.
fn mallory_welcomes_bob(psk: impl FnOnce(&MeetingTrust) -> RoguePsk) -> Option<WelcomeRefusal> {
    let mut meeting = Meeting::new();
    let trust = MeetingTrust::new(true, [AnchorPin::from_bytes([3; 32])]);
    meeting.creation_trust = trust.clone();
    let mallory = meeting.join_raw("Mallory");
    meeting.send_as(mallory, ClientMessage::StartGroup);
    let mut rogue = RogueGroup::found(mallory, "Mallory", &meeting.room_id, psk(&trust));
    meeting.send_as(
        mallory,
        ClientMessage::SetJoinChallenge(rogue.join_challenge()),
    );
    let bob = meeting.join("Bob");
    meeting.settle();
    let key_package = meeting.client(bob).published.last().unwrap().clone();
    let added = rogue.add(&[key_package], true);
    meeting.send_as(
        mallory,
        ClientMessage::Commit {
            epoch: added.epoch,
            commit: added.commit,
            welcome: Some(added.welcome),
            added: vec![bob],
            removed: vec![],
            expelled: vec![],
        },
    );
    meeting.settle();
    let client = meeting.client(bob);
    assert!(
        client.keys.is_empty(),
        "no key exported from Mallory's group"
    );
    assert_ne!(client.group.roster().status, MembershipStatus::Member);
    client.group.roster().refused_welcome
}

#[test]
fn a_group_started_with_the_bare_secret_cannot_be_opened() {
    let refusal = mallory_welcomes_bob(|_| RoguePsk::FromSecret(SECRET));
    assert_eq!(refusal, Some(WelcomeRefusal::CannotOpen));
}

#[test]
fn a_group_with_the_right_psk_but_another_trust_is_refused() {
    let refusal =
        mallory_welcomes_bob(|trust| RoguePsk::FromSecret(*bound_invite_secret(&SECRET, trust)));
    assert_eq!(refusal, Some(WelcomeRefusal::OtherTrust));
}
