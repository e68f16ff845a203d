//! What a chair asks for. Each call checks that we are a chair (a call by anyone else does
//! nothing and reports [`ChairAction`] failed), then queues the change as an intent; the
//! intent goes into our next commit as soon as no commit of ours is in flight (`duties`).
//! If another commit wins the race the intent is queued again and retried on the new epoch
//! while it still means something (a knock still waiting, a member still there); if the
//! server never echoes our commit ([`OWN_COMMIT_TIMEOUT_MS`]) it is reported as failed.
//! A denial needs no commit: the knock is dropped and the knocker told.
//!
//! [`OWN_COMMIT_TIMEOUT_MS`]: crate::meeting_group::OWN_COMMIT_TIMEOUT_MS

use conclave_protocol::{ClientMessage, KnockAnswer, ParticipantId};

use super::policy_of;
use crate::meeting_group::{GroupEvent, MeetingGroup, MembershipStatus};
use crate::Fingerprint;

/// A chair's power, as named when one did not go through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChairAction {
    /// Let a knocking joiner in.
    Admit,
    /// Refuse a knocking joiner.
    Deny,
    /// Remove a member.
    Remove,
    /// Make a member a co-chair, or take it back.
    SetChair,
    /// Lock the meeting.
    Lock,
    /// Unlock the meeting.
    Unlock,
    /// End the meeting for everyone.
    End,
    /// Make a new invite link.
    NewLink,
}

/// A chair's change waiting to be committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::meeting_group) enum ChairIntent {
    /// Add this knocking participant.
    Admit(ParticipantId),
    /// Remove the member with this key and participant.
    Remove {
        fingerprint: Fingerprint,
        participant_id: Option<ParticipantId>,
    },
    /// Give (`chair`) or take back the chair's role.
    SetChair {
        fingerprint: Fingerprint,
        chair: bool,
    },
    /// Lock (`true`) or unlock.
    Lock(bool),
    /// End the meeting.
    End,
    /// Make a new invite link.
    NewLink,
}

impl ChairIntent {
    /// The action to name if it does not go through.
    pub(in crate::meeting_group) fn action(&self) -> ChairAction {
        match self {
            ChairIntent::Admit(_) => ChairAction::Admit,
            ChairIntent::Remove { .. } => ChairAction::Remove,
            ChairIntent::SetChair { .. } => ChairAction::SetChair,
            ChairIntent::Lock(true) => ChairAction::Lock,
            ChairIntent::Lock(false) => ChairAction::Unlock,
            ChairIntent::End => ChairAction::End,
            ChairIntent::NewLink => ChairAction::NewLink,
        }
    }
}

impl MeetingGroup {
    /// Whether we are a chair in the current epoch.
    pub fn is_chair(&self) -> bool {
        self.member_group().is_some_and(|group| {
            policy_of(group.extensions()).is_some_and(|p| p.is_chair(&self.identity.fingerprint()))
        })
    }

    /// Admits one knocking participant (commits its Add).
    pub fn admit(&mut self, now_ms: u64, participant: ParticipantId) -> Vec<GroupEvent> {
        let knocking = self
            .roster_knocks()
            .any(|k| k.participant_id == participant);
        self.ask(now_ms, ChairIntent::Admit(participant), knocking)
    }

    /// Admits every knocking participant (one commit).
    pub fn admit_all(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        let knocks: Vec<ParticipantId> = self.roster_knocks().map(|k| k.participant_id).collect();
        if knocks.is_empty() || !self.is_chair() {
            return vec![GroupEvent::ChairActionFailed(ChairAction::Admit)];
        }
        self.policy
            .intents
            .extend(knocks.into_iter().map(ChairIntent::Admit));
        let mut events = Vec::new();
        self.maybe_commit(now_ms, &mut events);
        events
    }

    /// Refuses a knocking participant: its request is dropped, it is told so, and it is
    /// never added (a later request of the same participant would be a new knock).
    pub fn deny(&mut self, _now_ms: u64, participant: ParticipantId) -> Vec<GroupEvent> {
        if !self.is_chair() || self.pending_key_packages.remove(&participant).is_none() {
            return vec![GroupEvent::ChairActionFailed(ChairAction::Deny)];
        }
        self.policy
            .intents
            .retain(|intent| *intent != ChairIntent::Admit(participant));
        vec![
            GroupEvent::Send(ClientMessage::AnswerKnock {
                to: participant,
                answer: KnockAnswer::Denied,
            }),
            GroupEvent::Changed,
        ]
    }

    /// Removes the member with this signature key (not ourselves: we leave by leaving the
    /// room). A member is named by its key, not its leaf, which by the time the action is
    /// committed may hold someone else.
    pub fn remove_member(&mut self, now_ms: u64, member: &Fingerprint) -> Vec<GroupEvent> {
        let target = self.member_key(member).filter(|(_, _, own)| !own);
        let intent = target
            .clone()
            .map(|(fingerprint, participant_id, _)| ChairIntent::Remove {
                fingerprint,
                participant_id,
            });
        match intent {
            Some(intent) => self.ask(now_ms, intent, true),
            None => vec![GroupEvent::ChairActionFailed(ChairAction::Remove)],
        }
    }

