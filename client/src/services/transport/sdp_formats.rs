//! Interoperability of session descriptions between browsers: a media section's format
//! attributes (`a=rtpmap`, `a=fmtp`, `a=rtcp-fb`, RFC 8866 section 6 and RFC 4585 section
//! 4.2) must name a payload type its `m=` line lists. Firefox ESR leaves `a=rtcp-fb` lines
//! for every codec that `setCodecPreferences` removed, and Chromium refuses such an offer
//! ("Failed to parse codecs correctly"), so a Firefox participant who offers first could
//! never connect to a Chromium one. Those lines describe formats nobody may send: dropping
//! them changes nothing that is negotiated.
//!
//! A pure text function, tested natively; [`super::webrtc`] applies it with
//! [`super::sdp_policy`] to every description it sets or sends.

/// `sdp` without format attributes whose payload type the section's `m=` line does not list
/// (`a=rtcp-fb:*`, for every format, is kept).
pub fn without_unlisted_formats(sdp: &str) -> String {
    let line_break = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    // None before the first m= line: the session part has no formats.
    let mut listed: Option<Vec<&str>> = None;
    let mut kept: Vec<&str> = Vec::new();
    for line in sdp.split(line_break) {
        if let Some(media) = line.strip_prefix("m=") {
            // m=<media> <port> <proto> <fmt> ...
            listed = Some(media.split_whitespace().skip(3).collect());
        } else if let (Some(listed), Some(payload_type)) =
            (&listed, format_attribute_payload_type(line))
        {
            if payload_type != "*" && !listed.contains(&payload_type) {
                continue;
            }
        }
        kept.push(line);
    }
    kept.join(line_break)
}

/// The payload type an `a=rtpmap:`, `a=fmtp:` or `a=rtcp-fb:` line is about.
fn format_attribute_payload_type(line: &str) -> Option<&str> {
    let rest = ["a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"]
        .iter()
        .find_map(|prefix| line.strip_prefix(prefix))?;
    rest.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A video section as Firefox ESR offers it after `setCodecPreferences([VP8, rtx])`
    /// (shortened): feedback lines remain for the removed VP9 (121) and H.264 (99, 123).
    const FIREFOX_VIDEO: &str = "v=0\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 120 124\r\n\
        a=fmtp:120 max-fs=12288;max-fr=60\r\n\
        a=fmtp:124 apt=120\r\n\
        a=rtcp-fb:120 nack\r\n\
        a=rtcp-fb:120 transport-cc\r\n\
        a=rtcp-fb:121 nack\r\n\
        a=rtcp-fb:99 nack pli\r\n\
        a=rtcp-fb:123 ccm fir\r\n\
        a=rtcp-mux\r\n\
        a=rtpmap:120 VP8/90000\r\n\
        a=rtpmap:124 rtx/90000\r\n";

    #[test]
    fn feedback_for_formats_the_section_does_not_list_is_dropped() {
        let cleaned = without_unlisted_formats(FIREFOX_VIDEO);
        for removed in ["a=rtcp-fb:121 ", "a=rtcp-fb:99 ", "a=rtcp-fb:123 "] {
            assert!(FIREFOX_VIDEO.contains(removed));
            assert!(!cleaned.contains(removed), "{removed}");
        }
        assert_eq!(
            cleaned,
            "v=0\r\n\
             m=video 9 UDP/TLS/RTP/SAVPF 120 124\r\n\
             a=fmtp:120 max-fs=12288;max-fr=60\r\n\
             a=fmtp:124 apt=120\r\n\
             a=rtcp-fb:120 nack\r\n\
             a=rtcp-fb:120 transport-cc\r\n\
             a=rtcp-mux\r\n\
             a=rtpmap:120 VP8/90000\r\n\
             a=rtpmap:124 rtx/90000\r\n"
        );
    }

    #[test]
    fn formats_are_read_per_section_and_wildcard_feedback_stays() {
        let sdp = "m=audio 9 RTP/SAVPF 111\na=rtpmap:111 opus/48000/2\na=rtpmap:96 VP8/90000\n\
                   m=video 9 RTP/SAVPF 96\na=rtpmap:96 VP8/90000\na=rtcp-fb:* nack\na=fmtp:111 x=1\n";
        assert_eq!(
            without_unlisted_formats(sdp),
            "m=audio 9 RTP/SAVPF 111\na=rtpmap:111 opus/48000/2\n\
             m=video 9 RTP/SAVPF 96\na=rtpmap:96 VP8/90000\na=rtcp-fb:* nack\n"
        );
    }

    #[test]
    fn chromium_descriptions_and_the_session_part_pass_unchanged() {
        let sdp = "v=0\r\na=group:BUNDLE 0 1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n\
                   a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n\
                   a=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\n\
                   m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:5000\r\n";
        assert_eq!(without_unlisted_formats(sdp), sdp);
        assert_eq!(without_unlisted_formats(""), "");
    }
}
