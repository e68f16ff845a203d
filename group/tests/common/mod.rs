//! A meeting in memory: the real signaling server's room state and MLS Delivery Service
//! (`conclave_signaling_server::rooms`, which orders each room's handshake through
//! `delivery_service`: room presence, `StartGroup` first wins, KeyPackage relay to members
//! and its rate limit, first commit per epoch wins, Welcome routing, `GroupEnded`), driven
//! in process with the clients' [`MeetingGroup`]s, and hooks to drop, hold and reorder
//! messages on the way. Time is simulated. Participants the test plays by hand (an
//! attacker with openmls of its own, see [`rogue`]) join the same room as raw participants.

// A test harness: a failed unwrap is a failed test.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod pki;
pub mod rogue;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use conclave_group::verified_identity::Organisation;
use conclave_group::{
    Admission, ChairAction, Fingerprint, FrameSuite, GroupEvent, Identity, MeetingConfig,
    MeetingGroup, MeetingMessage, MeetingTrust, MembershipStatus, ReceivedMessage, ResyncReason,
    SecurityCode, VerificationConfig,
};
use conclave_protocol::{
    Bytes, ClientMessage, ParticipantId, ParticipantInfo, RoomId, ServerMessage,
};
use conclave_signaling_server::delivery_service::CommitRequest;
use conclave_signaling_server::rooms::{Delivery, Effects, JoinContext, RoomLimits, Rooms};
use conclave_signaling_server::sfu::lifecycle::SfuRoomSpec;
use conclave_signaling_server::Error as ServerError;
use zeroize::Zeroizing;

/// The invite secret every honest participant knows.
pub const SECRET: [u8; 32] = [42; 32];

/// One browser in the meeting.
pub struct Client {
    pub id: ParticipantId,
    pub name: String,
    pub group: MeetingGroup,
    pub inbox: VecDeque<ServerMessage>,
    /// Base keys this client was handed, by epoch.
    pub keys: BTreeMap<u64, Vec<u8>>,
    /// How many times its status became `Resyncing`.
    pub resyncs: usize,
    /// The reasons of its `Resynced` events, in order.
    pub resync_reasons: Vec<ResyncReason>,
    /// How many `CommitRejected` it received.
    pub rejections: usize,
    /// How many `Commit`s it sent.
    pub commits_sent: usize,
    /// The KeyPackages it published, oldest first (as the server got them).
    pub published: Vec<Bytes>,
    /// When it published each KeyPackage (meeting time).
    pub published_at: Vec<u64>,
    /// The chair actions it reported as not gone through.
    pub failed_actions: Vec<ChairAction>,
    /// The invite secrets it was handed after new links, in order.
    pub invite_secrets: Vec<[u8; 32]>,
    /// The invite secret it joined with.
    pub secret: [u8; 32],
    /// The meeting messages that opened, in order.
    pub received: Vec<ReceivedMessage>,
    /// Who the server said sent each application message that did not open.
    pub undecryptable: Vec<ParticipantId>,
    last_status: MembershipStatus,
}

/// Most participants in the test room (the server's room capacity): enough for the
/// `add_100th_member` example.
const ROOM_CAPACITY: usize = 128;

