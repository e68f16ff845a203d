//! The Janus session: one WebSocket (subprotocol `janus-protocol`) and the Janus session on
//! it, which the publisher and subscriber handles live in. This module owns the socket and
//! its handlers, request/reply matching by transaction, the keepalive, the peer
//! connections' ICE candidates trickled to Janus, dispatching what Janus sends on its own,
//! and starting over.
//!
//! Starting over: a dropped socket, a Janus `hangup` or `timeout`, a refused join (room not
//! recreated yet) or a peer connection that failed (Janus does not hang those up) ends the
//! session's [`Link`]. The transport says `Reconnecting`, closes its peer connections and
//! opens a new link after 250 ms, doubling to 2 s while attempts fail, or at once when the
//! server says the room is ready again. Each link has a generation: events of an older
//! link are ignored.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use conclave_protocol::SfuAccess;
use futures_channel::oneshot;
use gloo::timers::callback::{Interval, Timeout};
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    CloseEvent, MessageEvent, RtcIceCandidateInit, RtcPeerConnection, RtcPeerConnectionIceEvent,
    RtcPeerConnectionState, WebSocket,
};

use super::api::{self, room_event, Incoming, JanusApiError, JanusId, Jsep, Requests, RoomEvent};
use super::publisher::Publisher;
use super::subscriber::Subscriber;
use super::{Inner, Janus, JanusError};
use crate::services::transport::webrtc::{
    add_candidate, close_peer_connection, new_peer_connection,
};
use crate::services::transport::TransportState;

/// Janus closes sessions idle for 60 s by default; keep ours alive well within that.
const KEEPALIVE_MS: u32 = 25_000;
/// First wait before reconnecting, doubled per failure up to [`MAX_RETRY_MS`].
const FIRST_RETRY_MS: u32 = 250;
/// Longest wait between reconnection attempts.
const MAX_RETRY_MS: u32 = 2_000;

/// One WebSocket and the Janus session on it, with its two handles.
pub(super) struct Link {
    /// Which connection attempt this is ([`Inner::generation`] when it was made).
    pub(super) generation: u64,
    socket: WebSocket,
    /// Builds requests for this session (API secret, session id).
    pub(super) requests: RefCell<Requests>,
    next_transaction: Cell<u64>,
    /// Requests waiting for their reply, by transaction.
    pending: RefCell<HashMap<String, oneshot::Sender<Incoming>>>,
    /// Told once the socket opened (or closed before it did).
    opened: RefCell<Option<oneshot::Sender<bool>>>,
    /// Our camera and microphone.
    pub(super) publisher: Publisher,
    /// Everyone else's feeds.
    pub(super) subscriber: Subscriber,
    keepalive: RefCell<Option<Interval>>,
    /// Event handlers kept alive as long as the link.
    pub(super) closures: RefCell<Vec<Box<dyn Any>>>,
}

impl Link {
    /// A fresh transaction id, unique within the transport's lifetime.
    pub(super) fn transaction(&self) -> String {
        let next = self.next_transaction.get() + 1;
        self.next_transaction.set(next);
        format!("c{}-{next}", self.generation)
    }

    /// Sends `request`, expecting no reply.
    pub(super) fn send(&self, request: &Value) {
        // A failed send means the socket is closing; `onclose` starts the reconnection.
        let _ = self.socket.send_with_str(&request.to_string());
    }

    /// Sends a request and waits for its reply (the event, for asynchronous ones).
    pub(super) async fn request(
        &self,
        build: impl FnOnce(&Requests, &str) -> Value,
    ) -> Result<Incoming, JanusError> {
        let transaction = self.transaction();
        let request = build(&self.requests.borrow(), &transaction);
        let (sender, receiver) = oneshot::channel();
        self.pending.borrow_mut().insert(transaction, sender);
        self.send(&request);
        match receiver.await {
            Ok(Incoming::Error { code, reason }) => {
                Err(JanusApiError::Refused { code, reason }.into())
            }
            Ok(reply) => Ok(reply),
            // The link closed before the reply.
            Err(_) => Err(JanusError::Unreachable),
        }
    }

