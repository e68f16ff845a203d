//! The Janus VideoRoom adapter: one actor task that owns the server's WebSocket to Janus
//! (subprotocol `janus-protocol`; Janus WebSocket API, <https://janus.conf.meetecho.com/docs/rest.html>
//! and the VideoRoom plugin's `create`, `destroy`).
//!
//! It also kicks the publishers of expelled participants (VideoRoom `listparticipants`,
//! then `kick` with the room's secret each publisher whose `display` names one of them:
//! the client joins with its signaling participant id as `display`).
//!
//! It opens a Janus session, attaches `janus.plugin.videoroom`, keeps the session alive
//! every 25 s, and matches each answer to its request by a random transaction id. It holds
//! every live room's [`SfuRoomSpec`]: when the WebSocket drops (Janus restarted), it
//! reconnects with backoff (200 ms doubling to 2 s) and recreates each room with the same
//! number and pin, reporting [`SfuEvent::Ready`] again. A refused creation is reported as
//! [`SfuEvent::Unavailable`] and retried with backoff (1 s doubling to 30 s).
//! A room destroyed while disconnected is destroyed once connected again (the connection
//! may have dropped while Janus kept it, or the room moved to another Janus meanwhile).
//! The actor reports its connection state (`JanusReport::Up`, `JanusReport::Down`) to
//! the pool (`sfu/pool.rs`), which may move its rooms elsewhere.
//!
//! A `wss://` URL is verified against [`JanusTrust`]: the public web roots, an operator's
//! CA bundle, or the bundle alone (`janus.ca_file`, `janus.ca_only`).
//!
//! Nothing here logs a pin, a room secret or the API secret.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use conclave_protocol::{ParticipantId, RoomId};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, timeout, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use super::{SfuCommand, SfuError, SfuEvent, SfuRoomSpec};
use crate::config::{JanusConfig, JanusTrust};
use crate::metrics::{SfuOutcome, SfuProbe};

/// Janus drops a session after 60 s without a request (its default `session_timeout`).
const KEEPALIVE: Duration = Duration::from_secs(25);
/// Longest wait for an answer (or for the connection to open).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Reconnection backoff.
const RECONNECT_FIRST: Duration = Duration::from_millis(200);
const RECONNECT_CAP: Duration = Duration::from_secs(2);
/// Backoff between attempts to create a room Janus refused.
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_CAP: Duration = Duration::from_secs(30);
/// Rooms destroyed while disconnected, remembered to be destroyed on reconnection (the
/// connection may have dropped while Janus kept them); beyond this many the oldest are
/// forgotten.
const ORPHANS_KEPT: usize = 4096;
/// The VideoRoom error code for "room already exists".
const ROOM_EXISTS: i64 = 427;
/// The VideoRoom error code for "no such room".
const NO_SUCH_ROOM: i64 = 426;
/// The VideoRoom error code for "no such feed" (a participant to kick already left).
const NO_SUCH_FEED: i64 = 428;
/// Codecs the room accepts, in preference order (SFrame covers each, see docs/).
const VIDEO_CODECS: &str = "vp8,vp9,h264,av1";
const AUDIO_CODECS: &str = "opus";

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A delay that doubles up to a cap.
struct Backoff {
    first: Duration,
    cap: Duration,
    next: Duration,
}

impl Backoff {
    fn new(first: Duration, cap: Duration) -> Self {
        Self {
            first,
            cap,
            next: first,
        }
    }

    /// The delay to wait now; the following one doubles.
    fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(self.cap);
        delay
    }

    fn reset(&mut self) {
        self.next = self.first;
    }
}

/// A room Janus refused, waiting for another attempt.
struct Retry {
    at: Instant,
    backoff: Backoff,
}

/// What the actor reports to the pool: its connection state, and its rooms.
#[derive(Debug)]
pub(crate) enum JanusReport {
    /// Connected (a session and a VideoRoom handle are open).
    Up,
    /// The connection was lost, or could not be opened.
    Down,
    /// News about one room.
    Room(SfuEvent),
}

/// How a connected period ended.
enum Ended {
    /// The server is shutting down (the command queue closed).
    Shutdown,
    /// The connection failed; reconnect.
    Lost(SfuError),
}

