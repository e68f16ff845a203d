//! The mesh transport: one `RTCPeerConnection` per remote MLS member
//! ([`peering`] decides who connects to whom, as pure state tested natively).
//!
//! Negotiation is one-way and needs no glare handling: the members already in the room
//! offer to a newcomer (`call`) as soon as the commit that adds it is processed, and the
//! newcomer answers (`handle_signal`) once its Welcome made it a member. ICE candidates
//! trickle both ways and are queued until the remote description is set. Every local
//! track gets its encrypting transform before the offer or answer is created, and every
//! remote track gets its decrypting transform inside `ontrack`, so no frame is ever sent
//! or shown in clear. Video uses the meeting's one codec
//! (`webrtc::meeting_video_codec`); audio keeps the default, Opus. The WebRTC
//! steps themselves are shared with the other transports ([`super::webrtc`]).
//!
//! A connection that fails (ICE found no working path: the network dropped or changed)
//! is made again from scratch by the side that offered it, after 1 s, then 2, 4 and 8 s
//! while it keeps failing or an attempt does not connect within 15 s; the other side
//! answers the new offer as it answered the first.

pub mod peering;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use conclave_protocol::{ClientMessage, IceServer, ParticipantId, ServerMessage, SignalPayload};
use gloo::timers::callback::Timeout;
use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcIceCandidateInit, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcRtpReceiver, RtcRtpTransceiver,
    RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType, RtcSignalingState,
    RtcTrackEvent,
};

use self::peering::{reconnect_delay_ms, OfferDecision, Peering};
use super::webrtc::{
    add_candidate, close_peer_connection, create_local_description, meeting_video_codec,
    new_peer_connection, prefer_video_codec, protect_received_track, replace_video_track,
    report_track, set_description, WebRtcError,
};
use super::{MediaTransport, TransportEvents, TransportState};
use crate::media_source::{MediaKind, MediaSource};
use crate::roster::GroupView;
use crate::services::e2ee::E2eeWorker;
use crate::services::media::first_track;

struct Peer {
    connection: RtcPeerConnection,
    remote_described: bool,
    /// Receivers that already carry a decrypting transform.
    protected_receivers: Rc<RefCell<Vec<RtcRtpReceiver>>>,
    _on_ice_candidate: Closure<dyn FnMut(RtcPeerConnectionIceEvent)>,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    _on_state_change: Closure<dyn FnMut()>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        close_peer_connection(&self.connection);
    }
}

/// How long a connection made again may take to connect before it counts as failed too
/// (its answer may never come, and a connection that never started cannot fail).
const RECONNECT_ATTEMPT_MS: u32 = 15_000;

/// A failed connection being made again.
struct Reconnect {
    /// Attempts since the connection last worked.
    attempts: u32,
    /// Fires the next attempt.
    _attempt: Option<Timeout>,
    /// Fires if that attempt did not connect in time.
    _deadline: Option<Timeout>,
}

/// One offer, answer or answer-acceptance, run after the ones queued before it.
type NegotiationStep = Pin<Box<dyn Future<Output = ()>>>;

struct MeshInner {
    e2ee: Rc<E2eeWorker>,
    local: Option<MediaStream>,
    ice_servers: Vec<IceServer>,
    events: TransportEvents,
    peering: RefCell<Peering>,
    /// Whether people who left keep their connections (a test hook; false in products).
    keep_connections_of_leavers: bool,
    /// The shared screen, sent instead of the camera (also to peers who connect later).
    screen: RefCell<Option<MediaStreamTrack>>,
    peers: RefCell<HashMap<ParticipantId, Peer>>,
    /// Candidates that arrived before their peer's remote description.
    early_candidates: RefCell<HashMap<ParticipantId, Vec<RtcIceCandidateInit>>>,
    /// Negotiation steps waiting for the one running ([`Mesh::negotiate`]).
    negotiations: RefCell<VecDeque<NegotiationStep>>,
    /// Whether a negotiation step is running.
    negotiating: Cell<bool>,
    /// Every connection was closed (the meeting ended): queued steps do nothing.
    closed: Cell<bool>,
    /// Failed connections we are making again, by participant.
    reconnects: RefCell<HashMap<ParticipantId, Reconnect>>,
}

/// All peer connections of one meeting. Cloning gives another handle to the same mesh.
#[derive(Clone)]
pub struct Mesh {
    inner: Rc<MeshInner>,
}

