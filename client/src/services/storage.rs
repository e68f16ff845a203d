//! Remembered preferences in `localStorage` (only the display name; never a key).

use gloo::storage::{LocalStorage, Storage};

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
