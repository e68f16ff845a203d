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
//! honest members can route around commits they all ignored, the server also accepts one
//! counter-commit for an epoch before the current one, if every commit accepted since
//! that epoch came from one sender (a rule-breaker may have gone on committing on its own
//! line before the honest members answered), the counter-commit expels that sender,
//! comes from another member and carries no Welcome, and more than half of the members
//! present besides that sender said the countered commit broke a rule (`dispute_commit`,
//! each member's word after its own check; the counter-committer's counts), so that a
//! rogue cannot counter commits the others followed. The room goes back to the epoch the
//! counter-commit starts, and its bookkeeping follows it: the members are those of before
//! the countered commits, less the ones the counter-commit removes. The last
//! [`COUNTERABLE_COMMITS`] commits can be countered. A commit names the participants it
//! `expelled` (a chair's Remove, or the countered sender); their commits are refused
//! from then on, and the caller closes their connections.
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
//! (public) and, for counter-commits, who sent each of the last few accepted commits and
//! the members and challenge from before it. Nothing else is stored after it is relayed. Plain data with no
//! IO and no clock: the caller passes the present participants and the time, and
//! carries out the returned [`Routed`] messages in order.

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use conclave_protocol::{
    Bytes, GroupStatus, JoinChallenge, KnockAnswer, ParticipantId, ServerMessage,
    JOIN_CHALLENGE_BYTES,
};

use crate::error::Error;

mod commit_rules;
mod rate_budget;

use commit_rules::{check_commit, check_counter_commit};
pub use commit_rules::{CommitRejection, CommitRequest};
pub use rate_budget::RateBudget;

/// Most KeyPackages one participant may publish per [`KEY_PACKAGE_WINDOW`].
pub const KEY_PACKAGES_PER_WINDOW: usize = 10;

/// The sliding window of the KeyPackage rate limit.
pub const KEY_PACKAGE_WINDOW: Duration = Duration::from_secs(60);

/// Most application messages one participant may send per [`APPLICATION_MESSAGE_WINDOW`]
/// (a burst of chat, or a flurry of mute toggles and reactions; a member's client sends
/// far fewer, and limits its chat itself).
pub const APPLICATION_MESSAGES_PER_WINDOW: usize = 50;

/// The sliding window of the application message rate limit.
pub const APPLICATION_MESSAGE_WINDOW: Duration = Duration::from_secs(10);

/// How many of the latest accepted commits a counter-commit can undo: a rule-breaker can
/// run this many commits ahead of the honest members and still be countered.
pub const COUNTERABLE_COMMITS: usize = 8;

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
    /// The latest accepted commits, oldest first, at most [`COUNTERABLE_COMMITS`], for
    /// counter-commits; empty at epoch 0.
    recent_commits: VecDeque<RecentCommit>,
}

