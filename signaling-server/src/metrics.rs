//! What the operator sees of the server: the Prometheus series of `GET /metrics` and one
//! log line per join, leave and commit. Both are recorded here, in one call per event
//! (`record_join`, `record_leave`, `record_commit`, `record_refusal`), so a series and its
//! log line cannot drift apart.
//!
//! Nothing here names a person or a meeting. Participant ids are the room's own counters;
//! a room appears only as its [`RoomTag`] (in logs, never as a label), because the room id
//! is the capability the invite link carries: whoever reads it can knock on the meeting.
//! Labels take values from closed sets (reasons, outcomes, protocol error codes, Janus
//! request names), so the number of series stays bounded whatever clients send.
//!
//! Series (all prefixed `conclave_`; the table in docs/ADMIN.md explains each):
//! `rooms`, `rooms_limit`, `connections`, `connections_limit`, `joins_total`,
//! `leaves_total{reason}`, `commits_total{outcome}`, `rejections_total{code}`,
//! `rooms_created_total{via}`, `build_info{version,protocol}` and, with an SFU,
//! `sfu_up` (1 while at least one Janus is up), `janus_up{janus}` (each Janus, by its
//! index in the configuration), `sfu_requests_total{request,outcome}`,
//! `sfu_request_duration_seconds{request}`.
//!
//! With several instances, `redis_up` (1 while the link to their Redis works, read at each
//! scrape).

use std::fmt;
use std::time::Duration;

use conclave_protocol::{ParticipantId, RoomId, ServerMessage, PROTOCOL_VERSION};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};

use crate::config::{Config, MediaConfig};
use crate::error::Error;

/// The `Content-Type` of `GET /metrics`: Prometheus' text format 0.0.4, which every
/// Prometheus-compatible scraper reads.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Upper bounds (seconds) of the SFU request latency buckets: a Janus on the same host
/// answers in about a millisecond, one across a network in tens; requests time out at 5 s.
const SFU_LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// A room as logs show it: the first 32 bits of SHA-256 of its id, in hex.
///
/// The id has 128 random bits, so the tag leads nobody to the room; it is not keyed, so
/// the lines of one meeting can be followed across instances and restarts, and an operator
/// handed an invite link can find its meeting's lines (`sha256sum` of the id).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RoomTag([u8; 4]);

impl RoomTag {
    /// The tag of `room`.
    pub fn of(room: &RoomId) -> Self {
        let digest = Sha256::digest(room.as_str().as_bytes());
        Self([digest[0], digest[1], digest[2], digest[3]])
    }
}

impl fmt::Display for RoomTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for RoomTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoomTag({self})")
    }
}

/// Why a joined participant left its room, as far as the server can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeaveReason {
    /// The client sent `leave`.
    Left,
    /// The connection ended without `leave`: the client closed it or the network broke.
    Closed,
    /// The client sent nothing, not even a pong, for the idle timeout.
    Timeout,
    /// A member's commit removed it from the group (closed with 4403).
    Removed,
    /// A member ended the meeting.
    Ended,
    /// The server closed it after a request it refuses to serve (a message too big...).
    Refused,
    /// Its send queue overflowed: it did not read what the room sent it (closed with 4408).
    TooSlow,
    /// The server is shutting down.
    Shutdown,
}

impl LeaveReason {
    /// The label value and log field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Left => "left",
            Self::Closed => "closed",
            Self::Timeout => "timeout",
            Self::Removed => "removed",
            Self::Ended => "ended",
            Self::Refused => "refused",
            Self::TooSlow => "too_slow",
            Self::Shutdown => "shutdown",
        }
    }
}

/// How the server answered a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitOutcome {
    /// Relayed to the room: it is the epoch's commit.
    Accepted,
    /// Answered `commit_rejected`; nothing relayed.
    Rejected,
}

impl CommitOutcome {
    /// The label value and log field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }
}

/// How a room came to be held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoomCreation {
    /// `POST /api/rooms`: a new meeting.
    Created,
    /// `PUT /api/rooms/{id}` for a room the server did not hold (it restarted, or another
    /// instance held it): a meeting in progress came back.
    HeldAgain,
}

impl RoomCreation {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "create",
            Self::HeldAgain => "hold",
        }
    }
}

/// How one request to the SFU ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SfuOutcome {
    /// Answered with success.
    Ok,
    /// Answered with an error.
    Refused,
    /// No answer in time.
    Timeout,
    /// The connection failed or could not be opened.
    ConnectionFailed,
    /// An answer of an unexpected shape.
    UnexpectedAnswer,
}

