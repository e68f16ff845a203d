//! Reading back what the CA wrote, with RustCrypto's `x509-cert` (no hand-written ASN.1):
//! the CA certificate's organisation, key, subject and validity, and the serial and
//! issuer of a member certificate handed back for revocation.

use std::path::Path;

use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::error::AdminError;

/// id-Ed25519 (RFC 8410 section 3).
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// id-at-organizationName (X.520).
const ORGANIZATION_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// The PEM label of a certificate.
pub const CERTIFICATE_LABEL: &str = "CERTIFICATE";

/// What the CA needs to know about its own certificate (`ca.pem`).
#[derive(Clone, Debug)]
pub struct CaCertificate {
    /// The certificate's DER.
    pub der: Vec<u8>,
    /// The subject's O.
    pub organisation: String,
    /// The raw Ed25519 public key.
    pub public_key: [u8; 32],
    /// The subject's DER, which every member certificate's issuer must equal.
    pub subject_der: Vec<u8>,
    /// notBefore, Unix seconds.
    pub not_before: u64,
    /// notAfter, Unix seconds.
    pub not_after: u64,
}

impl CaCertificate {
    /// Parses `ca.pem` (read from `path`): one PEM certificate with an Ed25519 key and
    /// signature and an organisation in its subject.
    pub fn from_pem(path: &Path, text: &[u8]) -> Result<CaCertificate, AdminError> {
        let der = decode_single_pem(path, text, CERTIFICATE_LABEL)?;
        let certificate = Certificate::from_der(&der).map_err(|error| {
            AdminError::malformed(path, format!("not an X.509 certificate: {error}"))
        })?;
        let tbs = &certificate.tbs_certificate;
        let spki = &tbs.subject_public_key_info;
        if certificate.signature_algorithm.oid != ED25519
            || spki.algorithm.oid != ED25519
            || spki.algorithm.parameters.is_some()
        {
            return Err(AdminError::UnsupportedAlgorithm {
                path: path.to_owned(),
            });
        }
        let public_key: [u8; 32] = spki
            .subject_public_key
            .as_bytes()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| AdminError::malformed(path, "an Ed25519 key that is not 32 bytes"))?;
        let organisation = organisation_of(&tbs.subject)
            .ok_or_else(|| AdminError::malformed(path, "no organisation (O) in the subject"))?;
        let subject_der = tbs
            .subject
            .to_der()
            .map_err(|error| AdminError::malformed(path, error.to_string()))?;
        Ok(CaCertificate {
            organisation,
            public_key,
            subject_der,
            not_before: tbs.validity.not_before.to_unix_duration().as_secs(),
            not_after: tbs.validity.not_after.to_unix_duration().as_secs(),
            der,
        })
    }
}

/// The first certificate of a PEM chain file (the member's; the CA's follows it).
pub struct ChainLeaf {
    /// Its serial (DER INTEGER content bytes).
    pub serial: Vec<u8>,
    /// Whether its signature verifies under `ca`'s key (so `ca` issued it: another CA
    /// may carry the same name).
    pub signed_by_ca: bool,
}

/// Reads the first certificate of a PEM chain file and checks whether `ca` signed it.
pub fn read_chain_leaf(
    path: &Path,
    text: &[u8],
    ca: &CaCertificate,
) -> Result<ChainLeaf, AdminError> {
    let chain = Certificate::load_pem_chain(text).map_err(|error| {
        AdminError::malformed(path, format!("not a PEM certificate chain: {error}"))
    })?;
    let leaf = chain
        .first()
        .ok_or_else(|| AdminError::malformed(path, "no certificate in the file"))?;
    let issuer = leaf
        .tbs_certificate
        .issuer
        .to_der()
        .map_err(|error| AdminError::malformed(path, error.to_string()))?;
    let tbs = leaf
        .tbs_certificate
        .to_der()
        .map_err(|error| AdminError::malformed(path, error.to_string()))?;
    Ok(ChainLeaf {
        serial: leaf.tbs_certificate.serial_number.as_bytes().to_vec(),
        signed_by_ca: issuer == ca.subject_der
            && leaf.signature_algorithm.oid == ED25519
            && verifies(&ca.public_key, &tbs, leaf.signature.raw_bytes()),
    })
}

/// Whether `signature` is `public_key`'s Ed25519 signature of `message` (RFC 8032, strict).
fn verifies(public_key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public_key) else {
        return false;
    };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    key.verify_strict(message, &signature).is_ok()
}

/// The DER of the only PEM block in `text`, which must carry `label`.
pub fn decode_single_pem(path: &Path, text: &[u8], label: &str) -> Result<Vec<u8>, AdminError> {
    let (found, der) = x509_cert::der::pem::decode_vec(text)
        .map_err(|error| AdminError::malformed(path, format!("not a PEM file: {error}")))?;
    if found != label {
        return Err(AdminError::malformed(
            path,
            format!("a PEM \"{found}\" where a \"{label}\" was expected"),
        ));
    }
    Ok(der)
}

/// The first organizationName of `name`, as UTF-8 (the CA writes UTF8String).
fn organisation_of(name: &Name) -> Option<String> {
    name.0
        .iter()
        .flat_map(|relative| relative.0.iter())
        .find(|attribute| attribute.oid == ORGANIZATION_NAME)
        .and_then(|attribute| attribute.value.decode_as::<String>().ok())
}
