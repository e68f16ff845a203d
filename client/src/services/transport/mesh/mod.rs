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
//! steps themselves are shared with the other transports ([`super::webrtc`]); one
//! connection's making, offer and answer are in `connection.rs`.
//!
//! Every offer and answer is signed with our MLS signature key for its one recipient, and
//! one from a peer is used only once it verifies under the key of the leaf our roster
//! says is that peer (`conclave_group::signal_auth`): the signaling server relays the
//! DTLS fingerprints but cannot swap them, so it cannot sit in the middle of a peer
//! connection. A description that fails the check is refused (no connection from it, and
//! the page says why); one from a sender our roster does not list yet waits for the next
//! group change ([`peering`]).
//!
//! A connection that fails (ICE found no working path: the network dropped or changed)
//! is made again from scratch by the side that offered it, after 1 s, then 2, 4 and 8 s
//! while it keeps failing or an attempt does not connect within 15 s; the other side
//! answers the new offer as it answered the first.

mod connection;
pub mod peering;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use conclave_group::{SessionDescriptionKind, SignalAuthError};
use conclave_protocol::{Bytes, ClientMessage, ParticipantId, ServerMessage, SignalPayload};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcIceCandidateInit, RtcPeerConnection, RtcPeerConnectionState,
    RtcSignalingState,
};

