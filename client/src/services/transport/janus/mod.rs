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
//!
//! - [`api`]: the Janus WebSocket API as requests built and replies parsed (pure, unit
//!   tested); Janus' numbers ([`api::FeedId`], [`api::JanusId`]) stay inside this adapter.
//! - `session`: the socket, transactions, keepalive, ICE trickle, and starting over.
//! - `publisher`: joining as publisher and sending our media (simulcast, `e2ee: true`).
//! - `subscriber`: the multistream subscription, its decrypting receivers, simulcast
//!   layer choice.
//! - this module: the [`Janus`] type, its state, and the [`MediaTransport`] it implements.

pub mod api;
mod publisher;
mod session;
mod subscriber;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use conclave_protocol::{ParticipantId, ServerMessage, SfuAccess};
use gloo::timers::callback::Timeout;
use web_sys::{MediaStream, MediaStreamTrack};

use self::api::JanusApiError;
use self::session::Link;
use super::webrtc::{IceSettings, WebRtcError};
use super::{MediaTransport, TransportEvents, TransportState};
use crate::media_source::MediaKind;
use crate::roster::GroupView;
use crate::services::e2ee::E2eeWorker;
use crate::services::media::first_track;

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

/// The transport's state across links (connection attempts).
struct Inner {
    e2ee: Rc<E2eeWorker>,
    local: Option<MediaStream>,
    ice: IceSettings,
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
    /// The simulcast layer asked for last, applied to feeds subscribed later too.
    wanted_substream: Cell<Option<u8>>,
}

impl Janus {
    /// A transport that publishes `local` (if any) into the room the server will name in
    /// `sfu_room_ready`, every frame encrypted by `e2ee`.
    pub fn new(
        e2ee: Rc<E2eeWorker>,
        local: Option<MediaStream>,
        ice: IceSettings,
        events: TransportEvents,
    ) -> Self {
        events.state.emit(TransportState::Connecting);
        Self {
            inner: Rc::new(Inner {
                e2ee,
                local,
                ice,
                events,
                me: Cell::new(None),
                access: RefCell::new(None),
                link: RefCell::new(None),
                generation: Cell::new(0),
                failures: Cell::new(0),
                retry: RefCell::new(None),
                closed: Cell::new(false),
                video_override: RefCell::new(None),
                wanted_substream: Cell::new(None),
            }),
        }
    }
}

impl MediaTransport for Janus {
    fn on_server_message(&self, message: &ServerMessage, _group: Option<&GroupView>) {
        match message {
            ServerMessage::Joined { you, .. } => self.inner.me.set(Some(*you)),
            ServerMessage::SfuRoomReady { access } => {
                let previous = self.inner.access.borrow_mut().replace(access.clone());
                // The room moved to another Janus (the server lost the one it was on,
                // even if this browser still reaches it): follow it at once, or the
                // meeting splits between two Janus.
                let moved = previous.is_some_and(|previous| previous != *access);
                // A new room, or the same room recreated (Janus restarted): (re)connect
                // now rather than at the next backoff tick.
                let healthy = self.current_link().is_some() && self.inner.retry.borrow().is_none();
                if moved || !healthy {
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
        if let Some(link) = self.current_link() {
            link.publisher
                .replace_track(MediaKind::Video, sending.as_ref());
        }
    }

    fn prefer_video_layer(&self, layer: u8) {
        self.choose_substream(layer);
    }

    fn local_track_changed(&self, kind: MediaKind) {
        let local = self
            .inner
            .local
            .as_ref()
            .and_then(|local| first_track(local, kind));
        let sending = match kind {
            MediaKind::Video => self.inner.video_override.borrow().clone().or(local),
            MediaKind::Audio => local,
        };
        if let Some(link) = self.current_link() {
            link.publisher.replace_track(kind, sending.as_ref());
        }
    }

    fn close(&self) {
        self.inner.closed.set(true);
        self.inner.retry.borrow_mut().take();
        let Some(link) = self.inner.link.borrow_mut().take() else {
            return;
        };
        // Polite goodbye, fire and forget: unpublish, detach, destroy; then close.
        link.leave();
    }
}
