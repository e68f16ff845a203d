//! Chain validation (RFC 5280 section 6, cut down to one CA and one leaf).

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
    let _ = (chain, signature_key, anchors, now_unix_secs);
    Err(ChainRefusal::Malformed)
}

/// The enrollment page's check of a freshly issued chain: everything [`validate_chain`]
/// checks except the pin and the revocation list (the chain's own CA is the anchor).
pub fn check_issued_chain(
    chain: &[Vec<u8>],
    signature_key: &[u8],
    now_unix_secs: u64,
) -> Result<VerifiedPerson, ChainRefusal> {
    let _ = (chain, signature_key, now_unix_secs);
    Err(ChainRefusal::Malformed)
}
