//! Rooms: joins, leaves, relays and limits, driven without sockets.
use super::*;
use crate::room_id::room_id_from_bytes;
use conclave_protocol::{GroupStatus, IceTransportPolicy};

/// Peers are plain names in these tests.
type Peer = &'static str;

const TTL: Duration = Duration::from_secs(60);

fn rooms(max_rooms: usize, max_participants: usize) -> Rooms<Peer> {
    Rooms::new(RoomLimits {
        max_rooms,
        max_participants,
        empty_room_ttl: TTL,
    })
}

fn room(n: u8) -> RoomId {
    room_id_from_bytes([n; 16])
}

fn no_sfu_room() -> SfuRoomSpec {
    panic!("a mesh room makes no SFU room")
}

/// A join in mesh mode at Unix time 0.
fn mesh() -> JoinContext<fn() -> SfuRoomSpec> {
    JoinContext {
        unix_now: 0,
        fresh_sfu_room: no_sfu_room,
    }
}

fn recipients(deliveries: &[Delivery<Peer>]) -> Vec<Peer> {
    deliveries.iter().map(|d| d.to).collect()
}

#[test]
fn joiners_get_ids_from_one_and_see_who_is_there() {
    let mut rooms = rooms(10, 6);
    let now = Instant::now();
    rooms.create(room(1), now).unwrap();

    let ada = rooms.join(&room(1), "ada", mesh()).unwrap();
    assert_eq!(ada.you, ParticipantId(1));
    assert!(ada.announcements.is_empty());
    assert_eq!(
        ada.reply,
        ServerMessage::Joined {
            you: ParticipantId(1),
            participants: vec![],
            media_mode: MediaMode::Mesh,
            ice_servers: Vec::new(),
            ice_transport_policy: IceTransportPolicy::All,
            group: GroupStatus::default(),
            hold_token: None,
        }
    );

    let bob = rooms.join(&room(1), "bob", mesh()).unwrap();
    assert_eq!(bob.you, ParticipantId(2));
    let ServerMessage::Joined { participants, .. } = &bob.reply else {
        panic!("expected joined, got {:?}", bob.reply);
    };
    assert_eq!(participants, &vec![ParticipantInfo { id: ada.you }]);
    assert_eq!(recipients(&bob.announcements), vec!["ada"]);
    assert_eq!(rooms.participants(&room(1)).len(), 2);
}

#[test]
fn unknown_rooms_cannot_be_joined() {
    let mut rooms = rooms(10, 6);
    let err = rooms.join(&room(9), "ada", mesh()).unwrap_err();
    assert!(matches!(err, Error::UnknownRoom));
}

#[test]
fn a_full_room_refuses_the_next_joiner() {
    let mut rooms = rooms(10, 2);
    rooms.create(room(1), Instant::now()).unwrap();
    rooms.join(&room(1), "ada", mesh()).unwrap();
    rooms.join(&room(1), "bob", mesh()).unwrap();
    let err = rooms.join(&room(1), "cy", mesh()).unwrap_err();
    assert!(matches!(err, Error::RoomFull));
}

#[test]
fn the_room_count_is_capped() {
    let mut rooms = rooms(1, 6);
    rooms.create(room(1), Instant::now()).unwrap();
    assert!(matches!(
        rooms.create(room(2), Instant::now()),
        Err(Error::TooManyRooms)
    ));
    assert_eq!(rooms.len(), 1);
}

#[test]
fn the_same_id_cannot_be_created_twice() {
    let mut rooms = rooms(10, 6);
    rooms.create(room(1), Instant::now()).unwrap();
    assert!(matches!(
        rooms.create(room(1), Instant::now()),
        Err(Error::RoomIdTaken)
    ));
}

#[test]
fn signals_reach_only_the_named_participant() {
    let mut rooms = rooms(10, 6);
    rooms.create(room(1), Instant::now()).unwrap();
    let ada = rooms.join(&room(1), "ada", mesh()).unwrap().you;
    let bob = rooms.join(&room(1), "bob", mesh()).unwrap().you;
    rooms.join(&room(1), "cy", mesh()).unwrap();
    let payload = SignalPayload::Offer {
        sdp: "v=0".into(),
        signature: Bytes::default(),
    };
    let delivery = rooms
        .route_signal(&room(1), ada, bob, payload.clone())
        .unwrap();
    assert_eq!(delivery.to, "bob");
    assert_eq!(
        delivery.message,
        ServerMessage::Signal { from: ada, payload }
    );
}