/// The room, on the real server's room state, and its clients.
pub struct Meeting {
    pub now_ms: u64,
    pub room_id: RoomId,
    /// The signaling server's rooms; each participant's queue handle is its id.
    server: Rooms<ParticipantId>,
    /// The server's clock at `now_ms == 0`.
    epoch_instant: Instant,
    pub clients: BTreeMap<ParticipantId, Client>,
    /// What the server sent to each participant the test plays by hand, oldest first.
    pub raw_inboxes: BTreeMap<ParticipantId, Vec<ServerMessage>>,
    /// The id the server gives next.
    next_id: u64,
    uplink: VecDeque<(ParticipantId, ClientMessage)>,
    /// Messages from these participants wait in `held_uplink` until released.
    pub hold_uplink_from: BTreeSet<ParticipantId>,
    pub held_uplink: Vec<(ParticipantId, ClientMessage)>,
    /// Drop this many of the next `Commit`s delivered to a participant.
    pub drop_commits_to: BTreeMap<ParticipantId, usize>,
    /// Hold `Commit`s to this participant until two are held, then deliver them swapped.
    pub reorder_commits_to: Option<ParticipantId>,
    reorder_held: Vec<ServerMessage>,
    /// Drop this many of the next `Welcome`s delivered to a participant.
    pub drop_welcomes_to: BTreeMap<ParticipantId, usize>,
    /// How many commits the server accepted.
    pub accepted_commits: usize,
    /// How many `QueryGroupStatus` the server answered.
    pub status_queries: usize,
    /// Every KeyPackage request the server relayed: (from, key_package, invite_proof), so a
    /// test can play a server that replays one later.
    pub key_package_log: Vec<(ParticipantId, Bytes, Bytes)>,
    /// Connections the server closed, with the close code.
    pub closed: BTreeMap<ParticipantId, u16>,
    /// The admission mode a client starting the group picks (`AnyoneWithLink` unless a test
    /// is about admission, so that the others stay about their subject).
    pub admission: Admission,
    /// The trust a client starting the group sets (none pinned, open to all by default).
    pub creation_trust: MeetingTrust,
    /// The organisations the server lists, as every client gets them when it joins.
    pub organisations: Vec<Organisation>,
}

impl Default for Meeting {
    fn default() -> Self {
        Self::new()
    }
}

impl Meeting {
    pub fn new() -> Meeting {
        let room_id = RoomId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        let mut server = Rooms::new(RoomLimits {
            max_rooms: 1,
            max_participants: ROOM_CAPACITY,
            empty_room_ttl: Duration::from_secs(3_600),
        });
        let epoch_instant = Instant::now();
        server.create(room_id.clone(), epoch_instant).unwrap();
        Meeting {
            now_ms: 1_000,
            room_id,
            server,
            epoch_instant,
            clients: BTreeMap::new(),
            raw_inboxes: BTreeMap::new(),
            next_id: 1,
            uplink: VecDeque::new(),
            hold_uplink_from: BTreeSet::new(),
            held_uplink: Vec::new(),
            drop_commits_to: BTreeMap::new(),
            reorder_commits_to: None,
            reorder_held: Vec::new(),
            drop_welcomes_to: BTreeMap::new(),
            accepted_commits: 0,
            status_queries: 0,
            key_package_log: Vec::new(),
            admission: Admission::AnyoneWithLink,
            closed: BTreeMap::new(),
            creation_trust: MeetingTrust::default(),
            organisations: Vec::new(),
        }
    }

    /// A participant with the right invite secret joins (messages not yet pumped).
    pub fn join(&mut self, name: &str) -> ParticipantId {
        self.join_with(name, SECRET, None)
    }

    /// A meeting that `names` joined one after the other, each settled before the next.
    pub fn of(names: &[&str]) -> (Meeting, Vec<ParticipantId>) {
        let mut meeting = Meeting::new();
        let ids = names
            .iter()
            .map(|name| {
                let id = meeting.join(name);
                meeting.settle();
                id
            })
            .collect();
        (meeting, ids)
    }

    /// A meeting where the chair admits, with only its chair `chair` in it.
    pub fn chaired(chair: &str) -> (Meeting, ParticipantId) {
        let mut meeting = Meeting::new();
        meeting.admission = Admission::ChairAdmits;
        let id = meeting.join(chair);
        meeting.settle();
        (meeting, id)
    }

    /// `name` knocks and `chair` admits it; it is a member after.
    pub fn admitted(&mut self, chair: ParticipantId, name: &str) -> ParticipantId {
        let id = self.join(name);
        self.settle();
        self.act(chair, |group, now| group.admit(now, id));
        self.settle();
        assert_eq!(
            self.client(id).group.roster().status,
            MembershipStatus::Member,
            "{name} admitted"
        );
        id
    }

    /// `name` joins and the meeting settles, with the commit adding it never reaching
    /// `missed_by`.
    pub fn join_unseen_by(&mut self, name: &str, missed_by: ParticipantId) -> ParticipantId {
        self.drop_commits_to.insert(missed_by, 1);
        let id = self.join(name);
        self.settle();
        id
    }

