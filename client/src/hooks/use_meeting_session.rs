//! The meeting session: worker, signaling and mesh wired together, driven by the
//! server's messages and reporting into the app state.
//!
//! Order matters for E2EE: the worker is created and given the meeting secret first;
//! only when it reports `ready` does the page connect to the server, and only then do
//! peer connections (each transform-protected) exist. If encryption is unavailable or
//! fails, the session never joins and tears down whatever it had.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use conclave_protocol::{ClientMessage, ServerMessage};
use gloo::timers::callback::Timeout;
use web_sys::MediaStream;
use yew::prelude::*;

use crate::invite::Invite;
use crate::services::e2ee::{detect_transform_api, E2eeError, E2eeWorker};
use crate::services::mesh::{Mesh, MeshEvents};
use crate::services::now_ms;
use crate::services::signaling::SignalingConnection;
use crate::state::{Action, AppState};
use crate::worker_protocol::WorkerEvent;

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
    mesh: Option<Mesh>,
    signaling: Option<SignalingConnection>,
    start_timeout: Option<Timeout>,
    stopped: bool,
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
            mesh: None,
            signaling: None,
            start_timeout: None,
            stopped: false,
        }));
        let session = Self { inner };

        let Some(api) = detect_transform_api() else {
            dispatcher.dispatch(Action::E2eeFatal(E2eeError::Unsupported.to_string()));
            return session;
        };
        dispatcher.dispatch(Action::E2eeChosen(api));

        let weak = Rc::downgrade(&session.inner);
        let on_event = Callback::from(move |event| on_worker_event(&weak, event));
        let started = {
            let inner = session.inner.borrow();
            E2eeWorker::start(inner.invite.secret(), api, on_event)
        };
        match started {
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
            Err(error) => dispatcher.dispatch(Action::E2eeFatal(error.to_string())),
        }
        session
    }

    fn stop(self) {
        let (mesh, signaling, e2ee) = {
            let mut inner = self.inner.borrow_mut();
            inner.stopped = true;
            inner.start_timeout = None;
            (inner.mesh.take(), inner.signaling.take(), inner.e2ee.take())
        };
        if let Some(mesh) = mesh {
            mesh.close_all();
        }
        // Dropping these sends `leave`, closes the socket and terminates the worker.
        drop(signaling);
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
            inner.borrow_mut().start_timeout = None;
            dispatcher.dispatch(Action::E2eeReady);
            connect(&inner);
        }
        WorkerEvent::ReceiveStats {
            participant,
            kind,
            decrypted,
            failed,
        } => dispatcher.dispatch(Action::ReceiveStats {
            participant,
            kind,
            decrypted,
            failed,
            now_ms: now_ms(),
        }),
        WorkerEvent::Fatal { message } => fail(weak, message),
    }
}

/// Encryption failed: show it and tear down every connection.
fn fail(weak: &Weak<RefCell<SessionInner>>, message: String) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let (dispatcher, mesh, signaling) = {
        let mut inner = inner.borrow_mut();
        inner.stopped = true;
        inner.start_timeout = None;
        (
            inner.dispatcher.clone(),
            inner.mesh.take(),
            inner.signaling.take(),
        )
    };
    if let Some(mesh) = mesh {
        mesh.close_all();
    }
    drop(signaling);
    dispatcher.dispatch(Action::E2eeFatal(message));
}

/// The worker is ready: build the mesh and join the room.
fn connect(inner_rc: &Rc<RefCell<SessionInner>>) {
    let weak = Rc::downgrade(inner_rc);
    let (e2ee, local, dispatcher, room, display_name) = {
        let inner = inner_rc.borrow();
        if inner.stopped || inner.signaling.is_some() {
            return;
        }
        let Some(e2ee) = inner.e2ee.clone() else {
            return;
        };
        (
            e2ee,
            inner.local.clone(),
            inner.dispatcher.clone(),
            inner.invite.room_id().clone(),
            inner.display_name.clone(),
        )
    };

    let send_signal = {
        let weak = weak.clone();
        let dispatcher = dispatcher.clone();
        Callback::from(move |(to, payload)| {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let inner = inner.borrow();
            if let Some(signaling) = inner.signaling.as_ref() {
                if let Err(error) = signaling.send(&ClientMessage::Signal { to, payload }) {
                    dispatcher.dispatch(Action::MeetingError(error.to_string()));
                }
            }
        })
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
        let mesh = mesh.clone();
        let dispatcher = dispatcher.clone();
        Callback::from(move |message| on_server_message(&mesh, &dispatcher, message))
    };
    let on_close = {
        let weak = weak.clone();
        let dispatcher = dispatcher.clone();
        Callback::from(move |close: crate::services::signaling::CloseInfo| {
            if let Some(inner) = weak.upgrade() {
                let mesh = inner.borrow_mut().mesh.take();
                if let Some(mesh) = mesh {
                    mesh.close_all();
                }
            }
            dispatcher.dispatch(Action::Disconnected(close.reason));
        })
    };
    match SignalingConnection::connect(&room, display_name, on_message, on_close, mesh_error) {
        Ok(signaling) => {
            let mut inner = inner_rc.borrow_mut();
            inner.mesh = Some(mesh);
            inner.signaling = Some(signaling);
        }
        Err(error) => dispatcher.dispatch(Action::Disconnected(error.to_string())),
    }
}

fn on_server_message(
    mesh: &Mesh,
    dispatcher: &UseReducerDispatcher<AppState>,
    message: ServerMessage,
) {
    match message {
        ServerMessage::Joined {
            you, participants, ..
        } => {
            let others: Vec<_> = participants
                .iter()
                .map(|p| p.id)
                .filter(|id| *id != you)
                .collect();
            dispatcher.dispatch(Action::Joined { you, participants });
            // The newcomer offers to everyone already here.
            for id in others {
                mesh.call(id);
            }
        }
        ServerMessage::ParticipantJoined { participant } => {
            dispatcher.dispatch(Action::ParticipantJoined(participant));
        }
        ServerMessage::ParticipantLeft { id } => {
            mesh.hang_up(id);
            dispatcher.dispatch(Action::ParticipantLeft(id));
        }
        ServerMessage::Signal { from, payload } => mesh.handle_signal(from, payload),
        ServerMessage::Error { message, .. } => {
            dispatcher.dispatch(Action::MeetingError(format!("The server said: {message}")));
        }
    }
}
