//! The signaling protocol between a Conclave client and the signaling server.
//!
//! Every message is one JSON text frame, an object tagged by `"type"`. The client
//! connects to `GET /ws/{room_id}` after creating the room with `POST /api/rooms`
//! (or receiving its id in an invite link), then sends [`ClientMessage::Join`].
//!
//! The server relays [`SignalPayload`]s between two named participants of one room
//! and never interprets them. Nothing here carries key material: media keys come
//! from the participants' MLS group, and the invite secret stays in the invite link's URL
//! fragment, which browsers never send to a server. Nothing here carries a name either:
//! the server knows participants by opaque connection ids only, and names travel inside
//! MLS (the credentials of KeyPackages and members), where [`DisplayName`] is their rule.

use std::fmt;

use serde::{Deserialize, Serialize};

mod display_name;

pub use display_name::{DisplayName, DisplayNameError, MAX_DISPLAY_NAME_CHARS};

/// Largest text message either side accepts, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The version of the rules clients must share, sent in [`ClientMessage::Join`]. The server
/// admits only clients of its own version and closes any other's connection with
/// [`close_code::OTHER_VERSION`] and a reason asking to reload, instead of letting it meet
/// clients that follow other rules.
///
/// - 1: the newcomer offered to each member. Clients of version 1 sent no version (read
///   as 0).
/// - 2: each member offers to a newcomer as soon as it processes the commit adding it.
/// - 3: invite proofs cover the group's [`JoinChallenge`] (`set_join_challenge`,
///   `join_challenge`, `Joined.group.join_challenge`); a member checks newer-epoch media
///   with the server (`query_group_status`, `group_status`) before it re-syncs.
/// - 4: chair controls. `join` carries no display name and [`ParticipantInfo`] only an id
///   (names travel only inside MLS); `answer_knock` / `knock_answered`, `end_meeting` /
///   `meeting_ended`; a commit names the participants it `expelled` (the server closes
///   them with [`close_code::REMOVED`]); the server accepts one counter-commit per epoch
///   for an earlier epoch whose later commits all came from the one sender it expels.
/// - 5: a commit's `added`, `removed` and `expelled` are also signed in its MLS
///   authenticated data (members check them); a knock may be answered `link_replaced`;
///   members `dispute_commit` a commit they ignored, and a counter-commit needs most of
///   the other members' disputes.
/// - 6: `application_message`: MLS application messages (chat, media state, raised
///   hands, reactions), relayed from a member to the other members present; `ping` /
///   `pong`, so that a client notices a connection that stalled.
pub const PROTOCOL_VERSION: u32 = 6;

/// Length of a [`JoinChallenge`] in bytes.
pub const JOIN_CHALLENGE_BYTES: usize = 32;

/// WebSocket close codes the server uses, each with a fixed reason string.
pub mod close_code {
    /// The room id in the URL names no room on this server.
    pub const UNKNOWN_ROOM: u16 = 4404;
    /// The room already holds its maximum number of participants.
    pub const ROOM_FULL: u16 = 4409;
    /// The client broke the protocol (for example it sent a message before `join`).
    pub const PROTOCOL_VIOLATION: u16 = 4400;
    /// The client did not read its messages fast enough; its send queue overflowed.
    pub const TOO_SLOW: u16 = 4408;
    /// A message exceeded [`super::MAX_MESSAGE_BYTES`] (standard code 1009).
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// `join` came from a client of another [`super::PROTOCOL_VERSION`] (a page loaded
    /// before the server was upgraded): reload the page. A close, not an `error` message,
    /// because a page of any version shows a close's reason.
    pub const OTHER_VERSION: u16 = 4426;
    /// The reason sent with [`OTHER_VERSION`].
    pub const OTHER_VERSION_REASON: &str =
        "This page is from another version of Conclave: reload it to join.";
    /// An accepted commit expelled this participant (a chair removed it from the group):
    /// the server closes its connection right after relaying that commit.
    pub const REMOVED: u16 = 4403;
    /// The reason sent with [`REMOVED`].
    pub const REMOVED_REASON: &str = "A chair removed you from the meeting.";
    /// A member ended the meeting (`end_meeting`): every connection of the room is closed
    /// and the room is gone.
    pub const MEETING_ENDED: u16 = 4410;
    /// The reason sent with [`MEETING_ENDED`].
    pub const MEETING_ENDED_REASON: &str = "The meeting has ended.";

