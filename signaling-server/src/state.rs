//! State shared by every request: configuration, the rooms, the connection cap, the
//! shutdown signal and the SFU actor's command queue.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use conclave_protocol::RoomId;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};

use crate::cluster::tunnel::SERVICE_RESTART;
use crate::cluster::Cluster;
use crate::config::Config;
use crate::error::Error;
use crate::metrics::{Metrics, RoomCreation};
use crate::peer::{carry_out, deliver_all, PeerHandle};
use crate::rate_limits::{AddressLimit, AddressLimits};
use crate::room_creation::CreationGate;
use crate::room_id::random_room_id;
use crate::rooms::{MediaPolicy, RoomLimits, Rooms};
use crate::sfu::{endpoint_for, SfuCommand, SfuEvent};

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
    /// The SFU actor's queue; `None` in mesh mode.
    sfu_commands: Option<mpsc::Sender<SfuCommand>>,
    /// The series of `GET /metrics` and the event log.
    metrics: Metrics,
    /// Who may create and hold rooms, with its keys derived once.
    room_creation: CreationGate,
    /// Per client address: room creations and WebSocket opens. Locked only to spend.
    address_limits: Mutex<AddressLimits>,
    /// This instance's part in a cluster of instances sharing rooms; `None` alone.
    cluster: Option<Arc<Cluster>>,
}

impl AppState {
    /// Fresh state with no rooms; in SFU mode, room changes go to `sfu_commands`. Events
    /// are counted and logged by `metrics`. With a `cluster`, rooms are shared with the
    /// other instances.
    pub fn new(
        config: Config,
        sfu_commands: Option<mpsc::Sender<SfuCommand>>,
        metrics: Metrics,
        cluster: Option<Arc<Cluster>>,
    ) -> Self {
        let limits = RoomLimits {
            max_rooms: config.max_rooms,
            max_participants: config.max_participants,
            empty_room_ttl: config.empty_room_ttl,
        };
        let media = MediaPolicy {
            sfu: endpoint_for(&config.media),
            ice_servers: config.ice_servers.clone(),
            turn: config.turn.clone(),
            ice_transport_policy: config.ice_transport_policy,
        };
        let rooms = Rooms::with_media(limits, media);
        let connections = Arc::new(Semaphore::new(config.max_connections as usize));
        let (shutdown_tx, _) = watch::channel(false);
        let room_creation = CreationGate::new(&config.room_creation);
        let address_limits = Mutex::new(AddressLimits::new(&config.limits));
        Self {
            inner: Arc::new(Shared {
                config,
                rooms: Mutex::new(rooms),
                connections,
                shutdown_tx,
                sfu_commands,
                metrics,
                room_creation,
                address_limits,
                cluster,
            }),
        }
    }

    /// This instance's part in a cluster, if it is in one.
    pub fn cluster(&self) -> Option<&Arc<Cluster>> {
        self.inner.cluster.as_ref()
    }

    /// Tells the other instances that room `id` exists (it was just created or held
    /// again here), so that a participant reaching any of them finds it. Fails when Redis
    /// cannot be reached: the room is then of no use to anyone on another instance.
    pub async fn announce_room(&self, id: &RoomId) -> Result<(), Error> {
        let Some(cluster) = &self.inner.cluster else {
            return Ok(());
        };
        cluster
            .registry()
            .record_room(id, self.inner.config.empty_room_ttl)
            .await
            .map_err(Error::Cluster)
    }

    /// Whether a member ended room `id`, here or on another instance.
    pub async fn was_ended_in_cluster(&self, id: &RoomId) -> Result<bool, Error> {
        let Some(cluster) = &self.inner.cluster else {
            return Ok(false);
        };
        cluster
            .registry()
            .was_ended(id)
            .await
            .map_err(Error::Cluster)
    }

    /// This instance is room `id`'s home: it holds the room if any instance created it
    /// (the registry knows it), and forgets its own copy if a member ended the meeting on
    /// another instance. An error reaching Redis is returned (the caller asks the client
    /// to try again), never taken for an unknown room.
    pub(crate) async fn adopt_room(&self, cluster: &Cluster, id: &RoomId) -> Result<(), Error> {
        let registry = cluster.registry();
        if registry.was_ended(id).await? {
            let effects = self.rooms().hand_over(
                id,
                (
                    conclave_protocol::close_code::MEETING_ENDED,
                    conclave_protocol::close_code::MEETING_ENDED_REASON,
                ),
            );
            let mut rooms = self.rooms();
            if let Some(command) = carry_out(effects) {
                self.send_sfu_command(&mut rooms, command);
            }
            return Ok(());
        }
        if !self.room_exists(id) && registry.room_exists(id).await? {
            // A full server refuses, and the participant is told the room is unknown.
            let _ = self.rooms().hold(id.clone(), Instant::now());
        }
        Ok(())
    }

