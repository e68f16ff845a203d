//! Re-syncing: a member that can no longer follow the group never guesses. It drops its
//! group state and keys and asks to be added again with a fresh KeyPackage; the committer
//! replaces its old leaf (Remove and Add in one commit).
//!
//! What shows that we can no longer follow: a commit gap that does not close, a commit we
//! cannot apply, or the server's word that its group is ahead of us (not while a member
//! whose commit we ignored is still in our group: that newer epoch may be its own). A
//! valid commit removing us is no re-sync: a chair removed us, and that is final
//! ([`MembershipStatus::Removed`](super::MembershipStatus::Removed)).
//! Frames under a newer epoch than ours are only a hint: their key id (RFC 9605 section
//! 4.3) is read before any authentication, so an SFU can inject them at will. After such
//! reports have gone on for [`NEWER_EPOCH_MEDIA_TIMEOUT_MS`] we ask the server for the
//! group's epoch (`query_group_status`), at most once per interval; the interval starts at
//! [`NEWER_EPOCH_QUERY_INTERVAL_MS`], doubles after each query up to
//! [`NEWER_EPOCH_QUERY_MAX_INTERVAL_MS`], and starts over at each real epoch change. We
//! re-sync only when the answer shows an epoch newer than ours. The server queues its
//! answer behind every commit it accepted before it, so an answer ahead of us means a
//! commit to us was lost, never one still on its way.

use conclave_protocol::{ClientMessage, GroupStatus};
use openmls_traits::OpenMlsProvider as _;

use super::{
    GroupEvent, MeetingGroup, MembershipStatus, NEWER_EPOCH_MEDIA_PAUSE_MS,
    NEWER_EPOCH_MEDIA_TIMEOUT_MS, NEWER_EPOCH_QUERY_INTERVAL_MS, NEWER_EPOCH_QUERY_MAX_INTERVAL_MS,
};
use crate::GroupError;

/// Newer-epoch media as a hint: what was reported, and the server queries it led to.
pub(super) struct NewerEpochHint {
    /// Reports while in one epoch: (our epoch, first report, last report).
    observed: Option<(u64, u64, u64)>,
    /// No query before this time.
    next_query_at_ms: u64,
    /// The wait after the next query.
    interval_ms: u64,
    /// We asked and have not had the answer: only an answer we asked for counts.
    asked: bool,
}