    /// Most participants a room without a media server (mesh) may hold: each browser
    /// sends its media to every other, so a larger mesh fails on uplinks and encoders.
    pub const MESH_MAX_PARTICIPANTS: usize = 12;

    /// The reasons sent with [`ROOM_FULL`] when a mesh room of 1, 2... participants is
    /// full (fixed strings, like every close reason), so that the page can say why:
    /// [`mesh_room_full_reason`] and [`mesh_capacity_in_reason`]. A full room that has a
    /// media server is closed with the reason "room full".
    const MESH_ROOM_FULL_REASONS: [&str; MESH_MAX_PARTICIPANTS] = [
        "room full: without a media server a meeting holds at most 1 person",
        "room full: without a media server a meeting holds at most 2 people",
        "room full: without a media server a meeting holds at most 3 people",
        "room full: without a media server a meeting holds at most 4 people",
        "room full: without a media server a meeting holds at most 5 people",
        "room full: without a media server a meeting holds at most 6 people",
        "room full: without a media server a meeting holds at most 7 people",
        "room full: without a media server a meeting holds at most 8 people",
        "room full: without a media server a meeting holds at most 9 people",
        "room full: without a media server a meeting holds at most 10 people",
        "room full: without a media server a meeting holds at most 11 people",
        "room full: without a media server a meeting holds at most 12 people",
    ];

    /// The [`ROOM_FULL`] reason for a full mesh room of `max_participants`; "room full"
    /// beyond [`MESH_MAX_PARTICIPANTS`] (a server never allows that many in mesh).
    pub fn mesh_room_full_reason(max_participants: usize) -> &'static str {
        max_participants
            .checked_sub(1)
            .and_then(|index| MESH_ROOM_FULL_REASONS.get(index))
            .copied()
            .unwrap_or("room full")
    }

    /// How many people the full mesh room held, if `reason` is a
    /// [`mesh_room_full_reason`].
    pub fn mesh_capacity_in_reason(reason: &str) -> Option<usize> {
        MESH_ROOM_FULL_REASONS
            .iter()
            .position(|known| *known == reason)
            .map(|index| index + 1)
    }
}

/// A room id: 22 characters of unpadded base64url (128 random bits), made by the server.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoomId(String);

/// Length of a [`RoomId`] in characters.
pub const ROOM_ID_CHARS: usize = 22;

impl RoomId {
    /// Parses a room id, accepting only [`ROOM_ID_CHARS`] base64url characters.
    pub fn parse(text: &str) -> Result<Self, InvalidRoomId> {
        let well_formed = text.len() == ROOM_ID_CHARS
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidRoomId)
        }
    }

    /// The id as text, as it appears in URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RoomId {
    type Error = InvalidRoomId;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<RoomId> for String {
    fn from(id: RoomId) -> Self {
        id.0
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text given was not a well-formed room id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidRoomId;

impl fmt::Display for InvalidRoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a room id is {ROOM_ID_CHARS} base64url characters")
    }
}

impl std::error::Error for InvalidRoomId {}

/// A participant's id within one room, assigned by the server at join.
///
/// It names a connection for routing only; it is not an identity and not a key id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParticipantId(pub u64);

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How a room's media travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaMode {
    /// Peers connect directly; the server relays SDP and ICE only.
    Mesh,
    /// A Janus VideoRoom forwards the (end-to-end encrypted) media; the server sends
    /// [`ServerMessage::SfuRoomReady`] once the room exists on Janus.
    Janus,
}

