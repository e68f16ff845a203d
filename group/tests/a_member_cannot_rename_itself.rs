//! A member's update path may carry a new leaf, and openmls leaves its credential to the
//! application. A member who renames itself there, claiming another participant (here the
//! chair's id, under another name), is ignored by every honest member, whose rosters keep
//! the names they admitted, and the chair expels it.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::RogueCommit;
use conclave_protocol::close_code;

#[test]
fn a_member_renaming_itself_in_its_update_path_is_ignored() {
    let (mut meeting, alice) = Meeting::chaired("Alice");
    let bob = meeting.admitted(alice, "Bob");
    let carol = meeting.admitted(alice, "Carol");
    let names = |meeting: &Meeting, viewer| {
        meeting
            .client(viewer)
            .group
            .roster()
            .members
            .into_iter()
            .map(|m| (m.display_name, m.participant_id))
            .collect::<Vec<_>>()
    };
    let before = names(&meeting, carol);

    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::ClaimParticipant(alice))
    });
    meeting.settle();
    for id in [alice, carol] {
        assert!(
            !names(&meeting, id)
                .iter()
                .any(|(name, _)| name == "Impostor"),
            "{} shows the new name",
            meeting.client(id).name
        );
    }
    // The chair's counter-commit removes Bob (tried again if it reached the server before
    // Carol's dispute).
    meeting.advance(1_000);
    assert_eq!(meeting.closed.get(&bob), Some(&close_code::REMOVED));
    let after: Vec<_> = before
        .into_iter()
        .filter(|(_, id)| *id != Some(bob))
        .collect();
    assert_eq!(names(&meeting, alice), after);
    assert_eq!(names(&meeting, carol), after);
}
