//! Removal (rule 3): a chair removes a member; the removed member's status becomes
//! `Removed`, it drops every key, exports none of a later epoch and asks for nothing more,
//! while the others move on together. A non-chair's commit removing someone is ignored by
//! every honest member, and the removed member stays.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{ChairAction, MembershipStatus, RogueCommit};

#[test]
fn a_removed_member_is_told_and_exports_no_later_key() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let epoch = meeting.client(alice).group.epoch().unwrap();
    let bob_key = meeting.key_of(alice, bob);
    meeting.act(alice, |group, now| group.remove_member(now, &bob_key));
    meeting.settle();

    meeting.assert_converged(&[alice, carol]);
    assert!(meeting.client(alice).group.epoch().unwrap() > epoch);
    let removed = meeting.client(bob);
    assert_eq!(removed.group.roster().status, MembershipStatus::Removed);
    assert_eq!(removed.group.epoch(), None);
    assert!(removed.group.security_code().is_none());
    assert!(
        removed.keys.keys().all(|e| *e <= epoch),
        "no key after removal"
    );
    assert_eq!(removed.resyncs, 0);

    // Time passes and more commits come: Bob asks for nothing and learns nothing. (Dave
    // comes with the new link the removal made in this open meeting.)
    let published = removed.published.len();
    let new_link = *meeting.client(alice).invite_secrets.last().unwrap();
    let dave = meeting.join_with("Dave", new_link, None);
    meeting.settle();
    meeting.advance(60_000);
    meeting.assert_converged(&[alice, carol, dave]);
    let removed = meeting.client(bob);
    assert_eq!(removed.published.len(), published);
    assert!(removed.keys.keys().all(|e| *e <= epoch));
    assert_eq!(removed.group.roster().status, MembershipStatus::Removed);
}

#[test]
fn a_non_chair_cannot_remove() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let carol_leaf = meeting.leaf_of(bob, carol);
    let carol_key = meeting.key_of(bob, carol);
    meeting.act(bob, |group, now| group.remove_member(now, &carol_key));
    assert_eq!(
        meeting.client(bob).failed_actions,
        vec![ChairAction::Remove]
    );

    // Bob's client commits the Remove anyway.
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::RemoveLeaf(carol_leaf))
    });
    meeting.settle();
    for honest in [alice, carol] {
        let client = meeting.client(honest);
        assert_eq!(client.resyncs, 0, "{}", client.name);
        assert!(meeting.members_seen_by(honest).contains(&carol));
        assert_eq!(client.group.ignored_commits(), 1, "{}", client.name);
    }
    assert_eq!(
        meeting.client(carol).group.roster().status,
        MembershipStatus::Member
    );
}

/// A removal names the member the chair saw, by its key: if that member left and someone
/// else now holds its leaf, nobody is removed (by leaf, the newcomer would have been).
#[test]
fn a_removal_names_the_member_not_its_leaf() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let bob_leaf = meeting.leaf_of(alice, bob);
    let bob_key = meeting.key_of(alice, bob);
    meeting.leave(bob);
    meeting.settle();
    let dave = meeting.join("Dave");
    meeting.settle();
    assert_eq!(
        meeting.leaf_of(alice, dave),
        bob_leaf,
        "Dave took Bob's leaf"
    );
    meeting.act(alice, |group, now| group.remove_member(now, &bob_key));
    meeting.settle();
    assert_eq!(
        meeting.client(alice).failed_actions,
        vec![ChairAction::Remove]
    );
    meeting.assert_converged(&[alice, carol, dave]);
}

/// In a meeting open to anyone with the link, a removed member holds the link: removing it
/// also makes a new link (in the same commit), so it cannot simply come back.
#[test]
fn in_an_open_meeting_a_removed_member_cannot_come_back_with_the_link() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let bob_key = meeting.key_of(alice, bob);
    meeting.act(alice, |group, now| group.remove_member(now, &bob_key));
    meeting.settle();
    meeting.assert_converged(&[alice, carol]);
    assert_eq!(meeting.client(carol).invite_secrets.len(), 1, "a new link");
    // Bob's browser comes back with the link it had.
    meeting.leave(bob);
    let again = meeting.join("Bob");
    meeting.settle();
    meeting.advance(10_000);
    assert_eq!(
        meeting.client(again).group.roster().status,
        MembershipStatus::LinkReplaced
    );
    meeting.assert_converged(&[alice, carol]);
}
