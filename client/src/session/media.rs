//! The session's media: the transport the server's media mode asks for, the decrypted
//! streams it delivers (a mesh peer's to its tile at once, an SFU stream's once
//! [`super::stream_binding`] knows whose it is; its sound is measured for "speaking"), the
//! sender each receiver is bound to (told to the worker on every roster change), and the
//! video it sends.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use conclave_protocol::{ClientMessage, MediaMode, ParticipantId};
use web_sys::{MediaStream, MediaStreamTrack};
use yew::Callback;

use super::{keeps_peer_connections, server, SessionInner};
use crate::media_source::{MediaSource, SfuStreamId};
use crate::notices::MeetingProblem;
use crate::roster::GroupView;
use crate::services::audio_levels::AudioLevels;
use crate::services::now_ms;
use crate::services::transport::janus::Janus;
use crate::services::transport::mesh::Mesh;
use crate::services::transport::webrtc::IceSettings;
use crate::services::transport::{MediaTransport, TransportEvents};
use crate::state::Action;

/// Makes the transport the server's media mode asks for. Encryption does not depend on
/// it: every transport attaches the same worker to every sender and receiver.
pub(super) fn start_transport(
    inner_rc: &Rc<RefCell<SessionInner>>,
    media_mode: MediaMode,
    ice: IceSettings,
) {
    let weak = Rc::downgrade(inner_rc);
    let (e2ee, local, dispatcher, screen, key_agreement) = {
        let inner = inner_rc.borrow();
        let Some(e2ee) = inner.e2ee.clone().filter(|_| inner.transport.is_none()) else {
            return;
        };
        (
            e2ee,
            inner.local.clone(),
            inner.dispatcher.clone(),
            inner.screen.clone(),
            inner.key_agreement.clone(),
        )
    };
    let events = TransportEvents {
        send: {
            let weak = weak.clone();
            Callback::from(move |message: ClientMessage| server::send(&weak, &message))
        },
        remote_stream: {
            let weak = weak.clone();
            Callback::from(move |(source, stream)| on_remote_stream(&weak, source, stream))
        },
        state: {
            let dispatcher = dispatcher.clone();
            Callback::from(move |state| dispatcher.dispatch(Action::TransportState(state)))
        },
        peer_link: {
            let dispatcher = dispatcher.clone();
            Callback::from(move |(participant, up)| {
                dispatcher.dispatch(Action::PeerLink { participant, up });
            })
        },
        error: Callback::from(move |problem| dispatcher.dispatch(Action::MeetingError(problem))),
    };
    let transport: Rc<dyn MediaTransport> = match media_mode {
        MediaMode::Mesh => Rc::new(Mesh::new(
            e2ee,
            local,
            ice,
            keeps_peer_connections(),
            key_agreement,
            events,
        )),
        MediaMode::Janus => {
            let janus = Janus::new(e2ee, local, ice, events);
            #[cfg(feature = "test-hooks")]
            {
                let janus = janus.clone();
                crate::services::test_hooks::expose_substream_choice(move |layer| {
                    janus.choose_substream(layer)
                });
            }
            Rc::new(janus)
        }
    };
    if screen.is_some() {
        transport.replace_video(screen);
    }
    // Asked before the transport existed (the page asks once its tiles change).
    let video_layer = inner_rc.borrow().video_layer;
    if let Some(layer) = video_layer {
        transport.prefer_video_layer(layer);
    }
    let audio_levels = AudioLevels::start(Callback::from(move |(participant, speaking)| {
        if let Some(inner) = weak.upgrade() {
            let dispatcher = inner.borrow().dispatcher.clone();
            dispatcher.dispatch(Action::Speaking {
                participant,
                speaking,
                now_ms: now_ms(),
            });
        }
    }));
    let mut inner = inner_rc.borrow_mut();
    inner.transport = Some(transport);
    inner.audio_levels = audio_levels;
}