    /// A plugin request: its event's data and SDP, or the plugin's refusal.
    pub(super) async fn plugin_request(
        &self,
        handle: JanusId,
        body: Value,
        jsep: Option<&Jsep>,
    ) -> Result<(Value, Option<Jsep>), JanusError> {
        match self
            .request(|requests, transaction| requests.message(transaction, handle, body, jsep))
            .await?
        {
            Incoming::Event { data, jsep, .. } => {
                if let RoomEvent::Error { code, reason } = room_event(&data) {
                    return Err(JanusApiError::Refused { code, reason }.into());
                }
                Ok((data, jsep))
            }
            Incoming::Success {
                data: Some(data), ..
            } => Ok((data, None)),
            _ => Err(JanusApiError::Malformed.into()),
        }
    }

    /// Attaches a new VideoRoom handle to the session.
    pub(super) async fn attach(&self) -> Result<JanusId, JanusError> {
        match self
            .request(|requests, transaction| requests.attach_videoroom(transaction))
            .await?
        {
            Incoming::Success { id: Some(id), .. } => Ok(id),
            _ => Err(JanusApiError::Malformed.into()),
        }
    }

    fn trickle(&self, handle: JanusId, candidate: Option<(&str, Option<&str>, Option<u16>)>) {
        let transaction = self.transaction();
        let request = self
            .requests
            .borrow()
            .trickle(&transaction, handle, candidate);
        self.send(&request);
    }

    fn connection_of(&self, handle: JanusId) -> Option<RtcPeerConnection> {
        if self.publisher.handle.get() == Some(handle) {
            self.publisher.connection.borrow().clone()
        } else if self.subscriber.handle.get() == Some(handle) {
            self.subscriber.connection.borrow().clone()
        } else {
            None
        }
    }

    /// Closes both peer connections and forgets every pending request.
    pub(super) fn shut(&self) {
        self.keepalive.borrow_mut().take();
        for connection in [&self.publisher.connection, &self.subscriber.connection] {
            if let Some(connection) = connection.borrow_mut().take() {
                close_peer_connection(&connection);
            }
        }
        self.pending.borrow_mut().clear();
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onopen(None);
        let _ = self.socket.close();
    }

    /// Says goodbye, fire and forget (unpublish, detach both handles, destroy the
    /// session), then shuts the link.
    pub(super) fn leave(&self) {
        let requests = self.requests.borrow().clone();
        self.publisher.leave(self, &requests);
        self.subscriber.leave(self, &requests);
        self.send(&requests.destroy_session(&self.transaction()));
        self.shut();
    }
}

impl Janus {
    /// The link in use, if any.
    pub(super) fn current_link(&self) -> Option<Rc<Link>> {
        self.inner.link.borrow().clone()
    }

    /// Drops the current link (if any) and starts a new one.
    pub(super) fn connect(&self) {
        if self.inner.closed.get() {
            return;
        }
        let Some(SfuAccess::Janus { url, .. }) = self.inner.access.borrow().clone() else {
            return;
        };
        self.inner.retry.borrow_mut().take();
        if let Some(old) = self.inner.link.borrow_mut().take() {
            old.shut();
        }
        let generation = self.inner.generation.get() + 1;
        self.inner.generation.set(generation);
        let link = match self.open_link(&url, generation) {
            Ok(link) => link,
            Err(error) => {
                self.connection_lost(generation, &error);
                return;
            }
        };
        *self.inner.link.borrow_mut() = Some(Rc::clone(&link));
        let janus = self.clone();
        spawn_local(async move {
            if let Err(error) = janus.set_up(&link).await {
                janus.connection_lost(link.generation, &error);
            }
        });
    }

