//! The meeting's SFrame cipher suite (RFC 9605 section 4.5): a policy chosen by whoever
//! creates the meeting and carried in the invite link.
//!
//! The group binds it twice: the invite proof covers it (a joiner whose link names another
//! suite is never added, see `invite_proof`), and the SFrame base key is exported at the
//! suite's length, `MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)` (RFC 9605 section
//! 5.2). The frame code itself lives in `crypto-wasm`; this is only the policy's name, so
//! the page does not carry the frame code. A test checks both tables agree.

/// An SFrame cipher suite a meeting can require.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FrameSuite {
    /// `AES_128_CTR_HMAC_SHA256_80` (0x0001).
    Aes128CtrHmacSha256_80,
    /// `AES_128_CTR_HMAC_SHA256_64` (0x0002).
    Aes128CtrHmacSha256_64,
    /// `AES_128_CTR_HMAC_SHA256_32` (0x0003).
    Aes128CtrHmacSha256_32,
    /// `AES_128_GCM_SHA256_128` (0x0004): Conclave's default.
    #[default]
    Aes128GcmSha256_128,
    /// `AES_256_GCM_SHA512_128` (0x0005): the high-assurance policy.
    Aes256GcmSha512_128,
}

impl FrameSuite {
    /// Every suite, in identifier order.
    pub const ALL: [Self; 5] = [
        Self::Aes128CtrHmacSha256_80,
        Self::Aes128CtrHmacSha256_64,
        Self::Aes128CtrHmacSha256_32,
        Self::Aes128GcmSha256_128,
        Self::Aes256GcmSha512_128,
    ];

    /// The IANA identifier (RFC 9605 section 8.1).
    pub const fn id(self) -> u16 {
        match self {
            Self::Aes128CtrHmacSha256_80 => 0x0001,
            Self::Aes128CtrHmacSha256_64 => 0x0002,
            Self::Aes128CtrHmacSha256_32 => 0x0003,
            Self::Aes128GcmSha256_128 => 0x0004,
            Self::Aes256GcmSha512_128 => 0x0005,
        }
    }

    /// The suite with identifier `id`, if it is one of RFC 9605's five.
    pub fn from_id(id: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|suite| suite.id() == id)
    }

    /// The name RFC 9605 gives it.
    pub const fn rfc_name(self) -> &'static str {
        match self {
            Self::Aes128CtrHmacSha256_80 => "AES_128_CTR_HMAC_SHA256_80",
            Self::Aes128CtrHmacSha256_64 => "AES_128_CTR_HMAC_SHA256_64",
            Self::Aes128CtrHmacSha256_32 => "AES_128_CTR_HMAC_SHA256_32",
            Self::Aes128GcmSha256_128 => "AES_128_GCM_SHA256_128",
            Self::Aes256GcmSha512_128 => "AES_256_GCM_SHA512_128",
        }
    }

    /// A short description for people choosing or checking the policy.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Aes128CtrHmacSha256_80 => "AES-128-CTR + HMAC, 80-bit tag",
            Self::Aes128CtrHmacSha256_64 => "AES-128-CTR + HMAC, 64-bit tag",
            Self::Aes128CtrHmacSha256_32 => "AES-128-CTR + HMAC, 32-bit tag",
            Self::Aes128GcmSha256_128 => "AES-128-GCM (standard)",
            Self::Aes256GcmSha512_128 => "AES-256-GCM (high assurance)",
        }
    }

    /// `AEAD.Nk`, the length of the exported base key: 48 for the AES-CTR suites (AES key
    /// and HMAC key, RFC 9605 section 4.5.1).
    pub const fn key_len(self) -> usize {
        match self {
            Self::Aes128GcmSha256_128 => 16,
            Self::Aes256GcmSha512_128 => 32,
            _ => 48,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip_and_others_are_refused() {
        for suite in FrameSuite::ALL {
            assert_eq!(FrameSuite::from_id(suite.id()), Some(suite));
        }
        for bad in [0, 6, 0xf000, 0xffff] {
            assert_eq!(FrameSuite::from_id(bad), None);
        }
        assert_eq!(FrameSuite::default().id(), 4);
    }
}
