//! End for all: the chair's commit ends the meeting; every member's status becomes
//! `Ended` with its keys dropped, the chair tells the server once its commit is echoed,
//! and the server closes everyone's connection (waiting knockers too). A non-chair cannot
//! end it.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{ChairAction, MembershipStatus};
use conclave_protocol::close_code;

#[test]
fn the_chair_ends_the_meeting_for_everyone() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let waiting = meeting.join("Carol");
    meeting.settle();

    meeting.act(bob, |group, now| group.end_meeting(now));
    assert_eq!(meeting.client(bob).failed_actions, vec![ChairAction::End]);

    meeting.act(alice, |group, now| group.end_meeting(now));
    meeting.settle();
    for id in [alice, bob, waiting] {
        let client = meeting.client(id);
        assert_eq!(
            client.group.roster().status,
            MembershipStatus::Ended,
            "{}",
            client.name
        );
        assert_eq!(client.group.epoch(), None);
        assert_eq!(
            meeting.closed.get(&id),
            Some(&close_code::MEETING_ENDED),
            "{}",
            client.name
        );
    }
}
