//! One of three members leaves: the other two agree on a new epoch and code, roster of 2.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;

#[test]
fn one_member_leaves() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);
    let before = meeting.code(alice).unwrap();

    // The committer itself leaves: the next lowest leaf takes over.
    meeting.leave(alice);
    meeting.settle();
    meeting.assert_converged(&[bob, carol]);
    let after = meeting.code(bob).unwrap();
    assert_eq!(after.epoch, before.epoch + 1);
    assert_ne!(after.groups, before.groups);
    assert!(meeting.client(bob).group.roster().outsiders.is_empty());

    // A non-committer leaves.
    let dave = meeting.join("Dave");
    meeting.settle();
    meeting.assert_converged(&[bob, carol, dave]);
    meeting.leave(carol);
    meeting.settle();
    meeting.assert_converged(&[bob, dave]);
    for client in meeting.clients.values() {
        assert_eq!(client.resyncs, 0);
    }
}