use self::connection::Peer;
use self::peering::{reconnect_delay_ms, OfferDecision, Peering, SignedOffer};
use super::webrtc::{add_candidate, replace_sender_track, IceSettings, WebRtcError};
use super::{MediaTransport, TransportEvents, TransportState};
use crate::media_source::MediaKind;
use crate::notices::MeetingProblem;
use crate::roster::GroupView;
use crate::services::e2ee::E2eeWorker;
use crate::services::key_agreement::KeyAgreement;

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
    ice: IceSettings,
    events: TransportEvents,
    /// The MLS group: signs our offers and answers, verifies theirs (without it, no
    /// description is sent or accepted).
    key_agreement: Option<KeyAgreement>,
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
        ice: IceSettings,
        keep_connections_of_leavers: bool,
        key_agreement: Option<KeyAgreement>,
        events: TransportEvents,
    ) -> Self {
        events.state.emit(TransportState::Connected);
        Self {
            inner: Rc::new(MeshInner {
                e2ee,
                local,
                ice,
                events,
                key_agreement,
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
            SignalPayload::Offer { sdp, signature } => self.answer_offer(
                from,
                SignedOffer {
                    sdp,
                    signature: signature.0,
                },
            ),
            SignalPayload::Answer { sdp, signature } => {
                match self.check_signature(from, SessionDescriptionKind::Answer, &sdp, &signature.0)
                {
                    Ok(()) => {}
                    // Removed from the group meanwhile: that connection is moot.
                    Err(SignalAuthError::SenderNotInRoster | SignalAuthError::NotAMember) => return,
                    Err(error) => return self.refuse(from, &error),
                }
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

    /// Answers `offer` from a member once its signature verifies; holds it again if our
    /// roster does not list its sender yet; refuses it otherwise.
    fn answer_offer(&self, from: ParticipantId, offer: SignedOffer) {
        match self.check_signature(
            from,
            SessionDescriptionKind::Offer,
            &offer.sdp,
            &offer.signature,
        ) {
            Ok(()) => {}
            Err(SignalAuthError::SenderNotInRoster | SignalAuthError::NotAMember) => {
                self.inner.peering.borrow_mut().hold_again(from, offer);
                return;
            }
            Err(error) => return self.refuse(from, &error),
        }
        // A new offer replaces any connection to them: the candidates that follow it wait
        // for the new connection instead of going to the old one.
        if let Some(peer) = self.inner.peers.borrow_mut().get_mut(&from) {
            peer.remote_described = false;
        }
        let mesh = self.clone();
        self.negotiate(async move {
            if !mesh.still_wanted(from) {
                return;
            }
            if let Err(error) = mesh.answer(from, offer.sdp).await {
                mesh.report(from, &error);
            }
        });
    }

    /// Whether `signature` is `from`'s over `sdp`, for us (see the module docs).
    fn check_signature(
        &self,
        from: ParticipantId,
        kind: SessionDescriptionKind,
        sdp: &str,
        signature: &[u8],
    ) -> Result<(), SignalAuthError> {
        match &self.inner.key_agreement {
            Some(group) => group.verify_session_description(from, kind, sdp, signature),
            None => Err(SignalAuthError::NotAMember),
        }
    }

    /// A description from `from` failed its signature check: nothing is made from it,
    /// and the page says so (with the name our roster gives them, if it has one).
    fn refuse(&self, from: ParticipantId, error: &SignalAuthError) {
        self.inner.peering.borrow_mut().refused(from);
        let name = self.inner.key_agreement.as_ref().and_then(|group| {
            group
                .view()
                .remote_members()
                .find(|member| member.participant_id == Some(from))
                .map(|member| member.display_name.clone())
        });
        self.inner.events.peer_link.emit((from, false));
        // The detail (logged where the page shows it) names the participant too.
        self.inner.events.error.emit(MeetingProblem::PeerRefused {
            name,
            detail: format!("refused the connection details from participant {from}: {error}"),
        });
    }

    /// Signs `sdp` for `to` with our MLS key.
    fn sign(
        &self,
        to: ParticipantId,
        kind: SessionDescriptionKind,
        sdp: &str,
    ) -> Result<Bytes, WebRtcError> {
        let group = self
            .inner
            .key_agreement
            .as_ref()
            .ok_or(SignalAuthError::NotAMember);
        group
            .and_then(|group| group.sign_session_description(to, kind, sdp))
            .map(Bytes)
            .map_err(|error| WebRtcError::Step {
                step: "sign the connection details",
                detail: error.to_string(),
            })
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
            self.inner
                .events
                .error
                .emit(MeetingProblem::PeerConnectionFailed(error.to_string()));
        }
    }

    fn send(&self, to: ParticipantId, payload: SignalPayload) {
        self.inner
            .events
            .send
            .emit(ClientMessage::Signal { to, payload });
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
                payload: SignalPayload::Offer { sdp, signature },
            } => {
                let offer = SignedOffer {
                    sdp: sdp.clone(),
                    signature: signature.0.clone(),
                };
                let decision = self
                    .inner
                    .peering
                    .borrow_mut()
                    .on_offer(group, *from, offer);
                match decision {
                    OfferDecision::Answer(offer) => self.answer_offer(*from, offer),
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
        for (from, offer) in actions.answer {
            self.answer_offer(from, offer);
        }
        for participant in actions.call {
            self.call(participant);
        }
    }

    fn replace_video(&self, track: Option<MediaStreamTrack>) {
        *self.inner.screen.borrow_mut() = track;
        // `None`: back to the camera.
        self.send_local_track(MediaKind::Video);
    }

    fn local_track_changed(&self, kind: MediaKind) {
        self.send_local_track(kind);
    }

    fn prefer_video_layer(&self, _layer: u8) {
        // A peer sends one layer to each peer: nothing to choose.
    }

    fn close(&self) {
        self.close_all();
    }
}

impl Mesh {
    /// Every peer connection sends our current track of `kind` (the screen, if shared,
    /// for video).
    fn send_local_track(&self, kind: MediaKind) {
        let track = self.local_track(kind);
        let senders: Vec<_> = self
            .inner
            .peers
            .borrow()
            .values()
            .flat_map(|peer| peer.connection.get_senders().iter().collect::<Vec<_>>())
            .filter_map(|sender| sender.dyn_into::<web_sys::RtcRtpSender>().ok())
            .collect();
        for sender in senders {
            replace_sender_track(&sender, kind, track.as_ref());
        }
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
