//! Invite links and the invite secret they carry.
//!
//! An invite link is `http://HOST/m/{room_id}#{secret}` (docs/ARCHITECTURE.md, "Invite
//! link"): the room id is made by the server, the secret is 32 random bytes from the
//! creator's browser written as 43 characters of unpadded base64url (RFC 4648 section 5).
//! A meeting whose creator chose a frame suite other than the default adds it after a dot:
//! `#{secret}.{suite id}` (RFC 9605 identifier, decimal). A meeting whose creator let
//! anyone with the link in (rather than only people a chair admits, the default) ends the
//! fragment with `~open`: `#{secret}[.{suite id}][~open]`. Links made before the choice
//! existed have no marker and still parse (as the default, which only matters to whoever
//! starts the group: joiners follow the policy inside it). The fragment never leaves the
//! browser. Everything here is pure and testable natively;
//! the random bytes come from `services::secure_random`.
//!
//! An organisation's enrollment link is `http://HOST/enroll#org={pin}`, the pin being the
//! 64 hex digits of its CA certificate's SHA-256 ([`AnchorPin`]); `/enroll` alone opens the
//! same page without naming an organisation. The pin never leaves the browser either.

use std::fmt;
use std::rc::Rc;

use conclave_group::verified_identity::AnchorPin;
use conclave_group::{Admission, FrameSuite, MeetingTrust};
use conclave_protocol::RoomId;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of an invite secret in bytes.
pub const SECRET_BYTES: usize = 32;

/// Length of an invite secret in unpadded base64url characters.
pub const SECRET_CHARS: usize = 43;

/// Path prefix of a meeting page.
const MEETING_PATH_PREFIX: &str = "/m/";

/// Separates the secret from a non-default frame suite in the fragment.
const SUITE_SEPARATOR: char = '.';

/// Ends the fragment of a meeting that anyone with the link may join.
const OPEN_ADMISSION_MARKER: &str = "~open";
/// Starts the meeting's trust in a fragment: `~trust=` then `v` (verified members only) or
/// `a` (anyone, marked), then `.` and a pinned CA certificate's SHA-256 in base64url, for
/// each organisation it accepts. Absent: a meeting that pins nobody and admits anyone.
const TRUST_MARKER: &str = "~trust=";

/// Path of the enrollment page.
const ENROLLMENT_PATH: &str = "/enroll";

/// Opens the fragment of an enrollment link that names its organisation.
const ORGANISATION_FRAGMENT_PREFIX: &str = "org=";

/// The invite secret: it gates who may be added to the meeting's MLS group (the invite
/// proof, `conclave_group::invite_proof`), both ways. Media keys come from the group, never
/// from it.
///
/// No `Debug`, no `Display`: it must never end up in a log. Zeroed on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct InviteSecret([u8; SECRET_BYTES]);

impl InviteSecret {
    /// Wraps 32 bytes that the caller obtained from a secure random source.
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> Self {
        Self(bytes)
    }

    /// Copies a secret the group derived (a chair's new link) without leaving an unzeroized
    /// copy behind (`from_bytes` takes its array by value).
    pub fn copy_from(bytes: &[u8; SECRET_BYTES]) -> Self {
        let mut secret = Self([0; SECRET_BYTES]);
        secret.0.copy_from_slice(bytes);
        secret
    }

    /// Parses the 43-character unpadded base64url form found in an invite fragment.
    pub fn from_base64url(text: &str) -> Result<Self, InviteError> {
        if text.len() != SECRET_CHARS {
            return Err(InviteError::MalformedKey);
        }
        let mut decoded = base64url_decode(text).ok_or(InviteError::MalformedKey)?;
        let result = <[u8; SECRET_BYTES]>::try_from(decoded.as_slice())
            .map(Self)
            .map_err(|_| InviteError::MalformedKey);
        decoded.zeroize();
        result
    }

    /// The secret in unpadded base64url, as it appears in an invite fragment.
    pub fn to_base64url(&self) -> String {
        base64url_encode(&self.0)
    }