#[test]
fn signals_do_not_cross_rooms() {
    let mut rooms = rooms(10, 6);
    rooms.create(room(1), Instant::now()).unwrap();
    rooms.create(room(2), Instant::now()).unwrap();
    let ada = rooms.join(&room(1), "ada", mesh()).unwrap().you;
    rooms.join(&room(2), "bob", mesh()).unwrap();
    rooms.join(&room(2), "eve", mesh()).unwrap();
    // Eve is participant 2 of room 2; there is no participant 2 in room 1.
    let payload = SignalPayload::Answer {
        sdp: "v=0".into(),
        signature: Bytes::default(),
    };
    let err = rooms
        .route_signal(&room(1), ada, ParticipantId(2), payload)
        .unwrap_err();
    assert!(matches!(err, Error::UnknownParticipant));
}

#[test]
fn leaving_tells_the_others_once() {
    let mut rooms = rooms(10, 6);
    let now = Instant::now();
    rooms.create(room(1), now).unwrap();
    let ada = rooms.join(&room(1), "ada", mesh()).unwrap().you;
    rooms.join(&room(1), "bob", mesh()).unwrap();
    let left = rooms.leave(&room(1), ada, now).deliveries;
    assert_eq!(recipients(&left), vec!["bob"]);
    assert_eq!(left[0].message, ServerMessage::ParticipantLeft { id: ada });
    assert!(rooms.leave(&room(1), ada, now).deliveries.is_empty());
    assert!(matches!(
        rooms.route_signal(
            &room(1),
            ada,
            ParticipantId(2),
            SignalPayload::Answer {
                sdp: String::new(),
                signature: Bytes::default()
            }
        ),
        Err(Error::NotJoined)
    ));
}

#[test]
fn join_challenges_reach_joiners_and_queries_get_the_group_status() {
    let mut rooms = rooms(10, 6);
    let now = Instant::now();
    rooms.create(room(1), now).unwrap();
    let ada = rooms.join(&room(1), "ada", mesh()).unwrap().you;
    let bob = rooms.join(&room(1), "bob", mesh()).unwrap().you;
    let challenge = JoinChallenge {
        epoch: 0,
        challenge: Bytes(vec![7; conclave_protocol::JOIN_CHALLENGE_BYTES]),
    };
    // No group yet: refused with a clear error, nothing changes.
    let refused = rooms
        .set_join_challenge(&room(1), ada, challenge.clone())
        .unwrap_err();
    assert!(matches!(
        refused.reply(),
        Some(ServerMessage::Error {
            code: conclave_protocol::ErrorCode::InvalidJoinChallenge,
            ..
        })
    ));
    rooms.start_group(&room(1), ada).unwrap();
    let told = rooms
        .set_join_challenge(&room(1), ada, challenge.clone())
        .unwrap();
    assert_eq!(recipients(&told), vec!["bob"]);
    assert_eq!(
        told[0].message,
        ServerMessage::JoinChallenge(challenge.clone())
    );
    // A later joiner finds it in `joined`, and a query returns it with the epoch.
    let cy = rooms.join(&room(1), "cy", mesh()).unwrap();
    let ServerMessage::Joined { group, .. } = &cy.reply else {
        panic!("expected joined, got {:?}", cy.reply);
    };
    assert_eq!(group.join_challenge, Some(challenge.clone()));
    assert_eq!(
        rooms.group_status(&room(1), bob).unwrap(),
        ServerMessage::GroupStatus {
            group: GroupStatus {
                epoch: Some(0),
                members: vec![ada],
                join_challenge: Some(challenge),
            }
        }
    );
    // Bob is no member: his challenge is refused and the stored one stays.
    let forged = JoinChallenge {
        epoch: 0,
        challenge: Bytes(vec![0; conclave_protocol::JOIN_CHALLENGE_BYTES]),
    };
    assert!(matches!(
        rooms.set_join_challenge(&room(1), bob, forged),
        Err(Error::JoinChallengeRejected(_))
    ));
    let ServerMessage::GroupStatus { group } = rooms.group_status(&room(1), cy.you).unwrap() else {
        panic!("expected group_status");
    };
    assert_eq!(
        group.join_challenge.map(|c| c.challenge),
        Some(Bytes(vec![7; conclave_protocol::JOIN_CHALLENGE_BYTES]))
    );
    assert!(matches!(
        rooms.group_status(&room(1), ParticipantId(99)),
        Err(Error::NotJoined)
    ));
}

