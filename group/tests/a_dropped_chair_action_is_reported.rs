//! The server may drop a chair's commit (denial of service): never echoed within
//! `OWN_COMMIT_TIMEOUT_MS`, the action is reported as not gone through, and nothing
//! changed for anyone.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::meeting_group::{COMMIT_RETRY_MS, MAX_COMMIT_REFUSALS, OWN_COMMIT_TIMEOUT_MS};
use conclave_group::ChairAction;
use conclave_protocol::ServerMessage;

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

/// A server (or a rogue's counter-commit, taken first) may refuse a chair's commit each
/// time it is tried again: after a few refusals the action is reported as not gone
/// through, and not tried again behind the chair's back.
#[test]
fn a_chair_commit_refused_again_and_again_is_reported_as_failed() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let [alice, bob] = ids[..] else {
        unreachable!()
    };
    let epoch = meeting.client(alice).group.epoch().unwrap();
    meeting.hold_uplink_from.insert(alice);
    meeting.act(alice, |group, now| group.set_locked(now, true));
    let mut refusals = 0;
    for _ in 0..20 {
        // Each try is refused, though it is of the room's epoch.
        let tries = meeting.held_uplink.len();
        meeting.held_uplink.clear();
        for _ in 0..tries {
            refusals += 1;
            meeting.deliver(
                alice,
                ServerMessage::CommitRejected {
                    epoch,
                    current_epoch: Some(epoch),
                    reason: "refused".into(),
                },
            );
        }
        meeting.advance(COMMIT_RETRY_MS + 100);
    }
    assert_eq!(
        meeting.client(alice).failed_actions,
        vec![ChairAction::Lock]
    );
    assert!(refusals <= MAX_COMMIT_REFUSALS, "{refusals} refusals");
    assert!(meeting.held_uplink.is_empty(), "not tried again");
    meeting.release_uplink(&[alice]);
    meeting.advance(2_000);
    meeting.assert_converged(&[alice, bob]);
    assert!(!meeting.client(bob).group.roster().policy.unwrap().locked);
}