    /// The raw bytes, from which the invite proof key is derived.
    pub fn as_bytes(&self) -> &[u8; SECRET_BYTES] {
        &self.0
    }
}

/// A parsed invite: which room, the secret that gates its membership, the meeting's
/// frame suite and who may join it (the creator's choice).
#[derive(Clone)]
pub struct Invite {
    room_id: RoomId,
    secret: Rc<InviteSecret>,
    frame_suite: FrameSuite,
    admission: Admission,
    /// The organisations the creator's meeting accepts and whether it admits only their
    /// verified members: held in memory by the creator's page only (not in the link; every
    /// member reads the meeting's trust from its group state).
    trust: MeetingTrust,
}

impl PartialEq for Invite {
    fn eq(&self, other: &Self) -> bool {
        self.room_id == other.room_id
            && self.frame_suite == other.frame_suite
            && self.admission == other.admission
            && self.trust == other.trust
            && (Rc::ptr_eq(&self.secret, &other.secret)
                || self.secret.as_bytes() == other.secret.as_bytes())
    }
}

impl fmt::Debug for Invite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret is deliberately left out.
        f.debug_struct("Invite")
            .field("room_id", &self.room_id)
            .field("frame_suite", &self.frame_suite)
            .field("admission", &self.admission)
            .finish_non_exhaustive()
    }
}

impl Invite {
    /// Pairs a room with its secret and the frame suite its creator chose; anyone the
    /// chair admits may join (see [`Invite::with_admission`]).
    pub fn new(room_id: RoomId, secret: InviteSecret, frame_suite: FrameSuite) -> Self {
        Self {
            room_id,
            secret: Rc::new(secret),
            frame_suite,
            admission: Admission::ChairAdmits,
            trust: MeetingTrust::default(),
        }
    }

    /// The same invite with the trust the creator chose for the meeting it starts.
    pub fn with_trust(mut self, trust: MeetingTrust) -> Self {
        self.trust = trust;
        self
    }

    /// The trust of the meeting this page starts (used only by whoever starts the group).
    pub fn trust(&self) -> &MeetingTrust {
        &self.trust
    }

    /// The same invite with `admission` as who may join.
    pub fn with_admission(mut self, admission: Admission) -> Self {
        self.admission = admission;
        self
    }

    /// The same meeting, reached with another invite secret (a chair made a new link).
    pub fn with_secret(&self, secret: InviteSecret) -> Self {
        Self {
            secret: Rc::new(secret),
            ..self.clone()
        }
    }

    /// The room this invite opens.
    pub fn room_id(&self) -> &RoomId {
        &self.room_id
    }

    /// The invite secret.
    pub fn secret(&self) -> &InviteSecret {
        &self.secret
    }

    /// The meeting's SFrame suite.
    pub fn frame_suite(&self) -> FrameSuite {
        self.frame_suite
    }

    /// Who may join, as the meeting's creator chose (used only by whoever starts the group).
    pub fn admission(&self) -> Admission {
        self.admission
    }

    /// The path and fragment of the meeting page: `/m/{room_id}#{secret}`, with
    /// `.{suite id}` after the secret unless the suite is the default, and `~open` at the
    /// end when anyone with the link may join.
    pub fn path_and_fragment(&self) -> String {
        let suite = if self.frame_suite == FrameSuite::default() {
            String::new()
        } else {
            format!("{SUITE_SEPARATOR}{}", self.frame_suite.id())
        };
        let admission = match self.admission {
            Admission::ChairAdmits => "",
            Admission::AnyoneWithLink => OPEN_ADMISSION_MARKER,
        };
        format!(
            "{MEETING_PATH_PREFIX}{}#{}{suite}{}{admission}",
            self.room_id,
            self.secret.to_base64url(),
            trust_to_fragment(&self.trust),
        )
    }

    /// The full invite link on `origin` (for example `https://conclave.example`).
    pub fn link(&self, origin: &str) -> String {
        format!(
            "{}{}",
            origin.trim_end_matches('/'),
            self.path_and_fragment()
        )
    }
}

