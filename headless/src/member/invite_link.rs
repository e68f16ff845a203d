//! A meeting's invite link, as a headless member reads it: the server, the room and the
//! fragment's invite secret, frame suite and admission marker.
//!
//! The same format as the page's (`client/src/invite.rs`, docs/ARCHITECTURE.md "Invite
//! link"): `http://HOST:PORT/m/{room_id}#{secret}[.{suite id}][~open]`, the secret being 32
//! bytes in unpadded base64url (RFC 4648 section 5) and the suite an RFC 9605 identifier in
//! decimal. The client crate is built for the browser, so the parser is repeated here; the
//! tests below pin it to links the page makes.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use conclave_group::{Admission, FrameSuite};
use conclave_protocol::RoomId;
use zeroize::Zeroizing;

use crate::signaling::ServerAddress;

/// Path prefix of a meeting page.
const MEETING_PATH_PREFIX: &str = "/m/";
/// Separates the secret from a non-default frame suite in the fragment.
const SUITE_SEPARATOR: char = '.';
/// Ends the fragment of a meeting that anyone with the link may join.
const OPEN_ADMISSION_MARKER: &str = "~open";
/// Length of an invite secret in unpadded base64url characters.
const SECRET_CHARS: usize = 43;

/// Why a text is not an invite link a headless member can follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteLinkError {
    /// Not `http://HOST:PORT/m/{room}#...` (headless members talk plain HTTP to a server on
    /// this machine).
    #[error("not an http://HOST:PORT/m/ROOM#SECRET meeting link")]
    NotAMeetingLink,
    /// The room id in the path is not well formed.
    #[error("the link's room id is malformed")]
    MalformedRoomId,
    /// The link has no fragment, so no invite secret.
    #[error("the link has no #fragment with the invite secret")]
    MissingSecret,
    /// The fragment's secret is not 32 bytes of unpadded base64url.
    #[error("the link's invite secret is malformed")]
    MalformedSecret,
    /// The fragment names a frame suite that is not one of RFC 9605's.
    #[error("the link names an unknown frame suite")]
    UnknownFrameSuite,
}

/// A parsed invite link. No `Display`; its `Debug` leaves the secret out.
pub struct InviteLink {
    /// The signaling server the link points at.
    pub server: ServerAddress,
    /// The meeting's room.
    pub room_id: RoomId,
    /// The invite secret (never sent to the server).
    pub invite_secret: Zeroizing<[u8; 32]>,
    /// The meeting's SFrame suite.
    pub frame_suite: FrameSuite,
    /// Who may join, as the creator chose (used only by whoever starts the group).
    pub admission: Admission,
}

impl fmt::Debug for InviteLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InviteLink")
            .field("server", &self.server)
            .field("room_id", &self.room_id)
            .field("frame_suite", &self.frame_suite)
            .field("admission", &self.admission)
            .finish_non_exhaustive()
    }
}

impl InviteLink {
    /// Parses `http://HOST:PORT/m/{room_id}#{secret}[.{suite}][~open]`.
    pub fn parse(text: &str) -> Result<Self, InviteLinkError> {
        let text = text.trim();
        let rest = text
            .strip_prefix("http://")
            .ok_or(InviteLinkError::NotAMeetingLink)?;
        let slash = rest.find('/').ok_or(InviteLinkError::NotAMeetingLink)?;
        let (authority, path_and_fragment) = rest.split_at(slash);
        let server = ServerAddress::parse(&format!("http://{authority}"))
            .map_err(|_| InviteLinkError::NotAMeetingLink)?;
        let (path, fragment) = path_and_fragment
            .split_once('#')
            .ok_or(InviteLinkError::MissingSecret)?;
        let path = path.split_once('?').map_or(path, |(path, _query)| path);
        let room = path
            .strip_prefix(MEETING_PATH_PREFIX)
            .ok_or(InviteLinkError::NotAMeetingLink)?;
        let room_id = RoomId::parse(room.trim_end_matches('/'))
            .map_err(|_| InviteLinkError::MalformedRoomId)?;
        if fragment.is_empty() {
            return Err(InviteLinkError::MissingSecret);
        }
        let (fragment, admission) = match fragment.strip_suffix(OPEN_ADMISSION_MARKER) {
            Some(rest) => (rest, Admission::AnyoneWithLink),
            None => (fragment, Admission::ChairAdmits),
        };
        let (secret, suite) = match fragment.split_once(SUITE_SEPARATOR) {
            Some((secret, suite)) => (secret, Some(suite)),
            None => (fragment, None),
        };
        let invite_secret = secret_from_base64url(secret)?;
        let frame_suite = match suite {
            None => FrameSuite::default(),
            Some(text) => frame_suite_from_text(text).ok_or(InviteLinkError::UnknownFrameSuite)?,
        };
        Ok(Self {
            server,
            room_id,
            invite_secret,
            frame_suite,
            admission,
        })
    }
}

