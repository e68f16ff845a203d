//! Rule 1 and the server's `from`: a commit the server relays as coming from a participant
//! who is no member of our group, or from another member than the one who signed it, is
//! ignored (not merged, no re-sync), and nobody is blamed for it (the member the server
//! named is not removed); relayed as it was sent, the same commit is followed.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::RogueCommit;
use conclave_protocol::{ClientMessage, ParticipantId, ServerMessage};

#[test]
fn a_commit_relayed_as_someone_elses_is_ignored() {
    // Open to the link: Bob, no chair, may add Dave.
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let carol_key = meeting.key_of(alice, carol);
    meeting.act(alice, |group, now| group.set_chair(now, &carol_key, true));
    meeting.settle();
    let outsider = meeting.join_raw("Eve");
    meeting.settle();

    // Dave knocks; Alice's Add and Bob's are held back from the server.
    meeting.hold_uplink_from.insert(alice);
    meeting.hold_uplink_from.insert(bob);
    let dave = meeting.join("Dave");
    meeting.settle();
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::AddParticipant(dave))
    });
    let (_, message) = meeting
        .held_uplink
        .iter()
        .rev()
        .find(|(from, m)| *from == bob && matches!(m, ClientMessage::Commit { .. }))
        .cloned()
        .expect("Bob's commit");
    let ClientMessage::Commit {
        epoch,
        commit,
        added,
        removed,
        expelled,
        ..
    } = message
    else {
        panic!("a commit")
    };
    let relayed = |from: ParticipantId| ServerMessage::Commit {
        from,
        epoch,
        commit: commit.clone(),
        added: added.clone(),
        removed: removed.clone(),
        expelled: expelled.clone(),
    };
    let before = meeting.client(carol).group.epoch();
    let sent = meeting.client(carol).commits_sent;

    // A lying server relays it to Carol as the outsider's, then as Alice's.
    for (n, from) in [outsider, alice].into_iter().enumerate() {
        meeting.deliver(carol, relayed(from));
        meeting.settle();
        let client = meeting.client(carol);
        assert_eq!(client.group.epoch(), before, "not followed");
        assert_eq!(client.group.ignored_commits(), n + 1);
        assert_eq!(client.resyncs, 0);
    }
    // Nobody was taken for a rule-breaker: Carol, the chair after Alice, removes nobody.
    assert_eq!(meeting.client(carol).commits_sent, sent);
    assert_eq!(meeting.members_seen_by(carol), vec![alice, bob, carol]);

    // Relayed as Bob's (to Alice, who has not seen it), it is followed.
    meeting.deliver(alice, relayed(bob));
    meeting.settle();
    assert_eq!(meeting.client(alice).group.epoch(), before.map(|e| e + 1));
    assert!(meeting.members_seen_by(alice).contains(&dave));
    assert_eq!(meeting.client(alice).group.ignored_commits(), 0);
}
