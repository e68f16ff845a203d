//! The meeting session: worker, identity, MLS group, signaling and the media transport
//! wired together, driven by the server's messages and reporting into the app state.
//!
//! Order matters for E2EE: the worker starts first and this browser's identity is
//! loaded (IndexedDB) meanwhile (both usually in the lobby already, see `app.rs`); only
//! when both are ready does the page connect to the server. Every server message goes to
//! the MLS group ([`KeyAgreement`]) first; each epoch's key goes to the worker before
//! anything else happens. The transport (mesh or Janus, as the server's `joined` says) is
//! made on `joined`. Mesh peer connections exist only with members of the MLS group
//! ([`crate::services::transport::mesh::peering`]); an SFU stream is shown under a
//! member's name only once the worker decrypted it with that member's key
//! ([`stream_binding`]). If encryption is unavailable or fails, the session never joins
//! and tears down whatever it had.
//!
//! - this file: what a session holds, and its start (worker and identity);
//! - `server`: the MLS group and the signaling connection: joining, every server message;
//! - `keys`: what the worker and the group report (epoch keys, frame counters, roster);
//! - `media`: the transport, the streams it delivers and the video it sends;
//! - `messages`: meeting messages (chat, media state, hands, reactions) to and from the
//!   group's members;
//! - [`stream_binding`]: whose an SFU stream is (pure, natively tested);
//! - `teardown`: the one way a session ends, whether left, failed or disconnected;
//! - [`SessionHandle`]: what components ask of the session (leave, share the screen, chat),
//!   provided as a context by the meeting page (`hooks::use_session`).

mod handle;
mod keys;
mod media;
mod messages;
mod server;
pub mod stream_binding;
mod teardown;

pub use handle::{ChatRefusal, SessionHandle};

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use conclave_protocol::ParticipantId;
use gloo::timers::callback::Timeout;
use web_sys::{MediaStream, MediaStreamTrack};
use yew::prelude::*;

use crate::invite::Invite;
use crate::media_source::MediaKind;
use crate::notices::EncryptionFailure;
use crate::roster::GroupView;
use crate::services::e2ee::{detect_transform_api, E2eeWorker};
use crate::services::identity_store::{take_identity, LoadedIdentity, SeenKeys};
use crate::services::key_agreement::KeyAgreement;
use crate::services::organisations::{fetch_organisations_at_join, OrganisationsAtJoin};
use crate::services::signaling::SignalingConnection;
use crate::services::transport::MediaTransport;
use crate::state::{Action, AppState};
use stream_binding::StreamBindings;
use teardown::{end, Ending};

/// How long the worker may take to load before the page gives up, in milliseconds.
const WORKER_START_TIMEOUT_MS: u32 = 20_000;

/// Everything one session holds. The callbacks it hands out hold it weakly: it lives as
/// long as its [`MeetingSession`].
struct SessionInner {
    invite: Invite,
    display_name: String,
    local: Option<MediaStream>,
    dispatcher: UseReducerDispatcher<AppState>,
    e2ee: Option<Rc<E2eeWorker>>,
    worker_ready: bool,
    /// This browser's identity, from load until the group takes it.
    identity: Option<LoadedIdentity>,
    /// The organisations the server lists, from load until the group takes them.
    organisations: Option<OrganisationsAtJoin>,
    seen_keys: Option<SeenKeys>,
    key_agreement: Option<KeyAgreement>,
    /// The group as last reported.
    group: Option<GroupView>,
    /// Made on `joined`, as the server's media mode says.
    transport: Option<Rc<dyn MediaTransport>>,
    /// The screen being shared, if any.
    screen: Option<MediaStreamTrack>,
    /// SFU streams received, and the member each is bound to by its decrypting key.
    streams: StreamBindings<MediaStream>,
    signaling: Option<SignalingConnection>,
    start_timeout: Option<Timeout>,
    /// The session ended ([`teardown`]): it connects to nothing any more.
    ended: bool,
    /// The worker's running count of newer-epoch frames, per sender and kind.
    newer_epoch_frames: HashMap<(ParticipantId, MediaKind), u64>,
    /// Our id in the server's room, once joined.
    you: Option<ParticipantId>,
    /// Our media state as last set (`MeetingMessage::MediaState`), re-sent in every epoch.
    media_state: Option<conclave_group::MeetingMessage>,
    /// The simulcast layer last asked for (SFU modes), for a transport made after the ask.
    video_layer: Option<u8>,
    /// Who is speaking, from the decrypted audio played here (made with the transport).
    audio_levels: Option<crate::services::audio_levels::AudioLevels>,
    /// Told when the signaling connection is lost (its owner may connect again).
    on_lost: Callback<crate::services::signaling::CloseInfo>,
}

/// One meeting session, from its start until it ends. Cloning gives another reference
/// to the same session.
#[derive(Clone)]
struct MeetingSession {
    inner: Rc<RefCell<SessionInner>>,
}