fn secret_from_base64url(text: &str) -> Result<Zeroizing<[u8; 32]>, InviteLinkError> {
    if text.len() != SECRET_CHARS {
        return Err(InviteLinkError::MalformedSecret);
    }
    let decoded = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| InviteLinkError::MalformedSecret)?,
    );
    let mut secret = Zeroizing::new([0; 32]);
    if decoded.len() != secret.len() {
        return Err(InviteLinkError::MalformedSecret);
    }
    secret.copy_from_slice(&decoded);
    Ok(secret)
}

/// A suite id as the page writes it: decimal, no sign, no leading zero.
fn frame_suite_from_text(text: &str) -> Option<FrameSuite> {
    let digits_only = text.bytes().all(|b| b.is_ascii_digit());
    if text.is_empty() || text.len() > 5 || !digits_only || text.starts_with('0') {
        return None;
    }
    FrameSuite::from_id(text.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 32 bytes of 0xfb in unpadded base64url.
    const SECRET: &str = "-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s";
    const ROOM: &str = "AAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn a_link_the_page_makes_gives_server_room_secret_suite_and_admission() {
        let link =
            InviteLink::parse(&format!("http://127.0.0.1:8091/m/{ROOM}#{SECRET}~open")).unwrap();
        assert_eq!(link.server.to_string(), "http://127.0.0.1:8091");
        assert_eq!(link.room_id.as_str(), ROOM);
        assert_eq!(*link.invite_secret, [0xfb; 32]);
        assert_eq!(link.frame_suite, FrameSuite::default());
        assert_eq!(link.admission, Admission::AnyoneWithLink);

        let chaired =
            InviteLink::parse(&format!("http://localhost:80/m/{ROOM}#{SECRET}.4")).unwrap();
        assert_eq!(chaired.admission, Admission::ChairAdmits);
        assert_eq!(chaired.frame_suite, FrameSuite::from_id(4).unwrap());
    }

    #[test]
    fn its_debug_form_leaves_the_secret_out() {
        let link = InviteLink::parse(&format!("http://127.0.0.1:1/m/{ROOM}#{SECRET}")).unwrap();
        let shown = format!("{link:?}");
        assert!(!shown.contains(SECRET) && !shown.contains("251"), "{shown}");
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        use InviteLinkError::*;
        for (text, expected) in [
            (
                format!("https://127.0.0.1:1/m/{ROOM}#{SECRET}"),
                NotAMeetingLink,
            ),
            (
                format!("http://127.0.0.1/m/{ROOM}#{SECRET}"),
                NotAMeetingLink,
            ),
            (
                format!("http://127.0.0.1:1/x/{ROOM}#{SECRET}"),
                NotAMeetingLink,
            ),
            (format!("http://127.0.0.1:1/m/{ROOM}"), MissingSecret),
            (format!("http://127.0.0.1:1/m/{ROOM}#"), MissingSecret),
            (
                format!("http://127.0.0.1:1/m/short#{SECRET}"),
                MalformedRoomId,
            ),
            (
                format!("http://127.0.0.1:1/m/{ROOM}#{}", &SECRET[1..]),
                MalformedSecret,
            ),
            (
                format!("http://127.0.0.1:1/m/{ROOM}#{}!", &SECRET[1..]),
                MalformedSecret,
            ),
            (
                format!("http://127.0.0.1:1/m/{ROOM}#{SECRET}.9"),
                UnknownFrameSuite,
            ),
            (
                format!("http://127.0.0.1:1/m/{ROOM}#{SECRET}.04"),
                UnknownFrameSuite,
            ),
        ] {
            assert_eq!(InviteLink::parse(&text).unwrap_err(), expected, "{text}");
        }
    }
}
