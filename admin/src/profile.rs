//! The certificate profile of Conclave's verified identities (docs/ADMIN.md, "Verified
//! identities"), built with rcgen: the organisation's self-signed CA certificate, a
//! member's certificate for the browser's MLS Ed25519 key, and the revocation list
//! (RFC 5280 sections 4 and 5). Every key and signature is Ed25519 (RFC 8410). No IO,
//! no clock: dates come in as Unix seconds.

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, PublicKeyData, SanType,
    SerialNumber, SignatureAlgorithm, SigningKey, PKCS_ED25519,
};

use conclave_protocol::{DisplayName, DisplayNameError};

use crate::dates::to_offset_date_time;
use crate::error::AdminError;
use crate::state::{CaState, Serial};

/// The title attribute (X.520, OID 2.5.4.12) that carries a member's role.
const TITLE_ATTRIBUTE: [u64; 4] = [2, 5, 4, 12];

/// Longest organisation name, so that the CA's CN `<organisation> CA` stays within
/// RFC 5280's ub-common-name (64).
pub const ORGANISATION_MAX_CHARS: usize = 61;
/// Longest person's name (ub-common-name).
pub const NAME_MAX_CHARS: usize = 64;
/// Longest role (ub-title).
pub const ROLE_MAX_CHARS: usize = 64;
/// Longest e-mail address (RFC 5321's path limit, less the brackets).
pub const EMAIL_MAX_CHARS: usize = 254;

/// What a member certificate says about the person. Built only through
/// [`Member::new`], which checks every field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    name: String,
    role: Option<String>,
    email: Option<String>,
}

impl Member {
    /// Checks the admin's values: a name and role of printable text within X.520's
    /// bounds, and an ASCII e-mail address of the form `local@domain`.
    pub fn new(name: &str, role: Option<&str>, email: Option<&str>) -> Result<Member, AdminError> {
        Ok(Member {
            name: checked_text("name", name, NAME_MAX_CHARS)?,
            role: role
                .map(|role| checked_text("role", role, ROLE_MAX_CHARS))
                .transpose()?,
            email: email.map(checked_email).transpose()?,
        })
    }

    /// The person's name (CN).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The role (title), if any.
    pub fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }

    /// The e-mail address (rfc822Name), if any.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
}

/// Checks an organisation name for the CA (`--organisation`).
pub fn checked_organisation(organisation: &str) -> Result<String, AdminError> {
    checked_text("organisation", organisation, ORGANISATION_MAX_CHARS)
}

/// A name, role or organisation: a display name by the rule every roster applies
/// ([`DisplayName`]: not empty, no control characters nor the invisible marks that
/// reorder or hide text), as typed (no surrounding spaces), at most `max_chars`
/// characters, so the roster shows exactly what the admin typed.
fn checked_text(option: &'static str, value: &str, max_chars: usize) -> Result<String, AdminError> {
    if value.trim() != value {
        return Err(AdminError::invalid(
            option,
            "must not start or end with spaces",
        ));
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(AdminError::invalid(
            option,
            format!("{chars} characters; at most {max_chars} fit in a certificate"),
        ));
    }
    let name = DisplayName::parse(value).map_err(|error| match error {
        DisplayNameError::Empty => AdminError::invalid(option, "must not be empty"),
        DisplayNameError::ControlCharacter => AdminError::invalid(
            option,
            "must not contain control, invisible or direction-changing characters",
        ),
        _ => AdminError::invalid(option, error.to_string()),
    })?;
    Ok(name.as_str().to_owned())
}

/// An e-mail address as an rfc822Name can hold it: ASCII, no spaces, one `@` with text on
/// both sides.
fn checked_email(email: &str) -> Result<String, AdminError> {
    let well_formed = email.len() <= EMAIL_MAX_CHARS
        && email.bytes().all(|byte| byte.is_ascii_graphic())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if well_formed {
        Ok(email.to_owned())
    } else {
        Err(AdminError::invalid(
            "email",
            format!(
                "not an address like ada@example.org (ASCII, one @, at most {EMAIL_MAX_CHARS} characters)"
            ),
        ))
    }
}

/// A raw Ed25519 public key (the browser's MLS signature key), for rcgen to put in a
/// certificate's subjectPublicKeyInfo.
pub struct Ed25519PublicKey([u8; 32]);

impl Ed25519PublicKey {
    /// Wraps the 32 key bytes.
    pub fn new(bytes: [u8; 32]) -> Ed25519PublicKey {
        Ed25519PublicKey(bytes)
    }
}

impl PublicKeyData for Ed25519PublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &PKCS_ED25519
    }
}

/// Generates a new CA key.
pub fn generate_ca_key() -> Result<KeyPair, AdminError> {
    KeyPair::generate_for(&PKCS_ED25519).map_err(AdminError::Signing)
}

/// The CA's subject (and every member certificate's issuer): `CN=<organisation> CA,
/// O=<organisation>`.
fn ca_distinguished_name(organisation: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, format!("{organisation} CA"));
    name.push(DnType::OrganizationName, organisation);
    name
}

