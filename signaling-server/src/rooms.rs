//! Room state: which participants are in which room, and where each message goes.
//!
//! Plain data with no IO and no clock: the caller passes the time (`now`) and carries out
//! the returned [`Delivery`]s. `P` is the caller's handle to a participant's outbound
//! queue; this module only clones it and hands it back. Each room's MLS handshake
//! messages are ordered by its [`DeliveryService`]; in SFU mode each room's room on the
//! SFU follows its [`SfuRoomLifecycle`], and the [`SfuCommand`]s returned here are for the
//! caller to hand to the SFU actor.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use conclave_protocol::{
    close_code, Bytes, IceServer, JoinChallenge, KnockAnswer, MediaMode, ParticipantId,
    ParticipantInfo, RoomId, ServerMessage, SignalPayload,
};

use crate::config::ice::ice_servers_for;
use crate::config::TurnConfig;
use crate::sfu::lifecycle::{SfuCommand, SfuEndpoint, SfuEvent, SfuRoomLifecycle, SfuRoomSpec};

use crate::delivery_service::{CommitRequest, DeliveryService, KeyPackageBudget, Routed};
use crate::error::Error;
#[cfg(feature = "test-hooks")]
use crate::handshake_faults::{FaultRequest, FaultsStatus, HandshakeFaults};
#[cfg(feature = "test-hooks")]
use crate::hostile::{HostileRequest, HostileServer, HostileStatus};

/// A message the caller must put on one participant's queue.
#[derive(Debug)]
pub struct Delivery<P> {
    /// The recipient's queue handle.
    pub to: P,
    /// What to send.
    pub message: ServerMessage,
}

/// The result of a successful join.
#[derive(Debug)]
pub struct Joined<P> {
    /// The id given to the newcomer.
    pub you: ParticipantId,
    /// The `joined` reply for the newcomer.
    pub reply: ServerMessage,
    /// For the newcomer right after `joined`: `sfu_room_ready` or `error sfu_unavailable`.
    pub sfu_notice: Option<ServerMessage>,
    /// `participant_joined` for everyone else in the room.
    pub announcements: Vec<Delivery<P>>,
    /// For the SFU actor: create the room's SFU room (first participant only).
    pub sfu_command: Option<SfuCommand>,
}