    /// Joins with the right secret but a link naming `frame_suite`.
    pub fn join_with_suite(&mut self, name: &str, frame_suite: FrameSuite) -> ParticipantId {
        self.join_as(
            name,
            SECRET,
            None,
            frame_suite,
            Identity::generate().unwrap(),
            None,
        )
    }

    /// Joins with this identity and, if its organisation enrolled it, its certificate chain.
    pub fn join_enrolled(
        &mut self,
        name: &str,
        identity: Identity,
        chain: Option<Vec<Vec<u8>>>,
    ) -> ParticipantId {
        self.join_as(name, SECRET, None, FrameSuite::default(), identity, chain)
    }

    /// Joins with a given secret; `claimed_id` makes the client believe a different id
    /// (a client lying in its credential).
    pub fn join_with(
        &mut self,
        name: &str,
        secret: [u8; 32],
        claimed_id: Option<ParticipantId>,
    ) -> ParticipantId {
        let identity = Identity::generate().unwrap();
        self.join_as(
            name,
            secret,
            claimed_id,
            FrameSuite::default(),
            identity,
            None,
        )
    }

    fn join_as(
        &mut self,
        name: &str,
        secret: [u8; 32],
        claimed_id: Option<ParticipantId>,
        frame_suite: FrameSuite,
        identity: Identity,
        certificate_chain: Option<Vec<Vec<u8>>>,
    ) -> ParticipantId {
        let (id, mut joined) = self.server_join(name);
        if let (Some(claimed), ServerMessage::Joined { you, .. }) = (claimed_id, &mut joined) {
            *you = claimed;
        }
        let config = MeetingConfig {
            room_id: self.room_id.clone(),
            invite_secret: Zeroizing::new(secret),
            display_name: name.to_owned(),
            frame_suite,
            admission: self.admission,
            verification: VerificationConfig {
                certificate_chain,
                organisations: self.organisations.clone(),
                meeting_trust: self.creation_trust.clone(),
            },
        };
        let mut group = MeetingGroup::new(identity, config);
        group.set_wall_clock(unix_now());
        let mut client = Client {
            id,
            name: name.to_owned(),
            group,
            inbox: VecDeque::new(),
            keys: BTreeMap::new(),
            resyncs: 0,
            resync_reasons: Vec::new(),
            rejections: 0,
            commits_sent: 0,
            published: Vec::new(),
            published_at: Vec::new(),
            failed_actions: Vec::new(),
            invite_secrets: Vec::new(),
            received: Vec::new(),
            undecryptable: Vec::new(),
            secret,
            last_status: MembershipStatus::Connecting,
        };
        client.inbox.push_back(joined);
        self.clients.insert(id, client);
        id
    }

    /// A participant the test plays by hand joins: what the server sends it collects in
    /// [`Meeting::raw_inboxes`]; it speaks through [`Meeting::send_as`].
    pub fn join_raw(&mut self, name: &str) -> ParticipantId {
        let (id, joined) = self.server_join(name);
        self.raw_inboxes.insert(id, vec![joined]);
        id
    }

    /// The server's join: the new id, and its `joined` reply (the others are told).
    fn server_join(&mut self, _name: &str) -> (ParticipantId, ServerMessage) {
        // The queue handle is the id the server is about to give: it counts from 1 and
        // never reuses one.
        let handle = ParticipantId(self.next_id);
        self.next_id += 1;
        let joined = self
            .server
            .join(
                &self.room_id,
                handle,
                JoinContext {
                    unix_now: 0,
                    fresh_sfu_room: no_sfu_room as fn() -> SfuRoomSpec,
                },
            )
            .unwrap();
        assert_eq!(joined.you, handle, "the harness predicts the server's ids");
        self.deliver_all(joined.announcements);
        (joined.you, joined.reply)
    }

    /// Hands the server's deliveries on, through the fault hooks.
    fn deliver_all(&mut self, deliveries: Vec<Delivery<ParticipantId>>) {
        for delivery in deliveries {
            self.deliver(delivery.to, delivery.message);
        }
    }