impl SfuOutcome {
    /// The outcome of a finished request.
    pub fn of<T>(result: &Result<T, crate::sfu::SfuError>) -> Self {
        use crate::sfu::SfuError;
        match result {
            Ok(_) => Self::Ok,
            Err(SfuError::Refused { .. }) => Self::Refused,
            Err(SfuError::Timeout { .. }) => Self::Timeout,
            Err(SfuError::UnexpectedAnswer { .. }) => Self::UnexpectedAnswer,
            Err(_) => Self::ConnectionFailed,
        }
    }

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Refused => "refused",
            Self::Timeout => "timeout",
            Self::ConnectionFailed => "connection_failed",
            Self::UnexpectedAnswer => "unexpected_answer",
        }
    }
}

/// Writes an enum's `as_str` as a label value.
macro_rules! label_value_as_str {
    ($($kind:ty),*) => {$(
        impl EncodeLabelValue for $kind {
            fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), fmt::Error> {
                fmt::Write::write_str(encoder, self.as_str())
            }
        }
    )*};
}
label_value_as_str!(LeaveReason, CommitOutcome, RoomCreation, SfuOutcome);

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LeaveLabels {
    reason: LeaveReason,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommitLabels {
    outcome: CommitOutcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectionLabels {
    /// The protocol's `error` code, as on the wire.
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CreationLabels {
    via: RoomCreation,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SfuRequestLabels {
    /// The adapter's fixed name for the request (`connect`, `videoroom create`...).
    request: &'static str,
    outcome: SfuOutcome,
}

/// One configured Janus, by its index in the configuration (from 0), not its URL, which
/// may name internal hosts.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JanusLabels {
    janus: usize,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SfuLatencyLabels {
    request: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    protocol: u32,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// What the SFU adapter reports: whether its connection is up (read by readiness and by
/// `conclave_sfu_up`) and each request's outcome and latency. Cheap to clone: every part
/// is shared.
#[derive(Clone, Debug)]
pub struct SfuProbe {
    /// 1 while at least one Janus is up.
    up: Gauge,
    /// How many Janus are up (not exported: `up` and `janus_up` say it).
    up_count: Gauge,
    /// Each Janus' connection, by configuration index.
    janus_up: Family<JanusLabels, Gauge>,
    /// The Janus this handle reports for ([`Self::for_janus`]).
    janus: usize,
    requests: Family<SfuRequestLabels, Counter>,
    latency: HistogramFamily<SfuLatencyLabels>,
}

impl Default for SfuProbe {
    fn default() -> Self {
        Self {
            up: Gauge::default(),
            up_count: Gauge::default(),
            janus_up: Family::default(),
            janus: 0,
            requests: Family::default(),
            latency: Family::new_with_constructor(|| Histogram::new(SFU_LATENCY_BUCKETS)),
        }
    }
}

impl SfuProbe {
    /// The same probe, reporting the connection of the Janus at `janus` in the
    /// configuration (requests are counted together).
    pub fn for_janus(&self, janus: usize) -> Self {
        Self {
            janus,
            ..self.clone()
        }
    }

    /// The adapter holds a working connection (`true`) or lost it (`false`).
    pub fn set_connected(&self, connected: bool) {
        let was = self
            .janus_up
            .get_or_create(&JanusLabels { janus: self.janus })
            .set(i64::from(connected));
        match (was == 1, connected) {
            (false, true) => {
                self.up_count.inc();
            }
            (true, false) => {
                self.up_count.dec();
            }
            _ => {}
        }
        self.up.set(i64::from(self.is_connected()));
    }

    /// Whether at least one Janus is connected (`false` before the first connection).
    pub fn is_connected(&self) -> bool {
        self.up_count.get() > 0
    }

    /// Counts one finished request named `request` and records how long it took.
    pub fn record_request(&self, request: &'static str, outcome: SfuOutcome, took: Duration) {
        self.requests
            .get_or_create(&SfuRequestLabels { request, outcome })
            .inc();
        self.latency
            .get_or_create(&SfuLatencyLabels { request })
            .observe(took.as_secs_f64());
    }
}

/// Every series of `GET /metrics`, and the event log. Held once in the server's state.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    rooms: Gauge,
    connections: Gauge,
    joins: Counter,
    leaves: Family<LeaveLabels, Counter>,
    commits: Family<CommitLabels, Counter>,
    rejections: Family<RejectionLabels, Counter>,
    rooms_created: Family<CreationLabels, Counter>,
    sfu: SfuProbe,
    /// 1 while the link to the Redis of several instances works (registered only then).
    redis_up: Gauge,
}

impl Metrics {
    /// Fresh series for a server with `config`; the SFU series only when it uses an SFU.
    pub fn new(config: &Config) -> Self {
        let metrics = Self {
            registry: Registry::with_prefix("conclave"),
            rooms: Gauge::default(),
            connections: Gauge::default(),
            joins: Counter::default(),
            leaves: Family::default(),
            commits: Family::default(),
            rejections: Family::default(),
            rooms_created: Family::default(),
            sfu: SfuProbe::default(),
            redis_up: Gauge::default(),
        };
        metrics.registered(config)
    }

    /// `self` with every series in its registry.
    fn registered(mut self, config: &Config) -> Self {
        let rooms_limit = Gauge::<i64>::default();
        rooms_limit.set(i64::try_from(config.max_rooms).unwrap_or(i64::MAX));
        let connections_limit = Gauge::<i64>::default();
        connections_limit.set(i64::from(config.max_connections));
        let registry = &mut self.registry;
        registry.register("rooms", "Rooms held now", self.rooms.clone());
        registry.register(
            "rooms_limit",
            "Most rooms held at once (max_rooms)",
            rooms_limit,
        );
        registry.register(
            "connections",
            "WebSocket connections open now",
            self.connections.clone(),
        );
        registry.register(
            "connections_limit",
            "Most WebSocket connections at once (max_connections)",
            connections_limit,
        );
        registry.register(
            "joins",
            "Participants who joined a room",
            self.joins.clone(),
        );
        registry.register(
            "leaves",
            "Joined participants who left their room, by reason",
            self.leaves.clone(),
        );
        registry.register(
            "commits",
            "MLS commits the Delivery Service accepted or rejected",
            self.commits.clone(),
        );
        registry.register(
            "rejections",
            "Requests refused with a protocol error, by its code",
            self.rejections.clone(),
        );
        registry.register(
            "rooms_created",
            "Rooms created (via=create) or held again after a restart (via=hold)",
            self.rooms_created.clone(),
        );
        registry.register(
            "build",
            "The server's version and protocol version",
            Info::new(BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
                protocol: PROTOCOL_VERSION,
            }),
        );
        if config.cluster.is_some() {
            registry.register(
                "redis_up",
                "1 while the link to the Redis shared by several instances works",
                self.redis_up.clone(),
            );
        }
        if matches!(config.media, MediaConfig::Janus(_)) {
            registry.register(
                "sfu_up",
                "1 while the server's connection to its SFU (at least one Janus) is up",
                self.sfu.up.clone(),
            );
            registry.register(
                "janus_up",
                "1 while the server's connection to the Janus at this index of the configuration (from 0) is up",
                self.sfu.janus_up.clone(),
            );
            registry.register(
                "sfu_requests",
                "Requests the server sent its SFU, by request and outcome",
                self.sfu.requests.clone(),
            );
            registry.register(
                "sfu_request_duration_seconds",
                "Time from sending a request to the SFU to its answer",
                self.sfu.latency.clone(),
            );
        }
        self
    }

    /// The SFU adapter's reporting handle.
    pub fn sfu_probe(&self) -> SfuProbe {
        self.sfu.clone()
    }

    /// Whether the link to Redis works now (read at each scrape).
    pub fn set_redis_up(&self, up: bool) {
        self.redis_up.set(i64::from(up));
    }

    /// Whether the SFU adapter last reported a working connection.
    pub fn sfu_connected(&self) -> bool {
        self.sfu.is_connected()
    }

    /// Every series in Prometheus' text format, with the gauges read now: `rooms` rooms
    /// held and `connections` WebSocket connections open.
    pub fn render(&self, rooms: usize, connections: usize) -> String {
        self.rooms.set(i64::try_from(rooms).unwrap_or(i64::MAX));
        self.connections
            .set(i64::try_from(connections).unwrap_or(i64::MAX));
        let mut text = String::new();
        // Writing to a String cannot fail; an encoder error would only cut the page short.
        if let Err(error) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
        {
            tracing::error!(%error, "could not encode the metrics");
        }
        text
    }

    /// A participant joined `room`.
    pub fn record_join(&self, room: &RoomId, participant: ParticipantId) {
        self.joins.inc();
        tracing::info!(
            event = "join",
            room_tag = %RoomTag::of(room),
            participant = participant.0,
            "joined"
        );
    }

    /// A joined participant is no longer in `room`.
    pub fn record_leave(&self, room: &RoomId, participant: ParticipantId, reason: LeaveReason) {
        self.leaves.get_or_create(&LeaveLabels { reason }).inc();
        tracing::info!(
            event = "leave",
            room_tag = %RoomTag::of(room),
            participant = participant.0,
            reason = reason.as_str(),
            "left"
        );
    }

    /// The Delivery Service accepted a commit from `participant` for `epoch`.
    pub fn record_commit(&self, room: &RoomId, participant: ParticipantId, epoch: u64) {
        let outcome = CommitOutcome::Accepted;
        self.commits.get_or_create(&CommitLabels { outcome }).inc();
        tracing::info!(
            event = "commit",
            room_tag = %RoomTag::of(room),
            participant = participant.0,
            epoch,
            outcome = outcome.as_str(),
            "commit"
        );
    }

    /// The server refused a request with `error` (answered as [`Error::reply`] says). A
    /// commit rejection counts as a commit; any other refusal by its protocol code. `room`
    /// and `participant` are known once the client joined.
    pub fn record_refusal(
        &self,
        room: Option<&RoomId>,
        participant: Option<ParticipantId>,
        error: &Error,
    ) {
        if let Error::CommitRejected {
            epoch, rejection, ..
        } = error
        {
            let outcome = CommitOutcome::Rejected;
            self.commits.get_or_create(&CommitLabels { outcome }).inc();
            tracing::info!(
                event = "commit",
                room_tag = room.map(|room| tracing::field::display(RoomTag::of(room))),
                participant = participant.map(|id| id.0),
                epoch,
                outcome = outcome.as_str(),
                reason = %rejection,
                "commit"
            );
            return;
        }
        if let Some(ServerMessage::Error { code, .. }) = error.reply() {
            let code = serde_json::to_value(code)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_else(|| "unknown".to_owned());
            self.rejections
                .get_or_create(&RejectionLabels { code })
                .inc();
        }
    }

    /// A room came to be held.
    pub fn record_room_created(&self, via: RoomCreation) {
        self.rooms_created
            .get_or_create(&CreationLabels { via })
            .inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery_service::CommitRejection;

    fn room(text: &str) -> RoomId {
        RoomId::parse(text).unwrap_or_else(|_| panic!("{text} is a room id"))
    }

    #[test]
    fn a_room_tag_is_eight_hex_of_the_ids_sha256() {
        // printf AAAAAAAAAAAAAAAAAAAAAA | sha256sum
        let tag = RoomTag::of(&room("AAAAAAAAAAAAAAAAAAAAAA"));
        assert_eq!(tag.to_string(), "8a5bdb4c");
        assert_eq!(format!("{tag:?}"), "RoomTag(8a5bdb4c)");
        assert_ne!(tag, RoomTag::of(&room("AAAAAAAAAAAAAAAAAAAAAB")));
    }

    #[test]
    fn mesh_servers_have_no_sfu_series() {
        let metrics = Metrics::new(&Config::new("www"));
        let text = metrics.render(0, 0);
        assert!(text.contains("conclave_rooms 0"), "{text}");
        assert!(!text.contains("sfu"), "{text}");
    }

    #[test]
    fn refusals_count_by_protocol_code_and_commit_rejections_as_commits() {
        let metrics = Metrics::new(&Config::new("www"));
        metrics.record_refusal(None, None, &Error::NotJoined);
        metrics.record_refusal(None, None, &Error::NotJoined);
        metrics.record_refusal(None, None, &Error::RoomFull);
        let stale = Error::CommitRejected {
            epoch: 3,
            current_epoch: Some(4),
            rejection: CommitRejection::StaleEpoch { current: 4 },
        };
        metrics.record_refusal(
            Some(&room("AAAAAAAAAAAAAAAAAAAAAA")),
            Some(ParticipantId(2)),
            &stale,
        );
        metrics.record_commit(&room("AAAAAAAAAAAAAAAAAAAAAA"), ParticipantId(1), 3);
        let text = metrics.render(0, 0);
        assert!(
            text.contains("conclave_commits_total{outcome=\"rejected\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("conclave_commits_total{outcome=\"accepted\"} 1"),
            "{text}"
        );
        assert!(!text.contains("commit_rejected"), "{text}");
        assert!(
            text.contains("conclave_rejections_total{code=\"not_joined\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("conclave_rejections_total{code=\"room_full\"} 1"),
            "{text}"
        );
    }
}
