//! Scenario: one server, two real Janus processes (Debian package `janus`, started by
//! `e2e-tests/scripts/start-janus.sh` on 127.0.0.1, ICE on `lo`). Meetings are spread over
//! both (the least loaded, the first listed on a tie); killing the Janus that holds a
//! meeting recreates its room on the other one, and the participants get `sfu_room_ready`
//! with the other URL (same number and pin); the killed Janus, back, gets new meetings but
//! none of the moved ones. Readiness stays up while one Janus is; `/metrics` tells each
//! Janus apart by its index; the CSP lets browsers reach both.
//!
//! Without `/usr/bin/janus` this test fails (it never skips): `apt-get install janus`.
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::{Participant, TestServer};
use conclave_protocol::{ClientMessage, ErrorCode, MediaMode, ServerMessage, SfuAccess};
use conclave_signaling_server::config::{JanusConfig, MediaConfig, Secret};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

const JANUS: &str = "/usr/bin/janus";
const JANUS_START: Duration = Duration::from_secs(15);
const ADMIN_KEY: &str = "test-videoroom-admin-key";

/// A Janus process from start-janus.sh; killed when dropped.
struct JanusProcess {
    dir: TempDir,
    port: u16,
    child: Child,
}

impl JanusProcess {
    async fn start() -> Self {
        assert!(
            std::path::Path::new(JANUS).is_file(),
            "{JANUS} is missing: this test needs a real Janus (`apt-get install janus`)"
        );
        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let child = spawn_janus(&dir, port).await;
        Self { dir, port, child }
    }

    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    fn config(&self) -> JanusConfig {
        JanusConfig {
            url: self.url(),
            api_secret: None,
            admin_key: Some(Secret::new(ADMIN_KEY)),
            trust: Default::default(),
        }
    }

    async fn kill(&mut self) {
        self.child.kill().await.unwrap();
    }

    async fn start_again(&mut self) {
        self.child = spawn_janus(&self.dir, self.port).await;
    }