    /// The server's clock at the meeting's current time.
    fn server_now(&self) -> Instant {
        self.epoch_instant + Duration::from_millis(self.now_ms)
    }

    /// A participant leaves the room.
    pub fn leave(&mut self, id: ParticipantId) {
        self.clients.remove(&id);
        self.raw_inboxes.remove(&id);
        let now = self.server_now();
        let left = self.server.leave(&self.room_id, id, now);
        self.deliver_all(left.deliveries);
    }

    /// Enqueues a server message for a participant, applying the fault hooks.
    pub fn deliver(&mut self, to: ParticipantId, message: ServerMessage) {
        if matches!(message, ServerMessage::Welcome { .. }) {
            if let Some(n) = self.drop_welcomes_to.get_mut(&to) {
                if *n > 0 {
                    *n -= 1;
                    return;
                }
            }
        }
        if matches!(message, ServerMessage::Commit { .. }) {
            if let Some(n) = self.drop_commits_to.get_mut(&to) {
                if *n > 0 {
                    *n -= 1;
                    return;
                }
            }
            if self.reorder_commits_to == Some(to) {
                self.reorder_held.push(message);
                if self.reorder_held.len() == 2 {
                    self.reorder_commits_to = None;
                    let mut held = std::mem::take(&mut self.reorder_held);
                    held.reverse();
                    for message in held {
                        self.push_inbox(to, message);
                    }
                }
                return;
            }
        }
        self.push_inbox(to, message);
    }

    /// The server's deliveries, after which it closes connections (expelled by a commit,
    /// or the meeting ended): recorded in [`Meeting::closed`] with their close code; the
    /// closed connection's messages are queued first, then nothing more reaches it.
    fn close_after(&mut self, effects: Effects<ParticipantId>) -> Vec<Delivery<ParticipantId>> {
        let Effects {
            deliveries, closes, ..
        } = effects;
        self.deliver_all(deliveries);
        for (id, (code, _reason)) in closes {
            self.closed.insert(id, code);
        }
        Vec::new()
    }

    fn push_inbox(&mut self, to: ParticipantId, message: ServerMessage) {
        if self.closed.contains_key(&to) {
            return;
        }
        if let Some(client) = self.clients.get_mut(&to) {
            client.inbox.push_back(message);
        } else if let Some(inbox) = self.raw_inboxes.get_mut(&to) {
            inbox.push(message);
        }
    }

