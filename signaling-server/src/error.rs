//! The crate's one error type: configuration faults, serving faults, and every way a
//! client's request can be refused (each refusal maps to a protocol [`ErrorCode`]), and
//! the JSON body an HTTP refusal carries (`api_error`).

use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use conclave_protocol::{close_code, ApiError, ApiErrorCode, ErrorCode, ServerMessage};

use crate::delivery_service::{CommitRejection, JoinChallengeRejection};

/// Everything that can go wrong in the signaling server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The static directory has no `index.html`, so the app cannot be served.
    #[error("the www directory {} has no index.html (build the app first, or pass --www-dir)", .dir.display())]
    MissingIndex {
        /// The directory that was given.
        dir: PathBuf,
    },
    /// The www directory holds a release manifest that cannot be read: the app's
    /// Content-Security-Policy comes from it, so the server does not serve that tree.
    #[error("the release manifest {} cannot be used: {problem}", .path.display())]
    ReleaseManifest {
        /// `<www dir>/release/manifest.json`.
        path: PathBuf,
        /// Why.
        problem: ReleaseManifestProblem,
    },
    /// A configuration setting is missing, out of range or contradicts another one.
    #[error("{key}: {problem}")]
    InvalidConfig {
        /// The key as the administrator wrote it: `janus.url`, `CONCLAVE_MEDIA_MODE`...
        key: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The configuration file could not be read.
    #[error("cannot read the configuration file {}: {source}", .path.display())]
    ConfigFile {
        /// The file named by `--config` or `CONCLAVE_CONFIG`.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML, has an unknown key or a value of the
    /// wrong type (the message quotes the line).
    #[error("configuration file {}: {message}", .path.display())]
    ConfigSyntax {
        /// The file.
        path: PathBuf,
        /// The TOML parser's message, naming the line and key.
        message: String,
    },
    /// The room's SFU cannot be reached or refused to create the room (the server retries).
    #[error("the media server (SFU) is unavailable; retrying")]
    SfuUnavailable,
    /// A step in the Redis that several instances share failed (`crate::cluster`).
    #[error("shared state (Redis): {0}")]
    Cluster(#[from] crate::cluster::ClusterError),
    /// Accepting or serving HTTP connections failed.
    #[error("serving failed: {0}")]
    Serve(#[source] std::io::Error),
    /// The server already holds its maximum number of rooms.
    #[error("the server already holds its maximum number of rooms")]
    TooManyRooms,
    /// A freshly drawn room id collided with an existing room (128 random bits: never in practice).
    #[error("room id already in use")]
    RoomIdTaken,
    /// `PUT /api/rooms/{id}` named a room a member ended: it is not held again.
    #[error("this meeting was ended")]
    RoomEnded,
    /// The room named by the client does not exist (never created, or swept after its TTL).
    #[error("unknown room")]
    UnknownRoom,
    /// The room already holds its maximum number of participants.
    #[error("room full")]
    RoomFull,
    /// The recipient of a `signal` is not in the sender's room.
    #[error("no such participant in this room")]
    UnknownParticipant,
    /// A message other than `join` came before `join`.
    #[error("send join first")]
    NotJoined,
    /// `join` came twice on one connection.
    #[error("already joined")]
    AlreadyJoined,
    /// `join` came from a client of another protocol version; it is closed, with a reason
    /// any version of the page shows.
    #[error(
        "this page is from another version of Conclave (protocol {client}, the server's is {}): reload the page to join",
        conclave_protocol::PROTOCOL_VERSION
    )]
    ProtocolMismatch {
        /// The version the client sent (0: none).
        client: u32,
    },
    /// The frame was binary, not JSON, or not a known client message.
    #[error("malformed message: expected a JSON text frame with a known \"type\"")]
    MalformedMessage,
    /// A message exceeded [`conclave_protocol::MAX_MESSAGE_BYTES`].
    #[error(
        "message too big (limit {} bytes)",
        conclave_protocol::MAX_MESSAGE_BYTES
    )]
    MessageTooBig,
    /// `start_group` came while the room already has an MLS group.
    #[error("the room already has a group: join it instead of starting one")]
    GroupExists,
    /// `publish_key_package` came while the room has no MLS group.
    #[error("the room has no group: send start_group first")]
    NoGroup,
    /// A participant published more KeyPackages than the rate limit allows.
    #[error(
        "too many key packages: at most {} per {} s",
        crate::delivery_service::KEY_PACKAGES_PER_WINDOW,
        crate::delivery_service::KEY_PACKAGE_WINDOW.as_secs()
    )]
    KeyPackageRateLimited,
    /// A participant sent more application messages than the rate limit allows.
    #[error(
        "too many application messages: at most {} per {} s",
        crate::delivery_service::APPLICATION_MESSAGES_PER_WINDOW,
        crate::delivery_service::APPLICATION_MESSAGE_WINDOW.as_secs()
    )]
    ApplicationMessageRateLimited,
    /// A connection sent more messages of one type than its budget allows (see
    /// [`crate::rate_limits`]); the message was dropped before anyone saw it.
    #[error(
        "too many {kind} messages: at most {burst} at once, then {per_minute} a minute \
         (a message counts once per started {} bytes); this one was dropped",
        crate::rate_limits::messages::COST_UNIT_BYTES
    )]
    MessageRateLimited {
        /// The message type (`signal`...).
        kind: &'static str,
        /// Units that may be spent at once.
        burst: u32,
        /// Units refilled per minute.
        per_minute: u32,
    },
    /// A `signal`'s recipient has half its queue full (it reads slower than it is sent
    /// to); the signal was dropped rather than the recipient closed.
    #[error("the recipient is not keeping up; this signal was dropped, send it again later")]
    RecipientBusy,
    /// A commit was not accepted (answered with `commit_rejected`, not `error`).
    #[error("commit for epoch {epoch} rejected: {rejection}")]
    CommitRejected {
        /// The epoch the commit was made in.
        epoch: u64,
        /// The room's epoch, if it has a group.
        current_epoch: Option<u64>,
        /// Why.
        rejection: CommitRejection,
    },
    /// `answer_knock`, `end_meeting` or `application_message` (the request named) came
    /// from a participant who is no member of the room's group.
    #[error("{0}: only a member of the room's group may send it")]
    NotAMember(&'static str),
    /// `answer_knock` named a member of the group, who has no knock to answer.
    #[error("participant {0} is a member of the group, not a knocker")]
    NotKnocking(conclave_protocol::ParticipantId),
    /// A join challenge was refused (nothing changed).
    #[error("join challenge refused: {0}")]
    JoinChallengeRejected(JoinChallengeRejection),
    /// A test-hooks request was refused (for example too many faults armed at once).
    #[cfg(feature = "test-hooks")]
    #[error("test hooks: {0}")]
    TestHooks(&'static str),
}

/// Why a tree's release manifest cannot be used ([`Error::ReleaseManifest`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum ReleaseManifestProblem {
    /// The file exists but cannot be read.
    Unreadable(std::io::Error),
    /// The file is not a release manifest (shape, format, canonical form).
    Invalid(conclave_release::Error),
    /// Its `csp` has characters a header value cannot hold.
    CspNotAHeader,
    /// The tree is the Playwright suite's (`test_hooks: true`), signed with test keys whose
    /// seeds are public; a server built without the `test-hooks` feature never serves it.
    TestTree,
}

