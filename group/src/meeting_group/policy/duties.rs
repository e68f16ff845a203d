//! Who commits what (rule 7), as one plan per commit of ours:
//! - the lowest present member re-adds members re-syncing (Remove of the old leaf and Add
//!   of the new KeyPackage with the same signature key), and in `AnyoneWithLink` mode adds
//!   every verified knock (never while locked);
//! - the lowest present chair removes departed members and every member whose commit
//!   broke a rule (expelled: the server drops their connection), and answers knocks with
//!   "locked" while the meeting is locked;
//! - with no chair present (a chair whose commit broke a rule does not count), the lowest
//!   present member commits the succession: Removes of every absent member, Removes and
//!   expulsions of every rule-breaker, and itself as sole chair (rule 5);
//! - a member whose commit broke a rule takes no duty.
//! - a chair commits its own queued intents (admit, remove, roles, lock, end, new link);
//!   a removal in a meeting open to anyone with the link also makes a new link (the removed
//!   member holds the old one).
//!
//! Chairs that the commit removes leave the chairs' list in the same commit, so the policy
//! never names a non-member.

use std::collections::{BTreeMap, BTreeSet};

use conclave_protocol::{ClientMessage, KnockAnswer, ParticipantId};
use openmls::prelude::{KeyPackage, LeafNodeIndex};

use super::{policy_of, Admission, ChairIntent, Knock, MeetingPolicy};
use crate::meeting_group::roster::{leaf_info, member_info};
use crate::meeting_group::Verification;
use crate::meeting_group::{GroupEvent, MeetingGroup};
use crate::verified_identity::ChainRefusal;
use crate::Fingerprint;

/// What our next commit carries.
#[derive(Default)]
pub(in crate::meeting_group) struct CommitPlan {
    pub(in crate::meeting_group) removals: BTreeSet<LeafNodeIndex>,
    /// Participants it removes (for the server's bookkeeping).
    pub(in crate::meeting_group) removed: Vec<ParticipantId>,
    /// Participants it removes for breaking a rule, or by a chair's decision.
    pub(in crate::meeting_group) expelled: Vec<ParticipantId>,
    pub(in crate::meeting_group) adds: BTreeMap<ParticipantId, KeyPackage>,
    /// The new policy, if it changes.
    pub(in crate::meeting_group) policy: Option<MeetingPolicy>,
    /// The chair's intents it carries.
    pub(in crate::meeting_group) intents: Vec<ChairIntent>,
    /// It expels a rule-breaker: a counter-commit of the commit we ignored.
    pub(in crate::meeting_group) counters: bool,
}

impl CommitPlan {
    fn is_empty(&self) -> bool {
        self.removals.is_empty() && self.adds.is_empty() && self.policy.is_none()
    }
}

/// One leaf as the committer sees it.
struct Leaf {
    index: LeafNodeIndex,
    participant_id: Option<ParticipantId>,
    fingerprint: Fingerprint,
    present: bool,
    /// Its certificate is on its organisation's revocation list (as this member sees it).
    revoked: bool,
}

