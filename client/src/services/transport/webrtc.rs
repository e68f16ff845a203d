//! The WebRTC steps every transport takes, and their one error type: making a peer
//! connection with the meeting's ICE servers and closing it, offers and answers, trickled
//! candidates, the meeting's video codec, swapping the outgoing video track, and reporting
//! what a receiver got. The transports ([`super::mesh`], [`super::janus`]) decide when to
//! take them; nothing here knows who is at the other end. Every description set here,
//! local or remote, first goes through [`super::sdp_policy`] (no audio levels in RTP
//! headers, constant-bitrate Opus) and [`super::sdp_formats`] (no attributes of formats a
//! section does not list, which Chromium refuses in Firefox's offers).

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    MediaStream, MediaStreamTrack, RtcIceCandidateInit, RtcPeerConnection, RtcRtpReceiver,
    RtcRtpSender, RtcRtpTransceiver, RtcSdpType, RtcSessionDescriptionInit,
};

use super::sdp_formats::without_unlisted_formats;
use super::sdp_policy::{apply_audio_privacy, AUDIO_LEVEL_EXTENSIONS};
use super::TransportEvents;
use crate::codec_preferences::VideoCodec;
use crate::media_source::{MediaKind, MediaSource};
use crate::notices::MeetingProblem;
use crate::services::describe_js_error;
use crate::services::e2ee::{E2eeError, E2eeWorker};
use conclave_protocol::{IceServer, IceTransportPolicy};

/// The ICE settings the signaling server gave in `joined`, for every peer connection of
/// the meeting: its STUN/TURN servers and which candidates may be used.
#[derive(Clone, Debug, Default)]
pub struct IceSettings {
    /// STUN/TURN servers (TURN credentials minted for this participant).
    pub servers: Vec<IceServer>,
    /// `Relay`: only the TURN server's candidates, so peers and the SFU never see ours.
    pub transport_policy: IceTransportPolicy,
}

/// Why a WebRTC step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebRtcError {
    /// Encryption could not be attached: the connection is abandoned.
    #[error(transparent)]
    E2ee(#[from] E2eeError),
    /// A WebRTC call failed.
    #[error("connection to a participant failed while trying to {step}: {detail}")]
    Step {
        /// What was being done.
        step: &'static str,
        /// The browser's error.
        detail: String,
    },
    /// The browser offers no encoder/decoder for the meeting's video codec.
    #[error("this browser cannot use the {} video codec", .0.name())]
    NoVideoCodec(VideoCodec),
}

/// Turns the browser's rejection of `step` into a [`WebRtcError::Step`].
pub(super) fn step_failed(step: &'static str) -> impl Fn(JsValue) -> WebRtcError {
    move |error| WebRtcError::Step {
        step,
        detail: describe_js_error(&error),
    }
}

/// A new peer connection with the meeting's ICE settings and the configuration the
/// worker's transforms need.
pub(super) fn new_peer_connection(
    e2ee: &E2eeWorker,
    ice: &IceSettings,
) -> Result<RtcPeerConnection, WebRtcError> {
    let config = e2ee.peer_connection_config(&ice.servers, ice.transport_policy)?;
    RtcPeerConnection::new_with_configuration(&config)
        .map_err(step_failed("create a peer connection"))
}

/// Unhooks the handlers a transport set on `connection` and closes it.
pub(super) fn close_peer_connection(connection: &RtcPeerConnection) {
    connection.set_onicecandidate(None);
    connection.set_ontrack(None);
    connection.set_onconnectionstatechange(None);
    connection.close();
}

/// Puts `receiver` behind the worker's decrypting transform for `source`. Fail closed: if
/// that fails, `track` is stopped (never shown), the error reported, and `false` returned.
pub(super) fn protect_received_track(
    e2ee: &E2eeWorker,
    events: &TransportEvents,
    receiver: &RtcRtpReceiver,
    source: MediaSource,
    kind: MediaKind,
    track: &MediaStreamTrack,
) -> bool {
    match e2ee.protect_receiver(receiver, source, kind) {
        Ok(()) => true,
        Err(error) => {
            track.stop();
            events
                .error
                .emit(MeetingProblem::ReceivedMediaFailed(error.to_string()));
            false
        }
    }
}

/// Adds `track` to the tracks received from `source` (replacing one of the same kind) and
/// reports the source's media as one stream with all of them.
pub(super) fn report_track(
    events: &TransportEvents,
    source: MediaSource,
    received: &mut Vec<MediaStreamTrack>,
    track: MediaStreamTrack,
) {
    received.retain(|t| t.kind() != track.kind());
    received.push(track);
    let tracks: Array = received.iter().collect();
    match MediaStream::new_with_tracks(&tracks) {
        Ok(stream) => events.remote_stream.emit((source, stream)),
        Err(error) => events
            .error
            .emit(MeetingProblem::ReceivedMediaFailed(describe_js_error(
                &error,
            ))),
    }
}

/// Replaces the track of `sender` if it sends `kind` (no renegotiation; the encoded
/// transform stays on the sender); a failure leaves the old track on.
pub(super) fn replace_sender_track(
    sender: &RtcRtpSender,
    kind: MediaKind,
    track: Option<&MediaStreamTrack>,
) {
    let sends_kind = sender
        .track()
        .is_some_and(|current| current.kind() == kind.as_str());
    if !sends_kind {
        return;
    }
    let pending = sender.replace_track(track);
    spawn_local(async move {
        if let Err(error) = JsFuture::from(pending).await {
            gloo::console::warn!(format!(
                "Conclave: could not switch the {} source: {}",
                kind.as_str(),
                describe_js_error(&error)
            ));
        }
    });
}

