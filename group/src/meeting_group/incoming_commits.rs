//! Commits from the server, in the total order it gives them (RFC 9420 section 14): one of
//! our epoch is applied (ours merged, others' processed, RFC 9420 section 12.4.2), one of
//! a later epoch waits briefly for the missing ones, an older one is ignored.
//!
//! Before merging someone else's commit we check it against the meeting's policy
//! (`policy::validation`): the participants it says it adds, removes and expels (signed in
//! its authenticated data, `commit_lists`) must be what the server relayed and what it
//! does, and one that adds members must propose the invite PSK (`invite_psk`, RFC 9420
//! section 8.4). One that breaks a rule, that cannot be read or processed (an honest
//! member's can, by every member in the same state), or whose server `from` names no member
//! of our group, is ignored: not merged, no re-sync (that would follow the committer's
//! line, where it alone would re-add us), we stay in our epoch with our keys, we tell the
//! server (`dispute_commit`), and the lowest present chair removes its committer (a
//! counter-commit for the same epoch, which the server accepts once more than half of the
//! other members present disputed the commit). Later commits of that participant are
//! ignored too, and it takes no duty and holds no chair. A rogue can make a commit that
//! only some members cannot process (garbage encrypted to their part of the tree): if they
//! are the fewer, the server refuses their counter-commit, and after a few refusals they
//! re-sync (`ResyncReason::CounterCommitRefused`).
//! A valid commit that removes us makes our status [`MembershipStatus::Removed`], and one
//! whose policy ends the meeting makes it [`MembershipStatus::Ended`]: keys dropped,
//! nothing re-published.

use std::collections::BTreeSet;

use conclave_protocol::{Bytes, ClientMessage, ParticipantId};
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{
    ContentType, LeafNodeIndex, MlsMessageIn, ProcessedMessageContent, Sender, StagedCommit,
};
use openmls_traits::OpenMlsProvider as _;

use super::commit_lists::CommitLists;
use super::policy::{
    check_commit, policy_of, MeetingPolicy, MembersView, MergedCommit, RuleBreak, RuleBreaker,
};
use super::resync::ResyncReason;
use super::roster::member_info;
use super::{GroupEvent, MeetingGroup, MembershipStatus, MAX_BUFFERED_COMMITS};
use crate::{Fingerprint, GroupError};

/// What applying a commit of our epoch led to.
pub(super) enum Applied {
    /// Merged: we are in the next epoch.
    Merged,
    /// Ignored (broke a rule, or not from a member): we stay in our epoch.
    Ignored,
    /// A valid commit removed us.
    RemovedUs,
    /// The new policy ends the meeting.
    Ended,
}

/// A commit of a future epoch, kept until the missing ones arrive.
pub(super) struct BufferedCommit {
    from: ParticipantId,
    commit: Vec<u8>,
    /// What the server relayed it as adding, removing and expelling.
    relayed: CommitLists,
}

/// Tells the server that the commit it accepted for `epoch` broke a rule (we ignored it).
fn dispute(epoch: u64) -> GroupEvent {
    GroupEvent::Send(ClientMessage::DisputeCommit { epoch })
}

/// Why someone else's commit is not merged.
enum Verdict {
    /// The server names another member than the one who signed.
    NotTheSigner,
    /// The server relays as a commit something that is none (a member's application
    /// message, say): the server lied, the member did nothing wrong.
    NotACommit,
    /// The committer broke a rule.
    Broke(RuleBreak),
}

impl MeetingGroup {
    pub(super) fn on_commit(
        &mut self,
        now_ms: u64,
        from: ParticipantId,
        epoch: u64,
        commit: &Bytes,
        relayed: CommitLists,
        events: &mut Vec<GroupEvent>,
    ) {
        let current = match (self.member_group(), self.status) {
            (Some(group), _) => group.epoch().as_u64(),
            // Not a member: keep a few commits in case our Welcome brings us into an
            // epoch just before them.
            (None, MembershipStatus::WaitingToBeAdded | MembershipStatus::Resyncing) => {
                self.buffer_commit(from, epoch, commit, relayed);
                return;
            }
            (None, _) => return,
        };
        if epoch < current {
            // A duplicate, an old commit, or a counter-commit of one we merged.
            self.judge_counter_commit(now_ms, from, epoch, &relayed, events);
            return;
        }
        if self.is_rule_breaker(from) {
            // Its later commits (say, on from the commit we ignored) are not followed, nor
            // kept as a gap to wait for.
            self.policy.ignored_commits += 1;
            if epoch == current {
                events.push(dispute(epoch));
            }
            return;
        }
        if epoch > current {
            // A gap: an earlier commit was dropped or is late. Wait briefly for it.
            if !self.buffer_commit(from, epoch, commit, relayed) {
                self.resync(now_ms, ResyncReason::TooManyLaterCommits, events);
                return;
            }
            self.gap_since_ms.get_or_insert(now_ms);
            return;
        }
        match self.apply_commit(from, epoch, &commit.0, &relayed, events) {
            Ok(Applied::Merged) => self.after_epoch_change(now_ms, events),
            Ok(Applied::Ignored) => {
                events.push(GroupEvent::Changed);
                // As the lowest present chair, remove the rule-breaker now.
                self.maybe_commit(now_ms, events);
            }
            Ok(Applied::RemovedUs) => self.become_terminal(MembershipStatus::Removed, events),
            Ok(Applied::Ended) => self.become_terminal(MembershipStatus::Ended, events),
            Err(error) => self.resync(now_ms, ResyncReason::for_commit_error(&error), events),
        }
    }

