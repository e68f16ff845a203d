//! Whose certificates the meeting accepts, fixed when it begins: the organisations' CA
//! certificates it pins (by [`AnchorPin`]) and whether only verified members may be added.
//! A GroupContext extension of its own ([`TRUST_EXTENSION_TYPE`]) set at epoch 0 and never
//! changed: every member refuses a commit that changes it, so no chair, member or server can
//! add an organisation, or lift "verified members only", in the middle of a meeting.
//!
//! ```text
//! version        u8   = 1
//! verified_only  u8   0 or 1
//! anchor_count   u8   at most MAX_PINNED_ANCHORS
//! anchors        anchor_count * 32 bytes, SHA-256 of CA certificates, strictly ascending
//! ```
//!
//! Anything else is malformed, and a group whose trust extension is malformed verifies
//! nobody and adds nobody (fail closed).

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::verified_identity::AnchorPin;

/// The GroupContext extension type of the meeting's trust (RFC 9420 section 17.3: private use).
pub const TRUST_EXTENSION_TYPE: u16 = 0xF0C2;

/// Most organisations a meeting can pin (as many as a server may list).
pub const MAX_PINNED_ANCHORS: usize = 32;

const VERSION: u8 = 1;
const HEADER_LEN: usize = 3;
const PIN_LEN: usize = 32;

/// Whose certificates a meeting accepts, as its group state holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingTrust {
    /// Only members whose certificate chain validates against a pinned anchor may be added.
    pub verified_only: bool,
    /// The organisations' CA certificates the meeting accepts, ascending, no duplicates.
    pub anchors: Vec<AnchorPin>,
}

/// Why an extension's bytes are not a meeting's trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrustDecodeError {
    /// Too short, too long, or a count that does not match the length or the limit.
    #[error("the meeting's trust has the wrong length")]
    Length,
    /// A version other than 1.
    #[error("the meeting's trust has an unknown version")]
    Version,
    /// A flag other than 0 or 1.
    #[error("the meeting's trust has a value out of range")]
    Value,
    /// Anchors not strictly ascending (unsorted or duplicated).
    #[error("the meeting's pinned organisations are not sorted and distinct")]
    Anchors,
}

impl MeetingTrust {
    /// The trust of a new meeting: `anchors` sorted, deduplicated and capped at
    /// [`MAX_PINNED_ANCHORS`].
    pub fn new(verified_only: bool, anchors: impl IntoIterator<Item = AnchorPin>) -> MeetingTrust {
        let mut anchors: Vec<AnchorPin> = anchors.into_iter().collect();
        anchors.sort();
        anchors.dedup();
        anchors.truncate(MAX_PINNED_ANCHORS);
        MeetingTrust {
            verified_only,
            anchors,
        }
    }

    /// Whether the meeting accepts certificates of the CA with this pin.
    pub fn pins(&self, anchor: &AnchorPin) -> bool {
        self.anchors.contains(anchor)
    }

    /// The extension's bytes (anchors written sorted, deduplicated, capped).
    pub fn encode(&self) -> Vec<u8> {
        let normal = MeetingTrust::new(self.verified_only, self.anchors.iter().copied());
        let mut out = Vec::with_capacity(HEADER_LEN + normal.anchors.len() * PIN_LEN);
        out.push(VERSION);
        out.push(u8::from(normal.verified_only));
        // At most MAX_PINNED_ANCHORS (32), so it fits a byte.
        out.push(normal.anchors.len() as u8);
        for anchor in &normal.anchors {
            out.extend_from_slice(anchor.as_bytes());
        }
        out
    }

    /// Reads the extension's bytes strictly (see the module docs).
    pub fn decode(bytes: &[u8]) -> Result<MeetingTrust, TrustDecodeError> {
        if bytes.len() < HEADER_LEN {
            return Err(TrustDecodeError::Length);
        }
        if bytes[0] != VERSION {
            return Err(TrustDecodeError::Version);
        }
        let verified_only = match bytes[1] {
            0 => false,
            1 => true,
            _ => return Err(TrustDecodeError::Value),
        };
        let count = usize::from(bytes[2]);
        let body = &bytes[HEADER_LEN..];
        if count > MAX_PINNED_ANCHORS || body.len() != count * PIN_LEN {
            return Err(TrustDecodeError::Length);
        }
        let mut anchors: Vec<AnchorPin> = Vec::with_capacity(count);
        for chunk in body.chunks_exact(PIN_LEN) {
            let mut raw = [0u8; PIN_LEN];
            raw.copy_from_slice(chunk);
            let pin = AnchorPin::from_bytes(raw);
            if anchors.last().is_some_and(|last| *last >= pin) {
                return Err(TrustDecodeError::Anchors);
            }
            anchors.push(pin);
        }
        Ok(MeetingTrust {
            verified_only,
            anchors,
        })
    }
}

