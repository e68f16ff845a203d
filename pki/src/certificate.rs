//! One certificate read (RFC 5280 section 4.1) and the Ed25519 signature check (RFC 8410).
//!
//! Reading refuses what this module will not vouch for: anything over
//! [`MAX_OBJECT_BYTES`](super::MAX_OBJECT_BYTES), a version other than 3, a signature or
//! key that is not Ed25519 without parameters, a name attribute we read (`CN`, `O`,
//! `title`) given twice or in another string type than UTF8String or PrintableString, an
//! extension given twice, and a critical extension we do not understand (RFC 5280
//! section 4.2). What it does not check (who signed it, when it is valid, whose key it
//! is) is the chain's job.

use ed25519_dalek::{Signature, VerifyingKey};
use x509_cert::der::asn1::{AnyRef, BitStringRef, PrintableStringRef};
use x509_cert::der::oid::db::{rfc4519, rfc5280};
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, SubjectAltName};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::Time;
use x509_cert::Certificate;

use super::{ChainRefusal, MAX_OBJECT_BYTES};

/// Ed25519 (RFC 8410 section 3): the only signature and key algorithm accepted.
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The longest e-mail address taken from a certificate (RFC 5321's path limit).
const MAX_EMAIL_CHARS: usize = 254;

/// What a certificate says, read but not yet trusted.
#[derive(Clone, Debug)]
pub(crate) struct ParsedCertificate {
    /// The tbsCertificate exactly as received: what the issuer signed.
    signed_bytes: Vec<u8>,
    signature: [u8; 64],
    /// The subject and issuer names as DER, compared byte for byte.
    pub(crate) subject_der: Vec<u8>,
    pub(crate) issuer_der: Vec<u8>,
    pub(crate) subject: SubjectNames,
    pub(crate) email: Option<String>,
    pub(crate) validity: ValidityPeriod,
    /// The serial number's DER INTEGER value bytes (as a revocation list carries them).
    pub(crate) serial: Vec<u8>,
    pub(crate) public_key: [u8; 32],
    /// basicConstraints cA (false when the extension is absent).
    pub(crate) is_authority: bool,
    /// keyUsage, if the certificate restricts it.
    pub(crate) key_usage: Option<KeyUsage>,
}

/// The subject attributes a verified identity is made of, as the certificate spells them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SubjectNames {
    pub(crate) common_name: Option<String>,
    pub(crate) organisation: Option<String>,
    pub(crate) title: Option<String>,
}

/// notBefore and notAfter in Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ValidityPeriod {
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
}

/// Why a certificate is outside its validity period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutsideValidity {
    NotYetValid,
    Expired,
}

impl ValidityPeriod {
    /// `notBefore <= now < notAfter`.
    pub(crate) fn check(&self, now_unix_secs: u64) -> Result<(), OutsideValidity> {
        if now_unix_secs < self.not_before {
            Err(OutsideValidity::NotYetValid)
        } else if now_unix_secs >= self.not_after {
            Err(OutsideValidity::Expired)
        } else {
            Ok(())
        }
    }
}

impl From<OutsideValidity> for ChainRefusal {
    fn from(outside: OutsideValidity) -> ChainRefusal {
        match outside {
            OutsideValidity::NotYetValid => ChainRefusal::NotYetValid,
            OutsideValidity::Expired => ChainRefusal::Expired,
        }
    }
}

impl ParsedCertificate {
    /// Reads one DER certificate.
    pub(crate) fn read(der: &[u8]) -> Result<ParsedCertificate, ChainRefusal> {
        let signed = SignedObject::split(der)?;
        let certificate = Certificate::from_der(der).map_err(|_| ChainRefusal::Malformed)?;
        let tbs = &certificate.tbs_certificate;
        if tbs.version != x509_cert::certificate::Version::V3 {
            return Err(ChainRefusal::Malformed);
        }
        require_ed25519(&tbs.signature)?;
        require_ed25519(&certificate.signature_algorithm)?;
        let public_key = ed25519_public_key(&tbs.subject_public_key_info)?;
        let signature = signed.ed25519_signature()?;
        let extensions = Extensions::read(tbs.extensions.as_deref().unwrap_or_default())?;
        Ok(ParsedCertificate {
            signed_bytes: signed.signed_bytes.to_vec(),
            signature,
            subject_der: name_der(&tbs.subject)?,
            issuer_der: name_der(&tbs.issuer)?,
            subject: SubjectNames::read(&tbs.subject)?,
            email: extensions.email,
            validity: ValidityPeriod {
                not_before: unix_secs(tbs.validity.not_before),
                not_after: unix_secs(tbs.validity.not_after),
            },
            serial: tbs.serial_number.as_bytes().to_vec(),
            public_key,
            is_authority: extensions.is_authority,
            key_usage: extensions.key_usage,
        })
    }

