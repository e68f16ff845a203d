//! The MLS Delivery Service of one room: the total order of handshake messages.
//!
//! MLS (RFC 9420 section 14, "Sequencing of State Changes") needs every member to apply
//! the same Commit for each epoch. This module is that sequencer for a room: it accepts a
//! Commit only if it was made in the group's current epoch (the first one wins, later
//! ones are rejected so their senders rebase), relays KeyPackages to the members, routes
//! each Welcome to the participants the accepted Commit added, and forgets the group
//! when no member is present any more.
//!
//! Every member's client checks each commit against the meeting's policy and ignores one
//! that breaks it; the server cannot tell (it never reads the MLS bytes). So that the
//! honest members can route around a commit they all ignored, the server also accepts one
//! counter-commit for the epoch just before the current one: it carries no Welcome,
//! comes from another member than the commit accepted for that epoch, and expels that
//! commit's sender. The room's epoch stays where it is (both branches reach the same
//! number) and the server's bookkeeping follows the counter-commit: the members are those
//! of before the countered commit, less the ones the counter-commit removes. A commit
//! names the participants it `expelled` (a chair's Remove, or the countered sender);
//! their commits are refused from then on, and the caller closes their connections.
//!
//! It also relays a member's answer to a knock (`answer_knock`) to the knocker and the
//! members, and says who may end the meeting (a member).
//!
//! It also passes on the group's join challenge: after each epoch change a member sets
//! the challenge of the new epoch (an MLS exporter value joiners make their invite proofs
//! over, so that a proof cannot be replayed later). The first one set for the room's
//! current epoch is kept and relayed to everyone else present; one for an epoch the room
//! has left is ignored (a later commit came first), anything else is refused and changes
//! nothing. The server cannot make a challenge members accept: each member checks proofs
//! against the challenges it derived itself. And it answers a member's query of the
//! group's status (a member that sees media of a newer epoch asks before it re-syncs).
//!
//! It never parses the MLS bytes and stores nothing secret: it keeps the epoch number,
//! the set of participants the accepted commits say are members (as the committers
//! declared them, unverified), the participants they expelled, the latest join challenge
//! (public) and, for a counter-commit, who sent the last accepted commit and the members
//! and challenge from before it. Nothing else is stored after it is relayed. Plain data with no
//! IO and no clock: the caller passes the present participants and the time, and
//! carries out the returned [`Routed`] messages in order.

use std::collections::{BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use conclave_protocol::{
    Bytes, GroupStatus, JoinChallenge, KnockAnswer, ParticipantId, ServerMessage,
    JOIN_CHALLENGE_BYTES,
};

use crate::error::Error;

/// Most KeyPackages one participant may publish per [`KEY_PACKAGE_WINDOW`].
pub const KEY_PACKAGES_PER_WINDOW: usize = 10;

/// The sliding window of the KeyPackage rate limit.
pub const KEY_PACKAGE_WINDOW: Duration = Duration::from_secs(60);

/// A message for one participant, addressed by id (the room maps ids to queues and skips
/// ids no longer present).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routed {
    /// The recipient.
    pub to: ParticipantId,
    /// What to send.
    pub message: ServerMessage,
}

/// What the server knows of a room's MLS group: routing facts only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupState {
    /// The group's current epoch (0 when started, +1 per accepted commit).
    epoch: u64,
    /// Participants the accepted commits say are members; never empty while the group
    /// exists, and every one is a participant the room has seen (so bounded by the ids
    /// handed out, and by the room's capacity when all are present).
    members: BTreeSet<ParticipantId>,
    /// The latest join challenge a member set: of the current epoch, or of an earlier one
    /// until a member sets the current one (joiners' proofs over it are still accepted
    /// for a few epochs). [`JOIN_CHALLENGE_BYTES`] long.
    join_challenge: Option<JoinChallenge>,
    /// Participants an accepted commit expelled: their commits are refused. Each was a
    /// member, so bounded like `members` (ids are never reused).
    expelled: BTreeSet<ParticipantId>,
    /// The commit accepted for the epoch before `epoch`, for a counter-commit; `None` at
    /// epoch 0.
    last_commit: Option<LastCommit>,
}

/// What a counter-commit needs of the commit accepted for the epoch before the current
/// one: its sender, and the group as it was before it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LastCommit {
    /// Who sent it.
    from: ParticipantId,
    /// The members before it.
    members_before: BTreeSet<ParticipantId>,
    /// The join challenge before it.
    join_challenge_before: Option<JoinChallenge>,
    /// A counter-commit for that epoch was accepted already (one is).
    countered: bool,
}

impl GroupState {
    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The members, in id order.
    pub fn members(&self) -> &BTreeSet<ParticipantId> {
        &self.members
    }

