//! Which configured Janus holds each SFU room: plain state, no IO. The pool in
//! `super::pool` feeds it the room state's [`SfuCommand`]s and each Janus' connection
//! state, and carries out the `(janus index, command)` pairs it returns.
//!
//! The rule:
//! - A new room goes to the Janus that is up and holds the fewest rooms; ties go to the
//!   one listed first in the configuration. While no Janus is up, the same rule runs over
//!   all of them (the room waits there, as with a single Janus).
//! - A Janus that goes down has its rooms recreated, each by the same rule, on the Janus
//!   that are up (the same number, pin and secret: only the URL changes for the
//!   participants). With none up, they stay and wait for it.
//! - A Janus that comes up also takes, by the same rule, the rooms waiting on a Janus that
//!   is down. Rooms never move back to a Janus that returns: a move costs every
//!   participant a reconnection.

use std::collections::HashMap;

use conclave_protocol::RoomId;

use super::{SfuCommand, SfuRoomSpec};

/// A command for the actor of the Janus at this index in the configuration.
pub type Routed = (usize, SfuCommand);

/// The rooms of every configured Janus, and which Janus are up.
#[derive(Debug)]
pub struct Placement {
    /// Whether each Janus (in configuration order) holds a working connection.
    up: Vec<bool>,
    /// Each room's Janus and spec.
    rooms: HashMap<RoomId, (usize, SfuRoomSpec)>,
}

impl Placement {
    /// `janus_count` Janus, all down (none has connected yet), holding no room.
    pub fn new(janus_count: usize) -> Self {
        Self {
            up: vec![false; janus_count],
            rooms: HashMap::new(),
        }
    }

    /// The Janus holding `room`, if the room exists.
    pub fn janus_of(&self, room: &RoomId) -> Option<usize> {
        self.rooms.get(room).map(|(janus, _)| *janus)
    }

    /// How many rooms the Janus at `janus` holds.
    pub fn room_count(&self, janus: usize) -> usize {
        self.rooms.values().filter(|(on, _)| *on == janus).count()
    }

    /// Routes a command from the room state: a new room is placed, the others follow
    /// their room. A command for a room nobody placed is dropped (nothing to destroy or
    /// kick).
    pub fn route(&mut self, command: SfuCommand) -> Option<Routed> {
        match command {
            SfuCommand::Create { room, spec } => {
                let janus = self.least_loaded()?;
                self.rooms.insert(room.clone(), (janus, spec.clone()));
                Some((janus, SfuCommand::Create { room, spec }))
            }
            SfuCommand::Destroy { room, spec } => {
                let (janus, _) = self.rooms.remove(&room)?;
                Some((janus, SfuCommand::Destroy { room, spec }))
            }
            SfuCommand::Kick {
                room,
                spec,
                participants,
            } => {
                let janus = self.janus_of(&room)?;
                Some((
                    janus,
                    SfuCommand::Kick {
                        room,
                        spec,
                        participants,
                    },
                ))
            }
        }
    }

    /// The Janus at `janus` connected: it takes its share of the rooms waiting on Janus
    /// that are down.
    pub fn janus_up(&mut self, janus: usize) -> Vec<Routed> {
        match self.up.get_mut(janus) {
            Some(up) if !*up => *up = true,
            _ => return Vec::new(),
        }
        self.move_rooms_off_down_janus()
    }

    /// The Janus at `janus` lost its connection (or could not connect): its rooms go to
    /// the Janus that are up, if any.
    pub fn janus_down(&mut self, janus: usize) -> Vec<Routed> {
        if let Some(up) = self.up.get_mut(janus) {
            *up = false;
        }
        self.move_rooms_off_down_janus()
    }

    /// Moves every room held by a down Janus to an up one, each by the placement rule
    /// (rooms in a fixed order, so the outcome does not depend on the map's order).
    fn move_rooms_off_down_janus(&mut self) -> Vec<Routed> {
        if !self.up.contains(&true) {
            return Vec::new();
        }
        let mut stranded: Vec<RoomId> = self
            .rooms
            .iter()
            .filter(|(_, (janus, _))| !self.up.get(*janus).copied().unwrap_or(false))
            .map(|(room, _)| room.clone())
            .collect();
        stranded.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        let mut routed = Vec::with_capacity(stranded.len() * 2);
        for room in stranded {
            let Some(to) = self.least_loaded() else {
                break;
            };
            let Some(placed) = self.rooms.get_mut(&room) else {
                continue;
            };
            let from = placed.0;
            placed.0 = to;
            let spec = placed.1.clone();
            // The old actor forgets the room (its Janus lost it, or will have it
            // destroyed if it reconnects meanwhile); the new one creates it.
            routed.push((
                from,
                SfuCommand::Destroy {
                    room: room.clone(),
                    spec: spec.clone(),
                },
            ));
            routed.push((to, SfuCommand::Create { room, spec }));
        }
        routed
    }

