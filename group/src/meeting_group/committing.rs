//! Adding and removing members. Every member verifies the join requests relayed to it;
//! what each member commits (Adds, Removes, policy changes) is planned by
//! `policy::duties` (rule 7 of the meeting's policy). We wait for the server to echo our
//! commit before merging it (RFC 9420 sections 12.1, 12.4 and 14); a chair's intents in a
//! commit that loses the race are queued again.

use conclave_protocol::{Bytes, ClientMessage, ParticipantId};
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{
    Extensions, GroupContext, KeyPackage, KeyPackageIn, LeafNodeIndex, LeafNodeParameters,
    ProtocolVersion,
};
use openmls_traits::OpenMlsProvider as _;

use super::commit_lists::CommitLists;
use super::joining::KEY_PACKAGE_LIFETIME_SECONDS;
use super::policy::{policy_extensions, trust_to_carry, ChairIntent, CommitPlan};
use super::resync::ResyncReason;
use super::roster::leaf_info;
use super::{
    GroupEvent, MeetingGroup, MembershipStatus, COMMIT_RETRY_MS, MAX_COMMIT_REFUSALS,
    MAX_PENDING_KEY_PACKAGES,
};
use crate::{GroupError, CIPHERSUITE};

/// A verified request to be added.
pub(super) struct PendingKeyPackage {
    pub(super) key_package: KeyPackage,
}

/// A commit we built, serialized for the server.
pub(super) struct CreatedCommit {
    /// The epoch it was made in.
    epoch: u64,
    pub(super) commit: Vec<u8>,
    welcome: Option<Vec<u8>>,
}

/// Our commit sent to the server, not yet echoed back.
pub(super) struct OwnCommit {
    pub(super) epoch: u64,
    pub(super) sent_at_ms: u64,
    /// The chair's intents it carries.
    pub(super) intents: Vec<ChairIntent>,
    /// It ends the meeting: tell the server once it is echoed.
    pub(super) ends_meeting: bool,
    /// It is a counter-commit (it expels a rule-breaker).
    pub(super) counters: bool,
}

impl MeetingGroup {
    pub(super) fn on_key_package(
        &mut self,
        now_ms: u64,
        from: ParticipantId,
        key_package: &Bytes,
        invite_proof: &Bytes,
        events: &mut Vec<GroupEvent>,
    ) {
        if self.status != MembershipStatus::Member
            || Some(from) == self.you
            || !self.presence.contains_key(&from)
        {
            return;
        }
        let Some(verified) = self.verify_key_package(from, key_package, invite_proof) else {
            self.answer_replaced_link(from, &key_package.0, &invite_proof.0, events);
            return;
        };
        let verification = self.verify_leaf(verified.leaf_node());
        if self.admits_only_verified() && verification.verified().is_none() {
            // Every member refuses it; the lowest present member tells the knocker. An
            // earlier request of theirs that did verify (a certificate since revoked) goes.
            if self.pending_key_packages.remove(&from).is_some() {
                events.push(GroupEvent::Changed);
            }
            self.answer_unverified(from, &verification, events);
            return;
        }
        if !self.pending_key_packages.contains_key(&from)
            && self.pending_key_packages.len() >= MAX_PENDING_KEY_PACKAGES
        {
            return;
        }
        // Latest wins: a fresh request replaces an older one.
        let new_knock = self
            .pending_key_packages
            .insert(
                from,
                PendingKeyPackage {
                    key_package: verified,
                },
            )
            .is_none();
        if new_knock {
            // A chair's page lists knocks.
            events.push(GroupEvent::Changed);
        }
        self.maybe_commit(now_ms, events);
    }

    /// Checks the invite proof (constant time) over one of the join challenges we hold
    /// (our last few epochs: a proof captured earlier, or made in another group of this
    /// room, fails), the KeyPackage's signatures and lifetime (RFC 9420 section 10.1) and
    /// that the lifetime is no longer than ours, its suite, that its leaf was never in the
    /// tree in those epochs (a KeyPackage already added, such as a departed member's,
    /// replayed), and that its credential names the participant the server relayed it
    /// from. `None` drops it silently.
    fn verify_key_package(
        &self,
        from: ParticipantId,
        key_package: &Bytes,
        invite_proof: &Bytes,
    ) -> Option<KeyPackage> {
        if !self.join_challenges.verify(
            &self.proof_key,
            &self.room_id,
            &key_package.0,
            &invite_proof.0,
        ) {
            return None;
        }
        let key_package_in = KeyPackageIn::tls_deserialize_exact(key_package.0.as_slice()).ok()?;
        let key_package = key_package_in
            .validate(self.provider.crypto(), ProtocolVersion::Mls10)
            .ok()?;
        if key_package.ciphersuite() != CIPHERSUITE {
            return None;
        }
        let lifetime = key_package.life_time();
        // RFC 9420 section 10.1: refuse a lifetime longer than the application's maximum
        // (ours, plus openmls' hour of back-dating).
        if lifetime.not_after().saturating_sub(lifetime.not_before())
            > KEY_PACKAGE_LIFETIME_SECONDS.saturating_add(60 * 60)
        {
            return None;
        }
        let leaf_key = key_package.leaf_node().encryption_key();
        if self
            .join_challenges
            .was_in_tree(|seen| *leaf_key == seen.to_vec().into())
        {
            return None;
        }
        let info = leaf_info(key_package.leaf_node());
        if info.participant_id != Some(from) {
            return None;
        }
        Some(key_package)
    }

