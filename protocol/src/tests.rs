//! The wire format's JSON shapes, pinned: a change here is a protocol change.

use super::*;

#[test]
fn client_messages_have_a_stable_json_shape() {
    assert_eq!(
        serde_json::to_string(&ClientMessage::join()).unwrap(),
        r#"{"type":"join","protocol":6}"#
    );
    // A code from a newer server still reads, as `Unknown`, with its message.
    let newer: ServerMessage =
        serde_json::from_str(r#"{"type":"error","code":"new_in_v3","message":"m"}"#).unwrap();
    assert_eq!(
        newer,
        ServerMessage::Error {
            code: ErrorCode::Unknown,
            message: "m".into()
        }
    );
    // A client from before the version field reads as version 0, and the name an
    // older page sends is ignored (the server never keeps it).
    let unversioned: ClientMessage =
        serde_json::from_str(r#"{"type":"join","display_name":"Ada"}"#).unwrap();
    assert_eq!(unversioned, ClientMessage::Join { protocol: 0 });
    let named: ClientMessage =
        serde_json::from_str(r#"{"type":"join","display_name":"Ada","protocol":6}"#).unwrap();
    assert_eq!(named, ClientMessage::join());
    assert_eq!(
        serde_json::to_string(&ParticipantInfo {
            id: ParticipantId(3)
        })
        .unwrap(),
        r#"{"id":3}"#
    );
    let signal = ClientMessage::Signal {
        to: ParticipantId(7),
        payload: SignalPayload::Answer {
            sdp: "v=0".into(),
            signature: Bytes::default(),
        },
    };
    assert_eq!(
        serde_json::to_string(&signal).unwrap(),
        r#"{"type":"signal","to":7,"payload":{"kind":"answer","sdp":"v=0","signature":""}}"#
    );
}

#[test]
fn room_ids_are_checked_when_parsed() {
    assert!(RoomId::parse("AAAAAAAAAAAAAAAAAAAAAA").is_ok());
    assert!(RoomId::parse("AAAA").is_err());
    assert!(RoomId::parse("AAAAAAAAAAAAAAAAAAAA/A").is_err());
    let parsed: Result<RoomId, _> = serde_json::from_str(r#""../../etc/passwd""#);
    assert!(parsed.is_err());
}

#[test]
fn mls_messages_have_a_stable_json_shape() {
    let commit = ClientMessage::Commit {
        epoch: 3,
        commit: Bytes(vec![0xff, 0x00]),
        welcome: None,
        added: vec![],
        removed: vec![ParticipantId(2)],
        expelled: vec![ParticipantId(2)],
    };
    let text = r#"{"type":"commit","epoch":3,"commit":"_wA","welcome":null,"added":[],"removed":[2],"expelled":[2]}"#;
    assert_eq!(serde_json::to_string(&commit).unwrap(), text);
    assert_eq!(serde_json::from_str::<ClientMessage>(text).unwrap(), commit);
    // `expelled` defaults to nobody.
    let plain: ClientMessage = serde_json::from_str(
        r#"{"type":"commit","epoch":3,"commit":"_wA","welcome":null,"added":[],"removed":[2]}"#,
    )
    .unwrap();
    assert!(matches!(plain, ClientMessage::Commit { expelled, .. } if expelled.is_empty()));
    let relayed = ServerMessage::Commit {
        from: ParticipantId(1),
        epoch: 3,
        commit: Bytes(vec![0xff, 0x00]),
        added: vec![],
        removed: vec![ParticipantId(2)],
        expelled: vec![ParticipantId(2)],
    };
    let text = r#"{"type":"commit","from":1,"epoch":3,"commit":"_wA","added":[],"removed":[2],"expelled":[2]}"#;
    assert_eq!(serde_json::to_string(&relayed).unwrap(), text);
    assert_eq!(
        serde_json::from_str::<ServerMessage>(text).unwrap(),
        relayed
    );
    let error = ServerMessage::Error {
        code: ErrorCode::GroupExists,
        message: String::new(),
    };
    assert_eq!(
        serde_json::to_string(&error).unwrap(),
        r#"{"type":"error","code":"group_exists","message":""}"#
    );
    let padded: Result<Bytes, _> = serde_json::from_str(r#""_wA=""#);
    assert!(padded.is_err(), "padding is refused");
}

#[test]
fn join_challenge_messages_have_a_stable_json_shape() {
    let challenge = JoinChallenge {
        epoch: 4,
        challenge: Bytes(vec![0xff, 0x00]),
    };
    let set = ClientMessage::SetJoinChallenge(challenge.clone());
    let text = r#"{"type":"set_join_challenge","epoch":4,"challenge":"_wA"}"#;
    assert_eq!(serde_json::to_string(&set).unwrap(), text);
    assert_eq!(serde_json::from_str::<ClientMessage>(text).unwrap(), set);
    let told = ServerMessage::JoinChallenge(challenge.clone());
    let text = r#"{"type":"join_challenge","epoch":4,"challenge":"_wA"}"#;
    assert_eq!(serde_json::to_string(&told).unwrap(), text);
    assert_eq!(serde_json::from_str::<ServerMessage>(text).unwrap(), told);
    assert_eq!(
        serde_json::to_string(&ClientMessage::QueryGroupStatus).unwrap(),
        r#"{"type":"query_group_status"}"#
    );
    let status = ServerMessage::GroupStatus {
        group: GroupStatus {
            epoch: Some(5),
            members: vec![ParticipantId(1)],
            join_challenge: Some(challenge),
        },
    };
    let text = r#"{"type":"group_status","group":{"epoch":5,"members":[1],"join_challenge":{"epoch":4,"challenge":"_wA"}}}"#;
    assert_eq!(serde_json::to_string(&status).unwrap(), text);
    assert_eq!(serde_json::from_str::<ServerMessage>(text).unwrap(), status);
    // A status without a challenge leaves the field out, and reads back without it.
    let bare = r#"{"epoch":null,"members":[]}"#;
    assert_eq!(
        serde_json::to_string(&GroupStatus::default()).unwrap(),
        bare
    );
    assert_eq!(
        serde_json::from_str::<GroupStatus>(bare).unwrap(),
        GroupStatus::default()
    );
}

#[test]
fn chair_messages_have_a_stable_json_shape() {
    let answer = ClientMessage::AnswerKnock {
        to: ParticipantId(5),
        answer: KnockAnswer::Denied,
    };
    let text = r#"{"type":"answer_knock","to":5,"answer":"denied"}"#;
    assert_eq!(serde_json::to_string(&answer).unwrap(), text);
    assert_eq!(serde_json::from_str::<ClientMessage>(text).unwrap(), answer);
    let answered = ServerMessage::KnockAnswered {
        from: ParticipantId(1),
        to: ParticipantId(5),
        answer: KnockAnswer::Locked,
    };
    let text = r#"{"type":"knock_answered","from":1,"to":5,"answer":"locked"}"#;
    assert_eq!(serde_json::to_string(&answered).unwrap(), text);
    assert_eq!(
        serde_json::from_str::<ServerMessage>(text).unwrap(),
        answered
    );
    let end = r#"{"type":"end_meeting"}"#;
    assert_eq!(
        serde_json::to_string(&ClientMessage::EndMeeting).unwrap(),
        end
    );
    assert_eq!(
        serde_json::from_str::<ClientMessage>(end).unwrap(),
        ClientMessage::EndMeeting
    );
    assert_eq!(
        serde_json::to_string(&ServerMessage::MeetingEnded).unwrap(),
        r#"{"type":"meeting_ended"}"#
    );
    // Any other answer, or none, does not parse.
    for bad in [
        r#"{"type":"answer_knock","to":5,"answer":"admitted"}"#,
        r#"{"type":"answer_knock","to":5}"#,
        r#"{"type":"answer_knock","answer":"denied"}"#,
    ] {
        assert!(serde_json::from_str::<ClientMessage>(bad).is_err(), "{bad}");
    }
    assert_eq!(
        serde_json::to_string(&ErrorCode::NotAMember).unwrap(),
        r#""not_a_member""#
    );
    assert_eq!(
        serde_json::to_string(&ErrorCode::NotKnocking).unwrap(),
        r#""not_knocking""#
    );
}

#[test]
fn application_messages_have_a_stable_json_shape() {
    let sent = ClientMessage::ApplicationMessage {
        message: Bytes(vec![1, 2, 3]),
    };
    let text = r#"{"type":"application_message","message":"AQID"}"#;
    assert_eq!(serde_json::to_string(&sent).unwrap(), text);
    assert_eq!(serde_json::from_str::<ClientMessage>(text).unwrap(), sent);
    let relayed = ServerMessage::ApplicationMessage {
        from: ParticipantId(4),
        message: Bytes(vec![1, 2, 3]),
    };
    let text = r#"{"type":"application_message","from":4,"message":"AQID"}"#;
    assert_eq!(serde_json::to_string(&relayed).unwrap(), text);
    assert_eq!(
        serde_json::from_str::<ServerMessage>(text).unwrap(),
        relayed
    );
    assert_eq!(
        serde_json::to_string(&ClientMessage::Ping).unwrap(),
        r#"{"type":"ping"}"#
    );
    assert_eq!(
        serde_json::to_string(&ServerMessage::Pong).unwrap(),
        r#"{"type":"pong"}"#
    );
    for bad in [
        r#"{"type":"application_message"}"#,
        r#"{"type":"application_message","message":"AQID="}"#,
        r#"{"type":"application_message","message":3}"#,
    ] {
        assert!(serde_json::from_str::<ClientMessage>(bad).is_err(), "{bad}");
    }
}

#[test]
fn sfu_access_has_a_stable_json_shape() {
    let ready = ServerMessage::SfuRoomReady {
        access: SfuAccess::Janus {
            url: "wss://sfu.example.org/janus".into(),
            room: 42,
            pin: "p1n".into(),
            api_secret: None,
        },
    };
    let text = r#"{"type":"sfu_room_ready","access":{"kind":"janus","url":"wss://sfu.example.org/janus","room":42,"pin":"p1n"}}"#;
    assert_eq!(serde_json::to_string(&ready).unwrap(), text);
    assert_eq!(serde_json::from_str::<ServerMessage>(text).unwrap(), ready);
    let with_secret = SfuAccess::Janus {
        url: "ws://198.18.0.1:8188".into(),
        room: 7,
        pin: "p".into(),
        api_secret: Some("s".into()),
    };
    assert_eq!(
        serde_json::to_string(&with_secret).unwrap(),
        r#"{"kind":"janus","url":"ws://198.18.0.1:8188","room":7,"pin":"p","api_secret":"s"}"#
    );
    assert_eq!(
        serde_json::to_string(&MediaMode::Janus).unwrap(),
        r#""janus""#
    );
}

#[test]
fn unknown_message_types_are_rejected() {
    let parsed: Result<ClientMessage, _> = serde_json::from_str(r#"{"type":"shout"}"#);
    assert!(parsed.is_err());
}

#[test]
fn joined_carries_the_ice_transport_policy_and_older_servers_mean_all() {
    let older = r#"{"type":"joined","you":1,"participants":[],"media_mode":"mesh"}"#;
    let ServerMessage::Joined {
        ice_transport_policy,
        ..
    } = serde_json::from_str(older).unwrap()
    else {
        panic!("not joined");
    };
    assert_eq!(ice_transport_policy, IceTransportPolicy::All);
    assert_eq!(
        serde_json::to_string(&IceTransportPolicy::Relay).unwrap(),
        r#""relay""#
    );
    let relay = older.replace('}', r#","ice_transport_policy":"relay"}"#);
    let ServerMessage::Joined {
        ice_transport_policy,
        ..
    } = serde_json::from_str(&relay).unwrap()
    else {
        panic!("not joined");
    };
    assert_eq!(ice_transport_policy, IceTransportPolicy::Relay);
}

#[test]
fn a_full_mesh_room_names_its_capacity_in_the_close_reason() {
    use close_code::{mesh_capacity_in_reason, mesh_room_full_reason, MESH_MAX_PARTICIPANTS};
    for most in 1..=MESH_MAX_PARTICIPANTS {
        let reason = mesh_room_full_reason(most);
        assert!(reason.len() <= 123, "a close reason fits a control frame");
        assert!(reason.contains(&format!(" {most} ")), "{reason}");
        assert_eq!(mesh_capacity_in_reason(reason), Some(most));
    }
    assert_eq!(mesh_room_full_reason(0), "room full");
    assert_eq!(
        mesh_room_full_reason(MESH_MAX_PARTICIPANTS + 1),
        "room full"
    );
    assert_eq!(mesh_capacity_in_reason("room full"), None);
    assert_eq!(mesh_capacity_in_reason(""), None);
}

#[test]
fn a_hold_token_is_optional_in_joined_and_hidden_from_debug() {
    let older = r#"{"type":"joined","you":1,"participants":[],"media_mode":"mesh"}"#;
    let ServerMessage::Joined { hold_token, .. } = serde_json::from_str(older).unwrap() else {
        panic!("not joined");
    };
    assert_eq!(hold_token, None);
    let gated = older.replace('}', r#","hold_token":"c2VjcmV0LXRhZw"}"#);
    let joined: ServerMessage = serde_json::from_str(&gated).unwrap();
    let ServerMessage::Joined { hold_token, .. } = &joined else {
        panic!("not joined");
    };
    assert_eq!(hold_token, &Some(HoldToken("c2VjcmV0LXRhZw".to_owned())));
    assert!(!format!("{joined:?}").contains("c2VjcmV0LXRhZw"));
    assert!(serde_json::to_string(&joined)
        .unwrap()
        .contains(r#""hold_token":"c2VjcmV0LXRhZw""#));
    assert_eq!(
        serde_json::to_string(&ApiErrorCode::CreationNotAllowed).unwrap(),
        r#""creation_not_allowed""#
    );
}
