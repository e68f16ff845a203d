//! Scenario: one client address creates rooms (or opens connections) as fast as it can.
//! Beyond its budget it is answered 429 `rate_limited` with `Retry-After`, and nothing
//! else changes: other addresses still create rooms. Behind a trusted proxy, each client
//! named in `X-Forwarded-For` has its own budget; a client cannot name itself.

// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::IpAddr;

use common::{http, http_with_headers, HttpResponse, TestServer};
use conclave_protocol::{ApiError, ApiErrorCode};
use conclave_signaling_server::rate_limits::Rate;

fn rate(burst: u32, per_minute: u32) -> Rate {
    Rate::new(burst, per_minute).unwrap()
}

/// The response must be 429 `rate_limited` with a `Retry-After` of `seconds`.
fn assert_rate_limited(response: &HttpResponse, seconds: &str) {
    assert_eq!(response.status, 429, "{response:?}");
    let error: ApiError = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(error.code, ApiErrorCode::RateLimited);
    assert_eq!(response.header("retry-after"), Some(seconds));
}

#[tokio::test]
async fn room_creations_beyond_the_budget_are_answered_429() {
    let server = TestServer::start_with(|config| {
        config.limits.room_creations = rate(3, 2);
    })
    .await;
    for _ in 0..3 {
        server.create_room().await;
    }
    let refused = http(server.addr, "POST", "/api/rooms").await;
    // Two a minute: the next one is back in 30 s.
    assert_rate_limited(&refused, "30");
    // Holding a room spends the same budget (no room was made by the refusals).
    let held = http(server.addr, "PUT", "/api/rooms/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_rate_limited(&held, "30");
    // The rest of the server is untouched.
    assert_eq!(http(server.addr, "GET", "/healthz").await.status, 200);
}

#[tokio::test]
async fn websocket_opens_beyond_the_budget_are_answered_429() {
    let server = TestServer::start_with(|config| {
        config.limits.websocket_opens = rate(2, 1);
    })
    .await;
    let room = server.create_room().await;
    let (_ada, _, _) = server.join(&room, "Ada").await;
    let (_bob, _, _) = server.join(&room, "Bob").await;
    let url = format!("ws://{}/ws/{room}", server.addr);
    match tokio_tungstenite::connect_async(url.as_str()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(
                response
                    .headers()
                    .get("retry-after")
                    .and_then(|value| value.to_str().ok()),
                Some("60")
            );
        }
        other => panic!("expected 429, got {other:?}"),
    }
}

#[tokio::test]
async fn a_trusted_proxys_clients_each_have_their_own_budget() {
    let server = TestServer::start_with(|config| {
        config.limits.room_creations = rate(1, 1);
        config.limits.trusted_proxies = vec!["127.0.0.1".parse::<IpAddr>().unwrap()];
    })
    .await;
    let post_from = |client: &'static str| {
        let addr = server.addr;
        async move {
            http_with_headers(addr, "POST", "/api/rooms", &[("X-Forwarded-For", client)]).await
        }
    };
    assert_eq!(post_from("203.0.113.1").await.status, 201);
    assert_rate_limited(&post_from("203.0.113.1").await, "60");
    assert_eq!(post_from("203.0.113.2").await.status, 201);
    // A client's own entries come first; the proxy's last one is believed.
    assert_rate_limited(&post_from("198.51.100.7, 203.0.113.1").await, "60");
    // One IPv6 network is one client.
    assert_eq!(post_from("2001:db8:1:2::1").await.status, 201);
    assert_rate_limited(&post_from("2001:db8:1:2::99").await, "60");
}

#[tokio::test]
async fn an_untrusted_peer_cannot_name_another_client() {
    // No trusted proxy (the default): the header is the client's own words.
    let server = TestServer::start_with(|config| {
        config.limits.room_creations = rate(1, 1);
    })
    .await;
    server.create_room().await;
    let forged = http_with_headers(
        server.addr,
        "POST",
        "/api/rooms",
        &[("X-Forwarded-For", "203.0.113.50")],
    )
    .await;
    assert_rate_limited(&forged, "60");
}
