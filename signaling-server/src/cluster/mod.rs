//! Several `conclave-server` instances behind one address, sharing their rooms through
//! Redis (docs/proposals/scale-out.md). Only with a Redis URL configured; one instance with
//! no Redis stays the embedded default.
//!
//! Each room has one home instance that runs its state ([`homes`]: who is home, fenced so
//! that two instances never both accept a room's commits); [`registry`] knows which rooms
//! exist and which a member ended, for every instance to answer alike; [`tunnel`] carries a
//! participant whose socket reached another instance to the room's home.

pub mod homes;
pub mod registry;
pub mod socket;
pub mod tunnel;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use conclave_protocol::RoomId;
use tokio::sync::mpsc;

use redis::aio::ConnectionManager;

/// Why a step in Redis failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// Redis could not be reached or refused the command.
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// The Redis subscription is down (Redis was lost; it subscribes again when Redis is
    /// back), or nobody listens on the other instance's channel.
    #[error("the link to the other instances (Redis pub/sub) is down")]
    BusDown,
    /// A key holds something no Conclave instance writes.
    #[error("{key} in Redis holds an unexpected value")]
    Malformed {
        /// The key.
        key: String,
    },
}

/// One instance's name in Redis: 16 random bytes as hex, drawn at start (a restarted
/// instance is a new one: it holds none of the rooms it served before).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InstanceId(String);

impl InstanceId {
    /// A fresh random id.
    pub fn random() -> Self {
        let bytes: [u8; 16] = rand::random();
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The id as written in Redis keys and values.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id read back from Redis: 32 lowercase hex digits.
    fn from_redis(text: &str) -> Result<Self, ClusterError> {
        let well_formed = text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(ClusterError::Malformed {
                key: "a room's home".to_owned(),
            })
        }
    }
}

impl fmt::Debug for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InstanceId({})", self.0)
    }
}

/// One multiplexed connection to Redis at `url` (`redis://host:port`, `unix:///path`).
/// It reconnects by itself after Redis restarted; a command waits at most
/// [`REDIS_RESPONSE_TIMEOUT`].
pub async fn connect(url: &str) -> Result<ConnectionManager, ClusterError> {
    let client = redis::Client::open(url)?;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_response_timeout(Some(REDIS_RESPONSE_TIMEOUT))
        .set_connection_timeout(Some(REDIS_RESPONSE_TIMEOUT))
        .set_number_of_retries(2);
    Ok(client.get_connection_manager_with_config(config).await?)
}

/// Longest wait for one Redis command: a busy machine (or test run) must not turn a slow
/// answer into lost leases, a stalled Redis must not hold a connection for long.
pub const REDIS_RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a room's home holds it without renewing: how long a room waits for a new home
/// after its home died.
pub const HOME_LEASE: Duration = Duration::from_secs(6);
/// How often a home renews its rooms' leases (a third of [`HOME_LEASE`]).
pub const HOME_RENEWAL_PERIOD: Duration = Duration::from_secs(2);

/// Where a participant of a room is served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Here: this instance is the room's home.
    Here,
    /// At the room's home, another instance: through a tunnel.
    Home(InstanceId),
}

/// A lease this instance holds, and when it last routed a socket to it: a room routed to
/// lately is not released while its first participant is still being seated.
#[derive(Clone)]
struct HeldLease {
    lease: homes::HomeLease,
    routed_at: Instant,
}

/// How long after routing a socket a room that is not (yet) served here keeps its lease.
const SEATING_GRACE: Duration = Duration::from_secs(10);

/// This instance's part in a cluster: its tunnels, its rooms' leases and the registry.
pub struct Cluster {
    bus: tunnel::Bus,
    homes: homes::RoomHomes,
    registry: registry::RoomRegistry,
    /// The rooms this instance is home of, each with when a socket was last routed here.
    leases: Mutex<HashMap<RoomId, HeldLease>>,
}

impl Cluster {
    /// Connects to the Redis at `url` as a fresh instance; returns the cluster and the queue
    /// of tunnels that edges open to rooms homed here.
    pub async fn join(
        url: &str,
    ) -> Result<(Arc<Self>, mpsc::Receiver<tunnel::IncomingTunnel>), ClusterError> {
        let instance = InstanceId::random();
        let redis = connect(url).await?;
        let (bus, arrivals) = tunnel::Bus::start(url, redis.clone(), instance.clone()).await?;
        let cluster = Self {
            bus,
            homes: homes::RoomHomes::new(redis.clone(), instance, HOME_LEASE),
            registry: registry::RoomRegistry::new(redis),
            leases: Mutex::new(HashMap::new()),
        };
        Ok((Arc::new(cluster), arrivals))
    }

