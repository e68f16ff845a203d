//! Bytes left in clear per codec, authenticated as SFrame metadata (RFC 9605 section 9.4).
//!
//! Conclave's protected frame is `clear prefix || SFrame header || ciphertext || tag`, and the
//! AAD is `header || clear prefix`, so the clear bytes cannot be changed without the frame
//! failing to decrypt.
//!
//! | codec | clear bytes | why |
//! |---|---|---|
//! | VP8 key frame | 10 | frame tag (3) + start code and dimensions (7): what SFUs and the RTP packetizer read for key-frame detection and resolution |
//! | VP8 delta frame | 3 | the frame tag (key-frame bit, version, show-frame, partition size) |
//! | Opus and everything else | 0 | nothing on the path needs to read the payload |
//!
//! # Frames shorter than their prefix
//!
//! The receiver does not know the original frame length, only the protected length `L`, so
//! the number of clear bytes is a function of `L` that both sides compute identically:
//!
//! `clear_len = min(prefix, L - (17 + Nt))` (saturating), where 17 is the longest SFrame
//! header. Because the actual header is at most 17 bytes, `clear_len` never exceeds the
//! frame length, so a frame shorter than (or equal to) its prefix is still protected and
//! round-trips; it just keeps fewer (possibly zero) bytes in clear. Real VP8 frames are far
//! longer than 10 + 17 bytes, so in practice the full prefix is always kept.

use crate::header::MAX_HEADER_LEN;
use crate::suite::CipherSuite;

/// Clear bytes of a VP8 key frame.
pub const VP8_KEY_FRAME_PREFIX: usize = 10;
/// Clear bytes of a VP8 delta frame.
pub const VP8_DELTA_FRAME_PREFIX: usize = 3;

/// The codec of a frame, as far as the clear prefix is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// VP8 video.
    Vp8,
    /// Opus audio.
    Opus,
    /// Any other codec: no byte is left in clear.
    Other,
}

impl Codec {
    /// Maps the worker's codec name: `"vp8"`, `"opus"`, anything else is [`Codec::Other`].
    pub fn from_name(name: &str) -> Self {
        if name.eq_ignore_ascii_case("vp8") {
            Self::Vp8
        } else if name.eq_ignore_ascii_case("opus") {
            Self::Opus
        } else {
            Self::Other
        }
    }

    /// The lower-case name of the codec (`"other"` for [`Codec::Other`]).
    pub fn name(self) -> &'static str {
        match self {
            Self::Vp8 => "vp8",
            Self::Opus => "opus",
            Self::Other => "other",
        }
    }

    /// The media kind (`"video"` or `"audio"`), when the codec tells it.
    pub fn media_kind(self) -> Option<&'static str> {
        match self {
            Self::Vp8 => Some("video"),
            Self::Opus => Some("audio"),
            Self::Other => None,
        }
    }

    /// The nominal clear prefix for a frame of this codec.
    pub fn prefix_len(self, key_frame: bool) -> usize {
        match (self, key_frame) {
            (Self::Vp8, true) => VP8_KEY_FRAME_PREFIX,
            (Self::Vp8, false) => VP8_DELTA_FRAME_PREFIX,
            (Self::Opus | Self::Other, _) => 0,
        }
    }
}

/// Clear bytes actually kept for a protected frame of `protected_len` bytes (see the module
/// documentation). Sender and receiver both call this with the same arguments.
pub fn clear_len(prefix_len: usize, protected_len: usize, suite: CipherSuite) -> usize {
    prefix_len.min(protected_len.saturating_sub(MAX_HEADER_LEN + suite.nt()))
}
