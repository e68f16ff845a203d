//! Rate limits, without IO: time is an argument, and the callers (`connection` for
//! messages, `http_limits` for HTTP requests) act on the answers.
//!
//! - Per connection, per message type ([`messages`]): the connection's reader checks a
//!   message's budget before the message touches the rooms; over budget, the message is
//!   dropped and the sender answered `rate_limited` (those answers have a budget of their
//!   own, beyond which the drops are silent). The recipients never see the flood, so a
//!   flood never fills their queues and never gets them closed.
//! - Per client address ([`addresses`]): `POST /api/rooms` and `PUT /api/rooms/{id}`
//!   share one budget, WebSocket opens another; over it, HTTP 429 with `Retry-After`.
//!
//! Every budget is a [`TokenBucket`] spending against a [`Rate`] (a burst, then a pace).
//! The numbers are [`Limits::default`]'s, each with its reason, and every one is set in
//! the configuration's `[limits]` section (see the README).

pub mod addresses;
mod bucket;
pub mod messages;

use std::net::IpAddr;
use std::time::{Duration, Instant};

pub use addresses::{client_address, AddressLimiter};
pub use bucket::{Rate, TokenBucket};
pub use messages::{MessageBudgets, MessageKind, MessageLimits};

/// Every rate limit's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Per client address: room creations and holds (`POST /api/rooms`,
    /// `PUT /api/rooms/{id}`).
    pub room_creations: Rate,
    /// Per client address: WebSocket opens (`GET /ws/{room}`).
    pub websocket_opens: Rate,
    /// Most client addresses tracked at once, per limit.
    pub tracked_addresses: usize,
    /// Proxies whose `X-Forwarded-For` is believed; none by default.
    pub trusted_proxies: Vec<IpAddr>,
    /// Per connection, per message type.
    pub messages: MessageLimits,
    /// Per connection: `rate_limited` answers; further drops are silent.
    pub rate_limited_replies: Rate,
}

/// One person creates a room per meeting; after a server restart every client of every
/// meeting behind one office's NAT holds its room again at once (and retries on 429).
const ROOM_CREATIONS: Rate = Rate::constant(30, 30);
/// A meeting's participants behind one NAT join within minutes, and reconnect together
/// after a network change or a server restart.
const WEBSOCKET_OPENS: Rate = Rate::constant(120, 120);
/// About 3 MB per limit when full.
const TRACKED_ADDRESSES: usize = 65_536;
/// Enough for a client to learn that it is being limited, once a second at most.
const RATE_LIMITED_REPLIES: Rate = Rate::constant(5, 60);

impl Default for Limits {
    fn default() -> Self {
        Self {
            room_creations: ROOM_CREATIONS,
            websocket_opens: WEBSOCKET_OPENS,
            tracked_addresses: TRACKED_ADDRESSES,
            trusted_proxies: Vec::new(),
            messages: MessageLimits::default(),
            rate_limited_replies: RATE_LIMITED_REPLIES,
        }
    }
}

/// Which per-address limit a request spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressLimit {
    /// `POST /api/rooms`, `PUT /api/rooms/{id}`.
    RoomCreation,
    /// `GET /ws/{room}`.
    WebSocketOpen,
}

/// The per-address limiters of one server.
#[derive(Debug)]
pub struct AddressLimits {
    room_creations: AddressLimiter,
    websocket_opens: AddressLimiter,
}

impl AddressLimits {
    /// Empty limiters for `limits`.
    pub fn new(limits: &Limits) -> Self {
        Self {
            room_creations: AddressLimiter::new(limits.room_creations, limits.tracked_addresses),
            websocket_opens: AddressLimiter::new(limits.websocket_opens, limits.tracked_addresses),
        }
    }

    /// Spends one request of `limit` for `address` at `now`, or returns how long until
    /// it may try again.
    pub fn spend(
        &mut self,
        limit: AddressLimit,
        address: IpAddr,
        now: Instant,
    ) -> Result<(), Duration> {
        match limit {
            AddressLimit::RoomCreation => self.room_creations.spend(address, now),
            AddressLimit::WebSocketOpen => self.websocket_opens.spend(address, now),
        }
    }
}