impl Mesh {
    /// A mesh that sends `local` (if any) to every peer, encrypted by `e2ee`.
    pub fn new(
        e2ee: Rc<E2eeWorker>,
        local: Option<MediaStream>,
        ice_servers: Vec<IceServer>,
        keep_connections_of_leavers: bool,
        events: TransportEvents,
    ) -> Self {
        events.state.emit(TransportState::Connected);
        Self {
            inner: Rc::new(MeshInner {
                e2ee,
                local,
                ice_servers,
                events,
                peering: RefCell::new(Peering::default()),
                keep_connections_of_leavers,
                screen: RefCell::new(None),
                peers: RefCell::new(HashMap::new()),
                early_candidates: RefCell::new(HashMap::new()),
                negotiations: RefCell::new(VecDeque::new()),
                negotiating: Cell::new(false),
                closed: Cell::new(false),
                reconnects: RefCell::new(HashMap::new()),
            }),
        }
    }

    /// Runs `step` once every step queued before it has finished. One at a time: the
    /// browser's WebRTC work for several peers at once would interleave and finish them
    /// all late, while one after the other gets the first connection (and the first
    /// picture) up soonest and the last no later.
    fn negotiate(&self, step: impl Future<Output = ()> + 'static) {
        self.inner
            .negotiations
            .borrow_mut()
            .push_back(Box::pin(step));
        if self.inner.negotiating.replace(true) {
            return;
        }
        let mesh = self.clone();
        spawn_local(async move {
            loop {
                let next = mesh.inner.negotiations.borrow_mut().pop_front();
                let Some(step) = next else {
                    break;
                };
                run_with_patience(step).await;
            }
            mesh.inner.negotiating.set(false);
        });
    }

    /// Whether a queued step for `participant` should still run: the meeting goes on and
    /// they are still someone we connect to.
    fn still_wanted(&self, participant: ParticipantId) -> bool {
        !self.inner.closed.get() && self.inner.peering.borrow().expects_signal_from(participant)
    }

    /// Connects to a member who joined after us: we send the offer.
    pub fn call(&self, participant: ParticipantId) {
        let mesh = self.clone();
        self.negotiate(async move {
            if !mesh.still_wanted(participant) {
                return;
            }
            if let Err(error) = mesh.offer(participant).await {
                mesh.report(participant, &error);
            }
        });
    }

