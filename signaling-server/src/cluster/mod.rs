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
pub mod tunnel;

use std::fmt;

use redis::aio::MultiplexedConnection;

/// Why a step in Redis failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// Redis could not be reached or refused the command.
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// The Redis subscription ended (Redis was lost): no tunnel opens until a restart.
    #[error("the link to the other instances (Redis pub/sub) is down")]
    BusDown,
    /// A key holds something no Conclave instance writes.
    #[error("Redis key {key} holds an unexpected value")]
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
pub async fn connect(url: &str) -> Result<MultiplexedConnection, ClusterError> {
    let client = redis::Client::open(url)?;
    Ok(client.get_multiplexed_async_connection().await?)
}
