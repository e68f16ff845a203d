//! Scenario: a load balancer probes a server configured with Janus. While Janus cannot be
//! reached, `/healthz` answers 503 and says the SFU is down, yet `/livez` answers 200 (the
//! process must not be restarted for someone else's outage); once Janus answers, `/healthz`
//! turns 200; when Janus goes away again, 503 again. `/metrics` shows the same in
//! `conclave_sfu_up` and counts the requests to Janus.
//!
//! The Janus here is a stand-in on 127.0.0.1 (a WebSocket that answers `create`, `attach`,
//! VideoRoom `create` and `destroy`, and keepalives), started on the port the server was given after the server started.
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{http, TestServer, WAIT};
use conclave_protocol::ServerMessage;
use conclave_signaling_server::config::{JanusConfig, JanusTrust, MediaConfig};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

/// A stand-in Janus on `listener`; aborting the task drops every connection.
fn stand_in_janus(listener: TcpListener) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut connections = JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            connections.spawn(async move {
                // The callback's type is tungstenite's, large error included.
                #[allow(clippy::result_large_err)]
                let with_subprotocol = |_: &Request, mut response: Response| {
                    response.headers_mut().insert(
                        "Sec-WebSocket-Protocol",
                        HeaderValue::from_static("janus-protocol"),
                    );
                    Ok(response)
                };
                let Ok(mut socket) =
                    tokio_tungstenite::accept_hdr_async(stream, with_subprotocol).await
                else {
                    return;
                };
                while let Some(Ok(Message::Text(text))) = socket.next().await {
                    let request: Value = serde_json::from_str(text.as_str()).unwrap();
                    let transaction = request["transaction"].clone();
                    let answer = match request["janus"].as_str() {
                        Some("create") | Some("attach") => {
                            json!({"janus": "success", "transaction": transaction, "data": {"id": 7}})
                        }
                        Some("message") => {
                            let data = match request["body"]["request"].as_str() {
                                Some("create") => json!({"videoroom": "created"}),
                                _ => json!({"videoroom": "destroyed"}),
                            };
                            json!({"janus": "success", "transaction": transaction,
                                   "plugindata": {"plugin": "janus.plugin.videoroom", "data": data}})
                        }
                        _ => json!({"janus": "ack", "transaction": transaction}),
                    };
                    if socket.send(Message::text(answer.to_string())).await.is_err() {
                        return;
                    }
                }
            });
        }
    })
}

/// `GET path`: status and body.
async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let response = http(addr, "GET", path).await;
    (response.status, String::from_utf8(response.body).unwrap())
}

/// Probes `/healthz` until it answers `status`; returns its JSON body.
async fn healthz_until(addr: SocketAddr, status: u16) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (got, body) = get(addr, "/healthz").await;
        if got == status {
            return serde_json::from_str(&body).unwrap();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/healthz still {got} {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn readiness_is_503_while_janus_is_unreachable_and_200_while_it_answers() {
    // A port with nothing behind it (yet).
    let janus_addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let server = TestServer::start_with(|config| {
        config.media = MediaConfig::Janus(JanusConfig {
            url: format!("ws://{janus_addr}/"),
            api_secret: None,
            admin_key: None,
            trust: JanusTrust::default(),
        });
    })
    .await;

    let down = healthz_until(server.addr, 503).await;
    assert_eq!(
        down,
        json!({"status": "not_ready", "checks": {"sfu": "down", "redis": "not_used"}})
    );
    assert_eq!(get(server.addr, "/livez").await, (200, "ok".to_owned()));
    let (_, metrics) = get(server.addr, "/metrics").await;
    assert!(
        metrics.lines().any(|l| l == "conclave_sfu_up 0"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "conclave_sfu_requests_total{request=\"connect\",outcome=\"connection_failed\"}"
        ),
        "{metrics}"
    );

    let janus = stand_in_janus(TcpListener::bind(janus_addr).await.unwrap());
    let up = healthz_until(server.addr, 200).await;
    assert_eq!(
        up,
        json!({"status": "ready", "checks": {"sfu": "up", "redis": "not_used"}})
    );
    // A meeting's first join makes its Janus room: one timed VideoRoom request.
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::SfuRoomReady { .. }
    ));
    let (_, metrics) = get(server.addr, "/metrics").await;
    assert!(
        metrics.lines().any(|l| l == "conclave_sfu_up 1"),
        "{metrics}"
    );
    for line in [
        "conclave_sfu_requests_total{request=\"connect\",outcome=\"ok\"} 1",
        "conclave_sfu_requests_total{request=\"create\",outcome=\"ok\"} 1",
        "conclave_sfu_requests_total{request=\"attach\",outcome=\"ok\"} 1",
        "conclave_sfu_request_duration_seconds_count{request=\"attach\"} 1",
        "conclave_sfu_requests_total{request=\"videoroom create\",outcome=\"ok\"} 1",
        "conclave_sfu_request_duration_seconds_count{request=\"videoroom create\"} 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "no {line:?} in:\n{metrics}"
        );
    }

    // Janus goes away: not ready again, still alive.
    janus.abort();
    let down = healthz_until(server.addr, 503).await;
    assert_eq!(down["checks"]["sfu"], "down");
    assert_eq!(get(server.addr, "/livez").await.0, 200);
}

#[tokio::test]
async fn a_mesh_server_is_ready_without_an_sfu() {
    let server = TestServer::start().await;
    let (status, body) = get(server.addr, "/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"status": "ready", "checks": {"sfu": "not_used", "redis": "not_used"}})
    );
    assert_eq!(get(server.addr, "/livez").await, (200, "ok".to_owned()));
}
