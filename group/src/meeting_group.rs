//! The meeting's MLS group as a sans-IO state machine (RFC 9420 section 12 for
//! proposals and commits, section 12.4.3 for Welcome, section 14 for the ordering the
//! Delivery Service provides).

use conclave_protocol::{ClientMessage, ParticipantId, ParticipantInfo, RoomId, ServerMessage};
use zeroize::Zeroizing;

use crate::{Fingerprint, Identity, SecurityCode};

/// What a meeting needs to know to run its group.
pub struct MeetingConfig {
    /// The room, as in the invite link.
    pub room_id: RoomId,
    /// The invite secret from the link's fragment; it only gates who may be added.
    pub invite_secret: Zeroizing<[u8; 32]>,
    /// Our name as typed in the lobby (trimmed and capped at 64 characters).
    pub display_name: String,
}

/// What the client must do after feeding the group a message or a timeout.
pub enum GroupEvent {
    /// Send this message to the server.
    Send(ClientMessage),
    /// A new epoch began: hand its base key to the SFrame worker.
    EpochKeys(EpochKeys),
    /// The roster, the security code or the status changed: re-render.
    Changed,
}

/// The SFrame base key of one epoch (RFC 9605 section 5.2). No `Debug`; zeroized on drop.
pub struct EpochKeys {
    /// The MLS epoch.
    pub epoch: u64,
    /// `MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)`.
    pub base_key: Zeroizing<Vec<u8>>,
    /// Our leaf index in this epoch (the SFrame sender index).
    pub own_leaf_index: u32,
}

/// Where we are in the meeting's group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembershipStatus {
    /// Not yet joined the room, or waiting for the group to start.
    Connecting,
    /// Published a KeyPackage, waiting for a member to add us.
    WaitingToBeAdded,
    /// A member of the group, holding its keys.
    Member,
    /// Lost track of the group (missed or bad commit): waiting to be re-added.
    Resyncing,
}

/// One member of the MLS group.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Leaf index in the ratchet tree (the SFrame sender index).
    pub leaf_index: u32,
    /// The server participant its credential names, if readable.
    pub participant_id: Option<ParticipantId>,
    /// The name its credential carries ("unknown" if unreadable).
    pub display_name: String,
    /// SHA-256 of its signature key.
    pub fingerprint: Fingerprint,
    /// Whether this member is us.
    pub is_self: bool,
}

/// Who is in the meeting, as the MLS group says (never from the server's word alone).
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    /// Our membership status.
    pub status: MembershipStatus,
    /// The MLS group's members, in leaf order.
    pub members: Vec<Member>,
    /// Participants in the server's room that are not in the MLS group.
    pub outsiders: Vec<ParticipantInfo>,
}

/// The meeting's MLS state machine. No `Debug` (it holds keys).
pub struct MeetingGroup {
    identity: Identity,
    config: MeetingConfig,
}

impl MeetingGroup {
    /// A group state machine for one meeting, not yet joined.
    pub fn new(identity: Identity, config: MeetingConfig) -> Self {
        MeetingGroup { identity, config }
    }

    /// Feed every message the server sends (`Signal` and `Error` are ignored).
    pub fn handle_server_message(&mut self, now_ms: u64, message: &ServerMessage) -> Vec<GroupEvent> {
        let _ = (now_ms, message, &self.identity, &self.config);
        Vec::new()
    }

    /// Call at least every 500 ms: drives retries and gives up on gaps.
    pub fn handle_timeout(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        let _ = now_ms;
        Vec::new()
    }

    /// The current roster.
    pub fn roster(&self) -> Roster {
        Roster {
            status: MembershipStatus::Connecting,
            members: Vec::new(),
            outsiders: Vec::new(),
        }
    }

    /// The security code of the current epoch; `None` while not a member.
    pub fn security_code(&self) -> Option<SecurityCode> {
        None
    }

    /// The current epoch; `None` while not a member.
    pub fn epoch(&self) -> Option<u64> {
        None
    }
}
