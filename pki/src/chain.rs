//! Chain validation (RFC 5280 section 6, cut down to one CA and one member certificate).
//!
//! Checks in this order (the first that fails is reported):
//! 1. two certificates of at most [`MAX_OBJECT_BYTES`](super::MAX_OBJECT_BYTES), the
//!    member's reads, Ed25519 throughout;
//! 2. the CA: one of the meeting's pinned anchors, byte for byte ([`validate_chain`]), or
//!    a self-signed CA ([`check_issued_chain`]); valid now;
//! 3. the member's certificate: issued by the CA's subject, same `O` as the CA, signed by
//!    the CA, not a CA itself, allowed to sign, names a person, valid now, for the
//!    member's signature key;
//! 4. ([`validate_chain`] only) the CA's revocation list: read, current, and does not
//!    list the member's serial.

use conclave_protocol::DisplayName;
use subtle::ConstantTimeEq;

use super::anchor::Authority;
use super::certificate::ParsedCertificate;
use super::{ChainRefusal, TrustAnchor, VerifiedPerson};

/// Full check for a member in a meeting: `chain` is the member's certificate then its CA's,
/// `signature_key` the member's MLS signature key, `anchors` the meeting's pinned, loaded
/// anchors (with their revocation lists).
pub fn validate_chain(
    chain: &[Vec<u8>],
    signature_key: &[u8],
    anchors: &[TrustAnchor],
    now_unix_secs: u64,
) -> Result<VerifiedPerson, ChainRefusal> {
    let (member_der, authority_der) = split_chain(chain)?;
    let member = ParsedCertificate::read(member_der)?;
    let pin = super::AnchorPin::of_certificate(authority_der);
    let anchor = anchors
        .iter()
        .find(|anchor| anchor.authority.pin == pin && anchor.authority.der == authority_der)
        .ok_or(ChainRefusal::UnpinnedAuthority)?;
    anchor.authority.certificate.validity.check(now_unix_secs)?;
    let person = check_member(&member, &anchor.authority, signature_key, now_unix_secs)?;
    let revocation_list = anchor
        .revocation_list
        .as_ref()
        .map_err(|refusal| *refusal)?;
    if !revocation_list.is_current(now_unix_secs) {
        return Err(ChainRefusal::RevocationListOutOfDate);
    }
    if revocation_list.revokes(&member.serial) {
        return Err(ChainRefusal::Revoked);
    }
    Ok(person)
}

/// The enrollment page's check of a freshly issued chain: everything [`validate_chain`]
/// checks except the pin and the revocation list (the chain's own CA is the anchor).
pub fn check_issued_chain(
    chain: &[Vec<u8>],
    signature_key: &[u8],
    now_unix_secs: u64,
) -> Result<VerifiedPerson, ChainRefusal> {
    let (member_der, authority_der) = split_chain(chain)?;
    let member = ParsedCertificate::read(member_der)?;
    let authority = Authority::check(authority_der, now_unix_secs)?;
    check_member(&member, &authority, signature_key, now_unix_secs)
}

/// The member's and the CA's certificate, each within the size limit.
fn split_chain(chain: &[Vec<u8>]) -> Result<(&[u8], &[u8]), ChainRefusal> {
    match chain {
        [member, authority]
            if member.len() <= super::MAX_OBJECT_BYTES
                && authority.len() <= super::MAX_OBJECT_BYTES =>
        {
            Ok((member, authority))
        }
        _ => Err(ChainRefusal::Malformed),
    }
}

/// Checks the member's certificate against its (already checked) CA.
fn check_member(
    member: &ParsedCertificate,
    authority: &Authority,
    signature_key: &[u8],
    now_unix_secs: u64,
) -> Result<VerifiedPerson, ChainRefusal> {
    let same_organisation =
        member.subject.organisation.as_deref() == Some(authority.organisation_as_spelled.as_str());
    if member.issuer_der != authority.certificate.subject_der || !same_organisation {
        return Err(ChainRefusal::NameMismatch);
    }
    if !member.is_signed_by(&authority.certificate.public_key) {
        return Err(ChainRefusal::BadSignature);
    }
    // A CA certificate presented as a member's is not a member's certificate.
    if member.is_authority || !member.may_sign_as_member() {
        return Err(ChainRefusal::Malformed);
    }
    let name = member
        .subject
        .common_name
        .as_deref()
        .and_then(DisplayName::clean)
        .ok_or(ChainRefusal::MissingName)?;
    member.validity.check(now_unix_secs)?;
    if !bool::from(member.public_key.as_slice().ct_eq(signature_key)) {
        return Err(ChainRefusal::KeyMismatch);
    }
    Ok(VerifiedPerson {
        organisation: authority.organisation.clone(),
        name: name.as_str().to_owned(),
        role: member
            .subject
            .title
            .as_deref()
            .and_then(DisplayName::clean)
            .map(String::from),
        email: member.email.clone(),
        anchor: authority.pin,
        serial_hex: member.serial_hex(),
        not_after_unix_secs: member.validity.not_after,
    })
}
