//! The policy extension's encoding (fixed layout, every byte checked):
//!
//! ```text
//! version        u8   = 1
//! admission      u8   0 = ChairAdmits, 1 = AnyoneWithLink
//! locked         u8   0 or 1
//! ended          u8   0 or 1
//! link_generation u32 big-endian
//! chair_count    u8
//! chairs         chair_count * 32 bytes, SHA-256 fingerprints, strictly ascending
//! ```
//!
//! Anything else (another version, an unknown value, a flag other than 0 or 1, trailing or
//! missing bytes, unsorted or duplicate chairs) is malformed, and a commit carrying it is
//! refused.

use crate::Fingerprint;

/// The GroupContext extension type of the policy (RFC 9420 section 17.3: 0xF000-0xFFFF is
/// for private use).
pub const POLICY_EXTENSION_TYPE: u16 = 0xF0C1;

const VERSION: u8 = 1;
const HEADER_LEN: usize = 1 + 1 + 1 + 1 + 4 + 1;
const FINGERPRINT_LEN: usize = 32;

/// Who may bring new people in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Admission {
    /// A knock waits until a chair admits it.
    #[default]
    ChairAdmits,
    /// Any member adds a joiner whose invite proof verifies.
    AnyoneWithLink,
}

/// The meeting's policy as the group state holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingPolicy {
    /// Who may bring new people in.
    pub admission: Admission,
    /// Nobody new is added while locked.
    pub locked: bool,
    /// A chair ended the meeting.
    pub ended: bool,
    /// How many times a chair made a new invite link (0 = the link the meeting began with).
    pub link_generation: u32,
    /// The chairs' fingerprints, ascending, no duplicates, never empty in a valid group.
    pub chairs: Vec<Fingerprint>,
}

/// Why an extension's bytes are not a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyDecodeError {
    /// Too short, too long, or a chair count that does not match the length.
    #[error("the meeting policy has the wrong length")]
    Length,
    /// A version other than 1.
    #[error("the meeting policy has an unknown version")]
    Version,
    /// An admission mode or a flag out of range.
    #[error("the meeting policy has a value out of range")]
    Value,
    /// Chairs not strictly ascending (unsorted or duplicated).
    #[error("the meeting policy's chairs are not sorted and distinct")]
    Chairs,
}

impl MeetingPolicy {
    /// The policy of a new meeting: `creator` sole chair.
    pub fn new(admission: Admission, creator: Fingerprint) -> MeetingPolicy {
        MeetingPolicy {
            admission,
            locked: false,
            ended: false,
            link_generation: 0,
            chairs: vec![creator],
        }
    }

    /// Whether `fingerprint` is a chair.
    pub fn is_chair(&self, fingerprint: &Fingerprint) -> bool {
        self.chairs.contains(fingerprint)
    }

    /// The extension's bytes. Chairs are written sorted and deduplicated.
    pub fn encode(&self) -> Vec<u8> {
        let mut chairs: Vec<&Fingerprint> = self.chairs.iter().collect();
        chairs.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        chairs.dedup();
        let count = chairs.len().min(usize::from(u8::MAX));
        let mut out = Vec::with_capacity(HEADER_LEN + count * FINGERPRINT_LEN);
        out.push(VERSION);
        out.push(match self.admission {
            Admission::ChairAdmits => 0,
            Admission::AnyoneWithLink => 1,
        });
        out.push(u8::from(self.locked));
        out.push(u8::from(self.ended));
        out.extend_from_slice(&self.link_generation.to_be_bytes());
        out.push(count as u8);
        for chair in chairs.into_iter().take(count) {
            out.extend_from_slice(chair.as_bytes());
        }
        out
    }

