//! Room state: which participants are in which room, and where each message goes.
//!
//! Plain data with no IO and no clock: the caller passes the time (`now`) and carries out
//! the returned [`Delivery`]s. `P` is the caller's handle to a participant's outbound
//! queue; this module only clones it and hands it back. Each room's MLS handshake
//! messages are ordered by its [`DeliveryService`]; in SFU mode each room's room on the
//! SFU follows its [`SfuRoomLifecycle`], and the [`SfuCommand`]s returned here are for the
//! caller to hand to the SFU actor.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use conclave_protocol::{
    close_code, Bytes, IceServer, IceTransportPolicy, JoinChallenge, KnockAnswer, MediaMode,
    ParticipantId, ParticipantInfo, RoomId, ServerMessage, SignalPayload,
};

use crate::config::ice::ice_servers_for;
use crate::config::TurnConfig;
use crate::sfu::lifecycle::{SfuCommand, SfuEndpoint, SfuEvent, SfuRoomLifecycle, SfuRoomSpec};

use crate::delivery_service::{
    CommitRequest, DeliveryService, RateBudget, Routed, APPLICATION_MESSAGES_PER_WINDOW,
    APPLICATION_MESSAGE_WINDOW, KEY_PACKAGES_PER_WINDOW, KEY_PACKAGE_WINDOW,
};
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
    /// Which candidates participants' peer connections may use.
    pub ice_transport_policy: IceTransportPolicy,
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

/// How many ended rooms are remembered (a room id is 22 characters: about 200 KiB).
pub const ENDED_ROOMS_KEPT: usize = 8_192;

#[derive(Debug)]
struct Member<P> {
    info: ParticipantInfo,
    peer: P,
    key_packages: RateBudget,
    application_messages: RateBudget,
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
    /// The latest rooms a member ended, newest last, at most [`ENDED_ROOMS_KEPT`]: they are
    /// not held again ([`Rooms::hold`]), so a page that was away cannot revive an ended
    /// meeting under its old link.
    ended: VecDeque<RoomId>,
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
            ended: VecDeque::new(),
            limits,
            media,
            #[cfg(feature = "test-hooks")]
            faults: HandshakeFaults::default(),
            #[cfg(feature = "test-hooks")]
            hostile: HostileServer::default(),
        }
    }

    /// Holds room `id` again (after a restart, the pages of a meeting in progress come back
    /// with it); nothing changes if it is held. Refused with [`Error::RoomEnded`] for a room
    /// a member ended (of the latest [`ENDED_ROOMS_KEPT`]).
    pub fn hold(&mut self, id: RoomId, now: Instant) -> Result<(), Error> {
        if self.ended.contains(&id) {
            return Err(Error::RoomEnded);
        }
        match self.create(id, now) {
            Ok(()) | Err(Error::RoomIdTaken) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Creates an empty room; it lives at least [`RoomLimits::empty_room_ttl`] from `now`
    /// so that its creator has time to join.
    pub fn create(&mut self, id: RoomId, now: Instant) -> Result<(), Error> {
        if self.rooms.contains_key(&id) {
            return Err(Error::RoomIdTaken);
        }
        if self.rooms.len() >= self.limits.max_rooms {
            return Err(Error::TooManyRooms);
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

    /// Whether room `id` exists and someone is in it.
    pub fn is_occupied(&self, id: &RoomId) -> bool {
        self.rooms
            .get(id)
            .is_some_and(|room| !room.members.is_empty())
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
            ice_transport_policy: self.media.ice_transport_policy,
            // The caller, which knows the server's creation policy, fills it in.
            hold_token: None,
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
            key_packages: RateBudget::new(KEY_PACKAGES_PER_WINDOW, KEY_PACKAGE_WINDOW),
            application_messages: RateBudget::new(
                APPLICATION_MESSAGES_PER_WINDOW,
                APPLICATION_MESSAGE_WINDOW,
            ),
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
            SfuEvent::Ready { room, .. }
            | SfuEvent::ReadyAt { room, .. }
            | SfuEvent::Unavailable { room, .. } => room,
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
        if !room
            .member_mut(from)
            .ok_or(Error::NotJoined)?
            .key_packages
            .spend(now)
        {
            return Err(Error::KeyPackageRateLimited);
        }
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

    /// `dispute_commit` from `from`: see [`DeliveryService::dispute_commit`].
    pub fn dispute_commit(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
        epoch: u64,
    ) -> Result<(), Error> {
        let room = self.rooms.get_mut(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        room.delivery.dispute_commit(from, epoch)
    }

    /// `application_message` from `from`, counted against its rate limit at `now`: see
    /// [`DeliveryService::relay_application_message`].
    pub fn relay_application_message(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
        message: Bytes,
        now: Instant,
    ) -> Result<Vec<Delivery<P>>, Error> {
        let room = self.rooms.get_mut(room_id).ok_or(Error::UnknownRoom)?;
        if room.member(from).is_none() {
            return Err(Error::NotJoined);
        }
        let present = room.present();
        // A knocker's message is refused here, before it costs anything.
        #[cfg_attr(not(feature = "test-hooks"), allow(unused_mut))]
        let mut routed = room
            .delivery
            .relay_application_message(from, message, &present)?;
        #[cfg(feature = "test-hooks")]
        for routed in &mut routed {
            if let ServerMessage::ApplicationMessage { message, .. } = &mut routed.message {
                self.hostile.tamper_application_message(room_id, message);
            }
        }
        let within_budget = room
            .member_mut(from)
            .is_some_and(|member| member.application_messages.spend(now));
        if !within_budget {
            return Err(Error::ApplicationMessageRateLimited);
        }
        Ok(room.address(routed))
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
        if self.ended.len() >= ENDED_ROOMS_KEPT {
            self.ended.pop_front();
        }
        self.ended.push_back(room_id.clone());
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

    /// Forgets `room_id` because another instance is its home now (this one lost the
    /// room's lease, `crate::cluster`): returns every participant's queue with `close`, so
    /// that they reconnect to the new home. The room is not remembered as ended.
    pub fn hand_over(&mut self, room_id: &RoomId, close: CloseFrame) -> Effects<P> {
        let Some(mut room) = self.rooms.remove(room_id) else {
            return Effects {
                deliveries: Vec::new(),
                closes: Vec::new(),
                sfu_command: None,
            };
        };
        Effects {
            deliveries: Vec::new(),
            closes: room
                .members
                .iter()
                .map(|member| (member.peer.clone(), close))
                .collect(),
            sfu_command: room.sfu.room_emptied(room_id),
        }
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
mod tests;