/// Why a link or location could not be turned into an [`Invite`]. Its `Display` is the
/// catalogue id of its explanation (see [`InviteError::message_id`]), for logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// Nothing was entered.
    #[error("{}", self.message_id())]
    Empty,
    /// The text is not a link to a Conclave meeting page.
    #[error("{}", self.message_id())]
    NotAMeetingLink,
    /// The room id in the link is not well formed.
    #[error("{}", self.message_id())]
    MalformedRoomId,
    /// The link has no `#` fragment, so no meeting key.
    #[error("{}", self.message_id())]
    MissingKey,
    /// The fragment is not a 43-character base64url 32-byte secret.
    #[error("{}", self.message_id())]
    MalformedKey,
    /// The fragment names a frame suite that is not one of RFC 9605's.
    #[error("{}", self.message_id())]
    UnknownFrameSuite,
    /// The fragment's accepted organisations are not well formed.
    #[error("{}", self.message_id())]
    MalformedTrust,
}

impl InviteError {
    /// The catalogue id of what to tell the person who pasted the link.
    pub fn message_id(self) -> &'static str {
        match self {
            InviteError::Empty => "invite-error-empty",
            InviteError::NotAMeetingLink => "invite-error-not-a-meeting-link",
            InviteError::MalformedRoomId => "invite-error-malformed-room-id",
            InviteError::MissingKey => "invite-error-missing-key",
            InviteError::MalformedKey => "invite-error-malformed-key",
            InviteError::UnknownFrameSuite => "invite-error-unknown-frame-suite",
            InviteError::MalformedTrust => "invite-error-malformed-trust",
        }
    }
}

/// Where the current location points.
#[derive(Debug, PartialEq)]
pub enum Route {
    /// `/`: the home page.
    Home,
    /// `/m/{room_id}#{secret}` with a valid room id and key.
    Meeting(Invite),
    /// A meeting path whose key is missing or damaged: never join it.
    BrokenInvite(InviteError),
    /// `/enroll`, or `/enroll#org={pin}`: enrollment with an organisation, which (when the
    /// link names it) must be the one whose CA certificate has `expected_anchor` as pin.
    Enroll {
        /// The organisation the link is from, by its CA certificate's pin.
        expected_anchor: Option<AnchorPin>,
    },
    /// An enrollment link whose fragment is not `org=` and a pin: it may have named an
    /// organisation, so no certificate is imported through it.
    BrokenEnrollmentLink,
    /// Any other path.
    NotFound,
}

/// Maps `location.pathname` and `location.hash` (with or without its `#`) to a [`Route`].
pub fn route_from_location(pathname: &str, hash: &str) -> Route {
    if pathname.is_empty() || pathname == "/" || pathname == "/index.html" {
        return Route::Home;
    }
    if pathname.trim_end_matches('/') == ENROLLMENT_PATH {
        return enrollment_route(hash.strip_prefix('#').unwrap_or(hash));
    }
    let Some(room) = pathname.strip_prefix(MEETING_PATH_PREFIX) else {
        return Route::NotFound;
    };
    match invite_from_parts(
        room.trim_end_matches('/'),
        hash.strip_prefix('#').unwrap_or(hash),
    ) {
        Ok(invite) => Route::Meeting(invite),
        Err(error) => Route::BrokenInvite(error),
    }
}

/// The enrollment page's route for the fragment of its link: nothing, or `org=` and 64
/// hex digits. Anything else may have meant an organisation, so it is refused.
fn enrollment_route(fragment: &str) -> Route {
    if fragment.is_empty() {
        return Route::Enroll {
            expected_anchor: None,
        };
    }
    match fragment
        .strip_prefix(ORGANISATION_FRAGMENT_PREFIX)
        .and_then(AnchorPin::from_hex)
    {
        Some(pin) => Route::Enroll {
            expected_anchor: Some(pin),
        },
        None => Route::BrokenEnrollmentLink,
    }
}

