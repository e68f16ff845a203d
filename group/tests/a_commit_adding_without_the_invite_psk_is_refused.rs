//! A rogue member (it founded the group with the invite secret and added Alice as it
//! should) then adds Bob without proposing the invite PSK. Alice does not follow that
//! commit (she ignores it, never entering its epoch, and expels Mallory), and Bob refuses
//! its Welcome.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::rogue::{RogueGroup, RoguePsk};
use common::{Meeting, SECRET};
use conclave_group::WelcomeRefusal;
use conclave_protocol::{close_code, Bytes, ClientMessage, ParticipantId, ServerMessage};

/// The KeyPackage the server relayed to `rogue` from `from`.
fn relayed_key_package(meeting: &mut Meeting, rogue: ParticipantId, from: ParticipantId) -> Bytes {
    meeting
        .take_raw_inbox(rogue)
        .into_iter()
        .rev()
        .find_map(|message| match message {
            ServerMessage::KeyPackage {
                from: sender,
                key_package,
                ..
            } if sender == from => Some(key_package),
            _ => None,
        })
        .expect("the server relayed the KeyPackage")
}

#[test]
fn a_commit_adding_without_the_invite_psk_is_refused() {
    let mut meeting = Meeting::new();
    let mallory = meeting.join_raw("Mallory");
    meeting.send_as(mallory, ClientMessage::StartGroup);
    let mut rogue = RogueGroup::found(
        mallory,
        "Mallory",
        &meeting.room_id,
        RoguePsk::FromSecret(SECRET),
    );
    // As the group's only member, Mallory sets the join challenge joiners prove over.
    meeting.send_as(
        mallory,
        ClientMessage::SetJoinChallenge(rogue.join_challenge()),
    );

    // Alice asks to join; Mallory adds her as an honest committer would.
    let alice = meeting.join("Alice");
    meeting.settle();
    let key_package = relayed_key_package(&mut meeting, mallory, alice);
    let added = rogue.add(&[key_package], true);
    meeting.send_as(
        mallory,
        ClientMessage::Commit {
            epoch: added.epoch,
            commit: added.commit,
            welcome: Some(added.welcome),
            added: vec![alice],
            removed: vec![],
            expelled: vec![],
        },
    );
    meeting.settle();
    assert_eq!(meeting.client(alice).group.epoch(), Some(1));
    assert_eq!(meeting.client(alice).group.roster().members.len(), 2);

    // Bob asks to join; Mallory adds him without the PSK.
    let bob = meeting.join("Bob");
    meeting.settle();
    let key_package = relayed_key_package(&mut meeting, mallory, bob);
    let added = rogue.add(&[key_package], false);
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

    // Alice ignores the commit (she never enters its epoch, so she never shares its keys
    // with Bob), and with its committer, her only chair, a rule-breaker, she succeeds it and
    // expels it.
    let alice_client = meeting.client(alice);
    assert_eq!(alice_client.group.ignored_commits(), 1);
    assert!(alice_client.resync_reasons.is_empty());
    assert_eq!(meeting.members_seen_by(alice), vec![alice]);
    assert_eq!(meeting.chairs_seen_by(alice), vec![alice]);
    assert_eq!(meeting.closed.get(&mallory), Some(&close_code::REMOVED));
    let bob_client = meeting.client(bob);
    assert!(bob_client.keys.is_empty());
    assert_eq!(
        bob_client.group.roster().refused_welcome,
        Some(WelcomeRefusal::WithoutInviteSecret)
    );
}
