//! The main-thread side of end-to-end encryption: one transform worker per page, and
//! the encoded transforms that route every sent and received frame through it.
//!
//! Contract: docs/ARCHITECTURE.md, "The worker contract", typed in
//! [`crate::worker_protocol`]; this edge turns its messages into JavaScript objects in one
//! place (`js_object`). The page holds a key only on its way to the worker: each MLS
//! epoch's SFrame base key is posted with `useEpochKey` and the page's copies are wiped at
//! once. Until the first epoch key arrives the worker drops every frame. Browser globals
//! (`Worker`, `RTCRtpScriptTransform`) are looked up when called, so test init scripts that
//! wrap them are honoured.

use std::cell::RefCell;
use std::rc::Rc;

use conclave_protocol::{IceServer, IceTransportPolicy, ParticipantId};
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    ErrorEvent, MessageEvent, RtcConfiguration, RtcRtpReceiver, RtcRtpSender, Worker,
    WorkerOptions, WorkerType,
};
use yew::Callback;

use conclave_group::{EpochKeys, FrameSuite};

use super::describe_js_error;
use crate::media_source::{MediaKind, MediaSource};
use crate::worker_protocol::{
    parse_worker_message, Direction, Field, PageToWorker, TransformApi, TransformOptions,
    WorkerToPage, HANDLED_KINDS,
};

/// Where the worker bootstrap is served.
const WORKER_URL: &str = "/e2ee-worker.js";

/// Why encryption could not be set up. Every variant means: do not send media.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum E2eeError {
    /// Neither `RTCRtpScriptTransform` nor `createEncodedStreams` exists.
    #[error("no encoded-transform API (neither RTCRtpScriptTransform nor createEncodedStreams)")]
    Unsupported,
    /// The worker could not be created.
    #[error("the encryption worker could not be started: {0}")]
    Worker(String),
    /// A transform could not be attached to a sender or receiver.
    #[error("encryption could not be attached to a {side} {kind} track: {detail}")]
    Attach {
        /// `send` or `receive`.
        side: &'static str,
        /// `audio` or `video`.
        kind: &'static str,
        /// The browser's error.
        detail: String,
    },
}

fn global(name: &str) -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// The encoded-transform API this browser offers, preferring the standard one.
pub fn detect_transform_api() -> Option<TransformApi> {
    if global("RTCRtpScriptTransform").is_some() {
        return Some(TransformApi::ScriptTransform);
    }
    let prototype = global("RTCRtpSender")
        .and_then(|sender| Reflect::get(&sender, &JsValue::from_str("prototype")).ok())?;
    Reflect::has(
        &prototype.unchecked_into::<Object>(),
        &JsValue::from_str("createEncodedStreams"),
    )
    .ok()
    .filter(|has| *has)
    .map(|_| TransformApi::EncodedStreams)
}

/// The page's transform worker. Dropping it terminates the worker (and with it every
/// transform: frames stop, they are never passed on in clear).
pub struct E2eeWorker {
    worker: Worker,
    api: TransformApi,
    events: Rc<EventSink>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

/// Where the worker's events go: held back until someone listens (a worker started in
/// the lobby reports `ready` before the meeting session exists).
#[derive(Default)]
struct EventSink {
    listener: RefCell<Option<Callback<WorkerToPage>>>,
    held: RefCell<Vec<WorkerToPage>>,
}

impl EventSink {
    fn emit(&self, event: WorkerToPage) {
        let listener = self.listener.borrow().clone();
        match listener {
            Some(listener) => listener.emit(event),
            None => self.held.borrow_mut().push(event),
        }
    }
}

thread_local! {
    /// A worker started ahead of the meeting ([`prestart_worker`]): never given a key,
    /// taken by the meeting session or terminated.
    static PRESTARTED: RefCell<Option<E2eeWorker>> = const { RefCell::new(None) };
}

/// Starts the transform worker ahead of joining (in the lobby), so that joining does not
/// wait for it to load its Wasm. It holds no key until the meeting's MLS group gives it
/// one, and no transform is attached to it before then. Does nothing if one is waiting
/// already or the browser has no encoded-transform API (the session reports that).
pub fn prestart_worker() {
    let Some(api) = detect_transform_api() else {
        return;
    };
    PRESTARTED.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            // A failure here is reported when the session starts a worker itself.
            *slot = E2eeWorker::start_unheard(api).ok();
        }
    });
}

/// Terminates the worker started ahead of joining, if nobody took it.
pub fn discard_prestarted_worker() {
    let discarded = PRESTARTED.with(|slot| slot.borrow_mut().take());
    drop(discarded);
}

