//! Roles (rule 4): a chair makes a co-chair, who can then act as a chair. A member's commit
//! naming itself chair, a chair's commit naming no chair, and a commit with a policy
//! extension that does not decode are each ignored by every honest member; a chair whose
//! commit broke a rule is succeeded and expelled.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{ChairAction, RogueCommit};
use conclave_protocol::{close_code, ParticipantId};

fn three() -> (Meeting, ParticipantId, ParticipantId, ParticipantId) {
    let (meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    (meeting, ids[0], ids[1], ids[2])
}

#[test]
fn a_chair_makes_a_co_chair_and_takes_it_back() {
    let (mut meeting, alice, bob, carol) = three();
    assert_eq!(meeting.chairs_seen_by(carol), vec![alice]);
    let bob_key = meeting.key_of(alice, bob);
    meeting.act(alice, |group, now| group.set_chair(now, &bob_key, true));
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);
    assert_eq!(meeting.chairs_seen_by(carol), vec![alice, bob]);
    assert!(meeting.client(bob).group.is_chair());

    // The co-chair acts as a chair: it removes Carol.
    let carol_key = meeting.key_of(bob, carol);
    meeting.act(bob, |group, now| group.remove_member(now, &carol_key));
    meeting.settle();
    meeting.assert_converged(&[alice, bob]);

    meeting.act(alice, |group, now| group.set_chair(now, &bob_key, false));
    meeting.settle();
    assert_eq!(meeting.chairs_seen_by(bob), vec![alice]);
    // The last chair cannot step down.
    let alice_key = meeting.key_of(alice, alice);
    meeting.act(alice, |group, now| group.set_chair(now, &alice_key, false));
    assert_eq!(
        meeting.client(alice).failed_actions,
        vec![ChairAction::SetChair]
    );
}

#[test]
fn a_member_naming_itself_chair_is_ignored() {
    let (mut meeting, alice, bob, carol) = three();
    let bob_key = meeting.key_of(bob, bob);
    meeting.act(bob, |group, now| group.set_chair(now, &bob_key, true));
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

/// A chair's commit that breaks a rule is ignored like anyone's, and the chair no longer
/// counts as one: with no other chair, the lowest honest member succeeds and expels it.
fn a_chairs_rule_breaking_commit_hands_the_chair_on(rogue: RogueCommit) {
    let (mut meeting, alice, bob, carol) = three();
    meeting.act(alice, |group, now| group.rogue_commit(now, rogue));
    meeting.settle();
    // Bob's counter-commit is tried again if it reached the server before Carol's dispute.
    meeting.advance(1_000);
    for honest in [bob, carol] {
        let client = meeting.client(honest);
        assert!(client.group.roster().policy.is_some(), "{rogue:?}");
        assert_eq!(client.resyncs, 0, "{rogue:?}");
        // Alice's client, in a state of its own, may commit again: ignored too.
        assert!(client.group.ignored_commits() >= 1, "{rogue:?}");
        assert_eq!(meeting.chairs_seen_by(honest), vec![bob], "{rogue:?}");
    }
    assert_eq!(
        meeting.closed.get(&alice),
        Some(&close_code::REMOVED),
        "{rogue:?}"
    );
    meeting.clients.remove(&alice);
    meeting.assert_converged(&[bob, carol]);
}

#[test]
fn a_policy_naming_no_chair_is_ignored() {
    a_chairs_rule_breaking_commit_hands_the_chair_on(RogueCommit::DropAllChairs);
}

#[test]
fn a_malformed_policy_extension_is_ignored() {
    a_chairs_rule_breaking_commit_hands_the_chair_on(RogueCommit::MalformedPolicy);
}