/// A STUN or TURN server, in the shape of WebRTC's `RTCIceServer`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    /// `stun:`, `turn:` or `turns:` URLs.
    pub urls: Vec<String>,
    /// TURN user name (for TURN REST credentials, `EXPIRY:NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN password (for TURN REST credentials, the base64 HMAC-SHA1 of the user name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

impl fmt::Debug for IceServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The credential opens the TURN server: never print it.
        f.debug_struct("IceServer")
            .field("urls", &self.urls)
            .field("username", &self.username)
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Which ICE candidates a participant's peer connections may use: WebRTC's
/// `RTCIceTransportPolicy`, set by the server's operator for every peer connection (to the
/// other participants in mesh mode, to the SFU otherwise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IceTransportPolicy {
    /// Every candidate: the device's own addresses, its public address as STUN sees it, and
    /// TURN relays. The default, and what a server that predates the setting means.
    #[default]
    All,
    /// Only TURN relays: the other participants and the SFU see the TURN server's address,
    /// never the participant's own. Needs a TURN server among the ICE servers.
    Relay,
}

/// How a participant reaches the room on the SFU. It opens the SFU room, not the media:
/// every frame on the SFU is SFrame-encrypted with keys only group members hold.
///
/// The server makes it for each participant (each gets their own `sfu_room_ready`), so an
/// SFU that admits participants with a token of their own (a URL and a per-participant
/// access token) is one more variant, tagged with its own `kind`. Janus' access is the
/// same for everyone in the room.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SfuAccess {
    /// A Janus VideoRoom, reached through the Janus WebSocket API (`janus-protocol`).
    Janus {
        /// The Janus WebSocket URL (`ws://` or `wss://`).
        url: String,
        /// The VideoRoom's numeric id (below 2^53, so JavaScript holds it exactly).
        room: u64,
        /// The room's pin, required to join it.
        pin: String,
        /// Janus' `api_secret`, if the operator set one (Janus requires it on every request).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        api_secret: Option<String>,
    },
}

impl fmt::Debug for SfuAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Janus { url, room, .. } => f
                .debug_struct("Janus")
                .field("url", url)
                .field("room", room)
                .finish_non_exhaustive(),
        }
    }
}

/// A participant as the server knows it: a routing id, nothing else. The server never
/// learns names; a member's name comes from its MLS credential, and a participant who is
/// no member is an unidentified connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantInfo {
    /// Routing id within the room.
    pub id: ParticipantId,
}

/// A member's answer to a knock other than an Add (an admitted knocker is added by a
/// commit and needs no answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KnockAnswer {
    /// A chair refused the knock: the knocker will not be added.
    Denied,
    /// The meeting is locked: nobody new is added.
    Locked,
    /// The knocker proved an invite link a chair has replaced: it needs the new link.
    /// Sent by a member who knew the old one (any member may say so).
    LinkReplaced,
    /// The meeting admits only members an organisation it accepts vouches for, and the
    /// knocker's certificate does not verify (or it has none). Sent by a member; every
    /// member refuses such a knock itself.
    NotVerified,
}

/// Reply body of `POST /api/rooms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedRoom {
    /// The new room's id.
    pub room_id: RoomId,
}

/// A room-bound credential to hold one room again (see [`ServerMessage::Joined`]). It
/// opens nothing but `PUT /api/rooms/{id}` for its own room; its `Debug` hides it anyway.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HoldToken(pub String);

impl fmt::Debug for HoldToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HoldToken(<redacted>)")
    }
}

/// Body of an HTTP error reply from the server's JSON API (for example `POST /api/rooms`
/// answered with 503 when the server already holds its maximum number of rooms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Machine-readable cause.
    pub code: ApiErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

/// Why an HTTP API request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    /// The server already holds its maximum number of rooms; try again later.
    TooManyRooms,
    /// The server already serves its maximum number of connections; try again later.
    ServerBusy,
    /// The server lets only holders of a creation credential (its shared secret, or a
    /// token its operator's portal signed) create or hold rooms, and the request carried
    /// none, a wrong one or an expired one (the message says which).
    CreationNotAllowed,
    /// This client address made too many such requests in a short time (HTTP 429); the
    /// `Retry-After` header says how many seconds to wait.
    RateLimited,
}

