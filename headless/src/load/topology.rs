//! Who is where in a load run: each connection's room, server and recipient. Plain
//! arithmetic, no IO.
//!
//! Connection `i` sits in room `i % rooms` at slot `i / rooms` (so every room fills at
//! the same pace), on server `slot % servers` (so with several servers the members of
//! one room sit on different servers, as the shared-rooms variant needs), and sends to
//! the room's next connection by slot, the last slot to the first: within each room the
//! senders form a ring, so every connection receives exactly as much as it sends.

use super::LoadError;

/// The shape of a load run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Topology {
    connections: usize,
    rooms: usize,
    servers: usize,
}

impl Topology {
    /// `connections` spread over `rooms` (at least two connections each) and `servers`.
    pub fn new(connections: usize, rooms: usize, servers: usize) -> Result<Self, LoadError> {
        if rooms == 0 || servers == 0 || connections < 2 * rooms {
            return Err(LoadError::BadShape {
                connections,
                rooms,
                servers,
            });
        }
        Ok(Self {
            connections,
            rooms,
            servers,
        })
    }

    /// How many connections.
    pub fn connections(&self) -> usize {
        self.connections
    }

    /// How many rooms.
    pub fn rooms(&self) -> usize {
        self.rooms
    }

    /// The room connection `connection` joins.
    pub fn room_of(&self, connection: usize) -> usize {
        connection % self.rooms
    }

    /// The server connection `connection` talks to.
    pub fn server_of(&self, connection: usize) -> usize {
        (connection / self.rooms) % self.servers
    }

    /// The server that creates room `room` (where its first member joins).
    pub fn server_creating(&self, room: usize) -> usize {
        self.server_of(room)
    }

    /// The connection that connection `connection` sends to: the same room's next one.
    pub fn recipient_of(&self, connection: usize) -> usize {
        let next = connection + self.rooms;
        if next < self.connections {
            next
        } else {
            self.room_of(connection)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_connection_receives_from_exactly_one_sender_of_its_own_room() {
        for (connections, rooms, servers) in [(10, 5, 1), (11, 5, 2), (100, 20, 3), (7, 3, 1)] {
            let topology = Topology::new(connections, rooms, servers).unwrap();
            let mut senders = vec![0; connections];
            for connection in 0..connections {
                let recipient = topology.recipient_of(connection);
                assert_ne!(recipient, connection);
                assert_eq!(topology.room_of(recipient), topology.room_of(connection));
                senders[recipient] += 1;
            }
            assert!(senders.iter().all(|&count| count == 1), "{senders:?}");
        }
    }

    #[test]
    fn with_two_servers_a_rooms_members_sit_on_both() {
        let topology = Topology::new(10, 5, 2).unwrap();
        let servers: Vec<usize> = (0..10)
            .filter(|&c| topology.room_of(c) == 3)
            .map(|c| topology.server_of(c))
            .collect();
        assert_eq!(servers, [0, 1]);
        assert_eq!(topology.server_creating(3), 0);
    }

    #[test]
    fn a_room_needs_two_connections() {
        assert!(Topology::new(9, 5, 1).is_err());
        assert!(Topology::new(10, 0, 1).is_err());
        assert!(Topology::new(10, 5, 0).is_err());
    }
}
