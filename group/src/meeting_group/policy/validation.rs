//! The rules every member checks on someone else's commit before merging it (the commit
//! is staged, not merged, and its proposals read from the staged commit):
//!
//! 1. Only a member commits (no external commit), and every proposal is the committer's
//!    own, of a kind the meeting uses (Add, Remove, PreSharedKey, GroupContextExtensions);
//!    an update path keeps the committer's signature key and credential (its name and
//!    participant, as the members admitted it: openmls leaves the credential to us).
//! 2. An Add comes from a chair or, when the admission is `AnyoneWithLink`, from any
//!    member, never while the meeting is locked; except that any member may re-add a member
//!    re-syncing (the Add's KeyPackage carries the signature key of a leaf the same commit
//!    removes).
//! 3. Removes of others come only from a chair, except in a succession (5) and in the
//!    re-sync replacement of (2).
//! 4. A policy change comes only from a chair; the new policy decodes, names at least one
//!    chair, and every chair is a member after the commit.
//! 5. Succession: with no chair present (in the server's presence as we see it; a chair
//!    whose commit broke a rule does not count), the lowest present leaf that broke no
//!    rule may remove every absent member (every chair among them) and every present
//!    rule-breaker, expel those rule-breakers, and name itself sole chair, leaving the
//!    rest of the policy as it was.
//! 6. The participants the commit says it adds, removes and expels (signed into its
//!    authenticated data, and what the server was told: `commit_lists`) are exactly those
//!    whose KeyPackages it adds and whose leaves it removes; it expels only participants
//!    it removes, and only a chair expels (or a successor, its rule-breakers).
//! 7. The meeting's trust ([`super::MeetingTrust`]) never changes, and in a "verified
//!    members only" meeting everyone an Add brings in is verified under it (checked in
//!    `verification`, which holds the certificates' results).
//!
//! The policy that governs a commit is the one of the epoch it is made in.

use std::collections::{BTreeMap, BTreeSet};

use conclave_protocol::ParticipantId;
use openmls::prelude::{LeafNodeIndex, MlsGroup, Proposal, Sender, StagedCommit};

use super::{policy_of, MeetingPolicy, POLICY_EXTENSION_TYPE, TRUST_EXTENSION_TYPE};
use crate::meeting_group::commit_lists::CommitLists;
use crate::meeting_group::roster::{leaf_info, member_info};
use crate::Fingerprint;

/// The members as we see them when a commit arrives: who is in the server's room, and
/// whose earlier commit broke a rule (those count as absent for succession, and may be
/// removed by a successor).
pub(in crate::meeting_group) struct MembersView {
    pub(in crate::meeting_group) present: BTreeSet<LeafNodeIndex>,
    pub(in crate::meeting_group) rule_breakers: BTreeSet<LeafNodeIndex>,
}

impl MembersView {
    /// Present, and not a rule-breaker: someone who may take on a duty.
    fn counts(&self, leaf: LeafNodeIndex) -> bool {
        self.present.contains(&leaf) && !self.rule_breakers.contains(&leaf)
    }
}

/// Which rule a commit broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::meeting_group) enum RuleBreak {
    /// The committer is not a member (rule 1), or the server's `from` names no member or
    /// another member than the one who signed.
    NotAMember,
    /// A proposal of a kind the meeting does not use, or someone else's (rule 1).
    UnexpectedProposal,
    /// The update path changed the committer's signature key (rule 1).
    KeyChanged,
    /// The update path changed the committer's credential: its name or participant
    /// (rule 1).
    CredentialChanged,
    /// The group has no readable policy: nothing but harmless commits is accepted.
    NoPolicy,
    /// An Add by a non-chair in ChairAdmits mode (rule 2).
    AddByNonChair,
    /// An Add while the meeting is locked (rule 2).
    AddWhileLocked,
    /// A Remove of another member by a non-chair (rule 3).
    RemoveByNonChair,
    /// A policy change by a non-chair that is no valid succession (rules 4 and 5).
    PolicyByNonChair,
    /// The new policy extension is missing or malformed (rule 4).
    MalformedPolicy,
    /// The new policy names no chair, or a chair who is not a member (rule 4).
    ChairNotMember,
    /// A new link that skips generations (rule 4).
    LinkGeneration,
    /// The participants the commit says it adds, removes or expels are not what it does,
    /// or not what the server was told, or its authenticated data holds no such lists
    /// (rule 6).
    ListsMismatch,
    /// A non-chair expels someone, or a successor someone who broke no rule (rule 6).
    ExpelByNonChair,
    /// The commit could not be read or processed: nobody can follow it.
    Unprocessable,
    /// An Add without the invite PSK: its joiners would enter an epoch that proves nothing
    /// to them (`invite_psk`).
    AddWithoutInvitePsk,
    /// An Add, in a "verified members only" meeting, of someone whose certificate does not
    /// verify under the meeting's trust (rule 7).
    UnverifiedAdd,
    /// A change of the meeting's trust, which is fixed when the meeting begins (rule 7).
    TrustChanged,
}

