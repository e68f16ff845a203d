//! The Janus transport: the meeting's media through a Janus VideoRoom that the signaling
//! server created (`require_e2ee`), reached with the Janus WebSocket API.
//!
//! One Janus session per connection, with two handles: a publisher (our camera and
//! microphone, video in three simulcast layers, every sender behind the encrypting
//! transform before the offer) and one multistream subscriber for everyone else's
//! feeds (every receiver behind the decrypting transform in `ontrack`). A feed is a
//! Janus id, not a person: the session shows it under a member's name only once the
//! worker has decrypted it with that member's key.
//!
//! If the WebSocket drops (Janus restarted) or Janus refuses the room (not recreated
//! yet), the transport says `Reconnecting`, closes its peer connections and starts over
//! after a short backoff, or at once when the server says the room is ready again.

pub mod api;

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};

use conclave_protocol::{IceServer, ParticipantId, ServerMessage, SfuAccess};
use futures_channel::oneshot;
use gloo::timers::callback::{Interval, Timeout};
use js_sys::{Array, Object, Reflect};
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    CloseEvent, MediaStream, MediaStreamTrack, MessageEvent, RtcIceCandidateInit,
    RtcPeerConnection, RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcRtpReceiver,
    RtcRtpSender, RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType, RtcTrackEvent,
    WebSocket,
};

use self::api::{
    body, room_event, FeedId, Incoming, JanusApiError, JanusId, Jsep, Requests, RoomEvent,
};
use super::webrtc::{
    add_candidate, close_peer_connection, create_local_description, meeting_video_codec,
    new_peer_connection, prefer_video_codec, protect_received_track, replace_video_track,
    report_track, set_description, step_failed, WebRtcError,
};
use super::{MediaTransport, TransportEvents, TransportState};
use crate::media_source::{MediaKind, MediaSource};
use crate::roster::GroupView;
use crate::services::e2ee::E2eeWorker;
use crate::services::media::first_track;

/// Janus closes sessions idle for 60 s by default; keep ours alive well within that.
const KEEPALIVE_MS: u32 = 25_000;
/// First wait before reconnecting, doubled per failure up to [`MAX_RETRY_MS`].
const FIRST_RETRY_MS: u32 = 250;
/// Longest wait between reconnection attempts.
const MAX_RETRY_MS: u32 = 2_000;
/// When a simulcast layer request is sent again: just over Janus' one key frame request
/// per second and stream (`janus_videoroom_reqpli`).
const SUBSTREAM_REQUEST_AGAIN_MS: u32 = 1_100;
/// Simulcast layers of the camera: rid, downscale factor, bitrate cap (bit/s). Janus
/// forwards one of them to each subscriber; all share one SFrame counter (one sender).
const SIMULCAST_LAYERS: [(&str, f64, f64); 3] = [
    ("h", 1.0, 900_000.0),
    ("m", 2.0, 300_000.0),
    ("l", 4.0, 100_000.0),
];

