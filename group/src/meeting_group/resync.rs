//! Re-syncing: a member that can no longer follow the group never guesses. It drops its
//! group state and keys and asks to be added again with a fresh KeyPackage; the committer
//! replaces its old leaf (Remove and Add in one commit).

use openmls_traits::OpenMlsProvider as _;

use super::{
    GroupEvent, MeetingGroup, MembershipStatus, NEWER_EPOCH_MEDIA_PAUSE_MS,
    NEWER_EPOCH_MEDIA_TIMEOUT_MS,
};
use crate::GroupError;

/// Why a member re-synced: what showed that it could no longer follow the group.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResyncReason {
    /// A commit of a later epoch came, and the one missing before it did not come within
    /// [`GAP_TIMEOUT_MS`](super::GAP_TIMEOUT_MS) (it was lost on the way).
    MissedCommit,
    /// More commits of later epochs came than we keep
    /// ([`MAX_BUFFERED_COMMITS`](super::MAX_BUFFERED_COMMITS)) while
    /// waiting for a missing one.
    TooManyLaterCommits,
    /// A commit of our epoch could not be applied (malformed, not valid in the group, or
    /// our own commit whose pending state we had dropped).
    UnprocessableCommit,
    /// A commit removed us while we are still in the room.
    RemovedByCommit,
    /// Frames under a newer epoch than ours kept arriving for
    /// [`NEWER_EPOCH_MEDIA_TIMEOUT_MS`]: a commit was lost and no later one showed it.
    NewerEpochMedia,
}

impl ResyncReason {
    /// The reason for a re-sync after applying a commit failed with `error`.
    pub(super) fn for_commit_error(error: &GroupError) -> ResyncReason {
        match error {
            GroupError::Removed => ResyncReason::RemovedByCommit,
            _ => ResyncReason::UnprocessableCommit,
        }
    }
}

impl MeetingGroup {
    /// The worker reports frames sent under an epoch newer than ours (RFC 9605 KID epoch
    /// bits a little ahead of our epoch). A commit can be lost with no later one to show
    /// the gap; the media shows it instead. If such reports go on for
    /// [`NEWER_EPOCH_MEDIA_TIMEOUT_MS`] within one of our epochs, we re-sync rather than
    /// keep keys that no longer match the group's.
    pub fn handle_newer_epoch_media(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        let Some(epoch) = self
            .epoch()
            .filter(|_| self.status == MembershipStatus::Member)
        else {
            self.newer_epoch_media = None;
            return events;
        };
        let (first, last) = match self.newer_epoch_media {
            Some((seen_in, first, last))
                if seen_in == epoch
                    && now_ms.saturating_sub(last) <= NEWER_EPOCH_MEDIA_PAUSE_MS =>
            {
                (first, now_ms.max(last))
            }
            _ => (now_ms, now_ms),
        };
        if last.saturating_sub(first) >= NEWER_EPOCH_MEDIA_TIMEOUT_MS {
            self.newer_epoch_media = None;
            self.resync(now_ms, ResyncReason::NewerEpochMedia, &mut events);
        } else {
            self.newer_epoch_media = Some((epoch, first, last));
        }
        events
    }

    /// We cannot follow the group any more (see [`ResyncReason`]): never guess, drop the
    /// keys and ask to be added again (fresh KeyPackage).
    pub(super) fn resync(
        &mut self,
        now_ms: u64,
        reason: ResyncReason,
        events: &mut Vec<GroupEvent>,
    ) {
        self.drop_group_state();
        self.status = MembershipStatus::Resyncing;
        events.push(GroupEvent::Resynced { reason });
        self.publish_key_package(now_ms, events);
        events.push(GroupEvent::Changed);
    }

    /// Drops all group state: the MLS group (and its storage), pending requests,
    /// buffered commits. Our published KeyPackages stay usable.
    pub(super) fn drop_group_state(&mut self) {
        if let Some(mut group) = self.group.take() {
            let _ = group.delete(self.provider.storage());
        }
        self.pending_key_packages.clear();
        self.buffered_commits.clear();
        self.gap_since_ms = None;
        self.own_commit = None;
        self.start_requested = false;
    }
}