/// Messages a client sends to the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Enter the room named in the WebSocket URL. Must be the first message. It carries
    /// no name (the server ignores a `display_name` field an older page may send, and
    /// closes that page for its older version anyway).
    Join {
        /// The sender's [`PROTOCOL_VERSION`]; 0 from clients older than this field.
        #[serde(default)]
        protocol: u32,
    },
    /// Relay `payload` to participant `to` in the same room.
    Signal {
        /// Recipient.
        to: ParticipantId,
        /// Opaque to the server.
        payload: SignalPayload,
    },
    /// Leave the room; the server then closes the connection.
    Leave,
    /// Start the room's MLS group with the sender as its only member. Accepted only while
    /// the room has no group: the first wins and everyone gets
    /// [`ServerMessage::GroupStarted`] naming it; a later `start_group` is refused with
    /// [`ErrorCode::GroupExists`] (its sender has already seen `group_started` naming
    /// someone else, or `joined` showing the group, and joins that group instead).
    StartGroup,
    /// Ask the group's members to add the sender: an MLS KeyPackage with a proof that the
    /// sender knows the invite secret, made over the latest [`JoinChallenge`] the sender
    /// heard (members accept the challenges of their last few epochs). Relayed to the group's members present (never back
    /// to the sender). Refused with [`ErrorCode::NoGroup`] while the room has no group and
    /// with [`ErrorCode::RateLimited`] beyond a few per minute per participant.
    PublishKeyPackage {
        /// TLS-serialized MLS KeyPackage (RFC 9420 section 10).
        key_package: Bytes,
        /// HMAC proving knowledge of the invite secret, bound to the frame suite, the room,
        /// the group's join challenge and the key package.
        invite_proof: Bytes,
    },
    /// The join challenge of the group's current epoch, sent by a member after each epoch
    /// change (by the member with the lowest leaf index present; by the creator for
    /// epoch 0). The server keeps it only if `epoch` is the room's current epoch and the
    /// sender a member, and passes it to everyone else present
    /// ([`ServerMessage::JoinChallenge`]) and to later joiners (`Joined.group`). A
    /// challenge for an epoch the room has already left is ignored (another commit came
    /// first); one of the wrong length, for a later epoch, from a non-member or while the
    /// room has no group is refused with [`ErrorCode::InvalidJoinChallenge`].
    SetJoinChallenge(JoinChallenge),
    /// Ask for the room's group as the server knows it; answered with
    /// [`ServerMessage::GroupStatus`]. A member asks when frames of a newer epoch than its
    /// own arrive: that is only a hint (anyone on the media path can forge a key id), and
    /// it re-syncs only if the server's epoch is ahead of its own.
    QueryGroupStatus,
    /// An MLS Commit made in `epoch`, from a member. The server accepts a commit for the
    /// room's current epoch (the first wins) and then moves the room to `epoch + 1`.
    /// It also accepts one counter-commit per epoch, so that honest members can route
    /// around commits they all ignored: a commit for an earlier epoch (within the last 8)
    /// whose later commits all came from one sender, which it expels (as those commits'
    /// `from` named it); it carries no Welcome and comes from another participant, a member
    /// before them. It is relayed like any commit (to the members of before the commits it
    /// counters), the room goes back to `epoch + 1`, and the server's members become those
    /// of before the countered commits less the ones the counter-commit removes. A commit
    /// for an earlier epoch that expels no such
    /// sender is simply late. Anything else, and any commit from a participant an accepted
    /// commit expelled, is refused with [`ServerMessage::CommitRejected`] so the sender
    /// can rebase.
    Commit {
        /// The epoch the commit was made in (the group's epoch before it).
        epoch: u64,
        /// TLS-serialized MLS message carrying the Commit.
        commit: Bytes,
        /// TLS-serialized MLS Welcome for the participants this commit adds, if any.
        welcome: Option<Bytes>,
        /// Participants the commit adds (the server routes the Welcome to them).
        added: Vec<ParticipantId>,
        /// Participants the commit removes (for the server's bookkeeping only). The server
        /// never removes a member itself, not even one that left the room.
        removed: Vec<ParticipantId>,
        /// Participants the commit removes against their will (a chair's Remove, or the
        /// member a counter-commit expels): once the commit is relayed, the server closes
        /// their connections with [`close_code::REMOVED`] and forgets them as members,
        /// so they cannot commit any more. Each must be a member the commit removes.
        #[serde(default)]
        expelled: Vec<ParticipantId>,
    },
    /// Tell a knocker (a present participant who is no member) the answer to its knock,
    /// and every member that it was answered. Accepted only from a group member, to a
    /// participant present in the room who is no member; the server relays it as
    /// [`ServerMessage::KnockAnswered`]. A non-member's is refused with
    /// [`ErrorCode::NotAMember`], one to a member with [`ErrorCode::NotKnocking`], one
    /// to nobody present with [`ErrorCode::UnknownParticipant`].
    AnswerKnock {
        /// The knocker.
        to: ParticipantId,
        /// The answer.
        answer: KnockAnswer,
    },
    /// End the meeting for everyone. Accepted only from a group member (refused with
    /// [`ErrorCode::NotAMember`]): the server sends [`ServerMessage::MeetingEnded`] to
    /// everyone in the room, closes every connection with [`close_code::MEETING_ENDED`],
    /// destroys the room's SFU room and forgets the room (its id then names no room).
    /// Each member's client enforces the end itself (the chair's commit); the server's
    /// part only empties the room.
    EndMeeting,
    /// The commit the server accepted for `epoch` broke the meeting's rules: this member
    /// ignored it. The server accepts a counter-commit of a commit only when more than half
    /// of the other members present disputed it, so that a rogue cannot "counter" commits
    /// the others followed. Accepted only from a member of the group before that commit,
    /// not its sender; one for an epoch the server no longer remembers changes nothing.
    DisputeCommit {
        /// The epoch the disputed commit was made in.
        epoch: u64,
    },
    /// An MLS application message (a PrivateMessage, RFC 9420 section 6.3) for the
    /// group's other members: chat, media state, raised hands, reactions. The server
    /// cannot read it; it relays it as [`ServerMessage::ApplicationMessage`] to every
    /// other member present. Refused with [`ErrorCode::NotAMember`] from a participant
    /// who is no member and with [`ErrorCode::RateLimited`] beyond a few dozen per ten
    /// seconds per participant.
    ApplicationMessage {
        /// TLS-serialized MLS message carrying the PrivateMessage.
        message: Bytes,
    },
    /// Answered with [`ServerMessage::Pong`]: a client that hears nothing for a while
    /// knows its connection stalled (a laptop that slept, a network that changed) and
    /// connects again.
    Ping,
}

