//! A rogue member's client (the `test-hooks` rogue commit) adds a knock without being a
//! chair, removes a member, or names itself chair. Every honest member ignores the commit
//! (not merged, no re-sync, roster and epoch unchanged); then the lowest present chair
//! commits, for the same epoch, a Remove of the rogue with it named as expelled, which the
//! server accepts as a counter-commit and follows by closing the rogue's connection.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{MembershipStatus, ResyncReason, RogueCommit};
use conclave_protocol::close_code;

#[test]
fn every_rogue_commit_is_ignored_and_the_rogue_expelled() {
    for attack in ["add", "remove", "promote"] {
        let (mut meeting, alice) = Meeting::chaired("Alice");
        let bob = meeting.admitted(alice, "Bob");
        let carol = meeting.admitted(alice, "Carol");
        let dave = meeting.join("Dave");
        meeting.settle();
        let honest = [alice, carol];
        let epoch = meeting.client(alice).group.epoch();
        let roster = meeting.client(alice).group.roster().members;
        let rogue = match attack {
            "add" => RogueCommit::AddParticipant(dave),
            "remove" => RogueCommit::RemoveLeaf(meeting.leaf_of(bob, carol)),
            _ => RogueCommit::PromoteSelf,
        };

        // The chair's counter-commit waits until we have looked.
        meeting.hold_uplink_from.insert(alice);
        meeting.act(bob, |group, now| group.rogue_commit(now, rogue));
        assert_eq!(meeting.client(bob).commits_sent, 1, "{attack}: sent");
        meeting.settle();
        for id in honest {
            let client = meeting.client(id);
            assert_eq!(
                client.group.epoch(),
                epoch,
                "{attack}: {} moved",
                client.name
            );
            assert_eq!(
                client.group.roster().members,
                roster_for(&roster, &client.group)
            );
            assert_eq!(client.group.roster().status, MembershipStatus::Member);
            assert_eq!(
                client.group.ignored_commits(),
                1,
                "{attack}: {}",
                client.name
            );
            assert_eq!(client.resyncs, 0, "{attack}: {}", client.name);
        }
        assert_eq!(meeting.chairs_seen_by(carol), vec![alice], "{attack}");

        // The chair removes the rogue; the server closes its connection.
        meeting.release_uplink(&[alice]);
        meeting.settle();
        assert_eq!(
            meeting.closed.get(&bob),
            Some(&close_code::REMOVED),
            "{attack}: Bob expelled"
        );
        // Bob (and Dave, if Bob's Welcome took him into Bob's fork) hold keys of an epoch
        // nobody honest is in: out of the comparison.
        meeting.clients.remove(&bob);
        meeting.clients.remove(&dave);
        meeting.assert_converged(&honest);
        assert_eq!(meeting.chairs_seen_by(carol), vec![alice], "{attack}");
    }
}

/// The roster `expected` (as Alice saw it), seen from `group` (only `is_self` differs).
fn roster_for(
    expected: &[conclave_group::Member],
    group: &conclave_group::MeetingGroup,
) -> Vec<conclave_group::Member> {
    let own = group.roster().members.into_iter().find(|m| m.is_self);
    expected
        .iter()
        .cloned()
        .map(|mut m| {
            m.is_self = own.as_ref().is_some_and(|o| o.leaf_index == m.leaf_index);
            m
        })
        .collect()
}

/// A knocker the rogue added (its Welcome took Dave into the rogue's line, which nobody
/// honest follows) is dropped from the server's member list by the chair's counter-commit.
/// The server tells Dave (its group status no longer lists him), so he does not sit in a
/// dead group: he asks to be added again, and the chair admits him into the real one.
#[test]
fn a_joiner_pulled_into_the_rogues_line_knocks_again() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let carol = meeting.admitted(alice, "Carol");
    let dave = meeting.join("Dave");
    meeting.settle();
    meeting.hold_uplink_from.insert(alice);
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::AddParticipant(dave))
    });
    meeting.settle();
    assert_eq!(
        meeting.client(dave).group.roster().status,
        MembershipStatus::Member,
        "Dave took the rogue's Welcome"
    );
    meeting.release_uplink(&[alice]);
    meeting.settle();
    assert_eq!(meeting.closed.get(&bob), Some(&close_code::REMOVED));
    meeting.clients.remove(&bob);
    assert_eq!(
        meeting.client(dave).resync_reasons,
        vec![ResyncReason::LeftBehind],
        "Dave left the dead line"
    );
    // The keys of that line are not the real group's (same epoch numbers, other keys).
    meeting.clients.get_mut(&dave).unwrap().keys.clear();
    assert!(meeting
        .client(alice)
        .group
        .roster()
        .knocks
        .iter()
        .any(|k| k.participant_id == dave));
    meeting.act(alice, |group, now| group.admit(now, dave));
    meeting.settle();
    meeting.assert_converged(&[alice, carol, dave]);
}