    /// This instance.
    pub fn instance(&self) -> &InstanceId {
        self.bus.instance()
    }

    /// Whether the link to Redis still works (readiness).
    pub fn is_up(&self) -> bool {
        self.bus.is_up()
    }

    /// The rooms every instance knows of.
    pub fn registry(&self) -> &registry::RoomRegistry {
        &self.registry
    }

    /// Where `room` is served: here (this instance just became, or already was, its home)
    /// or at another instance.
    pub async fn route(&self, room: &RoomId) -> Result<Route, ClusterError> {
        match self.homes.claim_or_find(room).await? {
            homes::Home::Mine(lease) => {
                let held = HeldLease {
                    lease,
                    routed_at: Instant::now(),
                };
                self.lock_leases().insert(room.clone(), held);
                Ok(Route::Here)
            }
            homes::Home::Elsewhere(home) => Ok(Route::Home(home)),
        }
    }

    /// On shutdown, first: gives every room up at once, so that the next participant to
    /// reconnect makes another instance its home without waiting for the lease to run out.
    /// Tunnels still carry the close frames of the connections ending here.
    pub async fn release_all_leases(&self) {
        let held: Vec<HeldLease> = self.lock_leases().drain().map(|(_, l)| l).collect();
        for held in held {
            let _ = self.homes.release(&held.lease).await;
        }
    }

    /// On shutdown, last: stops the tunnels and the heartbeat.
    pub fn stop(&self) {
        self.bus.stop();
    }

    /// Whether this instance holds `room`'s home lease.
    pub fn is_home_of(&self, room: &RoomId) -> bool {
        self.lock_leases().contains_key(room)
    }

    /// The rooms whose home lease this instance holds.
    pub fn homed_rooms(&self) -> Vec<RoomId> {
        self.lock_leases().keys().cloned().collect()
    }

    /// Opens a tunnel to `room` at its `home`.
    pub async fn open_tunnel(
        &self,
        home: &InstanceId,
        room: &RoomId,
    ) -> Result<tunnel::TunnelEnd, ClusterError> {
        self.bus.open(home, room).await
    }

    /// The atomic step before this instance accepts a commit for `room`: true only while it
    /// still holds the room's home lease (a home that paused past its lease must not).
    pub async fn confirm_home(&self, room: &RoomId) -> bool {
        let held = self.lock_leases().get(room).cloned();
        match held {
            Some(held) => self.homes.confirm(&held.lease).await.unwrap_or(false),
            None => false,
        }
    }

    /// Renews the lease of every room still served here (`served`), releases the others;
    /// returns the rooms whose lease was lost to another instance, whose participants the
    /// caller must close (1012) so that they reconnect to the new home.
    pub async fn renew_leases(&self, served: impl Fn(&RoomId) -> bool) -> Vec<RoomId> {
        let held: Vec<HeldLease> = self.lock_leases().values().cloned().collect();
        let mut lost = Vec::new();
        for HeldLease { lease, routed_at } in held {
            if !served(lease.room()) && routed_at.elapsed() > SEATING_GRACE {
                // Forgotten here first (if still this lease), so that a socket routed
                // meanwhile claims the room afresh instead of using a lease being released.
                if self.forget_lease(&lease) {
                    let _ = self.homes.release(&lease).await;
                }
                continue;
            }
            match self.homes.renew(&lease).await {
                Ok(true) => {}
                Ok(false) => {
                    self.forget_lease(&lease);
                    lost.push(lease.room().clone());
                }
                // Redis unreachable: the lease may run out; the bus closes every tunnel
                // if the subscription ended, and the next renewal decides.
                Err(error) => tracing::warn!(%error, "cannot renew a room's lease"),
            }
        }
        lost
    }

    /// Removes `lease` from the held ones if it is still the one held for its room.
    fn forget_lease(&self, lease: &homes::HomeLease) -> bool {
        let mut leases = self.lock_leases();
        let current = leases.get(lease.room()).map(|held| held.lease.token());
        if current == Some(lease.token()) {
            leases.remove(lease.room());
            true
        } else {
            false
        }
    }

    fn lock_leases(&self) -> MutexGuard<'_, HashMap<RoomId, HeldLease>> {
        self.leases.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
