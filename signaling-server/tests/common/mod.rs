//! Shared test fixtures: a real server on `127.0.0.1:0` serving a tiny www dir, a raw
//! HTTP/1.1 client, and a WebSocket participant that waits for messages with timeouts.
#![allow(dead_code)]
// Each test file uses a different part of this module.
// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

pub mod redis_server;

use conclave_protocol::{
    Bytes, ClientMessage, CreatedRoom, ErrorCode, GroupStatus, ParticipantId, ParticipantInfo,
    RoomId, ServerMessage,
};
use conclave_signaling_server::{run, Config};
use futures_util::{SinkExt, StreamExt};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long any single wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// Contents of the test www dir.
pub const INDEX_HTML: &str = "<!doctype html><title>Conclave test</title>";
pub const APP_JS: &str = "console.log('conclave');";
pub const WASM: &[u8] = b"\0asm\x01\0\0\0";

/// A running server; dropping it stops the server.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), conclave_signaling_server::Error>>>,
    _www: TempDir,
}

impl TestServer {
    /// Starts a server with default settings.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `configure` adjusted the defaults.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let www = tempfile::tempdir().unwrap();
        std::fs::write(www.path().join("index.html"), INDEX_HTML).unwrap();
        std::fs::write(www.path().join("app.js"), APP_JS).unwrap();
        std::fs::create_dir(www.path().join("pkg")).unwrap();
        std::fs::write(www.path().join("pkg/client_bg.wasm"), WASM).unwrap();
        let mut config = Config::new(www.path());
        configure(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, config, async {
            let _ = stop.await;
        }));
        Self {
            addr,
            shutdown: Some(shutdown),
            task: Some(task),
            _www: www,
        }
    }

    /// Asks the server to shut down and waits until `run` returns.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(WAIT, task)
                .await
                .expect("server stops in time")
                .unwrap()
                .unwrap();
        }
    }

    /// `POST /api/rooms`, expecting 201.
    pub async fn create_room(&self) -> RoomId {
        let response = http(self.addr, "POST", "/api/rooms").await;
        assert_eq!(response.status, 201, "{response:?}");
        let created: CreatedRoom = serde_json::from_slice(&response.body).unwrap();
        created.room_id
    }

    /// Opens a WebSocket to `/ws/{room}` (any text, so malformed ids can be tried).
    pub async fn connect(&self, room: &str) -> Participant {
        let url = format!("ws://{}/ws/{room}", self.addr);
        let (socket, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
            .await
            .expect("connects in time")
            .unwrap();
        Participant { socket }
    }

    /// Connects and joins; returns the participant, its id and who was there. `_who`
    /// only names the participant for the reader: `join` carries no name.
    pub async fn join(
        &self,
        room: &RoomId,
        _who: &str,
    ) -> (Participant, ParticipantId, Vec<ParticipantInfo>) {
        let mut participant = self.connect(room.as_str()).await;
        participant.send(&ClientMessage::join()).await;
        match participant.recv().await {
            ServerMessage::Joined {
                you, participants, ..
            } => (participant, you, participants),
            other => panic!("expected joined, got {other:?}"),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Opaque test bytes standing in for an MLS message.
pub fn bytes(text: &str) -> Bytes {
    Bytes(text.as_bytes().to_vec())
}

impl TestServer {
    /// Connects and joins; returns the participant, its id and the group as `joined`
    /// reported it. `_who` only names the participant for the reader.
    pub async fn join_seeing_group(
        &self,
        room: &RoomId,
        _who: &str,
    ) -> (Participant, ParticipantId, GroupStatus) {
        let mut participant = self.connect(room.as_str()).await;
        participant.send(&ClientMessage::join()).await;
        match participant.recv().await {
            ServerMessage::Joined { you, group, .. } => (participant, you, group),
            other => panic!("expected joined, got {other:?}"),
        }
    }
}

/// One WebSocket client.
pub struct Participant {
    pub socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How a connection ended, as the client saw it.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed {
    pub code: u16,
    pub reason: String,
}

impl Participant {
    pub async fn send(&mut self, message: &ClientMessage) {
        self.send_text(&serde_json::to_string(message).unwrap())
            .await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket.send(Message::text(text)).await.unwrap();
    }

    /// The next text frame as the server wrote it (pings and pongs skipped); fails on
    /// close or timeout.
    pub async fn recv_text(&mut self) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .expect("a message arrives in time")
                .expect("the connection is still open")
                .unwrap();
            match frame {
                Message::Text(text) => return text.as_str().to_owned(),
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("expected a text message, got {other:?}"),
            }
        }
    }

    /// The next protocol message (pings and pongs skipped); fails on close or timeout.
    pub async fn recv(&mut self) -> ServerMessage {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .expect("a message arrives in time")
                .expect("the connection is still open")
                .unwrap();
            match frame {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("expected a text message, got {other:?}"),
            }
        }
    }

    /// The next message, or `None` once the server closed the connection (or it broke).
    pub async fn recv_or_close(&mut self) -> Option<ServerMessage> {
        loop {
            match self.socket.next().await? {
                Ok(Message::Text(text)) => return serde_json::from_str(text.as_str()).ok(),
                Ok(Message::Ping(_) | Message::Pong(_)) => {}
                Ok(_) | Err(_) => return None,
            }
        }
    }

    /// The next message that is not `participant_joined` or `participant_left`.
    pub async fn recv_skipping_presence(&mut self) -> ServerMessage {
        loop {
            match self.recv().await {
                ServerMessage::ParticipantJoined { .. } | ServerMessage::ParticipantLeft { .. } => {
                }
                other => return other,
            }
        }
    }

    /// Like [`Self::expect_nothing_pending`], but presence messages may come first.
    pub async fn expect_no_handshake_pending(&mut self) {
        self.send_text("probe").await;
        match self.recv_skipping_presence().await {
            ServerMessage::Error {
                code: ErrorCode::MalformedMessage,
                ..
            } => {}
            other => panic!("expected nothing more, got {other:?}"),
        }
    }

    /// The next message, which must be an error with `code`.
    pub async fn expect_error(&mut self, code: ErrorCode) {
        match self.recv().await {
            ServerMessage::Error { code: got, .. } => assert_eq!(got, code),
            other => panic!("expected error {code:?}, got {other:?}"),
        }
    }

    /// Reads until the server's close frame; fails if a text message comes first.
    pub async fn expect_close(&mut self) -> Closed {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .expect("the close arrives in time");
            match frame {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return Closed {
                        code: u16::from(frame.code),
                        reason: frame.reason.to_string(),
                    }
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    }

    /// Proves nothing else is queued for this client: sends a probe that the server
    /// answers with an error, and checks that the answer is the very next message.
    pub async fn expect_nothing_pending(&mut self) {
        self.send_text("probe").await;
        self.expect_error(ErrorCode::MalformedMessage).await;
    }
}

/// A close code as a number.
pub fn code(close: CloseCode) -> u16 {
    u16::from(close)
}

/// A raw HTTP/1.1 response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request with `Connection: close` and reads the whole response.
pub async fn http(addr: SocketAddr, method: &str, path: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    read_response(stream).await
}

/// Sends one request with `headers` (name, value) and `Connection: close`; reads the whole
/// response.
pub async fn http_with_headers(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("Content-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    read_response(stream).await
}

/// Sends one request with a JSON body and `Connection: close`; reads the whole response.
pub async fn http_json(addr: SocketAddr, method: &str, path: &str, json: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    read_response(stream).await
}

async fn read_response(mut stream: TcpStream) -> HttpResponse {
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut raw))
        .await
        .expect("the response arrives in time")
        .unwrap();
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete header block");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = decode_chunked(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn decode_chunked(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&raw[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// A `commit` made in `epoch` that adds `added` (with a Welcome when it adds anyone) and
/// removes `removed`; its bytes name the epoch, so tests can tell commits apart.
pub fn commit(epoch: u64, added: &[ParticipantId], removed: &[ParticipantId]) -> ClientMessage {
    ClientMessage::Commit {
        epoch,
        commit: bytes(&format!("commit in epoch {epoch}")),
        welcome: (!added.is_empty()).then(|| bytes(&format!("welcome to epoch {}", epoch + 1))),
        added: added.to_vec(),
        removed: removed.to_vec(),
        expelled: Vec::new(),
    }
}

/// The `commit` broadcast of [`commit`], as the server relays it.
pub fn relayed_commit(
    from: ParticipantId,
    epoch: u64,
    added: &[ParticipantId],
    removed: &[ParticipantId],
) -> ServerMessage {
    ServerMessage::Commit {
        from,
        epoch,
        commit: bytes(&format!("commit in epoch {epoch}")),
        added: added.to_vec(),
        removed: removed.to_vec(),
        expelled: Vec::new(),
    }
}

/// The `welcome` of [`commit`] made in `epoch`, as the server routes it.
pub fn routed_welcome(from: ParticipantId, epoch: u64) -> ServerMessage {
    ServerMessage::Welcome {
        from,
        epoch: epoch + 1,
        welcome: bytes(&format!("welcome to epoch {}", epoch + 1)),
    }
}

/// A `publish_key_package` whose bytes name `who`.
pub fn key_package(who: &str) -> ClientMessage {
    ClientMessage::PublishKeyPackage {
        key_package: bytes(&format!("key package of {who}")),
        invite_proof: bytes(&format!("proof of {who}")),
    }
}

/// `participant` starts the room's group; it sees `group_started` naming itself.
pub async fn start_group(participant: &mut Participant, id: ParticipantId) {
    participant.send(&ClientMessage::StartGroup).await;
    assert_eq!(
        participant.recv_skipping_presence().await,
        ServerMessage::GroupStarted { by: id }
    );
}
