//! Scenario: an operator scrapes `GET /metrics` while a meeting runs. The counters move
//! with each join, leave, commit and refusal, and the page names nobody: neither the room
//! id (the invite link's capability) nor anything a participant sent (a display name
//! rides inside a KeyPackage). With `--metrics-listen` the series leave the public port.
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{commit, http, key_package, start_group, TestServer, INDEX_HTML, WAIT};
use conclave_protocol::{
    close_code, ClientMessage, ErrorCode, ParticipantId, ServerMessage, SignalPayload,
};
use conclave_signaling_server::{run_with_metrics_listener, Config};
use futures_util::StreamExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;

/// A name as distinctive as a delegate's, so finding it anywhere cannot be chance.
const DISPLAY_NAME: &str = "Councillor Zyxwvut-Quabbelaar";

/// `GET /metrics` as text, expecting 200.
async fn scrape(addr: std::net::SocketAddr) -> String {
    let response = http(addr, "GET", "/metrics").await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    String::from_utf8(response.body).unwrap()
}

/// Scrapes until `line` appears (connections end asynchronously), then returns the page.
async fn scrape_until(addr: std::net::SocketAddr, line: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = scrape(addr).await;
        if text.lines().any(|l| l == line) {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no line {line:?} in:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn assert_has(text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l == line),
        "no line {line:?} in:\n{text}"
    );
}

#[tokio::test]
async fn counters_follow_a_meeting_and_the_page_names_no_room_and_no_person() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;

    // One commit accepted (Ada adds Bob), one rejected (made in an epoch now past).
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert!(matches!(
        ada.recv_skipping_presence().await,
        ServerMessage::Commit { .. }
    ));
    ada.send(&commit(0, &[], &[])).await;
    assert!(matches!(
        ada.recv_skipping_presence().await,
        ServerMessage::CommitRejected { .. }
    ));

    // One refusal with a protocol code.
    bob.send(&ClientMessage::Signal {
        to: ParticipantId(99),
        payload: SignalPayload::Offer {
            sdp: "v=0".into(),
            signature: common::bytes("signature"),
        },
    })
    .await;
    loop {
        match bob.recv().await {
            ServerMessage::Error { code, .. } => {
                assert_eq!(code, ErrorCode::UnknownParticipant);
                break;
            }
            _ => continue,
        }
    }

    // A newcomer publishes a KeyPackage whose credential carries a display name.
    let (mut cy, _, _) = server.join(&room, DISPLAY_NAME).await;
    cy.send(&key_package(DISPLAY_NAME)).await;
    loop {
        if let ServerMessage::KeyPackage { .. } = ada.recv_skipping_presence().await {
            break;
        }
    }

    // Bob leaves politely; Cy's connection just drops.
    bob.send(&ClientMessage::Leave).await;
    drop(cy);

    scrape_until(server.addr, "conclave_leaves_total{reason=\"closed\"} 1").await;
    // A closed connection holds its slot until its close handshake ends.
    let text = scrape_until(server.addr, "conclave_connections 1").await;
    assert_has(&text, "conclave_joins_total 3");
    assert_has(&text, "conclave_leaves_total{reason=\"left\"} 1");
    assert_has(&text, "conclave_commits_total{outcome=\"accepted\"} 1");
    assert_has(&text, "conclave_commits_total{outcome=\"rejected\"} 1");
    assert_has(
        &text,
        "conclave_rejections_total{code=\"unknown_participant\"} 1",
    );
    assert_has(&text, "conclave_rooms_created_total{via=\"create\"} 1");
    assert_has(&text, "conclave_rooms 1");
    assert_has(&text, "conclave_rooms_limit 10000");
    assert!(text.contains("conclave_build_info{version=\""), "{text}");
    assert!(
        !text.contains("sfu"),
        "a mesh server has no SFU series:\n{text}"
    );

    // The attack: read the page for the meeting and the person.
    assert!(!text.contains(room.as_str()), "the room id leaked:\n{text}");
    for fragment in [
        "Zyxwvut",
        "Quabbelaar",
        "Councillor",
        "key package of",
        "proof of",
    ] {
        assert!(!text.contains(fragment), "{fragment:?} leaked:\n{text}");
    }
    drop(ada);
}

#[tokio::test]
async fn ending_a_meeting_counts_every_participant_as_ended() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (_bob, _, _) = server.join(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    ada.send(&ClientMessage::EndMeeting).await;
    let text = scrape_until(server.addr, "conclave_leaves_total{reason=\"ended\"} 2").await;
    assert_has(&text, "conclave_rooms 0");
}

#[tokio::test]
async fn a_member_a_commit_expels_counts_as_removed() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert!(matches!(
        ada.recv_skipping_presence().await,
        ServerMessage::Commit { .. }
    ));
    let mut expel = commit(1, &[], &[bob_id]);
    if let ClientMessage::Commit { expelled, .. } = &mut expel {
        expelled.push(bob_id);
    }
    ada.send(&expel).await;
    let closed = loop {
        match bob.socket.next().await {
            Some(Ok(Message::Close(Some(frame)))) => break u16::from(frame.code),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(closed, close_code::REMOVED);
    let text = scrape_until(server.addr, "conclave_leaves_total{reason=\"removed\"} 1").await;
    assert_has(&text, "conclave_commits_total{outcome=\"accepted\"} 2");
}

#[tokio::test]
async fn with_a_metrics_listener_the_public_port_serves_no_metrics() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), INDEX_HTML).unwrap();
    let public = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let private = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (public_addr, private_addr) = (public.local_addr().unwrap(), private.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(run_with_metrics_listener(
        public,
        private,
        Config::new(www.path()),
        async {
            let _ = stopped.await;
        },
    ));

    let text = scrape(private_addr).await;
    assert_has(&text, "conclave_rooms 0");
    let on_public = http(public_addr, "GET", "/metrics").await;
    assert_eq!(on_public.status, 404, "{on_public:?}");
    assert!(!String::from_utf8_lossy(&on_public.body).contains("conclave_"));
    // Health stays on the public port (load balancers probe it) and is on both.
    for addr in [public_addr, private_addr] {
        assert_eq!(http(addr, "GET", "/livez").await.status, 200);
        assert_eq!(http(addr, "GET", "/healthz").await.status, 200);
    }

    stop.send(()).unwrap();
    tokio::time::timeout(WAIT, server)
        .await
        .expect("the server stops in time")
        .unwrap()
        .unwrap();
}
