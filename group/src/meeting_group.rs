//! Stub (skeleton API) for compiling the client while the real one is being written.

use conclave_protocol::{ClientMessage, ParticipantId, ParticipantInfo, RoomId, ServerMessage};
use zeroize::Zeroizing;

use crate::{Fingerprint, Identity, SecurityCode};

/// x
pub struct MeetingConfig {
    /// x
    pub room_id: RoomId,
    /// x
    pub invite_secret: Zeroizing<[u8; 32]>,
    /// x
    pub display_name: String,
}

/// x
pub enum GroupEvent {
    /// x
    Send(ClientMessage),
    /// x
    EpochKeys(EpochKeys),
    /// x
    Changed,
}

/// x
pub struct EpochKeys {
    /// x
    pub epoch: u64,
    /// x
    pub base_key: Zeroizing<Vec<u8>>,
    /// x
    pub own_leaf_index: u32,
}

/// x
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembershipStatus {
    /// x
    Connecting,
    /// x
    WaitingToBeAdded,
    /// x
    Member,
    /// x
    Resyncing,
}

/// x
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// x
    pub leaf_index: u32,
    /// x
    pub participant_id: Option<ParticipantId>,
    /// x
    pub display_name: String,
    /// x
    pub fingerprint: Fingerprint,
    /// x
    pub is_self: bool,
}

/// x
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    /// x
    pub status: MembershipStatus,
    /// x
    pub members: Vec<Member>,
    /// x
    pub outsiders: Vec<ParticipantInfo>,
}

/// x
pub struct MeetingGroup {
    identity: Identity,
    config: MeetingConfig,
}

impl MeetingGroup {
    /// x
    pub fn new(identity: Identity, config: MeetingConfig) -> Self {
        MeetingGroup { identity, config }
    }
    /// x
    pub fn handle_server_message(
        &mut self,
        now_ms: u64,
        message: &ServerMessage,
    ) -> Vec<GroupEvent> {
        let _ = (now_ms, message, &self.identity, &self.config);
        Vec::new()
    }
    /// x
    pub fn handle_timeout(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        let _ = now_ms;
        Vec::new()
    }
    /// x
    pub fn roster(&self) -> Roster {
        Roster {
            status: MembershipStatus::Connecting,
            members: Vec::new(),
            outsiders: Vec::new(),
        }
    }
    /// x
    pub fn security_code(&self) -> Option<SecurityCode> {
        None
    }
    /// x
    pub fn epoch(&self) -> Option<u64> {
        None
    }
}
