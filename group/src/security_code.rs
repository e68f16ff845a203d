//! The meeting security code: 25 decimal digits in five groups of five, from the MLS epoch
//! authenticator (RFC 9420 section 8.7). Everyone in one epoch sees the same digits; a
//! member in the middle would hold a different epoch authenticator and see different ones.
//!
//! Each group is 5 bytes of the authenticator read as a big-endian number, modulo 100000
//! (as Signal's safety numbers are made): about 16.6 bits a group, about 83 bits in all.
//! Why that many: someone who runs two groups and relays between them must make both
//! show the same code. Each committed epoch gives a fresh authenticator, so they can
//! stage about 2^(b/2) commits in each group and look for one pair that collides on b
//! bits (a birthday search). Five words (b = 40) fell to about 2^20 staged commits a side,
//! minutes of work; at b = 83 it takes about 2^41.5 a side, which the epoch of a meeting
//! does not leave time for. The modulo bias (2^40 is not a multiple of 100000) is below
//! one part in ten million per group.

use std::fmt;

/// How many groups of digits a security code has.
pub const GROUPS_PER_CODE: usize = 5;
/// Digits in one group.
pub const DIGITS_PER_GROUP: usize = 5;
/// Authenticator bytes behind one group.
const BYTES_PER_GROUP: usize = 5;
/// One more than the largest group value: 10^[`DIGITS_PER_GROUP`].
const GROUP_MODULUS: u64 = 100_000;

/// A meeting security code: the epoch it belongs to and its groups of digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityCode {
    /// The MLS epoch the code was derived in.
    pub epoch: u64,
    /// The groups, in order, each below 100000 (shown with leading zeros).
    pub groups: [u32; GROUPS_PER_CODE],
}

impl SecurityCode {
    /// The code for `epoch` from that epoch's authenticator (its first 25 bytes; the
    /// default ciphersuite's authenticator has 32). `None` if it is shorter than that.
    pub fn from_epoch_authenticator(epoch: u64, authenticator: &[u8]) -> Option<SecurityCode> {
        let mut groups = [0; GROUPS_PER_CODE];
        let mut chunks = authenticator.chunks_exact(BYTES_PER_GROUP);
        for group in &mut groups {
            let chunk = chunks.next()?;
            let value = chunk
                .iter()
                .fold(0_u64, |value, &byte| (value << 8) | u64::from(byte));
            // Below GROUP_MODULUS, so it fits a u32.
            *group = u32::try_from(value % GROUP_MODULUS).ok()?;
        }
        Some(SecurityCode { epoch, groups })
    }
}

/// The groups as five-digit numbers (leading zeros kept), joined by single spaces:
/// `03815 99120 45007 12873 60444`.
impl fmt::Display for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{group:0width$}", width = DIGITS_PER_GROUP)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_group_is_five_bytes_big_endian_modulo_100000() {
        let mut authenticator = [0_u8; 32];
        // Group 1: 0x00_0000_0001 = 1; group 2: 0xff_ffff_ffff = 1099511627775, whose
        // last five digits are 27775; group 3: 100000 = 0x01_86a0 wraps to 0.
        authenticator[4] = 1;
        authenticator[5..10].fill(0xff);
        authenticator[12..15].copy_from_slice(&[0x01, 0x86, 0xa0]);
        // Group 5: 99999 = 0x01_869f.
        authenticator[22..25].copy_from_slice(&[0x01, 0x86, 0x9f]);
        // Bytes past the 25th are not used.
        authenticator[25..].fill(0xaa);
        let code = SecurityCode::from_epoch_authenticator(3, &authenticator).expect("long enough");
        assert_eq!(code.groups, [1, 27_775, 0, 0, 99_999]);
        assert_eq!(code.epoch, 3);
        assert_eq!(code.to_string(), "00001 27775 00000 00000 99999");
    }

    #[test]
    fn every_authenticator_byte_of_the_25_changes_the_code() {
        let base = [7_u8; 32];
        let code = SecurityCode::from_epoch_authenticator(1, &base).expect("long enough");
        for index in 0..GROUPS_PER_CODE * BYTES_PER_GROUP {
            let mut changed = base;
            changed[index] ^= 0x01;
            let other = SecurityCode::from_epoch_authenticator(1, &changed).expect("long enough");
            assert_ne!(other, code, "byte {index}");
        }
    }

    #[test]
    fn the_code_carries_at_least_80_bits() {
        let bits = GROUPS_PER_CODE as f64 * (GROUP_MODULUS as f64).log2();
        assert!(bits >= 80.0, "{bits}");
        assert_eq!(10_u64.pow(DIGITS_PER_GROUP as u32), GROUP_MODULUS);
    }

    #[test]
    fn a_short_authenticator_gives_no_code() {
        assert_eq!(SecurityCode::from_epoch_authenticator(1, &[0; 24]), None);
        assert!(SecurityCode::from_epoch_authenticator(1, &[0; 25]).is_some());
    }
}
