//! A hostile server keeps every KeyPackage request it relayed. After Bob leaves, it says he
//! is back (presence is the server's word: a `participant_joined` under his old id) and
//! relays his old KeyPackage and invite proof again. Nobody adds it: no leaf with Bob's
//! name comes back, whether the replay follows his removal at once, comes many epochs
//! later, or reaches a new group started in the same room.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;

#[test]
fn a_replay_right_after_the_removal_adds_no_ghost() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let (alice, bob, carol) = (ids[0], ids[1], ids[2]);
    let bobs_request = meeting.last_key_package_of(bob);
    meeting.leave(bob);
    meeting.settle();
    meeting.assert_converged(&[alice, carol]);
    let epoch = meeting.client(alice).group.epoch();

    meeting.replay_key_package("Bob", &bobs_request);
    meeting.settle();
    meeting.advance(6_000);

    meeting.assert_no_leaf_for(&[alice, carol], bob, "Bob");
    assert_eq!(
        meeting.client(alice).group.epoch(),
        epoch,
        "nobody committed"
    );
    meeting.assert_converged(&[alice, carol]);
}

#[test]
fn a_replay_many_epochs_later_adds_no_ghost() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let (alice, bob, carol) = (ids[0], ids[1], ids[2]);
    let bobs_request = meeting.last_key_package_of(bob);
    meeting.leave(bob);
    meeting.settle();
    for name in ["Dave", "Erin", "Frank"] {
        let id = meeting.join(name);
        meeting.settle();
        meeting.leave(id);
        meeting.settle();
    }
    meeting.assert_converged(&[alice, carol]);
    let epoch = meeting.client(alice).group.epoch();

    meeting.replay_key_package("Bob", &bobs_request);
    meeting.settle();
    meeting.advance(6_000);

    meeting.assert_no_leaf_for(&[alice, carol], bob, "Bob");
    assert_eq!(
        meeting.client(alice).group.epoch(),
        epoch,
        "nobody committed"
    );
}

#[test]
fn a_replay_into_a_new_group_of_the_same_room_adds_no_ghost() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let bobs_request = meeting.last_key_package_of(bob);
    // Everyone leaves: the group ends. Carol and Dave meet later in the same room (same
    // link, same invite secret) and start a new group.
    meeting.leave(bob);
    meeting.leave(alice);
    meeting.settle();
    let carol = meeting.join("Carol");
    meeting.settle();
    let dave = meeting.join("Dave");
    meeting.settle();
    meeting.assert_converged(&[carol, dave]);
    let epoch = meeting.client(carol).group.epoch();

    meeting.replay_key_package("Bob", &bobs_request);
    meeting.settle();
    meeting.advance(6_000);

    meeting.assert_no_leaf_for(&[carol, dave], bob, "Bob");
    assert_eq!(
        meeting.client(carol).group.epoch(),
        epoch,
        "nobody committed"
    );
}