    /// Whether this Janus holds the VideoRoom `number`.
    async fn has_room(&self, number: u64) -> bool {
        let mut request = self.url().into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("janus-protocol"),
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let session = exchange(&mut socket, json!({"janus": "create", "transaction": "s"})).await
            ["data"]["id"]
            .as_u64()
            .unwrap();
        let handle = exchange(
            &mut socket,
            json!({"janus": "attach", "session_id": session, "plugin": "janus.plugin.videoroom", "transaction": "a"}),
        )
        .await["data"]["id"]
            .as_u64()
            .unwrap();
        let exists = exchange(
            &mut socket,
            json!({"janus": "message", "session_id": session, "handle_id": handle,
                   "body": {"request": "exists", "room": number}, "transaction": "e"}),
        )
        .await;
        exists["plugindata"]["data"]["exists"].as_bool().unwrap()
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Sends `message` and returns the first non-`ack` answer with its transaction.
async fn exchange(socket: &mut Socket, message: Value) -> Value {
    let transaction = message["transaction"].clone();
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
    loop {
        let frame = tokio::time::timeout(common::WAIT, socket.next())
            .await
            .expect("Janus answers in time")
            .expect("Janus keeps the connection")
            .unwrap();
        let Message::Text(text) = frame else { continue };
        let answer: Value = serde_json::from_str(text.as_str()).unwrap();
        if answer["transaction"] == transaction && answer["janus"] != "ack" {
            return answer;
        }
    }
}

fn start_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../e2e-tests/scripts/start-janus.sh")
}

async fn spawn_janus(dir: &TempDir, port: u16) -> Child {
    let mut child = Command::new("bash")
        .arg(start_script())
        .arg(dir.path())
        .args(["lo", "127.0.0.1", &port.to_string()])
        .env("JANUS_VIDEOROOM_ADMIN_KEY", ADMIN_KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start-janus.sh runs");
    let deadline = tokio::time::Instant::now() + JANUS_START;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let log = std::fs::read_to_string(dir.path().join("janus.log")).unwrap_or_default();
            panic!("Janus exited at start ({status}); its log:\n{log}");
        }
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return child;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Janus did not listen on port {port} in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls `/metrics` until `conclave_janus_up{janus="INDEX"}` reads `up` for each given.
async fn wait_for_janus_up(server: &TestServer, expected: &[(usize, u8)]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let metrics = common::http(server.addr, "GET", "/metrics").await;
        let text = String::from_utf8(metrics.body).unwrap();
        let all = expected.iter().all(|(index, up)| {
            text.lines()
                .any(|line| line == format!("conclave_janus_up{{janus=\"{index}\"}} {up}"))
        });
        if all {
            assert!(
                !text.contains("127.0.0.1"),
                "metrics name each Janus by index, not by URL"
            );
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "janus_up never read {expected:?}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn join(server: &TestServer, room: &conclave_protocol::RoomId) -> Participant {
    let mut participant = server.connect(room.as_str()).await;
    participant.send(&ClientMessage::join()).await;
    match participant.recv().await {
        ServerMessage::Joined { media_mode, .. } => assert_eq!(media_mode, MediaMode::Janus),
        other => panic!("expected joined, got {other:?}"),
    }
    participant
}

/// The next `sfu_room_ready`'s URL, room number and pin (an `sfu_unavailable` on the way
/// is allowed).
async fn next_room_ready(participant: &mut Participant) -> (String, u64, String) {
    loop {
        match participant.recv_skipping_presence().await {
            ServerMessage::SfuRoomReady {
                access: SfuAccess::Janus { url, room, pin, .. },
            } => return (url, room, pin),
            ServerMessage::Error {
                code: ErrorCode::SfuUnavailable,
                ..
            } => {}
            other => panic!("expected sfu_room_ready, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn meetings_spread_over_two_janus_and_move_when_one_dies() {
    let mut first = JanusProcess::start().await;
    let second = JanusProcess::start().await;
    let (first_config, second_config) = (first.config(), second.config());
    let server = TestServer::start_with(move |config| {
        config.media = MediaConfig::Janus(first_config);
        config.extra_janus = vec![second_config];
    })
    .await;
    wait_for_janus_up(&server, &[(0, 1), (1, 1)]).await;

    let page = common::http(server.addr, "GET", "/").await;
    let policy = page.header("content-security-policy").unwrap();
    assert!(
        policy.contains(&format!(
            "connect-src 'self' {} {};",
            first.url(),
            second.url()
        )),
        "{policy}"
    );

    // Two meetings: one on each Janus.
    let (room_a, room_b) = (server.create_room().await, server.create_room().await);
    let mut ada = join(&server, &room_a).await;
    let (url, number_a, pin_a) = next_room_ready(&mut ada).await;
    assert_eq!(
        url,
        first.url(),
        "the first meeting goes to the first listed"
    );
    let mut bob = join(&server, &room_b).await;
    let (url, number_b, _) = next_room_ready(&mut bob).await;
    assert_eq!(url, second.url(), "the second goes to the least loaded");
    assert!(first.has_room(number_a).await && second.has_room(number_b).await);
    let mut cleo = join(&server, &room_a).await;
    assert_eq!(next_room_ready(&mut cleo).await.0, first.url());

    // The first Janus dies: its meeting is recreated on the second, and everyone in it
    // is sent there, with the same room number and pin.
    first.kill().await;
    for participant in [&mut ada, &mut cleo] {
        let (url, number, pin) = next_room_ready(participant).await;
        assert_eq!(url, second.url());
        assert_eq!((number, &pin), (number_a, &pin_a));
    }
    assert!(
        second.has_room(number_a).await,
        "recreated on the second Janus"
    );
    bob.expect_nothing_pending().await;
    let ready = common::http(server.addr, "GET", "/healthz").await;
    assert_eq!(ready.status, 200, "one Janus up is enough to be ready");
    wait_for_janus_up(&server, &[(0, 0), (1, 1)]).await;

    // It comes back: the moved meeting stays put; a new meeting goes to it (fewest rooms).
    first.start_again().await;
    wait_for_janus_up(&server, &[(0, 1), (1, 1)]).await;
    let room_c = server.create_room().await;
    let mut dora = join(&server, &room_c).await;
    assert_eq!(next_room_ready(&mut dora).await.0, first.url());
    ada.expect_nothing_pending().await;
    assert!(
        !first.has_room(number_a).await,
        "the moved meeting did not move back"
    );

    // The moved meeting ends: its room goes from the Janus that holds it now.
    for participant in [&mut ada, &mut cleo] {
        participant.send(&ClientMessage::Leave).await;
    }
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while second.has_room(number_a).await {
        assert!(tokio::time::Instant::now() < deadline, "not destroyed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}