    /// A final status: drop every key and KeyPackage, ask for nothing more.
    pub(super) fn become_terminal(
        &mut self,
        status: MembershipStatus,
        events: &mut Vec<GroupEvent>,
    ) {
        self.drop_group_state();
        self.forget_own_key_packages();
        self.policy = Default::default();
        self.published_at_ms = None;
        self.status = status;
        events.push(GroupEvent::Changed);
    }

    /// How many commits of others we ignored because they broke a rule of the meeting's
    /// policy (or did not come from a member).
    pub fn ignored_commits(&self) -> usize {
        self.policy.ignored_commits
    }

    /// Keeps a future commit; false when the buffer is full.
    fn buffer_commit(
        &mut self,
        from: ParticipantId,
        epoch: u64,
        commit: &Bytes,
        relayed: CommitLists,
    ) -> bool {
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
                relayed,
            });
        true
    }

    /// Applies one commit of our current epoch: our own (merge the pending commit) or
    /// someone else's (process, check against the policy, merge; RFC 9420 section 12.4.2).
    fn apply_commit(
        &mut self,
        from: ParticipantId,
        epoch: u64,
        commit: &[u8],
        relayed: &CommitLists,
        events: &mut Vec<GroupEvent>,
    ) -> Result<Applied, GroupError> {
        let own = self
            .own_commit
            .as_ref()
            .is_some_and(|own| own.epoch == epoch);
        let old_policy = self
            .group
            .as_ref()
            .and_then(|group| policy_of(group.extensions()));
        if Some(from) == self.you {
            if !own {
                // Our own commit whose secrets we dropped: we cannot follow it.
                return Err(GroupError::OwnCommitNotPending);
            }
            let ends_meeting = self.own_commit.take().is_some_and(|own| own.ends_meeting);
            let group = self.group.as_mut().ok_or(GroupError::NotReady)?;
            group
                .merge_pending_commit(&self.provider)
                .map_err(GroupError::MergeCommit)?;
            if ends_meeting {
                // Every member ends on this commit; the server closes the room.
                events.push(GroupEvent::Send(ClientMessage::EndMeeting));
            }
            let own_fp = self.identity.fingerprint();
            return Ok(self.after_merge(epoch, from, &own_fp, old_policy, events));
        }
        // Whose leaf the server's `from` names, and who is present, in our epoch.
        let Some((from_leaf, from_fp)) = self.member_group().and_then(|group| {
            group.members().find_map(|m| {
                (member_info(group, m.index).participant_id == Some(from))
                    .then(|| (m.index, Fingerprint::of_public_key(&m.signature_key)))
            })
        }) else {
            // The server relays it from someone who is no member of our group.
            self.policy.ignored_commits += 1;
            events.push(dispute(epoch));
            return Ok(Applied::Ignored);
        };
        if self.is_rule_breaker(from) {
            // It broke a rule before and is about to be removed: not followed.
            self.policy.ignored_commits += 1;
            events.push(dispute(epoch));
            return Ok(Applied::Ignored);
        }
        let view = MembersView {
            present: self.present_leaves(),
            rule_breakers: self.rule_breaker_leaves(),
        };
        let verdict = self.read_and_check(from_leaf, commit, relayed, &view);
        let staged = match verdict {
            Ok(staged) => staged,
            Err(Verdict::NotTheSigner | Verdict::NotACommit) => {
                // The server names another member than the one who signed, or passes off
                // something else as a commit: ignored, but nobody is blamed (the server,
                // not that member, lied).
                self.policy.ignored_commits += 1;
                return Ok(Applied::Ignored);
            }
            Err(Verdict::Broke(_rule)) => {
                // Ignored: not merged, no re-sync (re-syncing would follow the committer's
                // line, where it alone re-adds everyone); our own commit (if any) stays
                // in flight (the server's refusal of it, if it comes, clears it).
                self.policy.ignored_commits += 1;
                let breaker = RuleBreaker {
                    fingerprint: from_fp,
                    participant_id: from,
                };
                if !self.policy.rule_breakers.contains(&breaker) {
                    self.policy.rule_breakers.push(breaker);
                }
                // The server counts our word for the counter-commit.
                events.push(dispute(epoch));
                return Ok(Applied::Ignored);
            }
        };
        let group = self.group.as_mut().ok_or(GroupError::NotReady)?;
        if own {
            // Someone else's valid commit won this epoch; ours is void, its intents are
            // tried again on the new epoch.
            let intents = self
                .own_commit
                .take()
                .map(|own| own.intents)
                .unwrap_or_default();
            self.policy.intents.splice(0..0, intents);
            group
                .clear_pending_commit(self.provider.storage())
                .map_err(GroupError::Storage)?;
        }
        if staged.self_removed() {
            // A chair's removal never adds us back. A commit that replaces our leaf by a
            // KeyPackage of ours is a re-sync replacement, which any member may commit, so
            // it can be a rogue's, with a KeyPackage we published once and never used: we
            // lost our leaf, not our place. Re-sync instead of ending for good.
            let own_key = self.identity.fingerprint();
            let re_adds_us = staged.add_proposals().any(|add| {
                let key = add.add_proposal().key_package().leaf_node().signature_key();
                Fingerprint::of_public_key(key.as_slice()) == own_key
            });
            if re_adds_us {
                return Err(GroupError::Removed);
            }
            return Ok(Applied::RemovedUs);
        }
        group
            .merge_staged_commit(&self.provider, *staged)
            .map_err(GroupError::MergeStagedCommit)?;
        Ok(self.after_merge(epoch, from, &from_fp, old_policy, events))
    }

    /// Reads, processes and checks someone else's commit of our epoch, made (as the
    /// server says) by the member at `from_leaf`. Anything wrong with it is held against
    /// the committer (an honest member's commit processes for every member in the same
    /// state; the server's count of disputes settles a split), except a signer other than
    /// the one the server names.
    fn read_and_check(
        &mut self,
        from_leaf: LeafNodeIndex,
        commit: &[u8],
        relayed: &CommitLists,
        view: &MembersView,
    ) -> Result<Box<StagedCommit>, Verdict> {
        let group = self
            .group
            .as_mut()
            .ok_or(Verdict::Broke(RuleBreak::Unprocessable))?;
        let message = MlsMessageIn::tls_deserialize_exact(commit)
            .map_err(|_| Verdict::Broke(RuleBreak::Unprocessable))?;
        let protocol_message = message
            .try_into_protocol_message()
            .map_err(|_| Verdict::Broke(RuleBreak::Unprocessable))?;
        // Checked before processing: a member's signed application message or proposal is
        // no commit of theirs (and processing it would spend its key).
        if protocol_message.content_type() != ContentType::Commit {
            return Err(Verdict::NotACommit);
        }
        let processed = group
            .process_message(&self.provider, protocol_message)
            .map_err(|_| Verdict::Broke(RuleBreak::Unprocessable))?;
        let sender = processed.sender().clone();
        if sender != Sender::Member(from_leaf) {
            return Err(Verdict::NotTheSigner);
        }
        let signed_lists = CommitLists::decode(processed.aad())
            .map_err(|_| Verdict::Broke(RuleBreak::ListsMismatch))?;
        let ProcessedMessageContent::StagedCommitMessage(staged) = processed.into_content() else {
            return Err(Verdict::Broke(RuleBreak::Unprocessable));
        };
        if signed_lists != *relayed {
            // The committer told the server something else than it signed.
            return Err(Verdict::Broke(RuleBreak::ListsMismatch));
        }
        check_commit(group, &sender, &staged, &signed_lists, view).map_err(Verdict::Broke)?;
        self.verifier
            .check_verified_adds(group, &staged)
            .map_err(Verdict::Broke)?;
        // An honest committer proposes the invite PSK with every Add (see
        // `create_commit`); one that does not would welcome its joiners into an epoch that
        // proves nothing to them. Do not follow it.
        if staged.add_proposals().next().is_some() && !self.invite_psk.is_proposed_in(&staged) {
            return Err(Verdict::Broke(RuleBreak::AddWithoutInvitePsk));
        }
        Ok(staged)
    }

    /// The leaves of members whose commit broke a rule.
    fn rule_breaker_leaves(&self) -> BTreeSet<LeafNodeIndex> {
        let Some(group) = self.member_group() else {
            return BTreeSet::new();
        };
        group
            .members()
            .filter(|m| {
                let fingerprint = Fingerprint::of_public_key(&m.signature_key);
                let participant = member_info(group, m.index).participant_id;
                self.policy
                    .rule_breakers
                    .iter()
                    .any(|b| b.fingerprint == fingerprint && Some(b.participant_id) == participant)
            })
            .map(|m| m.index)
            .collect()
    }

    /// After merging `committer`'s commit of `epoch`: remember it, follow a new link, and
    /// see whether the meeting ended.
    fn after_merge(
        &mut self,
        epoch: u64,
        committer: ParticipantId,
        committer_fp: &Fingerprint,
        old_policy: Option<MeetingPolicy>,
        events: &mut Vec<GroupEvent>,
    ) -> Applied {
        let new_policy = self
            .group
            .as_ref()
            .and_then(|group| policy_of(group.extensions()));
        self.commit_refusals = 0;
        let by_succession = new_policy != old_policy
            && !old_policy
                .as_ref()
                .is_some_and(|p| p.is_chair(committer_fp));
        self.policy.remember_merge(MergedCommit {
            epoch,
            committer,
            by_succession,
        });
        self.follow_new_link(old_policy.map(|p| p.link_generation), events);
        let ended = new_policy.is_some_and(|policy| policy.ended);
        if ended {
            Applied::Ended
        } else {
            Applied::Merged
        }
    }

    /// A commit for an epoch before ours that expels the committer of the commit we merged
    /// in that epoch: the server took it for a counter-commit (it goes back to that epoch
    /// and closes the expelled connection). We checked that commit and found it valid, so
    /// (rules other than succession's being the same for every member) this "counter" is
    /// a rogue's: it breaks a rule, and its committer takes no duty and is expelled. Only
    /// a succession, which each member judges on the presence it sees, can be valid to us
    /// and not to an honest chair: then our line of commits is the one left behind, and
    /// we re-sync.
    fn judge_counter_commit(
        &mut self,
        now_ms: u64,
        from: ParticipantId,
        epoch: u64,
        relayed: &CommitLists,
        events: &mut Vec<GroupEvent>,
    ) {
        let Some(merged) = self.policy.merged.iter().find(|m| m.epoch == epoch) else {
            return;
        };
        if !relayed.expelled.contains(&merged.committer) || Some(from) == self.you {
            return;
        }
        if merged.by_succession {
            self.resync(now_ms, ResyncReason::SuccessionCountered, events);
            return;
        }
        let Some(fingerprint) = self.member_group().and_then(|group| {
            group.members().find_map(|m| {
                (member_info(group, m.index).participant_id == Some(from))
                    .then(|| Fingerprint::of_public_key(&m.signature_key))
            })
        }) else {
            return;
        };
        self.policy.ignored_commits += 1;
        let breaker = RuleBreaker {
            fingerprint,
            participant_id: from,
        };
        if !self.policy.rule_breakers.contains(&breaker) {
            self.policy.rule_breakers.push(breaker);
        }
        events.push(GroupEvent::Changed);
        self.maybe_commit(now_ms, events);
    }

    /// Whether `participant` committed something that broke a rule (and is to be removed).
    pub(super) fn is_rule_breaker(&self, participant: ParticipantId) -> bool {
        self.policy
            .rule_breakers
            .iter()
            .any(|b| b.participant_id == participant)
    }

    /// Whether a member whose commit we ignored is still in our group.
    pub(super) fn rule_breaker_in_group(&self) -> bool {
        self.member_group().is_some_and(|group| {
            group.members().any(|m| {
                member_info(group, m.index)
                    .participant_id
                    .is_some_and(|p| self.is_rule_breaker(p))
            })
        })
    }

    /// The leaves whose participant is in the server's room (and ours).
    fn present_leaves(&self) -> BTreeSet<LeafNodeIndex> {
        let Some(group) = self.member_group() else {
            return BTreeSet::new();
        };
        let own = group.own_leaf_index();
        group
            .members()
            .filter(|m| {
                m.index == own
                    || member_info(group, m.index)
                        .participant_id
                        .is_some_and(|p| self.presence.contains_key(&p))
            })
            .map(|m| m.index)
            .collect()
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
            match self.apply_commit(next.from, current, &next.commit, &next.relayed, events) {
                Ok(Applied::Merged) | Ok(Applied::Ignored) => {}
                Ok(Applied::RemovedUs) => {
                    return self.become_terminal(MembershipStatus::Removed, events);
                }
                Ok(Applied::Ended) => return self.become_terminal(MembershipStatus::Ended, events),
                Err(error) => {
                    self.resync(now_ms, ResyncReason::for_commit_error(&error), events);
                    return;
                }
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
