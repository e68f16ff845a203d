//! Roles (rule 4): a chair makes a co-chair, who can then act as a chair. A member's commit
//! naming itself chair, a chair's commit naming no chair, and a commit with a policy
//! extension that does not decode are each ignored by every honest member.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{ChairAction, RogueCommit};
use conclave_protocol::ParticipantId;

fn three() -> (Meeting, ParticipantId, ParticipantId, ParticipantId) {
    let (meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    (meeting, ids[0], ids[1], ids[2])
}

#[test]
fn a_chair_makes_a_co_chair_and_takes_it_back() {
    let (mut meeting, alice, bob, carol) = three();
    assert_eq!(meeting.chairs_seen_by(carol), vec![alice]);
    let bob_leaf = meeting.leaf_of(alice, bob);
    meeting.act(alice, |group, now| group.set_chair(now, bob_leaf, true));
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);
    assert_eq!(meeting.chairs_seen_by(carol), vec![alice, bob]);
    assert!(meeting.client(bob).group.is_chair());

    // The co-chair acts as a chair: it removes Carol.
    let carol_leaf = meeting.leaf_of(bob, carol);
    meeting.act(bob, |group, now| group.remove_member(now, carol_leaf));
    meeting.settle();
    meeting.assert_converged(&[alice, bob]);

    meeting.act(alice, |group, now| group.set_chair(now, bob_leaf, false));
    meeting.settle();
    assert_eq!(meeting.chairs_seen_by(bob), vec![alice]);
    // The last chair cannot step down.
    let alice_leaf = meeting.leaf_of(alice, alice);
    meeting.act(alice, |group, now| group.set_chair(now, alice_leaf, false));
    assert_eq!(
        meeting.client(alice).failed_actions,
        vec![ChairAction::SetChair]
    );
}

#[test]
fn a_member_naming_itself_chair_is_ignored() {
    let (mut meeting, alice, bob, carol) = three();
    let bob_leaf = meeting.leaf_of(bob, bob);
    meeting.act(bob, |group, now| group.set_chair(now, bob_leaf, true));
    assert_eq!(
        meeting.client(bob).failed_actions,
        vec![ChairAction::SetChair]
    );
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::PromoteSelf)
    });
    meeting.settle();
    for honest in [alice, carol] {
        assert_eq!(meeting.chairs_seen_by(honest), vec![alice]);
        assert_eq!(meeting.client(honest).resyncs, 0);
        assert_eq!(meeting.client(honest).group.ignored_commits(), 1);
    }
}

#[test]
fn a_policy_naming_no_chair_is_ignored() {
    let (mut meeting, alice, bob, carol) = three();
    let epoch = meeting.client(bob).group.epoch();
    meeting.act(alice, |group, now| {
        group.rogue_commit(now, RogueCommit::DropAllChairs)
    });
    meeting.settle();
    for honest in [bob, carol] {
        assert_eq!(meeting.client(honest).group.epoch(), epoch, "not followed");
        assert_eq!(meeting.chairs_seen_by(honest), vec![alice]);
        assert_eq!(meeting.client(honest).resyncs, 0);
        // Alice's client, in the chairless state of its own, then commits its own
        // succession: ignored too.
        assert!(meeting.client(honest).group.ignored_commits() >= 1);
    }
}

#[test]
fn a_malformed_policy_extension_is_ignored() {
    let (mut meeting, alice, bob, carol) = three();
    let epoch = meeting.client(bob).group.epoch();
    meeting.act(alice, |group, now| {
        group.rogue_commit(now, RogueCommit::MalformedPolicy)
    });
    meeting.settle();
    for honest in [bob, carol] {
        let client = meeting.client(honest);
        assert_eq!(client.group.epoch(), epoch);
        assert!(client.group.roster().policy.is_some());
        assert_eq!(client.resyncs, 0);
        assert_eq!(client.group.ignored_commits(), 1);
    }
}
