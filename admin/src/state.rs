//! What the CA remembers between commands (`state.json`): the next revocation list number,
//! the certificates it issued and the ones it revoked. Plain data; the CA directory
//! ([`crate::ca_dir`]) reads and writes it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::AdminError;

/// The version of `state.json`'s layout.
pub const STATE_FORMAT: u32 = 1;

/// A member certificate's serial number: 16 random bytes, the first in 0x01..=0x7f so the
/// DER INTEGER is positive and exactly 16 bytes long (RFC 5280 section 4.1.2.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Serial([u8; 16]);

impl Serial {
    /// Makes a serial from 16 random bytes (clears the sign bit, avoids a leading zero).
    pub fn from_random(mut bytes: [u8; 16]) -> Serial {
        bytes[0] &= 0x7f;
        if bytes[0] == 0 {
            bytes[0] = 1;
        }
        Serial(bytes)
    }

    /// The serial of a certificate, from its DER INTEGER's content bytes; `None` when it
    /// is not 16 bytes or not positive, so no serial of this CA.
    pub fn from_certificate_bytes(bytes: &[u8]) -> Option<Serial> {
        let bytes: [u8; 16] = bytes.try_into().ok()?;
        (bytes[0] != 0 && bytes[0] & 0x80 == 0).then_some(Serial(bytes))
    }

    /// Parses 32 hex digits, upper or lower case, optionally grouped by `:` or spaces (as
    /// `openssl x509 -serial` or a browser prints them).
    pub fn parse(text: &str) -> Option<Serial> {
        let digits: Vec<u8> = text
            .bytes()
            .filter(|byte| *byte != b':' && *byte != b' ')
            .collect();
        if digits.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            let text = std::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(text, 16).ok()?;
        }
        Serial::from_certificate_bytes(&bytes)
    }

    /// The DER INTEGER content bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for Serial {
    /// Lowercase hex, 32 digits, no separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl Serialize for Serial {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Serial {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Serial, D::Error> {
        let text = String::deserialize(deserializer)?;
        Serial::parse(&text).ok_or_else(|| serde::de::Error::custom("not a 32-digit hex serial"))
    }
}

/// A certificate the CA issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuedCertificate {
    /// Its serial number.
    pub serial: Serial,
    /// The person's name (the certificate's CN).
    pub name: String,
    /// The role (the certificate's title), if any.
    pub role: Option<String>,
    /// The e-mail address (subjectAltName), if any.
    pub email: Option<String>,
    /// When it was issued, in Unix seconds.
    pub issued_at: u64,
    /// Its notAfter, in Unix seconds.
    pub not_after: u64,
}

/// A revoked certificate, as the revocation list carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// The revoked certificate's serial.
    pub serial: Serial,
    /// When it was revoked, in Unix seconds.
    pub revoked_at: u64,
}

/// Where an issued certificate stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateStatus {
    /// Within its validity and not revoked.
    Valid,
    /// Past its notAfter (and not revoked).
    Expired,
    /// Revoked at this time (Unix seconds).
    Revoked(u64),
}

/// What `revoke` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevokeOutcome {
    /// Newly revoked now.
    Revoked,
    /// It was already revoked at this time; nothing changed.
    AlreadyRevoked(u64),
}

/// The CA's memory (`state.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaState {
    /// [`STATE_FORMAT`].
    pub format: u32,
    /// The organisation (the CA certificate's O), as a check that state and CA match.
    pub organisation: String,
    /// How many days a revocation list is valid when `revoke` writes one, or `crl`
    /// without `--days`.
    pub crl_days: u64,
    /// The number the next revocation list carries (RFC 5280 section 5.2.3: increasing).
    pub next_crl_number: u64,
    /// Every certificate issued, oldest first.
    pub issued: Vec<IssuedCertificate>,
    /// Every revocation, oldest first.
    pub revoked: Vec<Revocation>,
}

impl CaState {
    /// The state of a freshly created CA: nothing issued, nothing revoked.
    pub fn new(organisation: &str, crl_days: u64) -> CaState {
        CaState {
            format: STATE_FORMAT,
            organisation: organisation.to_owned(),
            crl_days,
            next_crl_number: 1,
            issued: Vec::new(),
            revoked: Vec::new(),
        }
    }

    /// Checks a state read from disk: known format, sane numbers, no duplicates.
    pub fn check(&self) -> Result<(), String> {
        if self.format != STATE_FORMAT {
            return Err(format!(
                "state format {} is not {STATE_FORMAT}, the one this conclave-admin reads",
                self.format
            ));
        }
        if self.next_crl_number == 0 || self.crl_days == 0 {
            return Err("next_crl_number and crl_days must be at least 1".to_owned());
        }
        let mut serials: Vec<Serial> = self.issued.iter().map(|issued| issued.serial).collect();
        serials.sort_unstable_by_key(|serial| serial.0);
        if serials.windows(2).any(|pair| pair[0] == pair[1]) {
            return Err("a serial is listed twice as issued".to_owned());
        }
        for revocation in &self.revoked {
            if self.issued(revocation.serial).is_none() {
                return Err(format!(
                    "serial {} is revoked but was never issued",
                    revocation.serial
                ));
            }
        }
        Ok(())
    }