    /// The Janus a new room goes to: among those up (all, if none is), the one holding
    /// the fewest rooms, the first listed on a tie. `None` with no Janus configured.
    fn least_loaded(&self) -> Option<usize> {
        let any_up = self.up.contains(&true);
        let mut counts = vec![0usize; self.up.len()];
        for (janus, _) in self.rooms.values() {
            if let Some(count) = counts.get_mut(*janus) {
                *count += 1;
            }
        }
        (0..self.up.len())
            .filter(|janus| !any_up || self.up[*janus])
            .min_by_key(|janus| (counts[*janus], *janus))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::room_id::room_id_from_bytes;

    fn room(byte: u8) -> RoomId {
        room_id_from_bytes([byte; 16])
    }

    fn spec(number: u64) -> SfuRoomSpec {
        SfuRoomSpec {
            number,
            pin: Secret::new(format!("pin-{number}")),
            secret: Secret::new(format!("secret-{number}")),
        }
    }

    fn create(byte: u8) -> SfuCommand {
        SfuCommand::Create {
            room: room(byte),
            spec: spec(u64::from(byte)),
        }
    }

    fn destroy(byte: u8) -> SfuCommand {
        SfuCommand::Destroy {
            room: room(byte),
            spec: spec(u64::from(byte)),
        }
    }

    /// Three Janus, all up.
    fn three_up() -> Placement {
        let mut placement = Placement::new(3);
        for janus in 0..3 {
            assert!(placement.janus_up(janus).is_empty());
        }
        placement
    }

    #[test]
    fn new_rooms_go_to_the_least_loaded_janus_first_listed_on_a_tie() {
        let mut placement = three_up();
        let placed: Vec<usize> = (1..=5)
            .map(|byte| placement.route(create(byte)).unwrap().0)
            .collect();
        assert_eq!(placed, [0, 1, 2, 0, 1]);
        // Janus 0 empties: it is the least loaded again.
        placement.route(destroy(1));
        placement.route(destroy(4));
        assert_eq!(placement.route(create(6)).unwrap().0, 0);
        assert_eq!(placement.route(create(7)).unwrap().0, 0);
        assert_eq!(placement.route(create(8)).unwrap().0, 2);
    }

    #[test]
    fn a_down_janus_gets_no_new_room_unless_all_are_down() {
        let mut placement = three_up();
        placement.janus_down(0);
        assert_eq!(placement.route(create(1)).unwrap().0, 1);
        assert_eq!(placement.route(create(2)).unwrap().0, 2);
        assert_eq!(placement.route(create(3)).unwrap().0, 1);
        let mut none_up = Placement::new(2);
        assert_eq!(none_up.route(create(1)).unwrap().0, 0);
        assert_eq!(none_up.route(create(2)).unwrap().0, 1);
    }

    #[test]
    fn commands_follow_their_room() {
        let mut placement = three_up();
        placement.route(create(1));
        placement.route(create(2));
        let kick = SfuCommand::Kick {
            room: room(2),
            spec: spec(2),
            participants: Vec::new(),
        };
        assert_eq!(placement.route(kick.clone()), Some((1, kick)));
        assert_eq!(placement.route(destroy(2)), Some((1, destroy(2))));
        assert_eq!(placement.janus_of(&room(2)), None);
        assert_eq!(placement.route(destroy(2)), None, "already gone");
    }

    #[test]
    fn a_lost_janus_has_its_rooms_recreated_on_the_others() {
        let mut placement = three_up();
        for byte in 1..=6 {
            placement.route(create(byte));
        }
        // Janus 1 holds rooms 2 and 5.
        let moves = placement.janus_down(1);
        assert_eq!(
            moves,
            vec![
                (1, destroy(2)),
                (0, create(2)),
                (1, destroy(5)),
                (2, create(5)),
            ]
        );
        assert_eq!(placement.room_count(1), 0);
        assert_eq!(placement.room_count(0) + placement.room_count(2), 6);
        assert!(placement.janus_down(1).is_empty(), "nothing left to move");
    }

    #[test]
    fn a_returning_janus_gets_no_room_back() {
        let mut placement = three_up();
        placement.route(create(1));
        placement.janus_down(0);
        assert_eq!(placement.janus_of(&room(1)), Some(1));
        assert!(placement.janus_up(0).is_empty());
        assert_eq!(placement.janus_of(&room(1)), Some(1));
        // ...but it is the least loaded for the next room.
        assert_eq!(placement.route(create(2)).unwrap().0, 0);
    }

    #[test]
    fn rooms_wait_while_every_janus_is_down_then_go_to_the_first_up() {
        let mut placement = Placement::new(2);
        placement.route(create(1));
        placement.route(create(2));
        assert!(placement.janus_down(0).is_empty());
        assert!(placement.janus_down(1).is_empty());
        // Janus 1 connects first: room 1, waiting on Janus 0, moves to it.
        assert_eq!(placement.janus_up(1), vec![(0, destroy(1)), (1, create(1))]);
        // Janus 0 comes up later: nothing moves back.
        assert!(placement.janus_up(0).is_empty());
        assert_eq!(placement.room_count(1), 2);
    }

    #[test]
    fn unknown_janus_indexes_change_nothing() {
        let mut placement = three_up();
        placement.route(create(1));
        assert!(placement.janus_up(7).is_empty());
        assert!(placement.janus_down(7).is_empty());
        assert_eq!(placement.janus_of(&room(1)), Some(0));
        assert_eq!(Placement::new(0).route(create(1)), None);
    }
}
