//! What the Delivery Service checks of a commit before it accepts it: the request, why one
//! is refused, and the rules of ordinary commits and of counter-commits (see the module
//! above for what a counter-commit is).

use std::collections::BTreeSet;

use conclave_protocol::{Bytes, ParticipantId};

use super::GroupState;

/// A commit as a member submitted it ([`conclave_protocol::ClientMessage::Commit`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitRequest {
    /// The epoch it was made in.
    pub epoch: u64,
    /// The MLS message, relayed as is.
    pub commit: Bytes,
    /// The Welcome for the added participants, if any.
    pub welcome: Option<Bytes>,
    /// Participants it adds.
    pub added: Vec<ParticipantId>,
    /// Participants it removes.
    pub removed: Vec<ParticipantId>,
    /// Participants it expels (a subset of `removed`; the caller closes their
    /// connections once the commit is relayed).
    pub expelled: Vec<ParticipantId>,
}

/// Why a commit was not accepted; its text is the `reason` of
/// [`conclave_protocol::ServerMessage::CommitRejected`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitRejection {
    /// The room has no group.
    #[error("no group: the room has no MLS group (send start_group)")]
    NoGroup,
    /// The sender is not one of the group's members.
    #[error("not a member: only a member of the room's group may commit")]
    NotAMember,
    /// Another commit for this epoch was accepted first (a commit for an earlier epoch
    /// that expels the one sender of every commit accepted since is a counter-commit,
    /// refused for the reasons below instead).
    #[error("stale epoch: the room is at {current}")]
    StaleEpoch {
        /// The room's epoch.
        current: u64,
    },
    /// The commit names an epoch the group has not reached.
    #[error("future epoch: the room is at {current}")]
    FutureEpoch {
        /// The room's epoch.
        current: u64,
    },
    /// A participant appears twice in `added` or twice in `removed`.
    #[error("participant {0} is listed twice")]
    Duplicate(ParticipantId),
    /// An added participant is not in the room (never was, or left).
    #[error("participant {0} cannot be added: not in the room")]
    AddedNotPresent(ParticipantId),
    /// An added participant is a member already and the commit does not remove it.
    #[error("participant {0} is already a member (remove its old leaf in the same commit)")]
    AddedAlreadyMember(ParticipantId),
    /// A removed participant is not a member.
    #[error("participant {0} cannot be removed: not a member")]
    RemovedNotMember(ParticipantId),
    /// The sender removes itself (RFC 9420 section 12.2: a commit's proposals may not remove
    /// the committer).
    #[error("a commit cannot remove its own sender")]
    RemovesSender,
    /// The group would outgrow the room (members that left still count until a commit
    /// removes them).
    #[error(
        "too many members: the group would have {members}, the room holds {capacity} \
         (remove members that left first)"
    )]
    TooManyMembers {
        /// Members after the commit.
        members: usize,
        /// The room's capacity.
        capacity: usize,
    },
    /// The commit adds participants but carries no Welcome for them.
    #[error("the commit adds participants but carries no welcome")]
    MissingWelcome,
    /// The commit carries a Welcome but adds nobody.
    #[error("the commit carries a welcome but adds nobody")]
    WelcomeWithoutAdded,
    /// An expelled participant is not one the commit removes.
    #[error("participant {0} cannot be expelled: the commit does not remove it")]
    ExpelledNotRemoved(ParticipantId),
    /// An accepted commit expelled the sender.
    #[error("expelled: an accepted commit removed you from the group; you cannot commit")]
    Expelled,
    /// A counter-commit from the sender of the commits it counters.
    #[error(
        "stale epoch: the room is at {current}, and a counter-commit must come from \
         another member than the commits it counters"
    )]
    CounterCommitSameSender {
        /// The room's epoch.
        current: u64,
    },
    /// A counter-commit that carries a Welcome.
    #[error("stale epoch: the room is at {current}, and a counter-commit carries no welcome")]
    CounterCommitWithWelcome {
        /// The room's epoch.
        current: u64,
    },
    /// A counter-commit of a commit that no more than half of the other members present
    /// disputed: they followed it, so it is no rule-breaker's.
    #[error(
        "stale epoch: the room is at {current}, and most members followed the commit this \
         counter-commit counters"
    )]
    CounterCommitUndisputed {
        /// The room's epoch.
        current: u64,
    },
    /// A second counter-commit for the same epoch.
    #[error(
        "stale epoch: the room is at {current}, and a counter-commit for that epoch was \
         accepted already"
    )]
    CounterCommitTaken {
        /// The room's epoch.
        current: u64,
    },
}

