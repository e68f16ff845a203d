//! The load generator, small: 100 connections in 20 rooms for 2 seconds against a real
//! Conclave server on `127.0.0.1:0`, in this process. Every message arrives, and the
//! server's costs are measured from `/proc` (here: this process, server and generator
//! together).
// Test set-up failing should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use conclave_headless::load::{run, LoadPlan};
use conclave_headless::signaling::ServerAddress;
use conclave_signaling_server::{run as serve, Config};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_of_a_small_load_run_is_delivered() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(
        www.path().join("index.html"),
        "<!doctype html><title>t</title>",
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, Config::new(www.path()), async {
        let _ = stopped.await;
    }));

    let server_address = ServerAddress::parse(&format!("http://{address}")).unwrap();
    let mut plan = LoadPlan::new("conclave", vec![server_address]);
    plan.server_pids = vec![std::process::id()];
    plan.connections = 100;
    plan.rooms = 20;
    plan.messages_per_second = 200;
    plan.duration = Duration::from_secs(2);
    let report = tokio::time::timeout(Duration::from_secs(30), run(&plan, &|_| {}))
        .await
        .expect("the run ends in time")
        .unwrap();

    assert_eq!(report.connections, 100);
    assert_eq!(report.connections_lost, 0);
    assert!(report.sent >= 300, "sent only {}", report.sent);
    assert_eq!(report.lost(), 0, "{report}");
    let latency = report.latency.expect("latencies were measured");
    assert_eq!(latency.count as u64, report.delivered);
    assert!(latency.p50 <= latency.p99 && latency.p99 <= latency.max);
    assert!(report.memory_per_connection.is_some());
    assert!(report.cpu_per_thousand.is_some());
    assert!(report.markdown_row().starts_with("| conclave | 100 / 20 |"));

    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
}

#[tokio::test]
async fn a_server_that_is_not_there_is_a_clear_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let mut plan = LoadPlan::new(
        "nobody",
        vec![ServerAddress::parse(&format!("http://{address}")).unwrap()],
    );
    plan.connections = 4;
    plan.rooms = 2;
    let error = run(&plan, &|_| {}).await.unwrap_err();
    assert!(error.to_string().contains("creating room 0"), "{error}");
}

#[tokio::test]
async fn a_room_of_one_is_refused_before_anything_is_opened() {
    let plan = LoadPlan::new(
        "nobody",
        vec![ServerAddress::parse("http://127.0.0.1:9").unwrap()],
    );
    let plan = LoadPlan {
        connections: 3,
        rooms: 2,
        ..plan
    };
    assert!(run(&plan, &|_| {}).await.is_err());
}
