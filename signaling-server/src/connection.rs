//! One WebSocket connection to a room (`GET /ws/{room_id}`).
//!
//! A reader and a writer run side by side, joined by `select!`. The reader parses client
//! messages and applies them to the rooms; everything bound for this client, whether it
//! is a reply or a message from another participant, goes through one bounded queue that
//! only the writer drains, so the order on the wire is the order decided under the rooms
//! lock. A participant whose queue is full when another participant's message arrives is
//! closed with 4408; the others never wait. Replies to the client's own requests (errors)
//! wait for room instead, so a client flooding bad requests is held to its reading pace.
//! The queue and the handle the rooms hold to it are in `peer`.
//!
//! A flood from one participant must not close another, so before a message touches the
//! rooms the reader spends its sender's budget for its type (`rate_limits::messages`);
//! over budget, the message is dropped and the sender answered `rate_limited` (at most a
//! few such answers a second; beyond, drops are silent). A `signal` also finds its
//! recipient's queue at most half full, else it is dropped the same way (`peer`). What
//! still closes a participant with 4408 is a reader genuinely stuck: one that reads
//! nothing while the room, within its budgets, fills the rest of its queue (commits,
//! presence, chat). Even then its writer gives up on its own once a frame waits 10 s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use conclave_protocol::{
    close_code, ApiErrorCode, ClientMessage, ErrorCode, ParticipantId, RoomId, ServerMessage,
    MAX_MESSAGE_BYTES, PROTOCOL_VERSION,
};
use futures_util::future::Either;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::{mpsc, watch, Notify, OwnedSemaphorePermit};
use tokio::time::{timeout, timeout_at};

use crate::cluster::socket::{carry_to_home, tunnel_as_socket};
use crate::cluster::tunnel::{IncomingTunnel, TunnelMessage, SERVICE_RESTART};
use crate::cluster::Route;
use crate::delivery_service::CommitRequest;
use crate::error::{api_error, Error};
use crate::metrics::LeaveReason;
use crate::peer::{carry_out, deliver_all, Close, Outbound, PeerHandle};
use crate::rate_limits::{MessageBudgets, MessageKind, TokenBucket};
use crate::rooms::JoinContext;
use crate::sfu::random_room_spec;
use crate::state::AppState;
use crate::unix_now;

/// Longest wait for one frame to be written before the peer counts as gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for the final close frame to be flushed.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// How long a connection whose stream broke stays open after its close frame was sent.
const RESET_LINGER: Duration = Duration::from_millis(500);
/// Close code for "going away" (RFC 6455 section 7.4.1).
const GOING_AWAY: u16 = 1001;
/// Close code for "try again later" (RFC 6455 section 7.4.1, IANA registry): the room's
/// home could not be found or reached.
const TRY_AGAIN_LATER: u16 = 1013;
/// Close code for a normal end (RFC 6455 section 7.4.1).
const NORMAL: u16 = 1000;
/// Bytes read from the socket at a time, and the read buffer each connection keeps.
/// The frequent messages (ICE candidates, application messages, pings) fit in one read;
/// a larger one (an SDP offer, a commit) grows the buffer to its size. tungstenite's
/// default, 128 KiB, held 139 KiB per connection and zeroed 128 KiB before every read
/// (56 ms of CPU per 1,000 relayed messages; 25 ms with this size, BENCHMARKS.md).
const READ_BUFFER_BYTES: usize = 1024;
/// Most bytes waiting in a connection's write buffer. The writer flushes each frame
/// before taking the next, so it holds one frame at most (a relayed message may be a
/// little larger than [`MAX_MESSAGE_BYTES`]); a bound, not an allocation.
const MAX_WRITE_BUFFER_BYTES: usize = 4 * MAX_MESSAGE_BYTES;

