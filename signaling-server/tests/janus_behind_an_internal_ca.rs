//! Scenario: Janus serves `wss://` with a certificate from the organisation's own CA
//! (internal PKI), which no public root vouches for. With the CA in `janus.ca_file` the
//! server reaches it; without it, or when the server at that address shows a certificate
//! from another CA (an impostor), the TLS handshake fails, the impostor never receives a
//! request (so never the VideoRoom admin key nor a room's pin), participants are told
//! `sfu_unavailable`, and the server's log says why.
//!
//! The Janus here is a stand-in on 127.0.0.1: a TLS listener (tokio-rustls) with a
//! WebSocket (tokio-tungstenite) that answers just enough of the Janus API (`create`,
//! `attach`, VideoRoom `create`/`destroy`, keepalives). Certificates are made by the test
//! (rcgen).
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::{Participant, TestServer, WAIT};
use conclave_protocol::{ClientMessage, ErrorCode, ServerMessage};
use conclave_signaling_server::config::{CaBundle, JanusConfig, JanusTrust, MediaConfig, Secret};
use futures_util::{SinkExt, StreamExt};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

const ADMIN_KEY: &str = "internal-ca-test-admin-key";

/// A certificate authority made for one test.
struct TestCa {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let pem = params.self_signed(&key).unwrap().pem();
        Self {
            pem,
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for 127.0.0.1, and its key.
    fn server_certificate(&self) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (cert.der().clone(), key)
    }

    /// The CA as a bundle file in `dir`, read as the server reads `janus.ca_file`.
    fn bundle(&self, dir: &Path) -> CaBundle {
        let path = dir.join("internal-ca.pem");
        std::fs::write(&path, &self.pem).unwrap();
        CaBundle::read("janus.ca_file", &path).unwrap()
    }
}

/// What the stand-in Janus saw.
#[derive(Debug)]
enum Seen {
    /// A TLS handshake failed (the client refused the certificate).
    TlsFailed(String),
    /// A Janus request (`create`, `attach`, `videoroom create`...).
    Request(String),
}

/// A stand-in Janus on `wss://127.0.0.1:PORT`.
struct FakeJanus {
    url: String,
    seen: mpsc::UnboundedReceiver<Seen>,
}

impl FakeJanus {
    async fn start(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(tls));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("wss://{}", listener.local_addr().unwrap());
        let (tell, seen) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                let acceptor = acceptor.clone();
                let tell = tell.clone();
                tokio::spawn(async move {
                    match acceptor.accept(tcp).await {
                        Ok(tls) => serve_janus(tls, tell).await,
                        Err(error) => {
                            let _ = tell.send(Seen::TlsFailed(error.to_string()));
                        }
                    }
                });
            }
        });
        Self { url, seen }
    }

    /// The next thing seen, within [`WAIT`].
    async fn next(&mut self) -> Seen {
        tokio::time::timeout(WAIT, self.seen.recv())
            .await
            .expect("the stand-in Janus sees something in time")
            .unwrap()
    }

    /// Everything seen so far, without waiting.
    fn seen_so_far(&mut self) -> Vec<Seen> {
        let mut seen = Vec::new();
        while let Ok(one) = self.seen.try_recv() {
            seen.push(one);
        }
        seen
    }
}

/// Answers Janus requests on one connection until it closes.
async fn serve_janus<S>(stream: S, tell: mpsc::UnboundedSender<Seen>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    // The callback's error type is tungstenite's (large); this one never fails.
    #[allow(clippy::result_large_err)]
    let with_subprotocol = |_: &Request, mut response: Response| {
        response.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("janus-protocol"),
        );
        Ok(response)
    };
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, with_subprotocol).await else {
        return;
    };
    while let Some(Ok(frame)) = socket.next().await {
        let Message::Text(text) = frame else { continue };
        let request: Value = serde_json::from_str(text.as_str()).unwrap();
        let transaction = request["transaction"].clone();
        let answer = match request["janus"].as_str().unwrap_or_default() {
            "create" => json!({"janus": "success", "data": {"id": 11}}),
            "attach" => json!({"janus": "success", "data": {"id": 22}}),
            "keepalive" => json!({"janus": "ack"}),
            "message" => {
                let body = &request["body"];
                let verb = body["request"].as_str().unwrap_or_default();
                let _ = tell.send(Seen::Request(format!("videoroom {verb}")));
                let data = match verb {
                    "create" => {
                        assert_eq!(body["admin_key"], ADMIN_KEY);
                        json!({"videoroom": "created", "room": body["room"]})
                    }
                    "destroy" => json!({"videoroom": "destroyed", "room": body["room"]}),
                    _ => json!({"videoroom": "event"}),
                };
                json!({"janus": "success", "plugindata": {"plugin": "janus.plugin.videoroom", "data": data}})
            }
            other => json!({"janus": "error", "error": {"code": 458, "reason": other}}),
        };
        if request["janus"] != "message" {
            let verb = request["janus"].as_str().unwrap_or_default().to_owned();
            let _ = tell.send(Seen::Request(verb));
        }
        let mut answer = answer;
        answer["transaction"] = transaction;
        if socket
            .send(Message::text(answer.to_string()))
            .await
            .is_err()
        {
            return;
        }
    }
}