    /// Handles a payload relayed from `from`.
    pub fn handle_signal(&self, from: ParticipantId, payload: SignalPayload) {
        match payload {
            SignalPayload::Offer { sdp } => {
                // A new offer replaces any connection to them: the candidates that follow
                // it wait for the new connection instead of going to the old one.
                if let Some(peer) = self.inner.peers.borrow_mut().get_mut(&from) {
                    peer.remote_described = false;
                }
                let mesh = self.clone();
                self.negotiate(async move {
                    if !mesh.still_wanted(from) {
                        return;
                    }
                    if let Err(error) = mesh.answer(from, sdp).await {
                        mesh.report(from, &error);
                    }
                });
            }
            SignalPayload::Answer { sdp } => {
                let mesh = self.clone();
                self.negotiate(async move {
                    if let Err(error) = mesh.accept_answer(from, sdp).await {
                        mesh.report(from, &error);
                    }
                });
            }
            SignalPayload::IceCandidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                let ready = self
                    .inner
                    .peers
                    .borrow()
                    .get(&from)
                    .filter(|peer| peer.remote_described)
                    .map(|peer| peer.connection.clone());
                match ready {
                    Some(connection) => add_candidate(connection, init),
                    None => self
                        .inner
                        .early_candidates
                        .borrow_mut()
                        .entry(from)
                        .or_default()
                        .push(init),
                }
            }
        }
    }

    /// Closes the connection to a participant who left.
    pub fn hang_up(&self, participant: ParticipantId) {
        let removed = self.inner.peers.borrow_mut().remove(&participant);
        self.inner
            .early_candidates
            .borrow_mut()
            .remove(&participant);
        self.inner.reconnects.borrow_mut().remove(&participant);
        drop(removed);
    }

    /// The connection to `participant` changed state: a failed one is made again by
    /// the side that offered it; a working one ends the backoff.
    fn connection_state_changed(&self, participant: ParticipantId, connection: &RtcPeerConnection) {
        let current = self
            .inner
            .peers
            .borrow()
            .get(&participant)
            .is_some_and(|peer| peer.connection == *connection);
        if !current || self.inner.closed.get() {
            return;
        }
        let state = connection.connection_state();
        match state {
            RtcPeerConnectionState::Connected => {
                self.inner.reconnects.borrow_mut().remove(&participant);
                self.inner.events.peer_link.emit((participant, true));
            }
            RtcPeerConnectionState::Disconnected | RtcPeerConnectionState::Failed => {
                self.inner.events.peer_link.emit((participant, false));
                if state == RtcPeerConnectionState::Failed
                    && self.inner.peering.borrow().reoffers_to(participant)
                {
                    self.reconnect_later(participant);
                }
            }
            _ => {}
        }
    }

    fn reconnect_later(&self, participant: ParticipantId) {
        let mut reconnects = self.inner.reconnects.borrow_mut();
        let reconnect = reconnects.entry(participant).or_insert(Reconnect {
            attempts: 0,
            _attempt: None,
            _deadline: None,
        });
        let delay = reconnect_delay_ms(reconnect.attempts);
        reconnect.attempts += 1;
        gloo::console::warn!(format!(
            "Conclave: the connection to participant {participant} failed; connecting again in {delay} ms"
        ));
        let weak = Rc::downgrade(&self.inner);
        reconnect._attempt = Some(Timeout::new(delay, move || {
            if let Some(inner) = weak.upgrade() {
                let mesh = Mesh { inner };
                mesh.call(participant);
                mesh.give_attempt_a_deadline(participant);
            }
        }));
    }

    /// Tries again if the attempt just made to `participant` has not connected within
    /// [`RECONNECT_ATTEMPT_MS`] (reaching `connected` removes the whole entry first).
    fn give_attempt_a_deadline(&self, participant: ParticipantId) {
        let weak = Rc::downgrade(&self.inner);
        let deadline = Timeout::new(RECONNECT_ATTEMPT_MS, move || {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let mesh = Mesh { inner };
            if !mesh.inner.closed.get() && mesh.inner.peering.borrow().reoffers_to(participant) {
                mesh.reconnect_later(participant);
            }
        });
        if let Some(reconnect) = self.inner.reconnects.borrow_mut().get_mut(&participant) {
            reconnect._deadline = Some(deadline);
        }
    }

    /// Closes every connection.
    pub fn close_all(&self) {
        self.inner.closed.set(true);
        let removed: Vec<Peer> = self
            .inner
            .peers
            .borrow_mut()
            .drain()
            .map(|(_, p)| p)
            .collect();
        self.inner.early_candidates.borrow_mut().clear();
        self.inner.reconnects.borrow_mut().clear();
        drop(removed);
    }

    fn report(&self, participant: ParticipantId, error: &WebRtcError) {
        // Errors of a connection that was closed meanwhile (the peer left) are moot.
        let still_open = self
            .inner
            .peers
            .borrow()
            .get(&participant)
            .is_some_and(|peer| peer.connection.signaling_state() != RtcSignalingState::Closed);
        if still_open {
            self.inner.events.error.emit(error.to_string());
        }
    }

    fn send(&self, to: ParticipantId, payload: SignalPayload) {
        self.inner
            .events
            .send
            .emit(ClientMessage::Signal { to, payload });
    }

    /// Creates (or replaces) the peer connection to `participant`.
    fn open_peer(&self, participant: ParticipantId) -> Result<RtcPeerConnection, WebRtcError> {
        let connection = new_peer_connection(&self.inner.e2ee, &self.inner.ice_servers)?;

        let send = self.inner.events.send.clone();
        let on_ice_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
            move |event: RtcPeerConnectionIceEvent| {
                let Some(candidate) = event.candidate() else {
                    return;
                };
                let line = candidate.candidate();
                if line.is_empty() {
                    return;
                }
                send.emit(ClientMessage::Signal {
                    to: participant,
                    payload: SignalPayload::IceCandidate {
                        candidate: line,
                        sdp_mid: candidate.sdp_mid(),
                        sdp_m_line_index: candidate.sdp_m_line_index(),
                    },
                });
            },
        );

        let e2ee = Rc::clone(&self.inner.e2ee);
        let events = self.inner.events.clone();
        let received: RefCell<Vec<MediaStreamTrack>> = RefCell::new(Vec::new());
        let protected_receivers: Rc<RefCell<Vec<RtcRtpReceiver>>> = Rc::default();
        let protected = Rc::clone(&protected_receivers);
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
            let track = event.track();
            let Some(kind) = MediaKind::parse(&track.kind()) else {
                track.stop();
                return;
            };
            // Synchronously, before any frame of this receiver reaches a decoder (the
            // offerer protected its receivers before the offer already).
            let receiver = event.receiver();
            if !protected.borrow().contains(&receiver) {
                let source = MediaSource::Peer(participant);
                if !protect_received_track(&e2ee, &events, &receiver, source, kind, &track) {
                    return;
                }
                protected.borrow_mut().push(receiver);
            }
            report_track(
                &events,
                MediaSource::Peer(participant),
                &mut received.borrow_mut(),
                track,
            );
        });

        let weak = Rc::downgrade(&self.inner);
        let watched = connection.clone();
        let on_state_change = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                Mesh { inner }.connection_state_changed(participant, &watched);
            }
        });

        connection.set_onicecandidate(Some(on_ice_candidate.as_ref().unchecked_ref()));
        connection.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        connection.set_onconnectionstatechange(Some(on_state_change.as_ref().unchecked_ref()));
        let replaced = self.inner.peers.borrow_mut().insert(
            participant,
            Peer {
                connection: connection.clone(),
                remote_described: false,
                protected_receivers,
                _on_ice_candidate: on_ice_candidate,
                _on_track: on_track,
                _on_state_change: on_state_change,
            },
        );
        drop(replaced);
        Ok(connection)
    }

    fn local_track(&self, kind: MediaKind) -> Option<MediaStreamTrack> {
        let camera_or_microphone = self.inner.local.as_ref().and_then(|s| first_track(s, kind));
        match kind {
            MediaKind::Video => self.inner.screen.borrow().clone().or(camera_or_microphone),
            MediaKind::Audio => camera_or_microphone,
        }
    }

    async fn offer(&self, participant: ParticipantId) -> Result<(), WebRtcError> {
        // Candidates still queued belong to a connection this offer replaces.
        self.inner
            .early_candidates
            .borrow_mut()
            .remove(&participant);
        let connection = self.open_peer(participant)?;
        for kind in MediaKind::ALL {
            let init = RtcRtpTransceiverInit::new();
            let transceiver = match (self.local_track(kind), &self.inner.local) {
                (Some(track), Some(stream)) => {
                    init.set_direction(RtcRtpTransceiverDirection::Sendrecv);
                    init.set_streams(&Array::of1(stream));
                    let transceiver =
                        connection.add_transceiver_with_media_stream_track_and_init(&track, &init);
                    self.inner
                        .e2ee
                        .protect_sender(&transceiver.sender(), kind)?;
                    transceiver
                }
                _ => {
                    init.set_direction(RtcRtpTransceiverDirection::Recvonly);
                    connection.add_transceiver_with_str_and_init(kind.as_str(), &init)
                }
            };
            // Chromium ignores a script transform set on a receiver as late as the
            // offerer's `ontrack`: protect it now, before any media channel exists.
            self.protect_receiver_early(participant, &transceiver.receiver(), kind)?;
            if kind == MediaKind::Video {
                prefer_video_codec(&transceiver, meeting_video_codec())?;
            }
        }
        let sdp = create_local_description(&connection, RtcSdpType::Offer).await?;
        self.send(participant, SignalPayload::Offer { sdp });
        Ok(())
    }

    fn protect_receiver_early(
        &self,
        participant: ParticipantId,
        receiver: &RtcRtpReceiver,
        kind: MediaKind,
    ) -> Result<(), WebRtcError> {
        let protected = self
            .inner
            .peers
            .borrow()
            .get(&participant)
            .map(|peer| Rc::clone(&peer.protected_receivers))
            .ok_or(WebRtcError::Step {
                step: "protect a receiver",
                detail: "the connection was closed".to_owned(),
            })?;
        self.inner
            .e2ee
            .protect_receiver(receiver, MediaSource::Peer(participant), kind)?;
        protected.borrow_mut().push(receiver.clone());
        Ok(())
    }

    async fn answer(&self, from: ParticipantId, sdp: String) -> Result<(), WebRtcError> {
        let connection = self.open_peer(from)?;
        // Local tracks and their encrypting transforms go in before the offer is applied:
        // Chromium applies a script transform only to a sender (or receiver) that has it
        // before the remote description creates its media channel. `addTrack`
        // transceivers are the ones the offer's m-lines then take over.
        if let Some(stream) = &self.inner.local {
            for kind in MediaKind::ALL {
                let Some(track) = self.local_track(kind) else {
                    continue;
                };
                let sender = connection.add_track_0(&track, stream);
                self.inner.e2ee.protect_sender(&sender, kind)?;
                let transceiver = connection
                    .get_transceivers()
                    .iter()
                    .filter_map(|t| t.dyn_into::<RtcRtpTransceiver>().ok())
                    .find(|t| t.sender() == sender);
                if let Some(transceiver) = transceiver {
                    self.protect_receiver_early(from, &transceiver.receiver(), kind)?;
                }
            }
        }
        // `ontrack` fires in here and protects any receiver not protected yet.
        set_description(&connection, RtcSdpType::Offer, &sdp, false).await?;
        self.remote_described(from);
        for transceiver in connection.get_transceivers().iter() {
            let Ok(transceiver) = transceiver.dyn_into::<RtcRtpTransceiver>() else {
                continue;
            };
            if transceiver.receiver().track().kind() == MediaKind::Video.as_str() {
                prefer_video_codec(&transceiver, meeting_video_codec())?;
            }
        }
        let sdp = create_local_description(&connection, RtcSdpType::Answer).await?;
        self.send(from, SignalPayload::Answer { sdp });
        Ok(())
    }

    async fn accept_answer(&self, from: ParticipantId, sdp: String) -> Result<(), WebRtcError> {
        let connection = self
            .inner
            .peers
            .borrow()
            .get(&from)
            .map(|peer| peer.connection.clone());
        let Some(connection) = connection else {
            // An answer for a connection that no longer exists: nothing to do.
            return Ok(());
        };
        set_description(&connection, RtcSdpType::Answer, &sdp, false).await?;
        self.remote_described(from);
        Ok(())
    }

    /// Marks the remote description of `participant` as set and adds queued candidates.
    fn remote_described(&self, participant: ParticipantId) {
        let connection = {
            let mut peers = self.inner.peers.borrow_mut();
            let Some(peer) = peers.get_mut(&participant) else {
                return;
            };
            peer.remote_described = true;
            peer.connection.clone()
        };
        let queued = self
            .inner
            .early_candidates
            .borrow_mut()
            .remove(&participant)
            .unwrap_or_default();
        for init in queued {
            add_candidate(connection.clone(), init);
        }
    }
}