/// The path and fragment of the enrollment page: `/enroll`, with `#org={pin}` (lowercase
/// hex) when it is an organisation's link.
pub fn enrollment_path_and_fragment(expected_anchor: Option<AnchorPin>) -> String {
    match expected_anchor {
        Some(pin) => format!(
            "{ENROLLMENT_PATH}#{ORGANISATION_FRAGMENT_PREFIX}{}",
            pin.to_hex()
        ),
        None => ENROLLMENT_PATH.to_owned(),
    }
}

/// Parses an invite link as a person would paste it: a full URL, or just
/// `/m/{room_id}#{secret}`. Surrounding whitespace is ignored; the host is not checked
/// (the meeting is joined on this server).
pub fn parse_invite_link(text: &str) -> Result<Invite, InviteError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InviteError::Empty);
    }
    let without_scheme = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let path_and_fragment = match without_scheme {
        Some(rest) => rest.find('/').map(|slash| &rest[slash..]).unwrap_or(""),
        None if text.starts_with('/') => text,
        None => return Err(InviteError::NotAMeetingLink),
    };
    let (path, fragment) = match path_and_fragment.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (path_and_fragment, None),
    };
    // A query string is not part of an invite; ignore it rather than fail.
    let path = path.split_once('?').map(|(p, _)| p).unwrap_or(path);
    let room = path
        .strip_prefix(MEETING_PATH_PREFIX)
        .ok_or(InviteError::NotAMeetingLink)?;
    invite_from_parts(room.trim_end_matches('/'), fragment.unwrap_or(""))
}

fn invite_from_parts(room: &str, fragment: &str) -> Result<Invite, InviteError> {
    let room_id = RoomId::parse(room).map_err(|_| InviteError::MalformedRoomId)?;
    if fragment.is_empty() {
        return Err(InviteError::MissingKey);
    }
    let (fragment, admission) = match fragment.strip_suffix(OPEN_ADMISSION_MARKER) {
        Some(rest) => (rest, Admission::AnyoneWithLink),
        None => (fragment, Admission::ChairAdmits),
    };
    let (fragment, trust) = match fragment.split_once(TRUST_MARKER) {
        Some((rest, trust)) => (rest, trust_from_fragment(trust)?),
        None => (fragment, MeetingTrust::default()),
    };
    let (secret, suite) = match fragment.split_once(SUITE_SEPARATOR) {
        Some((secret, suite)) => (secret, Some(suite)),
        None => (fragment, None),
    };
    let secret = InviteSecret::from_base64url(secret)?;
    let frame_suite = match suite {
        None => FrameSuite::default(),
        Some(text) => frame_suite_from_text(text).ok_or(InviteError::UnknownFrameSuite)?,
    };
    Ok(Invite::new(room_id, secret, frame_suite)
        .with_admission(admission)
        .with_trust(trust))
}

/// The trust part of a fragment (empty for the default trust).
fn trust_to_fragment(trust: &MeetingTrust) -> String {
    if *trust == MeetingTrust::default() {
        return String::new();
    }
    let mut out = String::from(TRUST_MARKER);
    out.push(if trust.verified_only { 'v' } else { 'a' });
    for anchor in &trust.anchors {
        out.push('.');
        out.push_str(&base64url_encode(anchor.as_bytes()));
    }
    out
}

/// Reads the trust part of a fragment strictly: one spelling per trust (anchors ascending,
/// none twice, at most as many as a meeting pins, the default trust never written out).
fn trust_from_fragment(text: &str) -> Result<MeetingTrust, InviteError> {
    let mut parts = text.split('.');
    let verified_only = match parts.next() {
        Some("v") => true,
        Some("a") => false,
        _ => return Err(InviteError::MalformedTrust),
    };
    let anchors = parts
        .map(|part| {
            let bytes = base64url_decode(part).ok_or(InviteError::MalformedTrust)?;
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| InviteError::MalformedTrust)?;
            Ok(AnchorPin::from_bytes(bytes))
        })
        .collect::<Result<Vec<AnchorPin>, InviteError>>()?;
    let trust = MeetingTrust::new(verified_only, anchors.iter().copied());
    if trust.anchors != anchors || trust == MeetingTrust::default() {
        return Err(InviteError::MalformedTrust);
    }
    Ok(trust)
}

