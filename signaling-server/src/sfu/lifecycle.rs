//! A meeting's room on the SFU, as the server tracks it: plain data, no IO, no clock, no
//! randomness (the caller draws [`SfuRoomSpec`]s). The actor in [`super::janus`] carries
//! out the [`SfuCommand`]s and reports [`SfuEvent`]s back.
//!
//! ```text
//!  (no SFU room) --first participant joins--> Creating --Ready--> Ready
//!        ^                                       |  ^               |
//!        |                          Unavailable  v  | Ready         | Unavailable
//!        +------room empties (Destroy)------ Unavailable <----------+
//! ```
//! Every `Ready` (also a repeated one, after the SFU restarted and the room was recreated
//! with the same number and pin) sends `sfu_room_ready` to everyone present; the first
//! `Unavailable` after a success or a request sends `error sfu_unavailable` once. A joiner
//! gets whatever the room's current status says, right after `joined`.
//!
//! Each participant's `sfu_room_ready` is made for that participant
//! ([`SfuEndpoint::access`] takes their id), so an SFU that admits each participant with
//! a token of their own fits; Janus gives everyone the room's pin.

use std::fmt;
use std::sync::Arc;

use conclave_protocol::{MediaMode, ParticipantId, RoomId, ServerMessage, SfuAccess};

use crate::config::{JanusConfig, Secret};
use crate::error::Error;

/// Largest SFU room number plus one: numbers stay below 2^53 so JavaScript holds them
/// exactly.
pub const SFU_ROOM_NUMBER_LIMIT: u64 = 1 << 53;

/// The SFU a server uses, and how participants reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SfuEndpoint {
    /// Janus' WebSocket API.
    Janus(JanusConfig),
}

impl SfuEndpoint {
    /// The mode announced in `joined`: which transport the browsers use.
    pub fn media_mode(&self) -> MediaMode {
        match self {
            Self::Janus(_) => MediaMode::Janus,
        }
    }

    /// What `participant` needs to join the room `spec` describes. It includes the pin
    /// (and Janus' API secret), because browsers speak to the SFU directly. Janus gives
    /// every participant the same access; an SFU with per-participant tokens mints
    /// `participant`'s here.
    pub fn access(&self, spec: &SfuRoomSpec, participant: ParticipantId) -> SfuAccess {
        // The room's pin opens a Janus room to anyone who holds it: no per-participant part.
        let _ = participant;
        match self {
            Self::Janus(janus) => janus_access(janus, spec),
        }
    }
}

/// What a participant needs to join the room `spec` describes on `janus`.
fn janus_access(janus: &JanusConfig, spec: &SfuRoomSpec) -> SfuAccess {
    SfuAccess::Janus {
        url: janus.url.clone(),
        room: spec.number,
        pin: spec.pin.expose().to_owned(),
        api_secret: janus
            .api_secret
            .as_ref()
            .map(|secret| secret.expose().to_owned()),
    }
}

/// The identity of one room on the SFU: its number, the pin participants need and the
/// secret that lets the server (only) destroy it. Kept across SFU restarts, so a
/// recreated room is the same room to the participants.
#[derive(Clone, PartialEq, Eq)]
pub struct SfuRoomSpec {
    /// The room's number on the SFU, in `1..2^53`.
    pub number: u64,
    /// Required to join; handed to every participant of the signaling room.
    pub pin: Secret,
    /// Required to destroy or edit the room; never leaves the server.
    pub secret: Secret,
}

impl fmt::Debug for SfuRoomSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SfuRoomSpec")
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

