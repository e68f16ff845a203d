//! Test-only hostile server modes, for the end-to-end attacks of issue 12 ("the server can
//! neither capture a joiner nor seat, hide or splice anyone"). Compiled only with the cargo
//! feature `test-hooks`; armed per room through `POST /test/hostile` (see the README).
//!
//! Each mode plays what a hostile operator of the signaling server (the MLS Delivery
//! Service) can really do, with the same power and no more: it sees and rewrites every
//! message, runs MLS groups of its own, and never holds the invite secret.
//! - `welcome_attack`: a joiner's KeyPackage is not relayed to the members; the server adds
//!   it to a group of its own ([`server_group`]) and sends the joiner that group's Welcome
//!   (and, to the joiners it captured before, the Commit). The server group's own leaf
//!   wears the participant id of the room's first other participant, under a made-up
//!   name (the server learns no names from `join`), so the joiner's roster looks
//!   plausible.
//! - `squat`: as `welcome_attack`, and `joined` tells everyone that the room already has a
//!   group while it has none, so that even the first honest joiner asks to be added to the
//!   server's squatter group instead of starting the meeting's.
//! - `splice_signals`: WebRTC signaling to and from one victim is re-routed between two
//!   other participants, so that the victim's connection "to A" is really to B and the other
//!   way round (the DTLS endpoints are genuine, the labels are the server's lie).
//! - `keep_expelled` (issue 13): a commit that expels participants is relayed, but the
//!   server neither closes the expelled connections nor tells the others they left, so a
//!   removed member keeps its transport (its peer connections, its SFU session) and goes
//!   on receiving. What it can decode then is the client's business: nothing sent after
//!   the commit (the removed member has no key of the new epoch).
//! - `tamper_messages` (issue 14): every application message (chat, media state, hands,
//!   reactions) the server relays has one bit of its ciphertext flipped, as an operator
//!   rewriting the chat would; members must show it as a message that did not decrypt.
//!
//! Plain data with no IO, like the rooms that call it.

pub mod server_group;

use std::cell::Cell;
use std::collections::BTreeMap;

use conclave_protocol::{
    Bytes, GroupStatus, ParticipantId, ParticipantInfo, RoomId, ServerMessage,
};
use serde::{Deserialize, Serialize};

use crate::delivery_service::Routed;
use crate::error::Error;
use server_group::ServerGroup;

/// Most rooms armed at once.
pub const MAX_HOSTILE_ROOMS: usize = 64;

/// The name the server group's own leaf carries (the server learns no names from `join`).
const FACE_NAME: &str = "Host";

/// Re-route a victim's signaling between two other participants (mesh mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalSplice {
    /// Whose connections are spliced.
    pub victim: ParticipantId,
    /// The two participants whose signaling with the victim is swapped.
    pub swap: [ParticipantId; 2],
}

impl SignalSplice {
    /// The other one of the swapped pair, if `participant` is one of them.
    fn partner(&self, participant: ParticipantId) -> Option<ParticipantId> {
        match self.swap {
            [a, b] if participant == a => Some(b),
            [a, b] if participant == b => Some(a),
            _ => None,
        }
    }
}

/// Body of `POST /test/hostile`: the modes to arm for one room (added to those armed).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostileRequest {
    /// The room attacked.
    pub room_id: RoomId,
    /// Capture every joiner's KeyPackage into the server's own group.
    #[serde(default)]
    pub welcome_attack: bool,
    /// Also pretend to the first joiners that a group exists (implies `welcome_attack`).
    #[serde(default)]
    pub squat: bool,
    /// Splice the victim's WebRTC signaling.
    #[serde(default)]
    pub splice_signals: Option<SignalSplice>,
    /// Relay commits that expel participants but keep the expelled connections open and
    /// present.
    #[serde(default)]
    pub keep_expelled: bool,
    /// Flip a bit in every application message relayed.
    #[serde(default)]
    pub tamper_messages: bool,
}

/// Body of `POST /test/hostile/key-package`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RogueKeyPackageRequest {
    /// The name the credential carries.
    pub display_name: String,
    /// The participant id the credential names.
    pub participant_id: ParticipantId,
}

/// Reply body of `POST /test/hostile/key-package`.
#[derive(Clone, Debug, Serialize)]
pub struct RogueKeyPackage {
    /// A TLS-serialized, well-formed, correctly signed MLS KeyPackage.
    pub key_package: Bytes,
}