/// Checks someone else's staged commit against the rules, in the epoch it was made in.
/// `lists` are the participants its authenticated data says it adds, removes and expels
/// (already found equal to what the server relayed).
pub(in crate::meeting_group) fn check_commit(
    group: &MlsGroup,
    sender: &Sender,
    staged: &StagedCommit,
    lists: &CommitLists,
    view: &MembersView,
) -> Result<(), RuleBreak> {
    let Sender::Member(committer) = *sender else {
        return Err(RuleBreak::NotAMember);
    };
    let leaves: BTreeMap<LeafNodeIndex, Fingerprint> = group
        .members()
        .map(|m| (m.index, Fingerprint::of_public_key(&m.signature_key)))
        .collect();
    let committer_fp = leaves.get(&committer).ok_or(RuleBreak::NotAMember)?;
    let mut changes_policy = false;
    for queued in staged.queued_proposals() {
        if queued.sender() != sender {
            return Err(RuleBreak::UnexpectedProposal);
        }
        match queued.proposal() {
            Proposal::Add(_) | Proposal::Remove(_) | Proposal::PreSharedKey(_) => {}
            Proposal::GroupContextExtensions(_) => changes_policy = true,
            _ => return Err(RuleBreak::UnexpectedProposal),
        }
    }
    if let Some(leaf) = staged.update_path_leaf_node() {
        if Fingerprint::of_public_key(leaf.signature_key().as_slice()) != *committer_fp {
            return Err(RuleBreak::KeyChanged);
        }
        // The credential and, for an X.509 member, the name and participant its leaf
        // extension carries.
        let same_credential = group
            .members()
            .any(|m| m.index == committer && m.credential == *leaf.credential())
            && leaf_info(leaf) == member_info(group, committer);
        if !same_credential {
            return Err(RuleBreak::CredentialChanged);
        }
    }
    let added: Vec<Fingerprint> = staged
        .add_proposals()
        .map(|add| {
            let key = add.add_proposal().key_package().leaf_node().signature_key();
            Fingerprint::of_public_key(key.as_slice())
        })
        .collect();
    let removed: Vec<(LeafNodeIndex, &Fingerprint)> = staged
        .remove_proposals()
        .map(|remove| {
            let index = remove.remove_proposal().removed();
            leaves
                .get(&index)
                .map(|fp| (index, fp))
                .ok_or(RuleBreak::UnexpectedProposal)
        })
        .collect::<Result<_, _>>()?;
    check_lists(group, staged, &removed, lists)?;
    let is_replacement_add = |fp: &Fingerprint| removed.iter().any(|(_, r)| *r == fp);
    let is_replacement_remove = |fp: &Fingerprint| added.contains(fp);
    let new_adds = added.iter().filter(|fp| !is_replacement_add(fp)).count();
    let removes_of_others: Vec<&(LeafNodeIndex, &Fingerprint)> = removed
        .iter()
        .filter(|(_, fp)| !is_replacement_remove(fp))
        .collect();

    let Some(old) = policy_of(group.extensions()) else {
        // Fail closed: without a policy nobody may add, remove or change anything but
        // re-sync replacements.
        if new_adds > 0 || !removes_of_others.is_empty() || changes_policy {
            return Err(RuleBreak::NoPolicy);
        }
        return Ok(());
    };
    let new = if changes_policy {
        let extension = staged
            .group_context()
            .extensions()
            .unknown(POLICY_EXTENSION_TYPE)
            .ok_or(RuleBreak::MalformedPolicy)?;
        MeetingPolicy::decode(&extension.0).map_err(|_| RuleBreak::MalformedPolicy)?
    } else {
        old.clone()
    };
    let is_chair = old.is_chair(committer_fp);
    if changes_policy {
        let trust_bytes =
            |extensions: &openmls::prelude::Extensions<openmls::prelude::GroupContext>| {
                extensions
                    .unknown(TRUST_EXTENSION_TYPE)
                    .map(|e| e.0.clone())
            };
        if trust_bytes(staged.group_context().extensions()) != trust_bytes(group.extensions()) {
            return Err(RuleBreak::TrustChanged);
        }
    }

    if !is_chair && changes_policy {
        // Only a succession lets a non-chair touch the policy.
        return check_succession(
            &leaves,
            committer,
            &old,
            &new,
            &removed,
            new_adds,
            view,
            &expelled_leaves(group, &removed, lists),
        );
    }
    if !is_chair && !lists.expelled.is_empty() {
        return Err(RuleBreak::ExpelByNonChair);
    }
    if new_adds > 0 {
        if old.locked {
            return Err(RuleBreak::AddWhileLocked);
        }
        if !is_chair && old.admission != super::Admission::AnyoneWithLink {
            return Err(RuleBreak::AddByNonChair);
        }
    }
    if !is_chair && !removes_of_others.is_empty() {
        return Err(RuleBreak::RemoveByNonChair);
    }
    if changes_policy {
        check_new_policy(&leaves, &old, &new, &removed, &added)?;
    }
    Ok(())
}