/// `GET /ws/{room_id}`: upgrades, then serves the room. A malformed or unknown room id is
/// reported inside the WebSocket (error, then close 4404), because browsers cannot read
/// the HTTP status of a failed upgrade.
pub(crate) async fn open_room_socket(
    Path(raw_room_id): Path<String>,
    State(state): State<AppState>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(permit) = state.try_acquire_connection() else {
        return api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ApiErrorCode::ServerBusy,
            "the server already serves its maximum number of connections",
        );
    };
    let room = RoomId::parse(&raw_room_id).ok();
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .read_buffer_size(READ_BUFFER_BYTES)
        // Written at once: the writer flushes after every frame anyway.
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| {
            // One instance: the connection's task is `serve_socket` alone. Through
            // `route_socket`, it also held the cluster's states and a second copy of the
            // socket, about 1 KiB more for every connection (BENCHMARKS.md, issue 16).
            if state.cluster().is_none() {
                let (sink, stream) = socket.split();
                Either::Left(serve_socket(sink, stream, room, state, permit))
            } else {
                Either::Right(Box::pin(route_socket(socket, room, state, permit)))
            }
        })
        .into_response()
}

/// Serves the socket here, or, with several instances, carries it to the room's home
/// instance (`cluster`): this instance becomes the home if the room has none.
async fn route_socket(
    socket: WebSocket,
    room: Option<RoomId>,
    state: AppState,
    permit: OwnedSemaphorePermit,
) {
    let (Some(cluster), Some(room_id)) = (state.cluster().cloned(), room.clone()) else {
        let (sink, stream) = socket.split();
        return serve_socket(sink, stream, room, state, permit).await;
    };
    match cluster.route(&room_id).await {
        Ok(Route::Here) => {
            if let Err(error) = state.adopt_room(&cluster, &room_id).await {
                tracing::warn!(%error, "cannot read the room's state in Redis");
                return close_at_once(socket, (TRY_AGAIN_LATER, "try again later")).await;
            }
            let (sink, stream) = socket.split();
            serve_socket(sink, stream, room, state, permit).await;
        }
        Ok(Route::Home(home)) => match cluster.open_tunnel(&home, &room_id).await {
            Ok(tunnel) => {
                carry_to_home(socket, tunnel, WRITE_TIMEOUT, CLOSE_GRACE, RESET_LINGER).await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot reach the room's home instance");
                close_at_once(socket, (TRY_AGAIN_LATER, "try again later")).await;
            }
        },
        Err(error) => {
            tracing::warn!(%error, "cannot find the room's home instance");
            close_at_once(socket, (TRY_AGAIN_LATER, "try again later")).await;
        }
    }
}

/// Sends a close frame on a socket that was never served.
async fn close_at_once(mut socket: WebSocket, close: Close) {
    let _ = timeout(CLOSE_GRACE, socket.send(close_message(close))).await;
}

/// The home's side of a participant whose socket is on another instance: served like a
/// local socket, if this instance is still the room's home (else the edge hears the tunnel
/// close and the browser reconnects).
pub(crate) async fn serve_tunnel(state: AppState, arrival: IncomingTunnel) {
    let Some(cluster) = state.cluster().cloned() else {
        return;
    };
    let try_again = TunnelMessage::Close {
        code: TRY_AGAIN_LATER,
        reason: "try again later".to_owned(),
    };
    // Not the home any more (the browser asks the edge again), or full: the browser waits
    // before trying again, as a local socket refused with 503 would.
    let Some(permit) = state.try_acquire_connection() else {
        let _ = arrival.end.send(try_again).await;
        return;
    };
    if !cluster.is_home_of(&arrival.room)
        || state.adopt_room(&cluster, &arrival.room).await.is_err()
    {
        let _ = arrival.end.send(try_again).await;
        return;
    }
    let (sink, stream) = tunnel_as_socket(arrival.end);
    serve_socket(sink, stream, Some(arrival.room), state, permit).await;
}

