//! The meeting session: worker, identity, MLS group, signaling and the media transport
//! wired together, driven by the server's messages and reporting into the app state.
//!
//! Order matters for E2EE: the worker starts first and this browser's identity is
//! loaded (IndexedDB) meanwhile (both usually in the lobby already, see `app.rs`); only
//! when both are ready does the page connect to the server. Every server message goes to
//! the MLS group ([`KeyAgreement`]) first; each epoch's key goes to the worker before
//! anything else happens. The transport (mesh or Janus, as the server's `joined` says) is
//! made on `joined`. Mesh peer connections exist only with members of the MLS group
//! ([`crate::services::transport::mesh::peering`]); an SFU feed is shown under a member's name only once the worker
//! decrypted it with that member's key. If encryption is unavailable or fails, the session
//! never joins and tears down whatever it had.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use conclave_group::{EpochKeys, MeetingConfig};
use conclave_protocol::{ClientMessage, MediaMode, ParticipantId, ServerMessage};
use gloo::timers::callback::Timeout;
use web_sys::{MediaStream, MediaStreamTrack};
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::invite::Invite;
use crate::media_source::{MediaKind, MediaSource, SfuStreamId};
use crate::roster::GroupView;
use crate::services::e2ee::{detect_transform_api, E2eeError, E2eeWorker};
use crate::services::identity_store::{take_identity, LoadedIdentity, SeenKeys};
use crate::services::key_agreement::{KeyAgreement, KeyAgreementEvents};
use crate::services::now_ms;
use crate::services::signaling::{CloseInfo, SignalingConnection};
use crate::services::transport::janus::Janus;
use crate::services::transport::mesh::Mesh;
use crate::services::transport::{MediaTransport, TransportEvents};
use crate::state::{Action, AppState};
use crate::worker_protocol::WorkerToPage;

/// How long the worker may take to load before the page gives up, in milliseconds.
const WORKER_START_TIMEOUT_MS: u32 = 20_000;

/// Runs a meeting session while the calling component is mounted (and restarts it if
/// the invite changes). Unmounting leaves the meeting and closes everything. Without a
/// dispatcher (no app context) it does nothing.
/// `screen` is the screen being shared, if any: sent instead of the camera.
#[hook]
pub fn use_meeting_session(
    invite: Invite,
    display_name: String,
    local: Option<MediaStream>,
    screen: Option<MediaStreamTrack>,
    dispatcher: Option<UseReducerDispatcher<AppState>>,
) {
    let current = use_mut_ref(|| None::<Weak<RefCell<SessionInner>>>);
    {
        let current = current.clone();
        use_effect_with(invite, move |invite| {
            let session = dispatcher.map(|dispatcher| {
                MeetingSession::start(invite.clone(), display_name, local, dispatcher)
            });
            *current.borrow_mut() = session.as_ref().map(|s| Rc::downgrade(&s.inner));
            move || {
                if let Some(session) = session {
                    session.stop();
                }
            }
        });
    }
    use_effect_with(screen, move |screen| {
        let inner = current.borrow().as_ref().and_then(Weak::upgrade);
        if let Some(inner) = inner {
            replace_video(&inner, screen.clone());
        }
    });
}

/// Sends `screen` (or the camera again, for `None`) as the outgoing video.
fn replace_video(inner: &Rc<RefCell<SessionInner>>, screen: Option<MediaStreamTrack>) {
    let transport = {
        let mut inner = inner.borrow_mut();
        inner.screen = screen.clone();
        inner.transport.clone()
    };
    if let Some(transport) = transport {
        transport.replace_video(screen);
    }
}

struct SessionInner {
    invite: Invite,
    display_name: String,
    local: Option<MediaStream>,
    dispatcher: UseReducerDispatcher<AppState>,
    e2ee: Option<Rc<E2eeWorker>>,
    worker_ready: bool,
    /// This browser's identity, from load until the group takes it.
    identity: Option<LoadedIdentity>,
    seen_keys: Option<SeenKeys>,
    key_agreement: Option<KeyAgreement>,
    /// The group as last reported.
    group: Option<GroupView>,
    /// Made on `joined`, as the server's media mode says.
    transport: Option<Rc<dyn MediaTransport>>,
    /// The screen being shared, if any.
    screen: Option<MediaStreamTrack>,
    /// SFU feeds received, and the member each was bound to by its decrypting key.
    feeds: HashMap<SfuStreamId, MediaStream>,
    feed_owners: HashMap<SfuStreamId, ParticipantId>,
    signaling: Option<SignalingConnection>,
    start_timeout: Option<Timeout>,
    stopped: bool,
    /// The worker's running count of newer-epoch frames, per sender and kind.
    newer_epoch_frames: HashMap<(ParticipantId, MediaKind), u64>,
}

