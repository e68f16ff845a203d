//! The SFrame header, RFC 9605 section 4.3.
//!
//! A config byte `|X|K K K|Y|C C C|` followed by the KID and then the CTR, each a
//! big-endian unsigned integer. Values 0-7 live in the config byte; larger values follow it in
//! the minimum number of bytes, the 3-bit field holding that length minus one. Parsing
//! rejects anything else (truncation, non-minimal encodings) with a typed error and never
//! panics.

use crate::Error;

/// Longest possible encoded header: config byte + 8-byte KID + 8-byte CTR.
pub const MAX_HEADER_LEN: usize = 17;

/// A key id (KID): names the base key a frame was encrypted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u64);

/// A frame counter (CTR): with the KID, unique per encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Counter(pub u64);

/// A parsed or to-be-encoded SFrame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SframeHeader {
    /// The key id.
    pub kid: KeyId,
    /// The counter.
    pub ctr: Counter,
}

/// An encoded header, kept on the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedHeader {
    bytes: [u8; MAX_HEADER_LEN],
    len: usize,
}

impl EncodedHeader {
    /// The header bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Length of the encoded header.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a header has at least its config byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Number of bytes the minimal big-endian encoding of `value` (>= 8) takes.
fn encoded_len(value: u64) -> usize {
    // `value >= 8` so at least one bit is set; `leading_zeros() <= 60`.
    8 - (value.leading_zeros() as usize) / 8
}

impl SframeHeader {
    /// A header for `kid` and `ctr`.
    pub const fn new(kid: KeyId, ctr: Counter) -> Self {
        Self { kid, ctr }
    }

    /// Length of this header once encoded.
    pub fn encoded_len(&self) -> usize {
        let field = |v: u64| if v < 8 { 0 } else { encoded_len(v) };
        1 + field(self.kid.0) + field(self.ctr.0)
    }

    /// Encodes the header (RFC 9605 section 4.3).
    pub fn encode(&self) -> EncodedHeader {
        let mut bytes = [0u8; MAX_HEADER_LEN];
        let mut len = 1;
        let mut config = 0u8;
        for (value, shift) in [(self.kid.0, 4u8), (self.ctr.0, 0u8)] {
            if value < 8 {
                // Fits in the 3-bit field: the cast keeps exactly those bits.
                config |= (value as u8) << shift;
            } else {
                let n = encoded_len(value);
                // `n` is 1..=8, so `n - 1` fits in 3 bits; the flag is the bit above them.
                config |= (0b1000 | (n as u8 - 1)) << shift;
                bytes[len..len + n].copy_from_slice(&value.to_be_bytes()[8 - n..]);
                len += n;
            }
        }
        bytes[0] = config;
        EncodedHeader { bytes, len }
    }

    /// Parses a header from the start of `input`, returning it and its encoded length.
    ///
    /// # Errors
    /// [`Error::HeaderTruncated`] if `input` ends inside the header;
    /// [`Error::HeaderNotMinimal`] if a value is not in its minimal encoding.
    pub fn parse(input: &[u8]) -> Result<(Self, usize), Error> {
        let (&config, mut rest) = input.split_first().ok_or(Error::HeaderTruncated)?;
        let mut read = |nibble: u8| -> Result<u64, Error> {
            let field = u64::from(nibble & 0b0111);
            if nibble & 0b1000 == 0 {
                return Ok(field);
            }
            let n = field as usize + 1;
            if rest.len() < n {
                return Err(Error::HeaderTruncated);
            }
            let (value_bytes, tail) = rest.split_at(n);
            rest = tail;
            let mut be = [0u8; 8];
            be[8 - n..].copy_from_slice(value_bytes);
            let value = u64::from_be_bytes(be);
            if value < 8 || encoded_len(value) != n {
                return Err(Error::HeaderNotMinimal);
            }
            Ok(value)
        };
        let kid = read(config >> 4)?;
        let ctr = read(config & 0x0f)?;
        let header = Self::new(KeyId(kid), Counter(ctr));
        Ok((header, header.encoded_len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_stay_in_config_byte() {
        let h = SframeHeader::new(KeyId(7), Counter(5));
        assert_eq!(h.encode().as_bytes(), &[0x75]);
        assert_eq!(SframeHeader::parse(&[0x75]), Ok((h, 1)));
    }

    #[test]
    fn rejects_non_minimal_and_truncated() {
        // KID 5 written in an extension byte.
        assert_eq!(
            SframeHeader::parse(&[0x80, 0x05]),
            Err(Error::HeaderNotMinimal)
        );
        // KID 0x10 written in two bytes.
        assert_eq!(
            SframeHeader::parse(&[0x90, 0x00, 0x10]),
            Err(Error::HeaderNotMinimal)
        );
        assert_eq!(SframeHeader::parse(&[]), Err(Error::HeaderTruncated));
        assert_eq!(
            SframeHeader::parse(&[0xf8, 1, 2]),
            Err(Error::HeaderTruncated)
        );
    }
}