    /// Opens the WebSocket and wires its handlers to this transport.
    fn open_link(&self, url: &str, generation: u64) -> Result<Rc<Link>, JanusError> {
        let socket =
            WebSocket::new_with_str(url, api::SUBPROTOCOL).map_err(|_| JanusError::Unreachable)?;
        let api_secret = match &*self.inner.access.borrow() {
            Some(SfuAccess::Janus { api_secret, .. }) => api_secret.clone(),
            None => None,
        };
        let link = Rc::new(Link {
            generation,
            socket: socket.clone(),
            requests: RefCell::new(Requests {
                api_secret,
                session: None,
            }),
            next_transaction: Cell::new(0),
            pending: RefCell::new(HashMap::new()),
            opened: RefCell::new(None),
            publisher: Publisher::default(),
            subscriber: Subscriber::default(),
            keepalive: RefCell::new(None),
            closures: RefCell::new(Vec::new()),
        });
        let weak_link = Rc::downgrade(&link);
        let janus = Rc::downgrade(&self.inner);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let (Some(link), Some(inner)) = (weak_link.upgrade(), janus.upgrade()) else {
                return;
            };
            let Some(text) = event.data().as_string() else {
                return;
            };
            Janus { inner }.on_janus_message(&link, &text);
        });
        let weak_link = Rc::downgrade(&link);
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if let Some(link) = weak_link.upgrade() {
                if let Some(opened) = link.opened.borrow_mut().take() {
                    let _ = opened.send(true);
                }
            }
        });
        let weak_link = Rc::downgrade(&link);
        let janus = Rc::downgrade(&self.inner);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
            let (Some(link), Some(inner)) = (weak_link.upgrade(), janus.upgrade()) else {
                return;
            };
            link.opened.borrow_mut().take();
            link.pending.borrow_mut().clear();
            Janus { inner }.connection_lost(link.generation, &JanusError::Unreachable);
        });
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        link.closures.borrow_mut().extend([
            Box::new(on_message) as Box<dyn Any>,
            Box::new(on_open),
            Box::new(on_close),
        ]);
        Ok(link)
    }

    /// Session, publisher, subscription: everything after the socket is up.
    async fn set_up(&self, link: &Rc<Link>) -> Result<(), JanusError> {
        let (opened_sender, opened) = oneshot::channel();
        *link.opened.borrow_mut() = Some(opened_sender);
        if link.socket.ready_state() != WebSocket::OPEN && opened.await != Ok(true) {
            return Err(JanusError::Unreachable);
        }
        let Some(SfuAccess::Janus { room, pin, .. }) = self.inner.access.borrow().clone() else {
            return Err(JanusError::Unreachable);
        };
        let session = match link
            .request(|requests, transaction| requests.create_session(transaction))
            .await?
        {
            Incoming::Success { id: Some(id), .. } => id,
            _ => return Err(JanusApiError::Malformed.into()),
        };
        link.requests.borrow_mut().session = Some(session);
        let weak = Rc::downgrade(link);
        *link.keepalive.borrow_mut() = Some(Interval::new(KEEPALIVE_MS, move || {
            if let Some(link) = weak.upgrade() {
                let transaction = link.transaction();
                let request = link.requests.borrow().keepalive(&transaction);
                link.send(&request);
            }
        }));

        let (publisher, publishers) = self.join_as_publisher(link, room, &pin).await?;
        // The subscription is negotiated on its own handle while we publish: the first
        // frames from the others need not wait for our own offer and answer.
        self.subscribe(link, publishers);
        self.publish(link, publisher).await?;
        self.inner.failures.set(0);
        self.inner.events.state.emit(TransportState::Connected);
        Ok(())
    }

    /// A peer connection for `handle`, trickling its candidates to Janus. If it fails
    /// (its ICE paths went silent) the session starts over.
    pub(super) fn peer_connection(
        &self,
        link: &Rc<Link>,
        handle: JanusId,
    ) -> Result<RtcPeerConnection, JanusError> {
        let connection = new_peer_connection(&self.inner.e2ee, &self.inner.ice)?;
        let weak = Rc::downgrade(link);
        let on_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
            move |event: RtcPeerConnectionIceEvent| {
                let Some(link) = weak.upgrade() else {
                    return;
                };
                match event.candidate() {
                    Some(candidate) if !candidate.candidate().is_empty() => {
                        let line = candidate.candidate();
                        let mid = candidate.sdp_mid();
                        link.trickle(
                            handle,
                            Some((&line, mid.as_deref(), candidate.sdp_m_line_index())),
                        );
                    }
                    _ => link.trickle(handle, None),
                }
            },
        );
        connection.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        link.closures.borrow_mut().push(Box::new(on_candidate));
        // Janus does not hang up a connection whose paths went silent: we start over.
        let weak = Rc::downgrade(&self.inner);
        let generation = link.generation;
        let watched = connection.clone();
        let on_state_change = Closure::<dyn FnMut()>::new(move || {
            if watched.connection_state() != RtcPeerConnectionState::Failed {
                return;
            }
            if let Some(inner) = weak.upgrade() {
                Janus { inner }.connection_lost(generation, &JanusError::MediaPathFailed);
            }
        });
        connection.set_onconnectionstatechange(Some(on_state_change.as_ref().unchecked_ref()));
        link.closures.borrow_mut().push(Box::new(on_state_change));
        if link.publisher.handle.get() == Some(handle) {
            *link.publisher.connection.borrow_mut() = Some(connection.clone());
        } else {
            *link.subscriber.connection.borrow_mut() = Some(connection.clone());
        }
        Ok(connection)
    }

    fn on_janus_message(&self, link: &Rc<Link>, text: &str) {
        let Ok(parsed) = api::parse(text) else {
            gloo::console::warn!("Conclave: unreadable message from the media server");
            return;
        };
        if let Some(transaction) = &parsed.transaction {
            if matches!(parsed.message, Incoming::Ack) {
                return;
            }
            let waiting = link.pending.borrow_mut().remove(transaction);
            if let Some(waiting) = waiting {
                let _ = waiting.send(parsed.message);
                return;
            }
        }
        match parsed.message {
            Incoming::Event { sender, data, jsep } => self.on_room_event(link, sender, &data, jsep),
            Incoming::Trickle { sender, candidate } => {
                if let (Some(connection), Some((line, mid, index))) =
                    (link.connection_of(sender), candidate)
                {
                    let init = RtcIceCandidateInit::new(&line);
                    init.set_sdp_mid(mid.as_deref());
                    init.set_sdp_m_line_index(index);
                    add_candidate(connection, init);
                }
            }
            Incoming::Hangup { .. } | Incoming::Timeout => {
                self.connection_lost(link.generation, &JanusError::Unreachable);
            }
            _ => {}
        }
    }

    /// The link of `generation` failed: start over after a backoff (unless a newer
    /// attempt already runs, or the meeting is over).
    pub(super) fn connection_lost(&self, generation: u64, error: &JanusError) {
        if self.inner.closed.get() || generation != self.inner.generation.get() {
            return;
        }
        if self.inner.retry.borrow().is_some() {
            return;
        }
        gloo::console::warn!(format!("Conclave: media server connection lost: {error}"));
        if let Some(link) = self.inner.link.borrow_mut().take() {
            link.shut();
        }
        self.inner.events.state.emit(TransportState::Reconnecting);
        let failures = self.inner.failures.get();
        self.inner.failures.set(failures.saturating_add(1));
        let wait = FIRST_RETRY_MS
            .saturating_mul(1 << failures.min(4))
            .min(MAX_RETRY_MS);
        let weak: Weak<Inner> = Rc::downgrade(&self.inner);
        *self.inner.retry.borrow_mut() = Some(Timeout::new(wait, move || {
            if let Some(inner) = weak.upgrade() {
                inner.retry.borrow_mut().take();
                Janus { inner }.connect();
            }
        }));
    }
}
