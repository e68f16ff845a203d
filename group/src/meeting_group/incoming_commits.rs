//! Commits from the server, in the total order it gives them (RFC 9420 section 14): one of
//! our epoch is applied (ours merged, others' processed, RFC 9420 section 12.4.2), one of
//! a later epoch waits briefly for the missing ones, an older one is ignored.
//!
//! Someone else's commit that adds members must propose the invite PSK (`invite_psk`,
//! RFC 9420 section 8.4); one that does not is unprocessable and we re-sync rather than
//! follow it.

use conclave_protocol::{Bytes, ParticipantId};
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{MlsMessageIn, ProcessedMessageContent};
use openmls_traits::OpenMlsProvider as _;

use super::resync::ResyncReason;
use super::{GroupEvent, MeetingGroup, MembershipStatus, MAX_BUFFERED_COMMITS};
use crate::GroupError;

/// A commit of a future epoch, kept until the missing ones arrive.
pub(super) struct BufferedCommit {
    from: ParticipantId,
    commit: Vec<u8>,
}

impl MeetingGroup {
    pub(super) fn on_commit(
        &mut self,
        now_ms: u64,
        from: ParticipantId,
        epoch: u64,
        commit: &Bytes,
        events: &mut Vec<GroupEvent>,
    ) {
        let current = match (self.member_group(), self.status) {
            (Some(group), _) => group.epoch().as_u64(),
            // Not a member: keep a few commits in case our Welcome brings us into an
            // epoch just before them.
            (None, MembershipStatus::WaitingToBeAdded | MembershipStatus::Resyncing) => {
                self.buffer_commit(from, epoch, commit);
                return;
            }
            (None, _) => return,
        };
        if epoch < current {
            return; // a duplicate or an old commit
        }
        if epoch > current {
            // A gap: an earlier commit was dropped or is late. Wait briefly for it.
            if !self.buffer_commit(from, epoch, commit) {
                self.resync(now_ms, ResyncReason::TooManyLaterCommits, events);
                return;
            }
            self.gap_since_ms.get_or_insert(now_ms);
            return;
        }
        if let Err(error) = self.apply_commit(from, epoch, &commit.0) {
            self.resync(now_ms, ResyncReason::for_commit_error(&error), events);
            return;
        }
        self.after_epoch_change(now_ms, events);
    }

    /// Keeps a future commit; false when the buffer is full.
    fn buffer_commit(&mut self, from: ParticipantId, epoch: u64, commit: &Bytes) -> bool {
        if !self.buffered_commits.contains_key(&epoch)
            && self.buffered_commits.len() >= MAX_BUFFERED_COMMITS
        {
            return false;
        }
        // The server relays only the one accepted commit per epoch.
        self.buffered_commits
            .entry(epoch)
            .or_insert_with(|| BufferedCommit {
                from,
                commit: commit.0.clone(),
            });
        true
    }

    /// Applies one commit of our current epoch: our own (merge the pending commit) or
    /// someone else's (process and merge, RFC 9420 section 12.4.2).
    fn apply_commit(
        &mut self,
        from: ParticipantId,
        epoch: u64,
        commit: &[u8],
    ) -> Result<(), GroupError> {
        let own = self
            .own_commit
            .as_ref()
            .is_some_and(|own| own.epoch == epoch);
        let group = self.group.as_mut().ok_or(GroupError::NotReady)?;
        if Some(from) == self.you {
            if !own {
                // Our own commit whose secrets we dropped: we cannot follow it.
                return Err(GroupError::OwnCommitNotPending);
            }
            self.own_commit = None;
            group
                .merge_pending_commit(&self.provider)
                .map_err(GroupError::MergeCommit)?;
            return Ok(());
        }
        if own {
            // Someone else's commit won this epoch; ours is void.
            self.own_commit = None;
            group
                .clear_pending_commit(self.provider.storage())
                .map_err(GroupError::Storage)?;
        }
        let message =
            MlsMessageIn::tls_deserialize_exact(commit).map_err(GroupError::DecodeMessage)?;
        let protocol_message = message
            .try_into_protocol_message()
            .map_err(GroupError::ReadCommit)?;
        let processed = group
            .process_message(&self.provider, protocol_message)
            .map_err(GroupError::ProcessCommit)?;
        let ProcessedMessageContent::StagedCommitMessage(staged) = processed.into_content() else {
            return Err(GroupError::UnexpectedMessage);
        };
        if staged.self_removed() {
            return Err(GroupError::Removed);
        }
        // An honest committer proposes the invite PSK with every Add (see
        // `create_commit`); one that does not would welcome its joiners into an epoch that
        // proves nothing to them. Do not follow it.
        if staged.add_proposals().next().is_some() && !self.invite_psk.is_proposed_in(&staged) {
            return Err(GroupError::AddWithoutInvitePsk);
        }
        group
            .merge_staged_commit(&self.provider, *staged)
            .map_err(GroupError::MergeStagedCommit)?;
        Ok(())
    }

    /// After we entered a new epoch: apply buffered commits that are now due, hand out
    /// the key, forget satisfied requests, and commit if we are the committer.
    pub(super) fn after_epoch_change(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        loop {
            let Some(current) = self.epoch() else { return };
            self.buffered_commits.retain(|&epoch, _| epoch >= current);
            let Some(next) = self.buffered_commits.remove(&current) else {
                break;
            };
            // Hand out every epoch's key: frames of it may still be in flight.
            self.push_epoch_keys(events);
            if let Err(error) = self.apply_commit(next.from, current, &next.commit) {
                self.resync(now_ms, ResyncReason::for_commit_error(&error), events);
                return;
            }
        }
        self.gap_since_ms = if self.buffered_commits.is_empty() {
            None
        } else {
            self.gap_since_ms.or(Some(now_ms))
        };
        self.forget_satisfied_key_packages();
        self.push_epoch_keys(events);
        events.push(GroupEvent::Changed);
        self.maybe_commit(now_ms, events);
    }
}