/// The rules a counter-commit (a commit for an earlier epoch than the current one) must
/// meet on top of [`check_commit`]'s; returns where the countered commits start in
/// `recent_commits` and the members it applies to (those of before them).
pub(super) fn check_counter_commit(
    group: &GroupState,
    from: ParticipantId,
    present: &[ParticipantId],
    request: &CommitRequest,
) -> Result<(usize, BTreeSet<ParticipantId>), CommitRejection> {
    let current = group.epoch;
    let stale = CommitRejection::StaleEpoch { current };
    let position = group
        .recent_commits
        .iter()
        .position(|recent| recent.epoch == request.epoch)
        .ok_or(stale.clone())?;
    let countered = group.recent_commits.range(position..);
    let first = &group.recent_commits[position];
    // A commit that does not expel the one sender of every commit accepted since its epoch
    // is no counter-commit but a late commit (two members raced; the second rebases).
    let one_sender = countered.clone().all(|recent| recent.from == first.from);
    if !one_sender || !request.expelled.contains(&first.from) {
        return Err(stale);
    }
    if first.from == from {
        return Err(CommitRejection::CounterCommitSameSender { current });
    }
    if request.welcome.is_some() {
        return Err(CommitRejection::CounterCommitWithWelcome { current });
    }
    if first.countered {
        return Err(CommitRejection::CounterCommitTaken { current });
    }
    if !first.members_before.contains(&from) {
        return Err(CommitRejection::NotAMember);
    }
    // The server cannot read the commit: the members who could must have said it broke a
    // rule, more than half of those present besides its sender (the counter-committer's
    // commit is its own dispute).
    let voters: BTreeSet<ParticipantId> = present
        .iter()
        .copied()
        .filter(|p| first.members_before.contains(p) && *p != first.from)
        .collect();
    let disputes = voters
        .iter()
        .filter(|p| **p == from || first.disputed_by.contains(p))
        .count();
    if disputes * 2 <= voters.len() {
        return Err(CommitRejection::CounterCommitUndisputed { current });
    }
    Ok((position, first.members_before.clone()))
}

/// The rules a commit must meet against the members it applies to (see
/// [`CommitRejection`] for each); the sender is one of them and the epoch was checked.
/// Removing a participant an earlier commit expelled is accepted (and changes nothing
/// here): a member's view may still hold its leaf, for example when a counter-commit the
/// server accepted expelled a member that the other clients had not removed.
pub(super) fn check_commit(
    members_before: &BTreeSet<ParticipantId>,
    expelled_before: &BTreeSet<ParticipantId>,
    from: ParticipantId,
    present: &[ParticipantId],
    request: &CommitRequest,
    max_members: usize,
) -> Result<(), CommitRejection> {
    let removed = distinct(&request.removed)?;
    let added = distinct(&request.added)?;
    let expelled = distinct(&request.expelled)?;
    if removed.contains(&from) {
        return Err(CommitRejection::RemovesSender);
    }
    if let Some(&id) = removed
        .iter()
        .find(|id| !members_before.contains(id) && !expelled_before.contains(id))
    {
        return Err(CommitRejection::RemovedNotMember(id));
    }
    if let Some(&id) = expelled.iter().find(|id| !removed.contains(id)) {
        return Err(CommitRejection::ExpelledNotRemoved(id));
    }
    if let Some(&id) = added.iter().find(|id| !present.contains(id)) {
        return Err(CommitRejection::AddedNotPresent(id));
    }
    if let Some(&id) = added
        .iter()
        .find(|id| members_before.contains(id) && !removed.contains(id))
    {
        return Err(CommitRejection::AddedAlreadyMember(id));
    }
    // No underflow: only the removed that are members are counted.
    let removed_members = removed.intersection(members_before).count();
    let members = members_before.len() - removed_members + added.len();
    if members > max_members {
        return Err(CommitRejection::TooManyMembers {
            members,
            capacity: max_members,
        });
    }
    match (added.is_empty(), request.welcome.is_some()) {
        (false, false) => Err(CommitRejection::MissingWelcome),
        (true, true) => Err(CommitRejection::WelcomeWithoutAdded),
        _ => Ok(()),
    }
}

/// The ids as a set, refusing duplicates.
fn distinct(ids: &[ParticipantId]) -> Result<BTreeSet<ParticipantId>, CommitRejection> {
    let mut set = BTreeSet::new();
    for &id in ids {
        if !set.insert(id) {
            return Err(CommitRejection::Duplicate(id));
        }
    }
    Ok(set)
}