/// What is armed for one room, and what the attack did so far.
#[derive(Clone, Debug, Serialize)]
pub struct HostileRoomStatus {
    /// The room.
    pub room_id: RoomId,
    /// Joiners are captured into the server's group.
    pub welcome_attack: bool,
    /// `joined` shows a group that does not exist.
    pub squat: bool,
    /// The signaling splice, if any.
    pub splice_signals: Option<SignalSplice>,
    /// Participants the server sent its Welcome to, in order.
    pub captured: Vec<ParticipantId>,
    /// The server group's epoch (`None` until the first capture).
    pub server_group_epoch: Option<u64>,
    /// Signals the splice re-routed.
    pub spliced_signals: u64,
    /// Expelled participants are kept connected.
    pub keep_expelled: bool,
    /// Participants an accepted commit expelled whose connections were kept, in order.
    pub kept_expelled: Vec<ParticipantId>,
    /// Application messages are tampered with.
    pub tamper_messages: bool,
    /// How many relayed application messages were tampered with.
    pub tampered_messages: u64,
}

/// Reply body of every `/test/hostile` request.
#[derive(Clone, Debug, Serialize)]
pub struct HostileStatus {
    /// Every armed room, ordered by room id.
    pub rooms: Vec<HostileRoomStatus>,
}

/// One armed room.
#[derive(Default)]
struct HostileRoom {
    welcome_attack: bool,
    squat: bool,
    splice_signals: Option<SignalSplice>,
    server_group: Option<ServerGroup>,
    captured: Vec<ParticipantId>,
    /// A count only; a cell so that routing a signal stays a read of the rooms.
    spliced_signals: Cell<u64>,
    keep_expelled: bool,
    kept_expelled: Vec<ParticipantId>,
    tamper_messages: bool,
    tampered_messages: u64,
}

/// The armed rooms. No `Debug` of the groups (they hold keys).
#[derive(Default)]
pub struct HostileServer {
    rooms: BTreeMap<RoomId, HostileRoom>,
}

impl std::fmt::Debug for HostileServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostileServer")
            .field("rooms", &self.rooms.len())
            .finish_non_exhaustive()
    }
}

impl HostileServer {
    /// Arms the modes `request` names for its room.
    pub fn arm(&mut self, request: HostileRequest) -> Result<(), Error> {
        if !self.rooms.contains_key(&request.room_id) && self.rooms.len() >= MAX_HOSTILE_ROOMS {
            return Err(Error::TestHooks("too many hostile rooms armed"));
        }
        let room = self.rooms.entry(request.room_id).or_default();
        room.welcome_attack |= request.welcome_attack || request.squat;
        room.squat |= request.squat;
        if request.splice_signals.is_some() {
            room.splice_signals = request.splice_signals;
        }
        room.keep_expelled |= request.keep_expelled;
        room.tamper_messages |= request.tamper_messages;
        Ok(())
    }

    /// Disarms every room and forgets the server groups.
    pub fn clear(&mut self) {
        self.rooms.clear();
    }

    /// What is armed, and what the attacks did.
    pub fn status(&self) -> HostileStatus {
        HostileStatus {
            rooms: self
                .rooms
                .iter()
                .map(|(room_id, room)| HostileRoomStatus {
                    room_id: room_id.clone(),
                    welcome_attack: room.welcome_attack,
                    squat: room.squat,
                    splice_signals: room.splice_signals,
                    captured: room.captured.clone(),
                    server_group_epoch: room.server_group.as_ref().map(ServerGroup::epoch),
                    spliced_signals: room.spliced_signals.get(),
                    keep_expelled: room.keep_expelled,
                    kept_expelled: room.kept_expelled.clone(),
                    tamper_messages: room.tamper_messages,
                    tampered_messages: room.tampered_messages,
                })
                .collect(),
        }
    }

    /// The group status `joined` shows: under `squat`, a room without a group seems to
    /// have one (so the joiner publishes a KeyPackage instead of starting the group).
    pub fn group_status_shown(&self, room_id: &RoomId, honest: GroupStatus) -> GroupStatus {
        match self.rooms.get(room_id) {
            Some(room) if room.squat && honest.epoch.is_none() => {
                let mut shown = honest;
                shown.epoch = Some(room.server_group.as_ref().map_or(0, ServerGroup::epoch));
                // Protocol 3 (branch `proofs`): a joiner publishes only over a join challenge
                // it heard; the squatter makes one up.
                shown.join_challenge = Some(conclave_protocol::JoinChallenge {
                    epoch: shown.epoch.unwrap_or(0),
                    challenge: Bytes(vec![7; conclave_protocol::JOIN_CHALLENGE_BYTES]),
                });
                shown
            }
            _ => honest,
        }
    }

