//! Certificate chains as PEM text (RFC 7468 `CERTIFICATE` blocks), as `conclave-admin`
//! writes them and the enrollment page imports them.

use super::ChainRefusal;

/// Reads every `CERTIFICATE` block of `text`, in order, as DER. Text outside the blocks is
/// ignored (RFC 7468 explanatory text); a block of another kind, a block that does not
/// decode or no certificate at all is [`ChainRefusal::Malformed`].
pub fn parse_pem_chain(text: &str) -> Result<Vec<Vec<u8>>, ChainRefusal> {
    let _ = text;
    Err(ChainRefusal::Malformed)
}

/// The chain as PEM text: one `CERTIFICATE` block per certificate, in order.
pub fn chain_to_pem(chain: &[Vec<u8>]) -> String {
    let _ = chain;
    String::new()
}