impl E2eeWorker {
    /// The worker started ahead of joining, if one is waiting and uses `api`, else a new
    /// one, set to the meeting's frame suite (it drops every frame until
    /// [`E2eeWorker::use_epoch_key`]). `on_event` gets the worker's `ready`,
    /// `receiveStats` and `fatal` messages (a worker script that fails to load, or a
    /// suite it refuses, is reported as `fatal` too), the ones sent before this call
    /// included; none is delivered inside this call.
    pub fn start(
        api: TransformApi,
        frame_suite: FrameSuite,
        on_event: Callback<WorkerToPage>,
    ) -> Result<Self, E2eeError> {
        let prestarted = PRESTARTED
            .with(|slot| slot.borrow_mut().take())
            .filter(|worker| worker.api == api);
        let worker = match prestarted {
            Some(worker) => worker,
            None => Self::start_unheard(api)?,
        };
        // Before any key: the worker applies messages in order once its module is loaded.
        worker.post_suite(frame_suite)?;
        worker.deliver_events_to(on_event);
        Ok(worker)
    }

    fn post_suite(&self, frame_suite: FrameSuite) -> Result<(), E2eeError> {
        self.post(&PageToWorker::UseSuite(frame_suite))
    }

    /// Posts `message`; the page's copies of any key material in it are wiped once it is
    /// posted (`postMessage` copied them) or failed.
    fn post(&self, message: &PageToWorker<'_>) -> Result<(), E2eeError> {
        let (object, secrets) = js_object(&message.fields())?;
        let posted = self
            .worker
            .post_message(&object)
            .map_err(|e| E2eeError::Worker(describe_js_error(&e)));
        wipe(&secrets);
        posted
    }

    /// Starts a worker whose events are held until [`E2eeWorker::deliver_events_to`].
    fn start_unheard(api: TransformApi) -> Result<Self, E2eeError> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_URL, &options)
            .map_err(|e| E2eeError::Worker(describe_js_error(&e)))?;

        let events = Rc::new(EventSink::default());
        let on_message = {
            let events = Rc::clone(&events);
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Some(parsed) = read_worker_message(&event.data()) {
                    events.emit(parsed);
                }
            })
        };
        let on_error = {
            let events = Rc::clone(&events);
            Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                event.prevent_default();
                let detail = event.message();
                events.emit(WorkerToPage::Fatal {
                    message: if detail.is_empty() {
                        "the encryption worker failed to load".to_owned()
                    } else {
                        format!("the encryption worker failed: {detail}")
                    },
                });
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            api,
            events,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// From the next microtask on, sends the held events and every later one to
    /// `on_event`, in order (never re-entrantly, inside the caller).
    fn deliver_events_to(&self, on_event: Callback<WorkerToPage>) {
        let events = Rc::clone(&self.events);
        wasm_bindgen_futures::spawn_local(async move {
            let held = std::mem::take(&mut *events.held.borrow_mut());
            *events.listener.borrow_mut() = Some(on_event.clone());
            for event in held {
                on_event.emit(event);
            }
        });
    }

    /// Hands the worker a new epoch's SFrame base key (RFC 9605 section 5.2): it sends
    /// under it at once, as sender `own_leaf_index`, and derives every member's
    /// receive keys from it.
    pub fn use_epoch_key(&self, keys: &EpochKeys) -> Result<(), E2eeError> {
        // `post` wipes the page's JavaScript copy; the Rust copy is zeroized when `keys`
        // drops.
        self.post(&PageToWorker::UseEpochKey(keys))
    }

    /// Mesh: the receivers of `participant`'s peer connection accept frames only from MLS
    /// leaf `sender_index` (the leaf of the member whose credential names `participant`);
    /// `None`: no member, every frame is refused.
    pub fn expect_sender(
        &self,
        participant: ParticipantId,
        sender_index: Option<u32>,
    ) -> Result<(), E2eeError> {
        self.post(&PageToWorker::ExpectSender {
            participant,
            sender_index,
        })
    }

    /// SFU: the member at MLS leaf `sender_index` left the group; feeds bound to it are
    /// unbound, and their next binding is reported as [`WorkerToPage::FeedBound`].
    pub fn sender_left(&self, sender_index: u32) -> Result<(), E2eeError> {
        self.post(&PageToWorker::SenderLeft { sender_index })
    }

    /// The transform API in use.
    pub fn api(&self) -> TransformApi {
        self.api
    }

    /// A peer connection configuration for this API: the ICE servers and the transport
    /// policy the signaling server gave, and `encodedInsertableStreams` when the fallback
    /// API is used.
    pub fn peer_connection_config(
        &self,
        ice_servers: &[IceServer],
        transport_policy: IceTransportPolicy,
    ) -> Result<RtcConfiguration, E2eeError> {
        let config = RtcConfiguration::new();
        let servers = Array::new();
        for server in ice_servers {
            let entry = Object::new();
            let urls: Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
            set(&entry, "urls", &urls)?;
            if let Some(username) = &server.username {
                set(&entry, "username", &JsValue::from_str(username))?;
            }
            if let Some(credential) = &server.credential {
                set(&entry, "credential", &JsValue::from_str(credential))?;
            }
            servers.push(&entry);
        }
        set(&config, "iceServers", &servers)?;
        let policy = match transport_policy {
            IceTransportPolicy::All => "all",
            // Only TURN relays: no one else learns this device's addresses.
            IceTransportPolicy::Relay => "relay",
        };
        set(&config, "iceTransportPolicy", &JsValue::from_str(policy))?;
        if self.api == TransformApi::EncodedStreams {
            set(&config, "encodedInsertableStreams", &JsValue::TRUE)?;
        }
        Ok(config)
    }

    /// Routes everything `sender` sends (to a peer, or to the SFU) through the worker's
    /// encryption. Must run before the offer or answer is created.
    pub fn protect_sender(&self, sender: &RtcRtpSender, kind: MediaKind) -> Result<(), E2eeError> {
        let options = TransformOptions {
            direction: Direction::Send,
            kind,
        };
        self.attach(sender, &options)
    }

    /// Routes everything `receiver` gets from `source` through the worker's decryption.
    /// Call it in `ontrack`, synchronously.
    pub fn protect_receiver(
        &self,
        receiver: &RtcRtpReceiver,
        source: MediaSource,
        kind: MediaKind,
    ) -> Result<(), E2eeError> {
        let options = TransformOptions {
            direction: Direction::Receive(source),
            kind,
        };
        self.attach(receiver, &options)
    }

    fn attach(&self, target: &JsValue, options: &TransformOptions) -> Result<(), E2eeError> {
        let failed = |error: JsValue| E2eeError::Attach {
            side: options.direction.side(),
            kind: options.kind.as_str(),
            detail: describe_js_error(&error),
        };
        match self.api {
            TransformApi::ScriptTransform => {
                let (options, _) = js_object(&options.fields())?;
                let constructor: Function = global("RTCRtpScriptTransform")
                    .ok_or(E2eeError::Unsupported)?
                    .dyn_into()
                    .map_err(failed)?;
                let transform =
                    Reflect::construct(&constructor, &Array::of2(&self.worker, &options))
                        .map_err(failed)?;
                Reflect::set(target, &JsValue::from_str("transform"), &transform)
                    .map_err(failed)?;
            }
            TransformApi::EncodedStreams => {
                let create: Function =
                    Reflect::get(target, &JsValue::from_str("createEncodedStreams"))
                        .map_err(failed)?
                        .dyn_into()
                        .map_err(failed)?;
                let streams = create.call0(target).map_err(failed)?;
                let readable =
                    Reflect::get(&streams, &JsValue::from_str("readable")).map_err(failed)?;
                let writable =
                    Reflect::get(&streams, &JsValue::from_str("writable")).map_err(failed)?;
                // The streams are no data of the contract: added here, and transferred.
                let (message, _) = js_object(&PageToWorker::AttachStreams(options).fields())?;
                set(&message, "readable", &readable)?;
                set(&message, "writable", &writable)?;
                self.worker
                    .post_message_with_transfer(&message, &Array::of2(&readable, &writable))
                    .map_err(failed)?;
            }
        }
        Ok(())
    }
}

