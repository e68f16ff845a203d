//! Browser APIs behind small, typed services, and the MLS group state machine at the
//! page's edge ([`key_agreement`]). Components and hooks call these; none of them
//! renders anything.

pub mod audio_levels;
pub mod audio_meter;
pub mod clipboard;
pub mod e2ee;
pub mod file_transfer;
pub mod idb;
pub mod identity_store;
pub mod integrity;
pub mod key_agreement;
pub mod locale;
pub mod media;
pub mod navigation;
pub mod organisations;
pub mod room_credentials;
pub mod rooms;
pub mod secure_random;
pub mod signaling;
pub mod sound;
pub mod storage;
#[cfg(feature = "test-hooks")]
pub mod test_hooks;
pub mod transport;

use wasm_bindgen::{JsCast, JsValue};

/// A readable description of a JavaScript exception or rejection value.
pub fn describe_js_error(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        let name = String::from(error.name());
        let message = String::from(error.message());
        if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        }
    } else if let Some(text) = value.as_string() {
        text
    } else {
        "unknown error".to_owned()
    }
}

/// The `name` of a JavaScript exception (`NotAllowedError`...), if it has one.
pub fn js_error_name(value: &JsValue) -> Option<String> {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.name()))
}

/// Milliseconds since page load (`performance.now()`), the clock of the reducer.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("performance")).ok())
        .and_then(|perf| {
            let now = js_sys::Reflect::get(&perf, &JsValue::from_str("now")).ok()?;
            let now: js_sys::Function = now.dyn_into().ok()?;
            now.call0(&perf).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// Resolves after `ms` milliseconds.
pub async fn sleep_ms(ms: u32) {
    let (done, waited) = futures_channel::oneshot::channel::<()>();
    // Dropping a `Timeout` cancels it: keep it until it fired.
    let _timeout = gloo::timers::callback::Timeout::new(ms, move || {
        let _ = done.send(());
    });
    let _ = waited.await;
}

/// The local time of day as `HH:MM` (chat entries show it).
pub fn local_time_label() -> String {
    let date = js_sys::Date::new_0();
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