    /// Makes the member with this signature key a chair (`chair`), or takes the role back
    /// (never from the last chair).
    pub fn set_chair(&mut self, now_ms: u64, member: &Fingerprint, chair: bool) -> Vec<GroupEvent> {
        let chairs = self
            .member_group()
            .and_then(|group| policy_of(group.extensions()))
            .map(|p| p.chairs)
            .unwrap_or_default();
        let Some((fingerprint, _, _)) = self.member_key(member) else {
            return vec![GroupEvent::ChairActionFailed(ChairAction::SetChair)];
        };
        let leaves_none = !chair && chairs.iter().all(|c| *c == fingerprint);
        self.ask(
            now_ms,
            ChairIntent::SetChair { fingerprint, chair },
            !leaves_none,
        )
    }

    /// Locks or unlocks the meeting.
    pub fn set_locked(&mut self, now_ms: u64, locked: bool) -> Vec<GroupEvent> {
        self.ask(now_ms, ChairIntent::Lock(locked), true)
    }

    /// Ends the meeting for everyone: once our commit is echoed we tell the server, which
    /// closes the room.
    pub fn end_meeting(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        self.ask(now_ms, ChairIntent::End, true)
    }

    /// Makes a new invite link: every member derives the new invite secret from the epoch
    /// our commit starts ([`GroupEvent::InviteSecret`]).
    pub fn new_invite_link(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        self.ask(now_ms, ChairIntent::NewLink, true)
    }

    /// Queues a chair's intent (if we are a chair and it makes sense now) and commits it if
    /// we can.
    fn ask(&mut self, now_ms: u64, intent: ChairIntent, makes_sense: bool) -> Vec<GroupEvent> {
        if !makes_sense || !self.is_chair() {
            return vec![GroupEvent::ChairActionFailed(intent.action())];
        }
        if !self.policy.intents.contains(&intent) {
            self.policy.intents.push(intent);
        }
        let mut events = Vec::new();
        self.maybe_commit(now_ms, &mut events);
        events
    }

    /// The signature key fingerprint and participant of the member with this signature
    /// key, and whether it is us.
    fn member_key(
        &self,
        fingerprint: &Fingerprint,
    ) -> Option<(Fingerprint, Option<ParticipantId>, bool)> {
        let group = self.member_group()?;
        let member = group
            .members()
            .find(|m| Fingerprint::of_public_key(&m.signature_key) == *fingerprint)?;
        Some((
            Fingerprint::of_public_key(&member.signature_key),
            crate::meeting_group::roster::member_info(group, member.index).participant_id,
            member.index == group.own_leaf_index(),
        ))
    }
}

impl MeetingGroup {
    /// The server relays a member's answer to a knock. To us, while we wait to be let in:
    /// final ([`MembershipStatus::Denied`], [`MembershipStatus::LockedOut`] or
    /// [`MembershipStatus::LinkReplaced`]); a hostile server could say so falsely, but it
    /// can keep us out anyway. To the members: another
    /// chair answered that knock, so it leaves our list, if the sender is a chair (a denial)
    /// or any member (locked, which the policy shows anyway).
    pub(in crate::meeting_group) fn on_knock_answered(
        &mut self,
        from: ParticipantId,
        to: ParticipantId,
        answer: KnockAnswer,
        events: &mut Vec<GroupEvent>,
    ) {
        if Some(to) == self.you {
            let knocking = matches!(
                self.status,
                MembershipStatus::WaitingToBeAdded | MembershipStatus::Connecting
            );
            // A member re-syncing that missed the new link cannot get back in either.
            let resyncing = self.status == MembershipStatus::Resyncing;
            let status = match answer {
                KnockAnswer::Denied if knocking => MembershipStatus::Denied,
                KnockAnswer::Locked if knocking => MembershipStatus::LockedOut,
                KnockAnswer::LinkReplaced if knocking || resyncing => {
                    MembershipStatus::LinkReplaced
                }
                // A member who lost track of a verified-only meeting and is no longer
                // verified (revoked, expired) cannot get back in either.
                KnockAnswer::NotVerified if knocking || resyncing => MembershipStatus::NotVerified,
                _ => return,
            };
            self.become_terminal(status, events);
            return;
        }
        let Some(group) = self.member_group() else {
            return;
        };
        // "Not verified" is every member's own finding: another's word changes nothing.
        if answer == KnockAnswer::NotVerified {
            return;
        }
        let policy = policy_of(group.extensions());
        let from_counts = group.members().any(|m| {
            crate::meeting_group::roster::member_info(group, m.index).participant_id == Some(from)
                && (answer != KnockAnswer::Denied
                    || policy
                        .as_ref()
                        .is_some_and(|p| p.is_chair(&Fingerprint::of_public_key(&m.signature_key))))
        });
        if from_counts && self.pending_key_packages.remove(&to).is_some() {
            self.policy
                .intents
                .retain(|intent| *intent != ChairIntent::Admit(to));
            events.push(GroupEvent::Changed);
        }
    }

    /// The server says a chair ended the meeting (it closes the room next): final for
    /// everyone, members and knockers alike.
    pub(in crate::meeting_group) fn on_meeting_ended(&mut self, events: &mut Vec<GroupEvent>) {
        if !self.status.is_terminal() {
            self.become_terminal(MembershipStatus::Ended, events);
        }
    }
}