impl Drop for E2eeWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// The one place a message to the worker (or a transform's options) becomes a JavaScript
/// object. Returns it with the `Uint8Array`s of its key material, which the caller wipes
/// (`wipe`) once the object is posted.
fn js_object(fields: &[(&'static str, Field<'_>)]) -> Result<(Object, Vec<Uint8Array>), E2eeError> {
    let object = Object::new();
    let mut secrets = Vec::new();
    for (name, value) in fields {
        let value = match value {
            Field::Text(text) => JsValue::from_str(text),
            Field::Number(number) => JsValue::from_f64(*number),
            Field::Null => JsValue::NULL,
            Field::Secret(bytes) => {
                let array = Uint8Array::from(*bytes);
                secrets.push(array.clone());
                array.into()
            }
        };
        if let Err(error) = set(&object, name, &value) {
            wipe(&secrets);
            return Err(error);
        }
    }
    Ok((object, secrets))
}

/// Zeroes the page's JavaScript copies of key material.
fn wipe(secrets: &[Uint8Array]) {
    for secret in secrets {
        secret.fill(0, 0, secret.length());
    }
}

fn set(target: &JsValue, key: &str, value: &JsValue) -> Result<(), E2eeError> {
    Reflect::set(target, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|e| E2eeError::Worker(describe_js_error(&e)))
}

/// Reads a worker message if it is one the page acts on; unknown kinds (for example the
/// test-only `recordings`) are ignored without touching their contents.
fn read_worker_message(data: &JsValue) -> Option<WorkerToPage> {
    let kind = Reflect::get(data, &JsValue::from_str("kind"))
        .ok()?
        .as_string()?;
    if !HANDLED_KINDS.contains(&kind.as_str()) {
        return None;
    }
    let json = js_sys::JSON::stringify(data).ok()?.as_string()?;
    parse_worker_message(&json).ok()
}
