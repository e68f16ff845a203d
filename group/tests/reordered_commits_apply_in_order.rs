//! Two consecutive commits reach one member in the wrong order: it buffers the later one
//! and applies both in order, with no re-sync.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;

#[test]
fn reordered_commits_apply_in_order() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    let carol = meeting.join("Carol");
    meeting.settle();

    meeting.reorder_commits_to = Some(carol);
    let dave = meeting.join("Dave");
    meeting.settle();
    assert_eq!(meeting.client(carol).group.epoch(), Some(2));
    let erin = meeting.join("Erin");
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol, dave, erin]);
    assert_eq!(meeting.client(carol).resyncs, 0);
    // Carol saw the keys of both epochs, in order.
    assert!(meeting.client(carol).keys.contains_key(&3));
    assert!(meeting.client(carol).keys.contains_key(&4));
    meeting.advance(3_000);
    meeting.assert_converged(&[alice, bob, carol, dave, erin]);
    assert_eq!(meeting.client(carol).resyncs, 0);
}