/// Serves one connection (a socket's two halves, or a tunnel's) until it ends, then
/// removes its participant.
async fn serve_socket<Si, St>(
    sink: Si,
    mut stream: St,
    room: Option<RoomId>,
    state: AppState,
    _permit: OwnedSemaphorePermit,
) where
    Si: Sink<Message, Error = axum::Error> + Unpin,
    St: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let (me, queue_rx) = PeerHandle::channel(state.config().send_queue_capacity);
    let writer = write_outgoing(
        sink,
        queue_rx,
        me.too_slow_signal(),
        state.shutdown_signal(),
        state.config().ping_interval,
    );
    tokio::pin!(writer);
    let mut session = Session {
        state,
        room,
        me,
        joined: None,
        budgets: MessageBudgets::default(),
        rate_limited_replies: TokenBucket::default(),
    };
    let (ending, reason) = tokio::select! {
        ending = session.read_incoming(&mut stream) => (Some(ending), reader_leave_reason(ending)),
        sent = &mut writer => (None, writer_leave_reason(sent)),
    };
    session.leave_room(reason);
    let Some(Some(close)) = ending else {
        return;
    };
    if session
        .me
        .send_waiting(Outbound::Close(close))
        .await
        .is_err()
    {
        return;
    }
    let _ = timeout(CLOSE_GRACE, async {
        // The writer sends everything queued before the close frame, then stops.
        writer.await;
        // Wait for the client's close reply, so the client sees the close frame and the
        // connection ends cleanly.
        while let Some(Ok(frame)) = stream.next().await {
            if matches!(frame, Message::Close(_)) {
                return;
            }
        }
        // The stream ended without a reply: after a read error (an oversized frame) it
        // can no longer be read, and unread bytes make closing the socket send a TCP
        // reset that may destroy the close frame in flight. Give the client a moment to
        // read it first.
        tokio::time::sleep(RESET_LINGER).await;
    })
    .await;
}

/// The reader's side of one connection.
struct Session {
    state: AppState,
    /// `None` when the URL's room id was malformed.
    room: Option<RoomId>,
    me: PeerHandle,
    /// Set once `join` succeeded.
    joined: Option<ParticipantId>,
    /// What this connection may still send, per message type.
    budgets: MessageBudgets,
    /// What is left of the `rate_limited` answers' own budget.
    rate_limited_replies: TokenBucket,
}

/// What to do after a client message.
enum Step {
    /// Read the next message.
    Continue,
    /// Answer the client with this message (waiting for room in its queue, as an error
    /// reply does), then read the next one.
    Reply(ServerMessage),
    /// Close with this frame.
    End(Close),
}

impl Session {
    /// Reads until the connection should end; returns the close frame to send, if any
    /// (`None` when the client is gone or closed first).
    async fn read_incoming<St>(&mut self, stream: &mut St) -> Option<Close>
    where
        St: Stream<Item = Result<Message, axum::Error>> + Unpin,
    {
        let room = match self.room.clone() {
            Some(room) if self.state.room_exists(&room) => room,
            _ => return self.refuse(Error::UnknownRoom).await,
        };
        let idle_timeout = self.state.config().idle_timeout;
        let join_deadline = tokio::time::Instant::now() + self.state.config().join_timeout;
        loop {
            let idle_deadline = tokio::time::Instant::now() + idle_timeout;
            let deadline = match self.joined {
                None => idle_deadline.min(join_deadline),
                Some(_) => idle_deadline,
            };
            let frame = match timeout_at(deadline, stream.next()).await {
                Err(_) if deadline < idle_deadline => return Some((GOING_AWAY, "join timeout")),
                Err(_idle) => return Some((GOING_AWAY, "idle timeout")),
                Ok(None) => return None,
                Ok(Some(Err(error))) => {
                    tracing::debug!(%error, "read failed");
                    if is_message_too_big(error) {
                        return self.refuse(Error::MessageTooBig).await;
                    }
                    return None;
                }
                Ok(Some(Ok(frame))) => frame,
            };
            let text = match frame {
                Message::Text(text) => text,
                Message::Binary(_) => {
                    self.refuse(Error::MalformedMessage).await;
                    continue;
                }
                // Pings are answered by the WebSocket layer; both count as activity.
                Message::Ping(_) | Message::Pong(_) => continue,
                Message::Close(_) => return None,
            };
            if text.len() > MAX_MESSAGE_BYTES {
                return self.refuse(Error::MessageTooBig).await;
            }
            let message = match serde_json::from_str::<ClientMessage>(text.as_str()) {
                Ok(message) => message,
                Err(_) => {
                    if let Some(close) = self.refuse(Error::MalformedMessage).await {
                        return Some(close);
                    }
                    continue;
                }
            };
            // The budget first: a flood costs nothing beyond it, not even a Redis call.
            let result = match self.spend_budget(&message, text.len()) {
                Ok(()) => {
                    if let Some(close) = self.fence_in_cluster(&room, &message).await {
                        return Some(close);
                    }
                    let ends_meeting = matches!(message, ClientMessage::EndMeeting);
                    let result = self.handle(&room, message);
                    if ends_meeting && result.is_ok() {
                        Box::pin(self.state.record_ended_in_cluster(&room)).await;
                    }
                    result
                }
                Err(error) => Err(error),
            };
            match result {
                Ok(Step::Continue) => {}
                Ok(Step::Reply(message)) => {
                    // A send error means the writer is gone; the connection is ending.
                    let _ =
                        Box::pin(self.me.send_waiting(Outbound::Message(Box::new(message)))).await;
                }
                Ok(Step::End(close)) => return Some(close),
                Err(error) => {
                    if let Some(close) = self.refuse(error).await {
                        return Some(close);
                    }
                }
            }
        }
    }

