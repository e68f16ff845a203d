//! Which codecs Conclave negotiates. Video is VP8 only: the worker's clear-prefix table
//! (docs/ARCHITECTURE.md, "Frame layout") is written for it, and one codec keeps every
//! participant of a mesh decodable. Retransmission (`video/rtx`) stays allowed.

/// Whether a video codec capability (by `mimeType`) may be offered.
pub fn is_allowed_video_codec(mime_type: &str) -> bool {
    mime_type.eq_ignore_ascii_case("video/VP8") || mime_type.eq_ignore_ascii_case("video/rtx")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_vp8_and_retransmission_are_offered() {
        assert!(is_allowed_video_codec("video/VP8"));
        assert!(is_allowed_video_codec("video/vp8"));
        assert!(is_allowed_video_codec("video/rtx"));
        for other in [
            "video/VP9",
            "video/H264",
            "video/AV1",
            "video/red",
            "video/ulpfec",
        ] {
            assert!(!is_allowed_video_codec(other), "{other}");
        }
    }
}