    /// Whether an accepted commit expelled `participant`.
    pub fn expelled(&self, participant: ParticipantId) -> bool {
        self.expelled.contains(&participant)
    }
}

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
/// [`ServerMessage::CommitRejected`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitRejection {
    /// The room has no group.
    #[error("no group: the room has no MLS group (send start_group)")]
    NoGroup,
    /// The sender is not one of the group's members.
    #[error("not a member: only a member of the room's group may commit")]
    NotAMember,
    /// Another commit for this epoch was accepted first (a commit for the epoch just
    /// before the current one that expels the sender of the commit accepted for it is a
    /// counter-commit, refused for the reasons below instead).
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
    /// A commit for the epoch before the current one from the sender of the commit
    /// accepted for it.
    #[error(
        "stale epoch: the room is at {current}, and a counter-commit for the epoch before \
         must come from another member than the commit accepted for it"
    )]
    CounterCommitSameSender {
        /// The room's epoch.
        current: u64,
    },
    /// A commit for the epoch before the current one that carries a Welcome.
    #[error(
        "stale epoch: the room is at {current}, and a counter-commit for the epoch before \
         carries no welcome"
    )]
    CounterCommitWithWelcome {
        /// The room's epoch.
        current: u64,
    },
    /// A second counter-commit for the same epoch.
    #[error(
        "stale epoch: the room is at {current}, and a counter-commit for the epoch before \
         was accepted already"
    )]
    CounterCommitTaken {
        /// The room's epoch.
        current: u64,
    },
}

/// Why a join challenge was refused (answered with `error invalid_join_challenge`, this
/// text as its message). A refused challenge changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JoinChallengeRejection {
    /// The room has no group.
    #[error("the room has no MLS group (send start_group)")]
    NoGroup,
    /// The sender is not one of the group's members.
    #[error("only a member of the room's group may set its join challenge")]
    NotAMember,
    /// The challenge is not [`JOIN_CHALLENGE_BYTES`] long.
    #[error("a join challenge is {JOIN_CHALLENGE_BYTES} bytes, this one is {0}")]
    WrongLength(usize),
    /// The challenge names an epoch the group has not reached.
    #[error("the join challenge is for epoch {epoch}, the room is at {current}")]
    FutureEpoch {
        /// The epoch the challenge names.
        epoch: u64,
        /// The room's epoch.
        current: u64,
    },
}

/// The delivery service of one room. `present` arguments list the participants in the
/// room, in join order (that is the order of broadcasts).
#[derive(Clone, Debug)]
pub struct DeliveryService {
    group: Option<GroupState>,
    /// Most members the group may have: the room's capacity.
    max_members: usize,
}

impl DeliveryService {
    /// No group yet; the group may grow to `max_members` (the room's capacity).
    pub fn new(max_members: usize) -> Self {
        Self {
            group: None,
            max_members,
        }
    }

    /// The group, if one exists.
    pub fn group(&self) -> Option<&GroupState> {
        self.group.as_ref()
    }

    /// The group as `joined` reports it.
    pub fn status(&self) -> GroupStatus {
        match &self.group {
            Some(group) => GroupStatus {
                epoch: Some(group.epoch),
                members: group.members.iter().copied().collect(),
                join_challenge: group.join_challenge.clone(),
            },
            None => GroupStatus::default(),
        }
    }

    /// `start_group` from `sender`: the group starts at epoch 0 with `sender` as its only
    /// member, and everyone present hears of it. Refused while a group exists.
    pub fn start_group(
        &mut self,
        sender: ParticipantId,
        present: &[ParticipantId],
    ) -> Result<Vec<Routed>, Error> {
        if self.group.is_some() {
            return Err(Error::GroupExists);
        }
        self.group = Some(GroupState {
            epoch: 0,
            members: BTreeSet::from([sender]),
            join_challenge: None,
            expelled: BTreeSet::new(),
            last_commit: None,
        });
        Ok(present
            .iter()
            .map(|&to| Routed {
                to,
                message: ServerMessage::GroupStarted { by: sender },
            })
            .collect())
    }

    /// `publish_key_package` from `from`: relayed to every member present but the sender
    /// (a member may publish too: it re-syncs after losing its state). The caller applies
    /// the rate limit ([`KeyPackageBudget`]) first.
    pub fn relay_key_package(
        &self,
        from: ParticipantId,
        present: &[ParticipantId],
        key_package: Bytes,
        invite_proof: Bytes,
    ) -> Result<Vec<Routed>, Error> {
        let group = self.group.as_ref().ok_or(Error::NoGroup)?;
        Ok(present
            .iter()
            .filter(|&&to| to != from && group.members.contains(&to))
            .map(|&to| Routed {
                to,
                message: ServerMessage::KeyPackage {
                    from,
                    key_package: key_package.clone(),
                    invite_proof: invite_proof.clone(),
                },
            })
            .collect())
    }