/// Work for the SFU actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SfuCommand {
    /// Create the room (and keep it: recreate it after the SFU comes back).
    Create {
        /// The signaling room it serves.
        room: RoomId,
        /// Its number, pin and secret.
        spec: SfuRoomSpec,
    },
    /// Destroy the room and forget it.
    Destroy {
        /// The signaling room it served.
        room: RoomId,
        /// Its number, pin and secret.
        spec: SfuRoomSpec,
    },
    /// Kick the SFU participants that say they are these signaling participants (a
    /// commit expelled them). Janus knows a browser only by the `display` it chose when
    /// it joined, which Conclave's client sets to its signaling participant id: an
    /// unverified claim, so this is a courtesy that frees the expelled member's publisher,
    /// not a guarantee (the media are end-to-end encrypted with keys it no longer has).
    Kick {
        /// The signaling room.
        room: RoomId,
        /// Its number, pin and secret.
        spec: SfuRoomSpec,
        /// Whom to kick.
        participants: Vec<ParticipantId>,
    },
}

/// What the SFU actor reports about one room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SfuEvent {
    /// The room exists on the SFU (created, or recreated after a restart).
    Ready {
        /// The signaling room.
        room: RoomId,
        /// The SFU room number it was created with.
        number: u64,
    },
    /// The SFU cannot be reached or refused the room; the actor keeps trying.
    Unavailable {
        /// The signaling room.
        room: RoomId,
        /// The SFU room number it tried.
        number: u64,
    },
    /// As [`Self::Ready`], on the Janus `janus` of several configured (the room may have
    /// moved there after its Janus went away): participants are sent there.
    ReadyAt {
        /// The signaling room.
        room: RoomId,
        /// The SFU room number it was created with.
        number: u64,
        /// The Janus that holds it.
        janus: Arc<JanusConfig>,
    },
}

/// What everyone in a room must hear about its SFU room. [`Self::message_for`] makes each
/// participant's message, since access may differ per participant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SfuNotice {
    /// The room exists: `sfu_room_ready`, with each participant's access to it.
    Ready(SfuRoomSpec),
    /// The room exists on this Janus (one of several): `sfu_room_ready` with its URL.
    ReadyAt(SfuRoomSpec, Arc<JanusConfig>),
    /// The room cannot be had for now: `error sfu_unavailable`.
    Unavailable,
}

impl SfuNotice {
    /// The message for `participant`, if any.
    pub fn message_for(
        &self,
        endpoint: &SfuEndpoint,
        participant: ParticipantId,
    ) -> Option<ServerMessage> {
        match self {
            Self::Ready(spec) => Some(ServerMessage::SfuRoomReady {
                access: endpoint.access(spec, participant),
            }),
            Self::ReadyAt(spec, janus) => Some(ServerMessage::SfuRoomReady {
                access: janus_access(janus, spec),
            }),
            Self::Unavailable => Error::SfuUnavailable.reply(),
        }
    }
}

/// Where a room's SFU room stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SfuStatus {
    /// Asked for; no outcome yet.
    Creating,
    /// Exists on the SFU; participants were told.
    Ready,
    /// Could not be created (or was lost); participants were told; the actor retries.
    Unavailable,
}

/// One signaling room's SFU room, if it has one.
#[derive(Debug, Default)]
pub struct SfuRoomLifecycle {
    current: Option<(SfuRoomSpec, SfuStatus)>,
    /// The Janus holding the room, when one of several reported it (else the endpoint's).
    janus: Option<Arc<JanusConfig>>,
}

impl SfuRoomLifecycle {
    /// The SFU room's number and status, if there is one.
    pub fn status(&self) -> Option<(u64, SfuStatus)> {
        self.current
            .as_ref()
            .map(|(spec, status)| (spec.number, *status))
    }

    /// Participant `joiner` joined `room`. The first one makes the SFU room (with the spec
    /// `fresh` draws); returns the command for the actor, if any, and the message the
    /// joiner gets right after `joined`, if any.
    pub fn participant_joined(
        &mut self,
        room: &RoomId,
        endpoint: &SfuEndpoint,
        fresh: impl FnOnce() -> SfuRoomSpec,
        joiner: ParticipantId,
    ) -> (Option<SfuCommand>, Option<ServerMessage>) {
        match &self.current {
            None => {
                let spec = fresh();
                self.current = Some((spec.clone(), SfuStatus::Creating));
                let command = SfuCommand::Create {
                    room: room.clone(),
                    spec,
                };
                (Some(command), None)
            }
            Some((_, SfuStatus::Creating)) => (None, None),
            Some((spec, SfuStatus::Ready)) => {
                (None, self.ready_notice(spec).message_for(endpoint, joiner))
            }
            Some((_, SfuStatus::Unavailable)) => {
                (None, SfuNotice::Unavailable.message_for(endpoint, joiner))
            }
        }
    }