    /// A KeyPackage `from` published in `room_id`. `None` when no welcome attack is armed
    /// there (relay it honestly); otherwise the messages the attack sends instead: the
    /// server's Welcome to `from` and its Commit to the joiners captured before. A
    /// KeyPackage the server cannot use is swallowed (`Some` of nothing).
    pub fn capture_key_package(
        &mut self,
        room_id: &RoomId,
        from: ParticipantId,
        present: &[ParticipantInfo],
        key_package: &Bytes,
    ) -> Option<Vec<Routed>> {
        let room = self
            .rooms
            .get_mut(room_id)
            .filter(|room| room.welcome_attack)?;
        // The face: the first participant in the room other than the joiner, so the
        // joiner's roster shows someone it expects.
        let face = present.iter().find(|info| info.id != from);
        let face_id = face.map(|info| info.id);
        if room.server_group.is_none() {
            match ServerGroup::new(room_id.as_str(), FACE_NAME, face_id) {
                Ok(group) => room.server_group = Some(group),
                Err(error) => {
                    tracing::warn!(%room_id, %error, "hostile: could not make the server group");
                    return Some(Vec::new());
                }
            }
        }
        let group = room.server_group.as_mut()?;
        let added = match group.add(&key_package.0) {
            Ok(added) => added,
            Err(error) => {
                tracing::warn!(%room_id, %from, %error, "hostile: could not add a KeyPackage");
                return Some(Vec::new());
            }
        };
        let committer = face_id.unwrap_or(ParticipantId(0));
        let still_here = |id: &ParticipantId| present.iter().any(|info| info.id == *id);
        let mut routed: Vec<Routed> = room
            .captured
            .iter()
            .filter(|id| **id != from && still_here(id))
            .map(|&to| Routed {
                to,
                message: ServerMessage::Commit {
                    from: committer,
                    epoch: added.commit_epoch,
                    commit: Bytes(added.commit.clone()),
                    added: vec![from],
                    removed: Vec::new(),
                    expelled: Vec::new(),
                },
            })
            .collect();
        routed.push(Routed {
            to: from,
            message: ServerMessage::Welcome {
                from: committer,
                epoch: added.commit_epoch + 1,
                welcome: Bytes(added.welcome),
            },
        });
        room.captured.retain(|id| *id != from);
        room.captured.push(from);
        tracing::warn!(%room_id, %from, "hostile: welcomed a joiner into the server's group");
        Some(routed)
    }

    /// Where a `signal` from `from` to `to` goes, and as whose: the splice swaps the two
    /// participants on the victim's side. `None`: deliver it as sent.
    pub fn splice_signal(
        &self,
        room_id: &RoomId,
        from: ParticipantId,
        to: ParticipantId,
    ) -> Option<(ParticipantId, ParticipantId)> {
        let room = self.rooms.get(room_id)?;
        let splice = room.splice_signals?;
        let rerouted = if to == splice.victim {
            // The victim hears A's words as B's.
            splice.partner(from).map(|shown_from| (shown_from, to))
        } else if from == splice.victim {
            // And what it says to B goes to A.
            splice.partner(to).map(|really_to| (from, really_to))
        } else {
            None
        };
        if rerouted.is_some() {
            room.spliced_signals.set(room.spliced_signals.get() + 1);
        }
        rerouted
    }

    /// An accepted commit in `room_id` expelled `expelled`: whether their connections
    /// stay (`keep_expelled` armed there; then they are recorded in the status).
    pub fn keep_expelled(&mut self, room_id: &RoomId, expelled: &[ParticipantId]) -> bool {
        let Some(room) = self
            .rooms
            .get_mut(room_id)
            .filter(|room| room.keep_expelled)
        else {
            return false;
        };
        if !expelled.is_empty() {
            tracing::warn!(%room_id, ?expelled, "hostile: kept expelled participants connected");
        }
        // Bounded: each id is expelled once (an expelled participant is no member).
        room.kept_expelled.extend_from_slice(expelled);
        true
    }

