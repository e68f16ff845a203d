//! Room homes in Redis: which instance serves each room, fenced so that two instances never
//! both accept a room's commits.
//!
//! A room's home is the one instance that runs its [`crate::rooms`] state (and so its
//! Delivery Service, which orders the group's commits). The home key
//! `conclave:room:{id}:home` holds `"<instance>:<token>"` with a lease; the token comes from
//! one counter (`conclave:fence`), so a later home always holds a larger token than an
//! earlier one. Every step is one Lua script, atomic in Redis:
//!
//! | step | script | result |
//! |------|--------|--------|
//! | claim or find | `GET`; if none, `INCR` the fence and `SET .. PX lease` | [`Home::Mine`] or [`Home::Elsewhere`] |
//! | renew / confirm | `GET`; if it is ours, `PEXPIRE` | still ours, or not |
//! | release | `GET`; if it is ours, `DEL` | — |
//!
//! "Confirm" is the atomic step before a commit is accepted: a home that paused past its
//! lease (another instance claimed the room meanwhile) finds the key no longer its own and
//! must reject the commit, as it rejects a late one. Confirming also extends the lease by a
//! full term, and the commit is applied right after (no IO in between), so two instances
//! accept commits for one epoch only if the home stalls for longer than the whole lease
//! between its confirm and the relay a few microseconds later. Lamport-style fencing of the
//! relay itself (the token checked by whoever stores the commit) would close even that; no
//! store here takes commits. The lease bounds how long a room waits for a new home after
//! its home died.

use std::time::Duration;

use conclave_protocol::RoomId;
use redis::aio::ConnectionManager;
use redis::Script;

use super::{ClusterError, InstanceId};

/// Takes the home key if nobody holds it. KEYS: home key, fence counter. ARGV: instance,
/// lease in ms. Returns `{1, token}` when taken, `{0, "<instance>:<token>"}` when held.
const CLAIM_OR_FIND: &str = r"
local held = redis.call('GET', KEYS[1])
if held then return {0, held} end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return {1, token}
";

/// Extends the lease if the key is still ours. KEYS: home key. ARGV: our value, lease ms.
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// Deletes the key if it is still ours. KEYS: home key. ARGV: our value.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// The room's home as Redis holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Home {
    /// This instance is the home, under this lease.
    Mine(HomeLease),
    /// Another instance is.
    Elsewhere(InstanceId),
}

/// This instance's hold on a room's home key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeLease {
    room: RoomId,
    /// The fence token: larger for every later home of any room.
    token: u64,
}

impl HomeLease {
    /// The room.
    pub fn room(&self) -> &RoomId {
        &self.room
    }

    /// The fence token.
    pub fn token(&self) -> u64 {
        self.token
    }
}

/// The room homes of one instance, over one multiplexed Redis connection.
#[derive(Clone)]
pub struct RoomHomes {
    redis: ConnectionManager,
    instance: InstanceId,
    lease: Duration,
    claim_or_find: Script,
    renew: Script,
    release: Script,
}

impl RoomHomes {
    /// Room homes for `instance` with leases of `lease`.
    pub fn new(redis: ConnectionManager, instance: InstanceId, lease: Duration) -> Self {
        Self {
            redis,
            instance,
            lease,
            claim_or_find: Script::new(CLAIM_OR_FIND),
            renew: Script::new(RENEW),
            release: Script::new(RELEASE),
        }
    }

    /// This instance.
    pub fn instance(&self) -> &InstanceId {
        &self.instance
    }

    /// Becomes the room's home if it has none, or says which instance is.
    pub async fn claim_or_find(&self, room: &RoomId) -> Result<Home, ClusterError> {
        let (taken, value): (u8, String) = self
            .claim_or_find
            .key(home_key(room))
            .key(FENCE_KEY)
            .arg(self.instance.as_str())
            .arg(lease_ms(self.lease))
            .invoke_async(&mut self.redis.clone())
            .await?;
        if taken == 1 {
            let token = value.parse().map_err(|_| ClusterError::Malformed {
                key: "a room's home".to_owned(),
            })?;
            return Ok(Home::Mine(HomeLease {
                room: room.clone(),
                token,
            }));
        }
        let (instance, token) =
            split_home_value(&value).ok_or_else(|| ClusterError::Malformed {
                key: "a room's home".to_owned(),
            })?;
        if instance == self.instance.as_str() {
            // Our own key from before (a connection that raced this one): still ours.
            let token = token.parse().map_err(|_| ClusterError::Malformed {
                key: "a room's home".to_owned(),
            })?;
            return Ok(Home::Mine(HomeLease {
                room: room.clone(),
                token,
            }));
        }
        Ok(Home::Elsewhere(InstanceId::from_redis(instance)?))
    }

    /// Extends the lease; `false` when the room has another home now (this one paused past
    /// its lease), after which this instance must stop serving the room.
    pub async fn renew(&self, lease: &HomeLease) -> Result<bool, ClusterError> {
        let extended: u8 = self
            .renew
            .key(home_key(&lease.room))
            .arg(self.home_value(lease))
            .arg(lease_ms(self.lease))
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(extended == 1)
    }

    /// The atomic step before a commit is accepted: `true` only if this instance still
    /// holds the room's home under `lease` (the lease is extended too).
    pub async fn confirm(&self, lease: &HomeLease) -> Result<bool, ClusterError> {
        self.renew(lease).await
    }

    /// Gives the room up (it emptied, or this instance shuts down) if it is still ours.
    pub async fn release(&self, lease: &HomeLease) -> Result<(), ClusterError> {
        let _deleted: u8 = self
            .release
            .key(home_key(&lease.room))
            .arg(self.home_value(lease))
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(())
    }

    fn home_value(&self, lease: &HomeLease) -> String {
        format!("{}:{}", self.instance.as_str(), lease.token)
    }
}

/// The fence counter.
const FENCE_KEY: &str = "conclave:fence";

fn home_key(room: &RoomId) -> String {
    format!("conclave:room:{}:home", room.as_str())
}

fn lease_ms(lease: Duration) -> u64 {
    u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// `"<instance>:<token>"` split at the last colon.
fn split_home_value(value: &str) -> Option<(&str, &str)> {
    value.rsplit_once(':')
}
