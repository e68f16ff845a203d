//! Scenario: a joiner turned away from a full room learns why. Without a media server
//! (mesh) the close reason names the bound, so that the page can say that such meetings
//! hold at most that many people; with an SFU the room is simply full.
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestServer;
use conclave_protocol::close_code::{self, mesh_capacity_in_reason};
use conclave_protocol::{ClientMessage, ErrorCode};
use conclave_signaling_server::config::{JanusConfig, MediaConfig};

/// Fills a room of `server` (holding `most`), then returns the close the next joiner gets.
async fn turned_away(server: &TestServer, most: usize) -> common::Closed {
    let room = server.create_room().await;
    let mut inside = Vec::new();
    for _ in 0..most {
        inside.push(server.join(&room, "member").await);
    }
    let mut late = server.connect(room.as_str()).await;
    late.send(&ClientMessage::join()).await;
    late.expect_error(ErrorCode::RoomFull).await;
    late.expect_close().await
}

#[tokio::test]
async fn a_full_mesh_room_names_its_bound() {
    let server = TestServer::start_with(|config| config.max_participants = 3).await;
    let closed = turned_away(&server, 3).await;
    assert_eq!(closed.code, close_code::ROOM_FULL);
    assert_eq!(
        mesh_capacity_in_reason(&closed.reason),
        Some(3),
        "{closed:?}"
    );
    assert!(
        closed.reason.contains("without a media server"),
        "{closed:?}"
    );
}

#[tokio::test]
async fn a_full_sfu_room_is_just_full() {
    let server = TestServer::start_with(|config| {
        config.max_participants = 2;
        // Nothing listens there: joins go on, told the SFU is unavailable.
        config.media = MediaConfig::Janus(JanusConfig {
            url: "ws://127.0.0.1:9".into(),
            api_secret: None,
            admin_key: None,
            trust: Default::default(),
        });
    })
    .await;
    let closed = turned_away(&server, 2).await;
    assert_eq!(closed.code, close_code::ROOM_FULL);
    assert_eq!(closed.reason, "room full");
    assert_eq!(mesh_capacity_in_reason(&closed.reason), None);
}