/// The CA certificate's parameters: self-signed, CA:true (critical), keyCertSign and
/// cRLSign, a random serial, valid from `not_before` to `not_after` (Unix seconds).
pub fn ca_params(
    organisation: &str,
    serial: Serial,
    not_before: u64,
    not_after: u64,
) -> Result<CertificateParams, AdminError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = ca_distinguished_name(organisation);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.key_identifier_method = KeyIdMethod::Sha256;
    params.serial_number = Some(SerialNumber::from_slice(serial.as_bytes()));
    params.not_before = to_offset_date_time(not_before)?;
    params.not_after = to_offset_date_time(not_after)?;
    Ok(params)
}

/// The CA as rcgen's issuer: its subject, key usages and key identifier exactly as
/// [`ca_params`] made them, and its key. The caller checks the issued certificate's
/// issuer against the CA certificate's subject.
pub fn ca_issuer<S: SigningKey>(
    organisation: &str,
    key: S,
) -> Result<Issuer<'static, S>, AdminError> {
    // rcgen's issuer takes only the subject, key usages and key identifier method from
    // the parameters; serial and dates are placeholders.
    let params = ca_params(organisation, Serial::from_random([1; 16]), 0, 0)?;
    Ok(Issuer::new(params, key))
}

/// A member certificate's parameters: `CN=<name>, O=<organisation>[, title=<role>]`,
/// e-mail as rfc822Name, CA:false, digitalSignature, the given serial and validity.
pub fn member_params(
    member: &Member,
    organisation: &str,
    serial: Serial,
    not_before: u64,
    not_after: u64,
) -> Result<CertificateParams, AdminError> {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, member.name());
    name.push(DnType::OrganizationName, organisation);
    if let Some(role) = member.role() {
        name.push(DnType::CustomDnType(TITLE_ATTRIBUTE.to_vec()), role);
    }
    params.distinguished_name = name;
    if let Some(email) = member.email() {
        let email = email
            .to_owned()
            .try_into()
            .map_err(|_| AdminError::invalid("email", "not ASCII"))?;
        params.subject_alt_names = vec![SanType::Rfc822Name(email)];
    }
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.use_authority_key_identifier_extension = true;
    params.key_identifier_method = KeyIdMethod::Sha256;
    params.serial_number = Some(SerialNumber::from_slice(serial.as_bytes()));
    params.not_before = to_offset_date_time(not_before)?;
    params.not_after = to_offset_date_time(not_after)?;
    Ok(params)
}

/// The revocation list's parameters: number `crl_number`, valid from `this_update` to
/// `next_update`, listing every revocation in `state`.
pub fn revocation_list_params(
    state: &CaState,
    crl_number: u64,
    this_update: u64,
    next_update: u64,
) -> Result<CertificateRevocationListParams, AdminError> {
    let revoked_certs = state
        .revoked
        .iter()
        .map(|revocation| {
            Ok(rcgen::RevokedCertParams {
                serial_number: SerialNumber::from_slice(revocation.serial.as_bytes()),
                revocation_time: to_offset_date_time(revocation.revoked_at)?,
                reason_code: None,
                invalidity_date: None,
            })
        })
        .collect::<Result<Vec<_>, AdminError>>()?;
    Ok(CertificateRevocationListParams {
        this_update: to_offset_date_time(this_update)?,
        next_update: to_offset_date_time(next_update)?,
        crl_number: SerialNumber::from_slice(&crl_number.to_be_bytes()),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: KeyIdMethod::Sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_line_breaks_or_direction_overrides_are_refused() {
        assert!(Member::new("Ada\nLovelace", None, None).is_err());
        assert!(Member::new("Ada \u{202e}ecalevoL", None, None).is_err());
        assert!(Member::new("A\u{200b}da", None, None).is_err());
        assert!(Member::new(" Ada", None, None).is_err());
        assert!(Member::new("", None, None).is_err());
        assert!(Member::new(&"a".repeat(65), None, None).is_err());
        assert!(Member::new("Ada Lovelace", Some("\t"), None).is_err());
        let member = Member::new("Zoë Ünal", Some("Delegate DE"), Some("zoe@example.org")).unwrap();
        assert_eq!(member.name(), "Zoë Ünal");
        assert_eq!(member.role(), Some("Delegate DE"));
    }

    #[test]
    fn malformed_email_addresses_are_refused() {
        for email in [
            "ada",
            "@example.org",
            "ada@",
            "a@b@c",
            "ada lovelace@x.org",
            "zoë@x.org",
        ] {
            assert!(checked_email(email).is_err(), "{email}");
        }
        assert!(checked_email("ada@example.org").is_ok());
    }

    #[test]
    fn an_organisation_fits_the_ca_common_name() {
        assert!(checked_organisation(&"o".repeat(61)).is_ok());
        assert!(checked_organisation(&"o".repeat(62)).is_err());
    }
}
