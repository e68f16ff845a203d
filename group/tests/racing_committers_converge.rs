//! Two members both believe they are the committer (the server briefly told one of them
//! that the other left): both commit in the same epoch, the server accepts the first and
//! rejects the second, whose sender processes the winner, rebases and converges.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_protocol::{ParticipantInfo, ServerMessage};

#[test]
fn racing_committers_converge() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);

    // Bob hears that Alice left (she did not); both now think they commit.
    meeting.deliver(bob, ServerMessage::ParticipantLeft { id: alice });
    meeting.hold_uplink_from.insert(alice);
    meeting.hold_uplink_from.insert(bob);
    let alice_before = meeting.client(alice).commits_sent;
    meeting.settle();
    assert_eq!(
        meeting.client(bob).commits_sent,
        1,
        "Bob commits Alice's removal"
    );
    let dave = meeting.join("Dave");
    meeting.settle();
    assert_eq!(
        meeting.client(alice).commits_sent,
        alice_before + 1,
        "Alice commits Dave's add in the same epoch"
    );

    // Alice's commit reaches the server first; Bob's is refused.
    meeting.release_uplink(&[alice, bob]);
    // The server corrects Bob's view of the room before he retries.
    meeting.deliver(
        bob,
        ServerMessage::ParticipantJoined {
            participant: ParticipantInfo { id: alice },
        },
    );
    meeting.settle();
    assert_eq!(meeting.client(bob).rejections, 1);
    meeting.advance(2_000);
    meeting.assert_converged(&[alice, bob, carol, dave]);
    for client in meeting.clients.values() {
        assert_eq!(client.resyncs, 0, "{}", client.name);
    }
}

#[test]
fn rejected_commit_is_retried_when_still_needed() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    let carol = meeting.join("Carol");
    meeting.settle();

    // Alice (committer) and a racing Bob: Bob's stale commit is refused, Alice's wins.
    // Then Erin asks to join while Alice is gone for real: Bob must commit after rebasing.
    meeting.deliver(bob, ServerMessage::ParticipantLeft { id: alice });
    meeting.hold_uplink_from.insert(bob);
    meeting.settle();
    let dave = meeting.join("Dave");
    meeting.settle();
    // Alice's add of Dave is accepted; Bob's commit (remove Alice, add Dave) waits.
    meeting.leave(alice);
    meeting.release_uplink(&[bob]);
    meeting.settle();
    assert_eq!(meeting.client(bob).rejections, 1);
    meeting.advance(2_000);
    meeting.assert_converged(&[bob, carol, dave]);
}