/// Opaque binary data carried in JSON as unpadded base64url.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        serializer.serialize_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = String::deserialize(deserializer)?;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.as_bytes())
            .map(Bytes)
            .map_err(|_| serde::de::Error::custom("expected unpadded base64url"))
    }
}

/// What the server knows of a room's MLS group: only routing facts, never content.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupStatus {
    /// The group's current epoch, or `None` if nobody has started a group yet.
    pub epoch: Option<u64>,
    /// Participants the accepted commits say are members (unverified by the server).
    pub members: Vec<ParticipantId>,
    /// The latest join challenge a member set (perhaps of an epoch before `epoch`, until
    /// the member for the new epoch sets its own); `None` before the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_challenge: Option<JoinChallenge>,
}

/// What the group chose in one epoch for joiners to prove over:
/// `MLS-Exporter("Conclave 1.0 join challenge", "", 32)` of that epoch (RFC 9420 section
/// 8.5). Public (the server relays it); it makes an invite proof good for a few epochs of
/// this group only, so a proof captured earlier cannot be replayed later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinChallenge {
    /// The epoch whose exporter made it.
    pub epoch: u64,
    /// [`JOIN_CHALLENGE_BYTES`] bytes (the server refuses any other length).
    pub challenge: Bytes,
}

/// Messages the server sends to a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Reply to `join`: who you are and who is already here.
    Joined {
        /// The id the server gave this connection.
        you: ParticipantId,
        /// Everyone else in the room, in join order.
        participants: Vec<ParticipantInfo>,
        /// How this room's media travels. Encryption is on in every mode.
        media_mode: MediaMode,
        /// The room's MLS group as the server knows it.
        #[serde(default)]
        group: GroupStatus,
        /// STUN/TURN servers for this participant's peer connections (TURN credentials
        /// minted for this participant, time-limited).
        #[serde(default)]
        ice_servers: Vec<IceServer>,
        /// Which candidates this participant's peer connections may use (`all` when a
        /// server that predates the setting leaves it out).
        #[serde(default)]
        ice_transport_policy: IceTransportPolicy,
        /// On a server where only invited organisers may create rooms: the credential that
        /// lets this room, and no other, be held again (`PUT /api/rooms/{id}` with
        /// `Authorization: Bearer TOKEN`) after the server restarted. Absent on an open
        /// server.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hold_token: Option<HoldToken>,
    },
    /// The room on the SFU exists (again): connect to it, or reconnect after losing it.
    /// Sent after `joined` in SFU modes, and again to everyone after the server had to
    /// recreate the room (for example after the SFU restarted).
    SfuRoomReady {
        /// Where and how to join the SFU room.
        access: SfuAccess,
    },
    /// Someone entered the room.
    ParticipantJoined {
        /// The newcomer.
        participant: ParticipantInfo,
    },
    /// Someone left the room or lost the connection.
    ParticipantLeft {
        /// Who left.
        id: ParticipantId,
    },
    /// A payload relayed from another participant.
    Signal {
        /// Sender.
        from: ParticipantId,
        /// As the sender wrote it.
        payload: SignalPayload,
    },
    /// Someone started the room's MLS group (epoch 0, `by` its only member). Sent to
    /// everyone in the room; if `by` is you, create the group now.
    GroupStarted {
        /// The group's first member.
        by: ParticipantId,
    },
    /// A member set the group's join challenge for `epoch`: make the next invite proof over
    /// it. Sent to everyone present but its sender.
    JoinChallenge(JoinChallenge),
    /// The answer to [`ClientMessage::QueryGroupStatus`].
    GroupStatus {
        /// The room's MLS group as the server knows it now.
        group: GroupStatus,
    },
    /// Every member of the room's group left: the group is gone, start a new one
    /// ([`ClientMessage::StartGroup`]).
    GroupEnded,
    /// A participant asks to be added (relayed to the group's members).
    KeyPackage {
        /// Who asks.
        from: ParticipantId,
        /// As published.
        key_package: Bytes,
        /// As published.
        invite_proof: Bytes,
    },
    /// An accepted commit, in the room's total order. Sent to every present participant
    /// that was a group member before it: its sender (who merges its own commit only on
    /// seeing this) and the members it removes included, the participants it adds not
    /// (they get [`ServerMessage::Welcome`], right after).
    Commit {
        /// Who committed.
        from: ParticipantId,
        /// The epoch the commit was made in; the group moves to `epoch + 1`.
        epoch: u64,
        /// As sent.
        commit: Bytes,
        /// Participants it adds.
        added: Vec<ParticipantId>,
        /// Participants it removes.
        removed: Vec<ParticipantId>,
        /// Participants it expels: the server closes them with [`close_code::REMOVED`]
        /// right after this message.
        #[serde(default)]
        expelled: Vec<ParticipantId>,
    },
    /// A member answered a knock ([`ClientMessage::AnswerKnock`]). Sent to the knocker
    /// and to every member present (the sender included).
    KnockAnswered {
        /// The member who answered (unverified: a hint the clients check against the
        /// group's policy, never a decision).
        from: ParticipantId,
        /// The knocker.
        to: ParticipantId,
        /// The answer.
        answer: KnockAnswer,
    },
    /// A member's MLS application message ([`ClientMessage::ApplicationMessage`]), sent to
    /// every other member present.
    ApplicationMessage {
        /// Who sent it (unverified: the message's MLS signature names its real sender).
        from: ParticipantId,
        /// As sent.
        message: Bytes,
    },
    /// The answer to [`ClientMessage::Ping`].
    Pong,
    /// A member ended the meeting: the server closes this connection right after, with
    /// [`close_code::MEETING_ENDED`], and the room is gone.
    MeetingEnded,
    /// A Welcome into the group, for a participant an accepted commit added.
    Welcome {
        /// Who committed the Add.
        from: ParticipantId,
        /// The epoch the Welcome brings you into.
        epoch: u64,
        /// TLS-serialized MLS Welcome (with the ratchet tree extension).
        welcome: Bytes,
    },
    /// Your commit was not accepted: the room's group is at `current_epoch`. Process the
    /// commits you receive, then try again if still needed.
    CommitRejected {
        /// The epoch your commit was made in.
        epoch: u64,
        /// The room's current epoch (`None` if there is no group).
        current_epoch: Option<u64>,
        /// Why, for logs and people.
        reason: String,
    },
    /// A request was refused; the connection stays open unless a close follows.
    Error {
        /// Machine-readable cause.
        code: ErrorCode,
        /// Human-readable explanation.
        message: String,
    },
}

