//! Two instances sharing rooms through a real Redis never both serve one room: the first
//! claims it, the second is sent there; a home that paused past its lease is fenced out and
//! can no longer accept a commit (the split brain that would let two commits win one epoch).
// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::redis_server::RedisServer;

use std::time::Duration;

use conclave_protocol::RoomId;
use conclave_signaling_server::cluster::homes::{Home, RoomHomes};
use conclave_signaling_server::cluster::registry::RoomRegistry;
use conclave_signaling_server::cluster::{connect, ClusterError, InstanceId};

fn room(n: u8) -> RoomId {
    RoomId::parse(&format!("room{n:0>18}")).unwrap()
}

async fn instance(redis: &RedisServer, lease: Duration) -> RoomHomes {
    RoomHomes::new(
        connect(&redis.url()).await.unwrap(),
        InstanceId::random(),
        lease,
    )
}

#[tokio::test]
async fn the_first_instance_is_home_and_the_second_is_sent_there() {
    let redis = RedisServer::start();
    let a = instance(&redis, Duration::from_secs(30)).await;
    let b = instance(&redis, Duration::from_secs(30)).await;

    let Home::Mine(lease) = a.claim_or_find(&room(1)).await.unwrap() else {
        panic!("the first instance to ask should be the room's home");
    };
    assert_eq!(
        b.claim_or_find(&room(1)).await.unwrap(),
        Home::Elsewhere(a.instance().clone())
    );
    // Asking again (another of A's connections) finds A's own lease.
    assert_eq!(
        a.claim_or_find(&room(1)).await.unwrap(),
        Home::Mine(lease.clone())
    );
    assert!(a.confirm(&lease).await.unwrap());
    // Another room is B's.
    assert!(matches!(
        b.claim_or_find(&room(2)).await.unwrap(),
        Home::Mine(_)
    ));
}

#[tokio::test]
async fn a_home_that_paused_past_its_lease_can_accept_no_commit() {
    let redis = RedisServer::start();
    let lease_time = Duration::from_millis(200);
    let a = instance(&redis, lease_time).await;
    let b = instance(&redis, lease_time).await;
    let Home::Mine(stale) = a.claim_or_find(&room(3)).await.unwrap() else {
        panic!("A should be home");
    };
    // A pauses (a stalled process, a partition) without renewing; B takes the room over.
    tokio::time::sleep(lease_time * 2).await;
    let Home::Mine(fresh) = b.claim_or_find(&room(3)).await.unwrap() else {
        panic!("B should be home once A's lease ran out");
    };
    assert!(
        fresh.token() > stale.token(),
        "a later home holds a larger fence token"
    );

    // A wakes up believing it is home and tries to accept a commit: refused.
    assert!(!a.confirm(&stale).await.unwrap());
    assert!(!a.renew(&stale).await.unwrap());
    // Its release cannot take the room from B either.
    a.release(&stale).await.unwrap();
    assert!(b.confirm(&fresh).await.unwrap());
    assert_eq!(
        a.claim_or_find(&room(3)).await.unwrap(),
        Home::Elsewhere(b.instance().clone())
    );
}

#[tokio::test]
async fn a_released_room_is_claimed_by_the_next_instance() {
    let redis = RedisServer::start();
    let a = instance(&redis, Duration::from_secs(30)).await;
    let b = instance(&redis, Duration::from_secs(30)).await;
    let Home::Mine(lease) = a.claim_or_find(&room(4)).await.unwrap() else {
        panic!("A should be home");
    };
    a.release(&lease).await.unwrap();
    assert!(matches!(
        b.claim_or_find(&room(4)).await.unwrap(),
        Home::Mine(_)
    ));
}

#[tokio::test]
async fn a_home_key_no_instance_wrote_is_an_error_not_a_home() {
    let redis = RedisServer::start();
    let a = instance(&redis, Duration::from_secs(30)).await;
    let mut raw = connect(&redis.url()).await.unwrap();
    let () = redis::cmd("SET")
        .arg(format!("conclave:room:{}:home", room(5).as_str()))
        .arg("not-an-instance")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(matches!(
        a.claim_or_find(&room(5)).await,
        Err(ClusterError::Malformed { .. })
    ));
}

#[tokio::test]
async fn every_instance_knows_the_rooms_that_exist_and_the_ended_ones() {
    let redis = RedisServer::start();
    let a = RoomRegistry::new(connect(&redis.url()).await.unwrap());
    let b = RoomRegistry::new(connect(&redis.url()).await.unwrap());
    a.record_room(&room(6), Duration::from_secs(60))
        .await
        .unwrap();
    assert!(b.room_exists(&room(6)).await.unwrap());
    assert!(!b.room_exists(&room(7)).await.unwrap());

    b.record_ended(&room(6)).await.unwrap();
    assert!(!a.room_exists(&room(6)).await.unwrap());
    assert!(a.was_ended(&room(6)).await.unwrap());
    assert!(!a.was_ended(&room(7)).await.unwrap());
}
