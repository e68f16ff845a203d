//! Key source v1: per-sender base keys from the meeting secret (docs/ARCHITECTURE.md, "Keys").
//!
//! `base_key(KID) = HKDF-SHA256(salt = "Conclave 1.0 meeting secret", ikm = secret,
//! info = "Conclave 1.0 sender base key" || KID (8 bytes, big-endian), L = Nh)`.
//! The SFrame key schedule (RFC 9605 section 4.4.2) then turns the base key into the AEAD key
//! and salt. MLS (RFC 9605 section 5.2) will be another [`KeySource`] variant.

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::header::KeyId;
use crate::key_schedule::BaseKey;
use crate::secret::SecretBytes;
use crate::suite::CipherSuite;
use crate::Error;

/// HKDF salt of the meeting-secret key source.
pub const SALT: &[u8] = b"Conclave 1.0 meeting secret";
/// HKDF info prefix; the KID follows as 8 bytes big-endian.
pub const INFO_PREFIX: &[u8] = b"Conclave 1.0 sender base key";
/// Length of a meeting secret.
pub const SECRET_LEN: usize = 32;

/// The 32-byte meeting secret from the invite link. Wiped on drop; no `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MeetingSecret([u8; SECRET_LEN]);

impl MeetingSecret {
    /// Wraps the secret bytes.
    ///
    /// # Errors
    /// [`Error::InvalidKeyLength`] unless `bytes` is exactly 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let array: [u8; SECRET_LEN] = bytes.try_into().map_err(|_| Error::InvalidKeyLength {
            expected: SECRET_LEN,
            actual: bytes.len(),
        })?;
        Ok(Self(array))
    }

    /// The base key of sender `kid` for `suite` (`Nh` bytes).
    pub fn base_key(&self, kid: KeyId, suite: CipherSuite) -> BaseKey {
        let hk = Hkdf::<Sha256>::new(Some(SALT), &self.0);
        let mut okm = [0u8; 64];
        let okm = &mut okm[..suite.nh()];
        // HKDF-SHA256 can expand up to 8160 bytes; Nh is 32 or 64.
        let expanded = hk.expand_multi_info(&[INFO_PREFIX, &kid.0.to_be_bytes()], okm);
        debug_assert!(expanded.is_ok(), "Nh is far below HKDF's output limit");
        let key = BaseKey::from_secret(SecretBytes::from_known_len(okm));
        okm.zeroize();
        key
    }
}

/// Where base keys come from. Both senders and receivers ask it for the base key of a KID.
#[derive(Clone)]
#[non_exhaustive]
pub enum KeySource {
    /// Every base key derives from the meeting secret in the invite link.
    MeetingSecret(MeetingSecret),
}

impl KeySource {
    /// The base key named by `kid` for `suite`.
    pub fn base_key(&self, kid: KeyId, suite: CipherSuite) -> BaseKey {
        match self {
            Self::MeetingSecret(secret) => secret.base_key(kid, suite),
        }
    }
}