impl MediaTransport for Mesh {
    fn on_server_message(&self, message: &ServerMessage, group: Option<&GroupView>) {
        match message {
            ServerMessage::Joined { you, .. } => self.inner.peering.borrow_mut().joined(*you),
            ServerMessage::ParticipantLeft { id } => {
                if !self.inner.keep_connections_of_leavers {
                    self.hang_up(*id);
                }
                self.inner.peering.borrow_mut().participant_left(*id);
            }
            ServerMessage::Signal {
                from,
                payload: SignalPayload::Offer { sdp },
            } => {
                let decision = self
                    .inner
                    .peering
                    .borrow_mut()
                    .on_offer(group, *from, sdp.clone());
                match decision {
                    OfferDecision::Answer(sdp) => {
                        self.handle_signal(*from, SignalPayload::Offer { sdp })
                    }
                    OfferDecision::Held { first: true } => gloo::console::warn!(format!(
                        "Conclave: not answering participant {from}: not in the encrypted meeting (yet)"
                    )),
                    OfferDecision::Held { first: false } => {}
                }
            }
            ServerMessage::Signal { from, payload }
                if self.inner.peering.borrow().expects_signal_from(*from) =>
            {
                self.handle_signal(*from, payload.clone());
            }
            _ => {}
        }
    }

