//! Two `conclave-server` instances sharing rooms through a real Redis: a room created on
//! one is joined through either, its participants hear each other and their commits are
//! ordered by one Delivery Service (the room's home); when the home goes away the others'
//! tunnels close with 1012 and the room is served again by the instance that remains.
// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::redis_server::RedisServer;
use common::{commit, start_group, TestServer};
use conclave_protocol::{ClientMessage, ServerMessage, SignalPayload};
use conclave_signaling_server::config::ClusterConfig;

async fn instance(redis: &RedisServer) -> TestServer {
    let url = redis.url();
    TestServer::start_with(move |config| {
        config.cluster = Some(ClusterConfig::new("test", &url).unwrap());
    })
    .await
}

fn candidate(text: &str) -> SignalPayload {
    SignalPayload::IceCandidate {
        candidate: text.into(),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
    }
}

#[tokio::test]
async fn participants_on_two_servers_meet_in_one_room() {
    let redis = RedisServer::start();
    let first = instance(&redis).await;
    let second = instance(&redis).await;
    let room = first.create_room().await;

    let (mut ada, ada_id, _) = first.join(&room, "Ada").await;
    // Bob's socket is on the second server; the room lives on the first.
    let (mut bob, bob_id, present) = second.join(&room, "Bob").await;
    assert_eq!(
        present.len(),
        1,
        "Bob sees Ada, who joined through the other server"
    );
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    bob.send(&ClientMessage::Signal {
        to: ada_id,
        payload: candidate("from bob"),
    })
    .await;
    assert_eq!(
        ada.recv().await,
        ServerMessage::Signal {
            from: bob_id,
            payload: candidate("from bob")
        }
    );
    ada.send(&ClientMessage::Signal {
        to: bob_id,
        payload: candidate("from ada"),
    })
    .await;
    assert_eq!(
        bob.recv().await,
        ServerMessage::Signal {
            from: ada_id,
            payload: candidate("from ada")
        }
    );

    // One Delivery Service orders both servers' commits: the first for epoch 0 wins.
    start_group(&mut ada, ada_id).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    ada.send(&commit(0, &[bob_id], &[])).await;
    bob.send(&commit(0, &[], &[])).await;
    let mut bob_saw_rejection = false;
    for _ in 0..4 {
        match bob.recv_skipping_presence().await {
            ServerMessage::CommitRejected { epoch: 0, .. } => {
                bob_saw_rejection = true;
                break;
            }
            _ => continue,
        }
    }
    assert!(
        bob_saw_rejection,
        "the second commit for epoch 0 is rejected"
    );
}

#[tokio::test]
async fn a_room_created_on_one_server_is_unknown_to_none_and_an_unknown_one_to_all() {
    let redis = RedisServer::start();
    let first = instance(&redis).await;
    let second = instance(&redis).await;
    let room = first.create_room().await;
    // The first participant reaches the second server: it becomes the room's home.
    let (_ada, _, present) = second.join(&room, "Ada").await;
    assert!(present.is_empty());

    let never_created = conclave_protocol::RoomId::parse("nevercreated0000000000").unwrap();
    for server in [&first, &second] {
        let mut mallory = server.connect(never_created.as_str()).await;
        mallory.send(&ClientMessage::join()).await;
        assert!(matches!(mallory.recv().await, ServerMessage::Error { .. }));
    }
}

#[tokio::test]
async fn when_the_rooms_server_goes_the_room_is_served_by_the_other() {
    let redis = RedisServer::start();
    let first = instance(&redis).await;
    let second = instance(&redis).await;
    let room = first.create_room().await;
    let (_ada, _, _) = first.join(&room, "Ada").await;
    let (mut bob, _, _) = second.join(&room, "Bob").await;

    // The room's server stops: Bob's tunnel closes, and the browser would reconnect.
    first.stop().await;
    let closed = bob.expect_close().await;
    assert!(
        [1001, 1012].contains(&closed.code),
        "Bob is told to reconnect: {closed:?}"
    );

    // Reconnecting through the second server: it becomes the room's home (at the latest
    // once the stopped server's lease ran out) and serves the room again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mut bob = second.connect(room.as_str()).await;
        bob.send(&ClientMessage::join()).await;
        match tokio::time::timeout(Duration::from_secs(5), bob.recv_or_close()).await {
            Ok(Some(ServerMessage::Joined { participants, .. })) => {
                assert!(participants.is_empty(), "Ada's old connection is gone");
                break;
            }
            _ if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            other => panic!("the room was not served again: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_instance_that_lost_redis_is_not_ready_until_redis_is_back() {
    let mut redis = RedisServer::start();
    let server = instance(&redis).await;
    let ready = common::http(server.addr, "GET", "/healthz").await;
    assert_eq!(ready.status, 200);
    assert!(String::from_utf8_lossy(&ready.body).contains(r#""redis":"up""#));
    let metrics = common::http(server.addr, "GET", "/metrics").await;
    assert!(String::from_utf8_lossy(&metrics.body).contains("conclave_redis_up 1"));

    redis.kill();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let answer = common::http(server.addr, "GET", "/healthz").await;
        if answer.status == 503 {
            assert!(String::from_utf8_lossy(&answer.body).contains(r#""redis":"down""#));
            let metrics = common::http(server.addr, "GET", "/metrics").await;
            assert!(String::from_utf8_lossy(&metrics.body).contains("conclave_redis_up 0"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still ready without Redis"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Alive all the same: it holds its meetings' state, and restarting would not bring Redis back.
    assert_eq!(common::http(server.addr, "GET", "/livez").await.status, 200);

    // Redis comes back (empty): the instance subscribes again and serves meetings again.
    redis.restart();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while common::http(server.addr, "GET", "/healthz").await.status != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not ready again after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let other = instance(&redis).await;
    let room = server.create_room().await;
    let (_ada, _, _) = server.join(&room, "Ada").await;
    let (_bob, _, present) = other.join(&room, "Bob").await;
    assert_eq!(present.len(), 1, "the two instances share the room again");
}

#[tokio::test]
async fn a_server_that_lost_the_rooms_lease_accepts_no_commit() {
    let redis = RedisServer::start();
    let server = instance(&redis).await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));

    // The server paused past its lease and another instance took the room over (written
    // here straight into Redis, as that instance's claim would).
    let mut raw = conclave_signaling_server::cluster::connect(&redis.url())
        .await
        .unwrap();
    let other = conclave_signaling_server::cluster::InstanceId::random();
    let () = redis::cmd("SET")
        .arg(format!("conclave:room:{}:home", room.as_str()))
        .arg(format!("{}:999999", other.as_str()))
        .query_async(&mut raw)
        .await
        .unwrap();

    // Ada's commit would be the first for epoch 0 here; the old home must not accept it.
    ada.send(&commit(0, &[bob_id], &[])).await;
    let closed = ada.expect_close().await;
    assert_eq!(closed.code, 1012, "{closed:?}");
    let heard = tokio::time::timeout(Duration::from_millis(500), bob.recv_or_close()).await;
    assert!(
        !matches!(heard, Ok(Some(ServerMessage::Commit { .. }))),
        "a fenced-out home relayed a commit"
    );
}