/// Ada starts the group and adds Bob; Cy is present outside it.
fn ada_and_bob_with_cy(rooms: &mut Rooms<Peer>) -> [ParticipantId; 3] {
    rooms.create(room(1), Instant::now()).unwrap();
    let ids = ["ada", "bob", "cy"].map(|peer| rooms.join(&room(1), peer, mesh()).unwrap().you);
    rooms.start_group(&room(1), ids[0]).unwrap();
    rooms
        .commit(
            &room(1),
            ids[0],
            CommitRequest {
                epoch: 0,
                commit: Bytes(vec![0]),
                welcome: Some(Bytes(vec![1])),
                added: vec![ids[1]],
                removed: vec![],
                expelled: vec![],
            },
        )
        .unwrap();
    ids
}

#[test]
fn an_expelled_participant_gets_the_commit_then_leaves_the_room_closed() {
    let mut rooms = rooms(10, 6);
    let [ada, bob, cy] = ada_and_bob_with_cy(&mut rooms);
    let effects = rooms
        .commit(
            &room(1),
            ada,
            CommitRequest {
                epoch: 1,
                commit: Bytes(vec![2]),
                welcome: None,
                added: vec![],
                removed: vec![bob],
                expelled: vec![bob],
            },
        )
        .unwrap();
    assert_eq!(
        recipients(&effects.deliveries),
        vec!["ada", "bob", "ada", "cy"]
    );
    assert!(matches!(
        effects.deliveries[1].message,
        ServerMessage::Commit { .. }
    ));
    assert_eq!(
        effects.deliveries[3].message,
        ServerMessage::ParticipantLeft { id: bob }
    );
    assert_eq!(
        effects.closes,
        vec![("bob", (close_code::REMOVED, close_code::REMOVED_REASON))]
    );
    assert_eq!(effects.sfu_command, None, "mesh: no SFU room");
    assert_eq!(
        rooms.participants(&room(1)),
        vec![ParticipantInfo { id: ada }, ParticipantInfo { id: cy }]
    );
    // Bob's own connection ending later changes nothing more.
    assert!(rooms
        .leave(&room(1), bob, Instant::now())
        .deliveries
        .is_empty());
}

#[test]
fn a_member_ends_the_meeting_for_everyone_and_the_room_is_gone() {
    let mut rooms = rooms(10, 6);
    let [ada, bob, cy] = ada_and_bob_with_cy(&mut rooms);
    // Cy is no member: refused, nothing changes.
    assert!(matches!(
        rooms.end_meeting(&room(1), cy),
        Err(Error::NotAMember("end_meeting"))
    ));
    assert!(rooms.contains(&room(1)));
    let ended = rooms.end_meeting(&room(1), bob).unwrap();
    assert_eq!(recipients(&ended.deliveries), vec!["ada", "bob", "cy"]);
    assert!(ended
        .deliveries
        .iter()
        .all(|d| d.message == ServerMessage::MeetingEnded));
    let closed: Vec<Peer> = ended.closes.iter().map(|(peer, _)| *peer).collect();
    assert_eq!(closed, vec!["ada", "bob", "cy"]);
    assert!(ended
        .closes
        .iter()
        .all(|(_, close)| close.0 == close_code::MEETING_ENDED));
    assert!(!rooms.contains(&room(1)));
    assert!(rooms
        .leave(&room(1), ada, Instant::now())
        .deliveries
        .is_empty());
    assert!(matches!(
        rooms.join(&room(1), "dee", mesh()),
        Err(Error::UnknownRoom)
    ));
    // A page that was away cannot have the ended meeting's room held again.
    assert!(matches!(
        rooms.hold(room(1), Instant::now()),
        Err(Error::RoomEnded)
    ));
    assert!(!rooms.contains(&room(1)));
}