    /// `set_join_challenge` from `from`: kept and relayed to everyone present but the
    /// sender if it is the first for the room's current epoch; ignored (nothing relayed)
    /// if it is for an epoch the room has left or repeats the current one; refused, with
    /// nothing changed, if it is of the wrong length, for a later epoch, from a
    /// non-member or while there is no group.
    pub fn set_join_challenge(
        &mut self,
        from: ParticipantId,
        present: &[ParticipantId],
        challenge: JoinChallenge,
    ) -> Result<Vec<Routed>, JoinChallengeRejection> {
        let group = self.group.as_mut().ok_or(JoinChallengeRejection::NoGroup)?;
        if !group.members.contains(&from) {
            return Err(JoinChallengeRejection::NotAMember);
        }
        if challenge.challenge.0.len() != JOIN_CHALLENGE_BYTES {
            return Err(JoinChallengeRejection::WrongLength(
                challenge.challenge.0.len(),
            ));
        }
        if challenge.epoch > group.epoch {
            return Err(JoinChallengeRejection::FutureEpoch {
                epoch: challenge.epoch,
                current: group.epoch,
            });
        }
        let already_set = group
            .join_challenge
            .as_ref()
            .is_some_and(|held| held.epoch == group.epoch);
        if challenge.epoch < group.epoch || already_set {
            return Ok(Vec::new());
        }
        group.join_challenge = Some(challenge.clone());
        Ok(present
            .iter()
            .filter(|&&to| to != from)
            .map(|&to| Routed {
                to,
                message: ServerMessage::JoinChallenge(challenge.clone()),
            })
            .collect())
    }

    /// `commit` from `from`. A commit for the room's current epoch, if accepted, moves
    /// the group to the next epoch; a counter-commit for the epoch before (see the module
    /// documentation) leaves the epoch as it is and puts the members back as they were
    /// before the commit it counters, less those it removes. Either way the result holds,
    /// in order: the commit for every present participant that was a member before it
    /// (the sender and removed ones included), then the Welcome for each added
    /// participant. The caller closes the connections of the participants in
    /// `request.expelled` after delivering these. A rejected commit changes nothing.
    pub fn commit(
        &mut self,
        from: ParticipantId,
        present: &[ParticipantId],
        request: CommitRequest,
    ) -> Result<Vec<Routed>, CommitRejection> {
        let group = self.group.as_mut().ok_or(CommitRejection::NoGroup)?;
        if group.expelled.contains(&from) {
            return Err(CommitRejection::Expelled);
        }
        let counter = request.epoch.checked_add(1) == Some(group.epoch);
        let members_before = if counter {
            check_counter_commit(group, from, &request)?
        } else {
            if !group.members.contains(&from) {
                return Err(CommitRejection::NotAMember);
            }
            if request.epoch < group.epoch {
                return Err(CommitRejection::StaleEpoch {
                    current: group.epoch,
                });
            }
            if request.epoch > group.epoch {
                return Err(CommitRejection::FutureEpoch {
                    current: group.epoch,
                });
            }
            group.members.clone()
        };
        check_commit(
            &members_before,
            &group.expelled,
            from,
            present,
            &request,
            self.max_members,
        )?;
        let CommitRequest {
            epoch,
            commit,
            welcome,
            added,
            removed,
            expelled,
        } = request;

        let mut routed: Vec<Routed> = present
            .iter()
            .filter(|to| members_before.contains(to))
            .map(|&to| Routed {
                to,
                message: ServerMessage::Commit {
                    from,
                    epoch,
                    commit: commit.clone(),
                    added: added.clone(),
                    removed: removed.clone(),
                    expelled: expelled.clone(),
                },
            })
            .collect();
        let mut members = members_before;
        for id in &removed {
            members.remove(id);
        }
        members.extend(added.iter().copied());
        group.expelled.extend(expelled.iter().copied());
        if counter {
            // Checked by `check_counter_commit`: the last commit is there.
            if let Some(last) = group.last_commit.as_mut() {
                last.countered = true;
                group.join_challenge = last.join_challenge_before.clone();
            }
        } else {
            group.last_commit = Some(LastCommit {
                from,
                members_before: std::mem::take(&mut group.members),
                join_challenge_before: group.join_challenge.clone(),
                countered: false,
            });
            group.epoch = epoch.saturating_add(1);
        }
        group.members = members;
        if let Some(welcome) = welcome {
            routed.extend(added.iter().map(|&to| Routed {
                to,
                message: ServerMessage::Welcome {
                    from,
                    epoch: group.epoch,
                    welcome: welcome.clone(),
                },
            }));
        }
        Ok(routed)
    }

    /// `answer_knock` from `from` to `to`: relayed as `knock_answered` to `to` and every
    /// member present (the sender included), in join order. Refused, with nothing sent,
    /// if the sender is no member (or there is no group), if `to` is not present, or if
    /// `to` is a member (not a knocker).
    pub fn answer_knock(
        &self,
        from: ParticipantId,
        to: ParticipantId,
        answer: KnockAnswer,
        present: &[ParticipantId],
    ) -> Result<Vec<Routed>, Error> {
        let group = self
            .group
            .as_ref()
            .filter(|group| group.members.contains(&from))
            .ok_or(Error::NotAMember("answer_knock"))?;
        if !present.contains(&to) {
            return Err(Error::UnknownParticipant);
        }
        if group.members.contains(&to) {
            return Err(Error::NotKnocking(to));
        }
        Ok(present
            .iter()
            .filter(|id| **id == to || group.members.contains(id))
            .map(|&id| Routed {
                to: id,
                message: ServerMessage::KnockAnswered { from, to, answer },
            })
            .collect())
    }

