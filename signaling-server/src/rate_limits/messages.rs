//! Per-connection budgets, one per client message type, checked by the connection's
//! reader before a message touches the rooms (so before it reaches anyone's queue).
//!
//! A message costs one unit per started [`COST_UNIT_BYTES`] of its JSON text: a 60 KiB
//! `signal` costs 15 units, an ICE candidate 1, so a flooder choosing large messages
//! gets few of them. The defaults ([`MessageLimits::default`]) come from what the client
//! sends; each is stated beside its number.

use std::time::Instant;

use conclave_protocol::ClientMessage;

use super::bucket::{Rate, TokenBucket};

/// A message costs one unit per started this many bytes of its text.
pub const COST_UNIT_BYTES: usize = 4096;

/// The type of a client message, as its `"type"` names it on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// `join`.
    Join,
    /// `signal`.
    Signal,
    /// `leave`.
    Leave,
    /// `start_group`.
    StartGroup,
    /// `publish_key_package`.
    PublishKeyPackage,
    /// `set_join_challenge`.
    SetJoinChallenge,
    /// `query_group_status`.
    QueryGroupStatus,
    /// `commit`.
    Commit,
    /// `answer_knock`.
    AnswerKnock,
    /// `end_meeting`.
    EndMeeting,
    /// `dispute_commit`.
    DisputeCommit,
    /// `application_message`.
    ApplicationMessage,
    /// `ping`.
    Ping,
}

impl MessageKind {
    /// Every kind, in the order of [`MessageLimits`]' table.
    pub const ALL: [MessageKind; 13] = [
        MessageKind::Join,
        MessageKind::Signal,
        MessageKind::Leave,
        MessageKind::StartGroup,
        MessageKind::PublishKeyPackage,
        MessageKind::SetJoinChallenge,
        MessageKind::QueryGroupStatus,
        MessageKind::Commit,
        MessageKind::AnswerKnock,
        MessageKind::EndMeeting,
        MessageKind::DisputeCommit,
        MessageKind::ApplicationMessage,
        MessageKind::Ping,
    ];

    /// The kind of `message`. No wildcard: a new message type must be given a budget.
    pub fn of(message: &ClientMessage) -> Self {
        match message {
            ClientMessage::Join { .. } => Self::Join,
            ClientMessage::Signal { .. } => Self::Signal,
            ClientMessage::Leave => Self::Leave,
            ClientMessage::StartGroup => Self::StartGroup,
            ClientMessage::PublishKeyPackage { .. } => Self::PublishKeyPackage,
            ClientMessage::SetJoinChallenge(_) => Self::SetJoinChallenge,
            ClientMessage::QueryGroupStatus => Self::QueryGroupStatus,
            ClientMessage::Commit { .. } => Self::Commit,
            ClientMessage::AnswerKnock { .. } => Self::AnswerKnock,
            ClientMessage::EndMeeting => Self::EndMeeting,
            ClientMessage::DisputeCommit { .. } => Self::DisputeCommit,
            ClientMessage::ApplicationMessage { .. } => Self::ApplicationMessage,
            ClientMessage::Ping => Self::Ping,
        }
    }

    /// The wire name (`"signal"`), also the key in the configuration's `[limits.messages]`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Join => "join",
            Self::Signal => "signal",
            Self::Leave => "leave",
            Self::StartGroup => "start_group",
            Self::PublishKeyPackage => "publish_key_package",
            Self::SetJoinChallenge => "set_join_challenge",
            Self::QueryGroupStatus => "query_group_status",
            Self::Commit => "commit",
            Self::AnswerKnock => "answer_knock",
            Self::EndMeeting => "end_meeting",
            Self::DisputeCommit => "dispute_commit",
            Self::ApplicationMessage => "application_message",
            Self::Ping => "ping",
        }
    }

    /// The kind the wire name `name` names.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What a message of `bytes` bytes costs.
pub fn cost_of(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(COST_UNIT_BYTES).max(1)).unwrap_or(u32::MAX)
}

/// A [`Rate`] per message kind, shared by every connection (from the configuration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageLimits {
    rates: [Rate; MessageKind::ALL.len()],
}

