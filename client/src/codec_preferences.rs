//! Which video codec Conclave negotiates. One codec for the whole meeting keeps every
//! participant of a mesh decodable; VP8 by default. The worker protects each codec by its own
//! rule (docs/FRAME_FORMAT.md), named from the encoded frame's metadata. Retransmission
//! (`video/rtx`) stays allowed. Test builds can pick another codec
//! (`window.__conclaveTestHooks.videoCodec`, see `services::test_hooks`).

/// A video codec Conclave can protect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VideoCodec {
    /// VP8, the default.
    #[default]
    Vp8,
    /// VP9.
    Vp9,
    /// H.264.
    H264,
    /// AV1.
    Av1,
}

impl VideoCodec {
    /// The codec named `name` as in its MIME subtype (`"VP8"`, `"VP9"`, `"H264"`, `"AV1"`,
    /// any case), or `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Vp8, Self::Vp9, Self::H264, Self::Av1]
            .into_iter()
            .find(|codec| name.eq_ignore_ascii_case(codec.name()))
    }

    /// The MIME subtype (`"VP8"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Vp8 => "VP8",
            Self::Vp9 => "VP9",
            Self::H264 => "H264",
            Self::Av1 => "AV1",
        }
    }

    /// Whether a codec capability (by `mimeType`) is this codec.
    pub fn matches(self, mime_type: &str) -> bool {
        mime_type
            .strip_prefix("video/")
            .is_some_and(|subtype| subtype.eq_ignore_ascii_case(self.name()))
    }

    /// Whether a video codec capability (by `mimeType`) may be offered when this codec is
    /// the meeting's: this codec and retransmission.
    pub fn allows(self, mime_type: &str) -> bool {
        self.matches(mime_type) || mime_type.eq_ignore_ascii_case("video/rtx")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_default_only_vp8_and_retransmission_are_offered() {
        let codec = VideoCodec::default();
        assert!(codec.allows("video/VP8"));
        assert!(codec.allows("video/vp8"));
        assert!(codec.allows("video/rtx"));
        for other in [
            "video/VP9",
            "video/H264",
            "video/AV1",
            "video/red",
            "video/ulpfec",
        ] {
            assert!(!codec.allows(other), "{other}");
        }
    }

    #[test]
    fn a_chosen_codec_is_offered_alone_with_retransmission() {
        for (name, mime) in [
            ("vp9", "video/VP9"),
            ("H264", "video/H264"),
            ("av1", "video/AV1"),
        ] {
            let codec = VideoCodec::from_name(name).expect("known codec");
            assert!(codec.allows(mime));
            assert!(codec.allows("video/rtx"));
            assert!(!codec.allows("video/VP8"));
            assert!(!codec.matches("audio/opus"));
        }
        assert_eq!(VideoCodec::from_name("HEVC"), None);
    }
}