struct MeetingSession {
    inner: Rc<RefCell<SessionInner>>,
}

impl MeetingSession {
    fn start(
        invite: Invite,
        display_name: String,
        local: Option<MediaStream>,
        dispatcher: UseReducerDispatcher<AppState>,
    ) -> Self {
        let inner = Rc::new(RefCell::new(SessionInner {
            invite,
            display_name,
            local,
            dispatcher: dispatcher.clone(),
            e2ee: None,
            worker_ready: false,
            identity: None,
            seen_keys: None,
            key_agreement: None,
            group: None,
            transport: None,
            screen: None,
            feeds: HashMap::new(),
            feed_owners: HashMap::new(),
            signaling: None,
            start_timeout: None,
            stopped: false,
            newer_epoch_frames: HashMap::new(),
        }));
        let session = Self { inner };

        let Some(api) = detect_transform_api() else {
            dispatcher.dispatch(Action::E2eeFatal(E2eeError::Unsupported.to_string()));
            return session;
        };
        dispatcher.dispatch(Action::E2eeChosen(api));

        let weak = Rc::downgrade(&session.inner);
        let on_event = Callback::from(move |event| on_worker_event(&weak, event));
        let frame_suite = session.inner.borrow().invite.frame_suite();
        match E2eeWorker::start(api, frame_suite, on_event) {
            Ok(worker) => {
                let weak = Rc::downgrade(&session.inner);
                let timeout = Timeout::new(WORKER_START_TIMEOUT_MS, move || {
                    fail(
                        &weak,
                        "the encryption worker did not start in time; reload the page to try again"
                            .to_owned(),
                    );
                });
                let mut inner = session.inner.borrow_mut();
                inner.e2ee = Some(Rc::new(worker));
                inner.start_timeout = Some(timeout);
            }
            Err(error) => {
                dispatcher.dispatch(Action::E2eeFatal(error.to_string()));
                return session;
            }
        }

        let weak = Rc::downgrade(&session.inner);
        wasm_bindgen_futures::spawn_local(async move {
            let loaded = take_identity().await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            match loaded {
                Ok(loaded) => {
                    let dispatcher = inner.borrow().dispatcher.clone();
                    dispatcher.dispatch(Action::IdentityReady {
                        remembered: loaded.remembered,
                        seen_before: loaded.seen_before.clone(),
                    });
                    inner.borrow_mut().identity = Some(loaded);
                    connect(&inner);
                }
                Err(error) => fail(
                    &weak,
                    format!("no signature key could be made for this browser ({error})"),
                ),
            }
        });
        session
    }

    fn stop(self) {
        let (transport, signaling, e2ee, key_agreement) = {
            let mut inner = self.inner.borrow_mut();
            inner.stopped = true;
            inner.start_timeout = None;
            inner.seen_keys = None;
            (
                inner.transport.take(),
                inner.signaling.take(),
                inner.e2ee.take(),
                inner.key_agreement.take(),
            )
        };
        // Dropping these sends `leave`, closes the socket and stops the group's timer.
        drop(signaling);
        drop(key_agreement);
        #[cfg(feature = "test-hooks")]
        if crate::services::test_hooks::keep_peer_connections() {
            // Test hook: the peer connections and the worker outlive the meeting page.
            crate::services::test_hooks::keep_alive(Box::new((transport, e2ee)));
            return;
        }
        if let Some(transport) = transport {
            transport.close();
        }
        // Terminates the worker.
        drop(e2ee);
    }
}

