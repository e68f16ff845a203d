//! Tunnels between instances: a participant whose WebSocket reached an edge instance is
//! served by the room's home instance as if its socket were local, its text frames carried
//! both ways over Redis pub/sub.
//!
//! Each instance subscribes to one channel, `conclave:instance:{id}`. The edge opens a
//! tunnel with [`Bus::open`]; the home receives it as an [`IncomingTunnel`] and serves it like
//! a socket. Frames are JSON (`BusFrame`): the edge's instance id and its connection number
//! name the tunnel at both ends.
//!
//! Delivery is at most once, in order for one publisher and channel. Anything that could
//! lose a frame ends the tunnels it touches instead, with close 1012 (service restart), so
//! the browser reconnects (its usual path, docs/proposals/scale-out.md): the subscription
//! ends (Redis lost, or it dropped this slow subscriber), the instance at the other end stops
//! its heartbeat (`conclave:instance:{id}`, renewed every [`HEARTBEAT_PERIOD`], gone after
//! [`HEARTBEAT_LEASE`]), or a tunnel's queue fills up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use conclave_protocol::RoomId;
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{ClusterError, InstanceId};

/// How often an instance renews its heartbeat.
pub const HEARTBEAT_PERIOD: Duration = Duration::from_secs(1);
/// How long a heartbeat lasts: an instance silent this long counts as gone.
pub const HEARTBEAT_LEASE: Duration = Duration::from_secs(3);
/// Frames queued for one tunnel end before it counts as stuck and is closed.
pub const TUNNEL_QUEUE: usize = 256;
/// How often a bus whose subscription ended tries to subscribe again.
pub const RESUBSCRIBE_PERIOD: Duration = Duration::from_secs(1);
/// Close code for "service restart" (RFC 6455 section 7.4.1, IANA registry): try again.
pub const SERVICE_RESTART: u16 = 1012;

/// What travels through a tunnel, either way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TunnelMessage {
    /// A WebSocket text frame.
    Text {
        /// The frame's text.
        text: String,
    },
    /// A WebSocket binary frame (the protocol has none: the home refuses it, as it does on
    /// its own sockets).
    Binary {
        /// The frame's bytes.
        payload: Vec<u8>,
    },
    /// A WebSocket ping (home to edge: the edge pings the browser) ...
    Ping {
        /// The ping's payload (at most 125 bytes).
        payload: Vec<u8>,
    },
    /// ... and the browser's pong (edge to home: the home's idle timer sees it).
    Pong {
        /// The pong's payload.
        payload: Vec<u8>,
    },
    /// The tunnel ends, with this close frame for the browser.
    Close {
        /// The WebSocket close code.
        code: u16,
        /// The close reason.
        reason: String,
    },
}

/// One frame on an instance's channel.
#[derive(Debug, Serialize, Deserialize)]
struct BusFrame {
    /// The edge instance whose connection the tunnel carries.
    edge: String,
    /// The edge's number for that connection.
    conn: u64,
    body: FrameBody,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum FrameBody {
    /// Edge to home: a participant's socket for `room` opened on the edge.
    Open { room: RoomId, home: String },
    /// Edge to home.
    ToHome { message: TunnelMessage },
    /// Home to edge.
    ToEdge { message: TunnelMessage },
}

/// A tunnel as the home receives it: serve it like a socket to `room`.
pub struct IncomingTunnel {
    /// The room the participant asked for.
    pub room: RoomId,
    /// The home's end.
    pub end: TunnelEnd,
}

/// Which end of a tunnel this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Side {
    Edge,
    Home,
}

/// Where frames for this instance's tunnel ends go: (side, edge instance, conn) -> queue.
type Routes = HashMap<(Side, String, u64), Route>;

struct Route {
    /// The instance at the other end, whose heartbeat is watched.
    peer: InstanceId,
    queue: mpsc::Sender<TunnelMessage>,
}

/// One instance's tunnels over Redis. Cheap to clone.
#[derive(Clone)]
pub struct Bus {
    shared: Arc<BusShared>,
}

struct BusShared {
    instance: InstanceId,
    publisher: ConnectionManager,
    routes: Mutex<Routes>,
    up: std::sync::atomic::AtomicBool,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Drop for BusShared {
    fn drop(&mut self) {
        for task in self
            .tasks
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            task.abort();
        }
    }
}

