//! The server acts on what a commit says it does: it closes the connection of every
//! participant the commit names as expelled, and the others then see that participant
//! leave. A rogue member (Bob, the lowest leaf after the chair) commits nothing but tells
//! the server that the commit expels the chair, either to the server alone or signed into
//! the commit too. The server believes it and disconnects Alice, the only chair.
//!
//! Bob must gain nothing: every honest member sees that the commit does not do what it
//! says, ignores it and counts Bob a rule-breaker, so the succession passes over him to
//! the lowest honest member present (Carol), whose commit removes the departed chair and
//! expels Bob.
//!
//! The same for a commit nobody but the rogue can process (it garbled it): honest members
//! ignore it rather than re-sync into the rogue's line of commits (where the rogue, its
//! only member, would re-add them and be their chair), and the chair expels the rogue.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{ResyncReason, RogueCommit};
use conclave_protocol::{close_code, Bytes, ParticipantId, ServerMessage};

/// A chaired meeting of Alice (chair), Bob, Carol and Dave, in that leaf order.
fn council() -> (Meeting, [ParticipantId; 4]) {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let carol = meeting.admitted(alice, "Carol");
    let dave = meeting.admitted(alice, "Dave");
    meeting.settle();
    assert_eq!(
        meeting.leaf_of(carol, bob),
        1,
        "Bob is next after the chair"
    );
    (meeting, [alice, bob, carol, dave])
}

#[test]
fn a_rogue_that_gets_the_chair_disconnected_does_not_succeed_it() {
    for signed in [false, true] {
        let (mut meeting, [alice, bob, carol, dave]) = council();
        meeting.act(bob, |group, now| {
            group.rogue_commit(
                now,
                RogueCommit::ExpelWithoutRemoving {
                    target: alice,
                    signed,
                },
            )
        });
        assert_eq!(meeting.client(bob).commits_sent, 1, "signed {signed}: sent");
        meeting.settle();
        assert_eq!(
            meeting.closed.get(&alice),
            Some(&close_code::REMOVED),
            "signed {signed}: the server believed the rogue (it cannot tell)"
        );

        for honest in [carol, dave] {
            let client = meeting.client(honest);
            assert!(
                client.group.ignored_commits() >= 1,
                "signed {signed}: {} ignored the rogue's commit",
                client.name
            );
            assert_eq!(client.resyncs, 0, "signed {signed}: {}", client.name);
        }
        assert_eq!(
            meeting.chairs_seen_by(dave),
            vec![carol],
            "signed {signed}: the lowest honest member succeeds, not the rogue"
        );
        assert!(!meeting.client(bob).group.is_chair() || meeting.closed.contains_key(&bob));
        assert_eq!(
            meeting.closed.get(&bob),
            Some(&close_code::REMOVED),
            "signed {signed}: the successor expelled the rogue"
        );
        meeting.clients.remove(&alice);
        meeting.clients.remove(&bob);
        meeting.assert_converged(&[carol, dave]);
    }
}

#[test]
fn an_unprocessable_commit_is_ignored_and_its_committer_expelled() {
    let (mut meeting, [alice, bob, carol, dave]) = council();
    let epoch = meeting.client(carol).group.epoch();
    meeting.hold_uplink_from.insert(alice);
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::Unprocessable)
    });
    assert_eq!(meeting.client(bob).commits_sent, 1, "sent");
    meeting.settle();
    for honest in [alice, carol, dave] {
        let client = meeting.client(honest);
        assert_eq!(client.group.epoch(), epoch, "{} stayed", client.name);
        assert_eq!(client.group.ignored_commits(), 1, "{}", client.name);
        assert_eq!(client.resyncs, 0, "{} did not re-sync", client.name);
    }

    // The chair's counter-commit expels the rogue.
    meeting.release_uplink(&[alice]);
    meeting.settle();
    assert_eq!(meeting.closed.get(&bob), Some(&close_code::REMOVED));
    meeting.clients.remove(&bob);
    meeting.assert_converged(&[alice, carol, dave]);
    assert_eq!(meeting.chairs_seen_by(dave), vec![alice]);
    for honest in [alice, carol, dave] {
        assert_eq!(meeting.client(honest).resyncs, 0);
    }
}

/// A hostile server that takes a rogue's "counter-commit" of the chair's commit anyway
/// (the real one refuses it: nobody disputed that commit) and relays it: every member
/// merged the commit it counters, so each holds its sender a rule-breaker at once, and the
/// chair expels it.
#[test]
fn a_relayed_counter_commit_of_a_commit_we_merged_marks_its_sender() {
    let (mut meeting, [alice, bob, carol, dave]) = council();
    let epoch = meeting.client(carol).group.epoch().unwrap();
    meeting.act(alice, |group, now| group.set_locked(now, true));
    meeting.settle();
    for honest in [alice, carol, dave] {
        meeting.deliver(
            honest,
            ServerMessage::Commit {
                from: bob,
                epoch,
                commit: Bytes(vec![0xde, 0xad]),
                added: vec![],
                removed: vec![alice],
                expelled: vec![alice],
            },
        );
    }
    meeting.settle();
    meeting.advance(1_000);
    for honest in [alice, carol, dave] {
        let client = meeting.client(honest);
        assert_eq!(client.resyncs, 0, "{}", client.name);
        assert_eq!(client.group.ignored_commits(), 1, "{}", client.name);
    }
    assert_eq!(meeting.closed.get(&bob), Some(&close_code::REMOVED));
    assert_eq!(meeting.closed.get(&alice), None);
    meeting.clients.remove(&bob);
    meeting.assert_converged(&[alice, carol, dave]);
    assert_eq!(meeting.chairs_seen_by(dave), vec![alice]);
    assert!(
        meeting.client(dave).group.roster().policy.unwrap().locked,
        "the lock stands"
    );
}

