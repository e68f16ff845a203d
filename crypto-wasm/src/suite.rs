//! Cipher suites, RFC 9605 section 4.5 (identifiers from section 8.1).
//!
//! Only the AES-GCM suites are implemented so far; the AES-CTR + HMAC suites (0x0001-0x0003)
//! are a later step and are rejected with [`Error::UnsupportedCipherSuite`].

use crate::Error;

/// An implemented SFrame cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CipherSuite {
    /// `AES_128_GCM_SHA256_128` (0x0004): Conclave's default.
    #[default]
    Aes128GcmSha256_128,
    /// `AES_256_GCM_SHA512_128` (0x0005): the high-assurance policy.
    Aes256GcmSha512_128,
}

impl CipherSuite {
    /// The suite's IANA identifier (RFC 9605 section 8.1).
    pub const fn id(self) -> u16 {
        match self {
            Self::Aes128GcmSha256_128 => 0x0004,
            Self::Aes256GcmSha512_128 => 0x0005,
        }
    }

    /// The suite with IANA identifier `id`.
    ///
    /// # Errors
    /// [`Error::UnsupportedCipherSuite`] for any identifier not implemented here.
    pub const fn from_id(id: u16) -> Result<Self, Error> {
        match id {
            0x0004 => Ok(Self::Aes128GcmSha256_128),
            0x0005 => Ok(Self::Aes256GcmSha512_128),
            other => Err(Error::UnsupportedCipherSuite(other)),
        }
    }

    /// `Hash.Nh`: output size of the suite's hash, in bytes.
    pub const fn nh(self) -> usize {
        match self {
            Self::Aes128GcmSha256_128 => 32,
            Self::Aes256GcmSha512_128 => 64,
        }
    }

    /// `AEAD.Nk`: AEAD key size, in bytes.
    pub const fn nk(self) -> usize {
        match self {
            Self::Aes128GcmSha256_128 => 16,
            Self::Aes256GcmSha512_128 => 32,
        }
    }

    /// `AEAD.Nn`: nonce size, in bytes (12 for both suites).
    pub const fn nn(self) -> usize {
        NONCE_LEN
    }

    /// `AEAD.Nt`: authentication tag size, in bytes (16 for both suites).
    pub const fn nt(self) -> usize {
        TAG_LEN
    }
}

/// `AEAD.Nn` of every implemented suite.
pub const NONCE_LEN: usize = 12;

/// `AEAD.Nt` of every implemented suite.
pub const TAG_LEN: usize = 16;
