//! A rogue member whose rule-breaking commit everyone ignored commits again on top of it
//! before the chair's counter-commit (the server takes it: the rogue is not expelled yet).
//! Its later commits are dropped (no commit gap, no re-sync), and media or the server's
//! word that the group is ahead does not make honest members re-sync into the rogue's
//! line of commits, where the rogue would add them. The chair's counter-commit still
//! undoes the rogue's whole run at the server: the rogue is expelled and the honest
//! members go on together.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{MembershipStatus, RogueCommit};
use conclave_protocol::close_code;

#[test]
fn a_rogue_that_races_ahead_pulls_nobody_into_its_fork() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let epoch = meeting.client(carol).group.epoch();
    meeting.hold_uplink_from.insert(alice);
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::PromoteSelf)
    });
    meeting.settle();
    // Bob's client merged its own commit; it commits again in its own line.
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::PromoteSelf)
    });
    meeting.settle();
    meeting.release_uplink(&[alice]);
    meeting.settle();
    for _ in 0..40 {
        meeting.report_newer_epoch_media(carol);
        meeting.advance(250);
    }
    for id in [alice, carol] {
        let client = meeting.client(id);
        assert_eq!(client.resyncs, 0, "{}", client.name);
        assert_eq!(client.group.roster().status, MembershipStatus::Member);
        assert_eq!(meeting.chairs_seen_by(id), vec![alice]);
        assert!(client.group.epoch() >= epoch);
    }
    // The chair's counter-commit for the epoch the rogue left: the server went back to it,
    // expelled Bob, and Alice and Carol share the epoch after it, without Bob. (Bob's own
    // line has other keys for the same epoch numbers: `assert_converged` would compare
    // them too.)
    assert_eq!(meeting.closed.get(&bob), Some(&close_code::REMOVED));
    let same_group = |meeting: &Meeting, ids: &[_]| {
        for id in ids {
            // Leaf order: Dave takes the leaf Bob left.
            let mut members = meeting.members_seen_by(*id);
            members.sort();
            assert_eq!(members, ids.to_vec());
            assert_eq!(
                meeting.client(*id).group.epoch(),
                meeting.client(alice).group.epoch()
            );
            assert_eq!(meeting.code(*id), meeting.code(alice));
        }
    };
    same_group(&meeting, &[alice, carol]);
    assert_eq!(meeting.client(alice).group.epoch(), epoch.map(|e| e + 1));
    // And they go on: the chair admits someone.
    let dave = meeting.join("Dave");
    meeting.settle();
    meeting.act(alice, |group, now| group.admit(now, dave));
    meeting.settle();
    same_group(&meeting, &[alice, carol, dave]);
}
