//! Succession (rule 5): when no chair is present, the member with the lowest leaf among
//! those present removes every absent member and names itself sole chair. While a chair
//! is present (as the others see it), such a commit is ignored.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_protocol::ServerMessage;

#[test]
fn the_lowest_present_member_succeeds_a_chair_who_left() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    meeting.leave(alice);
    meeting.settle();
    meeting.assert_converged(&[bob, carol]);
    assert_eq!(meeting.chairs_seen_by(carol), vec![bob]);
    assert!(meeting.client(bob).group.is_chair());
    assert_eq!(meeting.client(carol).group.ignored_commits(), 0);
}

#[test]
fn no_succession_while_the_chair_is_present() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = ids[..] else {
        unreachable!()
    };
    let epoch = meeting.client(carol).group.epoch();
    // Bob alone is told (falsely) that Alice left: he commits the succession.
    meeting.deliver(bob, ServerMessage::ParticipantLeft { id: alice });
    meeting.settle();
    assert!(meeting.client(bob).commits_sent > 0);
    for honest in [alice, carol] {
        let client = meeting.client(honest);
        assert_eq!(meeting.chairs_seen_by(honest), vec![alice]);
        assert!(meeting.members_seen_by(honest).contains(&alice));
        assert_eq!(client.group.ignored_commits(), 1, "{}", client.name);
    }
    assert!(
        meeting.client(carol).group.epoch() == epoch
            || !meeting.members_seen_by(carol).contains(&bob)
    );
}
