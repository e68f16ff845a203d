//! The meeting session: worker, identity, MLS group, signaling and mesh wired
//! together, driven by the server's messages and reporting into the app state.
//!
//! Order matters for E2EE: the worker starts first and this browser's identity is
//! loaded (IndexedDB) meanwhile; only when both are ready does the page connect to the
//! server. Every server message goes to the MLS group ([`KeyAgreement`]) first; each
//! epoch's key goes to the worker before anything else happens. Peer connections exist
//! only with members of the MLS group ([`crate::peering`]). If encryption is
//! unavailable or fails, the session never joins and tears down whatever it had.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use conclave_group::{EpochKeys, MeetingConfig};
use conclave_protocol::{ClientMessage, ParticipantId, ServerMessage, SignalPayload};
use gloo::timers::callback::Timeout;
use web_sys::MediaStream;
use yew::prelude::*;
use zeroize::Zeroizing;

use crate::invite::Invite;
use crate::peering::{OfferDecision, Peering};
use crate::roster::GroupView;
use crate::services::e2ee::{detect_transform_api, E2eeError, E2eeWorker};
use crate::services::identity_store::{load_identity, LoadedIdentity, SeenKeys};
use crate::services::key_agreement::{KeyAgreement, KeyAgreementEvents};
use crate::services::mesh::{Mesh, MeshEvents};
use crate::services::now_ms;
use crate::services::signaling::{CloseInfo, SignalingConnection};
use crate::state::{Action, AppState};
use crate::worker_protocol::{MediaKind, WorkerEvent};

/// How long the worker may take to load before the page gives up, in milliseconds.
const WORKER_START_TIMEOUT_MS: u32 = 20_000;