    /// With several instances: before a commit is applied, the atomic step in Redis that
    /// confirms this instance is still the room's home (`cluster::homes`). If it is not (it
    /// paused past its lease and another instance took the room over), the connection ends
    /// with 1012 and the client reconnects to the new home: two instances never both accept
    /// a commit for one epoch.
    async fn fence_in_cluster(&self, room: &RoomId, message: &ClientMessage) -> Option<Close> {
        let cluster = self.state.cluster()?;
        // Only a joined participant's commit is applied; anything else is refused anyway.
        if self.joined.is_none()
            || !matches!(message, ClientMessage::Commit { .. })
            || Box::pin(cluster.confirm_home(room)).await
        {
            return None;
        }
        tracing::warn!("a commit arrived after this instance lost the room's lease");
        Some((SERVICE_RESTART, "server instance lost the room"))
    }

    fn handle(&mut self, room: &RoomId, message: ClientMessage) -> Result<Step, Error> {
        match message {
            ClientMessage::Join { protocol } => {
                if self.joined.is_some() {
                    return Err(Error::AlreadyJoined);
                }
                if protocol != PROTOCOL_VERSION {
                    return Err(Error::ProtocolMismatch { client: protocol });
                }
                let context = JoinContext {
                    unix_now: unix_now(),
                    fresh_sfu_room: random_room_spec,
                };
                let mut rooms = self.state.rooms();
                let mut joined = rooms.join(room, self.me.clone(), context)?;
                // The rooms know nothing of the creation policy; the hold token is its own.
                if let ServerMessage::Joined { hold_token, .. } = &mut joined.reply {
                    *hold_token = self.state.room_creation().hold_token(room);
                }
                // Queued under the lock, so `joined` (then the SFU room's status) precedes
                // anything others send us.
                self.me.deliver(joined.reply);
                if let Some(notice) = joined.sfu_notice {
                    self.me.deliver(notice);
                }
                deliver_all(joined.announcements);
                if let Some(command) = joined.sfu_command {
                    self.state.send_sfu_command(&mut rooms, command);
                }
                drop(rooms);
                self.state.metrics().record_join(room, joined.you);
                self.joined = Some(joined.you);
                Ok(Step::Continue)
            }
            ClientMessage::Signal { to, payload } => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                let rooms = self.state.rooms();
                let delivery = rooms.route_signal(room, from, to, payload)?;
                if !delivery.to.deliver_unless_busy(delivery.message) {
                    return Err(Error::RecipientBusy);
                }
                Ok(Step::Continue)
            }
            ClientMessage::Leave => {
                if self.joined.is_none() {
                    return Err(Error::NotJoined);
                }
                self.leave_room(LeaveReason::Left);
                Ok(Step::End((NORMAL, "left")))
            }
            ClientMessage::StartGroup => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                let mut rooms = self.state.rooms();
                deliver_all(rooms.start_group(room, from)?);
                drop(rooms);
                tracing::debug!(participant = %from, "started the group");
                Ok(Step::Continue)
            }
            ClientMessage::PublishKeyPackage {
                key_package,
                invite_proof,
            } => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                let mut rooms = self.state.rooms();
                let deliveries = rooms.publish_key_package(
                    room,
                    from,
                    key_package,
                    invite_proof,
                    Instant::now(),
                )?;
                deliver_all(deliveries);
                Ok(Step::Continue)
            }
            ClientMessage::SetJoinChallenge(challenge) => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                let mut rooms = self.state.rooms();
                deliver_all(rooms.set_join_challenge(room, from, challenge)?);
                Ok(Step::Continue)
            }
            ClientMessage::QueryGroupStatus => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                // Read under the lock: every commit accepted before is already queued to
                // us ahead of this answer, so an epoch ahead of the client's means a
                // commit to it was lost, never one still on its way.
                let answer = self.state.rooms().group_status(room, from)?;
                Ok(Step::Reply(answer))
            }
            ClientMessage::DisputeCommit { epoch } => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                self.state.rooms().dispute_commit(room, from, epoch)?;
                Ok(Step::Continue)
            }
            ClientMessage::Ping => {
                self.joined.ok_or(Error::NotJoined)?;
                Ok(Step::Reply(ServerMessage::Pong))
            }
            ClientMessage::ApplicationMessage { message } => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                let mut rooms = self.state.rooms();
                let deliveries =
                    rooms.relay_application_message(room, from, message, Instant::now())?;
                deliver_all(deliveries);
                Ok(Step::Continue)
            }
            ClientMessage::AnswerKnock { to, answer } => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                deliver_all(self.state.rooms().answer_knock(room, from, to, answer)?);
                Ok(Step::Continue)
            }
            ClientMessage::EndMeeting => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                let mut rooms = self.state.rooms();
                let ended = rooms.end_meeting(room, from)?;
                if let Some(command) = carry_out(ended) {
                    self.state.send_sfu_command(&mut rooms, command);
                }
                drop(rooms);
                tracing::debug!(participant = %from, "ended the meeting");
                // Our own close is queued: the writer sends it and ends the connection.
                Ok(Step::Continue)
            }
            ClientMessage::Commit {
                epoch,
                commit,
                welcome,
                added,
                removed,
                expelled,
            } => {
                let from = self.joined.ok_or(Error::NotJoined)?;
                let request = CommitRequest {
                    epoch,
                    commit,
                    welcome,
                    added,
                    removed,
                    expelled,
                };
                let mut rooms = self.state.rooms();
                // Queued under the lock: every member sees the room's commits in one order,
                // and an expelled participant gets the commit before its close.
                let committed = rooms.commit(room, from, request)?;
                if let Some(command) = carry_out(committed) {
                    self.state.send_sfu_command(&mut rooms, command);
                }
                drop(rooms);
                self.state.metrics().record_commit(room, from, epoch);
                Ok(Step::Continue)
            }
        }
    }

    /// Spends what `message` (`bytes` long) costs from its type's budget; over budget it
    /// must be dropped.
    fn spend_budget(&mut self, message: &ClientMessage, bytes: usize) -> Result<(), Error> {
        let kind = MessageKind::of(message);
        let limits = &self.state.config().limits.messages;
        if self.budgets.spend(limits, kind, bytes, Instant::now()) {
            return Ok(());
        }
        let rate = limits.rate(kind);
        Err(Error::MessageRateLimited {
            kind: kind.name(),
            burst: rate.burst(),
            per_minute: rate.per_minute(),
        })
    }

    /// Sends the client an error for `error`; returns the close frame that must follow,
    /// if the connection ends. Unlike messages from others, a reply waits for room in
    /// the queue: a client that floods bad requests is slowed to its own reading pace
    /// rather than closed.
    async fn refuse(&mut self, error: Error) -> Option<Close> {
        // Boxed, as every rare wait of the reader: inline, the largest sets the size of
        // every connection's task (0.6 KiB more each; BENCHMARKS.md, issue 16).
        Box::pin(self.refuse_now(error)).await
    }

    /// [`Self::refuse`]'s work.
    async fn refuse_now(&mut self, error: Error) -> Option<Close> {
        let (room, participant) = (self.room.as_ref(), self.joined);
        self.state
            .metrics()
            .record_refusal(room, participant, &error);
        if error.protocol_code() == Some(ErrorCode::RateLimited) {
            let rate = self.state.config().limits.rate_limited_replies;
            if self
                .rate_limited_replies
                .spend(rate, Instant::now(), 1)
                .is_err()
            {
                return None;
            }
        }
        if let Some(reply) = error.reply() {
            // A send error means the writer is gone; the connection is ending anyway.
            let _ = self
                .me
                .send_waiting(Outbound::Message(Box::new(reply)))
                .await;
        }
        if matches!(error, Error::RoomFull) {
            // A full mesh room names its bound, so that the page can say why.
            let reason = crate::config::meeting_size::room_full_reason(self.state.config());
            return Some((close_code::ROOM_FULL, reason));
        }
        error.close_frame()
    }

    /// Removes this participant from its room, telling the others, and records why it
    /// left (once: a participant a commit removed or a meeting's end closed is already out
    /// of the room, and is recorded here as it disconnects). Idempotent.
    fn leave_room(&mut self, reason: LeaveReason) {
        let (Some(id), Some(room)) = (self.joined.take(), self.room.as_ref()) else {
            return;
        };
        let mut rooms = self.state.rooms();
        let left = rooms.leave(room, id, Instant::now());
        deliver_all(left.deliveries);
        if let Some(command) = left.sfu_command {
            self.state.send_sfu_command(&mut rooms, command);
        }
        drop(rooms);
        self.state.metrics().record_leave(room, id, reason);
    }
}