#[test]
fn holding_a_room_creates_it_once_and_leaves_a_held_one_alone() {
    let mut rooms = rooms(1, 6);
    let now = Instant::now();
    rooms.hold(room(1), now).unwrap();
    let ada = rooms.join(&room(1), "ada", mesh()).unwrap().you;
    // At the room limit, holding the room that is held still succeeds and changes nothing.
    rooms.hold(room(1), now).unwrap();
    assert_eq!(
        rooms.participants(&room(1)),
        vec![ParticipantInfo { id: ada }]
    );
    assert!(matches!(rooms.hold(room(2), now), Err(Error::TooManyRooms)));
}

#[test]
fn application_messages_reach_the_other_members_within_a_rate_limit() {
    let mut rooms = rooms(10, 6);
    let [ada, bob, cy] = ada_and_bob_with_cy(&mut rooms);
    let now = Instant::now();
    let sealed = || Bytes(vec![7; 32]);
    let sent = rooms
        .relay_application_message(&room(1), ada, sealed(), now)
        .unwrap();
    assert_eq!(recipients(&sent), vec!["bob"], "Cy is knocking: no member");
    // A knocker's message is refused, and costs it nothing.
    assert!(matches!(
        rooms.relay_application_message(&room(1), cy, sealed(), now),
        Err(Error::NotAMember("application_message"))
    ));
    for _ in 1..APPLICATION_MESSAGES_PER_WINDOW {
        rooms
            .relay_application_message(&room(1), ada, sealed(), now)
            .unwrap();
    }
    assert!(matches!(
        rooms.relay_application_message(&room(1), ada, sealed(), now),
        Err(Error::ApplicationMessageRateLimited)
    ));
    // Each member has a budget of its own, and it refills.
    rooms
        .relay_application_message(&room(1), bob, sealed(), now)
        .unwrap();
    rooms
        .relay_application_message(&room(1), ada, sealed(), now + APPLICATION_MESSAGE_WINDOW)
        .unwrap();
}

#[test]
fn ids_are_not_reused_after_a_leave() {
    let mut rooms = rooms(10, 6);
    let now = Instant::now();
    rooms.create(room(1), now).unwrap();
    let ada = rooms.join(&room(1), "ada", mesh()).unwrap().you;
    rooms.leave(&room(1), ada, now);
    let again = rooms.join(&room(1), "ada", mesh()).unwrap().you;
    assert_ne!(ada, again);
}

#[test]
fn empty_rooms_are_swept_after_the_ttl_and_occupied_ones_never() {
    let mut rooms = rooms(10, 6);
    let start = Instant::now();
    rooms.create(room(1), start).unwrap();
    rooms.create(room(2), start).unwrap();
    let ada = rooms.join(&room(2), "ada", mesh()).unwrap().you;

    assert_eq!(rooms.sweep(start + TTL), 0, "a new room survives its TTL");
    assert_eq!(rooms.sweep(start + TTL + Duration::from_secs(1)), 1);
    assert!(!rooms.contains(&room(1)));
    assert!(rooms.contains(&room(2)));

    let later = start + 10 * TTL;
    assert_eq!(rooms.sweep(later), 0, "an occupied room is never swept");
    rooms.leave(&room(2), ada, later);
    assert_eq!(rooms.sweep(later + TTL), 0);
    assert_eq!(rooms.sweep(later + TTL + Duration::from_secs(1)), 1);
    assert!(rooms.is_empty());
}

mod in_sfu_mode {
    use super::*;
    use crate::config::{JanusConfig, Secret};
    use conclave_protocol::{ErrorCode, SfuAccess};

    fn janus_rooms() -> Rooms<Peer> {
        let turn = TurnConfig::new(
            "turn.urls",
            vec!["turn:turn.example.org".into()],
            Secret::new("turn-secret"),
            TTL,
        )
        .unwrap();
        Rooms::with_media(
            RoomLimits {
                max_rooms: 10,
                max_participants: 6,
                empty_room_ttl: TTL,
            },
            MediaPolicy {
                sfu: Some(SfuEndpoint::Janus(JanusConfig {
                    url: "wss://janus.example.org/ws".into(),
                    api_secret: None,
                    admin_key: None,
                    trust: Default::default(),
                })),
                ice_servers: Vec::new(),
                turn: Some(turn),
                ice_transport_policy: IceTransportPolicy::Relay,
            },
        )
    }

    fn spec(number: u64) -> SfuRoomSpec {
        SfuRoomSpec {
            number,
            pin: Secret::new("the-pin"),
            secret: Secret::new("the-secret"),
        }
    }

