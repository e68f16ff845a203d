//! Scenario: SFU mode against a real, unmodified Janus (Debian package `janus`), started by
//! `e2e-tests/scripts/start-janus.sh` with ICE on `lo` and its WebSocket on 127.0.0.1, so
//! nothing leaves this machine. The test speaks the Janus API itself to check what the
//! server made: the room exists, needs the pin, refuses media without end-to-end
//! encryption, goes when the last participant leaves or a member ends the meeting, loses
//! an expelled participant's publisher, and comes back after Janus restarts.
//!
//! Without `/usr/bin/janus` these tests fail (they never skip): install it with
//! `apt-get install janus` or `cargo xtask setup`.
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::{Participant, TestServer};
use conclave_protocol::{
    ClientMessage, ErrorCode, MediaMode, ParticipantId, ServerMessage, SfuAccess,
};
use conclave_signaling_server::config::{JanusConfig, MediaConfig, Secret};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const JANUS: &str = "/usr/bin/janus";
/// Janus needs about a second to start; a restart plus the server's backoff fits easily.
const JANUS_START: Duration = Duration::from_secs(15);

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
            "{JANUS} is missing: these tests need a real Janus. Install it with \
             `apt-get install janus` (or `cargo xtask setup` as root)."
        );
        let dir = tempfile::tempdir().unwrap();
        let port = free_port().await;
        let child = spawn_janus(&dir, port).await;
        Self { dir, port, child }
    }

    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// Kills Janus (as a crash would) and starts it again on the same port.
    async fn restart(&mut self) {
        self.child.kill().await.unwrap();
        self.child = spawn_janus(&self.dir, self.port).await;
    }
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

fn start_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../e2e-tests/scripts/start-janus.sh")
}

/// Starts Janus and waits until its WebSocket port accepts connections.
/// The VideoRoom admin key the test's Janus requires to create rooms; only the server has it.
const ADMIN_KEY: &str = "test-videoroom-admin-key";

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

async fn janus_server(janus: &JanusProcess) -> TestServer {
    let url = janus.url();
    TestServer::start_with(move |config| {
        config.media = MediaConfig::Janus(JanusConfig {
            url,
            api_secret: None,
            admin_key: Some(Secret::new(ADMIN_KEY)),
            trust: Default::default(),
        });
    })
    .await
}

/// The test's own Janus API client: one session, one VideoRoom handle per `attach`.
struct JanusClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    session: u64,
    next: u64,
}

