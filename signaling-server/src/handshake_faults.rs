//! Test-only fault injection for the end-to-end suite's "the server drops or reorders
//! handshake messages" scenarios. Compiled only with the cargo feature `test-hooks`;
//! armed through `POST /test/faults` (see the README).
//!
//! A fault is armed for one room or for any room, and fires once, on the next accepted
//! commit where it can apply. The "one member" a commit fault hits is the newest (highest
//! participant id) member receiving that commit other than its sender. Plain data with no
//! IO: the rooms pass each accepted commit's [`Routed`] messages through
//! [`HandshakeFaults::apply_to_commit`] before delivering them.

use std::collections::HashMap;

use conclave_protocol::{ParticipantId, RoomId, ServerMessage};
use serde::{Deserialize, Serialize};

use crate::delivery_service::Routed;
use crate::error::Error;

/// Most faults armed at once (they are consumed as they fire).
pub const MAX_ARMED_FAULTS: usize = 64;

/// One kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The next accepted commit is not delivered to one member (not its sender).
    DropNextCommit,
    /// The next accepted commit is held back from one member (not its sender) and
    /// delivered to it right after the following accepted commit of the room.
    ReorderNextCommit,
    /// The next Welcome is not delivered.
    DropNextWelcome,
}

/// Body of `POST /test/faults`: which faults to arm, for one room or (no `room_id`) any.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    /// Only this room's commits are affected; any room's if absent.
    #[serde(default)]
    pub room_id: Option<RoomId>,
    /// Arm [`FaultKind::DropNextCommit`].
    #[serde(default)]
    pub drop_next_commit: bool,
    /// Arm [`FaultKind::ReorderNextCommit`].
    #[serde(default)]
    pub reorder_next_commit: bool,
    /// Arm [`FaultKind::DropNextWelcome`].
    #[serde(default)]
    pub drop_next_welcome: bool,
}

/// A fault waiting for its commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArmedFault {
    /// The room it applies to, or `None` for any.
    pub room_id: Option<RoomId>,
    /// What it does.
    pub fault: FaultKind,
}

/// Reply body of every `/test/faults` request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FaultsStatus {
    /// Faults not fired yet, in arming order.
    pub armed: Vec<ArmedFault>,
    /// Commits held back by a reorder, waiting for their room's next commit.
    pub held_commits: usize,
}

/// The armed faults and the commits held back by reorders (at most one per room).
#[derive(Debug, Default)]
pub struct HandshakeFaults {
    armed: Vec<ArmedFault>,
    held: HashMap<RoomId, Routed>,
}

impl HandshakeFaults {
    /// Arms the faults `request` names.
    pub fn arm(&mut self, request: FaultRequest) -> Result<(), Error> {
        let kinds = [
            (request.drop_next_commit, FaultKind::DropNextCommit),
            (request.reorder_next_commit, FaultKind::ReorderNextCommit),
            (request.drop_next_welcome, FaultKind::DropNextWelcome),
        ];
        let wanted: Vec<FaultKind> = kinds
            .into_iter()
            .filter_map(|(on, kind)| on.then_some(kind))
            .collect();
        if self.armed.len() + wanted.len() > MAX_ARMED_FAULTS {
            return Err(Error::TestHooks("too many faults armed"));
        }
        self.armed
            .extend(wanted.into_iter().map(|fault| ArmedFault {
                room_id: request.room_id.clone(),
                fault,
            }));
        Ok(())
    }

    /// Disarms everything and drops the held commits.
    pub fn clear(&mut self) {
        self.armed.clear();
        self.held.clear();
    }

    /// What is armed and held.
    pub fn status(&self) -> FaultsStatus {
        FaultsStatus {
            armed: self.armed.clone(),
            held_commits: self.held.len(),
        }
    }

    /// The room's group ended or the room emptied: a held commit has no use any more.
    pub fn forget_room(&mut self, room: &RoomId) {
        self.held.remove(room);
    }

    /// Applies the armed faults to one accepted commit's messages (`from` committed).
    pub fn apply_to_commit(
        &mut self,
        room: &RoomId,
        from: ParticipantId,
        mut routed: Vec<Routed>,
    ) -> Vec<Routed> {
        let released = self.held.remove(room);
        let target = routed
            .iter()
            .filter(|r| is_commit(r) && r.to != from)
            .map(|r| r.to)
            .max();
        if let Some(target) = target {
            let position = routed.iter().position(|r| is_commit(r) && r.to == target);
            if let Some(position) = position {
                if self.take(room, FaultKind::DropNextCommit) {
                    tracing::warn!(%room, %target, "test fault: dropped a commit");
                    routed.remove(position);
                } else if self.take(room, FaultKind::ReorderNextCommit) {
                    tracing::warn!(%room, %target, "test fault: holding a commit back");
                    self.held.insert(room.clone(), routed.remove(position));
                }
            }
        }
        if let Some(position) = routed.iter().position(is_welcome) {
            if self.take(room, FaultKind::DropNextWelcome) {
                tracing::warn!(%room, to = %routed[position].to, "test fault: dropped a welcome");
                routed.remove(position);
            }
        }
        if let Some(held) = released {
            tracing::warn!(%room, target = %held.to, "test fault: delivering a held commit late");
            let after = routed
                .iter()
                .rposition(|r| r.to == held.to)
                .map_or(routed.len(), |last| last + 1);
            routed.insert(after, held);
        }
        routed
    }