    /// Reads the extension's bytes strictly (see the module docs).
    pub fn decode(bytes: &[u8]) -> Result<MeetingPolicy, PolicyDecodeError> {
        if bytes.len() < HEADER_LEN {
            return Err(PolicyDecodeError::Length);
        }
        if bytes[0] != VERSION {
            return Err(PolicyDecodeError::Version);
        }
        let admission = match bytes[1] {
            0 => Admission::ChairAdmits,
            1 => Admission::AnyoneWithLink,
            _ => return Err(PolicyDecodeError::Value),
        };
        let flag = |byte: u8| match byte {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(PolicyDecodeError::Value),
        };
        let locked = flag(bytes[2])?;
        let ended = flag(bytes[3])?;
        let link_generation = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        let count = usize::from(bytes[8]);
        let body = &bytes[HEADER_LEN..];
        if body.len() != count * FINGERPRINT_LEN {
            return Err(PolicyDecodeError::Length);
        }
        let mut chairs: Vec<Fingerprint> = Vec::with_capacity(count);
        for chunk in body.chunks_exact(FINGERPRINT_LEN) {
            let mut raw = [0u8; FINGERPRINT_LEN];
            raw.copy_from_slice(chunk);
            if chairs.last().is_some_and(|last| *last.as_bytes() >= raw) {
                return Err(PolicyDecodeError::Chairs);
            }
            chairs.push(Fingerprint::from_bytes(raw));
        }
        Ok(MeetingPolicy {
            admission,
            locked,
            ended,
            link_generation,
            chairs,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fp(byte: u8) -> Fingerprint {
        Fingerprint::from_bytes([byte; 32])
    }

    fn sample() -> MeetingPolicy {
        MeetingPolicy {
            admission: Admission::AnyoneWithLink,
            locked: true,
            ended: false,
            link_generation: 0x0102_0304,
            chairs: vec![fp(9), fp(2)],
        }
    }

    #[test]
    fn a_policy_round_trips_with_its_chairs_sorted() {
        let bytes = sample().encode();
        assert_eq!(bytes[..HEADER_LEN], [1, 1, 1, 0, 1, 2, 3, 4, 2]);
        assert_eq!(bytes.len(), HEADER_LEN + 64);
        let decoded = MeetingPolicy::decode(&bytes).unwrap();
        assert_eq!(decoded.chairs, vec![fp(2), fp(9)]);
        assert_eq!(decoded.link_generation, 0x0102_0304);
        assert!(decoded.locked && !decoded.ended);
        assert_eq!(decoded.admission, Admission::AnyoneWithLink);
    }

    #[test]
    fn every_malformed_encoding_is_refused() {
        let good = sample().encode();
        let mut cases: Vec<(Vec<u8>, PolicyDecodeError)> = Vec::new();
        cases.push((Vec::new(), PolicyDecodeError::Length));
        cases.push((good[..HEADER_LEN - 1].to_vec(), PolicyDecodeError::Length));
        cases.push((good[..good.len() - 1].to_vec(), PolicyDecodeError::Length));
        let mut trailing = good.clone();
        trailing.push(0);
        cases.push((trailing, PolicyDecodeError::Length));
        for (index, value, error) in [
            (0, 2, PolicyDecodeError::Version),
            (1, 2, PolicyDecodeError::Value),
            (2, 2, PolicyDecodeError::Value),
            (3, 0xff, PolicyDecodeError::Value),
            (8, 3, PolicyDecodeError::Length),
        ] {
            let mut bad = good.clone();
            bad[index] = value;
            cases.push((bad, error));
        }
        // Unsorted, and duplicated, chairs.
        let mut unsorted = good[..HEADER_LEN].to_vec();
        unsorted.extend_from_slice(&[9; 32]);
        unsorted.extend_from_slice(&[2; 32]);
        cases.push((unsorted, PolicyDecodeError::Chairs));
        let mut duplicated = good[..HEADER_LEN].to_vec();
        duplicated.extend_from_slice(&[2; 32]);
        duplicated.extend_from_slice(&[2; 32]);
        cases.push((duplicated, PolicyDecodeError::Chairs));
        for (bytes, error) in cases {
            assert_eq!(MeetingPolicy::decode(&bytes), Err(error), "{bytes:?}");
        }
    }

    #[test]
    fn a_policy_with_no_chair_decodes_but_names_nobody() {
        // Decoding is about form; "at least one chair" is a rule checked on commits.
        let mut none = sample();
        none.chairs.clear();
        let decoded = MeetingPolicy::decode(&none.encode()).unwrap();
        assert!(decoded.chairs.is_empty());
    }
}