    fn on_group_changed(&self, view: &GroupView) {
        let actions = self.inner.peering.borrow_mut().on_group_change(view);
        for (from, sdp) in actions.answer {
            self.handle_signal(from, SignalPayload::Offer { sdp });
        }
        for participant in actions.call {
            self.call(participant);
        }
    }

    fn replace_video(&self, track: Option<MediaStreamTrack>) {
        *self.inner.screen.borrow_mut() = track;
        // `None`: back to the camera.
        let track = self.local_track(MediaKind::Video);
        let senders: Vec<_> = self
            .inner
            .peers
            .borrow()
            .values()
            .flat_map(|peer| peer.connection.get_senders().iter().collect::<Vec<_>>())
            .filter_map(|sender| sender.dyn_into::<web_sys::RtcRtpSender>().ok())
            .collect();
        for sender in senders {
            replace_video_track(&sender, track.as_ref());
        }
    }

    fn close(&self) {
        self.close_all();
    }
}

/// How long one negotiation step may hold the next back. A browser may never settle a
/// step whose connection was closed meanwhile; the step still runs on, unawaited.
const STEP_PATIENCE_MS: u32 = 2_000;

/// Runs `step` and waits until it finishes or [`STEP_PATIENCE_MS`] passed.
async fn run_with_patience(step: NegotiationStep) {
    let (done, finished) = futures_channel::oneshot::channel::<()>();
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = move || {
        if let Some(done) = done.borrow_mut().take() {
            let _ = done.send(());
        }
    };
    let on_finish = finish.clone();
    spawn_local(async move {
        step.await;
        on_finish();
    });
    let _patience = Timeout::new(STEP_PATIENCE_MS, finish);
    let _ = finished.await;
}