    /// Consumes the first armed fault of `kind` that applies to `room`.
    fn take(&mut self, room: &RoomId, kind: FaultKind) -> bool {
        let found = self.armed.iter().position(|armed| {
            armed.fault == kind && armed.room_id.as_ref().is_none_or(|id| id == room)
        });
        match found {
            Some(index) => {
                self.armed.remove(index);
                true
            }
            None => false,
        }
    }
}

fn is_commit(routed: &Routed) -> bool {
    matches!(routed.message, ServerMessage::Commit { .. })
}

fn is_welcome(routed: &Routed) -> bool {
    matches!(routed.message, ServerMessage::Welcome { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room_id::room_id_from_bytes;
    use conclave_protocol::Bytes;

    const ADA: ParticipantId = ParticipantId(1);
    const BOB: ParticipantId = ParticipantId(2);
    const CY: ParticipantId = ParticipantId(3);

    fn commit(epoch: u64, to: &[ParticipantId], welcome_to: Option<ParticipantId>) -> Vec<Routed> {
        let mut routed: Vec<Routed> = to
            .iter()
            .map(|&to| Routed {
                to,
                message: ServerMessage::Commit {
                    from: ADA,
                    epoch,
                    commit: Bytes(vec![epoch as u8]),
                    added: vec![],
                    removed: vec![],
                    expelled: vec![],
                },
            })
            .collect();
        routed.extend(welcome_to.map(|to| Routed {
            to,
            message: ServerMessage::Welcome {
                from: ADA,
                epoch: epoch + 1,
                welcome: Bytes(vec![]),
            },
        }));
        routed
    }

    fn summary(routed: &[Routed]) -> Vec<(u64, &'static str, u64)> {
        routed
            .iter()
            .map(|r| match r.message {
                ServerMessage::Commit { epoch, .. } => (r.to.0, "commit", epoch),
                ServerMessage::Welcome { epoch, .. } => (r.to.0, "welcome", epoch),
                _ => (r.to.0, "other", 0),
            })
            .collect()
    }

    fn arm(faults: &mut HandshakeFaults, request: FaultRequest) {
        faults.arm(request).unwrap();
    }

    #[test]
    fn a_dropped_commit_misses_the_newest_member_only_and_waits_for_a_target() {
        let room = room_id_from_bytes([1; 16]);
        let mut faults = HandshakeFaults::default();
        arm(
            &mut faults,
            FaultRequest {
                drop_next_commit: true,
                ..FaultRequest::default()
            },
        );
        // Only the sender receives this one: nothing to drop, the fault stays armed.
        let routed = faults.apply_to_commit(&room, ADA, commit(0, &[ADA], Some(BOB)));
        assert_eq!(summary(&routed), vec![(1, "commit", 0), (2, "welcome", 1)]);
        let routed = faults.apply_to_commit(&room, ADA, commit(1, &[ADA, BOB, CY], None));
        assert_eq!(summary(&routed), vec![(1, "commit", 1), (2, "commit", 1)]);
        assert!(faults.status().armed.is_empty());
    }

    #[test]
    fn a_reordered_commit_arrives_after_the_next_one() {
        let room = room_id_from_bytes([1; 16]);
        let mut faults = HandshakeFaults::default();
        arm(
            &mut faults,
            FaultRequest {
                room_id: Some(room.clone()),
                reorder_next_commit: true,
                ..FaultRequest::default()
            },
        );
        let routed = faults.apply_to_commit(&room, ADA, commit(1, &[ADA, BOB], None));
        assert_eq!(summary(&routed), vec![(1, "commit", 1)]);
        assert_eq!(faults.status().held_commits, 1);
        let routed = faults.apply_to_commit(&room, ADA, commit(2, &[ADA, BOB, CY], None));
        assert_eq!(
            summary(&routed),
            vec![
                (1, "commit", 2),
                (2, "commit", 2),
                (2, "commit", 1),
                (3, "commit", 2)
            ]
        );
        assert_eq!(faults.status().held_commits, 0);
    }

    #[test]
    fn faults_for_another_room_do_not_fire() {
        let room = room_id_from_bytes([1; 16]);
        let other = room_id_from_bytes([2; 16]);
        let mut faults = HandshakeFaults::default();
        arm(
            &mut faults,
            FaultRequest {
                room_id: Some(other),
                drop_next_welcome: true,
                ..FaultRequest::default()
            },
        );
        let routed = faults.apply_to_commit(&room, ADA, commit(0, &[ADA], Some(BOB)));
        assert_eq!(routed.len(), 2);
        assert_eq!(faults.status().armed.len(), 1);
        faults.clear();
        assert!(faults.status().armed.is_empty());
    }

    #[test]
    fn a_dropped_welcome_is_not_delivered() {
        let room = room_id_from_bytes([1; 16]);
        let mut faults = HandshakeFaults::default();
        arm(
            &mut faults,
            FaultRequest {
                drop_next_welcome: true,
                ..FaultRequest::default()
            },
        );
        let routed = faults.apply_to_commit(&room, ADA, commit(0, &[ADA], Some(BOB)));
        assert_eq!(summary(&routed), vec![(1, "commit", 0)]);
    }

    #[test]
    fn arming_is_bounded() {
        let mut faults = HandshakeFaults::default();
        let request = FaultRequest {
            drop_next_commit: true,
            ..FaultRequest::default()
        };
        for _ in 0..MAX_ARMED_FAULTS {
            faults.arm(request.clone()).unwrap();
        }
        assert!(faults.arm(request).is_err());
    }
}