impl MeetingSession {
    /// Starts the worker (or takes the lobby's) and loads the identity; the session
    /// connects once both are ready. `screen` is the screen being shared already, if any:
    /// sent instead of the camera. `on_lost` hears of a lost signaling connection.
    /// `reconnecting`: an earlier session of this meeting lost its connection, so a worker
    /// that does not start in time is one more lost connection, not a fatal failure.
    fn start(
        invite: Invite,
        display_name: String,
        local: Option<MediaStream>,
        screen: Option<MediaStreamTrack>,
        dispatcher: UseReducerDispatcher<AppState>,
        on_lost: Callback<crate::services::signaling::CloseInfo>,
        reconnecting: bool,
    ) -> Self {
        let inner = Rc::new(RefCell::new(SessionInner {
            invite,
            display_name,
            local,
            dispatcher: dispatcher.clone(),
            e2ee: None,
            worker_ready: false,
            identity: None,
            organisations: None,
            seen_keys: None,
            key_agreement: None,
            group: None,
            transport: None,
            screen,
            streams: StreamBindings::default(),
            signaling: None,
            start_timeout: None,
            ended: false,
            newer_epoch_frames: HashMap::new(),
            you: None,
            media_state: None,
            video_layer: None,
            audio_levels: None,
            on_lost,
        }));
        let session = Self { inner };

        let Some(api) = detect_transform_api() else {
            end(
                &session.inner,
                Ending::EncryptionFailed(EncryptionFailure::Unsupported),
            );
            return session;
        };
        dispatcher.dispatch(Action::E2eeChosen(api));

        let weak = Rc::downgrade(&session.inner);
        let on_event = Callback::from(move |event| keys::on_worker_event(&weak, event));
        let frame_suite = session.inner.borrow().invite.frame_suite();
        match E2eeWorker::start(api, frame_suite, on_event) {
            Ok(worker) => {
                let weak = Rc::downgrade(&session.inner);
                let timeout = Timeout::new(WORKER_START_TIMEOUT_MS, move || {
                    if reconnecting {
                        // Connecting again on a network that is still poor (the worker's
                        // script comes from the server): one more failed attempt, and
                        // the next one follows.
                        if let Some(inner) = weak.upgrade() {
                            end(
                                &inner,
                                Ending::Lost(crate::services::signaling::CloseInfo {
                                    code: 1006,
                                    reason: crate::notices::CloseReason::Lost,
                                }),
                            );
                        }
                        return;
                    }
                    fail(&weak, EncryptionFailure::WorkerSlow);
                });
                let mut inner = session.inner.borrow_mut();
                inner.e2ee = Some(Rc::new(worker));
                inner.start_timeout = Some(timeout);
            }
            Err(error) => {
                end(
                    &session.inner,
                    Ending::EncryptionFailed(EncryptionFailure::WorkerNotStarted(
                        error.to_string(),
                    )),
                );
                return session;
            }
        }

        // The organisations the server lists load beside the identity (one small GET).
        let weak = Rc::downgrade(&session.inner);
        wasm_bindgen_futures::spawn_local(async move {
            let organisations = fetch_organisations_at_join().await;
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().organisations = Some(organisations);
                server::connect(&inner);
            }
        });
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
                        verified_before: loaded.verified_before.clone(),
                    });
                    inner.borrow_mut().identity = Some(loaded);
                    server::connect(&inner);
                }
                Err(error) => fail(&weak, EncryptionFailure::NoIdentity(error.to_string())),
            }
        });
        session
    }

    /// Ends the session (nothing happens if it has ended already).
    fn end(&self, ending: Ending) {
        end(&self.inner, ending);
    }

    /// The local capture it sends, and the screen it sends instead of the camera.
    fn capture(&self) -> (Option<MediaStream>, Option<MediaStreamTrack>) {
        let inner = self.inner.borrow();
        (inner.local.clone(), inner.screen.clone())
    }

    /// Sends `screen` (or the camera again, for `None`) as the outgoing video.
    fn send_screen(&self, screen: Option<MediaStreamTrack>) {
        media::replace_video(&self.inner, screen);
    }

    /// The local stream's tracks may be other devices' now: sends them.
    fn local_tracks_changed(&self) {
        let transport = self.inner.borrow().transport.clone();
        if let Some(transport) = transport {
            for kind in MediaKind::ALL {
                transport.local_track_changed(kind);
            }
        }
    }

    /// SFU modes: receive simulcast layer `layer` of every video.
    fn prefer_video_layer(&self, layer: u8) {
        let transport = {
            let mut inner = self.inner.borrow_mut();
            inner.video_layer = Some(layer);
            inner.transport.clone()
        };
        if let Some(transport) = transport {
            transport.prefer_video_layer(layer);
        }
    }

    /// Seals `message` for the group's members and sends it.
    fn send_message(
        &self,
        message: &conclave_group::MeetingMessage,
    ) -> Result<(), conclave_group::MeetingMessageError> {
        messages::send(&self.inner, message)
    }

    /// Our microphone, camera and hand as they are now (sent if they changed, and in
    /// every new epoch).
    fn set_media_state(&self, state: conclave_group::MeetingMessage) {
        messages::set_media_state(&self.inner, state);
    }
}

/// Encryption failed: the session ends and the page says why.
fn fail(weak: &Weak<RefCell<SessionInner>>, failure: EncryptionFailure) {
    if let Some(inner) = weak.upgrade() {
        end(&inner, Ending::EncryptionFailed(failure));
    }
}

/// Test builds: whether the e2e suite asked to keep peer connections of people who
/// left, and this page's own when it leaves (`services::test_hooks`).
#[cfg(feature = "test-hooks")]
fn keeps_peer_connections() -> bool {
    crate::services::test_hooks::keep_peer_connections()
}

/// Release builds: peer connections are always closed.
#[cfg(not(feature = "test-hooks"))]
fn keeps_peer_connections() -> bool {
    false
}