    /// Whether `from` may end the meeting: a member of the room's group.
    pub fn may_end_meeting(&self, from: ParticipantId) -> Result<(), Error> {
        match &self.group {
            Some(group) if group.members.contains(&from) => Ok(()),
            _ => Err(Error::NotAMember("end_meeting")),
        }
    }

    /// Someone left; `present` are those still in the room. If no present participant
    /// is a member any more, the group is gone and the others are told (`group_ended`),
    /// so that one of them starts a new one. The server never removes a member itself:
    /// the remaining members commit the removal.
    pub fn participant_left(&mut self, present: &[ParticipantId]) -> Vec<Routed> {
        let Some(group) = &self.group else {
            return Vec::new();
        };
        if present.iter().any(|id| group.members.contains(id)) {
            return Vec::new();
        }
        self.group = None;
        present
            .iter()
            .map(|&to| Routed {
                to,
                message: ServerMessage::GroupEnded,
            })
            .collect()
    }
}

/// The rules a counter-commit (a commit for the epoch just before the current one) must
/// meet on top of [`check_commit`]'s; returns the members it applies to (those of before
/// the commit it counters).
fn check_counter_commit(
    group: &GroupState,
    from: ParticipantId,
    request: &CommitRequest,
) -> Result<BTreeSet<ParticipantId>, CommitRejection> {
    let current = group.epoch;
    // A commit that does not expel the sender of the one accepted for its epoch is no
    // counter-commit but a late commit (two members raced; the second rebases).
    let last = group
        .last_commit
        .as_ref()
        .filter(|last| request.expelled.contains(&last.from))
        .ok_or(CommitRejection::StaleEpoch { current })?;
    if last.from == from {
        return Err(CommitRejection::CounterCommitSameSender { current });
    }
    if request.welcome.is_some() {
        return Err(CommitRejection::CounterCommitWithWelcome { current });
    }
    if last.countered {
        return Err(CommitRejection::CounterCommitTaken { current });
    }
    if !last.members_before.contains(&from) {
        return Err(CommitRejection::NotAMember);
    }
    Ok(last.members_before.clone())
}

