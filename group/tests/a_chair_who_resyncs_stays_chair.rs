//! A chair that loses track of the group (a commit dropped on its way) re-syncs like any
//! member: another member re-adds it (same signature key), and since chairs are named by
//! fingerprint it is still the chair.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;

#[test]
fn a_chair_who_resyncs_stays_chair() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let bob_key = meeting.key_of(alice, bob);
    meeting.act(alice, |group, now| group.set_chair(now, &bob_key, true));
    meeting.settle();
    // Bob locks; the commit never reaches Alice, the first chair.
    meeting.drop_commits_to.insert(alice, 1);
    meeting.act(bob, |group, now| group.set_locked(now, true));
    meeting.settle();
    for _ in 0..12 {
        meeting.report_newer_epoch_media(alice);
        meeting.advance(250);
    }
    assert!(meeting.client(alice).resyncs >= 1);
    meeting.advance(6_000);
    meeting.assert_converged(&[alice, bob, carol]);
    assert_eq!(meeting.chairs_seen_by(carol), vec![alice, bob]);
    assert!(meeting.client(alice).group.is_chair());
    assert!(meeting.client(alice).group.roster().policy.unwrap().locked);
}