    /// The signaling room emptied: the SFU room goes (the next joiner makes a new one).
    pub fn room_emptied(&mut self, room: &RoomId) -> Option<SfuCommand> {
        self.janus = None;
        self.current.take().map(|(spec, _)| SfuCommand::Destroy {
            room: room.clone(),
            spec,
        })
    }

    /// Participants were expelled: the command that kicks them off the SFU room, if it is
    /// ready (a room still being created has nobody to kick).
    pub fn participants_expelled(
        &self,
        room: &RoomId,
        participants: Vec<ParticipantId>,
    ) -> Option<SfuCommand> {
        match &self.current {
            Some((spec, SfuStatus::Ready)) if !participants.is_empty() => Some(SfuCommand::Kick {
                room: room.clone(),
                spec: spec.clone(),
                participants,
            }),
            _ => None,
        }
    }

    /// `sfu_room_ready` for the room, at the Janus holding it.
    fn ready_notice(&self, spec: &SfuRoomSpec) -> SfuNotice {
        match &self.janus {
            Some(janus) => SfuNotice::ReadyAt(spec.clone(), Arc::clone(janus)),
            None => SfuNotice::Ready(spec.clone()),
        }
    }

    /// Applies the actor's report; returns what everyone present must hear, if anything.
    /// Reports about another number (a room already destroyed) are ignored.
    pub fn apply(&mut self, event: &SfuEvent) -> Option<SfuNotice> {
        let (number, ready, janus) = match event {
            SfuEvent::Ready { number, .. } => (*number, true, None),
            SfuEvent::ReadyAt { number, janus, .. } => (*number, true, Some(janus)),
            SfuEvent::Unavailable { number, .. } => (*number, false, None),
        };
        let (spec, status) = self.current.as_mut()?;
        if spec.number != number {
            return None;
        }
        if ready {
            *status = SfuStatus::Ready;
            let spec = spec.clone();
            if let Some(janus) = janus {
                self.janus = Some(Arc::clone(janus));
            }
            Some(self.ready_notice(&spec))
        } else if *status == SfuStatus::Unavailable {
            None
        } else {
            *status = SfuStatus::Unavailable;
            Some(SfuNotice::Unavailable)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room_id::room_id_from_bytes;
    use conclave_protocol::ErrorCode;

    fn endpoint() -> SfuEndpoint {
        SfuEndpoint::Janus(JanusConfig {
            url: "wss://janus.example.org".into(),
            api_secret: Some(Secret::new("api")),
            admin_key: Some(Secret::new("admin")),
            trust: Default::default(),
        })
    }

    fn spec(number: u64) -> SfuRoomSpec {
        SfuRoomSpec {
            number,
            pin: Secret::new(format!("pin-{number}")),
            secret: Secret::new(format!("secret-{number}")),
        }
    }

    fn room() -> RoomId {
        room_id_from_bytes([7; 16])
    }

    /// Applies `event` and returns the message participant 1 is sent, if any.
    fn told(sfu: &mut SfuRoomLifecycle, event: &SfuEvent) -> Option<ServerMessage> {
        sfu.apply(event)?.message_for(&endpoint(), ParticipantId(1))
    }

    fn is_ready_for(message: &ServerMessage, number: u64) -> bool {
        matches!(
            message,
            ServerMessage::SfuRoomReady { access: SfuAccess::Janus { room, pin, api_secret, .. } }
                if *room == number && *pin == format!("pin-{number}") && api_secret.as_deref() == Some("api")
        )
    }

    fn is_unavailable(message: &ServerMessage) -> bool {
        matches!(
            message,
            ServerMessage::Error {
                code: ErrorCode::SfuUnavailable,
                ..
            }
        )
    }

    #[test]
    fn the_first_joiner_creates_the_room_and_later_ones_wait_for_it() {
        let mut sfu = SfuRoomLifecycle::default();
        let (command, message) =
            sfu.participant_joined(&room(), &endpoint(), || spec(5), ParticipantId(1));
        assert_eq!(
            command,
            Some(SfuCommand::Create {
                room: room(),
                spec: spec(5)
            })
        );
        assert_eq!(message, None, "nothing to say until the SFU answers");
        let (command, message) = sfu.participant_joined(
            &room(),
            &endpoint(),
            || panic!("no second room"),
            ParticipantId(1),
        );
        assert_eq!((command, message), (None, None));
        assert_eq!(sfu.status(), Some((5, SfuStatus::Creating)));
    }

    #[test]
    fn ready_tells_everyone_then_each_joiner() {
        let mut sfu = SfuRoomLifecycle::default();
        sfu.participant_joined(&room(), &endpoint(), || spec(5), ParticipantId(1));
        let everyone = told(
            &mut sfu,
            &SfuEvent::Ready {
                room: room(),
                number: 5,
            },
        )
        .unwrap();
        assert!(is_ready_for(&everyone, 5));
        let (command, message) =
            sfu.participant_joined(&room(), &endpoint(), || spec(6), ParticipantId(1));
        assert_eq!(command, None);
        assert!(is_ready_for(&message.unwrap(), 5));
    }

    #[test]
    fn a_failure_is_told_once_and_recovery_tells_ready_again() {
        let mut sfu = SfuRoomLifecycle::default();
        sfu.participant_joined(&room(), &endpoint(), || spec(5), ParticipantId(1));
        let failed = SfuEvent::Unavailable {
            room: room(),
            number: 5,
        };
        assert!(is_unavailable(&told(&mut sfu, &failed).unwrap()));
        assert_eq!(told(&mut sfu, &failed), None, "retries are silent");
        let (_, message) =
            sfu.participant_joined(&room(), &endpoint(), || spec(6), ParticipantId(1));
        assert!(
            is_unavailable(&message.unwrap()),
            "a joiner learns the SFU is down"
        );
        let ready = SfuEvent::Ready {
            room: room(),
            number: 5,
        };
        assert!(is_ready_for(&told(&mut sfu, &ready).unwrap(), 5));
    }

    #[test]
    fn an_sfu_restart_recreates_the_same_room_and_tells_ready_again() {
        let mut sfu = SfuRoomLifecycle::default();
        sfu.participant_joined(&room(), &endpoint(), || spec(5), ParticipantId(1));
        let ready = SfuEvent::Ready {
            room: room(),
            number: 5,
        };
        let first = told(&mut sfu, &ready).unwrap();
        assert!(is_unavailable(
            &told(
                &mut sfu,
                &SfuEvent::Unavailable {
                    room: room(),
                    number: 5
                }
            )
            .unwrap()
        ));
        let again = told(&mut sfu, &ready).unwrap();
        assert_eq!(first, again, "same number, same pin");
    }

    #[test]
    fn the_last_leaver_destroys_the_room_and_late_reports_are_ignored() {
        let mut sfu = SfuRoomLifecycle::default();
        sfu.participant_joined(&room(), &endpoint(), || spec(5), ParticipantId(1));
        assert_eq!(
            sfu.room_emptied(&room()),
            Some(SfuCommand::Destroy {
                room: room(),
                spec: spec(5)
            })
        );
        assert_eq!(sfu.room_emptied(&room()), None);
        let late = SfuEvent::Ready {
            room: room(),
            number: 5,
        };
        assert_eq!(told(&mut sfu, &late), None);
        let (command, _) =
            sfu.participant_joined(&room(), &endpoint(), || spec(9), ParticipantId(1));
        assert!(matches!(command, Some(SfuCommand::Create { spec, .. }) if spec.number == 9));
        assert_eq!(told(&mut sfu, &late), None, "the old number is stale");
        assert_eq!(sfu.status(), Some((9, SfuStatus::Creating)));
    }

    #[test]
    fn expelled_participants_are_kicked_only_from_a_ready_room() {
        let mut sfu = SfuRoomLifecycle::default();
        let bob = vec![ParticipantId(2)];
        assert_eq!(sfu.participants_expelled(&room(), bob.clone()), None);
        sfu.participant_joined(&room(), &endpoint(), || spec(5), ParticipantId(1));
        assert_eq!(
            sfu.participants_expelled(&room(), bob.clone()),
            None,
            "nobody is on a room still being created"
        );
        let ready = SfuEvent::Ready {
            room: room(),
            number: 5,
        };
        sfu.apply(&ready);
        assert_eq!(
            sfu.participants_expelled(&room(), bob.clone()),
            Some(SfuCommand::Kick {
                room: room(),
                spec: spec(5),
                participants: bob,
            })
        );
        assert_eq!(sfu.participants_expelled(&room(), Vec::new()), None);
    }

    #[test]
    fn a_room_moved_to_another_janus_sends_everyone_and_each_joiner_there() {
        let other = Arc::new(JanusConfig {
            url: "wss://janus-2.example.org".into(),
            api_secret: Some(Secret::new("api-2")),
            admin_key: None,
            trust: Default::default(),
        });
        let url_and_secret = |message: ServerMessage| match message {
            ServerMessage::SfuRoomReady {
                access:
                    SfuAccess::Janus {
                        url,
                        room,
                        api_secret,
                        ..
                    },
            } => (url, room, api_secret),
            other => panic!("expected sfu_room_ready, got {other:?}"),
        };
        let mut sfu = SfuRoomLifecycle::default();
        sfu.participant_joined(&room(), &endpoint(), || spec(5), ParticipantId(1));
        told(
            &mut sfu,
            &SfuEvent::Ready {
                room: room(),
                number: 5,
            },
        )
        .unwrap();
        let moved = SfuEvent::ReadyAt {
            room: room(),
            number: 5,
            janus: Arc::clone(&other),
        };
        let expected = (
            "wss://janus-2.example.org".to_owned(),
            5,
            Some("api-2".to_owned()),
        );
        assert_eq!(url_and_secret(told(&mut sfu, &moved).unwrap()), expected);
        let (_, joiner) =
            sfu.participant_joined(&room(), &endpoint(), || spec(6), ParticipantId(2));
        assert_eq!(url_and_secret(joiner.unwrap()), expected);
        // A later room for the same meeting starts from the configured endpoint again.
        sfu.room_emptied(&room());
        sfu.participant_joined(&room(), &endpoint(), || spec(7), ParticipantId(1));
        let ready = told(
            &mut sfu,
            &SfuEvent::Ready {
                room: room(),
                number: 7,
            },
        )
        .unwrap();
        assert_eq!(url_and_secret(ready).0, "wss://janus.example.org");
    }

    #[test]
    fn each_participant_gets_access_made_for_them_which_for_janus_is_the_room_pin() {
        let notice = SfuNotice::Ready(spec(5));
        let ada = notice.message_for(&endpoint(), ParticipantId(1)).unwrap();
        let bob = notice.message_for(&endpoint(), ParticipantId(2)).unwrap();
        assert!(is_ready_for(&ada, 5));
        assert_eq!(ada, bob, "a Janus room opens to anyone with its pin");
    }

    #[test]
    fn debug_shows_neither_pin_nor_secret() {
        let printed = format!(
            "{:?}",
            SfuCommand::Create {
                room: room(),
                spec: spec(5)
            }
        );
        assert!(
            !printed.contains("pin-5") && !printed.contains("secret-5"),
            "{printed}"
        );
    }
}
