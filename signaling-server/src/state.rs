//! State shared by every request: configuration, the rooms, the connection cap and the
//! shutdown signal.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use conclave_protocol::RoomId;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use crate::config::Config;
use crate::connection::PeerHandle;
use crate::error::Error;
use crate::room_id::random_room_id;
use crate::rooms::{RoomLimits, Rooms};

/// Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    config: Config,
    /// Locked only for short, non-async sections (never across an `.await`).
    rooms: Mutex<Rooms<PeerHandle>>,
    connections: Arc<Semaphore>,
    shutdown_tx: watch::Sender<bool>,
}

impl AppState {
    /// Fresh state with no rooms.
    pub fn new(config: Config) -> Self {
        let rooms = Rooms::new(RoomLimits {
            max_rooms: config.max_rooms,
            max_participants: config.max_participants,
            empty_room_ttl: config.empty_room_ttl,
        });
        let connections = Arc::new(Semaphore::new(config.max_connections as usize));
        let (shutdown_tx, _) = watch::channel(false);
        Self {
            inner: Arc::new(Shared {
                config,
                rooms: Mutex::new(rooms),
                connections,
                shutdown_tx,
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The rooms, locked. A poisoned lock is taken over: no code panics while holding it,
    /// and the room state stays consistent after every method anyway.
    pub(crate) fn rooms(&self) -> MutexGuard<'_, Rooms<PeerHandle>> {
        self.inner
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Creates a room with a fresh random id.
    pub fn create_room(&self) -> Result<RoomId, Error> {
        let id = random_room_id();
        self.rooms().create(id.clone(), Instant::now())?;
        Ok(id)
    }

    /// Whether the room exists.
    pub fn room_exists(&self, id: &RoomId) -> bool {
        self.rooms().contains(id)
    }

    /// Removes rooms left empty for longer than the TTL; returns how many.
    pub fn sweep_rooms(&self) -> usize {
        self.rooms().sweep(Instant::now())
    }

    /// A connection slot, if one is free.
    pub(crate) fn try_acquire_connection(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.inner.connections).try_acquire_owned().ok()
    }

    /// Asks every connection to close (1001 "server shutting down").
    pub fn begin_shutdown(&self) {
        self.inner.shutdown_tx.send_replace(true);
    }

    /// A receiver that sees `true` once shutdown has begun.
    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown_tx.subscribe()
    }

    /// Waits until every connection has ended, or `grace` has passed.
    pub async fn wait_for_connections(&self, grace: Duration) {
        let all = self.inner.config.max_connections;
        let _ = tokio::time::timeout(grace, self.inner.connections.acquire_many(all)).await;
    }
}
