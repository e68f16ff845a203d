//! What every session description Conclave sets or sends says about audio metadata
//! (docs/THREAT_MODEL.md, "What remains open": metadata). Applied to each local
//! description before it is set (and sent) and to each remote one before it is set, in
//! mesh and Janus mode alike, so neither side nor an SFU's own offer can bring it back:
//!
//! - **No audio level in RTP headers.** The header extensions
//!   `urn:ietf:params:rtp-hdrext:ssrc-audio-level` (RFC 6464) and
//!   `urn:ietf:params:rtp-hdrext:csrc-audio-level` (RFC 6465) tell whoever forwards the
//!   packets, in clear, how loud each packet is: who speaks when. Their `a=extmap` lines go,
//!   so the extension is never negotiated and never sent. (The transports also stop it with
//!   `setHeaderExtensionsToNegotiate` where the browser has it.)
//! - **Constant-bitrate Opus.** A variable-bitrate encoder makes each frame as big as its
//!   content needs, and frame sizes alone then leak words and phrases (RFC 6562). Every
//!   Opus format gets `cbr=1` (RFC 7587 section 6.1): the encoder of whoever applies our
//!   description sends frames of one size, and ours does too because we add it to the
//!   remote description we apply.
//!
//! Pure text functions, tested natively. Nothing else in a description changes (the mesh
//! signs what it sends after this policy, so a receiver verifies exactly these bytes).

/// The RTP header extensions that carry audio levels in clear.
pub const AUDIO_LEVEL_EXTENSIONS: [&str; 2] = [
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "urn:ietf:params:rtp-hdrext:csrc-audio-level",
];

/// The Opus format parameter that asks for constant bitrate (RFC 7587 section 6.1).
const CONSTANT_BITRATE: &str = "cbr=1";

/// `sdp` with the audio-level header extensions removed and `cbr=1` on every Opus format.
pub fn apply_audio_privacy(sdp: &str) -> String {
    let line_break = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out: Vec<String> = Vec::new();
    // Payload types are scoped to their media section: one section at a time.
    let mut section: Vec<&str> = Vec::new();
    for line in sdp.split(line_break) {
        if line.starts_with("m=") {
            apply_to_section(&section, &mut out);
            section.clear();
        }
        section.push(line);
    }
    apply_to_section(&section, &mut out);
    out.join(line_break)
}

/// The policy for one media section (or the session part before the first).
fn apply_to_section(lines: &[&str], out: &mut Vec<String>) {
    let opus_payload_types: Vec<&str> = lines.iter().filter_map(|l| opus_payload_type(l)).collect();
    let with_fmtp: Vec<&str> = lines
        .iter()
        .filter_map(|line| fmtp_of(line).map(|(pt, _)| pt))
        .collect();
    for line in lines {
        if is_audio_level_extmap(line) {
            continue;
        }
        match fmtp_of(line) {
            Some((pt, params)) if opus_payload_types.contains(&pt) => {
                out.push(format!("a=fmtp:{pt} {}", with_constant_bitrate(params)));
            }
            _ => out.push((*line).to_owned()),
        }
        // An Opus format without parameters gets a line of its own, after its rtpmap.
        if let Some(pt) = opus_payload_type(line) {
            if !with_fmtp.contains(&pt) {
                out.push(format!("a=fmtp:{pt} {CONSTANT_BITRATE}"));
            }
        }
    }
}

/// Whether `sdp` still negotiates an audio-level header extension.
pub fn has_audio_level_extension(sdp: &str) -> bool {
    sdp.lines().any(is_audio_level_extmap)
}

/// `a=extmap:<id>[/<direction>] <uri> [...]` naming an audio-level extension.
fn is_audio_level_extmap(line: &str) -> bool {
    line.strip_prefix("a=extmap:")
        .and_then(|rest| rest.split_whitespace().nth(1))
        .is_some_and(|uri| AUDIO_LEVEL_EXTENSIONS.contains(&uri))
}

/// The payload type of `a=rtpmap:<pt> opus/48000[/2]`.
fn opus_payload_type(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("a=rtpmap:")?;
    let (pt, encoding) = rest.split_once(' ')?;
    let name = encoding.split('/').next()?;
    name.eq_ignore_ascii_case("opus").then_some(pt)
}