    /// Records in the cluster that a member ended room `id`, so that no instance holds it
    /// again.
    pub(crate) async fn record_ended_in_cluster(&self, id: &RoomId) {
        let Some(cluster) = &self.inner.cluster else {
            return;
        };
        if let Err(error) = cluster.registry().record_ended(id).await {
            tracing::warn!(%error, "cannot record an ended meeting in Redis");
        }
    }

    /// Renews the leases of the rooms homed here, refreshes their registry entries, and
    /// hands the rooms whose lease another instance took over: their participants are
    /// closed with 1012 and reconnect to the new home.
    pub async fn keep_cluster_rooms(&self) {
        let Some(cluster) = &self.inner.cluster else {
            return;
        };
        let lost = cluster.renew_leases(|room| self.room_exists(room)).await;
        for room in lost {
            tracing::warn!("another instance took over a room homed here");
            let mut rooms = self.rooms();
            let effects =
                rooms.hand_over(&room, (SERVICE_RESTART, "server instance lost the room"));
            if let Some(command) = carry_out(effects) {
                self.send_sfu_command(&mut rooms, command);
            }
        }
        for room in cluster.homed_rooms() {
            let occupied = self.rooms().is_occupied(&room);
            if occupied {
                let _ = self.announce_room(&room).await;
            }
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The series of `GET /metrics` and the event log.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Who may create and hold rooms.
    pub fn room_creation(&self) -> &CreationGate {
        &self.inner.room_creation
    }

    /// The rooms, locked. A poisoned lock is taken over: no code panics while holding it,
    /// and the room state stays consistent after every method anyway.
    pub(crate) fn rooms(&self) -> MutexGuard<'_, Rooms<PeerHandle>> {
        self.inner
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `command` to the SFU actor. Called under the rooms lock, so the actor sees
    /// each room's commands in the order the rooms decided them. A full queue (far more
    /// room changes at once than a server sees) fails the creation: the room's
    /// participants are told `sfu_unavailable`.
    pub(crate) fn send_sfu_command(&self, rooms: &mut Rooms<PeerHandle>, command: SfuCommand) {
        let Some(queue) = &self.inner.sfu_commands else {
            tracing::error!("an SFU command in mesh mode");
            return;
        };
        match queue.try_send(command) {
            Ok(()) => {}
            Err(TrySendError::Full(command) | TrySendError::Closed(command)) => {
                tracing::error!("the SFU command queue is full or closed; dropping a command");
                if let SfuCommand::Create { room, spec } = command {
                    let failed = SfuEvent::Unavailable {
                        room,
                        number: spec.number,
                    };
                    deliver_all(rooms.apply_sfu_event(&failed));
                }
            }
        }
    }

    /// Tells the participants what the SFU actor reported.
    pub(crate) fn apply_sfu_event(&self, event: &SfuEvent) {
        let mut rooms = self.rooms();
        deliver_all(rooms.apply_sfu_event(event));
    }

    /// Waits until the SFU actor has taken every queued command (or `grace` passed).
    pub async fn wait_for_sfu_commands(&self, grace: Duration) {
        let Some(queue) = &self.inner.sfu_commands else {
            return;
        };
        let _ = tokio::time::timeout(grace, async {
            while queue.capacity() < queue.max_capacity() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
    }

    /// Creates a room with a fresh random id.
    pub fn create_room(&self) -> Result<RoomId, Error> {
        let id = random_room_id();
        self.rooms().create(id.clone(), Instant::now())?;
        self.inner
            .metrics
            .record_room_created(RoomCreation::Created);
        Ok(id)
    }

    /// Holds room `id` again: see [`Rooms::hold`].
    pub fn hold_room(&self, id: RoomId) -> Result<(), Error> {
        let mut rooms = self.rooms();
        let held_before = rooms.contains(&id);
        rooms.hold(id, Instant::now())?;
        drop(rooms);
        if !held_before {
            self.inner
                .metrics
                .record_room_created(RoomCreation::HeldAgain);
        }
        Ok(())
    }

    /// Spends one request of `limit` for the client at `address`, or returns how long it
    /// must wait.
    pub(crate) fn spend_address_budget(
        &self,
        limit: AddressLimit,
        address: std::net::IpAddr,
    ) -> Result<(), Duration> {
        self.inner
            .address_limits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .spend(limit, address, Instant::now())
    }

    /// Whether the room exists.
    pub fn room_exists(&self, id: &RoomId) -> bool {
        self.rooms().contains(id)
    }

    /// Removes rooms left empty for longer than the TTL; returns how many.
    pub fn sweep_rooms(&self) -> usize {
        self.rooms().sweep(Instant::now())
    }

    /// How many WebSocket connections are open.
    pub fn open_connections(&self) -> usize {
        let all = self.inner.config.max_connections as usize;
        all.saturating_sub(self.inner.connections.available_permits())
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
