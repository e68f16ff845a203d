//! Media transports: how a meeting's (already encrypted) media travels. The session
//! talks to one [`MediaTransport`] and never to a peer connection or an SFU directly.
//!
//! - [`mesh`]: one `RTCPeerConnection` per MLS member; the signaling server relays SDP.
//!   Who offers to whom is the pure [`mesh::peering`].
//! - [`janus`]: a Janus VideoRoom; the browser speaks the Janus WebSocket API itself
//!   ([`janus::api`]), in a session with a publisher and a subscriber handle.
//! - [`webrtc`]: the WebRTC steps both take, and their error, [`webrtc::WebRtcError`].
//! - [`sdp_policy`]: what every description set or sent must say about audio metadata (no
//!   audio-level header extension, constant-bitrate Opus); [`webrtc`] applies it to all.
//! - [`sdp_formats`]: no attribute of a format a media section does not list (Firefox
//!   leaves some that Chromium refuses); [`webrtc`] applies it to all too.
//!
//! Every transport attaches the worker's encrypting transform to each sender before
//! negotiating, and its decrypting transform to each receiver before a frame arrives; none
//! of them can send in clear. A second SFU is a module beside `janus` implementing
//! [`MediaTransport`] (its streams named by [`crate::media_source::SfuStreamId`], its
//! access read from its `SfuAccess` variant), plus one `MediaMode` arm where the session
//! makes its transport; docs/ARCHITECTURE.md ("Adding a second SFU adapter") lists the
//! protocol and server side.

pub mod janus;
pub mod mesh;
pub mod sdp_formats;
pub mod sdp_policy;
pub mod webrtc;

use conclave_protocol::{ClientMessage, ParticipantId, ServerMessage};
use web_sys::{MediaStream, MediaStreamTrack};

use crate::notices::MeetingProblem;
use yew::Callback;

use crate::media_source::{MediaKind, MediaSource};
use crate::roster::GroupView;

/// What a transport reports to the session.
#[derive(Clone)]
pub struct TransportEvents {
    /// A message for the signaling server (mesh signaling).
    pub send: Callback<ClientMessage>,
    /// Decrypted media from one source, with every track received from it so far.
    /// SFU feeds name no person: the session binds a feed to a member only once the
    /// worker has decrypted its frames under that member's key.
    pub remote_stream: Callback<(MediaSource, MediaStream)>,
    /// The transport's connection state changed.
    pub state: Callback<TransportState>,
    /// Mesh: whether the connection to one participant carries media (false while it is
    /// disconnected, or failed and being made again).
    pub peer_link: Callback<(ParticipantId, bool)>,
    /// Something failed: shown to the person in front of the screen.
    pub error: Callback<MeetingProblem>,
}

/// Whether the media path is up, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportState {
    /// Connecting for the first time.
    Connecting,
    /// Connected (for the mesh: ready to connect to peers).
    Connected,
    /// The connection to the SFU was lost; trying again.
    Reconnecting,
}

/// One meeting's media path. Methods take `&self`: transports are shared handles.
pub trait MediaTransport {
    /// A server message, after the MLS group has seen it. `group` is the group now.
    fn on_server_message(&self, message: &ServerMessage, group: Option<&GroupView>);

    /// The MLS group changed (someone was added or removed).
    fn on_group_changed(&self, view: &GroupView);

    /// Sends `track` as the outgoing video from now on (camera or screen), through the
    /// same encrypting sender: no renegotiation, never a frame in clear.
    fn replace_video(&self, track: Option<MediaStreamTrack>);

    /// The local stream's microphone or camera is another track now (the person picked
    /// another device, or one was unplugged): sends it through the same encrypting
    /// sender. A shared screen stays the video.
    fn local_track_changed(&self, kind: MediaKind);

    /// SFU modes: receive simulcast layer `layer` (0 lowest, 2 highest) of every video from
    /// now on, also of feeds subscribed later. The mesh receives what each peer sends.
    fn prefer_video_layer(&self, layer: u8);

    /// Leaves: unpublishes and closes every connection.
    fn close(&self);
}