/// A rogue "counter-commit" of valid commits (a succession, or a run of the chair's) would
/// take the server back past commits every honest member merged: the server accepts a
/// counter-commit only when most other members disputed the commit it counters, and
/// nobody honest disputed these. Nobody is disconnected, nobody re-syncs.
#[test]
fn the_server_refuses_a_counter_commit_nobody_disputed() {
    for case in ["succession", "two chair commits"] {
        let (mut meeting, [alice, bob, carol, dave]) = council();
        // Dave's commit, made now, reaches the server only after the valid commits.
        meeting.hold_uplink_from.insert(dave);
        let (target, honest) = if case == "succession" {
            meeting.act(dave, |group, now| {
                group.rogue_commit(
                    now,
                    RogueCommit::ExpelWithoutRemoving {
                        target: bob,
                        signed: true,
                    },
                )
            });
            // Alice leaves; Bob, the lowest present, succeeds her.
            meeting.leave(alice);
            meeting.settle();
            assert_eq!(meeting.chairs_seen_by(carol), vec![bob], "{case}");
            (bob, vec![bob, carol])
        } else {
            meeting.act(dave, |group, now| {
                group.rogue_commit(
                    now,
                    RogueCommit::ExpelWithoutRemoving {
                        target: alice,
                        signed: true,
                    },
                )
            });
            meeting.act(alice, |group, now| group.set_locked(now, true));
            meeting.settle();
            meeting.act(alice, |group, now| group.set_locked(now, false));
            meeting.settle();
            (alice, vec![alice, bob, carol])
        };
        let epoch = meeting.client(carol).group.epoch();
        meeting.release_uplink(&[dave]);
        meeting.settle();
        meeting.advance(3_000);
        assert_eq!(
            meeting.closed.get(&target),
            None,
            "{case}: not disconnected"
        );
        for id in &honest {
            assert_eq!(meeting.client(*id).resyncs, 0, "{case}");
        }
        assert!(meeting.client(carol).group.epoch() >= epoch, "{case}");
        let mut everyone = honest.clone();
        everyone.push(dave);
        meeting.assert_converged(&everyone);
        assert_eq!(meeting.chairs_seen_by(carol), vec![target], "{case}");
    }
}

/// The chair's counter-commit removes the rule-breaker and nothing else: a counter-commit
/// cannot carry a Welcome, so a knock that arrives meanwhile (in an open meeting, any
/// member adds it) waits for the next commit instead of making the counter-commit fail for
/// ever.
#[test]
fn a_knock_during_a_counter_commit_waits_for_the_next_commit() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    // Dave knocks; Alice's Add of him is held back, so Bob's commit wins the epoch.
    meeting.hold_uplink_from.insert(alice);
    let dave = meeting.join("Dave");
    meeting.settle();
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::PromoteSelf)
    });
    meeting.settle();
    meeting.release_uplink(&[alice]);
    meeting.settle();
    meeting.advance(3_000);
    assert_eq!(meeting.closed.get(&bob), Some(&close_code::REMOVED));
    meeting.clients.remove(&bob);
    meeting.assert_converged(&[alice, carol, dave]);
}

/// A commit only one member cannot process (say, a rogue encrypted garbage to that member's
/// part of the tree; here the server hands Alice garbage for Bob's valid Add): she holds it
/// against Bob, but nobody else disputes it, so the server refuses her counter-commit. After
/// a few refusals she knows she is the one left behind and re-syncs (still chair, by her
/// key), rather than go on refusing the group's commits.
#[test]
fn a_member_alone_in_ignoring_a_commit_re_syncs() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    // Dave knocks in this open meeting; Alice's own Add of him is held back, so Bob's
    // (valid: anyone may add here) takes the epoch.
    meeting.hold_uplink_from.insert(alice);
    let dave = meeting.join("Dave");
    meeting.settle();
    let epoch = meeting.client(carol).group.epoch().unwrap();
    meeting.drop_commits_to.insert(alice, 1);
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::AddParticipant(dave))
    });
    meeting.settle();
    meeting.deliver(
        alice,
        ServerMessage::Commit {
            from: bob,
            epoch,
            commit: Bytes(vec![0xde, 0xad]),
            added: vec![dave],
            removed: vec![],
            expelled: vec![],
        },
    );
    meeting.settle();
    meeting.release_uplink(&[alice]);
    meeting.advance(5_000);
    assert_eq!(meeting.closed.get(&bob), None, "Bob's commit was valid");
    assert_eq!(
        meeting.client(alice).resync_reasons,
        vec![ResyncReason::CounterCommitRefused]
    );
    meeting.assert_converged(&[alice, bob, carol, dave]);
    assert_eq!(meeting.chairs_seen_by(dave), vec![alice]);
}
