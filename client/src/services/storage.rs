//! Remembered preferences in `localStorage` (the display name and the language; never a
//! key).

use gloo::storage::{LocalStorage, Storage};

use crate::i18n::Language;

const DISPLAY_NAME_KEY: &str = "conclave.displayName";

/// The display name typed last time, or an empty string.
pub fn remembered_display_name() -> String {
    LocalStorage::get::<String>(DISPLAY_NAME_KEY).unwrap_or_default()
}

/// Remembers the display name for the next visit. Failure (private mode, quota) only
/// means the name is not remembered.
pub fn remember_display_name(name: &str) {
    let _ = LocalStorage::set(DISPLAY_NAME_KEY, name);
}

const LANGUAGE_KEY: &str = "conclave.language";

/// The language picked in the switcher last time, if any.
pub fn chosen_language() -> Option<Language> {
    LocalStorage::get::<String>(LANGUAGE_KEY)
        .ok()
        .and_then(|code| Language::from_tag(&code))
}

/// Remembers the language picked in the switcher (failure only means it is not).
pub fn remember_language(language: Language) {
    let _ = LocalStorage::set(LANGUAGE_KEY, language.code());
}
