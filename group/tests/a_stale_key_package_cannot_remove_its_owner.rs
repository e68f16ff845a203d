//! A member who is no chair holds every KeyPackage the members were sent, among them
//! ones a member published while it waited and never used. The re-sync replacement rule
//! lets any member replace a leaf by a KeyPackage of the same signature key, so a rogue can
//! commit "remove Carol, add Carol's old KeyPackage". Carol must not take that for a
//! chair's removal (her page would end for good): she re-syncs and is back.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::MembershipStatus;

#[test]
fn a_stale_key_package_cannot_remove_its_owner() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    // Carol knocks, waits long enough to publish again, and is admitted with the later one.
    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.advance(6_000);
    meeting.act(alice, |group, now| group.admit(now, carol));
    meeting.settle();
    assert_eq!(
        meeting.client(carol).group.roster().status,
        MembershipStatus::Member
    );
    let unused = meeting
        .key_package_log
        .iter()
        .find(|(from, _, _)| *from == carol)
        .map(|(_, key_package, _)| key_package.0.clone())
        .expect("Carol's first KeyPackage");

    let carol_leaf = meeting.leaf_of(bob, carol);
    meeting.act(bob, |group, now| {
        group.rogue_replace_leaf(now, carol_leaf, &unused)
    });
    meeting.settle();
    assert_ne!(
        meeting.client(carol).group.roster().status,
        MembershipStatus::Removed,
        "Carol took a rogue's replacement for a chair's removal"
    );
    meeting.advance(20_000);
    meeting.assert_converged(&[alice, bob, carol]);
}