fn on_worker_event(weak: &Weak<RefCell<SessionInner>>, event: WorkerToPage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let dispatcher = inner.borrow().dispatcher.clone();
    match event {
        WorkerToPage::Ready { .. } => {
            {
                let mut inner = inner.borrow_mut();
                inner.start_timeout = None;
                inner.worker_ready = true;
            }
            dispatcher.dispatch(Action::E2eeReady);
            connect(&inner);
        }
        WorkerToPage::ReceiveStats {
            source,
            sender_index,
            kind,
            totals,
            newer_epoch,
            ..
        } => {
            let Some(participant) = participant_of(&inner, source, sender_index) else {
                return;
            };
            report_newer_epoch_media(&inner, participant, kind, newer_epoch);
            dispatcher.dispatch(Action::ReceiveStats {
                participant,
                kind,
                totals,
                now_ms: now_ms(),
            })
        }
        WorkerToPage::Fatal { message } => fail(weak, message),
    }
}

/// Whose frames these are. A mesh peer is who it is; an SFU feed belongs to the member
/// whose key decrypted it (never to whoever Janus says). Binding a feed for the first
/// time (or anew) shows its stream in that member's tile.
fn participant_of(
    inner: &Rc<RefCell<SessionInner>>,
    source: MediaSource,
    sender_index: Option<u32>,
) -> Option<ParticipantId> {
    let feed = match source {
        MediaSource::Peer(participant) => return Some(participant),
        MediaSource::SfuStream(feed) => feed,
    };
    let (dispatcher, owner, stream) = {
        let mut inner = inner.borrow_mut();
        let by_key = sender_index.and_then(|leaf| {
            inner
                .group
                .as_ref()?
                .remote_members()
                .find(|member| member.leaf_index == leaf)?
                .participant_id
        });
        let Some(owner) = by_key else {
            // Nothing decrypted yet (or not under a current member's key): keep what we had.
            return inner.feed_owners.get(&feed).copied();
        };
        if inner.feed_owners.insert(feed.clone(), owner) == Some(owner) {
            return Some(owner);
        }
        (
            inner.dispatcher.clone(),
            owner,
            inner.feeds.get(&feed).cloned(),
        )
    };
    if let Some(stream) = stream {
        dispatcher.dispatch(Action::RemoteStream {
            participant: owner,
            stream,
        });
    }
    Some(owner)
}

/// A transport delivered decrypted media: a mesh peer's goes to its tile at once, an
/// SFU feed's once its owner is known.
fn on_remote_stream(weak: &Weak<RefCell<SessionInner>>, source: MediaSource, stream: MediaStream) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let (dispatcher, owner) = {
        let mut inner = inner.borrow_mut();
        let owner = match source {
            MediaSource::Peer(participant) => Some(participant),
            MediaSource::SfuStream(feed) => {
                let owner = inner.feed_owners.get(&feed).copied();
                inner.feeds.insert(feed, stream.clone());
                owner
            }
        };
        (inner.dispatcher.clone(), owner)
    };
    if let Some(participant) = owner {
        dispatcher.dispatch(Action::RemoteStream {
            participant,
            stream,
        });
    }
}

/// Tells the group when frames keep coming under an epoch newer than ours.
fn report_newer_epoch_media(
    inner: &Rc<RefCell<SessionInner>>,
    participant: ParticipantId,
    kind: MediaKind,
    total: u64,
) {
    let key_agreement = {
        let mut inner = inner.borrow_mut();
        let seen = inner
            .newer_epoch_frames
            .insert((participant, kind), total)
            .unwrap_or(0);
        if total <= seen {
            return;
        }
        inner.key_agreement.clone()
    };
    if let Some(key_agreement) = key_agreement {
        key_agreement.report_newer_epoch_media();
    }
}

/// Encryption failed: show it and tear down every connection.
fn fail(weak: &Weak<RefCell<SessionInner>>, message: String) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let (dispatcher, transport, signaling, key_agreement) = {
        let mut inner = inner.borrow_mut();
        inner.stopped = true;
        inner.start_timeout = None;
        (
            inner.dispatcher.clone(),
            inner.transport.take(),
            inner.signaling.take(),
            inner.key_agreement.take(),
        )
    };
    if let Some(transport) = transport {
        transport.close();
    }
    drop(signaling);
    drop(key_agreement);
    dispatcher.dispatch(Action::E2eeFatal(message));
}

