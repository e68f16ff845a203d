//! Enrollment: the PKCS#10 certification request (RFC 2986) a browser makes for its MLS
//! signature key, self-signed with that key as proof of possession. The private key never
//! leaves its [`EnrollmentSigner`]; the request carries the public key and the requested
//! name (`CN`) only.

use conclave_protocol::DisplayName;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der::asn1::{Any, BitString, SetOfVec};
use x509_cert::der::oid::db::rfc4519;
use x509_cert::der::pem::{self, LineEnding, PemLabel};
use x509_cert::der::{Decode, Encode, EncodePem, Tag};
use x509_cert::name::{RdnSequence, RelativeDistinguishedName};
use x509_cert::request::{CertReq, CertReqInfo, Version};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use super::certificate::{
    ed25519_algorithm, ed25519_public_key, ed25519_verifies, require_ed25519, SignedObject,
    SubjectNames,
};
use super::{ChainRefusal, MAX_OBJECT_BYTES};

/// The key an enrollment request is for, which signs it (the browser's MLS signature key).
pub trait EnrollmentSigner {
    /// The Ed25519 public key (32 bytes).
    fn public_key(&self) -> &[u8];
    /// An Ed25519 signature of `message`, or `None` if the key cannot sign.
    fn sign(&self, message: &[u8]) -> Option<Vec<u8>>;
}

/// Why an enrollment request could not be made or read.
#[non_exhaustive]
#[derive(thiserror::Error, Clone, Copy, PartialEq, Eq, Debug)]
pub enum EnrollmentError {
    /// The request does not parse (or is too large).
    #[error("the enrollment request is malformed")]
    Malformed,
    /// The request's key or signature is not Ed25519.
    #[error("the enrollment request uses an unsupported algorithm (only Ed25519 is accepted)")]
    UnsupportedAlgorithm,
    /// The request's signature does not verify under its own key.
    #[error("the enrollment request's signature does not verify")]
    BadSignature,
    /// The request names nobody (no `CN`, or one that cleans to nothing).
    #[error("the enrollment request names nobody")]
    MissingName,
    /// The key could not sign the request.
    #[error("the key could not sign the enrollment request")]
    Signing,
}

/// What an enrollment request asks for: a certificate for this key, in this name.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EnrollmentRequest {
    /// The Ed25519 public key to certify (the browser's MLS signature key).
    pub public_key: [u8; 32],
    /// The name the person typed (the request's `CN`), cleaned for display.
    pub requested_name: String,
}

/// A PEM `CERTIFICATE REQUEST` for `signer`'s key, `CN` = `requested_name` (cleaned as a
/// display name), signed with that key.
pub fn enrollment_request(
    signer: &impl EnrollmentSigner,
    requested_name: &str,
) -> Result<String, EnrollmentError> {
    let name = DisplayName::clean(requested_name).ok_or(EnrollmentError::MissingName)?;
    let info = CertReqInfo {
        version: Version::V1,
        subject: common_name_only(name.as_str())?,
        public_key: SubjectPublicKeyInfoOwned {
            algorithm: ed25519_algorithm(),
            subject_public_key: BitString::from_bytes(signer.public_key())
                .map_err(|_| EnrollmentError::Malformed)?,
        },
        attributes: SetOfVec::new(),
    };
    let signed_bytes = info.to_der().map_err(|_| EnrollmentError::Malformed)?;
    let signature = signer.sign(&signed_bytes).ok_or(EnrollmentError::Signing)?;
    let request = CertReq {
        info,
        algorithm: ed25519_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(|_| EnrollmentError::Signing)?,
    };
    request
        .to_pem(LineEnding::LF)
        .map_err(|_| EnrollmentError::Malformed)
}

/// Reads a PEM (or DER) certification request, checks that its key and signature are
/// Ed25519 and that it is signed by its own key.
pub fn read_enrollment_request(bytes: &[u8]) -> Result<EnrollmentRequest, EnrollmentError> {
    // Base64 makes a PEM a third larger than its DER.
    if bytes.len() > MAX_OBJECT_BYTES * 2 {
        return Err(EnrollmentError::Malformed);
    }
    let der = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        // The DER exactly as encoded, so the signature is checked over the bytes signed.
        let (label, der) =
            pem::decode_vec(bytes.trim_ascii()).map_err(|_| EnrollmentError::Malformed)?;
        if label != CertReq::PEM_LABEL {
            return Err(EnrollmentError::Malformed);
        }
        der
    } else {
        bytes.to_vec()
    };
    let signed = SignedObject::split(&der).map_err(enrollment_error)?;
    let request = CertReq::from_der(&der).map_err(|_| EnrollmentError::Malformed)?;
    require_ed25519(&request.algorithm).map_err(enrollment_error)?;
    let public_key = ed25519_public_key(&request.info.public_key).map_err(enrollment_error)?;
    let signature = signed.ed25519_signature().map_err(enrollment_error)?;
    if !ed25519_verifies(&public_key, signed.signed_bytes, &signature) {
        return Err(EnrollmentError::BadSignature);
    }
    let requested_name = SubjectNames::read(&request.info.subject)
        .map_err(enrollment_error)?
        .common_name
        .as_deref()
        .and_then(DisplayName::clean)
        .ok_or(EnrollmentError::MissingName)?;
    Ok(EnrollmentRequest {
        public_key,
        requested_name: requested_name.as_str().to_owned(),
    })
}

/// A name with one attribute, `CN` = `common_name` as a UTF8String.
fn common_name_only(common_name: &str) -> Result<RdnSequence, EnrollmentError> {
    let attribute = AttributeTypeAndValue {
        oid: rfc4519::COMMON_NAME,
        value: Any::new(Tag::Utf8String, common_name.as_bytes())
            .map_err(|_| EnrollmentError::Malformed)?,
    };
    let mut attributes = SetOfVec::new();
    attributes
        .insert(attribute)
        .map_err(|_| EnrollmentError::Malformed)?;
    Ok(RdnSequence(vec![RelativeDistinguishedName(attributes)]))
}

/// The request's reading failures, in enrollment's terms.
fn enrollment_error(refusal: ChainRefusal) -> EnrollmentError {
    match refusal {
        ChainRefusal::UnsupportedAlgorithm => EnrollmentError::UnsupportedAlgorithm,
        ChainRefusal::BadSignature => EnrollmentError::BadSignature,
        _ => EnrollmentError::Malformed,
    }
}
