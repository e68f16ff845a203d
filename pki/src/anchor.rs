//! An organisation's trust anchor: its self-signed Ed25519 CA certificate, checked, with
//! the CA's revocation list if one was published and it reads.

use std::fmt;

use conclave_protocol::DisplayName;

use super::certificate::{OutsideValidity, ParsedCertificate};
use super::revocation::RevocationList;
use super::{AnchorPin, ChainRefusal, Organisation};

/// Why an organisation's CA certificate cannot be a trust anchor.
#[non_exhaustive]
#[derive(thiserror::Error, Clone, Copy, PartialEq, Eq, Debug)]
pub enum AnchorError {
    /// The certificate does not parse (or is too large).
    #[error("the organisation's CA certificate is malformed")]
    Malformed,
    /// The certificate's key or signature is not Ed25519.
    #[error(
        "the organisation's CA certificate uses an unsupported algorithm (only Ed25519 is accepted)"
    )]
    UnsupportedAlgorithm,
    /// The certificate is not self-signed: its issuer is not its subject.
    #[error("the organisation's CA certificate is not self-signed")]
    NotSelfSigned,
    /// The certificate's signature does not verify under its own key.
    #[error("the organisation's CA certificate's signature does not verify")]
    BadSignature,
    /// The certificate is not a CA (basicConstraints cA is not true, or its key usage does
    /// not allow signing certificates).
    #[error("the organisation's certificate is not a certificate authority")]
    NotAnAuthority,
    /// The certificate names no organisation (`O`), or one that cleans to nothing.
    #[error("the organisation's CA certificate names no organisation")]
    MissingOrganisation,
    /// The certificate is not valid yet.
    #[error("the organisation's CA certificate is not valid yet")]
    NotYetValid,
    /// The certificate has expired.
    #[error("the organisation's CA certificate has expired")]
    Expired,
}

impl From<OutsideValidity> for AnchorError {
    fn from(outside: OutsideValidity) -> AnchorError {
        match outside {
            OutsideValidity::NotYetValid => AnchorError::NotYetValid,
            OutsideValidity::Expired => AnchorError::Expired,
        }
    }
}

/// How a chain reports an anchor that fails: the chain's CA is the anchor.
impl From<AnchorError> for ChainRefusal {
    fn from(error: AnchorError) -> ChainRefusal {
        match error {
            AnchorError::Malformed => ChainRefusal::Malformed,
            AnchorError::UnsupportedAlgorithm => ChainRefusal::UnsupportedAlgorithm,
            // In a chain, a CA position holding a certificate someone else issued.
            AnchorError::NotSelfSigned => ChainRefusal::NotAnAuthority,
            AnchorError::BadSignature => ChainRefusal::BadSignature,
            AnchorError::NotAnAuthority => ChainRefusal::NotAnAuthority,
            AnchorError::MissingOrganisation => ChainRefusal::MissingName,
            AnchorError::NotYetValid => ChainRefusal::NotYetValid,
            AnchorError::Expired => ChainRefusal::Expired,
        }
    }
}

/// A checked organisation CA: self-signed, `cA` true, Ed25519, within its validity when it
/// was loaded, with its revocation list (or why that list cannot be used).
#[derive(Clone)]
pub struct TrustAnchor {
    pub(crate) authority: Authority,
    /// The list, or why there is none: reported for every member of this organisation.
    pub(crate) revocation_list: Result<RevocationList, ChainRefusal>,
}

/// A CA certificate that passed [`Authority::check`], with what the chain compares.
#[derive(Clone, Debug)]
pub(crate) struct Authority {
    pub(crate) der: Vec<u8>,
    pub(crate) pin: AnchorPin,
    pub(crate) certificate: ParsedCertificate,
    /// The CA subject's `O` as spelled (members' `O` must equal it).
    pub(crate) organisation_as_spelled: String,
    /// The same, cleaned for display.
    pub(crate) organisation: String,
}

impl Authority {
    /// Checks that `der` is a self-signed Ed25519 CA naming an organisation, valid at
    /// `now_unix_secs`.
    pub(crate) fn check(der: &[u8], now_unix_secs: u64) -> Result<Authority, AnchorError> {
        let certificate = ParsedCertificate::read(der).map_err(|refusal| match refusal {
            ChainRefusal::UnsupportedAlgorithm => AnchorError::UnsupportedAlgorithm,
            _ => AnchorError::Malformed,
        })?;
        if !certificate.may_sign_certificates() {
            return Err(AnchorError::NotAnAuthority);
        }
        if certificate.issuer_der != certificate.subject_der {
            return Err(AnchorError::NotSelfSigned);
        }
        if !certificate.is_signed_by(&certificate.public_key) {
            return Err(AnchorError::BadSignature);
        }
        let organisation_as_spelled = certificate
            .subject
            .organisation
            .clone()
            .ok_or(AnchorError::MissingOrganisation)?;
        let organisation =
            DisplayName::clean(&organisation_as_spelled).ok_or(AnchorError::MissingOrganisation)?;
        certificate.validity.check(now_unix_secs)?;
        Ok(Authority {
            der: der.to_vec(),
            pin: AnchorPin::of_certificate(der),
            certificate,
            organisation_as_spelled,
            organisation: organisation.as_str().to_owned(),
        })
    }
}

impl TrustAnchor {
    /// Checks an organisation's CA certificate at `now_unix_secs` and reads its revocation
    /// list. A list that is missing, malformed or not the CA's does not fail the anchor:
    /// its members are then refused with the reason.
    pub fn from_organisation(
        org: &Organisation,
        now_unix_secs: u64,
    ) -> Result<TrustAnchor, AnchorError> {
        let authority = Authority::check(&org.certificate, now_unix_secs)?;
        let revocation_list = match &org.revocation_list {
            Some(der) => RevocationList::read(der, &authority.certificate),
            None => Err(ChainRefusal::RevocationListMissing),
        };
        Ok(TrustAnchor {
            authority,
            revocation_list,
        })
    }

    /// The pin of the CA certificate.
    pub fn pin(&self) -> AnchorPin {
        self.authority.pin
    }

    /// The organisation's name (the CA subject's `O`, cleaned for display).
    pub fn organisation(&self) -> &str {
        &self.authority.organisation
    }

    /// The CA certificate (DER).
    pub fn certificate(&self) -> &[u8] {
        &self.authority.der
    }

    /// When the CA issued its revocation list (`thisUpdate`, Unix seconds), if it has one
    /// that reads and that the CA signed: the newer of two lists is the one to keep.
    pub fn revocation_list_issued_at(&self) -> Option<u64> {
        self.revocation_list
            .as_ref()
            .ok()
            .map(RevocationList::this_update)
    }

    /// Whether the CA's revocation list read, is the CA's and is current at
    /// `now_unix_secs` (without one, nobody this CA vouches for is verified).
    pub fn has_current_revocation_list(&self, now_unix_secs: u64) -> bool {
        self.revocation_list
            .as_ref()
            .is_ok_and(|list| list.is_current(now_unix_secs))
    }
}

/// Public facts only: the pin, the organisation and whether a list was read.
impl fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustAnchor")
            .field("pin", &self.authority.pin)
            .field("organisation", &self.authority.organisation)
            .field(
                "revocation_list",
                &self.revocation_list.as_ref().map(|_| "read"),
            )
            .finish()
    }
}
