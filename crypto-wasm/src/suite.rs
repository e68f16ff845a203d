//! Cipher suites, RFC 9605 section 4.5 (identifiers from section 8.1).
//!
//! All five suites of the RFC are implemented:
//!
//! | id | name | Nh | Nka | Nk | Nn | Nt |
//! |---|---|---|---|---|---|---|
//! | 0x0001 | `AES_128_CTR_HMAC_SHA256_80` | 32 | 16 | 48 | 12 | 10 |
//! | 0x0002 | `AES_128_CTR_HMAC_SHA256_64` | 32 | 16 | 48 | 12 | 8 |
//! | 0x0003 | `AES_128_CTR_HMAC_SHA256_32` | 32 | 16 | 48 | 12 | 4 |
//! | 0x0004 | `AES_128_GCM_SHA256_128` (Conclave's default) | 32 | - | 16 | 12 | 16 |
//! | 0x0005 | `AES_256_GCM_SHA512_128` | 64 | - | 32 | 12 | 16 |
//!
//! For the AES-CTR suites (section 4.5.1) the AEAD key is `enc_key || auth_key`, Nka + Nh =
//! 48 bytes: `AEAD.Nk` is 48, so an MLS base key for them
//! (`MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)`, section 5.2) is 48 bytes too.
//!
//! The suite is a meeting policy: every participant must use the same one, since it is bound
//! into the key schedule (section 4.4.2) and not carried in the frame.

use crate::Error;

/// An SFrame cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CipherSuite {
    /// `AES_128_CTR_HMAC_SHA256_80` (0x0001): AES-CTR + HMAC-SHA256, 10-byte tag.
    Aes128CtrHmacSha256_80,
    /// `AES_128_CTR_HMAC_SHA256_64` (0x0002): AES-CTR + HMAC-SHA256, 8-byte tag.
    Aes128CtrHmacSha256_64,
    /// `AES_128_CTR_HMAC_SHA256_32` (0x0003): AES-CTR + HMAC-SHA256, 4-byte tag.
    Aes128CtrHmacSha256_32,
    /// `AES_128_GCM_SHA256_128` (0x0004): Conclave's default.
    #[default]
    Aes128GcmSha256_128,
    /// `AES_256_GCM_SHA512_128` (0x0005): the high-assurance policy.
    Aes256GcmSha512_128,
}

/// The hash a suite uses for HKDF (and, for the AES-CTR suites, HMAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteHash {
    /// SHA-256 (`Nh` = 32).
    Sha256,
    /// SHA-512 (`Nh` = 64).
    Sha512,
}

impl CipherSuite {
    /// Every suite, in identifier order.
    pub const ALL: [Self; 5] = [
        Self::Aes128CtrHmacSha256_80,
        Self::Aes128CtrHmacSha256_64,
        Self::Aes128CtrHmacSha256_32,
        Self::Aes128GcmSha256_128,
        Self::Aes256GcmSha512_128,
    ];

    /// The suite's IANA identifier (RFC 9605 section 8.1).
    pub const fn id(self) -> u16 {
        match self {
            Self::Aes128CtrHmacSha256_80 => 0x0001,
            Self::Aes128CtrHmacSha256_64 => 0x0002,
            Self::Aes128CtrHmacSha256_32 => 0x0003,
            Self::Aes128GcmSha256_128 => 0x0004,
            Self::Aes256GcmSha512_128 => 0x0005,
        }
    }

    /// The suite with IANA identifier `id`.
    ///
    /// # Errors
    /// [`Error::UnsupportedCipherSuite`] for any identifier other than 0x0001-0x0005.
    pub const fn from_id(id: u16) -> Result<Self, Error> {
        match id {
            0x0001 => Ok(Self::Aes128CtrHmacSha256_80),
            0x0002 => Ok(Self::Aes128CtrHmacSha256_64),
            0x0003 => Ok(Self::Aes128CtrHmacSha256_32),
            0x0004 => Ok(Self::Aes128GcmSha256_128),
            0x0005 => Ok(Self::Aes256GcmSha512_128),
            other => Err(Error::UnsupportedCipherSuite(other)),
        }
    }

