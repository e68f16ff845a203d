//! What a media frame is and where it comes from, as the page, the worker and the
//! transports name it: the track kind, and the source a receiver is bound to (a mesh peer
//! or an SFU stream). Shared by the worker protocol, the decryption status and the
//! transports, and depending on none of them.

use std::rc::Rc;

use conclave_protocol::ParticipantId;
use serde::Deserialize;

/// Kind of a media track, as the worker and WebRTC name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// An audio track (Opus).
    Audio,
    /// A video track (whichever codec the connection negotiated).
    Video,
}

impl MediaKind {
    /// Both kinds, audio first.
    pub const ALL: [MediaKind; 2] = [MediaKind::Audio, MediaKind::Video];

    /// The name WebRTC uses (`track.kind`, `mediaKind` in transform options).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }

    /// Parses `track.kind`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "audio" => Some(MediaKind::Audio),
            "video" => Some(MediaKind::Video),
            _ => None,
        }
    }
}

/// An SFU's name for one incoming stream: opaque to everyone but the SFU adapter that made
/// it (Janus names feeds with numbers, other SFUs with strings). It names a stream, never a
/// person: only the key that decrypts its frames tells whose it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SfuStreamId(Rc<str>);

impl SfuStreamId {
    /// The stream id an adapter chose, as text.
    pub fn new(id: &str) -> Self {
        SfuStreamId(Rc::from(id))
    }

    /// The id as text, as the worker's transform options carry it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SfuStreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a receiver's frames come from, as the page named it when it attached the
/// transform.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MediaSource {
    /// A mesh peer connection to this participant.
    Peer(ParticipantId),
    /// An SFU stream: who sent it only the decrypting key tells (`sender_index`).
    SfuStream(SfuStreamId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_kinds_use_webrtc_names() {
        for kind in MediaKind::ALL {
            assert_eq!(MediaKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MediaKind::parse("data"), None);
    }
}