    /// An application message relayed in `room_id`: with `tamper_messages` armed there,
    /// the last bit of its ciphertext is flipped (and counted).
    pub fn tamper_application_message(&mut self, room_id: &RoomId, message: &mut Bytes) {
        let Some(room) = self
            .rooms
            .get_mut(room_id)
            .filter(|room| room.tamper_messages)
        else {
            return;
        };
        if let Some(last) = message.0.last_mut() {
            *last ^= 1;
            room.tampered_messages += 1;
        }
    }

    /// Forgets the rooms that are gone.
    pub fn retain_rooms(&mut self, exists: impl Fn(&RoomId) -> bool) {
        self.rooms.retain(|room_id, _| exists(room_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room_id::room_id_from_bytes;

    fn info(id: u64) -> ParticipantInfo {
        ParticipantInfo {
            id: ParticipantId(id),
        }
    }

    #[test]
    fn an_armed_room_captures_key_packages_and_commits_to_earlier_captives() {
        let room = room_id_from_bytes([1; 16]);
        let mut hostile = HostileServer::default();
        let present = [info(1), info(2), info(3)];
        let bob_kp = Bytes(server_group::rogue_key_package("Bob", ParticipantId(2)).unwrap());
        assert!(hostile
            .capture_key_package(&room, ParticipantId(2), &present, &bob_kp)
            .is_none());
        hostile
            .arm(HostileRequest {
                room_id: room.clone(),
                welcome_attack: true,
                squat: false,
                splice_signals: None,
                keep_expelled: false,
                tamper_messages: false,
            })
            .unwrap();
        let routed = hostile
            .capture_key_package(&room, ParticipantId(2), &present, &bob_kp)
            .unwrap();
        assert_eq!(routed.len(), 1);
        assert!(matches!(
            routed[0].message,
            ServerMessage::Welcome {
                from: ParticipantId(1),
                epoch: 1,
                ..
            }
        ));
        let carol_kp = Bytes(server_group::rogue_key_package("Carol", ParticipantId(3)).unwrap());
        let routed = hostile
            .capture_key_package(&room, ParticipantId(3), &present, &carol_kp)
            .unwrap();
        let to: Vec<u64> = routed.iter().map(|r| r.to.0).collect();
        assert_eq!(to, [2, 3]);
        assert!(matches!(
            routed[0].message,
            ServerMessage::Commit { epoch: 1, .. }
        ));
        let status = hostile.status();
        assert_eq!(
            status.rooms[0].captured,
            [ParticipantId(2), ParticipantId(3)]
        );
        assert_eq!(status.rooms[0].server_group_epoch, Some(2));
        // Garbage is swallowed, not relayed.
        let nothing =
            hostile.capture_key_package(&room, ParticipantId(3), &present, &Bytes(vec![1; 9]));
        assert_eq!(nothing.map(|r| r.len()), Some(0));
    }

    #[test]
    fn squat_shows_a_group_where_there_is_none() {
        let room = room_id_from_bytes([1; 16]);
        let mut hostile = HostileServer::default();
        let none = GroupStatus::default();
        assert_eq!(hostile.group_status_shown(&room, none.clone()).epoch, None);
        hostile
            .arm(HostileRequest {
                room_id: room.clone(),
                welcome_attack: false,
                squat: true,
                splice_signals: None,
                keep_expelled: false,
                tamper_messages: false,
            })
            .unwrap();
        assert_eq!(hostile.group_status_shown(&room, none).epoch, Some(0));
        assert!(hostile.status().rooms[0].welcome_attack);
    }

    #[test]
    fn the_splice_swaps_two_participants_on_the_victims_side_only() {
        let room = room_id_from_bytes([1; 16]);
        let mut hostile = HostileServer::default();
        hostile
            .arm(HostileRequest {
                room_id: room.clone(),
                welcome_attack: false,
                squat: false,
                splice_signals: Some(SignalSplice {
                    victim: ParticipantId(3),
                    swap: [ParticipantId(1), ParticipantId(2)],
                }),
                keep_expelled: false,
                tamper_messages: false,
            })
            .unwrap();
        let p = ParticipantId;
        assert_eq!(hostile.splice_signal(&room, p(1), p(3)), Some((p(2), p(3))));
        assert_eq!(hostile.splice_signal(&room, p(2), p(3)), Some((p(1), p(3))));
        assert_eq!(hostile.splice_signal(&room, p(3), p(1)), Some((p(3), p(2))));
        assert_eq!(hostile.splice_signal(&room, p(1), p(2)), None);
        assert_eq!(hostile.status().rooms[0].spliced_signals, 3);
    }
}
