//! Credentials for the server's room API, on a server that lets only invited organisers
//! create meetings (`[room_creation]` on the server, see docs/ADMIN.md):
//! - the organiser's creation credential, which the operator's portal puts in a link's
//!   fragment (`https://host/#create=TOKEN`: browsers never send a fragment to a server,
//!   so it stays out of server and proxy logs). The home page takes it out of the address
//!   bar (so it is neither bookmarked nor shared by mistake) and keeps it in this tab's
//!   `sessionStorage`, from where `POST /api/rooms` sends it as `Authorization: Bearer`;
//! - each room's hold token, which the server hands every member in `joined` and which
//!   lets the room be held again after a server restart (`PUT /api/rooms/{id}`).
//!
//! `sessionStorage` ends with the tab, so neither outlives the organiser's session. A
//! browser that blocks storage only means the credential is not kept.

use conclave_protocol::{HoldToken, RoomId};

const CREATION_KEY: &str = "conclave.roomCreation";
const HOLD_TOKEN_PREFIX: &str = "conclave.holdToken.";

/// Longest credential accepted from a link, in bytes (the server reads no more).
const MAX_CREDENTIAL_BYTES: usize = 4096;

/// The creation credential in a fragment `#create=TOKEN` (with or without its `#`;
/// other `&`-separated parameters are ignored), if it is one an HTTP header can carry.
pub fn creation_credential_in_fragment(fragment: &str) -> Option<&str> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let credential = fragment
        .split('&')
        .find_map(|parameter| parameter.strip_prefix("create="))?;
    let usable = !credential.is_empty()
        && credential.len() <= MAX_CREDENTIAL_BYTES
        && credential.bytes().all(|b| b.is_ascii_graphic());
    usable.then_some(credential)
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// If the address bar holds `#create=TOKEN`, keeps the token for this tab and removes the
/// fragment from the address bar (and its history entry).
pub fn adopt_creation_link() {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let fragment = location.hash().unwrap_or_default();
    if !fragment.contains("create=") {
        return;
    }
    if let (Some(credential), Some(storage)) = (
        creation_credential_in_fragment(&fragment),
        session_storage(),
    ) {
        // Blocked storage only means the organiser must open the link again.
        let _ = storage.set_item(CREATION_KEY, credential);
    }
    let path = location.pathname().unwrap_or_else(|_| "/".to_owned());
    super::navigation::replace(&path);
}

/// The organiser's creation credential kept for this tab, if any.
pub fn creation_credential() -> Option<String> {
    session_storage()?.get_item(CREATION_KEY).ok().flatten()
}

/// Keeps `token`, the hold token of `room`, for this tab.
pub fn remember_hold_token(room: &RoomId, token: &HoldToken) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(&format!("{HOLD_TOKEN_PREFIX}{room}"), &token.0);
    }
}

/// What `PUT /api/rooms/{room}` carries: the room's hold token, else the creation
/// credential, else nothing (an open server needs none).
pub fn hold_credential(room: &RoomId) -> Option<String> {
    session_storage()
        .and_then(|storage| {
            storage
                .get_item(&format!("{HOLD_TOKEN_PREFIX}{room}"))
                .ok()
                .flatten()
        })
        .or_else(creation_credential)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fragment_gives_the_credential_only_when_it_is_usable() {
        assert_eq!(
            creation_credential_in_fragment("#create=eyJh.eyJl.c2ln"),
            Some("eyJh.eyJl.c2ln")
        );
        assert_eq!(
            creation_credential_in_fragment("lang=de&create=abc"),
            Some("abc")
        );
        assert_eq!(creation_credential_in_fragment("#create="), None);
        assert_eq!(creation_credential_in_fragment("#secret"), None);
        assert_eq!(creation_credential_in_fragment("#create=a b"), None);
        assert_eq!(creation_credential_in_fragment("#create=a\r\nX: y"), None);
        let huge = format!("#create={}", "a".repeat(MAX_CREDENTIAL_BYTES + 1));
        assert_eq!(creation_credential_in_fragment(&huge), None);
    }
}