/// The payload type and parameters of `a=fmtp:<pt> <params>`.
fn fmtp_of(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("a=fmtp:")?;
    Some(rest.split_once(' ').unwrap_or((rest, "")))
}

/// `params` with `cbr=1` (replacing any other `cbr` value).
fn with_constant_bitrate(params: &str) -> String {
    let mut kept: Vec<&str> = params
        .split(';')
        .map(str::trim)
        .filter(|param| !param.is_empty())
        .filter(|param| {
            let name = param.split('=').next().unwrap_or_default().trim();
            !name.eq_ignore_ascii_case("cbr")
        })
        .collect();
    kept.push(CONSTANT_BITRATE);
    kept.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An audio section as Chromium offers it (shortened).
    const CHROMIUM_AUDIO: &str = "v=0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9\r\n\
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n\
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n\
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n\
        a=extmap:14/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level vad=on\r\n\
        a=rtpmap:111 opus/48000/2\r\n\
        a=rtcp-fb:111 transport-cc\r\n\
        a=fmtp:111 minptime=10;useinbandfec=1\r\n\
        a=rtpmap:63 red/48000/2\r\n\
        a=fmtp:63 111/111\r\n\
        a=rtpmap:9 G722/8000\r\n";

    #[test]
    fn audio_level_extensions_are_removed_and_others_kept() {
        let sdp = apply_audio_privacy(CHROMIUM_AUDIO);
        assert!(has_audio_level_extension(CHROMIUM_AUDIO));
        assert!(!has_audio_level_extension(&sdp));
        assert!(!sdp.contains("audio-level"));
        assert!(sdp
            .contains("a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"));
        assert!(sdp.contains("transport-wide-cc"));
    }

    #[test]
    fn opus_gets_constant_bitrate_and_other_formats_are_untouched() {
        let sdp = apply_audio_privacy(CHROMIUM_AUDIO);
        assert!(sdp.contains("a=fmtp:111 minptime=10;useinbandfec=1;cbr=1\r\n"));
        assert!(
            sdp.contains("a=fmtp:63 111/111\r\n"),
            "RED keeps its parameters"
        );
        assert!(!sdp.contains("a=fmtp:9 "), "G722 gets no parameters");
        assert!(sdp.ends_with("a=rtpmap:9 G722/8000\r\n"));
    }

    #[test]
    fn a_variable_bitrate_request_is_overridden() {
        let sdp =
            "m=audio 9 RTP/SAVPF 109\na=rtpmap:109 OPUS/48000/2\na=fmtp:109 cbr=0; stereo=1\n";
        assert_eq!(
            apply_audio_privacy(sdp),
            "m=audio 9 RTP/SAVPF 109\na=rtpmap:109 OPUS/48000/2\na=fmtp:109 stereo=1;cbr=1\n"
        );
    }

    #[test]
    fn opus_without_parameters_gets_a_line_of_its_own() {
        let sdp = "m=audio 9 RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";
        assert_eq!(
            apply_audio_privacy(sdp),
            "m=audio 9 RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 cbr=1\r\na=sendrecv\r\n"
        );
    }

    #[test]
    fn payload_types_are_read_per_media_section() {
        let sdp = "m=audio 9 RTP/SAVPF 111\na=rtpmap:111 opus/48000/2\na=fmtp:111 minptime=10\n\
                   m=video 9 RTP/SAVPF 111\na=rtpmap:111 H264/90000\na=fmtp:111 profile-level-id=42e01f\n";
        let applied = apply_audio_privacy(sdp);
        assert!(applied.contains("a=fmtp:111 minptime=10;cbr=1\n"));
        assert!(applied.contains("a=fmtp:111 profile-level-id=42e01f\n"));
    }

    #[test]
    fn applying_twice_changes_nothing_more() {
        let once = apply_audio_privacy(CHROMIUM_AUDIO);
        assert_eq!(apply_audio_privacy(&once), once);
    }

    #[test]
    fn video_and_empty_descriptions_pass_unchanged() {
        let video = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=extmap:4 urn:3gpp:video-orientation\r\n";
        assert_eq!(apply_audio_privacy(video), video);
        assert_eq!(apply_audio_privacy(""), "");
    }
}