/// Adds a remote ICE candidate to `connection`, in the background.
pub(super) fn add_candidate(connection: RtcPeerConnection, init: RtcIceCandidateInit) {
    spawn_local(async move {
        // A candidate the browser rejects (for example an mDNS name it cannot resolve)
        // only means one path fewer; the others still connect.
        let _ = JsFuture::from(
            connection.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init)),
        )
        .await;
    });
}

fn sdp_of(description: &JsValue) -> Result<String, WebRtcError> {
    Reflect::get(description, &JsValue::from_str("sdp"))
        .ok()
        .and_then(|sdp| sdp.as_string())
        .ok_or(WebRtcError::Step {
            step: "read a session description",
            detail: "no SDP".to_owned(),
        })
}

/// Creates our offer or answer (`kind`), sets it as the local description and returns its
/// SDP as set (after [`described_by_policy`]: what goes to the other side).
pub(super) async fn create_local_description(
    connection: &RtcPeerConnection,
    kind: RtcSdpType,
) -> Result<String, WebRtcError> {
    stop_audio_level_extensions(connection);
    let (created, step) = match kind {
        RtcSdpType::Answer => (connection.create_answer(), "create an answer"),
        _ => (connection.create_offer(), "create an offer"),
    };
    let description = JsFuture::from(created).await.map_err(step_failed(step))?;
    let sdp = described_by_policy(&sdp_of(&description)?);
    set_description(connection, kind, &sdp, true).await?;
    Ok(sdp)
}

/// `sdp` as every description set or sent must be: [`apply_audio_privacy`] and
/// [`without_unlisted_formats`].
fn described_by_policy(sdp: &str) -> String {
    apply_audio_privacy(&without_unlisted_formats(sdp))
}

/// Sets `sdp`, after [`described_by_policy`], as the local (`local`) or remote description
/// of `connection`: an offer or answer from elsewhere (a peer, Janus) cannot bring back
/// the audio-level extension or variable-bitrate Opus.
pub(super) async fn set_description(
    connection: &RtcPeerConnection,
    kind: RtcSdpType,
    sdp: &str,
    local: bool,
) -> Result<(), WebRtcError> {
    let init = RtcSessionDescriptionInit::new(kind);
    init.set_sdp(&described_by_policy(sdp));
    if local {
        JsFuture::from(connection.set_local_description(&init))
            .await
            .map_err(step_failed("set the local description"))?;
    } else {
        JsFuture::from(connection.set_remote_description(&init))
            .await
            .map_err(step_failed("set the remote description"))?;
    }
    Ok(())
}

/// Marks the audio-level header extensions `stopped` on every transceiver of `connection`
/// (`setHeaderExtensionsToNegotiate`), so the browser itself leaves them out of what it
/// creates next. A browser without that method gets the same from [`apply_audio_privacy`].
fn stop_audio_level_extensions(connection: &RtcPeerConnection) {
    let method = |target: &JsValue, name: &str| {
        Reflect::get(target, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    };
    for transceiver in connection.get_transceivers().iter() {
        let (Some(get), Some(set)) = (
            method(&transceiver, "getHeaderExtensionsToNegotiate"),
            method(&transceiver, "setHeaderExtensionsToNegotiate"),
        ) else {
            continue;
        };
        let Some(extensions) = get
            .call0(&transceiver)
            .ok()
            .and_then(|list| list.dyn_into::<Array>().ok())
        else {
            continue;
        };
        let mut changed = false;
        for extension in extensions.iter() {
            let uri = Reflect::get(&extension, &JsValue::from_str("uri"))
                .ok()
                .and_then(|uri| uri.as_string())
                .unwrap_or_default();
            if AUDIO_LEVEL_EXTENSIONS.contains(&uri.as_str()) {
                changed |= Reflect::set(
                    &extension,
                    &JsValue::from_str("direction"),
                    &JsValue::from_str("stopped"),
                )
                .unwrap_or(false);
            }
        }
        if changed {
            // Refused only for a list that is not the browser's own; the SDP policy
            // still removes the extension then.
            let _ = set.call1(&transceiver, &extensions);
        }
    }
}

/// The meeting's video codec: VP8, unless a test build was told otherwise.
pub(super) fn meeting_video_codec() -> VideoCodec {
    #[cfg(feature = "test-hooks")]
    if let Some(codec) = crate::services::test_hooks::video_codec() {
        return codec;
    }
    VideoCodec::default()
}

/// Restricts a video transceiver to `codec` (plus retransmission).
pub(super) fn prefer_video_codec(
    transceiver: &RtcRtpTransceiver,
    codec: VideoCodec,
) -> Result<(), WebRtcError> {
    let codecs = RtcRtpReceiver::get_capabilities("video")
        .and_then(|caps| Reflect::get(&caps, &JsValue::from_str("codecs")).ok())
        .and_then(|codecs| codecs.dyn_into::<Array>().ok())
        .ok_or(WebRtcError::NoVideoCodec(codec))?;
    let wanted = Array::new();
    let mut has_codec = false;
    for capability in codecs.iter() {
        let mime = Reflect::get(&capability, &JsValue::from_str("mimeType"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        if codec.allows(&mime) {
            has_codec |= codec.matches(&mime);
            wanted.push(&capability);
        }
    }
    if !has_codec {
        return Err(WebRtcError::NoVideoCodec(codec));
    }
    let set_preferences: Function =
        Reflect::get(transceiver, &JsValue::from_str("setCodecPreferences"))
            .map_err(step_failed("set codec preferences"))?
            .dyn_into()
            .map_err(step_failed("set codec preferences"))?;
    set_preferences
        .call1(transceiver, &wanted)
        .map_err(step_failed("set codec preferences"))?;
    Ok(())
}