/// `join`, `leave`, `start_group`, `end_meeting`: once per connection.
const ONCE_PER_CONNECTION: Rate = Rate::constant(5, 30);
/// A mesh joiner exchanges an offer or answer and up to a dozen ICE candidates with each
/// peer at once (25 peers: about 350 units); renegotiations (a screen share) add a few.
const SIGNAL: Rate = Rate::constant(400, 1_200);
/// The client re-publishes while it knocks; the delivery service also allows 10 a minute
/// per participant.
const PUBLISH_KEY_PACKAGE: Rate = Rate::constant(10, 10);
/// Once per epoch change, by one member.
const SET_JOIN_CHALLENGE: Rate = Rate::constant(10, 60);
/// When newer-epoch frames arrive: a hint the client checks now and then.
const QUERY_GROUP_STATUS: Rate = Rate::constant(10, 60);
/// One commit per membership change. In a council of 30 a commit with its Welcome (the
/// ratchet tree, every member's credential) nears the 64 KiB message limit, and 27
/// delegations join within a minute: 1 MiB at once, then 64 KiB a second.
const COMMIT: Rate = Rate::constant(256, 960);
/// A chair admitting a council's delegations at once.
const ANSWER_KNOCK: Rate = Rate::constant(30, 120);
/// After a commit that broke the rules, once per epoch.
const DISPUTE_COMMIT: Rate = Rate::constant(10, 60);
/// Chat, media state, hands, reactions; the delivery service also allows 50 per 10 s per
/// participant.
const APPLICATION_MESSAGE: Rate = Rate::constant(50, 300);
/// The client pings every 5 s.
const PING: Rate = Rate::constant(10, 60);

impl Default for MessageLimits {
    /// The constants above, from what the client sends.
    fn default() -> Self {
        let mut limits = Self {
            rates: [ONCE_PER_CONNECTION; MessageKind::ALL.len()],
        };
        limits.set(MessageKind::Signal, SIGNAL);
        limits.set(MessageKind::PublishKeyPackage, PUBLISH_KEY_PACKAGE);
        limits.set(MessageKind::SetJoinChallenge, SET_JOIN_CHALLENGE);
        limits.set(MessageKind::QueryGroupStatus, QUERY_GROUP_STATUS);
        limits.set(MessageKind::Commit, COMMIT);
        limits.set(MessageKind::AnswerKnock, ANSWER_KNOCK);
        limits.set(MessageKind::DisputeCommit, DISPUTE_COMMIT);
        limits.set(MessageKind::ApplicationMessage, APPLICATION_MESSAGE);
        limits.set(MessageKind::Ping, PING);
        limits
    }
}

impl MessageLimits {
    /// The rate of `kind`.
    pub fn rate(&self, kind: MessageKind) -> Rate {
        self.rates[kind.index()]
    }

    /// Sets the rate of `kind`.
    pub fn set(&mut self, kind: MessageKind, rate: Rate) {
        self.rates[kind.index()] = rate;
    }
}

/// One connection's buckets, one per message kind.
#[derive(Clone, Debug, Default)]
pub struct MessageBudgets {
    buckets: [TokenBucket; MessageKind::ALL.len()],
}

impl MessageBudgets {
    /// Spends what a message of `kind` and `bytes` bytes costs at `now`; false (spending
    /// nothing) when its budget is used up: the message must be dropped.
    pub fn spend(
        &mut self,
        limits: &MessageLimits,
        kind: MessageKind,
        bytes: usize,
        now: Instant,
    ) -> bool {
        self.buckets[kind.index()]
            .spend(limits.rate(kind), now, cost_of(bytes))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn kinds_and_names_round_trip_in_table_order() {
        for (index, kind) in MessageKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), index);
            assert_eq!(MessageKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(MessageKind::from_name("Signal"), None);
        // The wire's own name, as serde writes it.
        let ping = serde_json::to_value(ClientMessage::Ping).unwrap();
        assert_eq!(ping["type"], MessageKind::Ping.name());
    }

    #[test]
    fn large_messages_cost_more() {
        assert_eq!(cost_of(0), 1);
        assert_eq!(cost_of(COST_UNIT_BYTES), 1);
        assert_eq!(cost_of(COST_UNIT_BYTES + 1), 2);
        assert_eq!(cost_of(60 * 1024), 15);
    }

    #[test]
    fn each_kind_spends_its_own_budget() {
        let limits = MessageLimits::default();
        let mut budgets = MessageBudgets::default();
        let now = Instant::now();
        let pings = limits.rate(MessageKind::Ping).burst();
        for _ in 0..pings {
            assert!(budgets.spend(&limits, MessageKind::Ping, 20, now));
        }
        assert!(!budgets.spend(&limits, MessageKind::Ping, 20, now));
        // Pings used up leave signals untouched.
        assert!(budgets.spend(&limits, MessageKind::Signal, 300, now));
        assert!(budgets.spend(&limits, MessageKind::Ping, 20, now + Duration::from_secs(1)));
    }

    #[test]
    fn a_joiners_burst_of_signals_passes() {
        // A mesh joiner with 25 peers: an answer (8 KiB SDP) and 12 ICE candidates each.
        let limits = MessageLimits::default();
        let mut budgets = MessageBudgets::default();
        let now = Instant::now();
        for _ in 0..25 {
            assert!(budgets.spend(&limits, MessageKind::Signal, 8 * 1024, now));
            for _ in 0..12 {
                assert!(budgets.spend(&limits, MessageKind::Signal, 400, now));
            }
        }
    }
}
