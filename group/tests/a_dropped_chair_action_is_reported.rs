//! The server may drop a chair's commit (denial of service): never echoed within
//! `OWN_COMMIT_TIMEOUT_MS`, the action is reported as not gone through, and nothing
//! changed for anyone.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::meeting_group::OWN_COMMIT_TIMEOUT_MS;
use conclave_group::ChairAction;

#[test]
fn a_dropped_chair_commit_is_reported_as_failed() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let [alice, bob] = ids[..] else {
        unreachable!()
    };
    // Everything Alice sends is lost on the way.
    meeting.hold_uplink_from.insert(alice);
    meeting.act(alice, |group, now| group.set_locked(now, true));
    meeting.settle();
    assert!(meeting.client(alice).failed_actions.is_empty());
    meeting.advance(OWN_COMMIT_TIMEOUT_MS + 500);
    assert_eq!(
        meeting.client(alice).failed_actions,
        vec![ChairAction::Lock]
    );
    assert!(!meeting.client(alice).group.roster().policy.unwrap().locked);
    assert!(!meeting.client(bob).group.roster().policy.unwrap().locked);
    // Not retried behind the chair's back.
    meeting.held_uplink.clear();
    meeting.release_uplink(&[alice]);
    meeting.advance(10_000);
    meeting.assert_converged(&[alice, bob]);
    assert!(!meeting.client(bob).group.roster().policy.unwrap().locked);
}
