//! Every member leaves while someone is still waiting: the server ends the group, the
//! one left starts a new one, and later joiners get in.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;

#[test]
fn group_ends_and_restarts() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    // Mallory (wrong secret) waits in the room, never added.
    let mallory = meeting.join_with("Mallory", [1; 32], None);
    meeting.settle();
    meeting.leave(alice);
    meeting.settle();
    // Mallory got GroupEnded and started a fresh group of her own (only herself).
    assert_eq!(meeting.client(mallory).group.epoch(), Some(0));
    let bob = meeting.join_with("Bob", [1; 32], None);
    meeting.settle();
    meeting.assert_converged(&[mallory, bob]);
}
