//! Scenario: participants join a room, see each other come and go, and relay WebRTC
//! negotiation to one named peer at a time.

mod common;

use common::{http, TestServer};
use conclave_protocol::{
    Bytes, ClientMessage, MediaMode, ParticipantId, ParticipantInfo, ServerMessage, SignalPayload,
    PROTOCOL_VERSION,
};

#[tokio::test]
async fn joiners_see_who_is_there_and_are_announced() {
    let server = TestServer::start().await;
    let room = server.create_room().await;

    // An older page still sends a name: the server takes the join and keeps nothing of it.
    let mut ada = server.connect(room.as_str()).await;
    ada.send_text(&format!(
        r#"{{"type":"join","display_name":"Ada Secretname","protocol":{PROTOCOL_VERSION}}}"#
    ))
    .await;
    let joined = ada.recv_text().await;
    let ServerMessage::Joined {
        you: ada_id,
        participants,
        ..
    } = serde_json::from_str(&joined).unwrap()
    else {
        panic!("expected joined, got {joined}");
    };
    assert_eq!(ada_id, ParticipantId(1));
    assert!(participants.is_empty());

    let mut bob = server.connect(room.as_str()).await;
    bob.send(&ClientMessage::join()).await;
    let joined = bob.recv_text().await;
    let ServerMessage::Joined {
        you: bob_id,
        participants,
        media_mode,
        ..
    } = serde_json::from_str(&joined).unwrap()
    else {
        panic!("expected joined, got {joined}");
    };
    assert_eq!(media_mode, MediaMode::Mesh);
    assert_eq!(participants, vec![ParticipantInfo { id: ada_id }]);
    assert!(
        !joined.contains("Secretname") && !joined.contains("display_name"),
        "the server passes on no name: {joined}"
    );

    let announced = ada.recv_text().await;
    assert_eq!(
        serde_json::from_str::<ServerMessage>(&announced).unwrap(),
        ServerMessage::ParticipantJoined {
            participant: ParticipantInfo { id: bob_id }
        }
    );
    assert_eq!(
        announced,
        format!(r#"{{"type":"participant_joined","participant":{{"id":{bob_id}}}}}"#)
    );
}

#[tokio::test]
async fn offer_answer_and_ice_reach_only_the_named_peer() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    let (mut cy, _, _) = server.join(&room, "Cy").await;
    for _ in 0..2 {
        assert!(matches!(
            ada.recv().await,
            ServerMessage::ParticipantJoined { .. }
        ));
    }
    assert!(matches!(
        bob.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    let offer = SignalPayload::Offer {
        sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n".into(),
        signature: Bytes::default(),
    };
    let answer = SignalPayload::Answer {
        sdp: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n".into(),
        signature: Bytes::default(),
    };
    let candidate = SignalPayload::IceCandidate {
        candidate: "candidate:1 1 udp 2122260223 198.18.0.1 50000 typ host".into(),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
    };

    ada.send(&ClientMessage::Signal {
        to: bob_id,
        payload: offer.clone(),
    })
    .await;
    assert_eq!(
        bob.recv().await,
        ServerMessage::Signal {
            from: ada_id,
            payload: offer
        }
    );
    bob.send(&ClientMessage::Signal {
        to: ada_id,
        payload: answer.clone(),
    })
    .await;
    assert_eq!(
        ada.recv().await,
        ServerMessage::Signal {
            from: bob_id,
            payload: answer
        }
    );
    ada.send(&ClientMessage::Signal {
        to: bob_id,
        payload: candidate.clone(),
    })
    .await;
    assert_eq!(
        bob.recv().await,
        ServerMessage::Signal {
            from: ada_id,
            payload: candidate
        }
    );

    // Cy was not named in any of them.
    cy.expect_nothing_pending().await;
}

#[tokio::test]
async fn closing_the_socket_tells_the_others() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    bob.socket.close(None).await.unwrap();
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
}

#[tokio::test]
async fn dropping_the_tcp_connection_tells_the_others() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    let (bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    drop(bob);
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );
}

#[tokio::test]
async fn leave_tells_the_others_and_the_server_closes_normally() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join(&room, "Bob").await;
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { .. }
    ));

    bob.send(&ClientMessage::Leave).await;
    assert_eq!(bob.expect_close().await.code, 1000);
    assert_eq!(
        ada.recv().await,
        ServerMessage::ParticipantLeft { id: bob_id }
    );

    // Bob can come back (a reload); he gets a new id and Ada hears of him.
    let (_bob_again, again_id, present) = server.join(&room, "Bob").await;
    assert_ne!(again_id, bob_id);
    assert_eq!(present.len(), 1);
    assert!(matches!(
        ada.recv().await,
        ServerMessage::ParticipantJoined { participant } if participant.id == again_id
    ));
}

#[tokio::test]
async fn rooms_are_separate() {
    let server = TestServer::start().await;
    let first = server.create_room().await;
    let second = server.create_room().await;
    assert_ne!(first, second);
    let (mut ada, _, _) = server.join(&first, "Ada").await;
    let (_bob, _, present) = server.join(&second, "Bob").await;
    assert!(present.is_empty(), "Bob's room is empty");
    ada.expect_nothing_pending().await;
}

#[tokio::test]
async fn shutdown_closes_every_connection_with_going_away() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    let stop = tokio::spawn(server.stop());
    assert_eq!(ada.expect_close().await.code, 1001);
    ada.socket.close(None).await.ok();
    stop.await.unwrap();
}

#[tokio::test]
async fn a_ping_is_answered_and_a_forgotten_room_is_held_again() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, _, _) = server.join(&room, "Ada").await;
    ada.send(&ClientMessage::Ping).await;
    assert_eq!(ada.recv().await, ServerMessage::Pong);

    // After a restart the server knows no room: `PUT` holds the meeting's id again.
    let restarted = TestServer::start().await;
    let mut lost = restarted.connect(room.as_str()).await;
    lost.send(&ClientMessage::join()).await;
    lost.expect_error(conclave_protocol::ErrorCode::UnknownRoom)
        .await;
    let closed = lost.expect_close().await;
    assert_eq!(closed.code, conclave_protocol::close_code::UNKNOWN_ROOM);
    let path = format!("/api/rooms/{room}");
    for _ in 0..2 {
        // Holding a room that is held changes nothing.
        let held = http(restarted.addr, "PUT", &path).await;
        assert_eq!(held.status, 200, "{held:?}");
    }
    let (mut bob, _, others) = restarted.join(&room, "Bob").await;
    assert!(others.is_empty());
    // Holding it again while Bob is in changes nothing for him.
    assert_eq!(http(restarted.addr, "PUT", &path).await.status, 200);
    bob.send(&ClientMessage::Ping).await;
    assert_eq!(
        bob.recv().await,
        ServerMessage::Pong,
        "nothing else came first"
    );
    let malformed = http(restarted.addr, "PUT", "/api/rooms/not-a-room").await;
    assert_eq!(malformed.status, 400);
}