    /// Commits what is ours to commit now (see `policy::duties`), unless a commit of ours
    /// is in flight, we wait after a refusal, or we are behind the server.
    pub(super) fn maybe_commit(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        if self.own_commit.is_some()
            || now_ms < self.commit_not_before_ms
            || !self.buffered_commits.is_empty()
        {
            return;
        }
        let Some(you) = self.you else { return };
        let Some(plan) = self.plan_commit(events) else {
            return;
        };
        let CommitPlan {
            removals,
            removed,
            expelled,
            adds,
            policy,
            intents,
            counters,
        } = plan;
        let (added, key_packages): (Vec<ParticipantId>, Vec<KeyPackage>) =
            adds.into_iter().filter(|(pid, _)| *pid != you).unzip();
        let ends_meeting = policy.as_ref().is_some_and(|p| p.ended);
        // A policy change carries the meeting's trust over unchanged; a group whose trust
        // cannot be read changes nothing (fail closed).
        let extensions = match policy.as_ref() {
            None => None,
            Some(policy) => {
                let Some(Ok(trust)) = self
                    .member_group()
                    .map(|group| trust_to_carry(group.extensions()))
                else {
                    return;
                };
                match policy_extensions(policy, trust.as_ref()) {
                    Ok(extensions) => Some(extensions),
                    Err(_) => return,
                }
            }
        };
        let lists = CommitLists::new(&added, &removed, &expelled);
        let created = self.create_commit(
            key_packages,
            removals.into_iter().collect(),
            extensions,
            &lists,
        );
        match created {
            Ok(created) => {
                self.send_own_commit(now_ms, created, lists, intents, ends_meeting, events);
                if let Some(own) = self.own_commit.as_mut() {
                    own.counters = counters;
                }
            }
            Err(_) if !added.is_empty() => {
                // One of the requests cannot go into the tree (for example a duplicate
                // key). Drop them all (joiners ask again) and plan again without them.
                for pid in &added {
                    self.pending_key_packages.remove(pid);
                }
                self.policy.intents.splice(0..0, intents);
                self.maybe_commit(now_ms, events);
            }
            Err(_) => {
                for intent in intents {
                    events.push(GroupEvent::ChairActionFailed(intent.action()));
                }
            }
        }
    }

    /// Sends a commit we built, telling the server the participants it adds, removes and
    /// expels (`lists`), and remembers it until the server echoes it.
    pub(super) fn send_own_commit(
        &mut self,
        now_ms: u64,
        created: CreatedCommit,
        lists: CommitLists,
        intents: Vec<ChairIntent>,
        ends_meeting: bool,
        events: &mut Vec<GroupEvent>,
    ) {
        let CreatedCommit {
            epoch,
            commit,
            welcome,
        } = created;
        self.own_commit = Some(OwnCommit {
            epoch,
            sent_at_ms: now_ms,
            intents,
            ends_meeting,
            counters: false,
        });
        let CommitLists {
            added,
            removed,
            expelled,
        } = lists;
        events.push(GroupEvent::Send(ClientMessage::Commit {
            epoch,
            commit: Bytes(commit),
            welcome: welcome.map(Bytes),
            added,
            removed,
            expelled,
        }));
    }

    /// Builds and stages our commit. One that adds members also proposes the invite PSK
    /// (RFC 9420 section 8.4), so the epoch the joiners enter proves to them that its
    /// group knows the invite secret (see `invite_psk`).
    /// New group context `extensions` (a new policy) go in a GroupContextExtensions
    /// proposal. The commit's authenticated data carries `lists`, what we tell the server
    /// it does (see `commit_lists`).
    pub(super) fn create_commit(
        &mut self,
        key_packages: Vec<KeyPackage>,
        removals: Vec<LeafNodeIndex>,
        extensions: Option<Extensions<GroupContext>>,
        lists: &CommitLists,
    ) -> Result<CreatedCommit, GroupError> {
        self.create_commit_with_leaf(key_packages, removals, extensions, lists, None)
    }

