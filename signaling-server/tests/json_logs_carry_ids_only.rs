//! Scenario: the operator runs `conclave-server --log-format json` and ships standard
//! error to a log store. Every line is one JSON object; a join, a leave and a commit each
//! give one line with the participant id and the room's `room_tag`; and the room id (the
//! invite link's capability) appears on no line, even with `RUST_LOG=debug`, nor does
//! anything a participant sent.
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use common::{commit, http, key_package, start_group, INDEX_HTML};
use conclave_protocol::{ClientMessage, CreatedRoom, ParticipantId, ServerMessage};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use tokio_tungstenite::tungstenite::Message;

const DISPLAY_NAME: &str = "Councillor Zyxwvut-Quabbelaar";

/// Connects to `room` and joins; returns the socket as a test participant and its id.
async fn join(addr: SocketAddr, room: &str) -> (common::Participant, ParticipantId) {
    let url = format!("ws://{addr}/ws/{room}");
    let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut participant = common::Participant { socket };
    participant.send(&ClientMessage::join()).await;
    match participant.recv().await {
        ServerMessage::Joined { you, .. } => (participant, you),
        other => panic!("expected joined, got {other:?}"),
    }
}

#[tokio::test]
async fn every_line_is_json_and_names_a_room_only_by_its_tag() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), INDEX_HTML).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_conclave-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--www-dir",
        ])
        .arg(www.path())
        // The attack: the most talkative level an operator might leave on.
        .env("RUST_LOG", "debug")
        .env_remove("CONCLAVE_LOG_FORMAT")
        .env_remove("CONCLAVE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first_line = String::new();
    tokio::time::timeout(common::WAIT, stdout.read_line(&mut first_line))
        .await
        .expect("the server starts in time")
        .unwrap();
    let addr: SocketAddr = first_line
        .trim()
        .strip_prefix("Conclave is serving on http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"))
        .parse()
        .unwrap();

    let created = http(addr, "POST", "/api/rooms").await;
    assert_eq!(created.status, 201);
    let room = serde_json::from_slice::<CreatedRoom>(&created.body)
        .unwrap()
        .room_id;
    // The room's page, as a browser following the invite link loads it.
    assert_eq!(
        http(addr, "GET", &format!("/m/{}", room.as_str()))
            .await
            .status,
        200
    );
    let (mut ada, ada_id) = join(addr, room.as_str()).await;
    let (mut bob, bob_id) = join(addr, room.as_str()).await;
    start_group(&mut ada, ada_id).await;
    ada.send(&commit(0, &[bob_id], &[])).await;
    assert!(matches!(
        ada.recv_skipping_presence().await,
        ServerMessage::Commit { .. }
    ));
    bob.send(&key_package(DISPLAY_NAME)).await;
    bob.send(&ClientMessage::Leave).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(frame)) = bob.socket.next().await {
            if matches!(frame, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
    let _ = ada.socket.close(None).await;
    // Let the server write the leave lines, then stop it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    child.start_kill().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    let _ = child.wait().await;

    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"))
        })
        .collect();
    assert!(lines.len() > 5, "{stderr}");
    let tag = conclave_signaling_server::metrics::RoomTag::of(&room).to_string();
    let events = |event: &str| -> Vec<&Value> {
        lines.iter().filter(|line| line["event"] == event).collect()
    };
    let joins = events("join");
    assert_eq!(joins.len(), 2, "{stderr}");
    assert!(
        joins.iter().all(|line| line["room_tag"] == tag.as_str()),
        "{stderr}"
    );
    assert_eq!(joins[0]["participant"], ada_id.0);
    assert_eq!(joins[0]["level"], "INFO");
    let commits = events("commit");
    assert_eq!(commits.len(), 1, "{stderr}");
    assert_eq!(commits[0]["outcome"], "accepted");
    assert_eq!(commits[0]["epoch"], 0);
    let leaves = events("leave");
    assert_eq!(leaves.len(), 2, "{stderr}");
    assert!(leaves
        .iter()
        .any(|l| l["participant"] == bob_id.0 && l["reason"] == "left"));
    assert!(leaves
        .iter()
        .any(|l| l["participant"] == ada_id.0 && l["reason"] == "closed"));

    assert!(
        !stderr.contains(room.as_str()),
        "the room id is in the log:\n{stderr}"
    );
    for fragment in ["Zyxwvut", "key package of", "proof of", "commit in epoch"] {
        assert!(
            !stderr.contains(fragment),
            "{fragment:?} is in the log:\n{stderr}"
        );
    }
}
