//! Bytes left in clear per codec, authenticated as SFrame metadata (RFC 9605 section 9.4).
//!
//! The codec of a frame comes from the encoded frame's metadata (the worker's `codecOf`),
//! never from its bytes. Two kinds of layout:
//!
//! - **Clear prefix** (VP8, VP9, Opus, anything else): `clear prefix || SFrame header ||
//!   ciphertext || tag`, AAD = `header || clear prefix`.
//! - **Structured** ([`structured`]; H.264 in [`h264`], AV1 in [`av1`]): the frame keeps its
//!   own unit structure (Annex B NAL units, OBUs) with every unit header in clear; the
//!   payloads are encrypted as one SFrame ciphertext that is cut back into the units.
//!
//! | codec | clear bytes | why |
//! |---|---|---|
//! | VP8 key frame | 10 | frame tag (3) + start code and dimensions (7): what SFUs and the RTP packetizer read for key-frame detection and resolution |
//! | VP8 delta frame | 3 | the frame tag (key-frame bit, version, show-frame, partition size) |
//! | VP9 | 0 | the RTP packetizer takes the VP9 payload descriptor from the encoder, not from the frame |
//! | H.264 | start codes, every NAL unit header, whole parameter sets, the first three slice header fields | packetizers split the frame at start codes; receivers drop packets whose SPS, PPS or slice header they cannot parse |
//! | AV1 | every OBU header, extension and size field | the packetizer splits the frame into OBUs and reads their types and layer ids |
//! | Opus and everything else | 0 | nothing on the path needs to read the payload |
//!
//! docs/FRAME_FORMAT.md holds the full rules.
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

pub mod av1;
pub mod h264;
pub mod structured;

use crate::header::MAX_HEADER_LEN;
use crate::suite::CipherSuite;

/// Clear bytes of a VP8 key frame.
pub const VP8_KEY_FRAME_PREFIX: usize = 10;
/// Clear bytes of a VP8 delta frame.
pub const VP8_DELTA_FRAME_PREFIX: usize = 3;

/// The codec of a frame, as far as the clear bytes are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// VP8 video.
    Vp8,
    /// VP9 video.
    Vp9,
    /// H.264 video in Annex B byte-stream format.
    H264,
    /// AV1 video as a sequence of OBUs (low-overhead bitstream format).
    Av1,
    /// Opus audio.
    Opus,
    /// Any other codec: no byte is left in clear.
    Other,
}

/// How a codec's frames are laid out once protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `clear prefix || SFrame header || ciphertext || tag`, with this nominal prefix.
    ClearPrefix(usize),
    /// The codec's own units, headers in clear ([`structured`]).
    Structured(structured::Format),
}

/// Why a frame handed to `protect` does not parse as its codec. The sender fails closed on
/// every one of them: the frame is dropped, never sent in clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedFrame {
    /// An H.264 frame does not begin with an Annex B start code.
    #[error("H.264 frame does not begin with a start code")]
    MissingStartCode,
    /// An H.264 NAL unit has no header byte (two start codes in a row, or one at the end).
    #[error("H.264 NAL unit is empty")]
    EmptyNalUnit,
    /// The forbidden zero bit of an H.264 NAL unit header or AV1 OBU header is set.
    #[error("forbidden bit set in a unit header")]
    ForbiddenBitSet,
    /// A protected H.264 NAL unit's ciphertext share lacks its trailer or is not escaped as
    /// the sender escapes it (receiving only).
    #[error("H.264 ciphertext share is malformed")]
    MalformedShare,
    /// An H.264 NAL unit is shorter than its header (the extension of types 14, 20, 21).
    #[error("H.264 NAL unit header is truncated")]
    TruncatedNalHeader,
    /// An H.264 slice header ends before `pic_parameter_set_id`, or an Exp-Golomb code in it
    /// is longer than 32 bits.
    #[error("H.264 slice header is malformed")]
    MalformedSliceHeader,
    /// An AV1 OBU header, extension or size field runs past the end of the frame.
    #[error("AV1 OBU header is truncated")]
    TruncatedObuHeader,
    /// An AV1 `leb128` size is longer than 8 bytes or above 2^32 - 1.
    #[error("AV1 OBU size is malformed")]
    MalformedObuSize,
    /// An AV1 OBU size points past the end of the frame.
    #[error("AV1 OBU is longer than the frame")]
    ObuPastEnd,
    /// An AV1 temporal delimiter OBU has a payload.
    #[error("AV1 temporal delimiter has a payload")]
    TemporalDelimiterPayload,
    /// The frame has no unit whose payload can carry the SFrame ciphertext.
    #[error("frame has no unit to carry the ciphertext")]
    NothingToEncrypt,
}

impl Codec {
    /// The lower-case name of the codec (`"other"` for [`Codec::Other`]).
    pub fn name(self) -> &'static str {
        match self {
            Self::Vp8 => "vp8",
            Self::Vp9 => "vp9",
            Self::H264 => "h264",
            Self::Av1 => "av1",
            Self::Opus => "opus",
            Self::Other => "other",
        }
    }

    /// The media kind (`"video"` or `"audio"`), when the codec tells it.
    pub fn media_kind(self) -> Option<&'static str> {
        match self {
            Self::Vp8 | Self::Vp9 | Self::H264 | Self::Av1 => Some("video"),
            Self::Opus => Some("audio"),
            Self::Other => None,
        }
    }

    /// How frames of this codec are protected.
    pub fn layout(self, key_frame: bool) -> Layout {
        match self {
            Self::H264 => Layout::Structured(structured::Format::H264),
            Self::Av1 => Layout::Structured(structured::Format::Av1),
            other => Layout::ClearPrefix(other.prefix_len(key_frame)),
        }
    }

    /// The nominal clear prefix for a frame of this codec (0 for the structured codecs,
    /// whose clear bytes are not a prefix: see [`Codec::layout`]).
    pub fn prefix_len(self, key_frame: bool) -> usize {
        match (self, key_frame) {
            (Self::Vp8, true) => VP8_KEY_FRAME_PREFIX,
            (Self::Vp8, false) => VP8_DELTA_FRAME_PREFIX,
            (Self::Vp9 | Self::H264 | Self::Av1 | Self::Opus | Self::Other, _) => 0,
        }
    }
}

/// Clear bytes actually kept for a protected frame of `protected_len` bytes (see the module
/// documentation). Sender and receiver both call this with the same arguments.
pub fn clear_len(prefix_len: usize, protected_len: usize, suite: CipherSuite) -> usize {
    prefix_len.min(protected_len.saturating_sub(MAX_HEADER_LEN + suite.nt()))
}
