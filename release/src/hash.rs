//! SHA-256 digests as the formats spell them: lowercase hex in the manifest and the build id,
//! `sha256-<base64>` in Subresource Integrity attributes, the import map and the CSP.

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::Error;

/// A SHA-256 digest; serialized as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Digest([u8; 32]);

impl Sha256Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// Reads 64 lowercase hex digits.
    pub fn from_hex(text: &str) -> Result<Self, Error> {
        decode_lower_hex::<32>(text).map(Self)
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        encode_lower_hex(&self.0)
    }

    /// The Subresource Integrity form, `sha256-<base64>`.
    pub fn to_sri(&self) -> String {
        format!("sha256-{}", BASE64.encode(self.0))
    }

    /// Reads the Subresource Integrity form, `sha256-<base64>`.
    pub fn from_sri(text: &str) -> Option<Self> {
        let encoded = text.strip_prefix("sha256-")?;
        let bytes = BASE64.decode(encoded).ok()?;
        bytes.try_into().ok().map(Self)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({})", self.to_hex())
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl TryFrom<String> for Sha256Digest {
    type Error = Error;

    fn try_from(text: String) -> Result<Self, Error> {
        Self::from_hex(&text)
    }
}

impl From<Sha256Digest> for String {
    fn from(digest: Sha256Digest) -> Self {
        digest.to_hex()
    }
}

/// The build id of a release: the lowercase hex SHA-256 of its `manifest.json` bytes.
pub fn build_id(manifest_bytes: &[u8]) -> String {
    Sha256Digest::of(manifest_bytes).to_hex()
}

/// A build id in groups of four digits separated by spaces, as people compare it.
pub fn grouped_build_id(build_id: &str) -> String {
    let groups: Vec<&str> = build_id
        .as_bytes()
        .chunks(4)
        .filter_map(|group| std::str::from_utf8(group).ok())
        .collect();
    groups.join(" ")
}

/// The short form of a build id: its first four groups of four.
pub fn short_build_id(build_id: &str) -> String {
    grouped_build_id(build_id.get(..16).unwrap_or(build_id))
}

/// Lowercase hex of `bytes`.
pub(crate) fn encode_lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Exactly `2 * N` lowercase hex digits as `N` bytes.
pub(crate) fn decode_lower_hex<const N: usize>(text: &str) -> Result<[u8; N], Error> {
    let invalid = || Error::InvalidHex {
        text: text.chars().take(80).collect(),
        expected_digits: 2 * N,
    };
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return Err(invalid());
    }
    let value = |digit: u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let high = value(pair[0]).ok_or_else(invalid)?;
        let low = value(pair[1]).ok_or_else(invalid)?;
        *byte = high << 4 | low;
    }
    Ok(bytes)
}

/// Standard base64 (with padding) of exactly `N` bytes.
pub(crate) fn decode_base64<const N: usize>(text: &str) -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    decode_base64_into(text, &mut bytes)?;
    Ok(bytes)
}

/// Standard base64 (with padding) of exactly `N` bytes, decoded into `out`: a secret (a key
/// file's seed) lands only in memory the caller wipes, and the scratch buffer it is decoded
/// through is wiped here.
pub(crate) fn decode_base64_into<const N: usize>(
    text: &str,
    out: &mut [u8; N],
) -> Result<(), Error> {
    let invalid = || Error::InvalidBase64 { expected_bytes: N };
    // Padded base64 of N bytes is exactly this long; checking first bounds the scratch.
    if text.len() != N.div_ceil(3) * 4 {
        return Err(invalid());
    }
    let mut scratch = Zeroizing::new(vec![0u8; base64::decoded_len_estimate(text.len())]);
    let written = BASE64
        .decode_slice(text, scratch.as_mut_slice())
        .map_err(|_| invalid())?;
    let decoded = scratch
        .get(..written)
        .filter(|decoded| decoded.len() == N)
        .ok_or_else(invalid)?;
    out.copy_from_slice(decoded);
    Ok(())
}

/// Standard base64 (with padding).
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_of_abc_is_the_fips_180_vector() {
        let digest = Sha256Digest::of(b"abc");
        assert_eq!(
            digest.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            digest.to_sri(),
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(Sha256Digest::from_sri(&digest.to_sri()), Some(digest));
        assert_eq!(Sha256Digest::from_hex(&digest.to_hex()).unwrap(), digest);
    }

    #[test]
    fn hex_must_be_lowercase_and_complete() {
        let upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
        assert!(matches!(
            Sha256Digest::from_hex(upper),
            Err(Error::InvalidHex {
                expected_digits: 64,
                ..
            })
        ));
        assert!(Sha256Digest::from_hex("ba78").is_err());
        assert!(Sha256Digest::from_hex("").is_err());
        assert!(Sha256Digest::from_hex(
            "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        .is_err());
        assert!(Sha256Digest::from_hex(
            "é7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"
        )
        .is_err());
    }

    #[test]
    fn base64_must_be_padded_and_of_the_exact_length() {
        let text = encode_base64(&[7u8; 32]);
        assert_eq!(decode_base64::<32>(&text).unwrap(), [7u8; 32]);
        let mut out = [0u8; 32];
        decode_base64_into(&text, &mut out).unwrap();
        assert_eq!(out, [7u8; 32]);
        let short = encode_base64(&[7u8; 31]);
        let long = encode_base64(&[7u8; 33]);
        for bad in [
            "",
            short.as_str(),
            long.as_str(),
            text.trim_end_matches('='),
            &text.replacen('B', "!", 1),
            &format!("{text}===="),
        ] {
            assert!(
                matches!(
                    decode_base64::<32>(bad),
                    Err(Error::InvalidBase64 { expected_bytes: 32 })
                ),
                "{bad:?}"
            );
        }
        let signature = encode_base64(&[1u8; 64]);
        assert_eq!(decode_base64::<64>(&signature).unwrap(), [1u8; 64]);
    }

    #[test]
    fn build_ids_are_shown_in_groups_of_four() {
        let id = build_id(b"abc");
        assert_eq!(build_id(b"abc"), id, "the build id is stable");
        assert_eq!(
            grouped_build_id(&id),
            "ba78 16bf 8f01 cfea 4141 40de 5dae 2223 b003 61a3 9617 7a9c b410 ff61 f200 15ad"
        );
        assert_eq!(short_build_id(&id), "ba78 16bf 8f01 cfea");
    }
}
