//! One mesh peer connection: making it (with its handlers), offering, answering, taking
//! the answer, and the candidates that wait for the remote description. Chromium applies a
//! script transform only to a sender or receiver that has it before the remote
//! description creates its media channel, so both sides protect their transceivers before
//! negotiating; `ontrack` protects any receiver still bare, fail closed. Each offer and
//! answer goes out signed for its recipient (`Mesh::sign`, see [`super`]).

use std::cell::RefCell;
use std::rc::Rc;

use conclave_group::SessionDescriptionKind;
use conclave_protocol::{ClientMessage, ParticipantId, SignalPayload};
use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    MediaStreamTrack, RtcPeerConnection, RtcPeerConnectionIceEvent, RtcRtpReceiver,
    RtcRtpTransceiver, RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType,
    RtcTrackEvent,
};

use super::Mesh;
use crate::media_source::{MediaKind, MediaSource};
use crate::services::media::first_track;
use crate::services::transport::webrtc::{
    add_candidate, close_peer_connection, create_local_description, meeting_video_codec,
    new_peer_connection, prefer_video_codec, protect_received_track, report_track, set_description,
    WebRtcError,
};

/// The peer connection to one participant and the handlers it keeps alive. Dropping it
/// closes the connection.
pub(super) struct Peer {
    /// The connection.
    pub(super) connection: RtcPeerConnection,
    /// Whether its remote description is set (candidates wait until then).
    pub(super) remote_described: bool,
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

impl Mesh {
    /// Creates (or replaces) the peer connection to `participant`.
    fn open_peer(&self, participant: ParticipantId) -> Result<RtcPeerConnection, WebRtcError> {
        let connection = new_peer_connection(&self.inner.e2ee, &self.inner.ice)?;

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

    pub(super) fn local_track(&self, kind: MediaKind) -> Option<MediaStreamTrack> {
        let camera_or_microphone = self.inner.local.as_ref().and_then(|s| first_track(s, kind));
        match kind {
            MediaKind::Video => self.inner.screen.borrow().clone().or(camera_or_microphone),
            MediaKind::Audio => camera_or_microphone,
        }
    }

    pub(super) async fn offer(&self, participant: ParticipantId) -> Result<(), WebRtcError> {
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
        let signature = self.sign(participant, SessionDescriptionKind::Offer, &sdp)?;
        self.send(participant, SignalPayload::Offer { sdp, signature });
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

    pub(super) async fn answer(&self, from: ParticipantId, sdp: String) -> Result<(), WebRtcError> {
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
        let signature = self.sign(from, SessionDescriptionKind::Answer, &sdp)?;
        self.send(from, SignalPayload::Answer { sdp, signature });
        Ok(())
    }

    pub(super) async fn accept_answer(
        &self,
        from: ParticipantId,
        sdp: String,
    ) -> Result<(), WebRtcError> {
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