    /// Whether `issuer_key` made this certificate's signature.
    pub(crate) fn is_signed_by(&self, issuer_key: &[u8; 32]) -> bool {
        ed25519_verifies(issuer_key, &self.signed_bytes, &self.signature)
    }

    /// Whether the certificate may sign certificates: cA true and, if keyUsage restricts
    /// it, keyCertSign allowed.
    pub(crate) fn may_sign_certificates(&self) -> bool {
        self.is_authority && self.key_usage.is_none_or(|usage| usage.key_cert_sign())
    }

    /// Whether the certificate may sign revocation lists (keyUsage cRLSign, if restricted).
    pub(crate) fn may_sign_revocation_lists(&self) -> bool {
        self.key_usage.is_none_or(|usage| usage.crl_sign())
    }

    /// Whether the certificate may sign as a member: its keyUsage names digitalSignature
    /// (`conclave-admin` always writes it; a certificate without one was made for
    /// something else).
    pub(crate) fn may_sign_as_member(&self) -> bool {
        self.key_usage
            .is_some_and(|usage| usage.digital_signature())
    }

    /// The serial number as lowercase hex, leading zero bytes dropped.
    pub(crate) fn serial_hex(&self) -> String {
        let first_significant = self
            .serial
            .iter()
            .position(|&byte| byte != 0)
            .unwrap_or(self.serial.len());
        let hex: String = self.serial[first_significant..]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        if hex.is_empty() {
            "0".to_owned()
        } else {
            hex
        }
    }
}

/// The three parts of every signed X.509 object (certificate, revocation list, request):
/// the signed part exactly as received, the algorithm, the signature.
pub(crate) struct SignedObject<'a> {
    pub(crate) signed_bytes: &'a [u8],
    signature: BitStringRef<'a>,
}

impl<'a> SignedObject<'a> {
    /// Splits a DER object of at most [`MAX_OBJECT_BYTES`] into its three parts.
    pub(crate) fn split(der: &'a [u8]) -> Result<SignedObject<'a>, ChainRefusal> {
        if der.len() > MAX_OBJECT_BYTES {
            return Err(ChainRefusal::Malformed);
        }
        let mut reader = SliceReader::new(der).map_err(|_| ChainRefusal::Malformed)?;
        let object = reader
            .sequence(|parts| {
                let signed_bytes = parts.tlv_bytes()?;
                AnyRef::decode(parts)?;
                let signature = BitStringRef::decode(parts)?;
                Ok(SignedObject {
                    signed_bytes,
                    signature,
                })
            })
            .map_err(|_| ChainRefusal::Malformed)?;
        if !reader.is_finished() {
            return Err(ChainRefusal::Malformed);
        }
        Ok(object)
    }

    /// The signature as the 64 bytes of an Ed25519 signature.
    pub(crate) fn ed25519_signature(&self) -> Result<[u8; 64], ChainRefusal> {
        self.signature
            .as_bytes()
            .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
            .ok_or(ChainRefusal::Malformed)
    }
}

/// Refuses an algorithm identifier other than Ed25519 without parameters.
pub(crate) fn require_ed25519(algorithm: &AlgorithmIdentifierOwned) -> Result<(), ChainRefusal> {
    if algorithm.oid == ED25519 && algorithm.parameters.is_none() {
        Ok(())
    } else {
        Err(ChainRefusal::UnsupportedAlgorithm)
    }
}

/// The 32-byte Ed25519 public key of a subjectPublicKeyInfo.
pub(crate) fn ed25519_public_key(
    info: &SubjectPublicKeyInfoOwned,
) -> Result<[u8; 32], ChainRefusal> {
    require_ed25519(&info.algorithm)?;
    info.subject_public_key
        .as_bytes()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or(ChainRefusal::Malformed)
}

/// The Ed25519 algorithm identifier (for objects this crate builds).
pub(crate) fn ed25519_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ED25519,
        parameters: None,
    }
}