/// Why the connection to Janus failed (each one leads to a reconnection).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JanusError {
    /// The WebSocket could not be opened or closed meanwhile.
    #[error("the media server cannot be reached")]
    Unreachable,
    /// Janus answered something unusable or refused.
    #[error(transparent)]
    Api(#[from] JanusApiError),
    /// A WebRTC step failed (or encryption could not be attached: fail closed).
    #[error(transparent)]
    WebRtc(#[from] WebRtcError),
    /// A peer connection to Janus failed: every ICE path went silent (the network
    /// dropped or changed).
    #[error("the media path to the media server failed")]
    MediaPathFailed,
}

/// The Janus media transport. Cloning gives another handle to the same transport.
#[derive(Clone)]
pub struct Janus {
    inner: Rc<Inner>,
}

struct Inner {
    e2ee: Rc<E2eeWorker>,
    local: Option<MediaStream>,
    ice_servers: Vec<IceServer>,
    events: TransportEvents,
    me: Cell<Option<ParticipantId>>,
    access: RefCell<Option<SfuAccess>>,
    link: RefCell<Option<Rc<Link>>>,
    /// Increases with every connection attempt; stale attempts see it and stop.
    generation: Cell<u64>,
    failures: Cell<u32>,
    retry: RefCell<Option<Timeout>>,
    closed: Cell<bool>,
    /// The outgoing video track when it is not the camera (screen sharing).
    video_override: RefCell<Option<MediaStreamTrack>>,
}

/// One WebSocket and the Janus session on it.
struct Link {
    generation: u64,
    socket: WebSocket,
    requests: RefCell<Requests>,
    next_transaction: Cell<u64>,
    pending: RefCell<HashMap<String, oneshot::Sender<Incoming>>>,
    opened: RefCell<Option<oneshot::Sender<bool>>>,
    publisher: Cell<Option<JanusId>>,
    subscriber: Cell<Option<JanusId>>,
    publish_connection: RefCell<Option<RtcPeerConnection>>,
    subscribe_connection: RefCell<Option<RtcPeerConnection>>,
    own_feed: Cell<Option<FeedId>>,
    /// Feeds in the subscription, or asked for.
    subscribed: RefCell<HashSet<FeedId>>,
    /// Feeds to add once the current subscription change is answered.
    waiting_feeds: RefCell<Vec<FeedId>>,
    negotiating: Cell<bool>,
    /// The subscriber's m-lines: mid to feed and kind.
    streams: RefCell<HashMap<String, (FeedId, MediaKind)>>,
    /// The feed each protected receiver's transform was attached for.
    receivers: RefCell<Vec<(RtcRtpReceiver, FeedId)>>,
    received: RefCell<HashMap<FeedId, Vec<MediaStreamTrack>>>,
    keepalive: RefCell<Option<Interval>>,
    /// Event handlers kept alive as long as the link.
    closures: RefCell<Vec<Box<dyn Any>>>,
}

impl Link {
    fn transaction(&self) -> String {
        let next = self.next_transaction.get() + 1;
        self.next_transaction.set(next);
        format!("c{}-{next}", self.generation)
    }

    fn send(&self, request: &Value) {
        // A failed send means the socket is closing; `onclose` starts the reconnection.
        let _ = self.socket.send_with_str(&request.to_string());
    }

    /// Sends a request and waits for its reply (the event, for asynchronous ones).
    async fn request(
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
    async fn plugin_request(
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

    async fn attach(&self) -> Result<JanusId, JanusError> {
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
        if self.publisher.get() == Some(handle) {
            self.publish_connection.borrow().clone()
        } else if self.subscriber.get() == Some(handle) {
            self.subscribe_connection.borrow().clone()
        } else {
            None
        }
    }

    /// Closes both peer connections and forgets every pending request.
    fn shut(&self) {
        self.keepalive.borrow_mut().take();
        for connection in [&self.publish_connection, &self.subscribe_connection] {
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
}

impl Janus {
    /// A transport that publishes `local` (if any) into the room the server will name in
    /// `sfu_room_ready`, every frame encrypted by `e2ee`.
    pub fn new(
        e2ee: Rc<E2eeWorker>,
        local: Option<MediaStream>,
        ice_servers: Vec<IceServer>,
        events: TransportEvents,
    ) -> Self {
        events.state.emit(TransportState::Connecting);
        Self {
            inner: Rc::new(Inner {
                e2ee,
                local,
                ice_servers,
                events,
                me: Cell::new(None),
                access: RefCell::new(None),
                link: RefCell::new(None),
                generation: Cell::new(0),
                failures: Cell::new(0),
                retry: RefCell::new(None),
                closed: Cell::new(false),
                video_override: RefCell::new(None),
            }),
        }
    }

    fn current_link(&self) -> Option<Rc<Link>> {
        self.inner.link.borrow().clone()
    }

    /// Drops the current link (if any) and starts a new one.
    fn connect(&self) {
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
            publisher: Cell::new(None),
            subscriber: Cell::new(None),
            publish_connection: RefCell::new(None),
            subscribe_connection: RefCell::new(None),
            own_feed: Cell::new(None),
            subscribed: RefCell::new(HashSet::new()),
            waiting_feeds: RefCell::new(Vec::new()),
            negotiating: Cell::new(false),
            streams: RefCell::new(HashMap::new()),
            receivers: RefCell::new(Vec::new()),
            received: RefCell::new(HashMap::new()),
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

        let publisher = link.attach().await?;
        link.publisher.set(Some(publisher));
        let display = self
            .inner
            .me
            .get()
            .map(|me| me.to_string())
            .unwrap_or_default();
        let (joined, _) = link
            .plugin_request(
                publisher,
                body::join_as_publisher(room, &pin, &display),
                None,
            )
            .await?;
        let RoomEvent::Joined {
            own_feed,
            publishers,
        } = room_event(&joined)
        else {
            return Err(JanusApiError::Malformed.into());
        };
        link.own_feed.set(Some(own_feed));
        // The subscription is negotiated on its own handle while we publish: the first
        // frames from the others need not wait for our own offer and answer.
        self.subscribe(link, publishers);
        self.publish(link, publisher).await?;
        self.inner.failures.set(0);
        self.inner.events.state.emit(TransportState::Connected);
        Ok(())
    }

    /// Sends our tracks: audio, and video in simulcast, both behind the encrypting transform.
    async fn publish(&self, link: &Rc<Link>, publisher: JanusId) -> Result<(), JanusError> {
        let Some(local) = self.inner.local.clone() else {
            return Ok(());
        };
        let connection = self.peer_connection(link, publisher)?;
        for kind in MediaKind::ALL {
            let Some(mut track) = first_track(&local, kind) else {
                continue;
            };
            if kind == MediaKind::Video {
                if let Some(screen) = self.inner.video_override.borrow().clone() {
                    track = screen;
                }
            }
            let init = RtcRtpTransceiverInit::new();
            init.set_direction(RtcRtpTransceiverDirection::Sendonly);
            init.set_streams(&Array::of1(&local));
            if kind == MediaKind::Video {
                set_js(&init, "sendEncodings", &simulcast_encodings())?;
            }
            let transceiver =
                connection.add_transceiver_with_media_stream_track_and_init(&track, &init);
            self.inner
                .e2ee
                .protect_sender(&transceiver.sender(), kind)
                .map_err(WebRtcError::from)?;
            if kind == MediaKind::Video {
                prefer_video_codec(&transceiver, meeting_video_codec())?;
            }
        }
        let sdp = create_local_description(&connection, RtcSdpType::Offer).await?;
        let offer = Jsep {
            kind: "offer".into(),
            sdp,
        };
        let (_, answer) = link
            .plugin_request(publisher, body::publish(), Some(&offer))
            .await?;
        let answer = answer.ok_or(JanusApiError::Malformed)?;
        set_description(&connection, RtcSdpType::Answer, &answer.sdp, false).await?;
        Ok(())
    }

    /// A peer connection for `handle`, trickling its candidates to Janus.
    fn peer_connection(
        &self,
        link: &Rc<Link>,
        handle: JanusId,
    ) -> Result<RtcPeerConnection, JanusError> {
        let connection = new_peer_connection(&self.inner.e2ee, &self.inner.ice_servers)?;
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
        if link.publisher.get() == Some(handle) {
            *link.publish_connection.borrow_mut() = Some(connection.clone());
        } else {
            *link.subscribe_connection.borrow_mut() = Some(connection.clone());
        }
        Ok(connection)
    }

    /// Adds `feeds` to the subscription (joining as subscriber first if needed). Changes
    /// are made one at a time; feeds asked for meanwhile wait for the next one.
    fn subscribe(&self, link: &Rc<Link>, feeds: Vec<FeedId>) {
        let fresh: Vec<FeedId> = {
            let mut subscribed = link.subscribed.borrow_mut();
            feeds
                .into_iter()
                .filter(|feed| Some(*feed) != link.own_feed.get() && subscribed.insert(*feed))
                .collect()
        };
        if fresh.is_empty() {
            return;
        }
        if link.negotiating.replace(true) {
            link.waiting_feeds.borrow_mut().extend(fresh);
            return;
        }
        let janus = self.clone();
        let link = Rc::clone(link);
        spawn_local(async move {
            let mut feeds = fresh;
            loop {
                if let Err(error) = janus.change_subscription(&link, &feeds).await {
                    link.negotiating.set(false);
                    janus.connection_lost(link.generation, &error);
                    return;
                }
                feeds = std::mem::take(&mut *link.waiting_feeds.borrow_mut());
                if feeds.is_empty() {
                    link.negotiating.set(false);
                    return;
                }
            }
        });
    }

    async fn change_subscription(
        &self,
        link: &Rc<Link>,
        feeds: &[FeedId],
    ) -> Result<(), JanusError> {
        let Some(SfuAccess::Janus { room, pin, .. }) = self.inner.access.borrow().clone() else {
            return Ok(());
        };
        let (handle, request) = match link.subscriber.get() {
            Some(handle) => (handle, body::subscribe(feeds)),
            None => {
                let handle = link.attach().await?;
                link.subscriber.set(Some(handle));
                (handle, body::join_as_subscriber(room, &pin, feeds))
            }
        };
        let (data, offer) = link.plugin_request(handle, request, None).await?;
        if let Some(offer) = offer {
            self.answer_subscription(link, handle, &data, &offer)
                .await?;
        }
        Ok(())
    }

    /// Applies Janus' offer for the subscription and answers it with `start`.
    async fn answer_subscription(
        &self,
        link: &Rc<Link>,
        handle: JanusId,
        data: &Value,
        offer: &Jsep,
    ) -> Result<(), JanusError> {
        if let RoomEvent::Subscription(streams) = room_event(data) {
            let mut known = link.streams.borrow_mut();
            known.clear();
            for stream in streams {
                if let (Some(feed), Some(kind)) = (stream.feed, stream.kind) {
                    known.insert(stream.mid, (feed, kind));
                }
            }
        }
        let existing = link.subscribe_connection.borrow().clone();
        let connection = match existing {
            Some(connection) => connection,
            None => {
                let connection = self.peer_connection(link, handle)?;
                self.protect_subscription(link, &connection);
                connection
            }
        };
        // `ontrack` fires in here: each receiver gets its decrypting transform first.
        set_description(&connection, RtcSdpType::Offer, &offer.sdp, false).await?;
        let sdp = create_local_description(&connection, RtcSdpType::Answer).await?;
        let answer = Jsep {
            kind: "answer".into(),
            sdp,
        };
        link.plugin_request(handle, body::start(), Some(&answer))
            .await?;
        Ok(())
    }

    /// Puts every subscribed track behind the decrypting transform, labelled with its feed.
    fn protect_subscription(&self, link: &Rc<Link>, connection: &RtcPeerConnection) {
        let weak = Rc::downgrade(link);
        let e2ee = Rc::clone(&self.inner.e2ee);
        let events = self.inner.events.clone();
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
            let Some(link) = weak.upgrade() else {
                return;
            };
            let track = event.track();
            let mid = event.transceiver().mid().unwrap_or_default();
            let Some((feed, kind)) = link.streams.borrow().get(&mid).copied() else {
                // Not a stream Janus announced: never shown.
                track.stop();
                return;
            };
            let receiver = event.receiver();
            let attached_for = link
                .receivers
                .borrow()
                .iter()
                .find(|(r, _)| *r == receiver)
                .map(|(_, f)| *f);
            if attached_for != Some(feed) {
                let source = MediaSource::SfuStream(feed.stream_id());
                if !protect_received_track(&e2ee, &events, &receiver, source, kind, &track) {
                    return;
                }
                let mut receivers = link.receivers.borrow_mut();
                receivers.retain(|(r, _)| *r != receiver);
                receivers.push((receiver, feed));
            }
            let mut received = link.received.borrow_mut();
            let feed_tracks = received.entry(feed).or_default();
            report_track(
                &events,
                MediaSource::SfuStream(feed.stream_id()),
                feed_tracks,
                track,
            );
        });
        connection.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        link.closures.borrow_mut().push(Box::new(on_track));
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

    /// Events Janus sends on its own: feeds coming and going, subscription updates.
    fn on_room_event(&self, link: &Rc<Link>, sender: JanusId, data: &Value, jsep: Option<Jsep>) {
        match room_event(data) {
            RoomEvent::Publishers(feeds) => self.subscribe(link, feeds),
            RoomEvent::FeedGone(feed) => {
                link.subscribed.borrow_mut().remove(&feed);
                link.received.borrow_mut().remove(&feed);
            }
            RoomEvent::Subscription(_) if link.subscriber.get() == Some(sender) => {
                if let Some(offer) = jsep.filter(|jsep| jsep.kind == "offer") {
                    let janus = self.clone();
                    let link = Rc::clone(link);
                    let data = data.clone();
                    spawn_local(async move {
                        if let Err(error) = janus
                            .answer_subscription(&link, sender, &data, &offer)
                            .await
                        {
                            janus.connection_lost(link.generation, &error);
                        }
                    });
                }
            }
            _ => {}
        }
    }

    /// The link of `generation` failed: start over after a backoff (unless a newer
    /// attempt already runs, or the meeting is over).
    fn connection_lost(&self, generation: u64, error: &JanusError) {
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

    /// Asks Janus for simulcast layer `substream` of every video stream we receive
    /// (0 lowest, 2 highest), and once more 1.1 s later: Janus
    /// switches only on a key frame of the new layer, and drops (for good) the key frame
    /// request it would send the sender within a second of an earlier one, as right
    /// after someone subscribed. Asking again for the layer in use changes nothing.
    pub fn choose_substream(&self, substream: u8) {
        let Some(link) = self.current_link() else {
            return;
        };
        Self::request_substream(&link, substream);
        let weak = Rc::downgrade(&link);
        Timeout::new(SUBSTREAM_REQUEST_AGAIN_MS, move || {
            if let Some(link) = weak.upgrade() {
                Self::request_substream(&link, substream);
            }
        })
        .forget();
    }

    fn request_substream(link: &Rc<Link>, substream: u8) {
        let Some(handle) = link.subscriber.get() else {
            return;
        };
        let mids: Vec<String> = link
            .streams
            .borrow()
            .iter()
            .filter(|(_, (_, kind))| *kind == MediaKind::Video)
            .map(|(mid, _)| mid.clone())
            .collect();
        for mid in mids {
            let transaction = link.transaction();
            let request = link.requests.borrow().message(
                &transaction,
                handle,
                body::choose_substream(&mid, substream),
                None,
            );
            link.send(&request);
        }
    }
}

impl MediaTransport for Janus {
    fn on_server_message(&self, message: &ServerMessage, _group: Option<&GroupView>) {
        match message {
            ServerMessage::Joined { you, .. } => self.inner.me.set(Some(*you)),
            ServerMessage::SfuRoomReady { access } => {
                *self.inner.access.borrow_mut() = Some(access.clone());
                // A new room, or the same room recreated (Janus restarted): (re)connect
                // now rather than at the next backoff tick.
                let healthy = self.current_link().is_some() && self.inner.retry.borrow().is_none();
                if !healthy {
                    self.connect();
                }
            }
            _ => {}
        }
    }

    fn on_group_changed(&self, _view: &GroupView) {
        // Feeds are bound to members by their keys, in the session; nothing to do here.
    }

    fn replace_video(&self, track: Option<MediaStreamTrack>) {
        let camera = self
            .inner
            .local
            .as_ref()
            .and_then(|local| first_track(local, MediaKind::Video));
        let sending = track.clone().or(camera);
        *self.inner.video_override.borrow_mut() = track;
        let Some(link) = self.current_link() else {
            return;
        };
        let Some(connection) = link.publish_connection.borrow().clone() else {
            return;
        };
        for sender in connection.get_senders().iter() {
            if let Ok(sender) = sender.dyn_into::<RtcRtpSender>() {
                replace_video_track(&sender, sending.as_ref());
            }
        }
    }

    fn close(&self) {
        self.inner.closed.set(true);
        self.inner.retry.borrow_mut().take();
        let Some(link) = self.inner.link.borrow_mut().take() else {
            return;
        };
        // Polite goodbye, fire and forget: unpublish, detach, destroy; then close.
        let requests = link.requests.borrow().clone();
        if let Some(publisher) = link.publisher.get() {
            link.send(&requests.message(&link.transaction(), publisher, body::unpublish(), None));
            link.send(&requests.detach(&link.transaction(), publisher));
        }
        if let Some(subscriber) = link.subscriber.get() {
            link.send(&requests.detach(&link.transaction(), subscriber));
        }
        link.send(&requests.destroy_session(&link.transaction()));
        link.shut();
    }
}

/// The camera's `sendEncodings`: three simulcast layers, highest first.
fn simulcast_encodings() -> JsValue {
    let layers = Array::new();
    for (rid, scale, bitrate) in SIMULCAST_LAYERS {
        let layer = Object::new();
        let _ = Reflect::set(&layer, &"rid".into(), &rid.into());
        let _ = Reflect::set(&layer, &"active".into(), &JsValue::TRUE);
        let _ = Reflect::set(&layer, &"scaleResolutionDownBy".into(), &scale.into());
        let _ = Reflect::set(&layer, &"maxBitrate".into(), &bitrate.into());
        layers.push(&layer);
    }
    layers.into()
}

fn set_js(target: &JsValue, key: &str, value: &JsValue) -> Result<(), WebRtcError> {
    Reflect::set(target, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(step_failed("configure simulcast"))
}