/// The worker is ready and the identity loaded: start the group and join the room. Does nothing until both are ready, or once connected.
fn connect(inner_rc: &Rc<RefCell<SessionInner>>) {
    let weak = Rc::downgrade(inner_rc);
    let (dispatcher, room, display_name, loaded, invite_secret, frame_suite) = {
        let mut inner = inner_rc.borrow_mut();
        if inner.stopped || inner.signaling.is_some() || !inner.worker_ready {
            return;
        }
        if inner.e2ee.is_none() {
            return;
        }
        let Some(loaded) = inner.identity.take() else {
            return;
        };
        (
            inner.dispatcher.clone(),
            inner.invite.room_id().clone(),
            inner.display_name.clone(),
            loaded,
            {
                let mut secret = Zeroizing::new([0; 32]);
                secret.copy_from_slice(inner.invite.secret().as_bytes());
                secret
            },
            inner.invite.frame_suite(),
        )
    };

    let key_agreement = KeyAgreement::start(
        loaded.identity,
        MeetingConfig {
            room_id: room.clone(),
            // Only for the invite proof: media keys come from the MLS exporter.
            invite_secret,
            display_name: display_name.clone(),
            frame_suite,
        },
        KeyAgreementEvents {
            send: {
                let weak = weak.clone();
                Callback::from(move |message: ClientMessage| send(&weak, &message))
            },
            epoch_keys: {
                let weak = weak.clone();
                Callback::from(move |keys: EpochKeys| use_epoch_key(&weak, &keys))
            },
            changed: {
                let weak = weak.clone();
                Callback::from(move |view: GroupView| on_group_changed(&weak, view))
            },
        },
    );

    let meeting_error = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |message| dispatcher.dispatch(Action::MeetingError(message)))
    };

    let on_message = {
        let weak = weak.clone();
        Callback::from(move |message| on_server_message(&weak, message))
    };
    let on_close = {
        let weak = weak.clone();
        let dispatcher = dispatcher.clone();
        Callback::from(move |close: CloseInfo| {
            if let Some(inner) = weak.upgrade() {
                let (transport, key_agreement) = {
                    let mut inner = inner.borrow_mut();
                    (inner.transport.take(), inner.key_agreement.take())
                };
                if let Some(transport) = transport {
                    transport.close();
                }
                drop(key_agreement);
            }
            dispatcher.dispatch(Action::Disconnected(close.reason));
        })
    };
    {
        let mut inner = inner_rc.borrow_mut();
        inner.seen_keys = Some(loaded.seen_keys);
        inner.key_agreement = Some(key_agreement);
    }
    match SignalingConnection::connect(&room, display_name, on_message, on_close, meeting_error) {
        Ok(signaling) => inner_rc.borrow_mut().signaling = Some(signaling),
        Err(error) => {
            let key_agreement = inner_rc.borrow_mut().key_agreement.take();
            drop(key_agreement);
            dispatcher.dispatch(Action::Disconnected(error.to_string()));
        }
    }
}

/// Sends one message to the server, if connected.
fn send(weak: &Weak<RefCell<SessionInner>>, message: &ClientMessage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let inner = inner.borrow();
    if let Some(signaling) = inner.signaling.as_ref() {
        if let Err(error) = signaling.send(message) {
            inner
                .dispatcher
                .dispatch(Action::MeetingError(error.to_string()));
        }
    }
}

/// A new epoch: the worker switches to its key at once.
fn use_epoch_key(weak: &Weak<RefCell<SessionInner>>, keys: &EpochKeys) {
    let e2ee = weak.upgrade().and_then(|inner| inner.borrow().e2ee.clone());
    if let Some(e2ee) = e2ee {
        if let Err(error) = e2ee.use_epoch_key(keys) {
            fail(weak, error.to_string());
        }
    }
}