/// A close frame: code and fixed reason.
pub type CloseFrame = (u16, &'static str);

/// What the caller must carry out after a request that may end other connections: the
/// deliveries first, then the closes (each after everything queued to that peer), then
/// the SFU command.
#[derive(Debug)]
pub struct Effects<P> {
    /// Messages, in order.
    pub deliveries: Vec<Delivery<P>>,
    /// Connections to close, with their close frames.
    pub closes: Vec<(P, CloseFrame)>,
    /// For the SFU actor: destroy the room's SFU room (the meeting ended), or kick the
    /// expelled participants off it.
    pub sfu_command: Option<SfuCommand>,
}

/// The result of a leave.
#[derive(Debug)]
pub struct Left<P> {
    /// `participant_left` (and perhaps `group_ended`) for those remaining.
    pub deliveries: Vec<Delivery<P>>,
    /// For the SFU actor: destroy the room's SFU room (the room emptied).
    pub sfu_command: Option<SfuCommand>,
}

/// How the rooms' media travel and which ICE servers participants get.
#[derive(Clone, Debug, Default)]
pub struct MediaPolicy {
    /// The SFU, or `None` for mesh.
    pub sfu: Option<SfuEndpoint>,
    /// ICE servers given to everyone as they are.
    pub ice_servers: Vec<IceServer>,
    /// A TURN server with per-participant credentials.
    pub turn: Option<TurnConfig>,
}

impl MediaPolicy {
    fn mode(&self) -> MediaMode {
        self.sfu
            .as_ref()
            .map_or(MediaMode::Mesh, SfuEndpoint::media_mode)
    }
}

/// What a join needs from outside: the wall-clock time (TURN credentials expire) and a
/// source of fresh SFU rooms (random numbers and pins).
pub struct JoinContext<F: FnOnce() -> SfuRoomSpec> {
    /// Seconds since the Unix epoch.
    pub unix_now: u64,
    /// Draws the room's SFU room, if the join has to create it.
    pub fresh_sfu_room: F,
}

/// Limits that apply to every room.
#[derive(Clone, Copy, Debug)]
pub struct RoomLimits {
    /// Most rooms held at once.
    pub max_rooms: usize,
    /// Most participants in one room.
    pub max_participants: usize,
    /// How long a room may stay empty before [`Rooms::sweep`] removes it.
    pub empty_room_ttl: Duration,
}

#[derive(Debug)]
struct Member<P> {
    info: ParticipantInfo,
    peer: P,
    key_packages: KeyPackageBudget,
}

#[derive(Debug)]
struct Room<P> {
    /// In join order.
    members: Vec<Member<P>>,
    /// Ids are never reused within a room, so a late message cannot reach a newcomer.
    next_id: u64,
    /// When the room last became empty; `None` while someone is in it.
    empty_since: Option<Instant>,
    /// The room's MLS group, as far as the server knows it.
    delivery: DeliveryService,
    /// The room's room on the SFU (always empty in mesh mode).
    sfu: SfuRoomLifecycle,
}

impl<P: Clone> Room<P> {
    fn member(&self, id: ParticipantId) -> Option<&Member<P>> {
        self.members.iter().find(|member| member.info.id == id)
    }

    fn member_mut(&mut self, id: ParticipantId) -> Option<&mut Member<P>> {
        self.members.iter_mut().find(|member| member.info.id == id)
    }

    /// Who is in the room, in join order.
    fn present(&self) -> Vec<ParticipantId> {
        self.members.iter().map(|member| member.info.id).collect()
    }

    /// Puts queue handles on messages addressed by id, skipping ids no longer present.
    fn address(&self, routed: Vec<Routed>) -> Vec<Delivery<P>> {
        routed
            .into_iter()
            .filter_map(|routed| {
                let member = self.member(routed.to)?;
                Some(Delivery {
                    to: member.peer.clone(),
                    message: routed.message,
                })
            })
            .collect()
    }
}

/// Every room on the server.
#[derive(Debug)]
pub struct Rooms<P> {
    rooms: HashMap<RoomId, Room<P>>,
    limits: RoomLimits,
    media: MediaPolicy,
    /// Test-only handshake faults (feature `test-hooks`).
    #[cfg(feature = "test-hooks")]
    faults: HandshakeFaults,
    /// Test-only hostile server modes (feature `test-hooks`).
    #[cfg(feature = "test-hooks")]
    hostile: HostileServer,
}

impl<P: Clone> Rooms<P> {
    /// No rooms yet; mesh media, no ICE servers.
    pub fn new(limits: RoomLimits) -> Self {
        Self::with_media(limits, MediaPolicy::default())
    }

    /// No rooms yet; media as `media` says.
    pub fn with_media(limits: RoomLimits, media: MediaPolicy) -> Self {
        Self {
            rooms: HashMap::new(),
            limits,
            media,
            #[cfg(feature = "test-hooks")]
            faults: HandshakeFaults::default(),
            #[cfg(feature = "test-hooks")]
            hostile: HostileServer::default(),
        }
    }

    /// Creates an empty room; it lives at least [`RoomLimits::empty_room_ttl`] from `now`
    /// so that its creator has time to join.
    pub fn create(&mut self, id: RoomId, now: Instant) -> Result<(), Error> {
        if self.rooms.len() >= self.limits.max_rooms {
            return Err(Error::TooManyRooms);
        }
        if self.rooms.contains_key(&id) {
            return Err(Error::RoomIdTaken);
        }
        let room = Room {
            members: Vec::new(),
            next_id: 1,
            empty_since: Some(now),
            delivery: DeliveryService::new(self.limits.max_participants),
            sfu: SfuRoomLifecycle::default(),
        };
        self.rooms.insert(id, room);
        Ok(())
    }

    /// Whether the room exists.
    pub fn contains(&self, id: &RoomId) -> bool {
        self.rooms.contains_key(id)
    }

    /// Number of rooms held.
    pub fn len(&self) -> usize {
        self.rooms.len()
    }

    /// Whether no room is held.
    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty()
    }

    /// Adds a participant whose messages go to `peer`. In SFU mode the first participant
    /// makes the room's SFU room (see [`SfuRoomLifecycle::participant_joined`]).
    pub fn join<F: FnOnce() -> SfuRoomSpec>(
        &mut self,
        room_id: &RoomId,
        peer: P,
        context: JoinContext<F>,
    ) -> Result<Joined<P>, Error> {
        let room = self.rooms.get_mut(room_id).ok_or(Error::UnknownRoom)?;
        if room.members.len() >= self.limits.max_participants {
            return Err(Error::RoomFull);
        }
        let you = ParticipantId(room.next_id);
        room.next_id = room.next_id.saturating_add(1);
        let info = ParticipantInfo { id: you };
        let announcements = room
            .members
            .iter()
            .map(|member| Delivery {
                to: member.peer.clone(),
                message: ServerMessage::ParticipantJoined {
                    participant: info.clone(),
                },
            })
            .collect();
        let group = room.delivery.status();
        #[cfg(feature = "test-hooks")]
        let group = self.hostile.group_status_shown(room_id, group);
        let reply = ServerMessage::Joined {
            you,
            participants: room.members.iter().map(|m| m.info.clone()).collect(),
            media_mode: self.media.mode(),
            group,
            ice_servers: ice_servers_for(
                &self.media.ice_servers,
                self.media.turn.as_ref(),
                you,
                context.unix_now,
            ),
        };
        let (sfu_command, sfu_notice) = match &self.media.sfu {
            Some(endpoint) => {
                room.sfu
                    .participant_joined(room_id, endpoint, context.fresh_sfu_room, you)
            }
            None => (None, None),
        };
        room.members.push(Member {
            info,
            peer,
            key_packages: KeyPackageBudget::default(),
        });
        room.empty_since = None;
        Ok(Joined {
            you,
            reply,
            sfu_notice,
            announcements,
            sfu_command,
        })
    }

    /// Removes a participant and tells the others. Leaving twice, or leaving a room that
    /// is gone, yields nothing. The last one out destroys the room's SFU room.
    pub fn leave(&mut self, room_id: &RoomId, who: ParticipantId, now: Instant) -> Left<P> {
        let nothing = || Left {
            deliveries: Vec::new(),
            sfu_command: None,
        };
        let Some(room) = self.rooms.get_mut(room_id) else {
            return nothing();
        };
        let before = room.members.len();
        room.members.retain(|member| member.info.id != who);
        if room.members.len() == before {
            return nothing();
        }
        let mut sfu_command = None;
        if room.members.is_empty() {
            room.empty_since = Some(now);
            sfu_command = room.sfu.room_emptied(room_id);
        }
        let mut deliveries: Vec<Delivery<P>> = room
            .members
            .iter()
            .map(|member| Delivery {
                to: member.peer.clone(),
                message: ServerMessage::ParticipantLeft { id: who },
            })
            .collect();
        let present = room.present();
        let ended = room.delivery.participant_left(&present);
        deliveries.extend(room.address(ended));
        #[cfg(feature = "test-hooks")]
        if room.delivery.group().is_none() {
            self.faults.forget_room(room_id);
        }
        Left {
            deliveries,
            sfu_command,
        }
    }

    /// Applies the SFU actor's report about a room: everyone present hears
    /// `sfu_room_ready` (with access made for them) or (once) `error sfu_unavailable`.
    /// Stale reports yield nothing.
    pub fn apply_sfu_event(&mut self, event: &SfuEvent) -> Vec<Delivery<P>> {
        let room_id = match event {
            SfuEvent::Ready { room, .. } | SfuEvent::Unavailable { room, .. } => room,
        };
        let (Some(room), Some(endpoint)) = (self.rooms.get_mut(room_id), &self.media.sfu) else {
            return Vec::new();
        };
        let Some(notice) = room.sfu.apply(event) else {
            return Vec::new();
        };
        room.members
            .iter()
            .filter_map(|member| {
                Some(Delivery {
                    to: member.peer.clone(),
                    message: notice.message_for(endpoint, member.info.id)?,
                })
            })
            .collect()
    }

    /// `start_group` from `from`: see [`DeliveryService::start_group`].
    pub fn start_group(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
    ) -> Result<Vec<Delivery<P>>, Error> {
        let room = self.rooms.get_mut(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        let present = room.present();
        let routed = room.delivery.start_group(from, &present)?;
        Ok(room.address(routed))
    }

    /// `publish_key_package` from `from`, counted against its rate limit at `now`: see
    /// [`DeliveryService::relay_key_package`].
    pub fn publish_key_package(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
        key_package: Bytes,
        invite_proof: Bytes,
        now: Instant,
    ) -> Result<Vec<Delivery<P>>, Error> {
        let room = self.rooms.get_mut(room_id).ok_or(Error::UnknownRoom)?;
        #[cfg(feature = "test-hooks")]
        {
            let present: Vec<ParticipantInfo> =
                room.members.iter().map(|m| m.info.clone()).collect();
            if room.member(from).is_some() {
                if let Some(routed) =
                    self.hostile
                        .capture_key_package(room_id, from, &present, &key_package)
                {
                    return Ok(room.address(routed));
                }
            }
        }
        if room.delivery.group().is_none() {
            return Err(Error::NoGroup);
        }
        room.member_mut(from)
            .ok_or(Error::NotJoined)?
            .key_packages
            .spend(now)?;
        let present = room.present();
        let routed = room
            .delivery
            .relay_key_package(from, &present, key_package, invite_proof)?;
        Ok(room.address(routed))
    }

    /// `set_join_challenge` from `from`: see [`DeliveryService::set_join_challenge`]. A
    /// refusal is [`Error::JoinChallengeRejected`], answered to the sender only.
    pub fn set_join_challenge(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
        challenge: JoinChallenge,
    ) -> Result<Vec<Delivery<P>>, Error> {
        let room = self.rooms.get_mut(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        let present = room.present();
        let routed = room
            .delivery
            .set_join_challenge(from, &present, challenge)
            .map_err(Error::JoinChallengeRejected)?;
        Ok(room.address(routed))
    }

    /// `query_group_status` from `from`: the `group_status` answer, the room's group as
    /// the server knows it now.
    pub fn group_status(
        &self,
        room_id: &RoomId,
        from: ParticipantId,
    ) -> Result<ServerMessage, Error> {
        let room = self.rooms.get(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        Ok(ServerMessage::GroupStatus {
            group: room.delivery.status(),
        })
    }

    /// `commit` from `from`: see [`DeliveryService::commit`]. A rejection is
    /// [`Error::CommitRejected`], answered to the sender only. Once the commit is
    /// relayed, the participants it expels leave the room: the others hear
    /// `participant_left` and their connections are closed with
    /// [`close_code::REMOVED`] (the sender stays, so the room never empties here).
    pub fn commit(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
        request: CommitRequest,
    ) -> Result<Effects<P>, Error> {
        let room = self.rooms.get_mut(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        let present = room.present();
        let epoch = request.epoch;
        let expelled = request.expelled.clone();
        let routed = room
            .delivery
            .commit(from, &present, request)
            .map_err(|rejection| Error::CommitRejected {
                epoch,
                current_epoch: room.delivery.group().map(|group| group.epoch()),
                rejection,
            })?;
        #[cfg(feature = "test-hooks")]
        let routed = self.faults.apply_to_commit(room_id, from, routed);
        let mut effects = Effects {
            deliveries: room.address(routed),
            closes: Vec::new(),
            sfu_command: None,
        };
        #[cfg(feature = "test-hooks")]
        if self.hostile.keep_expelled(room_id, &expelled) {
            return Ok(effects);
        }
        let mut closed = Vec::new();
        for id in expelled {
            let Some(position) = room.members.iter().position(|m| m.info.id == id) else {
                continue;
            };
            let gone = room.members.remove(position);
            closed.push(id);
            effects
                .closes
                .push((gone.peer, (close_code::REMOVED, close_code::REMOVED_REASON)));
            effects
                .deliveries
                .extend(room.members.iter().map(|member| Delivery {
                    to: member.peer.clone(),
                    message: ServerMessage::ParticipantLeft { id },
                }));
        }
        effects.sfu_command = room.sfu.participants_expelled(room_id, closed);
        Ok(effects)
    }

    /// `answer_knock` from `from`: see [`DeliveryService::answer_knock`].
    pub fn answer_knock(
        &self,
        room_id: &RoomId,
        from: ParticipantId,
        to: ParticipantId,
        answer: KnockAnswer,
    ) -> Result<Vec<Delivery<P>>, Error> {
        let room = self.rooms.get(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        let routed = room
            .delivery
            .answer_knock(from, to, answer, &room.present())?;
        Ok(room.address(routed))
    }

    /// `end_meeting` from `from`, a member of the room's group: everyone in the room
    /// hears `meeting_ended` and is closed with [`close_code::MEETING_ENDED`], the room's
    /// SFU room is destroyed and the room is forgotten (its id names no room any more).
    /// Refused, with nothing changed, from a participant who is no member.
    pub fn end_meeting(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
    ) -> Result<Effects<P>, Error> {
        let room = self.rooms.get(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        room.delivery.may_end_meeting(from)?;
        let Some(mut room) = self.rooms.remove(room_id) else {
            return Err(Error::UnknownRoom);
        };
        #[cfg(feature = "test-hooks")]
        {
            self.faults.forget_room(room_id);
            let rooms = &self.rooms;
            self.hostile.retain_rooms(|id| rooms.contains_key(id));
        }
        let ended = (close_code::MEETING_ENDED, close_code::MEETING_ENDED_REASON);
        Ok(Effects {
            deliveries: room
                .members
                .iter()
                .map(|member| Delivery {
                    to: member.peer.clone(),
                    message: ServerMessage::MeetingEnded,
                })
                .collect(),
            closes: room
                .members
                .iter()
                .map(|member| (member.peer.clone(), ended))
                .collect(),
            sfu_command: room.sfu.room_emptied(room_id),
        })
    }

    /// Arms test-only handshake faults (feature `test-hooks`).
    #[cfg(feature = "test-hooks")]
    pub fn arm_faults(&mut self, request: FaultRequest) -> Result<FaultsStatus, Error> {
        self.faults.arm(request)?;
        Ok(self.faults.status())
    }

    /// Disarms every test-only handshake fault and drops held commits.
    #[cfg(feature = "test-hooks")]
    pub fn clear_faults(&mut self) -> FaultsStatus {
        self.faults.clear();
        self.faults.status()
    }

    /// The armed test-only handshake faults.
    #[cfg(feature = "test-hooks")]
    pub fn faults(&self) -> FaultsStatus {
        self.faults.status()
    }

    /// Arms test-only hostile server modes for a room (feature `test-hooks`).
    #[cfg(feature = "test-hooks")]
    pub fn arm_hostile(&mut self, request: HostileRequest) -> Result<HostileStatus, Error> {
        self.hostile.arm(request)?;
        Ok(self.hostile.status())
    }

    /// Disarms every hostile mode (feature `test-hooks`).
    #[cfg(feature = "test-hooks")]
    pub fn clear_hostile(&mut self) -> HostileStatus {
        self.hostile.clear();
        self.hostile.status()
    }

    /// The armed hostile modes and what they did (feature `test-hooks`).
    #[cfg(feature = "test-hooks")]
    pub fn hostile(&self) -> HostileStatus {
        self.hostile.status()
    }

    /// Routes a `signal` from `from` to `to`, both of which must be in the room.
    pub fn route_signal(
        &self,
        room_id: &RoomId,
        from: ParticipantId,
        to: ParticipantId,
        payload: SignalPayload,
    ) -> Result<Delivery<P>, Error> {
        let room = self.rooms.get(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        #[cfg(feature = "test-hooks")]
        let (from, to) = self
            .hostile
            .splice_signal(room_id, from, to)
            .unwrap_or((from, to));
        let recipient = room.member(to).ok_or(Error::UnknownParticipant)?;
        Ok(Delivery {
            to: recipient.peer.clone(),
            message: ServerMessage::Signal { from, payload },
        })
    }

    /// Who is in the room, in join order (empty if the room does not exist).
    pub fn participants(&self, room_id: &RoomId) -> Vec<ParticipantInfo> {
        self.rooms
            .get(room_id)
            .map(|room| room.members.iter().map(|m| m.info.clone()).collect())
            .unwrap_or_default()
    }

    /// Removes rooms that have been empty for longer than the TTL; returns how many.
    pub fn sweep(&mut self, now: Instant) -> usize {
        let ttl = self.limits.empty_room_ttl;
        let before = self.rooms.len();
        self.rooms.retain(|_, room| match room.empty_since {
            Some(since) => now.saturating_duration_since(since) <= ttl,
            None => true,
        });
        #[cfg(feature = "test-hooks")]
        {
            let rooms = &self.rooms;
            self.hostile.retain_rooms(|id| rooms.contains_key(id));
        }
        before - self.rooms.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room_id::room_id_from_bytes;
    use conclave_protocol::GroupStatus;

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
                group: GroupStatus::default(),
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
        let ServerMessage::GroupStatus { group } = rooms.group_status(&room(1), cy.you).unwrap()
        else {
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
                    })),
                    ice_servers: Vec::new(),
                    turn: Some(turn),
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
                ..
            } = &ada.reply
            else {
                panic!("expected joined, got {:?}", ada.reply);
            };
            assert_eq!(*media_mode, MediaMode::Janus);
            assert_eq!(ice_servers[0].username.as_deref(), Some("1060:1"));
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
}