/// Salt of the invite secret bound to a meeting's trust.
const BOUND_SECRET_SALT: &[u8] = b"Conclave 1.0 invite secret bound to the meeting's trust";

/// The invite secret as the meeting's invite PSK and proofs use it: bound to the trust the
/// link names (unchanged for the default trust). A group made with another trust than the
/// link's, or a proof made from a link that names another, then fails like one made with
/// another secret: nobody can restart a meeting of the link with its organisations or its
/// "verified members only" left out.
pub fn bound_invite_secret(secret: &[u8; 32], trust: &MeetingTrust) -> Zeroizing<[u8; 32]> {
    if *trust == MeetingTrust::default() {
        return Zeroizing::new(*secret);
    }
    let hkdf = Hkdf::<Sha256>::new(Some(BOUND_SECRET_SALT), secret);
    let mut bound = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit, so expand cannot fail.
    let _ = hkdf.expand(&trust.encode(), bound.as_mut_slice());
    bound
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pin(byte: u8) -> AnchorPin {
        AnchorPin::from_bytes([byte; 32])
    }

    #[test]
    fn a_trust_round_trips_with_its_anchors_sorted() {
        let trust = MeetingTrust::new(true, [pin(9), pin(2), pin(9)]);
        assert_eq!(trust.anchors, vec![pin(2), pin(9)]);
        let bytes = trust.encode();
        assert_eq!(bytes[..HEADER_LEN], [1, 1, 2]);
        assert_eq!(MeetingTrust::decode(&bytes).unwrap(), trust);
        assert!(trust.pins(&pin(9)) && !trust.pins(&pin(3)));
        let plain = MeetingTrust::default();
        assert_eq!(MeetingTrust::decode(&plain.encode()).unwrap(), plain);
    }

    #[test]
    fn the_bound_secret_is_the_links_for_the_default_trust_and_differs_for_any_other() {
        let secret = [7u8; 32];
        assert_eq!(
            *bound_invite_secret(&secret, &MeetingTrust::default()),
            secret
        );
        let verified = bound_invite_secret(&secret, &MeetingTrust::new(true, [pin(1)]));
        let open = bound_invite_secret(&secret, &MeetingTrust::new(false, [pin(1)]));
        let other_pin = bound_invite_secret(&secret, &MeetingTrust::new(true, [pin(2)]));
        assert_ne!(*verified, secret);
        assert_ne!(*verified, *open);
        assert_ne!(*verified, *other_pin);
    }

    #[test]
    fn every_malformed_encoding_is_refused() {
        let good = MeetingTrust::new(false, [pin(1), pin(2)]).encode();
        let mut cases: Vec<(Vec<u8>, TrustDecodeError)> = vec![
            (Vec::new(), TrustDecodeError::Length),
            (good[..good.len() - 1].to_vec(), TrustDecodeError::Length),
        ];
        let mut trailing = good.clone();
        trailing.push(0);
        cases.push((trailing, TrustDecodeError::Length));
        for (index, value, error) in [
            (0, 2, TrustDecodeError::Version),
            (1, 2, TrustDecodeError::Value),
            (2, 3, TrustDecodeError::Length),
        ] {
            let mut bad = good.clone();
            bad[index] = value;
            cases.push((bad, error));
        }
        let mut unsorted = vec![1, 0, 2];
        unsorted.extend_from_slice(&[2; 32]);
        unsorted.extend_from_slice(&[1; 32]);
        cases.push((unsorted, TrustDecodeError::Anchors));
        let mut duplicated = vec![1, 0, 2];
        duplicated.extend_from_slice(&[1; 32]);
        duplicated.extend_from_slice(&[1; 32]);
        cases.push((duplicated, TrustDecodeError::Anchors));
        let mut too_many = vec![1, 0, 33];
        too_many.extend(std::iter::repeat_n(0u8, 33 * 32));
        cases.push((too_many, TrustDecodeError::Length));
        for (bytes, error) in cases {
            assert_eq!(
                MeetingTrust::decode(&bytes),
                Err(error),
                "{:?}",
                &bytes[..3.min(bytes.len())]
            );
        }
    }
}