/// Shows `participant`'s decrypted media in its tile, and listens for their speech.
fn show_remote_stream(
    inner: &Rc<RefCell<SessionInner>>,
    participant: ParticipantId,
    stream: MediaStream,
) {
    let dispatcher = {
        let inner = inner.borrow();
        if let Some(levels) = &inner.audio_levels {
            levels.watch(participant, &stream);
        }
        inner.dispatcher.clone()
    };
    dispatcher.dispatch(Action::RemoteStream {
        participant,
        stream,
    });
}

/// `participant` left the room: their speech is no longer measured.
pub(super) fn participant_left(inner: &Rc<RefCell<SessionInner>>, participant: ParticipantId) {
    if let Some(levels) = &inner.borrow().audio_levels {
        levels.forget(participant);
    }
}

/// Sends `screen` (or the camera again, for `None`) as the outgoing video, now if the
/// transport is made, else from its start.
pub(super) fn replace_video(inner: &Rc<RefCell<SessionInner>>, screen: Option<MediaStreamTrack>) {
    let transport = {
        let mut inner = inner.borrow_mut();
        inner.screen = screen.clone();
        inner.transport.clone()
    };
    if let Some(transport) = transport {
        transport.replace_video(screen);
    }
}

/// Whose frames these are. A mesh peer is who it is (the worker passes only its member's
/// leaf); an SFU stream is the member's the worker bound it to (`feedBound`), never
/// whoever the SFU or a decrypted-frame report says.
pub(super) fn participant_of(
    inner: &Rc<RefCell<SessionInner>>,
    source: MediaSource,
) -> Option<ParticipantId> {
    match source {
        MediaSource::Peer(participant) => Some(participant),
        MediaSource::SfuStream(stream) => inner.borrow().streams.owner_of(&stream),
    }
}

/// The worker bound an SFU stream to `sender_leaf` (first, or again after `senderLeft`):
/// shown in that member's tile.
pub(super) fn feed_bound(
    inner: &Rc<RefCell<SessionInner>>,
    stream: &SfuStreamId,
    sender_leaf: u32,
) {
    let shown = inner.borrow_mut().streams.stream_bound(stream, sender_leaf);
    if let Some(shown) = shown {
        show_remote_stream(inner, shown.owner, shown.stream);
    }
}

/// The roster changed: the worker learns each mesh peer's leaf and which bound leaves left,
/// and streams bound to a leaf the roster now lists are shown.
pub(super) fn bind_to_roster(inner: &Rc<RefCell<SessionInner>>, view: &GroupView) {
    let (dispatcher, e2ee, change) = {
        let mut inner = inner.borrow_mut();
        let change = inner.streams.roster_changed(view);
        (inner.dispatcher.clone(), inner.e2ee.clone(), change)
    };
    if let Some(e2ee) = e2ee {
        let told = change
            .expect
            .iter()
            .try_for_each(|(participant, leaf)| e2ee.expect_sender(*participant, *leaf))
            .and_then(|()| {
                change
                    .left
                    .iter()
                    .try_for_each(|leaf| e2ee.sender_left(*leaf))
            });
        if let Err(error) = told {
            dispatcher.dispatch(Action::MeetingError(MeetingProblem::SendersNotUpdated(
                error.to_string(),
            )));
        }
    }
    for shown in change.shown {
        show_remote_stream(inner, shown.owner, shown.stream);
    }
}

/// A transport delivered decrypted media: a mesh peer's goes to its tile at once, an
/// SFU stream's once its owner is known.
fn on_remote_stream(weak: &Weak<RefCell<SessionInner>>, source: MediaSource, stream: MediaStream) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let shown = match source {
        MediaSource::Peer(participant) => Some((participant, stream)),
        MediaSource::SfuStream(id) => inner
            .borrow_mut()
            .streams
            .stream_arrived(id, stream)
            .map(|shown| (shown.owner, shown.stream)),
    };
    if let Some((participant, stream)) = shown {
        show_remote_stream(&inner, participant, stream);
    }
}
