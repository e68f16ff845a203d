//! Enrollment: the PKCS#10 certification request (RFC 2986) a browser makes for its MLS
//! signature key, self-signed with that key as proof of possession.

use crate::Identity;

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
    /// The identity could not sign the request.
    #[error("the identity could not sign the enrollment request")]
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

/// A PEM `CERTIFICATE REQUEST` for `identity`'s signature key, `CN` = `requested_name`
/// (cleaned), signed with that key.
pub fn enrollment_request(
    identity: &Identity,
    requested_name: &str,
) -> Result<String, EnrollmentError> {
    let _ = (identity, requested_name);
    Err(EnrollmentError::Signing)
}

/// Reads a PEM (or DER) certification request, checks that its key and signature are
/// Ed25519 and that it is signed by its own key.
pub fn read_enrollment_request(bytes: &[u8]) -> Result<EnrollmentRequest, EnrollmentError> {
    let _ = bytes;
    Err(EnrollmentError::Malformed)
}
