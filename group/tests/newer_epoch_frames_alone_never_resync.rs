//! Frames whose key id says "newer epoch" are read before any authentication: an SFU can
//! inject them. They are a hint only: the member asks the server for the group's epoch and
//! re-syncs only if the server's epoch is ahead of its own (a commit really was lost),
//! and it asks less and less often while the forged frames go on.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::{MembershipStatus, ResyncReason};

#[test]
fn forged_newer_epoch_frames_for_ten_seconds_cause_no_resync() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let (alice, bob, carol) = (ids[0], ids[1], ids[2]);
    let epoch = meeting.client(bob).group.epoch();
    // The SFU injects frames with a newer epoch in their key id, four times a second.
    for _ in 0..40 {
        meeting.report_newer_epoch_media(bob);
        meeting.advance(250);
    }
    assert!(meeting.client(bob).resync_reasons.is_empty(), "no re-sync");
    assert_eq!(meeting.client(bob).resyncs, 0);
    assert_eq!(
        meeting.client(bob).group.roster().status,
        MembershipStatus::Member
    );
    assert_eq!(meeting.client(bob).group.epoch(), epoch, "no churn");
    assert_eq!(meeting.client(alice).group.epoch(), epoch, "no churn");
    meeting.assert_converged(&[alice, bob, carol]);
    // Bob asked the server, with backoff: after 2 s of reports, then 2 s and 4 s later.
    assert_eq!(meeting.status_queries, 3, "one query per doubling interval");
    // Forty more seconds of forged frames cost at most two more queries (the interval
    // reached 8 s, then 16 s, then its 32 s cap).
    for _ in 0..160 {
        meeting.report_newer_epoch_media(bob);
        meeting.advance(250);
    }
    assert!(meeting.status_queries <= 6, "{}", meeting.status_queries);
    assert!(meeting.client(bob).resync_reasons.is_empty());
}

#[test]
fn newer_epoch_frames_after_a_really_lost_commit_still_resync() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let carol = meeting.join_unseen_by("Carol", bob);
    // Alice's and Carol's frames arrive under the epoch Bob missed, until he re-syncs.
    for _ in 0..40 {
        if !meeting.client(bob).resync_reasons.is_empty() {
            break;
        }
        meeting.report_newer_epoch_media(bob);
        meeting.advance(250);
    }
    assert_eq!(
        meeting.client(bob).resync_reasons,
        [ResyncReason::NewerEpochMedia]
    );
    meeting.advance(1_000);
    meeting.assert_converged(&[alice, bob, carol]);
}