/// Why a joined participant leaves when its reader ended with `close` to send (`None`:
/// the client closed or the connection broke).
fn reader_leave_reason(close: Option<Close>) -> LeaveReason {
    match close {
        None => LeaveReason::Closed,
        // The reader closes with 1001 only for its timeouts.
        Some((GOING_AWAY, _)) => LeaveReason::Timeout,
        Some(_) => LeaveReason::Refused,
    }
}

/// Why a joined participant leaves when its writer ended, having sent (or tried to send)
/// the close code `sent`.
fn writer_leave_reason(sent: Option<u16>) -> LeaveReason {
    match sent {
        Some(close_code::REMOVED) => LeaveReason::Removed,
        Some(close_code::MEETING_ENDED) => LeaveReason::Ended,
        Some(close_code::TOO_SLOW) => LeaveReason::TooSlow,
        // The writer closes with 1001 only when the server shuts down.
        Some(GOING_AWAY) => LeaveReason::Shutdown,
        _ => LeaveReason::Closed,
    }
}

/// Whether a read failed because a frame or message exceeded the configured limit.
fn is_message_too_big(error: axum::Error) -> bool {
    match error.into_inner().downcast::<tungstenite::Error>() {
        Ok(error) => matches!(*error, tungstenite::Error::Capacity(_)),
        Err(_) => false,
    }
}