    /// Takes the number for the revocation list about to be signed.
    pub fn take_crl_number(&mut self) -> u64 {
        let number = self.next_crl_number;
        self.next_crl_number = number.saturating_add(1);
        number
    }

    /// Records a newly issued certificate.
    pub fn record_issued(&mut self, certificate: IssuedCertificate) {
        self.issued.push(certificate);
    }

    /// The issued certificate with this serial.
    pub fn issued(&self, serial: Serial) -> Option<&IssuedCertificate> {
        self.issued
            .iter()
            .find(|certificate| certificate.serial == serial)
    }

    /// When the certificate with this serial was revoked, if it was.
    pub fn revoked_at(&self, serial: Serial) -> Option<u64> {
        self.revoked
            .iter()
            .find(|revocation| revocation.serial == serial)
            .map(|revocation| revocation.revoked_at)
    }

    /// Revokes the certificate with this serial at `now_unix_secs`. Refuses a serial this
    /// CA never issued (a typo must not look like a revocation).
    pub fn revoke(
        &mut self,
        serial: Serial,
        now_unix_secs: u64,
    ) -> Result<RevokeOutcome, AdminError> {
        if self.issued(serial).is_none() {
            return Err(AdminError::UnknownSerial {
                serial: serial.to_string(),
            });
        }
        if let Some(revoked_at) = self.revoked_at(serial) {
            return Ok(RevokeOutcome::AlreadyRevoked(revoked_at));
        }
        self.revoked.push(Revocation {
            serial,
            revoked_at: now_unix_secs,
        });
        Ok(RevokeOutcome::Revoked)
    }

    /// Where the issued certificate stands at `now_unix_secs`.
    pub fn status(&self, certificate: &IssuedCertificate, now_unix_secs: u64) -> CertificateStatus {
        match self.revoked_at(certificate.serial) {
            Some(revoked_at) => CertificateStatus::Revoked(revoked_at),
            None if now_unix_secs >= certificate.not_after => CertificateStatus::Expired,
            None => CertificateStatus::Valid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(serial: Serial) -> IssuedCertificate {
        IssuedCertificate {
            serial,
            name: "Ada Lovelace".to_owned(),
            role: None,
            email: None,
            issued_at: 100,
            not_after: 200,
        }
    }

    #[test]
    fn serials_are_positive_sixteen_byte_integers() {
        let serial = Serial::from_random([0xff; 16]);
        assert_eq!(serial.as_bytes()[0], 0x7f);
        assert_eq!(Serial::from_random([0; 16]).as_bytes()[0], 1);
        assert_eq!(Serial::from_certificate_bytes(&[0x80; 16]), None);
        assert_eq!(Serial::from_certificate_bytes(&[0x01; 15]), None);
    }

    #[test]
    fn serials_parse_as_printed_by_us_and_by_openssl() {
        let serial = Serial::from_random([0x5a; 16]);
        let printed = serial.to_string();
        assert_eq!(printed.len(), 32);
        assert_eq!(Serial::parse(&printed), Some(serial));
        let openssl_style = serial
            .as_bytes()
            .iter()
            .map(|byte| format!("{byte:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(Serial::parse(&openssl_style), Some(serial));
        assert_eq!(Serial::parse("5a5a"), None);
        assert_eq!(Serial::parse(&"zz".repeat(16)), None);
        assert_eq!(Serial::parse("é5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"), None);
    }

    #[test]
    fn revoking_an_unknown_serial_is_refused_and_twice_changes_nothing() {
        let mut state = CaState::new("Ministry of Example", 30);
        let serial = Serial::from_random([7; 16]);
        assert!(matches!(
            state.revoke(serial, 150),
            Err(AdminError::UnknownSerial { .. })
        ));
        state.record_issued(issued(serial));
        assert_eq!(state.revoke(serial, 150).unwrap(), RevokeOutcome::Revoked);
        assert_eq!(
            state.revoke(serial, 160).unwrap(),
            RevokeOutcome::AlreadyRevoked(150)
        );
        assert_eq!(state.revoked.len(), 1);
        assert_eq!(
            state.status(&issued(serial), 170),
            CertificateStatus::Revoked(150)
        );
        state.check().unwrap();
    }

    #[test]
    fn status_follows_expiry() {
        let state = CaState::new("Ministry of Example", 30);
        let certificate = issued(Serial::from_random([9; 16]));
        assert_eq!(state.status(&certificate, 199), CertificateStatus::Valid);
        assert_eq!(state.status(&certificate, 200), CertificateStatus::Expired);
    }

    #[test]
    fn crl_numbers_increase() {
        let mut state = CaState::new("Ministry of Example", 30);
        assert_eq!(state.take_crl_number(), 1);
        assert_eq!(state.take_crl_number(), 2);
        assert_eq!(state.next_crl_number, 3);
    }

    #[test]
    fn a_state_with_a_revocation_of_nothing_is_refused() {
        let mut state = CaState::new("Ministry of Example", 30);
        state.revoked.push(Revocation {
            serial: Serial::from_random([3; 16]),
            revoked_at: 1,
        });
        assert!(state.check().is_err());
        let mut state = CaState::new("Ministry of Example", 30);
        state.format = 2;
        assert!(state.check().is_err());
    }
}