impl Default for NewerEpochHint {
    fn default() -> Self {
        NewerEpochHint {
            observed: None,
            next_query_at_ms: 0,
            interval_ms: NEWER_EPOCH_QUERY_INTERVAL_MS,
            asked: false,
        }
    }
}

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
    /// A commit of our epoch could not be applied: our own commit whose pending state we
    /// had dropped, or one we processed but could not merge. (Someone else's commit that
    /// cannot be read or processed is its committer's fault: ignored, not followed.)
    UnprocessableCommit,
    /// A commit replaced our leaf by a KeyPackage of ours (a re-sync replacement we did
    /// not ask for): we lost our leaf, not our place. A chair's removal is final
    /// ([`MembershipStatus::Removed`]).
    RemovedByCommit,
    /// Frames under a newer epoch than ours kept arriving for
    /// [`NEWER_EPOCH_MEDIA_TIMEOUT_MS`], and the server, asked, showed its group at a later
    /// epoch than ours: a commit to us was lost and no later one showed it.
    NewerEpochMedia,
    /// A chair countered a succession we had followed (it saw the old chair present): the
    /// server went back to the epoch before it, and our line of commits is left behind.
    SuccessionCountered,
    /// The server's group no longer lists us: a counter-commit undid the commit that
    /// added us (a rule-breaker's Add), so nobody else follows our group.
    LeftBehind,
    /// The server kept refusing our counter-commit of a commit we ignored: most members
    /// followed that commit (for us alone it could not be processed), so we are the one
    /// left behind.
    CounterCommitRefused,
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
    /// the gap, and the media would show it; but anyone on the media path can forge such
    /// a key id. So if the reports go on for [`NEWER_EPOCH_MEDIA_TIMEOUT_MS`] within one
    /// of our epochs we only ask the server for the group's epoch, with backoff (see the
    /// module docs), and re-sync when its answer is ahead of us.
    pub fn handle_newer_epoch_media(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        let Some(epoch) = self
            .epoch()
            .filter(|_| self.status == MembershipStatus::Member)
        else {
            self.newer_epoch_hint.observed = None;
            return events;
        };
        let hint = &mut self.newer_epoch_hint;
        let (first, last) = match hint.observed {
            Some((seen_in, first, last))
                if seen_in == epoch
                    && now_ms.saturating_sub(last) <= NEWER_EPOCH_MEDIA_PAUSE_MS =>
            {
                (first, now_ms.max(last))
            }
            _ => (now_ms, now_ms),
        };
        hint.observed = Some((epoch, first, last));
        let sustained = last.saturating_sub(first) >= NEWER_EPOCH_MEDIA_TIMEOUT_MS;
        if sustained && now_ms >= hint.next_query_at_ms {
            hint.asked = true;
            hint.next_query_at_ms = now_ms.saturating_add(hint.interval_ms);
            hint.interval_ms = hint
                .interval_ms
                .saturating_mul(2)
                .min(NEWER_EPOCH_QUERY_MAX_INTERVAL_MS);
            events.push(GroupEvent::Send(ClientMessage::QueryGroupStatus));
        }
        events
    }

    /// The server's answer to `query_group_status`. Its join challenge is kept like any
    /// other relayed one; its epoch counts only if we asked, and a re-sync follows only if
    /// it is ahead of ours (a commit to us was lost).
    pub(super) fn on_group_status(
        &mut self,
        now_ms: u64,
        group: &GroupStatus,
        events: &mut Vec<GroupEvent>,
    ) {
        // The server's group no longer lists us: a counter-commit undid the commit that
        // added us (a rule-breaker's), and our group is a line nobody follows. (While a
        // rule-breaker is in our group, its commits may have taken us off the server's list
        // for a while: the chair's counter-commit puts us back.) The challenges we heard
        // were that line's: ask to be added over the group's.
        let dropped = self.status == MembershipStatus::Member
            && group.epoch.is_some()
            && self.you.is_some_and(|you| !group.members.contains(&you))
            && !self.rule_breaker_in_group();
        if dropped {
            self.join_challenges.forget_heard();
            if let Some(challenge) = &group.join_challenge {
                self.hear_join_challenge(challenge);
            }
            self.resync(now_ms, ResyncReason::LeftBehind, events);
            return;
        }
        if let Some(challenge) = &group.join_challenge {
            self.on_join_challenge(now_ms, challenge, events);
        }
        if !std::mem::take(&mut self.newer_epoch_hint.asked) {
            return;
        }
        let Some(ours) = self
            .epoch()
            .filter(|_| self.status == MembershipStatus::Member)
        else {
            return;
        };
        // While a member whose commit we ignored is still in our group, the server's newer
        // epoch may be that member's own line of commits: re-syncing would ask it to add
        // us there. We stay, and wait for the chair's removal of it.
        if group.epoch.is_some_and(|theirs| theirs > ours) && !self.rule_breaker_in_group() {
            self.resync(now_ms, ResyncReason::NewerEpochMedia, events);
        }
    }

    /// A real epoch change: newer-epoch reports start over, and so does the backoff.
    pub(super) fn reset_newer_epoch_hint(&mut self) {
        self.newer_epoch_hint = NewerEpochHint::default();
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
        if matches!(
            reason,
            ResyncReason::CounterCommitRefused
                | ResyncReason::SuccessionCountered
                | ResyncReason::LeftBehind
        ) {
            // The others judged otherwise: whom we held a rule-breaker, and the commits we
            // merged, were of a line we leave.
            self.policy.rule_breakers.clear();
            self.policy.merged.clear();
        }
        self.status = MembershipStatus::Resyncing;
        self.republish_interval_ms = super::WELCOME_TIMEOUT_MS;
        events.push(GroupEvent::Resynced { reason });
        self.publish_key_package(now_ms, events);
        events.push(GroupEvent::Changed);
    }

    /// Drops all group state: the MLS group (and its storage), pending requests,
    /// buffered commits, our join challenges and the leaves seen. Our published
    /// KeyPackages stay usable, and so does the newest join challenge heard.
    pub(super) fn drop_group_state(&mut self) {
        if let Some(mut group) = self.group.take() {
            let _ = group.delete(self.provider.storage());
        }
        self.pending_key_packages.clear();
        self.buffered_commits.clear();
        self.buffered_messages.clear();
        self.member_since_epoch = None;
        self.gap_since_ms = None;
        self.own_commit = None;
        self.start_requested = false;
        self.join_challenges.forget_group();
        self.reset_newer_epoch_hint();
    }
}