    /// The suite's name as written in RFC 9605.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Aes128CtrHmacSha256_80 => "AES_128_CTR_HMAC_SHA256_80",
            Self::Aes128CtrHmacSha256_64 => "AES_128_CTR_HMAC_SHA256_64",
            Self::Aes128CtrHmacSha256_32 => "AES_128_CTR_HMAC_SHA256_32",
            Self::Aes128GcmSha256_128 => "AES_128_GCM_SHA256_128",
            Self::Aes256GcmSha512_128 => "AES_256_GCM_SHA512_128",
        }
    }

    /// Whether the suite is one of the AES-CTR + HMAC suites of section 4.5.1.
    pub const fn is_ctr_hmac(self) -> bool {
        matches!(
            self,
            Self::Aes128CtrHmacSha256_80
                | Self::Aes128CtrHmacSha256_64
                | Self::Aes128CtrHmacSha256_32
        )
    }

    /// The hash of the suite's HKDF (and HMAC).
    pub const fn hash(self) -> SuiteHash {
        match self {
            Self::Aes256GcmSha512_128 => SuiteHash::Sha512,
            _ => SuiteHash::Sha256,
        }
    }

    /// `Hash.Nh`: output size of the suite's hash, in bytes.
    pub const fn nh(self) -> usize {
        match self.hash() {
            SuiteHash::Sha256 => 32,
            SuiteHash::Sha512 => 64,
        }
    }

    /// `AEAD.Nk`: AEAD key size, in bytes. For the AES-CTR suites this is `Nka + Nh` = 48,
    /// the encryption and the authentication subkey together (section 4.5.1).
    pub const fn nk(self) -> usize {
        match self {
            Self::Aes128GcmSha256_128 => 16,
            Self::Aes256GcmSha512_128 => 32,
            _ => CTR_ENC_KEY_LEN + 32,
        }
    }

    /// `AEAD.Nn`: nonce size, in bytes (12 for every suite).
    pub const fn nn(self) -> usize {
        NONCE_LEN
    }

    /// `AEAD.Nt`: authentication tag size, in bytes.
    pub const fn nt(self) -> usize {
        match self {
            Self::Aes128CtrHmacSha256_80 => 10,
            Self::Aes128CtrHmacSha256_64 => 8,
            Self::Aes128CtrHmacSha256_32 => 4,
            Self::Aes128GcmSha256_128 | Self::Aes256GcmSha512_128 => TAG_LEN,
        }
    }

    /// How many failed authentications a receive key takes before it is refused for the
    /// rest of its epoch (RFC 9605 section 7.5, "Risks Due to Short Tags"), `None`: no cap.
    /// Only the 4-byte tag of 0x0003 has one: [`SHORT_TAG_FAILURE_CAP`] guesses succeed
    /// with probability at most 2^10 / 2^32 = 2^-22 per key. An 8-byte tag (0x0002) needs
    /// 2^64 guesses on average, which no media link carries.
    pub const fn failed_authentication_cap(self) -> Option<u32> {
        match self {
            Self::Aes128CtrHmacSha256_32 => Some(SHORT_TAG_FAILURE_CAP),
            _ => None,
        }
    }
}

/// Failed authentications a key of suite 0x0003 takes before it is refused until the next
/// epoch (docs/FRAME_FORMAT.md, "Receiving"). Genuine frames never fail: only a forger or
/// a corrupted path makes failures, and both can stop media anyway.
pub const SHORT_TAG_FAILURE_CAP: u32 = 1024;

/// `AEAD.Nn` of every suite.
pub const NONCE_LEN: usize = 12;

/// `AEAD.Nt` of the AES-GCM suites, and the longest tag of any suite.
pub const TAG_LEN: usize = 16;

/// `Nka` of the AES-CTR suites: the AES-128 encryption subkey.
pub const CTR_ENC_KEY_LEN: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip_and_unknown_ones_are_refused() {
        for suite in CipherSuite::ALL {
            assert_eq!(CipherSuite::from_id(suite.id()), Ok(suite));
            assert!(suite.nt() <= TAG_LEN);
            assert!(suite.nk() <= crate::secret::MAX_SECRET_LEN);
        }
        for bad in [0x0000, 0x0006, 0xf000, 0xffff] {
            assert_eq!(
                CipherSuite::from_id(bad),
                Err(Error::UnsupportedCipherSuite(bad))
            );
        }
        assert_eq!(CipherSuite::default().id(), 0x0004);
    }
}
