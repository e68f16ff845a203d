//! The SFU that carries a room's (end-to-end encrypted) media, when the server is not in
//! mesh mode. The server, never a browser, creates and destroys the SFU rooms.
//!
//! - [`lifecycle`]: each signaling room's SFU room as plain state (no IO), driven by the
//!   room state in [`crate::rooms`].
//! - [`janus`]: the adapter for Janus VideoRoom, an actor task that owns the WebSocket to
//!   Janus, carries out [`SfuCommand`]s and reports [`SfuEvent`]s.
//! - [`placement`]: which of several configured Janus holds each room (no IO), and
//!   `pool`: the task that runs one actor per Janus and moves rooms off a Janus that went
//!   down.
//!
//! A second SFU is a new [`SfuEndpoint`] variant (its `media_mode`, and its `access`, made
//! for each participant, where a per-participant token would be minted), a new adapter
//! beside [`janus`], and its arms in [`endpoint_for`] and [`spawn`]; the configuration, the
//! protocol and the client's side are listed in docs/ARCHITECTURE.md ("Adding a second SFU
//! adapter").

pub mod janus;
pub mod lifecycle;
pub mod placement;
mod pool;

use base64::Engine as _;
use rand::Rng as _;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::config::{JanusConfig, MediaConfig, Secret};
use crate::metrics::SfuProbe;
pub use lifecycle::{
    SfuCommand, SfuEndpoint, SfuEvent, SfuNotice, SfuRoomSpec, SFU_ROOM_NUMBER_LIMIT,
};

/// Commands queued for the actor before room changes count as failing (each is one room
/// appearing or going, so this is far above what a server sees at once).
pub const COMMAND_QUEUE: usize = 1024;
/// Reports queued from the actor to the room state.
pub const EVENT_QUEUE: usize = 256;

/// Why talking to the SFU failed. Only logged: participants see `sfu_unavailable`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SfuError {
    /// The WebSocket to the SFU could not be opened.
    #[error("cannot connect: {0}")]
    Connect(#[source] Box<tokio_tungstenite::tungstenite::Error>),
    /// The WebSocket to the SFU failed or closed.
    #[error("connection lost")]
    ConnectionLost,
    /// The SFU did not answer a request in time.
    #[error("no answer to {request} in time")]
    Timeout {
        /// The request (`create`, `attach`, videoroom `create`...).
        request: &'static str,
    },
    /// The SFU answered a request with an error.
    #[error("{request} refused: {code} {reason}")]
    Refused {
        /// The request.
        request: &'static str,
        /// The SFU's error code.
        code: i64,
        /// The SFU's explanation.
        reason: String,
    },
    /// The SFU's answer did not have the expected shape.
    #[error("unexpected answer to {request}")]
    UnexpectedAnswer {
        /// The request.
        request: &'static str,
    },
}

/// Draws a fresh SFU room: a number in `1..2^53`, a 128-bit pin and a 256-bit secret
/// (unpadded base64url), from the operating system's CSPRNG through `rand`.
pub fn random_room_spec() -> SfuRoomSpec {
    let mut rng = rand::rng();
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    SfuRoomSpec {
        number: rng.random_range(1..SFU_ROOM_NUMBER_LIMIT),
        pin: Secret::new(encode(&rng.random::<[u8; 16]>())),
        secret: Secret::new(encode(&rng.random::<[u8; 32]>())),
    }
}

/// The running SFU adapter: its command queue and its task.
#[derive(Debug)]
pub struct SfuHandle {
    /// Commands for the actor.
    pub commands: mpsc::Sender<SfuCommand>,
    /// The actor; aborted on shutdown.
    pub task: JoinHandle<()>,
}

/// The endpoint the configuration names, if the media do not go mesh.
pub fn endpoint_for(media: &MediaConfig) -> Option<SfuEndpoint> {
    match media {
        MediaConfig::Mesh => None,
        MediaConfig::Janus(janus) => Some(SfuEndpoint::Janus(janus.clone())),
    }
}

/// Starts the adapter for `endpoint` (with `more_janus`, the other configured Janus, see
/// [`placement`]); its reports go to `events`, its connection state and request timings
/// to `probe`.
pub fn spawn(
    endpoint: &SfuEndpoint,
    more_janus: &[JanusConfig],
    max_participants: usize,
    events: mpsc::Sender<SfuEvent>,
    probe: SfuProbe,
) -> SfuHandle {
    let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
    let task = match endpoint {
        SfuEndpoint::Janus(first) => {
            let servers = std::iter::once(first).chain(more_janus).cloned().collect();
            tokio::spawn(pool::start(
                servers,
                max_participants,
                receiver,
                events,
                &probe,
            ))
        }
    };
    SfuHandle { commands, task }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_rooms_are_in_range_and_distinct() {
        let a = random_room_spec();
        let b = random_room_spec();
        for spec in [&a, &b] {
            assert!((1..SFU_ROOM_NUMBER_LIMIT).contains(&spec.number));
            assert_eq!(spec.pin.expose().len(), 22);
            assert_eq!(spec.secret.expose().len(), 43);
        }
        assert_ne!(a.pin, b.pin);
        assert_ne!(a.secret, b.secret);
    }
}
