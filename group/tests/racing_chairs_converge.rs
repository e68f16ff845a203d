//! Two chairs act at the same moment: the server takes one commit, the other chair's
//! client tries its action again on the new epoch, and everyone ends in one state with
//! both actions done.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;

#[test]
fn racing_commits_of_two_chairs_converge() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol", "Dave"]);
    let [alice, bob, carol, dave] = ids[..] else {
        unreachable!()
    };
    let bob_key = meeting.key_of(alice, bob);
    meeting.act(alice, |group, now| group.set_chair(now, &bob_key, true));
    meeting.settle();

    meeting.hold_uplink_from.insert(alice);
    meeting.hold_uplink_from.insert(bob);
    let dave_key = meeting.key_of(alice, dave);
    meeting.act(alice, |group, now| group.remove_member(now, &dave_key));
    meeting.act(bob, |group, now| group.set_locked(now, true));
    meeting.release_uplink(&[bob, alice]);
    meeting.settle();
    meeting.advance(2_000);

    meeting.assert_converged(&[alice, bob, carol]);
    let policy = meeting.client(carol).group.roster().policy.unwrap();
    assert!(policy.locked);
    assert_eq!(meeting.chairs_seen_by(carol), vec![alice, bob]);
    assert!(
        meeting.client(alice).rejections >= 1,
        "Alice's first commit lost"
    );
    assert!(meeting.client(alice).failed_actions.is_empty());
    assert!(meeting.client(bob).failed_actions.is_empty());
}
