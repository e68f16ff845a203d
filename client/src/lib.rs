//! Conclave's browser app: a Yew single-page app for end-to-end encrypted meetings.
//!
//! Layout: pure logic at the top level ([`invite`], [`decryption_status`],
//! [`worker_protocol`], [`build_integrity`], [`media_source`], [`codec_preferences`], [`roster`],
//! [`security_code`], [`meeting_messages`], [`shortcuts`], [`speech_activity`], [`state`]
//! and the views drawn from it, [`tiles`] and [`announcements`]), tested natively, as are
//! the pure cores beside the browser code they drive (the mesh's
//! [`services::transport::mesh::peering`], the session's [`session::stream_binding`]);
//! browser APIs and the MLS group state machine behind [`services`]; the meeting session
//! that wires them together in [`session`], with the handle components call; UI in
//! [`components`] with custom [`hooks`]; [`app`] is the root. The contracts with the
//! worker and the server are in docs/ARCHITECTURE.md.

pub mod announcements;
pub mod app;
pub mod build_integrity;
pub mod codec_preferences;
pub mod components;
pub mod decryption_status;
pub mod hooks;
pub mod i18n;
pub mod invite;
pub mod media_source;
pub mod meeting_messages;
pub mod notices;
pub mod roster;
pub mod security_code;
pub mod services;
pub mod session;
pub mod shortcuts;
pub mod speech_activity;
pub mod state;
pub mod tiles;
pub mod worker_protocol;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point, run when the wasm module is instantiated: renders [`app::App`] into
/// the element with id `app` if the page has one, else into `<body>`.
#[wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}