/// The server's log, kept for the tests to read (one subscriber for this test binary).
fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let writer = log.clone();
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::WARN)
            .with_writer(move || LogWriter(writer.clone()))
            .init();
        log
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first log line about `url` that says the server could not reach it.
async fn why_unreachable(url: &str) -> String {
    let log = log();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
        if let Some(line) = text
            .lines()
            .find(|line| line.contains("cannot reach Janus") && line.contains(url))
        {
            return line.to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no log line about {url}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn server_trusting(url: &str, trust: JanusTrust) -> TestServer {
    let _ = log();
    let url = url.to_owned();
    TestServer::start_with(move |config| {
        config.media = MediaConfig::Janus(JanusConfig {
            url,
            api_secret: None,
            admin_key: Some(Secret::new(ADMIN_KEY)),
            trust,
        });
    })
    .await
}

/// Joins a fresh room and returns the participant and the first message after `joined`.
async fn join(server: &TestServer) -> (Participant, ServerMessage) {
    let room = server.create_room().await;
    let mut participant = server.connect(room.as_str()).await;
    participant.send(&ClientMessage::join()).await;
    match participant.recv().await {
        ServerMessage::Joined { .. } => {}
        other => panic!("expected joined, got {other:?}"),
    }
    let next = participant.recv_skipping_presence().await;
    (participant, next)
}

#[tokio::test]
async fn the_internal_ca_bundle_lets_the_server_reach_janus() {
    let dir = tempfile::tempdir().unwrap();
    let internal = TestCa::new("Conclave test internal CA");
    let (cert, key) = internal.server_certificate();
    let mut janus = FakeJanus::start(cert, key).await;
    for trust in [
        JanusTrust::PublicRootsAnd(internal.bundle(dir.path())),
        JanusTrust::OnlyBundle(internal.bundle(dir.path())),
    ] {
        let server = server_trusting(&janus.url, trust).await;
        let (_participant, next) = join(&server).await;
        assert!(
            matches!(next, ServerMessage::SfuRoomReady { .. }),
            "expected sfu_room_ready, got {next:?}"
        );
        let mut requests = Vec::new();
        while !requests.iter().any(|r| r == "videoroom create") {
            match janus.next().await {
                Seen::Request(request) => requests.push(request),
                Seen::TlsFailed(error) => panic!("the server refused the internal CA: {error}"),
            }
        }
        assert_eq!(requests[..2], ["create", "attach"]);
        server.stop().await;
        // The room's destruction at shutdown, before the next server connects.
        tokio::time::sleep(Duration::from_millis(100)).await;
        janus.seen_so_far();
    }
}

#[tokio::test]
async fn without_the_bundle_the_internal_janus_is_refused() {
    let internal = TestCa::new("Conclave test internal CA");
    let (cert, key) = internal.server_certificate();
    let mut janus = FakeJanus::start(cert, key).await;
    let server = server_trusting(&janus.url, JanusTrust::PublicRoots).await;
    let (_participant, next) = join(&server).await;
    assert!(
        matches!(
            next,
            ServerMessage::Error {
                code: ErrorCode::SfuUnavailable,
                ..
            }
        ),
        "expected sfu_unavailable, got {next:?}"
    );
    match janus.next().await {
        Seen::TlsFailed(_) => {}
        Seen::Request(request) => panic!("an unverified Janus got {request}"),
    }
    let line = why_unreachable(&janus.url).await;
    assert!(
        line.contains("invalid peer certificate") && line.contains("UnknownIssuer"),
        "the log does not say why: {line}"
    );
}

/// ATTACK: someone who controls the network (or the name) puts up a Janus of their own
/// with a certificate from another CA, hoping for the admin key and the rooms' pins.
#[tokio::test]
async fn a_janus_certified_by_another_ca_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let internal = TestCa::new("Conclave test internal CA");
    let other = TestCa::new("Some other CA");
    let (cert, key) = other.server_certificate();
    let mut impostor = FakeJanus::start(cert, key).await;
    for trust in [
        JanusTrust::PublicRootsAnd(internal.bundle(dir.path())),
        JanusTrust::OnlyBundle(internal.bundle(dir.path())),
    ] {
        let server = server_trusting(&impostor.url, trust).await;
        let (_participant, next) = join(&server).await;
        assert!(
            matches!(
                next,
                ServerMessage::Error {
                    code: ErrorCode::SfuUnavailable,
                    ..
                }
            ),
            "expected sfu_unavailable, got {next:?}"
        );
        match impostor.next().await {
            Seen::TlsFailed(_) => {}
            Seen::Request(request) => panic!("the impostor got {request}"),
        }
        server.stop().await;
        let requests: Vec<Seen> = impostor
            .seen_so_far()
            .into_iter()
            .filter(|seen| matches!(seen, Seen::Request(_)))
            .collect();
        assert!(requests.is_empty(), "the impostor got {requests:?}");
    }
    let line = why_unreachable(&impostor.url).await;
    assert!(
        line.contains("invalid peer certificate") && line.contains("UnknownIssuer"),
        "the log does not say why: {line}"
    );
}
