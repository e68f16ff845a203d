//! Scenario: a browser loads the app. The shell comes back at `/`, `/m/{id}` and `/enroll`,
//! assets with the right MIME types, and every response with the security headers.

mod common;

use common::{http, TestServer, APP_JS, INDEX_HTML, WASM};
use conclave_protocol::CreatedRoom;

/// The base policy: this tree has no release manifest, whose policy would add the import
/// map's hash (the e2e suite's `conclave-verify` test checks that one).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; \
worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; frame-src 'none'; \
form-action 'none'";

fn assert_security_headers(response: &common::HttpResponse) {
    assert_eq!(response.header("content-security-policy"), Some(CSP));
    assert_eq!(response.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        response.header("permissions-policy"),
        Some("camera=(self), microphone=(self), display-capture=(self)")
    );
}

#[tokio::test]
async fn the_shell_is_served_at_root_and_meeting_links_uncached() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    for path in [
        "/".to_owned(),
        format!("/m/{room}"),
        "/m/whatever-the-client-checks".to_owned(),
        // An organisation's enrollment link (`/enroll#org=<pin>`: the fragment stays in
        // the browser).
        "/enroll".to_owned(),
        "/enroll/".to_owned(),
    ] {
        let response = http(server.addr, "GET", &path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.body, INDEX_HTML.as_bytes(), "{path}");
        assert!(response
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(response.header("cache-control"), Some("no-store"), "{path}");
        assert_security_headers(&response);
    }
}

#[tokio::test]
async fn assets_have_the_right_mime_types() {
    let server = TestServer::start().await;
    let js = http(server.addr, "GET", "/app.js").await;
    assert_eq!(js.status, 200);
    assert_eq!(js.body, APP_JS.as_bytes());
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(js.header("cache-control"), Some("no-cache"));
    assert_security_headers(&js);

    let wasm = http(server.addr, "GET", "/pkg/client_bg.wasm").await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.body, WASM);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
}

#[tokio::test]
async fn missing_files_and_escapes_are_not_found() {
    let server = TestServer::start().await;
    for path in [
        "/nope.js",
        "/../Cargo.toml",
        "/pkg/../../etc/passwd",
        "/%2e%2e/etc/passwd",
    ] {
        let response = http(server.addr, "GET", path).await;
        assert!(
            response.status == 404 || response.status == 400,
            "{path}: {}",
            response.status
        );
        assert_security_headers(&response);
    }
}

#[tokio::test]
async fn livez_answers_ok_and_healthz_says_ready() {
    let server = TestServer::start().await;
    let response = http(server.addr, "GET", "/livez").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"ok");
    assert_security_headers(&response);
    let response = http(server.addr, "GET", "/healthz").await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.body,
        br#"{"status":"ready","checks":{"sfu":"not_used","redis":"not_used"}}"#
    );
    assert_security_headers(&response);
}

#[tokio::test]
async fn creating_a_room_returns_a_fresh_id() {
    let server = TestServer::start().await;
    let response = http(server.addr, "POST", "/api/rooms").await;
    assert_eq!(response.status, 201);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let created: CreatedRoom = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(created.room_id.as_str().len(), 22);
    assert_ne!(server.create_room().await, created.room_id);
    let get = http(server.addr, "GET", "/api/rooms").await;
    assert_eq!(get.status, 405, "rooms are created by POST only");
}
