//! Verified identities: an organisation vouches for a member's MLS signature key with an
//! X.509 certificate (RFC 5280) that its own certificate authority signed, and revokes it
//! with a certificate revocation list (RFC 5280 section 5).
//!
//! Rules (the whole module follows them; anything else is refused, never guessed at):
//! - Every key and signature is Ed25519 (RFC 8410, OID 1.3.101.112, no parameters).
//! - A chain is exactly two DER certificates: the member's (leaf) first, then the
//!   organisation's self-signed CA certificate. No intermediates.
//! - A meeting pins the CA certificates it accepts by [`AnchorPin`] (SHA-256 of the DER).
//! - A member is verified only while the CA's revocation list is present, signed by the CA,
//!   current (`thisUpdate <= now < nextUpdate`) and does not list the member's serial: with
//!   no current list nobody of that organisation is verified (fail closed).
//! - Certificates and revocation lists over [`MAX_OBJECT_BYTES`] are refused unread; bad
//!   input is an error, never a panic. Time is always an argument (`now_unix_secs`).
//!
//! Modules:
//! - `certificate`: one certificate read (names, validity, serial, key, extensions) and
//!   the Ed25519 signature check.
//! - `anchor`: [`TrustAnchor`], an organisation's checked CA certificate and its list.
//! - `revocation`: the CA's revocation list (RFC 5280 section 5).
//! - `chain`: [`validate_chain`] and [`check_issued_chain`] (RFC 5280 section 6, cut down
//!   to one CA and one leaf).
//! - `pem`: chains as PEM text (RFC 7468).
//! - `enrollment`: the PKCS#10 request a browser makes for its key (RFC 2986).
//!
//! The MLS group (`conclave-group`, which re-exports this crate as `verified_identity`), the
//! CA tool (`conclave-admin`) and the server's list of organisations all read certificates
//! with this code.

mod anchor;
mod certificate;
mod chain;
mod enrollment;
mod pem;
mod revocation;

#[cfg(test)]
mod test_pki;
#[cfg(test)]
mod tests;

use std::fmt;

use sha2::{Digest, Sha256};

pub use anchor::{AnchorError, TrustAnchor};
pub use chain::{check_issued_chain, validate_chain};
pub use enrollment::{
    enrollment_request, read_enrollment_request, EnrollmentError, EnrollmentRequest,
    EnrollmentSigner,
};
pub use pem::{chain_to_pem, parse_pem_chain};
pub use revocation::{check_revocation_list, RevocationListDates};

/// The largest certificate, revocation list or enrollment request read (DER bytes); a
/// larger one is refused before it is parsed.
pub const MAX_OBJECT_BYTES: usize = 64 * 1024;

/// SHA-256 of an organisation's CA certificate (its DER bytes): how a meeting names a CA
/// it accepts, so a server cannot swap in another certificate with the same names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct AnchorPin([u8; 32]);

impl AnchorPin {
    /// The pin of a certificate's DER bytes (whatever they hold: pinning does not parse).
    pub fn of_certificate(der: &[u8]) -> AnchorPin {
        AnchorPin(Sha256::digest(der).into())
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A pin from its raw 32 bytes (as a meeting's group state carries them).
    pub fn from_bytes(bytes: [u8; 32]) -> AnchorPin {
        AnchorPin(bytes)
    }

    /// All 32 bytes as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A pin from 64 hex digits (either case); `None` for anything else.
    pub fn from_hex(text: &str) -> Option<AnchorPin> {
        let text = text.as_bytes();
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            *byte = u8::try_from(high * 16 + low).ok()?;
        }
        Some(AnchorPin(bytes))
    }
}

/// The short human form, as for key fingerprints: the first 8 bytes as four groups of four
/// hex digits, `ab12 cd34 ef56 7890`.
impl fmt::Display for AnchorPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, pair) in self.0[..8].chunks(2).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{:02x}{:02x}", pair[0], pair[1])?;
        }
        Ok(())
    }
}

/// What a server lists for one organisation: its CA certificate and, if published, the
/// CA's current revocation list (both DER).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Organisation {
    /// The organisation's self-signed CA certificate (DER).
    pub certificate: Vec<u8>,
    /// The CA's revocation list (DER), if the server has one.
    pub revocation_list: Option<Vec<u8>>,
}

/// A member whose chain checked out: who their organisation says they are.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifiedPerson {
    /// The organisation (the CA's and the certificate's `O`), cleaned for display.
    pub organisation: String,
    /// The person's name (the certificate's `CN`), cleaned for display.
    pub name: String,
    /// The person's role (the certificate's `title`, OID 2.5.4.12), if it names one.
    pub role: Option<String>,
    /// The person's e-mail address (subjectAltName rfc822Name), if it names one.
    pub email: Option<String>,
    /// The pin of the CA certificate that vouches for them.
    pub anchor: AnchorPin,
    /// The certificate's serial number: lowercase hex of its value, leading zero bytes
    /// dropped (what `conclave-admin` names when revoking).
    pub serial_hex: String,
    /// When the certificate stops being valid (Unix seconds).
    pub not_after_unix_secs: u64,
}

/// Why a certificate chain does not make its holder a verified member. Says what failed,
/// never key material.
#[non_exhaustive]
#[derive(thiserror::Error, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChainRefusal {
    /// Not two DER certificates, a certificate or revocation list that does not parse (or
    /// is too large), or a member certificate that claims to be a CA.
    #[error("the certificate chain is malformed")]
    Malformed,
    /// A key or signature that is not Ed25519.
    #[error("the certificate chain uses an unsupported algorithm (only Ed25519 is accepted)")]
    UnsupportedAlgorithm,
    /// The chain's CA is not one the meeting pinned.
    #[error("the certificate's organisation is not one this meeting accepts")]
    UnpinnedAuthority,
    /// The chain's CA certificate is not a self-signed certificate authority.
    #[error("the issuing certificate is not a certificate authority")]
    NotAnAuthority,
    /// The certificate's issuer or organisation is not the CA's, or the revocation list's
    /// issuer is not the CA.
    #[error("the certificate's issuer or organisation does not match its authority")]
    NameMismatch,
    /// A certificate or revocation list signature does not verify.
    #[error("a signature in the certificate chain does not verify")]
    BadSignature,
    /// A certificate in the chain is not valid yet.
    #[error("the certificate is not valid yet")]
    NotYetValid,
    /// A certificate in the chain has expired.
    #[error("the certificate has expired")]
    Expired,
    /// The organisation revoked the certificate.
    #[error("the certificate has been revoked")]
    Revoked,
    /// The organisation has no usable revocation list, so nobody it vouches for is verified.
    #[error("the organisation's revocation list is missing")]
    RevocationListMissing,
    /// The organisation's revocation list is not current (or has no next update).
    #[error("the organisation's revocation list is out of date")]
    RevocationListOutOfDate,
    /// The certificate vouches for another key than the member's signature key.
    #[error("the certificate is for another key")]
    KeyMismatch,
    /// The certificate names no person (or no organisation).
    #[error("the certificate names nobody")]
    MissingName,
}