impl MeetingGroup {
    /// The verified requests that wait for a chair: from participants present, not a
    /// member re-syncing (those are re-added without a chair).
    pub(in crate::meeting_group) fn roster_knocks(&self) -> impl Iterator<Item = Knock> + '_ {
        let members: Vec<(Option<ParticipantId>, Fingerprint)> = self
            .member_group()
            .map(|group| {
                group
                    .members()
                    .map(|m| {
                        (
                            member_info(group, m.index).participant_id,
                            Fingerprint::of_public_key(&m.signature_key),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.pending_key_packages
            .iter()
            .filter(|(pid, _)| self.presence.contains_key(pid))
            .filter_map(move |(pid, pending)| {
                let leaf = pending.key_package.leaf_node();
                let fingerprint = Fingerprint::of_public_key(leaf.signature_key().as_slice());
                let resyncing = members
                    .iter()
                    .any(|(p, fp)| *p == Some(*pid) && *fp == fingerprint);
                (!resyncing).then(|| {
                    let verification = self.verify_leaf(leaf);
                    let display_name = match verification.verified() {
                        Some(person) => person.name.clone(),
                        None => leaf_info(leaf).display_name,
                    };
                    Knock {
                        participant_id: *pid,
                        display_name,
                        fingerprint,
                        verification,
                    }
                })
            })
    }

    /// What we should commit now, if anything. Takes the intents it carries out of the
    /// queue (they are queued again if the commit loses), drops intents that no longer
    /// mean anything, and answers knocks with "locked" when that is our duty.
    pub(in crate::meeting_group) fn plan_commit(
        &mut self,
        events: &mut Vec<GroupEvent>,
    ) -> Option<CommitPlan> {
        self.drop_unverified_knocks(events);
        let verified_only = self.admits_only_verified();
        let group = self.member_group()?;
        let own = group.own_leaf_index();
        let leaves: Vec<Leaf> = group
            .members()
            .map(|m| {
                let participant_id = member_info(group, m.index).participant_id;
                Leaf {
                    index: m.index,
                    participant_id,
                    fingerprint: Fingerprint::of_public_key(&m.signature_key),
                    present: m.index == own
                        || participant_id.is_some_and(|p| self.presence.contains_key(&p)),
                    revoked: verified_only
                        && self.verify_member(group, &m.credential, &m.signature_key)
                            == Verification::Refused(ChainRefusal::Revoked),
                }
            })
            .collect();
        let policy = policy_of(group.extensions());
        let own_fp = self.identity.fingerprint();
        let is_chair = |fp: &Fingerprint| policy.as_ref().is_some_and(|p| p.is_chair(fp));
        let breaker = |leaf: &Leaf| {
            self.policy.rule_breakers.iter().any(|b| {
                b.fingerprint == leaf.fingerprint && Some(b.participant_id) == leaf.participant_id
            })
        };
        // A member asking to be re-added (its KeyPackage carries the signature key of its
        // leaf) is present but cannot commit: the duties pass to the next one.
        let resyncing = |leaf: &Leaf| {
            leaf.index != own
                && leaf.participant_id.is_some_and(|pid| {
                    self.pending_key_packages.get(&pid).is_some_and(|pending| {
                        let key = pending.key_package.leaf_node().signature_key();
                        Fingerprint::of_public_key(key.as_slice()) == leaf.fingerprint
                    })
                })
        };
        // A rule-breaker is present but takes no duty and holds no chair: it is about to
        // be expelled (by the lowest chair, or by the successor if it was the chair).
        let active = |leaf: &Leaf| leaf.present && !resyncing(leaf) && !breaker(leaf);
        let lowest_member = leaves.iter().filter(|l| active(l)).map(|l| l.index).min() == Some(own);
        let lowest_chair = leaves
            .iter()
            .filter(|l| active(l) && is_chair(&l.fingerprint))
            .map(|l| l.index)
            .min()
            == Some(own);
        let chair_present = leaves
            .iter()
            .any(|l| l.present && !breaker(l) && is_chair(&l.fingerprint));
        let me_chair = is_chair(&own_fp);

        let mut plan = CommitPlan::default();
        let remove = |plan: &mut CommitPlan, leaf: &Leaf| {
            if leaf.index != own && plan.removals.insert(leaf.index) {
                if let Some(p) = leaf.participant_id {
                    if !plan.removed.contains(&p) {
                        plan.removed.push(p);
                    }
                }
            }
        };

        // Members re-syncing: their old leaf out, their new KeyPackage in.
        let mut replacements = BTreeSet::new();
        for (pid, pending) in &self.pending_key_packages {
            if self.is_rule_breaker(*pid) {
                // Never re-added: it is to be expelled.
                continue;
            }
            let signature_key = pending.key_package.leaf_node().signature_key();
            let fingerprint = Fingerprint::of_public_key(signature_key.as_slice());
            let old_leaf = leaves.iter().find(|l| {
                l.participant_id == Some(*pid) && l.fingerprint == fingerprint && l.index != own
            });
            if let Some(old_leaf) = old_leaf {
                replacements.insert(*pid);
                if lowest_member && self.presence.contains_key(pid) {
                    remove(&mut plan, old_leaf);
                    plan.adds.insert(*pid, pending.key_package.clone());
                }
            }
        }
        let Some(policy) = policy else {
            return (!plan.is_empty()).then_some(plan);
        };
        let mut new_policy = policy.clone();
        let succession = !chair_present && lowest_member;
        // A commit that expels a rule-breaker is a counter-commit for the epoch the
        // rule-breaker's commit took: the server takes no Welcome with it.
        let expelling =
            (succession || lowest_chair) && leaves.iter().any(|l| l.present && breaker(l));
        if succession || expelling {
            // Keep a succession or a counter-commit to what validators and the server
            // accept: no Adds (re-adds, knocks and Admits wait for our next commit).
            plan = CommitPlan::default();
        }
        if succession {
            new_policy.chairs = vec![own_fp.clone()];
        }
        plan.counters = expelling;
        if succession || lowest_chair {
            for leaf in &leaves {
                if !leaf.present {
                    remove(&mut plan, leaf);
                } else if breaker(leaf) {
                    remove(&mut plan, leaf);
                    if let Some(p) = leaf.participant_id {
                        plan.expelled.push(p);
                    }
                } else if leaf.revoked && lowest_chair && !succession && !expelling {
                    // A "verified members only" meeting keeps nobody whose organisation
                    // revoked them (a rogue's Add of one is followed: members' lists differ).
                    // A chair's Remove is valid for everyone; a revocation cannot be forged.
                    remove(&mut plan, leaf);
                }
            }
        }

        if me_chair && !succession && !expelling {
            let mut link_bumped = false;
            for intent in std::mem::take(&mut self.policy.intents) {
                let carried = match &intent {
                    ChairIntent::Admit(pid) => {
                        match self.pending_key_packages.get(pid) {
                            Some(pending) if !policy.locked && self.presence.contains_key(pid) => {
                                plan.adds.insert(*pid, pending.key_package.clone());
                                true
                            }
                            Some(_) if policy.locked => {
                                events.push(GroupEvent::ChairActionFailed(intent.action()));
                                false
                            }
                            // The knock went away (left, denied, or added by someone else).
                            _ => false,
                        }
                    }
                    ChairIntent::Remove {
                        fingerprint,
                        participant_id,
                    } => {
                        let targets: Vec<&Leaf> = leaves
                            .iter()
                            .filter(|l| {
                                l.fingerprint == *fingerprint && l.participant_id == *participant_id
                            })
                            .collect();
                        for leaf in &targets {
                            remove(&mut plan, leaf);
                            if let Some(p) = leaf.participant_id {
                                if !plan.expelled.contains(&p) {
                                    plan.expelled.push(p);
                                }
                            }
                        }
                        // In a meeting open to anyone with the link, the removed member
                        // holds the link: a new one, or it just comes back.
                        if !targets.is_empty()
                            && policy.admission == Admission::AnyoneWithLink
                            && !link_bumped
                        {
                            link_bumped = true;
                            new_policy.link_generation = policy.link_generation.saturating_add(1);
                        }
                        !targets.is_empty()
                    }
                    ChairIntent::SetChair { fingerprint, chair } => {
                        let member = leaves.iter().any(|l| l.fingerprint == *fingerprint);
                        if member && *chair && !new_policy.is_chair(fingerprint) {
                            new_policy.chairs.push(fingerprint.clone());
                        } else if !*chair {
                            new_policy.chairs.retain(|c| c != fingerprint);
                        }
                        member
                    }
                    ChairIntent::Lock(locked) => {
                        new_policy.locked = *locked;
                        true
                    }
                    ChairIntent::End => {
                        new_policy.ended = true;
                        true
                    }
                    ChairIntent::NewLink => {
                        if !link_bumped {
                            link_bumped = true;
                            new_policy.link_generation = policy.link_generation.saturating_add(1);
                        }
                        true
                    }
                };
                if carried {
                    plan.intents.push(intent);
                }
            }
        }

        // Knocks (not re-syncing members) as the policy of this epoch says.
        let knocks: Vec<ParticipantId> = self
            .pending_key_packages
            .keys()
            .filter(|pid| {
                !replacements.contains(pid)
                    && !self.is_rule_breaker(**pid)
                    && self.presence.contains_key(pid)
            })
            .copied()
            .collect();
        if policy.locked {
            if lowest_chair {
                for pid in knocks {
                    self.pending_key_packages.remove(&pid);
                    plan.adds.remove(&pid);
                    events.push(GroupEvent::Send(ClientMessage::AnswerKnock {
                        to: pid,
                        answer: KnockAnswer::Locked,
                    }));
                }
            }
        } else if policy.admission == Admission::AnyoneWithLink
            && lowest_member
            && !succession
            && !expelling
        {
            for pid in knocks {
                if let Some(pending) = self.pending_key_packages.get(&pid) {
                    plan.adds.insert(pid, pending.key_package.clone());
                }
            }
        }

        // Chairs the commit removes leave the list; the list is kept sorted.
        let removed_fps: Vec<&Fingerprint> = leaves
            .iter()
            .filter(|l| plan.removals.contains(&l.index))
            .map(|l| &l.fingerprint)
            .collect();
        // A member re-added with its own key (re-sync) stays, and so does its role.
        let added_fps: Vec<Fingerprint> = plan
            .adds
            .values()
            .map(|kp| Fingerprint::of_public_key(kp.leaf_node().signature_key().as_slice()))
            .collect();
        let stays = |fp: &Fingerprint| {
            added_fps.contains(fp)
                || leaves
                    .iter()
                    .any(|l| l.fingerprint == *fp && !plan.removals.contains(&l.index))
        };
        new_policy
            .chairs
            .retain(|c| !removed_fps.contains(&c) || stays(c));
        new_policy
            .chairs
            .sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        new_policy.chairs.dedup();
        if new_policy.chairs.is_empty() {
            // Never leave the meeting without a chair: give up the role changes.
            for intent in plan
                .intents
                .iter()
                .filter(|i| matches!(i, ChairIntent::SetChair { .. }))
            {
                events.push(GroupEvent::ChairActionFailed(intent.action()));
            }
            plan.intents
                .retain(|i| !matches!(i, ChairIntent::SetChair { .. }));
            new_policy.chairs = policy.chairs.clone();
            new_policy
                .chairs
                .retain(|c| !removed_fps.contains(&c) || stays(c));
            if new_policy.chairs.is_empty() {
                new_policy.chairs = vec![own_fp];
            }
        }
        if new_policy != policy {
            plan.policy = Some(new_policy);
        }
        // Intents that change nothing (already so) are done.
        (!plan.is_empty()).then_some(plan)
    }
}