/// Runs a meeting session while the calling component is mounted (and restarts it if
/// the invite changes). Unmounting leaves the meeting and closes everything. Without a
/// dispatcher (no app context) it does nothing.
#[hook]
pub fn use_meeting_session(
    invite: Invite,
    display_name: String,
    local: Option<MediaStream>,
    dispatcher: Option<UseReducerDispatcher<AppState>>,
) {
    use_effect_with(invite, move |invite| {
        let session = dispatcher.map(|dispatcher| {
            MeetingSession::start(invite.clone(), display_name, local, dispatcher)
        });
        move || {
            if let Some(session) = session {
                session.stop();
            }
        }
    });
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
    peering: Peering,
    mesh: Option<Mesh>,
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
            peering: Peering::default(),
            mesh: None,
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
        match E2eeWorker::start(api, on_event) {
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
            let loaded = load_identity().await;
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
        let (mesh, signaling, e2ee, key_agreement) = {
            let mut inner = self.inner.borrow_mut();
            inner.stopped = true;
            inner.start_timeout = None;
            inner.seen_keys = None;
            (
                inner.mesh.take(),
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
            crate::services::test_hooks::keep_alive(Box::new((mesh, e2ee)));
            return;
        }
        if let Some(mesh) = mesh {
            mesh.close_all();
        }
        // Terminates the worker.
        drop(e2ee);
    }
}

fn on_worker_event(weak: &Weak<RefCell<SessionInner>>, event: WorkerEvent) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let dispatcher = inner.borrow().dispatcher.clone();
    match event {
        WorkerEvent::Ready { .. } => {
            {
                let mut inner = inner.borrow_mut();
                inner.start_timeout = None;
                inner.worker_ready = true;
            }
            dispatcher.dispatch(Action::E2eeReady);
            connect(&inner);
        }
        WorkerEvent::ReceiveStats {
            participant,
            kind,
            totals,
            newer_epoch,
            ..
        } => {
            report_newer_epoch_media(&inner, participant, kind, newer_epoch);
            dispatcher.dispatch(Action::ReceiveStats {
                participant,
                kind,
                totals,
                now_ms: now_ms(),
            })
        }
        WorkerEvent::Fatal { message } => fail(weak, message),
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
    let (dispatcher, mesh, signaling, key_agreement) = {
        let mut inner = inner.borrow_mut();
        inner.stopped = true;
        inner.start_timeout = None;
        (
            inner.dispatcher.clone(),
            inner.mesh.take(),
            inner.signaling.take(),
            inner.key_agreement.take(),
        )
    };
    if let Some(mesh) = mesh {
        mesh.close_all();
    }
    drop(signaling);
    drop(key_agreement);
    dispatcher.dispatch(Action::E2eeFatal(message));
}

/// The worker is ready and the identity loaded: start the group, build the mesh and
/// join the room. Does nothing until both are ready, or once connected.
fn connect(inner_rc: &Rc<RefCell<SessionInner>>) {
    let weak = Rc::downgrade(inner_rc);
    let (e2ee, local, dispatcher, room, display_name, loaded, invite_secret) = {
        let mut inner = inner_rc.borrow_mut();
        if inner.stopped || inner.signaling.is_some() || !inner.worker_ready {
            return;
        }
        let Some(e2ee) = inner.e2ee.clone() else {
            return;
        };
        let Some(loaded) = inner.identity.take() else {
            return;
        };
        (
            e2ee,
            inner.local.clone(),
            inner.dispatcher.clone(),
            inner.invite.room_id().clone(),
            inner.display_name.clone(),
            loaded,
            {
                let mut secret = Zeroizing::new([0; 32]);
                secret.copy_from_slice(inner.invite.secret().as_bytes());
                secret
            },
        )
    };

    let key_agreement = KeyAgreement::start(
        loaded.identity,
        MeetingConfig {
            room_id: room.clone(),
            // Only for the invite proof: media keys come from the MLS exporter.
            invite_secret,
            display_name: display_name.clone(),
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

    let send_signal = {
        let weak = weak.clone();
        Callback::from(move |(to, payload)| send(&weak, &ClientMessage::Signal { to, payload }))
    };
    let remote_stream = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |(participant, stream)| {
            dispatcher.dispatch(Action::RemoteStream {
                participant,
                stream,
            })
        })
    };
    let mesh_error = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |message| dispatcher.dispatch(Action::MeetingError(message)))
    };
    let mesh = Mesh::new(
        e2ee,
        local,
        MeshEvents {
            send_signal,
            remote_stream,
            error: mesh_error.clone(),
        },
    );

    let on_message = {
        let weak = weak.clone();
        Callback::from(move |message| on_server_message(&weak, message))
    };
    let on_close = {
        let weak = weak.clone();
        let dispatcher = dispatcher.clone();
        Callback::from(move |close: CloseInfo| {
            if let Some(inner) = weak.upgrade() {
                let (mesh, key_agreement) = {
                    let mut inner = inner.borrow_mut();
                    (inner.mesh.take(), inner.key_agreement.take())
                };
                if let Some(mesh) = mesh {
                    mesh.close_all();
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
        inner.mesh = Some(mesh);
    }
    match SignalingConnection::connect(&room, display_name, on_message, on_close, mesh_error) {
        Ok(signaling) => inner_rc.borrow_mut().signaling = Some(signaling),
        Err(error) => {
            let (mesh, key_agreement) = {
                let mut inner = inner_rc.borrow_mut();
                (inner.mesh.take(), inner.key_agreement.take())
            };
            drop((mesh, key_agreement));
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
    let (dispatcher, mesh, actions) = {
        let mut inner = inner.borrow_mut();
        if let Some(seen_keys) = inner.seen_keys.as_mut() {
            seen_keys.record_members(&view);
        }
        let actions = inner.peering.on_group_change(&view);
        inner.group = Some(view.clone());
        (inner.dispatcher.clone(), inner.mesh.clone(), actions)
    };
    dispatcher.dispatch(Action::GroupChanged {
        view,
        now_ms: now_ms(),
    });
    let Some(mesh) = mesh else {
        return;
    };
    for (from, sdp) in actions.answer {
        mesh.handle_signal(from, SignalPayload::Offer { sdp });
    }
    for participant in actions.call {
        mesh.call(participant);
    }
}

fn on_server_message(weak: &Weak<RefCell<SessionInner>>, message: ServerMessage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if let ServerMessage::Joined { you, .. } = &message {
        inner.borrow_mut().peering.joined(*you);
    }
    let (dispatcher, mesh, key_agreement) = {
        let inner = inner.borrow();
        (
            inner.dispatcher.clone(),
            inner.mesh.clone(),
            inner.key_agreement.clone(),
        )
    };
    // The group sees every message first (its callbacks borrow the session again).
    if let Some(key_agreement) = &key_agreement {
        key_agreement.handle_server_message(&message);
    }
    let Some(mesh) = mesh else {
        return;
    };
    match message {
        ServerMessage::Joined {
            you, participants, ..
        } => dispatcher.dispatch(Action::Joined { you, participants }),
        ServerMessage::ParticipantJoined { participant } => {
            dispatcher.dispatch(Action::ParticipantJoined(participant));
        }
        ServerMessage::ParticipantLeft { id } => {
            if !keeps_peer_connections() {
                mesh.hang_up(id);
            }
            inner.borrow_mut().peering.participant_left(id);
            dispatcher.dispatch(Action::ParticipantLeft(id));
        }
        ServerMessage::Signal {
            from,
            payload: SignalPayload::Offer { sdp },
        } => {
            let decision = {
                let mut inner = inner.borrow_mut();
                let inner = &mut *inner;
                inner.peering.on_offer(inner.group.as_ref(), from, sdp)
            };
            match decision {
                OfferDecision::Answer(sdp) => {
                    mesh.handle_signal(from, SignalPayload::Offer { sdp })
                }
                OfferDecision::Held { first: true } => gloo::console::warn!(format!(
                    "Conclave: not answering participant {from}: not in the encrypted meeting (yet)"
                )),
                OfferDecision::Held { first: false } => {}
            }
        }
        ServerMessage::Signal { from, payload } => {
            if inner.borrow().peering.expects_signal_from(from) {
                mesh.handle_signal(from, payload);
            }
        }
        ServerMessage::Error { message, .. } => {
            dispatcher.dispatch(Action::MeetingError(format!("The server said: {message}")));
        }
        // Handled by the group.
        ServerMessage::GroupStarted { .. }
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