impl std::fmt::Display for ReleaseManifestProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreadable(error) => write!(f, "cannot be read: {error}"),
            Self::Invalid(error) => write!(f, "{error}"),
            Self::CspNotAHeader => write!(f, "its csp cannot be sent as a header"),
            Self::TestTree => write!(
                f,
                "it is a test tree (test_hooks: true, signed with public test keys); this \
                 server is built without test-hooks and serves no test tree"
            ),
        }
    }
}

impl Error {
    /// The protocol error code a client is sent for this refusal, if it is one.
    pub fn protocol_code(&self) -> Option<ErrorCode> {
        match self {
            Self::UnknownRoom => Some(ErrorCode::UnknownRoom),
            Self::RoomFull => Some(ErrorCode::RoomFull),
            Self::UnknownParticipant => Some(ErrorCode::UnknownParticipant),
            Self::NotJoined => Some(ErrorCode::NotJoined),
            Self::AlreadyJoined => Some(ErrorCode::AlreadyJoined),
            Self::MalformedMessage => Some(ErrorCode::MalformedMessage),
            Self::MessageTooBig => Some(ErrorCode::MessageTooBig),
            Self::GroupExists => Some(ErrorCode::GroupExists),
            Self::NoGroup => Some(ErrorCode::NoGroup),
            Self::KeyPackageRateLimited
            | Self::ApplicationMessageRateLimited
            | Self::MessageRateLimited { .. }
            | Self::RecipientBusy => Some(ErrorCode::RateLimited),
            Self::SfuUnavailable => Some(ErrorCode::SfuUnavailable),
            Self::JoinChallengeRejected(_) => Some(ErrorCode::InvalidJoinChallenge),
            Self::NotAMember(_) => Some(ErrorCode::NotAMember),
            Self::NotKnocking(_) => Some(ErrorCode::NotKnocking),
            Self::MissingIndex { .. }
            | Self::ReleaseManifest { .. }
            | Self::InvalidConfig { .. }
            | Self::ConfigFile { .. }
            | Self::ConfigSyntax { .. }
            | Self::Serve(_)
            | Self::Cluster(_)
            | Self::TooManyRooms
            | Self::RoomIdTaken
            | Self::RoomEnded
            | Self::ProtocolMismatch { .. }
            | Self::CommitRejected { .. } => None,
            #[cfg(feature = "test-hooks")]
            Self::TestHooks(_) => None,
        }
    }

    /// The message a client is sent for this refusal, if any: `commit_rejected` for a
    /// commit, `error` with the [`Self::protocol_code`] otherwise.
    pub fn reply(&self) -> Option<ServerMessage> {
        if let Self::CommitRejected {
            epoch,
            current_epoch,
            rejection,
        } = self
        {
            return Some(ServerMessage::CommitRejected {
                epoch: *epoch,
                current_epoch: *current_epoch,
                reason: rejection.to_string(),
            });
        }
        self.protocol_code().map(|code| ServerMessage::Error {
            code,
            message: self.to_string(),
        })
    }

    /// The WebSocket close code and reason that follow this refusal, if the connection
    /// must end; `None` means the connection goes on.
    pub fn close_frame(&self) -> Option<(u16, &'static str)> {
        match self {
            Self::UnknownRoom => Some((close_code::UNKNOWN_ROOM, "unknown room")),
            Self::RoomFull => Some((close_code::ROOM_FULL, "room full")),
            Self::MessageTooBig => Some((close_code::MESSAGE_TOO_BIG, "message too big")),
            Self::ProtocolMismatch { .. } => {
                Some((close_code::OTHER_VERSION, close_code::OTHER_VERSION_REASON))
            }
            _ => None,
        }
    }
}

/// A JSON error reply of the HTTP API (`POST /api/rooms`, or a WebSocket upgrade refused
/// before it happens).
pub(crate) fn api_error(status: StatusCode, code: ApiErrorCode, message: &str) -> Response {
    let body = ApiError {
        code,
        message: message.to_owned(),
    };
    (status, Json(body)).into_response()
}