/// The group changed: show it, remember the keys met, connect to new members.
fn on_group_changed(weak: &Weak<RefCell<SessionInner>>, view: GroupView) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let (dispatcher, transport) = {
        let mut inner = inner.borrow_mut();
        if let Some(seen_keys) = inner.seen_keys.as_mut() {
            seen_keys.record_members(&view);
        }
        inner.group = Some(view.clone());
        // A feed whose owner left the group is nobody's until a member's key decrypts it.
        let members: Vec<ParticipantId> = view
            .remote_members()
            .filter_map(|member| member.participant_id)
            .collect();
        inner.feed_owners.retain(|_, owner| members.contains(owner));
        (inner.dispatcher.clone(), inner.transport.clone())
    };
    // Connections first: their WebRTC work then runs beside the page's re-render.
    if let Some(transport) = transport {
        transport.on_group_changed(&view);
    }
    dispatcher.dispatch(Action::GroupChanged {
        view,
        now_ms: now_ms(),
    });
}

/// Makes the transport the server's media mode asks for. Encryption does not depend on
/// it: every transport attaches the same worker to every sender and receiver.
fn start_transport(
    inner_rc: &Rc<RefCell<SessionInner>>,
    media_mode: MediaMode,
    ice_servers: Vec<conclave_protocol::IceServer>,
) {
    let weak = Rc::downgrade(inner_rc);
    let (e2ee, local, dispatcher, screen) = {
        let inner = inner_rc.borrow();
        let Some(e2ee) = inner.e2ee.clone().filter(|_| inner.transport.is_none()) else {
            return;
        };
        (
            e2ee,
            inner.local.clone(),
            inner.dispatcher.clone(),
            inner.screen.clone(),
        )
    };
    let events = TransportEvents {
        send: {
            let weak = weak.clone();
            Callback::from(move |message: ClientMessage| send(&weak, &message))
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
        error: Callback::from(move |message| dispatcher.dispatch(Action::MeetingError(message))),
    };
    let transport: Rc<dyn MediaTransport> = match media_mode {
        MediaMode::Mesh => Rc::new(Mesh::new(
            e2ee,
            local,
            ice_servers,
            keeps_peer_connections(),
            events,
        )),
        MediaMode::Janus => {
            let janus = Janus::new(e2ee, local, ice_servers, events);
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
    inner_rc.borrow_mut().transport = Some(transport);
}

fn on_server_message(weak: &Weak<RefCell<SessionInner>>, message: ServerMessage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if let ServerMessage::Joined {
        media_mode,
        ice_servers,
        ..
    } = &message
    {
        start_transport(&inner, *media_mode, ice_servers.clone());
    }
    let (dispatcher, key_agreement) = {
        let inner = inner.borrow();
        (inner.dispatcher.clone(), inner.key_agreement.clone())
    };
    // The group sees every message first (its callbacks borrow the session again).
    if let Some(key_agreement) = &key_agreement {
        key_agreement.handle_server_message(&message);
    }
    let (transport, group) = {
        let inner = inner.borrow();
        (inner.transport.clone(), inner.group.clone())
    };
    let Some(transport) = transport else {
        return;
    };
    transport.on_server_message(&message, group.as_ref());
    match message {
        ServerMessage::Joined {
            you, participants, ..
        } => dispatcher.dispatch(Action::Joined { you, participants }),
        ServerMessage::ParticipantJoined { participant } => {
            dispatcher.dispatch(Action::ParticipantJoined(participant));
        }
        ServerMessage::ParticipantLeft { id } => {
            dispatcher.dispatch(Action::ParticipantLeft(id));
        }
        ServerMessage::Error { message, .. } => {
            dispatcher.dispatch(Action::MeetingError(format!("The server said: {message}")));
        }
        // Handled by the group or the transport.
        ServerMessage::Signal { .. }
        | ServerMessage::SfuRoomReady { .. }
        | ServerMessage::GroupStarted { .. }
        | ServerMessage::GroupEnded
        | ServerMessage::KeyPackage { .. }
        | ServerMessage::Commit { .. }
        | ServerMessage::Welcome { .. }
        | ServerMessage::CommitRejected { .. } => {}
    }
}

/// Test builds: whether the e2e suite asked to keep peer connections of people who
/// left (`services::test_hooks`).
#[cfg(feature = "test-hooks")]
fn keeps_peer_connections() -> bool {
    crate::services::test_hooks::keep_peer_connections()
}

/// Release builds: peer connections of people who left are always closed.
#[cfg(not(feature = "test-hooks"))]
fn keeps_peer_connections() -> bool {
    false
}