/// What a counter-commit needs of an accepted commit: its epoch and sender, and the group
/// as it was before it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RecentCommit {
    /// The epoch it was made in.
    epoch: u64,
    /// Who sent it.
    from: ParticipantId,
    /// The members before it.
    members_before: BTreeSet<ParticipantId>,
    /// The join challenge before it.
    join_challenge_before: Option<JoinChallenge>,
    /// It is a counter-commit (one per epoch is accepted).
    countered: bool,
    /// Members (of before it) who said it broke the meeting's rules (`dispute_commit`).
    disputed_by: BTreeSet<ParticipantId>,
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
            recent_commits: VecDeque::new(),
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
    /// the rate limit ([`RateBudget`]) first.
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
    /// the group to the next epoch; a counter-commit for an earlier epoch (see the module
    /// documentation) takes the room back to the epoch after its own and puts the members
    /// back as they were before the commits it counters, less those it removes. Either way
    /// the result holds, in order: the commit for every present participant that was a
    /// member before it (the sender and removed ones included); for a counter-commit, the
    /// group status for each present participant the countered commits added (no member
    /// any more); then the Welcome for each added participant. The caller closes the connections of the participants in
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
        let counter = request.epoch < group.epoch;
        let (countered_from, members_before) = if counter {
            let (position, members_before) = check_counter_commit(group, from, present, &request)?;
            (Some(position), members_before)
        } else {
            if !group.members.contains(&from) {
                return Err(CommitRejection::NotAMember);
            }
            if request.epoch > group.epoch {
                return Err(CommitRejection::FutureEpoch {
                    current: group.epoch,
                });
            }
            (None, group.members.clone())
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
        // Who the line of commits this one counters had as members.
        let line_members = countered_from.map(|_| group.members.clone());
        let mut members = members_before;
        for id in &removed {
            members.remove(id);
        }
        members.extend(added.iter().copied());
        group.expelled.extend(expelled.iter().copied());
        let (members_before, join_challenge_before) = if let Some(position) = countered_from {
            // Back to the epoch the counter-commit starts: the countered commits are gone.
            let countered = group.recent_commits.drain(position..).next();
            let members_before = countered
                .as_ref()
                .map(|c| c.members_before.clone())
                .unwrap_or_default();
            let join_challenge_before = countered.and_then(|c| c.join_challenge_before);
            group.join_challenge = join_challenge_before.clone();
            (members_before, join_challenge_before)
        } else {
            (
                std::mem::take(&mut group.members),
                group.join_challenge.clone(),
            )
        };
        group.recent_commits.push_back(RecentCommit {
            epoch,
            from,
            members_before,
            join_challenge_before,
            countered: counter,
            disputed_by: BTreeSet::new(),
        });
        if group.recent_commits.len() > COUNTERABLE_COMMITS {
            group.recent_commits.pop_front();
        }
        group.epoch = epoch.saturating_add(1);
        group.members = members;
        if let Some(line_members) = line_members {
            // Those the countered commits added are no members any more: tell them (their
            // group is a line nobody follows), so that they ask to be added again.
            let status = GroupStatus {
                epoch: Some(group.epoch),
                members: group.members.iter().copied().collect(),
                join_challenge: group.join_challenge.clone(),
            };
            routed.extend(
                present
                    .iter()
                    .filter(|to| {
                        line_members.contains(to)
                            && !group.members.contains(to)
                            && !expelled.contains(to)
                            && !removed.contains(to)
                    })
                    .map(|&to| Routed {
                        to,
                        message: ServerMessage::GroupStatus {
                            group: status.clone(),
                        },
                    }),
            );
        }
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

    /// `dispute_commit` from `from`: it ignored the commit accepted for `epoch`, which
    /// broke the meeting's rules. Counted for a counter-commit of that commit (see the
    /// module documentation). Refused from a participant who was no
    /// member before that commit; ignored from its sender, or for an epoch no longer
    /// remembered (a late dispute is no error).
    pub fn dispute_commit(&mut self, from: ParticipantId, epoch: u64) -> Result<(), Error> {
        let group = self.group.as_mut().ok_or(Error::NoGroup)?;
        let Some(recent) = group.recent_commits.iter_mut().find(|r| r.epoch == epoch) else {
            return Ok(());
        };
        if !recent.members_before.contains(&from) {
            return Err(Error::NotAMember("dispute_commit"));
        }
        if recent.from != from {
            recent.disputed_by.insert(from);
        }
        Ok(())
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

    /// `application_message` from `from`: relayed to every other member present, in join
    /// order. Refused, with nothing sent, if the sender is no member (or there is no
    /// group). The server cannot read it and checks nothing else: members drop what does
    /// not decrypt.
    pub fn relay_application_message(
        &self,
        from: ParticipantId,
        message: Bytes,
        present: &[ParticipantId],
    ) -> Result<Vec<Routed>, Error> {
        let group = self
            .group
            .as_ref()
            .filter(|group| group.members.contains(&from))
            .ok_or(Error::NotAMember("application_message"))?;
        Ok(present
            .iter()
            .filter(|id| **id != from && group.members.contains(id))
            .map(|&id| Routed {
                to: id,
                message: ServerMessage::ApplicationMessage {
                    from,
                    message: message.clone(),
                },
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

#[cfg(test)]
mod tests;