impl Bus {
    /// Subscribes `instance` to its channel on the Redis at `url`, starts its heartbeat, and
    /// returns the bus with the queue of tunnels other instances open to this one. Commands
    /// go through `publisher`, a connection to the same Redis.
    pub async fn start(
        url: &str,
        publisher: ConnectionManager,
        instance: InstanceId,
    ) -> Result<(Self, mpsc::Receiver<IncomingTunnel>), ClusterError> {
        let client = redis::Client::open(url)?;
        let subscription = subscribe(&client, &instance).await?;
        let shared = Arc::new(BusShared {
            instance,
            publisher,
            routes: Mutex::new(HashMap::new()),
            up: std::sync::atomic::AtomicBool::new(true),
            tasks: Mutex::new(Vec::new()),
        });
        let bus = Self { shared };
        bus.beat().await?;
        let (incoming_tx, incoming) = mpsc::channel(TUNNEL_QUEUE);
        // The tasks hold a weak reference: dropping the last `Bus` stops them.
        let weak = Arc::downgrade(&bus.shared);
        let pump = tokio::spawn(async move {
            let mut subscription = subscription;
            loop {
                let mut messages = subscription.into_on_message();
                while let Some(message) = messages.next().await {
                    let Some(shared) = weak.upgrade() else { return };
                    let bus = Bus { shared };
                    bus.dispatch(message.get_payload_bytes(), &incoming_tx);
                }
                let Some(shared) = weak.upgrade() else { return };
                tracing::error!("the Redis subscription ended: closing every tunnel");
                let instance = shared.instance.clone();
                Bus { shared }.lose_everything();
                // Subscribe again once Redis is back; meanwhile no heartbeat, no tunnel.
                subscription = loop {
                    tokio::time::sleep(RESUBSCRIBE_PERIOD).await;
                    if weak.strong_count() == 0 {
                        return;
                    }
                    if let Ok(subscription) = subscribe(&client, &instance).await {
                        break subscription;
                    }
                };
                // Up again once a command went through too: the shared connection
                // reconnects on the first command after a failure.
                loop {
                    let Some(shared) = weak.upgrade() else { return };
                    let bus = Bus { shared };
                    if bus.beat().await.is_ok() {
                        tracing::info!("subscribed to Redis again");
                        bus.shared
                            .up
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                    drop(bus);
                    tokio::time::sleep(RESUBSCRIBE_PERIOD).await;
                }
            }
        });
        let weak = Arc::downgrade(&bus.shared);
        let heart = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(HEARTBEAT_PERIOD);
            loop {
                ticks.tick().await;
                let Some(shared) = weak.upgrade() else { return };
                let bus = Bus { shared };
                // A bus whose subscription is down must look dead to the others: they
                // would send its tunnels frames nobody hears.
                if !bus.is_up() {
                    continue;
                }
                if let Err(error) = bus.beat().await {
                    tracing::warn!(%error, "heartbeat failed");
                }
                bus.close_tunnels_of_silent_peers().await;
            }
        });
        bus.lock_tasks().extend([pump, heart]);
        Ok((bus, incoming))
    }

    /// This instance.
    pub fn instance(&self) -> &InstanceId {
        &self.shared.instance
    }

    /// Whether the subscription still runs (false once Redis was lost).
    pub fn is_up(&self) -> bool {
        self.shared.up.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stops the subscription and the heartbeat at once, sending nothing: the other
    /// instances close their tunnels to this one within [`HEARTBEAT_LEASE`]. No tunnel opens
    /// afterwards.
    pub fn stop(&self) {
        self.shared
            .up
            .store(false, std::sync::atomic::Ordering::Relaxed);
        for task in self.lock_tasks().drain(..) {
            task.abort();
        }
    }

    /// Whether `instance` renewed its heartbeat lately.
    pub async fn is_alive(&self, instance: &InstanceId) -> Result<bool, ClusterError> {
        Ok(self
            .shared
            .publisher
            .clone()
            .exists(heartbeat_key(instance))
            .await?)
    }

    /// Opens a tunnel to `room` at its `home`, for a participant whose socket is here.
    pub async fn open(&self, home: &InstanceId, room: &RoomId) -> Result<TunnelEnd, ClusterError> {
        if !self.is_up() {
            return Err(ClusterError::BusDown);
        }
        let conn: u64 = rand::random();
        let edge = self.shared.instance.as_str().to_owned();
        let (queue, incoming) = mpsc::channel(TUNNEL_QUEUE);
        self.lock_routes().insert(
            (Side::Edge, edge.clone(), conn),
            Route {
                peer: home.clone(),
                queue,
            },
        );
        let end = TunnelEnd::new(
            TunnelIds {
                bus: self.clone(),
                side: Side::Edge,
                peer: home.clone(),
                edge,
                conn,
            },
            incoming,
        );
        let body = FrameBody::Open {
            room: room.clone(),
            home: home.as_str().to_owned(),
        };
        self.publish(home, &end.sender.ids.frame(body)).await?;
        Ok(end)
    }

    async fn publish(&self, to: &InstanceId, frame: &BusFrame) -> Result<(), ClusterError> {
        // Encoding these plain types cannot fail; if it ever did, nothing is sent.
        let payload = serde_json::to_vec(frame).map_err(|_| ClusterError::BusDown)?;
        let receivers: u64 = self
            .shared
            .publisher
            .clone()
            .publish(channel(to), payload)
            .await?;
        // Nobody subscribed: that instance is gone, or its subscription is down.
        if receivers == 0 {
            return Err(ClusterError::BusDown);
        }
        Ok(())
    }

    async fn beat(&self) -> Result<(), ClusterError> {
        let ms = u64::try_from(HEARTBEAT_LEASE.as_millis()).unwrap_or(u64::MAX);
        let () = self
            .shared
            .publisher
            .clone()
            .pset_ex(heartbeat_key(&self.shared.instance), 1u8, ms)
            .await?;
        Ok(())
    }

    /// Hands one frame from the channel to its tunnel end, or opens a tunnel here.
    fn dispatch(&self, payload: &[u8], incoming: &mpsc::Sender<IncomingTunnel>) {
        let Ok(frame) = serde_json::from_slice::<BusFrame>(payload) else {
            tracing::warn!("dropped a malformed frame from the Redis channel");
            return;
        };
        let Ok(edge) = InstanceId::from_redis(&frame.edge) else {
            tracing::warn!("dropped a frame naming a malformed instance");
            return;
        };
        let (side, message) = match frame.body {
            FrameBody::Open { room, home } => {
                if home != self.shared.instance.as_str() {
                    return;
                }
                let (queue, receiver) = mpsc::channel(TUNNEL_QUEUE);
                let key = (Side::Home, frame.edge.clone(), frame.conn);
                self.lock_routes().insert(
                    key.clone(),
                    Route {
                        peer: edge.clone(),
                        queue,
                    },
                );
                let end = TunnelEnd::new(
                    TunnelIds {
                        bus: self.clone(),
                        side: Side::Home,
                        peer: edge,
                        edge: frame.edge,
                        conn: frame.conn,
                    },
                    receiver,
                );
                if incoming.try_send(IncomingTunnel { room, end }).is_err() {
                    // Too many opening at once, or the server stopped taking them: the end
                    // just dropped tells the edge to close the browser's socket.
                    self.lock_routes().remove(&key);
                }
                return;
            }
            FrameBody::ToHome { message } => (Side::Home, message),
            FrameBody::ToEdge { message } => (Side::Edge, message),
        };
        let key = (side, frame.edge, frame.conn);
        let closing = matches!(message, TunnelMessage::Close { .. });
        let mut routes = self.lock_routes();
        let Some(route) = routes.get(&key) else {
            return;
        };
        let overflowed = route.queue.try_send(message).is_err();
        if !overflowed && !closing {
            return;
        }
        // The end of the tunnel, or a full queue (the far end floods, or this end's reader
        // is stuck): forget it. Dropping the queue ends the local reader.
        let Some(route) = routes.remove(&key) else {
            return;
        };
        drop(routes);
        if overflowed && !closing {
            // The other end must not wait for a reader that is gone (a ghost member at the
            // home, or a browser socket held open at the edge).
            let (side, edge, conn) = key;
            let message = TunnelMessage::Close {
                code: SERVICE_RESTART,
                reason: "tunnel overflowed".to_owned(),
            };
            let body = match side {
                Side::Edge => FrameBody::ToHome { message },
                Side::Home => FrameBody::ToEdge { message },
            };
            let frame = BusFrame { edge, conn, body };
            let bus = self.clone();
            tokio::spawn(async move {
                let _ = bus.publish(&route.peer, &frame).await;
            });
        }
    }

    /// Closes every tunnel whose other instance stopped its heartbeat.
    async fn close_tunnels_of_silent_peers(&self) {
        let peers: Vec<InstanceId> = {
            let routes = self.lock_routes();
            let mut peers: Vec<InstanceId> = routes.values().map(|r| r.peer.clone()).collect();
            peers.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            peers.dedup();
            peers
        };
        for peer in peers {
            if let Ok(false) = self.is_alive(&peer).await {
                tracing::warn!(instance = peer.as_str(), "an instance went silent");
                self.close_routes(|route| route.peer == peer);
            }
        }
    }

    /// Redis was lost: every tunnel ends, and no new one opens.
    fn lose_everything(&self) {
        self.shared
            .up
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.close_routes(|_| true);
    }

    /// Tells the local end of every matching tunnel to close with 1012, and forgets them.
    fn close_routes(&self, matching: impl Fn(&Route) -> bool) {
        let mut routes = self.lock_routes();
        routes.retain(|_, route| {
            if !matching(route) {
                return true;
            }
            let _ = route.queue.try_send(TunnelMessage::Close {
                code: SERVICE_RESTART,
                reason: "server instance lost".to_owned(),
            });
            false
        });
    }

    fn lock_routes(&self) -> MutexGuard<'_, Routes> {
        self.shared
            .routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_tasks(&self) -> MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.shared
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One end of a tunnel. Dropping it (both halves, once split) ends the tunnel: the other
/// end is told.
pub struct TunnelEnd {
    sender: TunnelSender,
    receiver: TunnelReceiver,
}

impl TunnelEnd {
    fn new(ids: TunnelIds, incoming: mpsc::Receiver<TunnelMessage>) -> Self {
        let ids = Arc::new(ids);
        Self {
            sender: TunnelSender {
                ids: Arc::clone(&ids),
            },
            receiver: TunnelReceiver {
                _ids: ids,
                incoming,
            },
        }
    }

    /// Sends `message` to the other end.
    pub async fn send(&self, message: TunnelMessage) -> Result<(), ClusterError> {
        self.sender.send(message).await
    }

    /// The next message from the other end; `None` once the tunnel is gone without a close
    /// frame (the caller then closes with [`SERVICE_RESTART`]).
    pub async fn recv(&mut self) -> Option<TunnelMessage> {
        self.receiver.recv().await
    }

    /// The sending and the receiving half, for a writer and a reader task.
    pub fn split(self) -> (TunnelSender, TunnelReceiver) {
        (self.sender, self.receiver)
    }
}

/// The sending half of a [`TunnelEnd`].
pub struct TunnelSender {
    ids: Arc<TunnelIds>,
}

impl TunnelSender {
    /// Sends `message` to the other end.
    pub async fn send(&self, message: TunnelMessage) -> Result<(), ClusterError> {
        let body = match self.ids.side {
            Side::Edge => FrameBody::ToHome { message },
            Side::Home => FrameBody::ToEdge { message },
        };
        self.ids
            .bus
            .publish(&self.ids.peer, &self.ids.frame(body))
            .await
    }
}

/// The receiving half of a [`TunnelEnd`].
pub struct TunnelReceiver {
    /// Held only so that the tunnel ends when both halves are dropped.
    _ids: Arc<TunnelIds>,
    incoming: mpsc::Receiver<TunnelMessage>,
}

impl TunnelReceiver {
    /// The next message from the other end; `None` once the tunnel is gone without a close
    /// frame (the caller then closes with [`SERVICE_RESTART`]).
    pub async fn recv(&mut self) -> Option<TunnelMessage> {
        self.incoming.recv().await
    }
}

/// What names a tunnel; dropped with the last half of its end, which ends the tunnel.
struct TunnelIds {
    bus: Bus,
    side: Side,
    /// The instance at the other end.
    peer: InstanceId,
    edge: String,
    conn: u64,
}

impl TunnelIds {
    fn frame(&self, body: FrameBody) -> BusFrame {
        BusFrame {
            edge: self.edge.clone(),
            conn: self.conn,
            body,
        }
    }
}

impl Drop for TunnelIds {
    fn drop(&mut self) {
        let key = (self.side, self.edge.clone(), self.conn);
        let was_open = self.bus.lock_routes().remove(&key).is_some();
        if !was_open {
            return;
        }
        // Tell the other end, which may still wait for frames.
        let bus = self.bus.clone();
        let peer = self.peer.clone();
        let frame = self.frame(match self.side {
            Side::Edge => FrameBody::ToHome {
                message: TunnelMessage::Close {
                    code: 1001,
                    reason: "gone".to_owned(),
                },
            },
            Side::Home => FrameBody::ToEdge {
                message: TunnelMessage::Close {
                    code: SERVICE_RESTART,
                    reason: "tunnel closed".to_owned(),
                },
            },
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = bus.publish(&peer, &frame).await;
            });
        }
    }
}

/// A subscription to `instance`'s channel.
async fn subscribe(
    client: &redis::Client,
    instance: &InstanceId,
) -> Result<redis::aio::PubSub, ClusterError> {
    let mut subscription = client.get_async_pubsub().await?;
    subscription.subscribe(channel(instance)).await?;
    Ok(subscription)
}

fn channel(instance: &InstanceId) -> String {
    format!("conclave:instance:{}", instance.as_str())
}

fn heartbeat_key(instance: &InstanceId) -> String {
    format!("conclave:instance:{}:alive", instance.as_str())
}