/// Rule 4 for a chair's policy change: at least one chair, every chair a member after the
/// commit, and a new link only one generation on.
fn check_new_policy(
    leaves: &BTreeMap<LeafNodeIndex, Fingerprint>,
    old: &MeetingPolicy,
    new: &MeetingPolicy,
    removed: &[(LeafNodeIndex, &Fingerprint)],
    added: &[Fingerprint],
) -> Result<(), RuleBreak> {
    if new.chairs.is_empty() {
        return Err(RuleBreak::ChairNotMember);
    }
    let member_after = |fp: &Fingerprint| {
        added.contains(fp)
            || leaves
                .iter()
                .any(|(index, leaf)| leaf == fp && !removed.iter().any(|(r, _)| r == index))
    };
    if !new.chairs.iter().all(member_after) {
        return Err(RuleBreak::ChairNotMember);
    }
    if new.link_generation != old.link_generation
        && Some(new.link_generation) != old.link_generation.checked_add(1)
    {
        return Err(RuleBreak::LinkGeneration);
    }
    Ok(())
}

/// Rule 6: the lists are exactly the participants of the Adds' KeyPackages and of the
/// removed leaves, and the expelled are among the removed.
fn check_lists(
    group: &MlsGroup,
    staged: &StagedCommit,
    removed: &[(LeafNodeIndex, &Fingerprint)],
    lists: &CommitLists,
) -> Result<(), RuleBreak> {
    let added: Option<Vec<ParticipantId>> = staged
        .add_proposals()
        .map(|add| {
            let leaf = add.add_proposal().key_package().leaf_node();
            leaf_info(leaf).participant_id
        })
        .collect();
    let removed: Option<Vec<ParticipantId>> = removed
        .iter()
        .map(|(index, _)| {
            group
                .members()
                .find(|m| m.index == *index)
                .and_then(|m| member_info(group, m.index).participant_id)
        })
        .collect();
    let (Some(added), Some(removed)) = (added, removed) else {
        return Err(RuleBreak::ListsMismatch);
    };
    let does = CommitLists::new(&added, &removed, &lists.expelled);
    let expelled_removed = lists.expelled.iter().all(|p| does.removed.contains(p));
    if does != *lists || !expelled_removed {
        return Err(RuleBreak::ListsMismatch);
    }
    Ok(())
}

/// The leaves of the participants the commit expels (each is a removed leaf: rule 6).
fn expelled_leaves(
    group: &MlsGroup,
    removed: &[(LeafNodeIndex, &Fingerprint)],
    lists: &CommitLists,
) -> BTreeSet<LeafNodeIndex> {
    removed
        .iter()
        .map(|(index, _)| *index)
        .filter(|index| {
            group.members().any(|m| {
                m.index == *index
                    && member_info(group, m.index)
                        .participant_id
                        .is_some_and(|p| lists.expelled.contains(&p))
            })
        })
        .collect()
}

/// Rule 5: every old chair is removed and absent (or a rule-breaker) in our view, every
/// removed member is absent or a rule-breaker, only rule-breakers are expelled, the new
/// chairs are exactly the committer, the lowest present leaf that broke no rule, and
/// nothing else in the policy changed; no Adds but re-sync replacements.
#[allow(clippy::too_many_arguments)]
fn check_succession(
    leaves: &BTreeMap<LeafNodeIndex, Fingerprint>,
    committer: LeafNodeIndex,
    old: &MeetingPolicy,
    new: &MeetingPolicy,
    removed: &[(LeafNodeIndex, &Fingerprint)],
    new_adds: usize,
    view: &MembersView,
    expelled: &BTreeSet<LeafNodeIndex>,
) -> Result<(), RuleBreak> {
    let committer_fp = leaves.get(&committer).ok_or(RuleBreak::NotAMember)?;
    if new.chairs != [committer_fp.clone()] {
        return Err(RuleBreak::PolicyByNonChair);
    }
    let rest_unchanged = new.admission == old.admission
        && new.locked == old.locked
        && new.ended == old.ended
        && new.link_generation == old.link_generation;
    if !rest_unchanged || new_adds > 0 {
        return Err(RuleBreak::PolicyByNonChair);
    }
    for (index, fp) in leaves {
        let removed_here = removed.iter().any(|(r, _)| r == index);
        if old.is_chair(fp) && (!removed_here || view.counts(*index)) {
            // A chair is still there, as far as we see: no succession.
            return Err(RuleBreak::PolicyByNonChair);
        }
    }
    if removed.iter().any(|(index, _)| view.counts(*index)) {
        return Err(RuleBreak::RemoveByNonChair);
    }
    if !expelled.is_subset(&view.rule_breakers) {
        return Err(RuleBreak::ExpelByNonChair);
    }
    let lowest_present = leaves
        .keys()
        .copied()
        .filter(|index| *index == committer || view.counts(*index))
        .min();
    if lowest_present != Some(committer) {
        return Err(RuleBreak::PolicyByNonChair);
    }
    Ok(())
}