    fn at(unix_now: u64, number: u64) -> JoinContext<impl FnOnce() -> SfuRoomSpec> {
        JoinContext {
            unix_now,
            fresh_sfu_room: move || spec(number),
        }
    }

    fn ready_for(number: u64) -> ServerMessage {
        ServerMessage::SfuRoomReady {
            access: SfuAccess::Janus {
                url: "wss://janus.example.org/ws".into(),
                room: number,
                pin: "the-pin".into(),
                api_secret: None,
            },
        }
    }

    #[test]
    fn a_meeting_gets_one_sfu_room_from_first_join_to_last_leave() {
        let mut rooms = janus_rooms();
        let now = Instant::now();
        rooms.create(room(1), now).unwrap();

        let ada = rooms.join(&room(1), "ada", at(1000, 42)).unwrap();
        let ServerMessage::Joined {
            media_mode,
            ice_servers,
            ice_transport_policy,
            ..
        } = &ada.reply
        else {
            panic!("expected joined, got {:?}", ada.reply);
        };
        assert_eq!(*media_mode, MediaMode::Janus);
        assert_eq!(ice_servers[0].username.as_deref(), Some("1060:1"));
        assert_eq!(*ice_transport_policy, IceTransportPolicy::Relay);
        assert_eq!(
            ada.sfu_command,
            Some(SfuCommand::Create {
                room: room(1),
                spec: spec(42)
            })
        );
        assert_eq!(ada.sfu_notice, None);

        let told = rooms.apply_sfu_event(&SfuEvent::Ready {
            room: room(1),
            number: 42,
        });
        assert_eq!(recipients(&told), vec!["ada"]);
        assert_eq!(told[0].message, ready_for(42));

        let bob = rooms.join(&room(1), "bob", at(1000, 43)).unwrap();
        assert_eq!(bob.sfu_command, None, "one SFU room per meeting");
        assert_eq!(bob.sfu_notice, Some(ready_for(42)));

        let left = rooms.leave(&room(1), ada.you, now);
        assert_eq!(left.sfu_command, None, "bob is still there");
        let left = rooms.leave(&room(1), bob.you, now);
        assert_eq!(
            left.sfu_command,
            Some(SfuCommand::Destroy {
                room: room(1),
                spec: spec(42)
            })
        );
    }

    #[test]
    fn an_unavailable_sfu_is_told_and_a_recreated_room_is_announced_again() {
        let mut rooms = janus_rooms();
        rooms.create(room(1), Instant::now()).unwrap();
        rooms.join(&room(1), "ada", at(0, 42)).unwrap();
        let down = SfuEvent::Unavailable {
            room: room(1),
            number: 42,
        };
        let told = rooms.apply_sfu_event(&down);
        assert!(matches!(
            told[0].message,
            ServerMessage::Error {
                code: ErrorCode::SfuUnavailable,
                ..
            }
        ));
        assert!(rooms.apply_sfu_event(&down).is_empty(), "told once");
        let bob = rooms.join(&room(1), "bob", at(0, 43)).unwrap();
        assert!(matches!(
            bob.sfu_notice,
            Some(ServerMessage::Error {
                code: ErrorCode::SfuUnavailable,
                ..
            })
        ));
        let told = rooms.apply_sfu_event(&SfuEvent::Ready {
            room: room(1),
            number: 42,
        });
        assert_eq!(recipients(&told), vec!["ada", "bob"]);
        assert!(told.iter().all(|d| d.message == ready_for(42)));
    }

    #[test]
    fn reports_about_a_gone_room_reach_nobody() {
        let mut rooms = janus_rooms();
        let now = Instant::now();
        rooms.create(room(1), now).unwrap();
        let ada = rooms.join(&room(1), "ada", at(0, 42)).unwrap().you;
        rooms.leave(&room(1), ada, now);
        rooms.join(&room(1), "bob", at(0, 43)).unwrap();
        let stale = SfuEvent::Ready {
            room: room(1),
            number: 42,
        };
        assert!(rooms.apply_sfu_event(&stale).is_empty());
        let unknown = SfuEvent::Ready {
            room: room(9),
            number: 42,
        };
        assert!(rooms.apply_sfu_event(&unknown).is_empty());
    }
}