impl JanusClient {
    async fn connect(url: &str) -> Self {
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("janus-protocol"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut client = Self {
            socket,
            session: 0,
            next: 0,
        };
        let created = client.call(json!({"janus": "create"})).await;
        client.session = created["data"]["id"].as_u64().unwrap();
        client
    }

    /// Sends `message` and returns the first non-`ack` answer with its transaction.
    async fn call(&mut self, mut message: Value) -> Value {
        self.next += 1;
        let transaction = format!("test-{}", self.next);
        message["transaction"] = json!(transaction);
        if self.session != 0 {
            message["session_id"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
        loop {
            let frame = tokio::time::timeout(common::WAIT, self.socket.next())
                .await
                .expect("Janus answers in time")
                .expect("Janus keeps the connection")
                .unwrap();
            let Message::Text(text) = frame else { continue };
            let answer: Value = serde_json::from_str(text.as_str()).unwrap();
            if answer["transaction"] == transaction.as_str() && answer["janus"] != "ack" {
                return answer;
            }
        }
    }

    async fn attach(&mut self) -> u64 {
        let attached = self
            .call(json!({"janus": "attach", "plugin": "janus.plugin.videoroom"}))
            .await;
        attached["data"]["id"].as_u64().unwrap()
    }

    /// A VideoRoom request on `handle`, with an optional JSEP; returns the plugin data.
    async fn videoroom(&mut self, handle: u64, body: Value, jsep: Option<Value>) -> Value {
        let mut message = json!({"janus": "message", "handle_id": handle, "body": body});
        if let Some(jsep) = jsep {
            message["jsep"] = jsep;
        }
        let answer = self.call(message).await;
        answer["plugindata"]["data"].clone()
    }

    async fn room_exists(&mut self, room: u64) -> bool {
        let handle = self.attach().await;
        let data = self
            .videoroom(handle, json!({"request": "exists", "room": room}), None)
            .await;
        data["exists"].as_bool().unwrap()
    }
}

/// A minimal WebRTC audio offer, enough for Janus to judge it.
fn audio_offer() -> String {
    [
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 0.0.0.0",
        "a=ice-ufrag:abcd",
        "a=ice-pwd:abcdefghijklmnopqrstuvwx",
        "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
        "a=setup:actpass",
        "a=mid:0",
        "a=sendonly",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
        "a=ssrc:1111 cname:test",
        "",
    ]
    .join("\r\n")
}

/// The next message, which must be `sfu_room_ready`; returns its Janus room and pin.
async fn expect_sfu_room_ready(participant: &mut Participant) -> (SfuAccess, u64, String) {
    match participant.recv_skipping_presence().await {
        ServerMessage::SfuRoomReady { access } => {
            let SfuAccess::Janus { room, ref pin, .. } = access;
            let pin = pin.clone();
            (access, room, pin)
        }
        other => panic!("expected sfu_room_ready, got {other:?}"),
    }
}

async fn join_janus_room(
    server: &TestServer,
    room: &conclave_protocol::RoomId,
    _who: &str,
) -> Participant {
    let mut participant = server.connect(room.as_str()).await;
    participant.send(&ClientMessage::join()).await;
    match participant.recv().await {
        ServerMessage::Joined { media_mode, .. } => assert_eq!(media_mode, MediaMode::Janus),
        other => panic!("expected joined, got {other:?}"),
    }
    participant
}

#[tokio::test]
async fn a_meeting_gets_a_pin_protected_e2ee_room_on_janus_until_the_last_leaves() {
    let janus = JanusProcess::start().await;
    let server = janus_server(&janus).await;
    let room = server.create_room().await;

    let mut ada = join_janus_room(&server, &room, "Ada").await;
    let (access, number, pin) = expect_sfu_room_ready(&mut ada).await;
    let SfuAccess::Janus {
        url, api_secret, ..
    } = &access;
    assert_eq!(url, &janus.url());
    assert_eq!(*api_secret, None);
    assert!((1..1u64 << 53).contains(&number));
    assert_eq!(pin.len(), 22, "128 bits of base64url");

    let mut client = JanusClient::connect(&janus.url()).await;
    assert!(
        client.room_exists(number).await,
        "the server created the room"
    );

    let intruder = client.attach().await;
    let refused = client
        .videoroom(
            intruder,
            json!({"request": "join", "ptype": "publisher", "room": number, "pin": "wrong"}),
            None,
        )
        .await;
    assert_eq!(
        refused["error_code"], 433,
        "a wrong pin is refused: {refused}"
    );
    let no_pin = client
        .videoroom(
            intruder,
            json!({"request": "join", "ptype": "publisher", "room": number}),
            None,
        )
        .await;
    assert!(
        no_pin["error_code"].is_number(),
        "no pin is refused: {no_pin}"
    );

    // Participants hold the pin, not the admin key: they cannot make rooms of their own.
    let creator = client.attach().await;
    let unauthorized = client
        .videoroom(creator, json!({"request": "create", "room": 42}), None)
        .await;
    assert!(
        unauthorized["error_code"].is_number(),
        "creating a room without the admin key is refused: {unauthorized}"
    );
    assert!(!client.room_exists(42).await);

    let clear_publisher = client.attach().await;
    let body =
        json!({"request": "joinandconfigure", "ptype": "publisher", "room": number, "pin": pin});
    let refused = client
        .videoroom(
            clear_publisher,
            body.clone(),
            Some(json!({"type": "offer", "sdp": audio_offer()})),
        )
        .await;
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|error| error.contains("end-to-end")),
        "media without e2ee is refused: {refused}"
    );
    let e2ee_publisher = client.attach().await;
    let joined = client
        .videoroom(
            e2ee_publisher,
            body,
            Some(json!({"type": "offer", "sdp": audio_offer(), "e2ee": true})),
        )
        .await;
    assert_eq!(
        joined["videoroom"], "joined",
        "e2ee media with the pin is accepted: {joined}"
    );

    let mut bob = join_janus_room(&server, &room, "Bob").await;
    let (bob_access, _, _) = expect_sfu_room_ready(&mut bob).await;
    assert_eq!(bob_access, access, "everyone gets the same room and pin");

    ada.send(&ClientMessage::Leave).await;
    bob.send(&ClientMessage::Leave).await;
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while client.room_exists(number).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the room was not destroyed after the last participant left"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}

#[tokio::test]
async fn ending_the_meeting_destroys_the_janus_room_while_people_are_still_in_it() {
    let janus = JanusProcess::start().await;
    let server = janus_server(&janus).await;
    let room = server.create_room().await;
    let mut ada = join_janus_room(&server, &room, "Ada").await;
    let (_, number, pin) = expect_sfu_room_ready(&mut ada).await;
    let mut bob = join_janus_room(&server, &room, "Bob").await;
    expect_sfu_room_ready(&mut bob).await;
    // Someone holds a place in the Janus room with the pin, as a browser does.
    let mut client = JanusClient::connect(&janus.url()).await;
    let publisher = client.attach().await;
    let joined = client
        .videoroom(
            publisher,
            json!({"request": "join", "ptype": "publisher", "room": number, "pin": pin}),
            None,
        )
        .await;
    assert_eq!(joined["videoroom"], "joined", "{joined}");

    ada.send(&ClientMessage::StartGroup).await;
    ada.send(&ClientMessage::EndMeeting).await;
    for participant in [&mut ada, &mut bob] {
        loop {
            match participant.recv_skipping_presence().await {
                ServerMessage::MeetingEnded => break,
                ServerMessage::GroupStarted { .. } => {}
                other => panic!("expected meeting_ended, got {other:?}"),
            }
        }
        let closed = participant.expect_close().await;
        assert_eq!(closed.code, conclave_protocol::close_code::MEETING_ENDED);
    }
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while client.room_exists(number).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Janus room was not destroyed when the meeting ended"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}

/// The `display`s of the publishers in a Janus room, as `listparticipants` says.
async fn janus_displays(client: &mut JanusClient, number: u64) -> Vec<String> {
    let handle = client.attach().await;
    let data = client
        .videoroom(
            handle,
            json!({"request": "listparticipants", "room": number}),
            None,
        )
        .await;
    let mut displays: Vec<String> = data["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["display"].as_str().map(str::to_owned))
        .collect();
    displays.sort();
    displays
}

#[tokio::test]
async fn an_expelled_participants_janus_publisher_is_kicked() {
    let janus = JanusProcess::start().await;
    let server = janus_server(&janus).await;
    let room = server.create_room().await;
    let mut ada = join_janus_room(&server, &room, "Ada").await;
    let (_, number, pin) = expect_sfu_room_ready(&mut ada).await;
    let mut bob = join_janus_room(&server, &room, "Bob").await;
    expect_sfu_room_ready(&mut bob).await;
    let (ada_id, bob_id) = (ParticipantId(1), ParticipantId(2));
    // Each browser joins the Janus room with its signaling id as `display`.
    let mut client = JanusClient::connect(&janus.url()).await;
    for id in [ada_id, bob_id] {
        let handle = client.attach().await;
        let joined = client
            .videoroom(
                handle,
                json!({"request": "join", "ptype": "publisher", "room": number, "pin": pin,
                       "display": id.to_string()}),
                None,
            )
            .await;
        assert_eq!(joined["videoroom"], "joined", "{joined}");
    }
    assert_eq!(janus_displays(&mut client, number).await, ["1", "2"]);

    ada.send(&ClientMessage::StartGroup).await;
    ada.send(&common::commit(0, &[bob_id], &[])).await;
    ada.send(&ClientMessage::Commit {
        epoch: 1,
        commit: common::bytes("remove bob"),
        welcome: None,
        added: vec![],
        removed: vec![bob_id],
        expelled: vec![bob_id],
    })
    .await;
    let closed = loop {
        match bob.recv_skipping_presence().await {
            ServerMessage::Commit { expelled, .. } if expelled == vec![bob_id] => {
                break bob.expect_close().await;
            }
            ServerMessage::GroupStarted { .. } | ServerMessage::Welcome { .. } => {}
            other => panic!("expected the commit expelling Bob, got {other:?}"),
        }
    };
    assert_eq!(closed.code, conclave_protocol::close_code::REMOVED);
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while janus_displays(&mut client, number).await != ["1"] {
        assert!(
            tokio::time::Instant::now() < deadline,
            "Bob's publisher was not kicked off the Janus room"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}

#[tokio::test]
async fn a_janus_restart_recreates_the_same_room_and_tells_the_participants() {
    let mut janus = JanusProcess::start().await;
    let server = janus_server(&janus).await;
    let room = server.create_room().await;
    let mut ada = join_janus_room(&server, &room, "Ada").await;
    let (access, number, _) = expect_sfu_room_ready(&mut ada).await;
    let mut bob = join_janus_room(&server, &room, "Bob").await;
    expect_sfu_room_ready(&mut bob).await;

    janus.restart().await;

    for participant in [&mut ada, &mut bob] {
        let again = loop {
            match participant.recv_skipping_presence().await {
                ServerMessage::SfuRoomReady { access } => break access,
                ServerMessage::Error {
                    code: ErrorCode::SfuUnavailable,
                    ..
                } => {}
                other => panic!("expected sfu_room_ready again, got {other:?}"),
            }
        };
        assert_eq!(again, access, "the same room number and pin");
    }
    let mut client = JanusClient::connect(&janus.url()).await;
    assert!(client.room_exists(number).await, "the room exists again");
    server.stop().await;
}