    /// [`Self::create_commit`], with our new leaf made from `leaf` (only the rogue test
    /// hook passes one).
    pub(super) fn create_commit_with_leaf(
        &mut self,
        key_packages: Vec<KeyPackage>,
        removals: Vec<LeafNodeIndex>,
        extensions: Option<Extensions<GroupContext>>,
        lists: &CommitLists,
        leaf: Option<LeafNodeParameters>,
    ) -> Result<CreatedCommit, GroupError> {
        let psk_proposal = if key_packages.is_empty() {
            None
        } else {
            Some(
                self.invite_psk
                    .proposal(self.provider.rand())
                    .map_err(GroupError::Crypto)?,
            )
        };
        let group = self.group.as_mut().ok_or(GroupError::NotReady)?;
        let epoch = group.epoch().as_u64();
        // openmls signs it into the commit and clears it once the commit is staged.
        group.set_aad(lists.encode());
        let mut builder = group
            .commit_builder()
            .propose_adds(key_packages)
            .propose_removals(removals)
            .add_proposals(psk_proposal);
        if let Some(leaf) = leaf {
            builder = builder.leaf_node_parameters(leaf);
        }
        if let Some(extensions) = extensions {
            builder = builder
                .propose_group_context_extensions(extensions)
                .map_err(GroupError::CreateCommit)?;
        }
        let bundle = builder
            .load_psks(self.provider.storage())
            .map_err(GroupError::CreateCommit)?
            .build(
                self.provider.rand(),
                self.provider.crypto(),
                &self.identity.key_pair,
                |_| true,
            )
            .map_err(GroupError::CreateCommit)?
            .stage_commit(&self.provider)
            .map_err(GroupError::StageCommit)?;
        let (commit, welcome, _group_info) = bundle.into_messages();
        let serialized = commit.to_bytes().and_then(|commit| {
            welcome
                .map(|w| w.to_bytes())
                .transpose()
                .map(|welcome| (commit, welcome))
        });
        match serialized {
            Ok((commit, welcome)) => Ok(CreatedCommit {
                epoch,
                commit,
                welcome,
            }),
            Err(error) => {
                let _ = group.clear_pending_commit(self.provider.storage());
                Err(GroupError::Serialize(error))
            }
        }
    }

    pub(super) fn on_commit_rejected(
        &mut self,
        now_ms: u64,
        epoch: u64,
        events: &mut Vec<GroupEvent>,
    ) {
        if self
            .own_commit
            .as_ref()
            .is_some_and(|own| own.epoch == epoch)
        {
            // Another commit won: the chair's intents are tried again on the new epoch,
            // unless the server keeps refusing with no other commit winning.
            let counters = self.own_commit.as_ref().is_some_and(|own| own.counters);
            let intents = self.abandon_own_commit();
            self.commit_refusals = self.commit_refusals.saturating_add(1);
            if counters && self.commit_refusals >= MAX_COMMIT_REFUSALS {
                // Most members followed the commit we ignored (the server counts their
                // disputes): we are the one left behind.
                self.commit_refusals = 0;
                self.policy.intents.splice(0..0, intents);
                self.resync(now_ms, ResyncReason::CounterCommitRefused, events);
                return;
            }
            if self.commit_refusals >= MAX_COMMIT_REFUSALS && !intents.is_empty() {
                for intent in intents {
                    events.push(GroupEvent::ChairActionFailed(intent.action()));
                }
                self.commit_refusals = 0;
            } else {
                self.policy.intents.splice(0..0, intents);
            }
            // Newer commits will arrive and re-trigger us; otherwise retry a bit later.
            self.commit_not_before_ms = now_ms.saturating_add(COMMIT_RETRY_MS);
        }
    }

    /// Forgets our commit in flight; returns the chair's intents it carried.
    pub(super) fn abandon_own_commit(&mut self) -> Vec<ChairIntent> {
        let intents = self
            .own_commit
            .take()
            .map(|own| own.intents)
            .unwrap_or_default();
        if let Some(group) = self.group.as_mut() {
            let _ = group.clear_pending_commit(self.provider.storage());
        }
        intents
    }

    /// Drops requests whose KeyPackage is now in the tree (someone's commit added it).
    pub(super) fn forget_satisfied_key_packages(&mut self) {
        let Some(group) = self.member_group() else {
            return;
        };
        let in_tree: Vec<Vec<u8>> = group.members().map(|m| m.encryption_key).collect();
        self.pending_key_packages.retain(|_, pending| {
            let key = pending.key_package.leaf_node().encryption_key();
            !in_tree.iter().any(|k| *key == k.clone().into())
        });
    }
}
