//! Test builds only (cargo feature `test-hooks`; the e2e suite's bundle): behaviour the
//! Playwright suite switches on from the page, to show what a removed member can and
//! cannot decrypt. A release build has none of this code.
//!
//! `window.__conclaveTestHooks = { keepPeerConnections: true }` (set before the app
//! runs) makes the meeting keep peer connections open when the server says a
//! participant left, and makes "Leave" close only the signaling connection, keeping
//! this page's peer connections and worker alive.
//!
//! `window.__conclaveTestHooks.videoCodec = 'VP8' | 'VP9' | 'H264' | 'AV1'` makes the
//! meeting negotiate that video codec instead of VP8.
//!
//! In a meeting the app sets `window.__conclaveTestHooks.rogueCommit(kind, name)`: this
//! page, as a rogue member, commits what the chair policy forbids it
//! (`conclave_group::RogueCommit`): `'add'` the knocking participant whose credential says
//! `name`, `'remove'` the member whose credential says `name`, `'promote'` itself to chair,
//! `'expel'` nothing, while telling the server (and signing) that it expels `name`.
//! It returns false if there is no such person or no meeting.
//!
//! In Janus mode the app sets `window.__conclaveTestHooks.chooseSubstream(layer)`: it asks
//! Janus for simulcast layer `layer` (0 lowest, 2 highest) of every video it forwards here.

use std::any::Any;
use std::cell::RefCell;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

thread_local! {
    /// What a left meeting kept alive (peer connections, the worker), never dropped.
    static KEPT: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Whether `window.__conclaveTestHooks.keepPeerConnections === true`.
pub fn keep_peer_connections() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    Reflect::get(&window, &JsValue::from_str("__conclaveTestHooks"))
        .ok()
        .filter(|hooks| hooks.is_object())
        .and_then(|hooks| Reflect::get(&hooks, &JsValue::from_str("keepPeerConnections")).ok())
        .is_some_and(|value| value == JsValue::TRUE)
}

/// The video codec `window.__conclaveTestHooks.videoCodec` names, if any.
pub fn video_codec() -> Option<crate::codec_preferences::VideoCodec> {
    let window = web_sys::window()?;
    let hooks = Reflect::get(&window, &JsValue::from_str("__conclaveTestHooks"))
        .ok()
        .filter(|hooks| hooks.is_object())?;
    let name = Reflect::get(&hooks, &JsValue::from_str("videoCodec"))
        .ok()?
        .as_string()?;
    crate::codec_preferences::VideoCodec::from_name(&name)
}

/// Publishes `choose(layer)` as `window.__conclaveTestHooks.chooseSubstream`.
pub fn expose_substream_choice(choose: impl Fn(u8) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(hooks) = Reflect::get(&window, &JsValue::from_str("__conclaveTestHooks"))
        .ok()
        .filter(|hooks| hooks.is_object())
    else {
        return;
    };
    let function = wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |layer: JsValue| {
        if let Some(layer) = layer.as_f64().filter(|l| (0.0..=2.0).contains(l)) {
            // Checked to be 0, 1 or 2 (fractions truncate).
            choose(layer as u8);
        }
    });
    let _ = Reflect::set(
        &hooks,
        &JsValue::from_str("chooseSubstream"),
        function.as_ref(),
    );
    keep_alive(Box::new(function));
}

/// Publishes `commit(kind, name)` as `window.__conclaveTestHooks.rogueCommit`; `commit`
/// says whether it found the person and the meeting.
pub fn expose_rogue_commit(commit: impl Fn(&str, &str) -> bool + 'static) {
    let Some(hooks) = hooks_object() else {
        return;
    };
    let function = wasm_bindgen::closure::Closure::<dyn Fn(JsValue, JsValue) -> bool>::new(
        move |kind: JsValue, name: JsValue| {
            let kind = kind.as_string().unwrap_or_default();
            let name = name.as_string().unwrap_or_default();
            commit(&kind, &name)
        },
    );
    let _ = Reflect::set(&hooks, &JsValue::from_str("rogueCommit"), function.as_ref());
    keep_alive(Box::new(function));
}

/// `window.__conclaveTestHooks`, if the page set it.
fn hooks_object() -> Option<JsValue> {
    let window = web_sys::window()?;
    Reflect::get(&window, &JsValue::from_str("__conclaveTestHooks"))
        .ok()
        .filter(|hooks| hooks.is_object())
}

/// Keeps `value` alive for the rest of the page's life.
pub fn keep_alive(value: Box<dyn Any>) {
    KEPT.with(|kept| kept.borrow_mut().push(value));
}
