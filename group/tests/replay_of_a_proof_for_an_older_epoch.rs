//! An invite proof is bound to a challenge the group chose in one epoch. The server holds a
//! joiner's request back and relays it later: made for an epoch the members no longer
//! accept, it is refused (the joiner gets in with a fresh request); made one epoch before
//! the members' (the group moved on between publish and check, as happens when people
//! join at once), it is still accepted.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_protocol::ClientMessage;

/// Dave joins; the server keeps his KeyPackage request instead of relaying it.
fn dave_joins_held(meeting: &mut Meeting) -> (conclave_protocol::ParticipantId, ClientMessage) {
    let dave = meeting.join("Dave");
    meeting.hold_uplink_from.insert(dave);
    meeting.settle();
    let Some(request) = meeting
        .held_uplink
        .iter()
        .find(|(from, message)| {
            *from == dave && matches!(message, ClientMessage::PublishKeyPackage { .. })
        })
        .map(|(_, message)| message.clone())
    else {
        panic!("Dave asked to be added")
    };
    meeting.held_uplink.retain(|(from, _)| *from != dave);
    (dave, request)
}

/// The server relays Dave's held request now.
fn relay_late(
    meeting: &mut Meeting,
    dave: conclave_protocol::ParticipantId,
    request: ClientMessage,
) {
    let ClientMessage::PublishKeyPackage {
        key_package,
        invite_proof,
    } = request
    else {
        unreachable!("a KeyPackage request")
    };
    let members: Vec<_> = meeting
        .clients
        .values()
        .filter(|c| c.group.epoch().is_some())
        .map(|c| c.id)
        .collect();
    for to in members {
        meeting.deliver(
            to,
            conclave_protocol::ServerMessage::KeyPackage {
                from: dave,
                key_package: key_package.clone(),
                invite_proof: invite_proof.clone(),
            },
        );
    }
}

#[test]
fn a_proof_for_an_epoch_long_past_is_refused() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let (dave, request) = dave_joins_held(&mut meeting);
    // The group moves on by four epochs while the server sits on Dave's request.
    let mut others = Vec::new();
    for name in ["Carol", "Erin", "Frank", "Gina"] {
        others.push(meeting.join(name));
        meeting.settle();
    }
    let epoch = meeting.client(alice).group.epoch();

    relay_late(&mut meeting, dave, request);
    meeting.settle();
    assert_eq!(
        meeting.client(alice).group.epoch(),
        epoch,
        "a stale proof gets nobody added"
    );
    assert_eq!(meeting.client(dave).group.epoch(), None);
    meeting.assert_no_leaf_for(&[alice, bob], dave, "Dave");

    // Dave's next request (fresh KeyPackage, current challenge) gets him in.
    meeting.hold_uplink_from.remove(&dave);
    meeting.held_uplink.retain(|(from, _)| *from != dave);
    meeting.advance(6_000);
    let mut everyone = vec![alice, bob, dave];
    everyone.extend(others);
    meeting.assert_converged(&everyone);
}

#[test]
fn a_proof_made_one_epoch_before_the_members_is_accepted() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let (dave, request) = dave_joins_held(&mut meeting);
    // Carol's join moves the group on by one epoch between Dave's publish and the check.
    let carol = meeting.join("Carol");
    meeting.settle();

    relay_late(&mut meeting, dave, request);
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol, dave]);
}