impl ClientMessage {
    /// `join` as this version of the protocol sends it.
    pub fn join() -> Self {
        Self::Join {
            protocol: PROTOCOL_VERSION,
        }
    }
}

/// WebRTC negotiation payloads relayed between two peers (perfect negotiation is not
/// needed: of two members, the earlier arrival always sends the offer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignalPayload {
    /// An SDP offer.
    Offer {
        /// Session description.
        sdp: String,
        /// The sender's MLS signature over `sdp`, bound to the room, the group, both
        /// participants and the kind (`conclave_group`'s `signal_auth`): the receiver
        /// refuses an offer whose DTLS fingerprint (or anything else) was changed.
        signature: Bytes,
    },
    /// An SDP answer.
    Answer {
        /// Session description.
        sdp: String,
        /// As for [`SignalPayload::Offer`].
        signature: Bytes,
    },
    /// A trickled ICE candidate.
    IceCandidate {
        /// The `candidate` attribute line.
        candidate: String,
        /// Media stream id the candidate belongs to.
        sdp_mid: Option<String>,
        /// Index of the m-line the candidate belongs to.
        sdp_m_line_index: Option<u16>,
    },
}

/// Why the server refused a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The message was not valid JSON for this protocol.
    MalformedMessage,
    /// A message other than `join` came before `join`, or `join` came twice.
    NotJoined,
    /// `join` was sent twice on one connection.
    AlreadyJoined,
    /// The recipient of a `signal` is not in this room.
    UnknownParticipant,
    /// The room is full.
    RoomFull,
    /// The room does not exist.
    UnknownRoom,
    /// The message exceeded the size limit.
    MessageTooBig,
    /// `start_group` came while the room already has a group; join that one instead.
    GroupExists,
    /// `publish_key_package` came while the room has no group; send `start_group`.
    NoGroup,
    /// The participant sent this kind of message too often; wait before sending it again.
    RateLimited,
    /// `set_join_challenge` was refused: a challenge of the wrong length, for an epoch the
    /// room has not reached, from a participant who is not a member, or while the room
    /// has no group. Nothing changed.
    InvalidJoinChallenge,
    /// The room's SFU cannot be reached or refused to create the room; the server keeps
    /// trying and sends `sfu_room_ready` once it succeeds.
    SfuUnavailable,
    /// `answer_knock`, `end_meeting` or `application_message` came from a participant who
    /// is not a member of the room's group (or the room has no group). Nothing changed.
    NotAMember,
    /// `answer_knock` named a participant who is a member of the group, not a knocker.
    /// Nothing changed.
    NotKnocking,
    /// A code this version does not know (sent by a newer server); the message still says
    /// what happened.
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests;