    /// Takes what the server sent the raw participant `id` so far.
    pub fn take_raw_inbox(&mut self, id: ParticipantId) -> Vec<ServerMessage> {
        self.raw_inboxes
            .get_mut(&id)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The server handles `message` from `from` (a raw participant, or anyone the test
    /// speaks for) right away.
    pub fn send_as(&mut self, from: ParticipantId, message: ClientMessage) {
        self.serve(from, message);
    }

    /// The server's handling of one client message: its rooms' own code, and its reply
    /// to a refusal (`commit_rejected`, or `error`) as its connection sends it.
    fn serve(&mut self, from: ParticipantId, message: ClientMessage) {
        if !self.clients.contains_key(&from) && !self.raw_inboxes.contains_key(&from)
            || self.closed.contains_key(&from)
        {
            return;
        }
        let now = self.server_now();
        let room = self.room_id.clone();
        let served = match message {
            ClientMessage::StartGroup => self.server.start_group(&room, from),
            ClientMessage::PublishKeyPackage {
                key_package,
                invite_proof,
            } => {
                self.key_package_log
                    .push((from, key_package.clone(), invite_proof.clone()));
                self.server
                    .publish_key_package(&room, from, key_package, invite_proof, now)
            }
            ClientMessage::Commit {
                epoch,
                commit,
                welcome,
                added,
                removed,
                expelled,
            } => {
                let accepted = self.server.commit(
                    &room,
                    from,
                    CommitRequest {
                        epoch,
                        commit,
                        welcome,
                        added,
                        removed,
                        expelled,
                    },
                );
                if accepted.is_ok() {
                    self.accepted_commits += 1;
                }
                accepted.map(|effects| self.close_after(effects))
            }
            ClientMessage::AnswerKnock { to, answer } => {
                self.server.answer_knock(&room, from, to, answer)
            }
            ClientMessage::DisputeCommit { epoch } => self
                .server
                .dispute_commit(&room, from, epoch)
                .map(|()| Vec::new()),
            ClientMessage::EndMeeting => self
                .server
                .end_meeting(&room, from)
                .map(|effects| self.close_after(effects)),
            ClientMessage::SetJoinChallenge(challenge) => {
                self.server.set_join_challenge(&room, from, challenge)
            }
            ClientMessage::QueryGroupStatus => {
                self.status_queries += 1;
                match self.server.group_status(&room, from) {
                    Ok(answer) => {
                        self.deliver(from, answer);
                        Ok(Vec::new())
                    }
                    Err(error) => Err(error),
                }
            }
            ClientMessage::ApplicationMessage { message } => self
                .server
                .relay_application_message(&room, from, message, now),
            ClientMessage::Join { .. }
            | ClientMessage::Signal { .. }
            | ClientMessage::Leave
            | ClientMessage::Ping => Ok(Vec::new()),
        };
        match served {
            Ok(deliveries) => self.deliver_all(deliveries),
            Err(error) => self.refuse(from, &error),
        }
    }

    /// Sends `from` the server's reply to a refused message, if it has one.
    fn refuse(&mut self, from: ParticipantId, error: &ServerError) {
        let Some(reply) = error.reply() else { return };
        if matches!(reply, ServerMessage::CommitRejected { .. }) {
            if let Some(client) = self.clients.get_mut(&from) {
                client.rejections += 1;
            }
        }
        self.deliver(from, reply);
    }

    fn take_events(&mut self, id: ParticipantId, events: Vec<GroupEvent>) {
        let now_ms = self.now_ms;
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        for event in events {
            match event {
                GroupEvent::Send(message) => {
                    match &message {
                        ClientMessage::Commit { .. } => client.commits_sent += 1,
                        ClientMessage::PublishKeyPackage { key_package, .. } => {
                            client.published.push(key_package.clone());
                            client.published_at.push(now_ms);
                        }
                        _ => {}
                    }
                    if self.hold_uplink_from.contains(&id) {
                        self.held_uplink.push((id, message));
                    } else {
                        self.uplink.push_back((id, message));
                    }
                }
                GroupEvent::EpochKeys(keys) => {
                    let previous = client.keys.insert(keys.epoch, keys.base_key.to_vec());
                    // A member may re-enter an epoch only via resync, with the same key.
                    if let Some(previous) = previous {
                        assert_eq!(previous, keys.base_key.to_vec(), "epoch key changed");
                    }
                }
                GroupEvent::Changed => {}
                GroupEvent::Resynced { reason } => client.resync_reasons.push(reason),
                GroupEvent::ChairActionFailed(action) => client.failed_actions.push(action),
                GroupEvent::InviteSecret(secret) => client.invite_secrets.push(*secret),
                GroupEvent::Message(received) => client.received.push(received),
                GroupEvent::MessageUndecryptable { from } => client.undecryptable.push(from),
            }
        }
        let status = client.group.roster().status;
        if status == MembershipStatus::Resyncing && client.last_status != status {
            client.resyncs += 1;
        }
        client.last_status = status;
    }

    /// `id`'s client acts (a chair's action, or a rogue's commit); its events are taken
    /// as the client would (nothing is pumped).
    pub fn act(
        &mut self,
        id: ParticipantId,
        action: impl FnOnce(&mut MeetingGroup, u64) -> Vec<GroupEvent>,
    ) {
        let now = self.now_ms;
        let events = action(&mut self.clients.get_mut(&id).unwrap().group, now);
        self.take_events(id, events);
    }

    /// `id` seals `message` for the group and sends it (nothing is pumped); the sealed
    /// message is returned too, as the server gets it.
    pub fn say(&mut self, id: ParticipantId, message: &MeetingMessage) -> ClientMessage {
        let sealed = self
            .clients
            .get_mut(&id)
            .unwrap()
            .group
            .seal_meeting_message(message)
            .expect("a member seals its message");
        self.take_events(id, vec![GroupEvent::Send(sealed.clone())]);
        sealed
    }

    /// The leaf index of `member` in `viewer`'s roster.
    pub fn leaf_of(&self, viewer: ParticipantId, member: ParticipantId) -> u32 {
        self.client(viewer)
            .group
            .roster()
            .members
            .iter()
            .find(|m| m.participant_id == Some(member))
            .expect("a member")
            .leaf_index
    }

    /// The signature key fingerprint of `member` in `viewer`'s roster.
    pub fn key_of(&self, viewer: ParticipantId, member: ParticipantId) -> Fingerprint {
        self.client(viewer)
            .group
            .roster()
            .members
            .into_iter()
            .find(|m| m.participant_id == Some(member))
            .expect("a member")
            .fingerprint
    }

    /// The participants `viewer`'s roster lists as members, in leaf order.
    pub fn members_seen_by(&self, viewer: ParticipantId) -> Vec<ParticipantId> {
        self.client(viewer)
            .group
            .roster()
            .members
            .iter()
            .filter_map(|m| m.participant_id)
            .collect()
    }

    /// The chairs (participants) `viewer`'s roster names.
    pub fn chairs_seen_by(&self, viewer: ParticipantId) -> Vec<ParticipantId> {
        self.client(viewer)
            .group
            .roster()
            .members
            .iter()
            .filter(|m| m.is_chair)
            .filter_map(|m| m.participant_id)
            .collect()
    }

    /// Delivers the next message in `id`'s inbox. False if it was empty.
    pub fn pump_one(&mut self, id: ParticipantId) -> bool {
        let now = self.now_ms;
        let Some(client) = self.clients.get_mut(&id) else {
            return false;
        };
        let Some(message) = client.inbox.pop_front() else {
            return false;
        };
        let events = client.group.handle_server_message(now, &message);
        self.take_events(id, events);
        true
    }

    /// Serves all queued client messages.
    pub fn serve_uplink(&mut self) {
        while let Some((from, message)) = self.uplink.pop_front() {
            self.serve(from, message);
        }
    }

    /// Pumps until nothing moves (held messages stay held). No time passes.
    pub fn settle(&mut self) {
        for _ in 0..100_000 {
            self.serve_uplink();
            let mut moved = false;
            for id in self.clients.keys().copied().collect::<Vec<_>>() {
                moved |= self.pump_one(id);
            }
            if !moved && self.uplink.is_empty() {
                return;
            }
        }
        panic!("the meeting did not settle");
    }

    /// Lets `ms` pass in 100 ms steps, with timeouts and settling at each step.
    pub fn advance(&mut self, ms: u64) {
        let end = self.now_ms + ms;
        while self.now_ms < end {
            self.now_ms += 100;
            let now = self.now_ms;
            for id in self.clients.keys().copied().collect::<Vec<_>>() {
                if let Some(client) = self.clients.get_mut(&id) {
                    let events = client.group.handle_timeout(now);
                    self.take_events(id, events);
                }
            }
            self.settle();
        }
    }

    /// Moves held client messages to the server, in the given order of senders.
    pub fn release_uplink(&mut self, order: &[ParticipantId]) {
        for sender in order {
            self.hold_uplink_from.remove(sender);
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held_uplink)
                .into_iter()
                .partition(|(from, _)| from == sender);
            self.held_uplink = rest;
            self.uplink.extend(mine);
        }
    }

    /// `id`'s worker reports frames under an epoch newer than its own, at the current time.
    pub fn report_newer_epoch_media(&mut self, id: ParticipantId) {
        let now = self.now_ms;
        if let Some(client) = self.clients.get_mut(&id) {
            let events = client.group.handle_newer_epoch_media(now);
            self.take_events(id, events);
        }
    }

    /// A hostile server's moves: it says `id` (named `name`) is in the room, and relays
    /// an old KeyPackage request `(from, key_package, invite_proof)` to every member.
    pub fn replay_key_package(&mut self, _name: &str, request: &(ParticipantId, Bytes, Bytes)) {
        let (from, key_package, invite_proof) = request.clone();
        let members: Vec<ParticipantId> = self
            .clients
            .iter()
            .filter(|(_, c)| c.group.roster().status == MembershipStatus::Member)
            .map(|(id, _)| *id)
            .collect();
        for to in self.clients.keys().copied().collect::<Vec<_>>() {
            self.deliver(
                to,
                ServerMessage::ParticipantJoined {
                    participant: ParticipantInfo { id: from },
                },
            );
        }
        for to in members {
            self.deliver(
                to,
                ServerMessage::KeyPackage {
                    from,
                    key_package: key_package.clone(),
                    invite_proof: invite_proof.clone(),
                },
            );
        }
    }

    /// The last KeyPackage request `id` published.
    pub fn last_key_package_of(&self, id: ParticipantId) -> (ParticipantId, Bytes, Bytes) {
        self.key_package_log
            .iter()
            .rev()
            .find(|(from, _, _)| *from == id)
            .cloned()
            .expect("published a KeyPackage")
    }

    /// No member's roster (among `ids`) holds a leaf for `ghost` or named `name`.
    pub fn assert_no_leaf_for(&self, ids: &[ParticipantId], ghost: ParticipantId, name: &str) {
        for id in ids {
            let roster = self.client(*id).group.roster();
            assert!(
                roster
                    .members
                    .iter()
                    .all(|m| m.participant_id != Some(ghost) && m.display_name != name),
                "{} shows a leaf for {name}",
                self.client(*id).name
            );
        }
    }

    pub fn client(&self, id: ParticipantId) -> &Client {
        &self.clients[&id]
    }

    pub fn code(&self, id: ParticipantId) -> Option<SecurityCode> {
        self.client(id).group.security_code()
    }

    /// Every client in `ids` is a member in the same epoch with the same code, the same
    /// key, and the same roster of `expected` members naming exactly `ids`.
    pub fn assert_converged(&self, ids: &[ParticipantId]) {
        let first = self.client(ids[0]);
        let epoch = first.group.epoch().expect("member");
        let code = first.group.security_code().expect("member");
        let roster_of = |c: &Client| {
            c.group
                .roster()
                .members
                .into_iter()
                .map(|m| (m.leaf_index, m.participant_id, m.fingerprint))
                .collect::<Vec<_>>()
        };
        let roster = roster_of(first);
        assert_eq!(roster.len(), ids.len(), "roster size");
        let named: BTreeSet<_> = roster.iter().filter_map(|m| m.1).collect();
        assert_eq!(named, ids.iter().copied().collect::<BTreeSet<_>>());
        for id in ids {
            let client = self.client(*id);
            let r = client.group.roster();
            assert_eq!(r.status, MembershipStatus::Member, "{} status", client.name);
            assert_eq!(client.group.epoch(), Some(epoch), "{} epoch", client.name);
            assert_eq!(client.group.security_code().as_ref(), Some(&code));
            assert_eq!(roster_of(client), roster, "{} roster", client.name);
            assert_eq!(r.members.iter().filter(|m| m.is_self).count(), 1);
            assert_eq!(client.keys.get(&epoch), first.keys.get(&epoch));
        }
        self.assert_keys_consistent();
    }

    /// No two clients ever held different base keys for the same epoch.
    pub fn assert_keys_consistent(&self) {
        let mut by_epoch: BTreeMap<u64, &Vec<u8>> = BTreeMap::new();
        for client in self.clients.values() {
            for (epoch, key) in &client.keys {
                let seen = by_epoch.entry(*epoch).or_insert(key);
                assert_eq!(*seen, key, "different keys in epoch {epoch}");
                assert_eq!(key.len(), client.group.frame_suite().key_len());
            }
        }
    }
}

/// The test room is in mesh mode: the server never asks for an SFU room.
fn no_sfu_room() -> SfuRoomSpec {
    panic!("a mesh room makes no SFU room")
}

/// The wall clock, for certificates (the meeting's own time is simulated).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
