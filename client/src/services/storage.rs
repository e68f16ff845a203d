//! Remembered preferences in `localStorage` (the display name and the language; never a
//! key). A browser that blocks storage (private mode, site settings) only means nothing is
//! remembered: every call here tolerates it.

use crate::i18n::Language;

const DISPLAY_NAME_KEY: &str = "conclave.displayName";
const LANGUAGE_KEY: &str = "conclave.language";

/// The page's `localStorage`, if the browser lets the page have it (reading the property
/// throws when storage is blocked).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; failure (blocked storage, quota) only means it is not kept.
fn write(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// The display name typed last time, or an empty string.
pub fn remembered_display_name() -> String {
    read(DISPLAY_NAME_KEY)
        .and_then(|stored| serde_json::from_str::<String>(&stored).ok())
        .unwrap_or_default()
}

/// Remembers the display name for the next visit.
pub fn remember_display_name(name: &str) {
    if let Ok(json) = serde_json::to_string(name) {
        write(DISPLAY_NAME_KEY, &json);
    }
}

/// The language picked in the switcher last time, if any.
pub fn chosen_language() -> Option<Language> {
    let stored = read(LANGUAGE_KEY)?;
    let code = serde_json::from_str::<String>(&stored).ok()?;
    Language::from_tag(&code)
}

/// Remembers the language picked in the switcher.
pub fn remember_language(language: Language) {
    if let Ok(json) = serde_json::to_string(language.code()) {
        write(LANGUAGE_KEY, &json);
    }
}