/// A suite id as written in a link: decimal, no sign, no leading zero (one spelling each).
fn frame_suite_from_text(text: &str) -> Option<FrameSuite> {
    let digits_only = text.bytes().all(|b| b.is_ascii_digit());
    if text.is_empty() || text.len() > 5 || !digits_only || text.starts_with('0') {
        return None;
    }
    FrameSuite::from_id(text.parse().ok()?)
}

const BASE64URL_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url encoding (RFC 4648 section 5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let sextets = [
            b0 >> 2,
            ((b0 & 0x03) << 4) | (b1 >> 4),
            ((b1 & 0x0f) << 2) | (b2 >> 6),
            b2 & 0x3f,
        ];
        // A chunk of n bytes yields n + 1 characters without padding.
        for &sextet in &sextets[..chunk.len() + 1] {
            out.push(char::from(BASE64URL_ALPHABET[usize::from(sextet)]));
        }
    }
    out
}

/// Strict unpadded base64url decoding: rejects padding, foreign characters, impossible
/// lengths and non-zero trailing bits (so every byte string has exactly one encoding).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'-' => Some(62),
            b'_' => Some(63),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc: u32 = 0;
        for &c in chunk {
            acc = (acc << 6) | u32::from(sextet(c)?);
        }
        let bits = chunk.len() * 6;
        let whole_bytes = bits / 8;
        let spare_bits = bits % 8;
        if acc & ((1 << spare_bits) - 1) != 0 {
            return None;
        }
        let acc = acc >> spare_bits;
        for i in (0..whole_bytes).rev() {
            // Truncation intended: extracting one byte of the accumulator.
            out.push((acc >> (8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: &str = "AbCdEfGhIjKlMnOpQrStUv";

    fn secret_text() -> String {
        InviteSecret::from_bytes(std::array::from_fn(|i| (i * 7 + 3) as u8)).to_base64url()
    }

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        // RFC 4648 section 10, without padding.
        for (clear, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(clear.as_bytes()), encoded);
            assert_eq!(base64url_decode(encoded).unwrap(), clear.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn base64url_decoding_is_strict() {
        assert!(base64url_decode("Zg==").is_none());
        assert!(base64url_decode("Zh").is_none(), "non-zero trailing bits");
        assert!(base64url_decode("Z").is_none());
        assert!(base64url_decode("Zm+v").is_none(), "standard alphabet");
    }

    #[test]
    fn secrets_round_trip_through_43_characters() {
        let text = secret_text();
        assert_eq!(text.len(), SECRET_CHARS);
        let secret = InviteSecret::from_base64url(&text).unwrap();
        assert_eq!(secret.to_base64url(), text);
        assert_eq!(secret.as_bytes()[1], 10);
    }

    #[test]
    fn short_long_and_damaged_secrets_are_refused() {
        let text = secret_text();
        assert_eq!(
            InviteSecret::from_base64url(&text[..42]).err(),
            Some(InviteError::MalformedKey)
        );
        assert!(InviteSecret::from_base64url(&format!("{text}A")).is_err());
        let damaged = format!("{}*", &text[..42]);
        assert!(InviteSecret::from_base64url(&damaged).is_err());
    }

    #[test]
    fn full_links_parse_and_format_back() {
        let link = format!("https://conclave.example/m/{ROOM}#{}", secret_text());
        let invite = parse_invite_link(&format!("  {link}\n")).unwrap();
        assert_eq!(invite.room_id().as_str(), ROOM);
        assert_eq!(invite.link("https://conclave.example/"), link);
        let path_only = parse_invite_link(&invite.path_and_fragment()).unwrap();
        assert_eq!(path_only, invite);
    }

    #[test]
    fn malformed_links_get_a_specific_error() {
        let key = secret_text();
        assert_eq!(parse_invite_link("").err(), Some(InviteError::Empty));
        assert_eq!(
            parse_invite_link("hello there").err(),
            Some(InviteError::NotAMeetingLink)
        );
        assert_eq!(
            parse_invite_link(&format!("http://h/x/{ROOM}#{key}")).err(),
            Some(InviteError::NotAMeetingLink)
        );
        assert_eq!(
            parse_invite_link(&format!("http://h/m/short#{key}")).err(),
            Some(InviteError::MalformedRoomId)
        );
        assert_eq!(
            parse_invite_link(&format!("http://h/m/{ROOM}")).err(),
            Some(InviteError::MissingKey)
        );
        assert_eq!(
            parse_invite_link(&format!("http://h/m/{ROOM}#")).err(),
            Some(InviteError::MissingKey)
        );
        assert_eq!(
            parse_invite_link(&format!("http://h/m/{ROOM}#abc")).err(),
            Some(InviteError::MalformedKey)
        );
    }

    #[test]
    fn locations_route_to_pages() {
        let key = secret_text();
        assert_eq!(route_from_location("/", ""), Route::Home);
        assert_eq!(route_from_location("/elsewhere", ""), Route::NotFound);
        assert!(matches!(
            route_from_location(&format!("/m/{ROOM}"), &format!("#{key}")),
            Route::Meeting(_)
        ));
        assert_eq!(
            route_from_location(&format!("/m/{ROOM}"), ""),
            Route::BrokenInvite(InviteError::MissingKey)
        );
        assert_eq!(
            route_from_location(&format!("/m/{ROOM}"), "#tooshort"),
            Route::BrokenInvite(InviteError::MalformedKey)
        );
    }

    #[test]
    fn a_chosen_frame_suite_travels_in_the_fragment() {
        let key = secret_text();
        let standard = parse_invite_link(&format!("/m/{ROOM}#{key}")).unwrap();
        assert_eq!(standard.frame_suite(), FrameSuite::Aes128GcmSha256_128);
        assert!(!standard.path_and_fragment().contains('.'));
        let high = parse_invite_link(&format!("/m/{ROOM}#{key}.5")).unwrap();
        assert_eq!(high.frame_suite(), FrameSuite::Aes256GcmSha512_128);
        assert!(high.path_and_fragment().ends_with(&format!("#{key}.5")));
        assert_eq!(parse_invite_link(&high.path_and_fragment()).unwrap(), high);
        assert_ne!(high, standard);
        for suite in FrameSuite::ALL {
            let invite = parse_invite_link(&format!("/m/{ROOM}#{key}.{}", suite.id())).unwrap();
            assert_eq!(invite.frame_suite(), suite);
        }
    }

    #[test]
    fn unknown_or_malformed_suites_are_refused() {
        let key = secret_text();
        for bad in [
            "6",
            "0",
            "05",
            "",
            "+5",
            "05x",
            "65541",
            "99999999999",
            "4.5",
        ] {
            assert_eq!(
                parse_invite_link(&format!("/m/{ROOM}#{key}.{bad}")).err(),
                Some(InviteError::UnknownFrameSuite),
                "suite {bad:?}"
            );
        }
        assert_eq!(
            parse_invite_link(&format!("/m/{ROOM}#.5")).err(),
            Some(InviteError::MalformedKey)
        );
    }

    #[test]
    fn links_without_an_admission_marker_are_the_chairs_to_admit() {
        let key = secret_text();
        for fragment in [key.clone(), format!("{key}.5")] {
            let invite = parse_invite_link(&format!("/m/{ROOM}#{fragment}")).unwrap();
            assert_eq!(invite.admission(), Admission::ChairAdmits, "#{fragment}");
            assert!(!invite.path_and_fragment().contains('~'));
            assert_eq!(
                parse_invite_link(&invite.path_and_fragment()).unwrap(),
                invite
            );
        }
    }

    #[test]
    fn a_links_trust_round_trips_and_every_other_spelling_is_refused() {
        let key = secret_text();
        let pin = |byte: u8| AnchorPin::from_bytes([byte; 32]);
        let plain = parse_invite_link(&format!("/m/{ROOM}#{key}.5~open")).unwrap();
        assert_eq!(plain.trust(), &MeetingTrust::default());
        for trust in [
            MeetingTrust::new(true, [pin(2), pin(9)]),
            MeetingTrust::new(false, [pin(1)]),
            MeetingTrust::new(true, []),
        ] {
            let invite = plain.clone().with_trust(trust.clone());
            let link = invite.path_and_fragment();
            assert!(link.ends_with("~open"), "{link}");
            let parsed = parse_invite_link(&link).unwrap();
            assert_eq!(parsed.trust(), &trust);
            assert_eq!(parsed, invite);
        }
        let p1 = base64url_encode(pin(1).as_bytes());
        let p2 = base64url_encode(pin(2).as_bytes());
        for bad in [
            "~trust=".to_owned(),
            "~trust=x".to_owned(),
            "~trust=a".to_owned(),
            format!("~trust=v.{p2}.{p1}"),
            format!("~trust=v.{p1}.{p1}"),
            format!("~trust=v.{}", &p1[..40]),
            format!("~trust=v.{p1}."),
        ] {
            assert_eq!(
                parse_invite_link(&format!("/m/{ROOM}#{key}{bad}")).err(),
                Some(InviteError::MalformedTrust),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_open_meeting_says_so_after_the_key_and_suite() {
        let key = secret_text();
        let open = parse_invite_link(&format!("https://h/m/{ROOM}#{key}~open")).unwrap();
        assert_eq!(open.admission(), Admission::AnyoneWithLink);
        assert_eq!(open.frame_suite(), FrameSuite::default());
        assert_eq!(open.secret().to_base64url(), key);
        assert!(open.path_and_fragment().ends_with(&format!("#{key}~open")));
        assert_eq!(parse_invite_link(&open.path_and_fragment()).unwrap(), open);

        let open_high = parse_invite_link(&format!("/m/{ROOM}#{key}.5~open")).unwrap();
        assert_eq!(open_high.admission(), Admission::AnyoneWithLink);
        assert_eq!(open_high.frame_suite(), FrameSuite::Aes256GcmSha512_128);
        assert!(open_high
            .path_and_fragment()
            .ends_with(&format!("#{key}.5~open")));
        assert_ne!(open_high, open);
        let chair = open_high.clone().with_admission(Admission::ChairAdmits);
        assert_ne!(chair, open_high, "the admission is part of the invite");
        assert!(matches!(
            route_from_location(&format!("/m/{ROOM}"), &format!("#{key}~open")),
            Route::Meeting(invite) if invite.admission() == Admission::AnyoneWithLink
        ));
    }

    #[test]
    fn a_misplaced_or_unknown_admission_marker_is_refused() {
        let key = secret_text();
        for (fragment, error) in [
            (format!("{key}~open.5"), InviteError::MalformedKey),
            (format!("~open{key}"), InviteError::MalformedKey),
            (format!("{key}~closed"), InviteError::MalformedKey),
            (format!("{key}~open~open"), InviteError::MalformedKey),
            (format!("{key}~OPEN"), InviteError::MalformedKey),
            (format!("{key}.~open"), InviteError::UnknownFrameSuite),
            ("~open".to_owned(), InviteError::MalformedKey),
        ] {
            assert_eq!(
                parse_invite_link(&format!("/m/{ROOM}#{fragment}")).err(),
                Some(error),
                "#{fragment}"
            );
        }
    }

    #[test]
    fn a_new_secret_keeps_the_room_suite_and_admission() {
        let key = secret_text();
        let invite = parse_invite_link(&format!("/m/{ROOM}#{key}.5~open")).unwrap();
        let renewed = invite.with_secret(InviteSecret::from_bytes([9; SECRET_BYTES]));
        assert_ne!(renewed, invite);
        assert_eq!(renewed.room_id(), invite.room_id());
        assert_eq!(renewed.frame_suite(), invite.frame_suite());
        assert_eq!(renewed.admission(), invite.admission());
        assert_eq!(renewed.secret().as_bytes(), &[9; SECRET_BYTES]);
        assert!(invite.path_and_fragment().contains(&key));
        assert!(!renewed.path_and_fragment().contains(&key));
    }

    #[test]
    fn enrollment_links_open_the_enrollment_page() {
        let pin = AnchorPin::of_certificate(b"an organisation's CA certificate");
        assert_eq!(
            route_from_location("/enroll", ""),
            Route::Enroll {
                expected_anchor: None
            }
        );
        for (path, hash) in [("/enroll", "#"), ("/enroll/", "")] {
            assert_eq!(
                route_from_location(path, hash),
                Route::Enroll {
                    expected_anchor: None
                },
                "{path}{hash}"
            );
        }
        let link = enrollment_path_and_fragment(Some(pin));
        assert_eq!(link, format!("/enroll#org={}", pin.to_hex()));
        let (path, fragment) = link.split_once('#').unwrap();
        for hash in [
            format!("#{fragment}"),
            fragment.to_owned(),
            format!("#org={}", pin.to_hex().to_uppercase()),
        ] {
            assert_eq!(
                route_from_location(path, &hash),
                Route::Enroll {
                    expected_anchor: Some(pin)
                },
                "{hash}"
            );
        }
        assert_eq!(enrollment_path_and_fragment(None), "/enroll");
    }

    #[test]
    fn a_damaged_enrollment_link_never_opens_without_its_organisation() {
        let hex = AnchorPin::of_certificate(b"ca").to_hex();
        for hash in [
            format!("#org={}", &hex[..63]),
            format!("#org={hex}0"),
            format!("#org={}g", &hex[..63]),
            format!("#org= {hex}"),
            format!("#{hex}"),
            format!("#ORG={hex}"),
            format!("#org={hex}&x=1"),
            "#org=".to_owned(),
            "#something".to_owned(),
        ] {
            assert_eq!(
                route_from_location("/enroll", &hash),
                Route::BrokenEnrollmentLink,
                "{hash}"
            );
        }
        assert_eq!(route_from_location("/enrollment", ""), Route::NotFound);
        assert_eq!(route_from_location("/enroll/x", ""), Route::NotFound);
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let key = secret_text();
        let invite = parse_invite_link(&format!("/m/{ROOM}#{key}")).unwrap();
        assert!(!format!("{invite:?}").contains(&key));
    }

    #[test]
    fn every_invite_error_says_what_it_said_before_in_english() {
        let english = crate::i18n::Translator::new(crate::i18n::Language::English);
        let ids = crate::i18n::message_ids(crate::i18n::Language::English);
        for (error, text) in [
            (InviteError::Empty, "Paste the invite link you were sent."),
            (
                InviteError::NotAMeetingLink,
                "That is not a Conclave invite link. It should look like https://host/m/ROOM#KEY.",
            ),
            (
                InviteError::MalformedRoomId,
                "The meeting id in that link is damaged. Ask for the link again.",
            ),
            (
                InviteError::MissingKey,
                "This link has no meeting key (the part after #). Ask for the full link.",
            ),
            (
                InviteError::MalformedKey,
                "The meeting key in that link is damaged or incomplete. Ask for the link again.",
            ),
            (
                InviteError::UnknownFrameSuite,
                "That link asks for an encryption policy this app does not know. Ask for the link again.",
            ),
            (
                InviteError::MalformedTrust,
                "The organisations this link's meeting accepts are damaged. Ask for the link again.",
            ),
        ] {
            assert!(ids.iter().any(|id| id == error.message_id()), "{error:?}");
            assert_eq!(english.get(error.message_id()), text);
            assert_eq!(error.to_string(), error.message_id());
        }
    }
}