/// Whether `signature` over `message` verifies under `public_key`, with RFC 8032's strict
/// rules (no small-order keys, canonical encodings).
pub(crate) fn ed25519_verifies(
    public_key: &[u8; 32],
    message: &[u8],
    signature: &[u8; 64],
) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public_key) else {
        return false;
    };
    key.verify_strict(message, &Signature::from_bytes(signature))
        .is_ok()
}

/// A name as DER, for byte-for-byte comparison.
pub(crate) fn name_der(name: &Name) -> Result<Vec<u8>, ChainRefusal> {
    name.to_der().map_err(|_| ChainRefusal::Malformed)
}

/// A certificate or revocation list time in Unix seconds.
pub(crate) fn unix_secs(time: Time) -> u64 {
    time.to_unix_duration().as_secs()
}

impl SubjectNames {
    /// Reads `CN`, `O` and `title`; other attributes are ignored.
    pub(crate) fn read(name: &Name) -> Result<SubjectNames, ChainRefusal> {
        let mut names = SubjectNames::default();
        for attribute in name.0.iter().flat_map(|rdn| rdn.0.iter()) {
            let slot = match attribute.oid {
                rfc4519::COMMON_NAME => &mut names.common_name,
                rfc4519::ORGANIZATION_NAME => &mut names.organisation,
                rfc4519::TITLE => &mut names.title,
                _ => continue,
            };
            if slot.is_some() {
                return Err(ChainRefusal::Malformed);
            }
            *slot = Some(directory_string(
                attribute.value.tag(),
                attribute.value.value(),
            )?);
        }
        Ok(names)
    }
}

/// A UTF8String or PrintableString attribute value as text.
fn directory_string(tag: Tag, value: &[u8]) -> Result<String, ChainRefusal> {
    match tag {
        Tag::Utf8String => std::str::from_utf8(value)
            .map(str::to_owned)
            .map_err(|_| ChainRefusal::Malformed),
        Tag::PrintableString => PrintableStringRef::new(value)
            .map(|text| text.as_str().to_owned())
            .map_err(|_| ChainRefusal::Malformed),
        _ => Err(ChainRefusal::Malformed),
    }
}

/// The extensions this module reads.
#[derive(Default)]
struct Extensions {
    is_authority: bool,
    key_usage: Option<KeyUsage>,
    email: Option<String>,
}

impl Extensions {
    fn read(extensions: &[Extension]) -> Result<Extensions, ChainRefusal> {
        let mut read = Extensions::default();
        for (index, extension) in extensions.iter().enumerate() {
            if extensions[..index]
                .iter()
                .any(|earlier| earlier.extn_id == extension.extn_id)
            {
                return Err(ChainRefusal::Malformed);
            }
            let value = extension.extn_value.as_bytes();
            match extension.extn_id {
                rfc5280::ID_CE_BASIC_CONSTRAINTS => {
                    read.is_authority = BasicConstraints::from_der(value)
                        .map_err(|_| ChainRefusal::Malformed)?
                        .ca;
                }
                rfc5280::ID_CE_KEY_USAGE => {
                    read.key_usage =
                        Some(KeyUsage::from_der(value).map_err(|_| ChainRefusal::Malformed)?);
                }
                rfc5280::ID_CE_SUBJECT_ALT_NAME => {
                    let names =
                        SubjectAltName::from_der(value).map_err(|_| ChainRefusal::Malformed)?;
                    read.email = first_email(&names)?;
                }
                // Understood well enough to ignore: key identifiers, and a non-critical
                // extended key usage. A critical one limits the key to purposes of another
                // PKI (a CA shared with it must not make Conclave members by accident).
                rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER | rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                }
                rfc5280::ID_CE_EXT_KEY_USAGE if !extension.critical => {}
                _ if extension.critical => return Err(ChainRefusal::Malformed),
                _ => {}
            }
        }
        Ok(read)
    }
}

/// The first rfc822Name of a subjectAltName; one with control characters, spaces or over
/// [`MAX_EMAIL_CHARS`] makes the certificate malformed rather than be shown.
fn first_email(names: &SubjectAltName) -> Result<Option<String>, ChainRefusal> {
    let Some(email) = names.0.iter().find_map(|name| match name {
        GeneralName::Rfc822Name(email) => Some(email.to_string()),
        _ => None,
    }) else {
        return Ok(None);
    };
    let printable = email.chars().all(|c| c.is_ascii_graphic());
    if email.is_empty() || !printable || email.len() > MAX_EMAIL_CHARS {
        return Err(ChainRefusal::Malformed);
    }
    Ok(Some(email))
}
