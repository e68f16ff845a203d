//! A participant whose socket reached an edge instance is carried to the room's home
//! through Redis, both ways, and loses its tunnel (close 1012, so the browser reconnects)
//! whenever a frame could be lost: the home dies, or Redis does. Junk on an instance's
//! channel changes nothing.
// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::redis_server::RedisServer;
use conclave_protocol::RoomId;
use conclave_signaling_server::cluster::tunnel::{Bus, TunnelMessage, SERVICE_RESTART};
use conclave_signaling_server::cluster::{connect, InstanceId};
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(10);

async fn start_bus(
    redis: &RedisServer,
) -> Result<
    (
        Bus,
        tokio::sync::mpsc::Receiver<conclave_signaling_server::cluster::tunnel::IncomingTunnel>,
    ),
    conclave_signaling_server::cluster::ClusterError,
> {
    let publisher = connect(&redis.url()).await?;
    Bus::start(&redis.url(), publisher, InstanceId::random()).await
}

fn room() -> RoomId {
    RoomId::parse("tunnelroom000000000000").unwrap()
}

fn text(text: &str) -> TunnelMessage {
    TunnelMessage::Text {
        text: text.to_owned(),
    }
}

#[tokio::test]
async fn frames_cross_both_ways_and_a_closed_home_end_closes_the_edge() {
    let redis = RedisServer::start();
    let (edge, _) = start_bus(&redis).await.unwrap();
    let (home, mut arrivals) = start_bus(&redis).await.unwrap();

    let mut at_edge = edge.open(home.instance(), &room()).await.unwrap();
    let mut arrival = timeout(WAIT, arrivals.recv()).await.unwrap().unwrap();
    assert_eq!(arrival.room, room());

    for n in 0..50 {
        at_edge.send(text(&format!("join {n}"))).await.unwrap();
    }
    for n in 0..50 {
        let got = timeout(WAIT, arrival.end.recv()).await.unwrap().unwrap();
        assert_eq!(got, text(&format!("join {n}")), "in order");
    }
    arrival.end.send(text("joined")).await.unwrap();
    assert_eq!(
        timeout(WAIT, at_edge.recv()).await.unwrap().unwrap(),
        text("joined")
    );

    drop(arrival);
    let closed = timeout(WAIT, at_edge.recv()).await.unwrap().unwrap();
    assert!(matches!(
        closed,
        TunnelMessage::Close {
            code: SERVICE_RESTART,
            ..
        }
    ));
}

#[tokio::test]
async fn an_edge_that_leaves_closes_the_homes_end() {
    let redis = RedisServer::start();
    let (edge, _) = start_bus(&redis).await.unwrap();
    let (home, mut arrivals) = start_bus(&redis).await.unwrap();
    let at_edge = edge.open(home.instance(), &room()).await.unwrap();
    let mut arrival = timeout(WAIT, arrivals.recv()).await.unwrap().unwrap();
    drop(at_edge);
    let closed = timeout(WAIT, arrival.end.recv()).await.unwrap();
    assert!(matches!(closed, Some(TunnelMessage::Close { .. }) | None));
}

#[tokio::test]
async fn a_home_that_dies_closes_its_tunnels_within_the_heartbeat_lease() {
    let redis = RedisServer::start();
    let (edge, _) = start_bus(&redis).await.unwrap();
    let (home, mut arrivals) = start_bus(&redis).await.unwrap();
    let mut at_edge = edge.open(home.instance(), &room()).await.unwrap();
    let arrival = timeout(WAIT, arrivals.recv()).await.unwrap().unwrap();
    // The home process dies: no more heartbeats, and no close frame (its end is never
    // dropped).
    home.stop();
    std::mem::forget(arrival);
    let closed = timeout(WAIT, at_edge.recv()).await.unwrap().unwrap();
    assert!(matches!(
        closed,
        TunnelMessage::Close {
            code: SERVICE_RESTART,
            ..
        }
    ));
}

#[tokio::test]
async fn junk_on_an_instances_channel_is_dropped_and_changes_nothing() {
    let redis = RedisServer::start();
    let (edge, _) = start_bus(&redis).await.unwrap();
    let (home, mut arrivals) = start_bus(&redis).await.unwrap();
    let mut at_edge = edge.open(home.instance(), &room()).await.unwrap();
    let mut arrival = timeout(WAIT, arrivals.recv()).await.unwrap().unwrap();

    let mut raw = connect(&redis.url()).await.unwrap();
    let junk: [&[u8]; 5] = [
        b"not json",
        b"{}",
        br#"{"edge":"../../etc","conn":1,"body":{"kind":"to_home","message":{"type":"text","text":"x"}}}"#,
        br#"{"edge":"00000000000000000000000000000000","conn":1,"body":{"kind":"to_edge","message":{"type":"close","code":1000,"reason":""}}}"#,
        &[0xff; 64],
    ];
    for channel in [home.instance(), edge.instance()] {
        for payload in junk {
            let _: u64 = redis::cmd("PUBLISH")
                .arg(format!("conclave:instance:{}", channel.as_str()))
                .arg(payload)
                .query_async(&mut raw)
                .await
                .unwrap();
        }
    }
    at_edge.send(text("still here")).await.unwrap();
    assert_eq!(
        timeout(WAIT, arrival.end.recv()).await.unwrap().unwrap(),
        text("still here")
    );
    arrival.end.send(text("so am I")).await.unwrap();
    assert_eq!(
        timeout(WAIT, at_edge.recv()).await.unwrap().unwrap(),
        text("so am I")
    );
}

#[tokio::test]
async fn losing_redis_closes_every_tunnel_and_opens_none() {
    let mut redis = RedisServer::start();
    let (edge, _) = start_bus(&redis).await.unwrap();
    let (home, mut arrivals) = start_bus(&redis).await.unwrap();
    let mut at_edge = edge.open(home.instance(), &room()).await.unwrap();
    let mut arrival = timeout(WAIT, arrivals.recv()).await.unwrap().unwrap();

    redis.kill();
    let closed = timeout(WAIT, at_edge.recv()).await.unwrap().unwrap();
    assert!(matches!(
        closed,
        TunnelMessage::Close {
            code: SERVICE_RESTART,
            ..
        }
    ));
    let closed = timeout(WAIT, arrival.end.recv()).await.unwrap().unwrap();
    assert!(matches!(
        closed,
        TunnelMessage::Close {
            code: SERVICE_RESTART,
            ..
        }
    ));
    assert!(!edge.is_up());
    assert!(edge.open(home.instance(), &room()).await.is_err());
}
