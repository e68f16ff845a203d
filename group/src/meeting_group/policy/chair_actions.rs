//! What a chair asks for. Each call checks that we are a chair (a call by anyone else does
//! nothing and reports [`ChairAction`] failed), then queues the change as an intent; the
//! intent is committed as soon as no commit of ours is in flight, retried on the next epoch
//! if another commit won the race and the change still means something, and reported as
//! failed if the server never echoes our commit.

use conclave_protocol::ParticipantId;

use crate::meeting_group::{GroupEvent, MeetingGroup};

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

impl MeetingGroup {
    /// Whether we are a chair in the current epoch.
    pub fn is_chair(&self) -> bool {
        false
    }

    /// Admits one knocking participant (commits its Add).
    pub fn admit(&mut self, _now_ms: u64, _participant: ParticipantId) -> Vec<GroupEvent> {
        vec![GroupEvent::ChairActionFailed(ChairAction::Admit)]
    }

    /// Admits every knocking participant.
    pub fn admit_all(&mut self, _now_ms: u64) -> Vec<GroupEvent> {
        vec![GroupEvent::ChairActionFailed(ChairAction::Admit)]
    }

    /// Refuses a knocking participant: it is told so and never added.
    pub fn deny(&mut self, _now_ms: u64, _participant: ParticipantId) -> Vec<GroupEvent> {
        vec![GroupEvent::ChairActionFailed(ChairAction::Deny)]
    }

    /// Removes the member at `leaf_index`.
    pub fn remove_member(&mut self, _now_ms: u64, _leaf_index: u32) -> Vec<GroupEvent> {
        vec![GroupEvent::ChairActionFailed(ChairAction::Remove)]
    }

    /// Makes the member at `leaf_index` a chair (`chair`), or takes the role back.
    pub fn set_chair(&mut self, _now_ms: u64, _leaf_index: u32, _chair: bool) -> Vec<GroupEvent> {
        vec![GroupEvent::ChairActionFailed(ChairAction::SetChair)]
    }

    /// Locks or unlocks the meeting.
    pub fn set_locked(&mut self, _now_ms: u64, locked: bool) -> Vec<GroupEvent> {
        let action = if locked {
            ChairAction::Lock
        } else {
            ChairAction::Unlock
        };
        vec![GroupEvent::ChairActionFailed(action)]
    }

    /// Ends the meeting for everyone.
    pub fn end_meeting(&mut self, _now_ms: u64) -> Vec<GroupEvent> {
        vec![GroupEvent::ChairActionFailed(ChairAction::End)]
    }

    /// Makes a new invite link (a new invite secret every member derives).
    pub fn new_invite_link(&mut self, _now_ms: u64) -> Vec<GroupEvent> {
        vec![GroupEvent::ChairActionFailed(ChairAction::NewLink)]
    }
}
