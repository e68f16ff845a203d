//! Which rooms exist and which a member ended, for every instance to answer alike: a room
//! created on one instance can be joined through another, and an ended room is held again by
//! none (`PUT /api/rooms/{id}` answers 410 everywhere, as on one instance).
//!
//! `conclave:room:{id}` marks a room that exists, with the empty-room TTL (the home refreshes
//! it while the room is occupied); `conclave:ended:{id}` is an ended room's tombstone, kept
//! for [`ENDED_ROOM_MEMORY`].

use std::time::Duration;

use conclave_protocol::RoomId;
use redis::aio::ConnectionManager;
use redis::AsyncCommands;

use super::ClusterError;

/// How long an ended room is remembered (one instance remembers the latest 10,000).
pub const ENDED_ROOM_MEMORY: Duration = Duration::from_secs(7 * 24 * 3600);

/// The rooms every instance knows of.
#[derive(Clone)]
pub struct RoomRegistry {
    redis: ConnectionManager,
}

impl RoomRegistry {
    /// The registry over `redis`.
    pub fn new(redis: ConnectionManager) -> Self {
        Self { redis }
    }

    /// Records that `room` exists for at least `ttl` more (creation, or the home's refresh
    /// while people are in it).
    pub async fn record_room(&self, room: &RoomId, ttl: Duration) -> Result<(), ClusterError> {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let () = self.redis.clone().pset_ex(room_key(room), 1u8, ms).await?;
        Ok(())
    }

    /// Whether `room` exists.
    pub async fn room_exists(&self, room: &RoomId) -> Result<bool, ClusterError> {
        Ok(self.redis.clone().exists(room_key(room)).await?)
    }

    /// Records that a member ended `room`: it no longer exists and is never held again.
    pub async fn record_ended(&self, room: &RoomId) -> Result<(), ClusterError> {
        let ms = u64::try_from(ENDED_ROOM_MEMORY.as_millis()).unwrap_or(u64::MAX);
        let () = redis::pipe()
            .atomic()
            .del(room_key(room))
            .ignore()
            .pset_ex(ended_key(room), 1u8, ms)
            .ignore()
            .query_async(&mut self.redis.clone())
            .await?;
        Ok(())
    }

    /// Whether a member ended `room`.
    pub async fn was_ended(&self, room: &RoomId) -> Result<bool, ClusterError> {
        Ok(self.redis.clone().exists(ended_key(room)).await?)
    }
}

fn room_key(room: &RoomId) -> String {
    format!("conclave:room:{}", room.as_str())
}

fn ended_key(room: &RoomId) -> String {
    format!("conclave:ended:{}", room.as_str())
}
