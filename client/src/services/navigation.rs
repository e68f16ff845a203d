//! The address bar: reading the current route and moving with `history.pushState`.

use gloo::events::EventListener;
use wasm_bindgen::JsValue;

use crate::invite::{route_from_location, Route};

/// The route of the current `window.location`.
pub fn current_route() -> Route {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return Route::Home;
    };
    let pathname = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    route_from_location(&pathname, &hash)
}

/// This page's origin, for example `http://127.0.0.1:8080`.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Pushes `url` (path, optionally with a fragment) onto the history.
pub fn push(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        // If pushState fails the page still works; only the address bar lags behind.
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Replaces the current history entry's address with `url` (no navigation, no event):
/// the address bar shows a chair's new invite link.
pub fn replace(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Calls `on_change` whenever the user moves through the history (back/forward).
/// The listener lives as long as the returned value.
pub fn on_history_change(on_change: impl Fn() + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, "popstate", move |_| {
        on_change()
    }))
}