/// Drains the send queue onto the socket, pings the client, and sends the close frame
/// when the queue asks for it, the peer turned out too slow, or the server shuts down.
/// Returns the code of the close frame it ended with (`None`: the queue or socket ended).
async fn write_outgoing<Si>(
    mut sink: Si,
    mut queue: mpsc::Receiver<Outbound>,
    too_slow: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
    ping_every: Duration,
) -> Option<u16>
where
    Si: Sink<Message, Error = axum::Error> + Unpin,
{
    let start = tokio::time::Instant::now() + ping_every;
    let mut ping = tokio::time::interval_at(start, ping_every);
    loop {
        let frame = tokio::select! {
            biased;
            () = too_slow.notified() => close_message((close_code::TOO_SLOW, "too slow")),
            _ = shutdown.wait_for(|&down| down) => {
                close_message((GOING_AWAY, "server shutting down"))
            }
            outbound = queue.recv() => match outbound {
                Some(Outbound::Message(message)) => match serde_json::to_string(&message) {
                    Ok(json) => Message::Text(json.into()),
                    Err(error) => {
                        tracing::warn!(%error, "could not serialize a server message");
                        continue;
                    }
                },
                Some(Outbound::Close(close)) => close_message(close),
                None => return None,
            },
            _ = ping.tick() => Message::Ping(Bytes::new()),
        };
        let closing = match &frame {
            Message::Close(Some(close)) => Some(close.code),
            _ => None,
        };
        match timeout(WRITE_TIMEOUT, sink.send(frame)).await {
            Ok(Ok(())) if closing.is_none() => {}
            _ => return closing,
        }
    }
}

fn close_message((code, reason): Close) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}
