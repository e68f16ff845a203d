//! A rogue member whose rule-breaking commit everyone ignored commits again on top of it
//! before the chair's counter-commit (the server takes it: the rogue is not expelled yet).
//! Its later commits are dropped (no commit gap, no re-sync), and media or the server's
//! word that the group is ahead does not make honest members re-sync into the rogue's
//! line of commits, where the rogue would add them.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{MembershipStatus, RogueCommit};

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
}