/// The rules a commit must meet against the members it applies to (see
/// [`CommitRejection`] for each); the sender is one of them and the epoch was checked.
/// Removing a participant an earlier commit expelled is accepted (and changes nothing
/// here): a member's view may still hold its leaf, for example when a counter-commit the
/// server accepted expelled a member that the other clients had not removed.
fn check_commit(
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

/// One participant's KeyPackage rate limit: at most [`KEY_PACKAGES_PER_WINDOW`] in any
/// [`KEY_PACKAGE_WINDOW`]. Holds at most that many instants.
#[derive(Clone, Debug, Default)]
pub struct KeyPackageBudget {
    /// When the recent publications were accepted, oldest first.
    recent: VecDeque<Instant>,
}

impl KeyPackageBudget {
    /// Counts one publication at `now`, or refuses it if the window is full.
    pub fn spend(&mut self, now: Instant) -> Result<(), Error> {
        while let Some(&oldest) = self.recent.front() {
            if now.saturating_duration_since(oldest) >= KEY_PACKAGE_WINDOW {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        if self.recent.len() >= KEY_PACKAGES_PER_WINDOW {
            return Err(Error::KeyPackageRateLimited);
        }
        self.recent.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: ParticipantId = ParticipantId(1);
    const BOB: ParticipantId = ParticipantId(2);
    const CY: ParticipantId = ParticipantId(3);
    const DEE: ParticipantId = ParticipantId(4);
    const CAPACITY: usize = 6;

    fn bytes(text: &str) -> Bytes {
        Bytes(text.as_bytes().to_vec())
    }

    fn request(epoch: u64, added: &[ParticipantId], removed: &[ParticipantId]) -> CommitRequest {
        CommitRequest {
            epoch,
            commit: bytes("commit"),
            welcome: (!added.is_empty()).then(|| bytes("welcome")),
            added: added.to_vec(),
            removed: removed.to_vec(),
            expelled: Vec::new(),
        }
    }

    fn recipients(routed: &[Routed]) -> Vec<ParticipantId> {
        routed.iter().map(|r| r.to).collect()
    }

    /// A group of Ada (started) and Bob (added at epoch 0), with Cy present outside it.
    fn ada_and_bob() -> DeliveryService {
        let mut ds = DeliveryService::new(CAPACITY);
        ds.start_group(ADA, &[ADA, BOB, CY]).unwrap();
        ds.commit(ADA, &[ADA, BOB, CY], request(0, &[BOB], &[]))
            .unwrap();
        ds
    }

    #[test]
    fn the_first_start_group_wins_and_everyone_hears_of_it() {
        let mut ds = DeliveryService::new(CAPACITY);
        assert_eq!(ds.status(), GroupStatus::default());
        let routed = ds.start_group(BOB, &[ADA, BOB]).unwrap();
        assert_eq!(recipients(&routed), vec![ADA, BOB]);
        assert!(routed
            .iter()
            .all(|r| r.message == ServerMessage::GroupStarted { by: BOB }));
        assert!(matches!(
            ds.start_group(ADA, &[ADA, BOB]),
            Err(Error::GroupExists)
        ));
        assert_eq!(
            ds.status(),
            GroupStatus {
                epoch: Some(0),
                members: vec![BOB],
                join_challenge: None,
            }
        );
    }

    #[test]
    fn key_packages_go_to_present_members_but_not_back() {
        let ds = DeliveryService::new(CAPACITY);
        assert!(matches!(
            ds.relay_key_package(BOB, &[ADA, BOB], bytes("kp"), bytes("proof")),
            Err(Error::NoGroup)
        ));
        let ds = ada_and_bob();
        let routed = ds
            .relay_key_package(DEE, &[ADA, BOB, CY, DEE], bytes("kp"), bytes("proof"))
            .unwrap();
        assert_eq!(recipients(&routed), vec![ADA, BOB]);
        assert_eq!(
            routed[0].message,
            ServerMessage::KeyPackage {
                from: DEE,
                key_package: bytes("kp"),
                invite_proof: bytes("proof")
            }
        );
        // A member re-syncing publishes too; it does not get its own back.
        let routed = ds
            .relay_key_package(BOB, &[ADA, BOB, CY], bytes("kp"), bytes("proof"))
            .unwrap();
        assert_eq!(recipients(&routed), vec![ADA]);
    }

    #[test]
    fn an_accepted_commit_goes_to_the_old_members_and_the_welcome_to_the_added() {
        let mut ds = DeliveryService::new(CAPACITY);
        ds.start_group(ADA, &[ADA, BOB]).unwrap();
        let routed = ds
            .commit(ADA, &[ADA, BOB], request(0, &[BOB], &[]))
            .unwrap();
        assert_eq!(
            routed,
            vec![
                Routed {
                    to: ADA,
                    message: ServerMessage::Commit {
                        from: ADA,
                        epoch: 0,
                        commit: bytes("commit"),
                        added: vec![BOB],
                        removed: vec![],
                        expelled: vec![],
                    }
                },
                Routed {
                    to: BOB,
                    message: ServerMessage::Welcome {
                        from: ADA,
                        epoch: 1,
                        welcome: bytes("welcome"),
                    }
                },
            ]
        );
        assert_eq!(
            ds.status(),
            GroupStatus {
                epoch: Some(1),
                members: vec![ADA, BOB],
                join_challenge: None,
            }
        );
    }

    #[test]
    fn the_first_commit_of_an_epoch_wins() {
        let mut ds = ada_and_bob();
        let present = [ADA, BOB, CY];
        ds.commit(BOB, &present, request(1, &[CY], &[])).unwrap();
        assert_eq!(
            ds.commit(ADA, &present, request(1, &[CY], &[])),
            Err(CommitRejection::StaleEpoch { current: 2 })
        );
        assert_eq!(
            ds.commit(ADA, &present, request(5, &[], &[])),
            Err(CommitRejection::FutureEpoch { current: 2 })
        );
        assert_eq!(ds.group().map(GroupState::epoch), Some(2));
    }

    #[test]
    fn removed_members_still_get_the_commit_that_removes_them() {
        let mut ds = ada_and_bob();
        let routed = ds
            .commit(ADA, &[ADA, BOB], request(1, &[], &[BOB]))
            .unwrap();
        assert_eq!(recipients(&routed), vec![ADA, BOB]);
        assert_eq!(ds.status().members, vec![ADA]);
        // Absent members are removed too (they left; the server never removes anyone).
        let mut ds = ada_and_bob();
        let routed = ds.commit(ADA, &[ADA, CY], request(1, &[], &[BOB])).unwrap();
        assert_eq!(recipients(&routed), vec![ADA]);
    }

    #[test]
    fn a_re_syncing_member_is_removed_and_added_in_one_commit() {
        let mut ds = ada_and_bob();
        let routed = ds
            .commit(ADA, &[ADA, BOB], request(1, &[BOB], &[BOB]))
            .unwrap();
        assert_eq!(recipients(&routed), vec![ADA, BOB, BOB]);
        assert!(matches!(
            routed[2].message,
            ServerMessage::Welcome { epoch: 2, .. }
        ));
        assert_eq!(ds.status().members, vec![ADA, BOB]);
    }

    #[test]
    fn inconsistent_commits_are_rejected_and_change_nothing() {
        let present = [ADA, BOB, CY];
        let cases = [
            (CY, request(1, &[], &[]), CommitRejection::NotAMember),
            (
                ADA,
                request(1, &[DEE], &[]),
                CommitRejection::AddedNotPresent(DEE),
            ),
            (
                ADA,
                request(1, &[BOB], &[]),
                CommitRejection::AddedAlreadyMember(BOB),
            ),
            (
                ADA,
                request(1, &[], &[CY]),
                CommitRejection::RemovedNotMember(CY),
            ),
            (ADA, request(1, &[], &[ADA]), CommitRejection::RemovesSender),
            (
                ADA,
                request(1, &[CY, CY], &[]),
                CommitRejection::Duplicate(CY),
            ),
            (
                ADA,
                request(1, &[], &[BOB, BOB]),
                CommitRejection::Duplicate(BOB),
            ),
            (
                ADA,
                CommitRequest {
                    welcome: None,
                    ..request(1, &[CY], &[])
                },
                CommitRejection::MissingWelcome,
            ),
            (
                ADA,
                CommitRequest {
                    welcome: Some(bytes("welcome")),
                    ..request(1, &[], &[])
                },
                CommitRejection::WelcomeWithoutAdded,
            ),
        ];
        for (from, request, expected) in cases {
            let mut ds = ada_and_bob();
            let before = ds.status();
            assert_eq!(ds.commit(from, &present, request), Err(expected));
            assert_eq!(ds.status(), before);
        }
        let mut ds = DeliveryService::new(CAPACITY);
        assert_eq!(
            ds.commit(ADA, &present, request(0, &[], &[])),
            Err(CommitRejection::NoGroup)
        );
    }

    #[test]
    fn the_group_never_outgrows_the_room() {
        let mut ds = DeliveryService::new(2);
        ds.start_group(ADA, &[ADA, BOB]).unwrap();
        ds.commit(ADA, &[ADA, BOB], request(0, &[BOB], &[]))
            .unwrap();
        // Bob left (still a member); Cy took his place in the full room.
        assert_eq!(
            ds.commit(ADA, &[ADA, CY], request(1, &[CY], &[])),
            Err(CommitRejection::TooManyMembers {
                members: 3,
                capacity: 2
            })
        );
        // Removing Bob in the same commit fits.
        ds.commit(ADA, &[ADA, CY], request(1, &[CY], &[BOB]))
            .unwrap();
        assert_eq!(ds.status().members, vec![ADA, CY]);
    }

    #[test]
    fn the_group_ends_when_no_member_is_present() {
        let mut ds = ada_and_bob();
        // Bob left: Ada is still a member, so the group stays (Ada commits Bob's removal).
        assert!(ds.participant_left(&[ADA, CY]).is_empty());
        assert_eq!(ds.status().members, vec![ADA, BOB]);
        // Ada left too: only Cy, who is no member, remains.
        let routed = ds.participant_left(&[CY]);
        assert_eq!(
            routed,
            vec![Routed {
                to: CY,
                message: ServerMessage::GroupEnded
            }]
        );
        assert_eq!(ds.group(), None);
        // And nothing more is said when the room empties.
        assert!(ds.participant_left(&[]).is_empty());
    }

    /// A commit in `epoch` removing and expelling `expelled`.
    fn expelling(epoch: u64, expelled: &[ParticipantId]) -> CommitRequest {
        CommitRequest {
            expelled: expelled.to_vec(),
            ..request(epoch, &[], expelled)
        }
    }

    /// Ada, Bob and Cy are members at epoch 2; Dee is present outside the group.
    fn ada_bob_and_cy() -> DeliveryService {
        let mut ds = ada_and_bob();
        ds.commit(ADA, &[ADA, BOB, CY, DEE], request(1, &[CY], &[]))
            .unwrap();
        ds
    }

    #[test]
    fn an_expelled_member_gets_the_commit_and_can_commit_no_more() {
        let mut ds = ada_bob_and_cy();
        let present = [ADA, BOB, CY, DEE];
        let routed = ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
        assert_eq!(recipients(&routed), vec![ADA, BOB, CY]);
        assert!(matches!(
            &routed[2].message,
            ServerMessage::Commit { expelled, .. } if expelled == &[CY]
        ));
        assert_eq!(ds.status().members, vec![ADA, BOB]);
        assert_eq!(
            ds.commit(CY, &present, request(3, &[], &[])),
            Err(CommitRejection::Expelled)
        );
        // Not even a counter-commit of the commit that expelled it.
        assert_eq!(
            ds.commit(CY, &present, expelling(2, &[ADA])),
            Err(CommitRejection::Expelled)
        );
        // Only a member the commit removes can be expelled.
        let before = ds.status();
        assert_eq!(
            ds.commit(
                ADA,
                &present,
                CommitRequest {
                    expelled: vec![BOB],
                    ..request(3, &[], &[])
                }
            ),
            Err(CommitRejection::ExpelledNotRemoved(BOB))
        );
        assert_eq!(ds.status(), before);
    }

    #[test]
    fn a_member_may_still_remove_a_participant_expelled_before() {
        let mut ds = ada_bob_and_cy();
        let present = [ADA, BOB, CY, DEE];
        ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
        // Bob's view still holds Cy's leaf (say the expulsion came in a counter-commit):
        // his Remove of it goes through and changes nothing in the bookkeeping.
        ds.commit(BOB, &present, expelling(3, &[CY])).unwrap();
        assert_eq!(ds.status().members, vec![ADA, BOB]);
        // A participant that never was a member still cannot be removed.
        assert_eq!(
            ds.commit(ADA, &present, request(4, &[], &[DEE])),
            Err(CommitRejection::RemovedNotMember(DEE))
        );
    }

    #[test]
    fn one_counter_commit_routes_around_an_ignored_commit() {
        let mut ds = ada_bob_and_cy();
        let present = [ADA, BOB, CY, DEE];
        ds.set_join_challenge(ADA, &present, challenge(2, 2))
            .unwrap();
        // Cy (no chair, the clients say) adds Dee and removes Bob: every honest client
        // ignores it, but the server cannot tell.
        let rogue = ds.commit(CY, &present, request(2, &[DEE], &[BOB])).unwrap();
        assert_eq!(recipients(&rogue), vec![ADA, BOB, CY, DEE]);
        ds.set_join_challenge(DEE, &present, challenge(3, 6))
            .unwrap();
        assert_eq!(ds.status().members, vec![ADA, CY, DEE]);
        // Ada counters for epoch 2, expelling Cy: relayed to the members of before the
        // rogue commit; the epoch stays 3, and the members are Ada and Bob.
        let counter = ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
        assert_eq!(recipients(&counter), vec![ADA, BOB, CY]);
        assert_eq!(
            ds.status(),
            GroupStatus {
                epoch: Some(3),
                members: vec![ADA, BOB],
                join_challenge: Some(challenge(2, 2)),
            }
        );
        // The honest members go on from epoch 3.
        ds.set_join_challenge(BOB, &present, challenge(3, 3))
            .unwrap();
        assert_eq!(ds.status().join_challenge, Some(challenge(3, 3)));
        ds.commit(BOB, &present, request(3, &[], &[])).unwrap();
        assert_eq!(ds.group().map(GroupState::epoch), Some(4));
    }

    #[test]
    fn a_counter_commit_is_refused_unless_it_follows_every_rule() {
        let present = [ADA, BOB, CY, DEE];
        let with_welcome = CommitRequest {
            welcome: Some(bytes("welcome")),
            ..expelling(2, &[CY])
        };
        let cases = [
            // From the sender of the commit it counters (another late commit of its own).
            (
                CY,
                expelling(2, &[ADA]),
                CommitRejection::StaleEpoch { current: 3 },
            ),
            (
                CY,
                expelling(2, &[CY]),
                CommitRejection::CounterCommitSameSender { current: 3 },
            ),
            // With a Welcome.
            (
                ADA,
                with_welcome,
                CommitRejection::CounterCommitWithWelcome { current: 3 },
            ),
            // Without expelling the countered sender (a plain late commit).
            (
                ADA,
                request(2, &[], &[]),
                CommitRejection::StaleEpoch { current: 3 },
            ),
            // Two epochs behind.
            (
                ADA,
                expelling(1, &[CY]),
                CommitRejection::StaleEpoch { current: 3 },
            ),
            // From someone the countered commit added (no member before it).
            (DEE, expelling(2, &[CY]), CommitRejection::NotAMember),
        ];
        for (from, request, expected) in cases {
            let mut ds = ada_bob_and_cy();
            ds.commit(CY, &present, super::tests::request(2, &[DEE], &[]))
                .unwrap();
            let before = ds.status();
            assert_eq!(ds.commit(from, &present, request), Err(expected));
            assert_eq!(ds.status(), before, "nothing changed");
        }
        // Only one counter-commit per epoch.
        let mut ds = ada_bob_and_cy();
        ds.commit(CY, &present, request(2, &[DEE], &[])).unwrap();
        ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
        let before = ds.status();
        assert_eq!(
            ds.commit(BOB, &present, expelling(2, &[CY])),
            Err(CommitRejection::CounterCommitTaken { current: 3 })
        );
        assert_eq!(
            ds.commit(BOB, &present, expelling(2, &[DEE])),
            Err(CommitRejection::StaleEpoch { current: 3 })
        );
        assert_eq!(ds.status(), before);
        // No commit to counter at epoch 0.
        let mut ds = DeliveryService::new(CAPACITY);
        ds.start_group(ADA, &[ADA]).unwrap();
        assert_eq!(
            ds.commit(ADA, &[ADA], request(u64::MAX, &[], &[])),
            Err(CommitRejection::FutureEpoch { current: 0 })
        );
    }

    #[test]
    fn a_knock_answer_goes_from_a_member_to_the_knocker_and_the_members() {
        let ds = ada_and_bob();
        let present = [ADA, BOB, CY];
        let routed = ds
            .answer_knock(BOB, CY, KnockAnswer::Denied, &present)
            .unwrap();
        assert_eq!(recipients(&routed), vec![ADA, BOB, CY]);
        assert!(routed.iter().all(|r| r.message
            == ServerMessage::KnockAnswered {
                from: BOB,
                to: CY,
                answer: KnockAnswer::Denied
            }));
        assert!(matches!(
            ds.answer_knock(CY, ADA, KnockAnswer::Locked, &present),
            Err(Error::NotAMember(_))
        ));
        assert!(matches!(
            ds.answer_knock(ADA, BOB, KnockAnswer::Locked, &present),
            Err(Error::NotKnocking(BOB))
        ));
        assert!(matches!(
            ds.answer_knock(ADA, DEE, KnockAnswer::Locked, &present),
            Err(Error::UnknownParticipant)
        ));
        assert!(matches!(
            DeliveryService::new(CAPACITY).answer_knock(ADA, BOB, KnockAnswer::Denied, &present),
            Err(Error::NotAMember(_))
        ));
        assert!(ds.may_end_meeting(BOB).is_ok());
        assert!(matches!(ds.may_end_meeting(CY), Err(Error::NotAMember(_))));
    }

    fn challenge(epoch: u64, fill: u8) -> JoinChallenge {
        JoinChallenge {
            epoch,
            challenge: Bytes(vec![fill; JOIN_CHALLENGE_BYTES]),
        }
    }

    #[test]
    fn a_join_challenge_is_kept_only_for_the_current_epoch_and_relayed_once() {
        let mut ds = ada_and_bob();
        let present = [ADA, BOB, CY];
        // Epoch 1: Ada sets its challenge; Bob and Cy (joining) hear it, Ada does not.
        let routed = ds
            .set_join_challenge(ADA, &present, challenge(1, 1))
            .unwrap();
        assert_eq!(recipients(&routed), vec![BOB, CY]);
        assert_eq!(
            routed[1].message,
            ServerMessage::JoinChallenge(challenge(1, 1))
        );
        assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
        // The first for an epoch stays: a repeat (or another member's) is ignored.
        assert_eq!(
            ds.set_join_challenge(BOB, &present, challenge(1, 9)),
            Ok(vec![])
        );
        assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
        // A commit moves the room on; the old challenge is still what joiners get until
        // the new epoch's is set, and a late one for the old epoch is ignored.
        ds.commit(ADA, &present, request(1, &[CY], &[])).unwrap();
        assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
        assert_eq!(
            ds.set_join_challenge(BOB, &present, challenge(1, 7)),
            Ok(vec![])
        );
        assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
        let routed = ds
            .set_join_challenge(BOB, &present, challenge(2, 2))
            .unwrap();
        assert_eq!(recipients(&routed), vec![ADA, CY]);
        assert_eq!(ds.status().join_challenge, Some(challenge(2, 2)));
    }

    #[test]
    fn a_malformed_or_misplaced_join_challenge_is_refused_and_changes_nothing() {
        let present = [ADA, BOB, CY];
        let oversized = JoinChallenge {
            epoch: 1,
            challenge: Bytes(vec![1; 4096]),
        };
        let short = JoinChallenge {
            epoch: 1,
            challenge: Bytes(vec![1; JOIN_CHALLENGE_BYTES - 1]),
        };
        let cases = [
            (ADA, oversized, JoinChallengeRejection::WrongLength(4096)),
            (
                ADA,
                short,
                JoinChallengeRejection::WrongLength(JOIN_CHALLENGE_BYTES - 1),
            ),
            (
                ADA,
                challenge(2, 1),
                JoinChallengeRejection::FutureEpoch {
                    epoch: 2,
                    current: 1,
                },
            ),
            (CY, challenge(1, 1), JoinChallengeRejection::NotAMember),
        ];
        for (from, challenge, expected) in cases {
            let mut ds = ada_and_bob();
            ds.set_join_challenge(ADA, &present, self::challenge(1, 5))
                .unwrap();
            let before = ds.status();
            assert_eq!(
                ds.set_join_challenge(from, &present, challenge),
                Err(expected)
            );
            assert_eq!(ds.status(), before);
        }
        let mut ds = DeliveryService::new(CAPACITY);
        assert_eq!(
            ds.set_join_challenge(ADA, &present, challenge(0, 1)),
            Err(JoinChallengeRejection::NoGroup)
        );
        assert_eq!(ds.status(), GroupStatus::default());
    }

    #[test]
    fn a_new_group_starts_without_the_old_ones_challenge() {
        let mut ds = ada_and_bob();
        ds.set_join_challenge(ADA, &[ADA, BOB], challenge(1, 1))
            .unwrap();
        assert!(ds.participant_left(&[CY]).len() == 1);
        ds.start_group(CY, &[CY]).unwrap();
        assert_eq!(ds.status().join_challenge, None);
    }

    #[test]
    fn the_key_package_budget_refills_over_the_window() {
        let mut budget = KeyPackageBudget::default();
        let start = Instant::now();
        for i in 0..KEY_PACKAGES_PER_WINDOW {
            budget.spend(start + Duration::from_secs(i as u64)).unwrap();
        }
        let late = start + Duration::from_secs(30);
        assert!(matches!(
            budget.spend(late),
            Err(Error::KeyPackageRateLimited)
        ));
        // The first publication leaves the window after a minute.
        budget.spend(start + KEY_PACKAGE_WINDOW).unwrap();
        assert!(budget.spend(start + KEY_PACKAGE_WINDOW).is_err());
        assert_eq!(budget.recent.len(), KEY_PACKAGES_PER_WINDOW);
    }
}
