//! The page's side of Conclave's code guard (issue 15): `/integrity.js` keeps the guard's
//! status in `window.conclaveIntegrity.status` and fires `conclave-integrity` on `window`
//! (its `detail` is the status) whenever it changes (docs/RELEASES.md, "What the page is
//! told"). This edge only turns those JavaScript values into JSON text for
//! [`parse_status`]; and it writes the guard's dates in the interface's language.

use gloo::events::EventListener;
use wasm_bindgen::JsValue;

use crate::build_integrity::{parse_status, BuildIntegrity, StatusError};
use crate::i18n::Language;

/// The event `/integrity.js` fires on `window` when the status changes.
const STATUS_EVENT: &str = "conclave-integrity";

/// The status as the page holds it now. `None`: not known yet (no `/integrity.js`, or it
/// has no answer from the service worker yet).
pub fn current_status() -> Option<BuildIntegrity> {
    let window = web_sys::window()?;
    let guard = js_sys::Reflect::get(&window, &JsValue::from_str("conclaveIntegrity")).ok()?;
    if guard.is_undefined() || guard.is_null() {
        return None;
    }
    let status = js_sys::Reflect::get(&guard, &JsValue::from_str("status")).ok()?;
    read_status(&status)
}

/// Calls `on_change` with each new status. The listener lives as long as the returned
/// value.
pub fn on_status_change(
    on_change: impl Fn(Option<BuildIntegrity>) + 'static,
) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, STATUS_EVENT, move |event| {
        let detail =
            js_sys::Reflect::get(event, &JsValue::from_str("detail")).unwrap_or(JsValue::UNDEFINED);
        on_change(read_status(&detail))
    }))
}

/// `status` read into types. One the app cannot read claims nothing
/// ([`BuildIntegrity::unreadable`]), and says why in the console.
fn read_status(status: &JsValue) -> Option<BuildIntegrity> {
    if status.is_undefined() || status.is_null() {
        return None;
    }
    let parsed = js_sys::JSON::stringify(status)
        .ok()
        .and_then(|json| json.as_string())
        .ok_or(StatusError::NotAnObject)
        .and_then(|json| parse_status(&json));
    match parsed {
        Ok(status) => status,
        Err(error) => {
            gloo::console::warn!(format!("Conclave: {error}"));
            Some(BuildIntegrity::unreadable(&error))
        }
    }
}

/// The moment `ms` (since 1970) as a date and time in `language` ("3 December 2025 at
/// 09:31"), in the browser's time zone.
pub fn format_date(ms: f64, language: Language) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let options = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(language.code(), &options).into()
}