/// Runs the adapter until the command queue closes.
pub(crate) async fn run(
    config: JanusConfig,
    publishers: usize,
    mut commands: mpsc::Receiver<SfuCommand>,
    events: mpsc::Sender<JanusReport>,
    probe: SfuProbe,
) {
    let mut rooms: HashMap<RoomId, SfuRoomSpec> = HashMap::new();
    let mut orphans: Vec<SfuRoomSpec> = Vec::new();
    let mut reconnect = Backoff::new(RECONNECT_FIRST, RECONNECT_CAP);
    let tls = tls_connector(&config.trust);
    loop {
        match Session::open(&config, &tls, &probe).await {
            Ok(mut session) => {
                tracing::info!(url = %config.url, "connected to Janus");
                probe.set_connected(true);
                report(&events, JanusReport::Up).await;
                reconnect.reset();
                let mut connected = Connected {
                    orphans: std::mem::take(&mut orphans),
                    session: &mut session,
                    publishers,
                    rooms: &mut rooms,
                    retries: HashMap::new(),
                    events: &events,
                };
                match connected.serve(&mut commands).await {
                    Ended::Shutdown => return,
                    Ended::Lost(error) => {
                        tracing::warn!(%error, url = %config.url, "lost the connection to Janus");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, url = %config.url, "cannot reach Janus"),
        }
        probe.set_connected(false);
        report(&events, JanusReport::Down).await;
        for (room, spec) in &rooms {
            report(&events, unavailable(room, spec)).await;
        }
        // Wait before reconnecting, still taking commands.
        let deadline = Instant::now() + reconnect.next_delay();
        loop {
            tokio::select! {
                () = sleep_until(deadline) => break,
                command = commands.recv() => match command {
                    None => return,
                    Some(SfuCommand::Create { room, spec }) => {
                        report(&events, unavailable(&room, &spec)).await;
                        rooms.insert(room, spec);
                    }
                    Some(SfuCommand::Destroy { room, spec }) => {
                        // Janus lost its rooms if it restarted, but not if only the
                        // connection dropped (or the room moved to another Janus):
                        // destroy it once connected again.
                        rooms.remove(&room);
                        if orphans.len() >= ORPHANS_KEPT {
                            orphans.remove(0);
                        }
                        orphans.push(spec);
                    }
                    // Janus lost its participants too; nobody to kick.
                    Some(SfuCommand::Kick { .. }) => {}
                },
            }
        }
    }
}

fn unavailable(room: &RoomId, spec: &SfuRoomSpec) -> JanusReport {
    JanusReport::Room(SfuEvent::Unavailable {
        room: room.clone(),
        number: spec.number,
    })
}

async fn report(events: &mpsc::Sender<JanusReport>, event: JanusReport) {
    // A send error means the server is shutting down; nobody is left to tell.
    let _ = events.send(event).await;
}

/// The actor's state while connected.
struct Connected<'a> {
    /// Rooms to destroy first (see [`ORPHANS_KEPT`]).
    orphans: Vec<SfuRoomSpec>,
    session: &'a mut Session,
    publishers: usize,
    rooms: &'a mut HashMap<RoomId, SfuRoomSpec>,
    retries: HashMap<RoomId, Retry>,
    events: &'a mpsc::Sender<JanusReport>,
}

impl Connected<'_> {
    async fn serve(&mut self, commands: &mut mpsc::Receiver<SfuCommand>) -> Ended {
        for spec in std::mem::take(&mut self.orphans) {
            match self.session.destroy_room(&spec).await {
                Ok(()) => {
                    tracing::debug!(janus_room = spec.number, "destroyed a left-over Janus room")
                }
                Err(SfuError::Refused { .. } | SfuError::UnexpectedAnswer { .. }) => {}
                Err(error) => return Ended::Lost(error),
            }
        }
        let live: Vec<(RoomId, SfuRoomSpec)> = self
            .rooms
            .iter()
            .map(|(room, spec)| (room.clone(), spec.clone()))
            .collect();
        for (room, spec) in live {
            if let Err(error) = self.create(&room, &spec).await {
                return Ended::Lost(error);
            }
        }
        let mut keepalive = tokio::time::interval_at(Instant::now() + KEEPALIVE, KEEPALIVE);
        loop {
            let next_retry = self.retries.values().map(|retry| retry.at).min();
            let step = tokio::select! {
                command = commands.recv() => match command {
                    None => return Ended::Shutdown,
                    Some(command) => self.carry_out(command).await,
                },
                _ = keepalive.tick() => self.session.keepalive().await,
                () = sleep_until(next_retry.unwrap_or_else(Instant::now)), if next_retry.is_some() => {
                    self.retry_due().await
                }
                read = self.session.read_unsolicited() => read,
            };
            if let Err(error) = step {
                return Ended::Lost(error);
            }
        }
    }

    async fn carry_out(&mut self, command: SfuCommand) -> Result<(), SfuError> {
        match command {
            SfuCommand::Create { room, spec } => {
                self.rooms.insert(room.clone(), spec.clone());
                self.create(&room, &spec).await
            }
            SfuCommand::Destroy { room, spec } => {
                self.rooms.remove(&room);
                self.retries.remove(&room);
                match self.session.destroy_room(&spec).await {
                    Ok(()) => {
                        tracing::debug!(janus_room = spec.number, "destroyed the Janus room");
                        Ok(())
                    }
                    Err(SfuError::Refused { code, .. }) if code == NO_SUCH_ROOM => Ok(()),
                    Err(error @ (SfuError::Refused { .. } | SfuError::UnexpectedAnswer { .. })) => {
                        tracing::warn!(%error, janus_room = spec.number, "could not destroy a Janus room");
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
            SfuCommand::Kick {
                room,
                spec,
                participants,
            } => {
                if !self.rooms.contains_key(&room) {
                    return Ok(());
                }
                match self.session.kick(&spec, &participants).await {
                    Ok(kicked) => {
                        tracing::debug!(
                            janus_room = spec.number,
                            kicked,
                            "kicked expelled participants"
                        );
                        Ok(())
                    }
                    Err(error @ (SfuError::Refused { .. } | SfuError::UnexpectedAnswer { .. })) => {
                        tracing::warn!(%error, janus_room = spec.number, "could not kick expelled participants");
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
        }
    }

    /// Creates one room and reports the outcome; a refusal schedules a retry, a
    /// connection fault is returned.
    async fn create(&mut self, room: &RoomId, spec: &SfuRoomSpec) -> Result<(), SfuError> {
        match self.session.create_room(spec, self.publishers).await {
            Ok(()) => {
                tracing::debug!(janus_room = spec.number, "the Janus room is ready");
                self.retries.remove(room);
                let ready = JanusReport::Room(SfuEvent::Ready {
                    room: room.clone(),
                    number: spec.number,
                });
                report(self.events, ready).await;
                Ok(())
            }
            Err(error @ (SfuError::Refused { .. } | SfuError::UnexpectedAnswer { .. })) => {
                tracing::warn!(%error, janus_room = spec.number, "Janus did not create the room; retrying");
                let retry = self.retries.entry(room.clone()).or_insert_with(|| Retry {
                    at: Instant::now(),
                    backoff: Backoff::new(RETRY_FIRST, RETRY_CAP),
                });
                retry.at = Instant::now() + retry.backoff.next_delay();
                report(self.events, unavailable(room, spec)).await;
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    async fn retry_due(&mut self) -> Result<(), SfuError> {
        let now = Instant::now();
        let due: Vec<RoomId> = self
            .retries
            .iter()
            .filter(|(_, retry)| retry.at <= now)
            .map(|(room, _)| room.clone())
            .collect();
        for room in due {
            match self.rooms.get(&room).cloned() {
                Some(spec) => self.create(&room, &spec).await?,
                None => {
                    self.retries.remove(&room);
                }
            }
        }
        Ok(())
    }
}

/// A Janus session with a VideoRoom handle, over one WebSocket.
struct Session {
    socket: Socket,
    api_secret: Option<String>,
    /// The VideoRoom `admin_key`, sent with `create` only.
    admin_key: Option<String>,
    session_id: u64,
    handle_id: u64,
    /// Where each request's outcome and latency go.
    probe: SfuProbe,
}

impl Session {
    /// Connects (a `wss://` URL through `tls`), creates a session and attaches the
    /// VideoRoom plugin.
    async fn open(
        config: &JanusConfig,
        tls: &Connector,
        probe: &SfuProbe,
    ) -> Result<Self, SfuError> {
        let mut request = config
            .url
            .as_str()
            .into_client_request()
            .map_err(|error| SfuError::Connect(Box::new(error)))?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("janus-protocol"),
        );
        let connecting = tokio_tungstenite::connect_async_tls_with_config(
            request,
            None,
            false,
            Some(tls.clone()),
        );
        let started = Instant::now();
        let connected = timeout(REQUEST_TIMEOUT, connecting)
            .await
            .map_err(|_| SfuError::Timeout { request: "connect" })
            .and_then(|opened| opened.map_err(|error| SfuError::Connect(Box::new(error))));
        probe.record_request("connect", SfuOutcome::of(&connected), started.elapsed());
        let (socket, _) = connected?;
        let mut session = Self {
            socket,
            api_secret: config
                .api_secret
                .as_ref()
                .map(|secret| secret.expose().to_owned()),
            admin_key: config.admin_key.as_ref().map(|key| key.expose().to_owned()),
            session_id: 0,
            handle_id: 0,
            probe: probe.clone(),
        };
        let created = session
            .request("create", json!({"janus": "create"}))
            .await?;
        session.session_id = id_in(&created, "create")?;
        let attach = json!({
            "janus": "attach",
            "session_id": session.session_id,
            "plugin": "janus.plugin.videoroom",
        });
        let attached = session.request("attach", attach).await?;
        session.handle_id = id_in(&attached, "attach")?;
        Ok(session)
    }

    /// Creates the VideoRoom `spec` describes: end-to-end encryption required, private,
    /// pin-protected, recording locked behind the secret, not saved to Janus'
    /// configuration. An existing room with that
    /// number (the WebSocket dropped but Janus did not restart) counts as created.
    async fn create_room(&mut self, spec: &SfuRoomSpec, publishers: usize) -> Result<(), SfuError> {
        let mut body = json!({
            "request": "create",
            "room": spec.number,
            "pin": spec.pin.expose(),
            "secret": spec.secret.expose(),
            "require_e2ee": true,
            "is_private": true,
            "publishers": publishers,
            "videocodec": VIDEO_CODECS,
            "audiocodec": AUDIO_CODECS,
            "permanent": false,
            // Only the holder of the room secret (the server) may start a recording;
            // participants, who all hold the pin, may not.
            "lock_record": true,
        });
        if let Some(admin_key) = &self.admin_key {
            // With an admin_key in Janus, only its holders may create rooms: participants,
            // who hold the pin and the api_secret, cannot.
            body["admin_key"] = Value::from(admin_key.as_str());
        }
        match self.videoroom("videoroom create", body).await {
            Ok(data) if data["videoroom"] == "created" => Ok(()),
            Ok(_) => Err(SfuError::UnexpectedAnswer {
                request: "videoroom create",
            }),
            Err(SfuError::Refused { code, .. }) if code == ROOM_EXISTS => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Destroys the room, with its secret.
    async fn destroy_room(&mut self, spec: &SfuRoomSpec) -> Result<(), SfuError> {
        let body = json!({
            "request": "destroy",
            "room": spec.number,
            "secret": spec.secret.expose(),
            "permanent": false,
        });
        let data = self.videoroom("videoroom destroy", body).await?;
        if data["videoroom"] == "destroyed" {
            Ok(())
        } else {
            Err(SfuError::UnexpectedAnswer {
                request: "videoroom destroy",
            })
        }
    }

    /// Kicks every participant of the room whose `display` is one of `participants` (as
    /// the client writes it: the id in decimal), with the room's secret; returns how many.
    /// A participant that left meanwhile (Janus' "no such user") is not an error.
    async fn kick(
        &mut self,
        spec: &SfuRoomSpec,
        participants: &[ParticipantId],
    ) -> Result<usize, SfuError> {
        let body = json!({"request": "listparticipants", "room": spec.number});
        let data = self.videoroom("videoroom listparticipants", body).await?;
        let listed = data["participants"]
            .as_array()
            .ok_or(SfuError::UnexpectedAnswer {
                request: "videoroom listparticipants",
            })?;
        let names: Vec<String> = participants.iter().map(ToString::to_string).collect();
        let targets: Vec<u64> = listed
            .iter()
            .filter(|entry| {
                entry["display"]
                    .as_str()
                    .is_some_and(|display| names.iter().any(|name| name == display))
            })
            .filter_map(|entry| entry["id"].as_u64())
            .collect();
        let mut kicked = 0;
        for id in targets {
            let body = json!({
                "request": "kick",
                "room": spec.number,
                "secret": spec.secret.expose(),
                "id": id,
            });
            match self.videoroom("videoroom kick", body).await {
                Ok(_) => kicked += 1,
                Err(SfuError::Refused { code, .. }) if code == NO_SUCH_FEED => {}
                Err(error) => return Err(error),
            }
        }
        Ok(kicked)
    }

    /// Sends a keepalive; Janus' `ack` is read (and ignored) by [`Self::read_unsolicited`].
    async fn keepalive(&mut self) -> Result<(), SfuError> {
        let message = json!({"janus": "keepalive", "session_id": self.session_id});
        self.send(message, &new_transaction()).await
    }

    /// Reads one message nobody waits for (an `ack`, an event); fails when the connection
    /// ends.
    async fn read_unsolicited(&mut self) -> Result<(), SfuError> {
        match self.socket.next().await {
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => Err(SfuError::ConnectionLost),
            Some(Ok(_)) => Ok(()),
        }
    }

    /// A VideoRoom request; returns the plugin's `data`, or its error as [`SfuError::Refused`].
    /// Counted and timed under `request`.
    async fn videoroom(&mut self, request: &'static str, body: Value) -> Result<Value, SfuError> {
        let started = Instant::now();
        let data = self.videoroom_data(request, body).await;
        let outcome = SfuOutcome::of(&data);
        self.probe
            .record_request(request, outcome, started.elapsed());
        data
    }

    /// [`Self::videoroom`], not counted.
    async fn videoroom_data(
        &mut self,
        request: &'static str,
        body: Value,
    ) -> Result<Value, SfuError> {
        let message = json!({
            "janus": "message",
            "session_id": self.session_id,
            "handle_id": self.handle_id,
            "body": body,
        });
        let answer = self.exchange(request, message).await?;
        let data = answer
            .pointer("/plugindata/data")
            .cloned()
            .ok_or(SfuError::UnexpectedAnswer { request })?;
        if let Some(code) = data.get("error_code").and_then(Value::as_i64) {
            return Err(SfuError::Refused {
                request,
                code,
                reason: data["error"].as_str().unwrap_or_default().to_owned(),
            });
        }
        Ok(data)
    }

    /// [`Self::exchange`], counted and timed under `request`.
    async fn request(&mut self, request: &'static str, message: Value) -> Result<Value, SfuError> {
        let started = Instant::now();
        let answer = self.exchange(request, message).await;
        let outcome = SfuOutcome::of(&answer);
        self.probe
            .record_request(request, outcome, started.elapsed());
        answer
    }

    /// Sends `message` with a fresh transaction id and waits for the answer that carries
    /// it (skipping `ack`s and everything else).
    async fn exchange(&mut self, request: &'static str, message: Value) -> Result<Value, SfuError> {
        let transaction = new_transaction();
        self.send(message, &transaction).await?;
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .map_err(|_| SfuError::Timeout { request })?;
            let text = match frame {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                    return Err(SfuError::ConnectionLost)
                }
                Some(Ok(_)) => continue,
            };
            let Ok(answer) = serde_json::from_str::<Value>(text.as_str()) else {
                continue;
            };
            if answer["transaction"] != transaction.as_str() || answer["janus"] == "ack" {
                continue;
            }
            if answer["janus"] == "error" {
                return Err(SfuError::Refused {
                    request,
                    code: answer
                        .pointer("/error/code")
                        .and_then(Value::as_i64)
                        .unwrap_or(0),
                    reason: answer
                        .pointer("/error/reason")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                });
            }
            return Ok(answer);
        }
    }

    async fn send(&mut self, mut message: Value, transaction: &str) -> Result<(), SfuError> {
        message["transaction"] = Value::from(transaction);
        if let Some(secret) = &self.api_secret {
            message["apisecret"] = Value::from(secret.as_str());
        }
        let text = message.to_string();
        timeout(REQUEST_TIMEOUT, self.socket.send(Message::text(text)))
            .await
            .map_err(|_| SfuError::Timeout { request: "send" })?
            .map_err(|_| SfuError::ConnectionLost)
    }
}

/// The TLS client for a `wss://` Janus: rustls with ring, verifying against `trust`.
pub(crate) fn tls_connector(trust: &JanusTrust) -> Connector {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client =
        rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions();
    match client {
        Ok(client) => Connector::Rustls(Arc::new(
            client
                .with_root_certificates(trust.root_store())
                .with_no_client_auth(),
        )),
        // ring supports the default versions. Should it not, fail closed: a plain
        // connector refuses every wss:// URL (ws:// does not need TLS).
        Err(error) => {
            tracing::error!(%error, "cannot build the Janus TLS client; wss:// will fail");
            Connector::Plain
        }
    }
}

/// A random transaction id (96 bits, hex).
fn new_transaction() -> String {
    let bytes: [u8; 12] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `data.id` of a `success` answer (a session or handle id).
fn id_in(answer: &Value, request: &'static str) -> Result<u64, SfuError> {
    answer
        .pointer("/data/id")
        .and_then(Value::as_u64)
        .ok_or(SfuError::UnexpectedAnswer { request })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_and_resets() {
        let mut backoff = Backoff::new(RECONNECT_FIRST, RECONNECT_CAP);
        let delays: Vec<u128> = (0..6).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, [200, 400, 800, 1600, 2000, 2000]);
        backoff.reset();
        assert_eq!(backoff.next_delay(), RECONNECT_FIRST);
    }

    #[test]
    fn transaction_ids_differ() {
        assert_ne!(new_transaction(), new_transaction());
        assert_eq!(new_transaction().len(), 24);
    }
}
