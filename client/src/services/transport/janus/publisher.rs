//! The publisher handle: joins the VideoRoom as a publisher and sends our camera and
//! microphone. Video goes out in three simulcast layers (`h`, `m`, `l`) from one sender,
//! so all layers share one SFrame counter; every sender is behind the encrypting transform
//! before the offer, and the offer says `e2ee: true` inside its JSEP ([`super::api`]).
//! Screen sharing swaps the video track in that sender: no renegotiation.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    MediaStreamTrack, RtcPeerConnection, RtcRtpSender, RtcRtpTransceiverDirection,
    RtcRtpTransceiverInit, RtcSdpType,
};

use super::api::{body, room_event, FeedId, JanusApiError, JanusId, Jsep, Requests, RoomEvent};
use super::session::Link;
use super::{Janus, JanusError};
use crate::media_source::MediaKind;
use crate::services::media::first_track;
use crate::services::transport::webrtc::{
    create_local_description, meeting_video_codec, prefer_video_codec, replace_sender_track,
    set_description, step_failed, WebRtcError,
};

/// Simulcast layers of the camera: rid, downscale factor, bitrate cap (bit/s). Janus
/// forwards one of them to each subscriber; all share one SFrame counter (one sender).
const SIMULCAST_LAYERS: [(&str, f64, f64); 3] = [
    ("h", 1.0, 900_000.0),
    ("m", 2.0, 300_000.0),
    ("l", 4.0, 100_000.0),
];

/// The publisher handle of one link.
#[derive(Default)]
pub(super) struct Publisher {
    /// Janus' handle, once attached.
    pub(super) handle: Cell<Option<JanusId>>,
    /// The peer connection that sends our media.
    pub(super) connection: RefCell<Option<RtcPeerConnection>>,
    /// Our own feed (never subscribed to).
    pub(super) own_feed: Cell<Option<FeedId>>,
}

impl Publisher {
    /// Unpublishes and detaches, fire and forget.
    pub(super) fn leave(&self, link: &Link, requests: &Requests) {
        if let Some(publisher) = self.handle.get() {
            link.send(&requests.message(&link.transaction(), publisher, body::unpublish(), None));
            link.send(&requests.detach(&link.transaction(), publisher));
        }
    }

    /// Sends `track` (or nothing) instead of the current video, if we publish.
    pub(super) fn replace_track(&self, kind: MediaKind, track: Option<&MediaStreamTrack>) {
        let Some(connection) = self.connection.borrow().clone() else {
            return;
        };
        for sender in connection.get_senders().iter() {
            if let Ok(sender) = sender.dyn_into::<RtcRtpSender>() {
                replace_sender_track(&sender, kind, track);
            }
        }
    }
}

impl Janus {
    /// Attaches the publisher handle and joins `room`: returns the handle and the feeds
    /// already published by others.
    pub(super) async fn join_as_publisher(
        &self,
        link: &Rc<Link>,
        room: u64,
        pin: &str,
    ) -> Result<(JanusId, Vec<FeedId>), JanusError> {
        let publisher = link.attach().await?;
        link.publisher.handle.set(Some(publisher));
        let display = self
            .inner
            .me
            .get()
            .map(|me| me.to_string())
            .unwrap_or_default();
        let (joined, _) = link
            .plugin_request(
                publisher,
                body::join_as_publisher(room, pin, &display),
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
        link.publisher.own_feed.set(Some(own_feed));
        Ok((publisher, publishers))
    }

    /// Sends our tracks: audio, and video in simulcast, both behind the encrypting transform.
    pub(super) async fn publish(
        &self,
        link: &Rc<Link>,
        publisher: JanusId,
    ) -> Result<(), JanusError> {
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
