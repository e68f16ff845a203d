//! Certificate chains as PEM text (RFC 7468 `CERTIFICATE` blocks), as `conclave-admin`
//! writes them and the enrollment page imports them.

use x509_cert::der::pem::{self, LineEnding};

use super::{ChainRefusal, MAX_OBJECT_BYTES};

/// The PEM label of a certificate (RFC 7468 section 5.1).
const CERTIFICATE_LABEL: &str = "CERTIFICATE";

/// The most certificates read from one text (a chain has two; a few spare for a reader
/// who pasted the CA twice, still far from costly).
const MAX_PEM_CERTIFICATES: usize = 8;

/// The longest PEM text read: the certificates at their size limit, in base64.
const MAX_PEM_CHARS: usize = MAX_PEM_CERTIFICATES * MAX_OBJECT_BYTES * 2;

/// Where each PEM block starts and ends.
const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const BOUNDARY_END: &str = "-----";

/// Reads every `CERTIFICATE` block of `text`, in order, as DER. Text outside the blocks is
/// ignored (RFC 7468 explanatory text); a block of another kind, a block that does not
/// decode, too many or no certificate at all is [`ChainRefusal::Malformed`].
pub fn parse_pem_chain(text: &str) -> Result<Vec<Vec<u8>>, ChainRefusal> {
    if text.len() > MAX_PEM_CHARS {
        return Err(ChainRefusal::Malformed);
    }
    let mut chain = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let end_line = block.find(END).ok_or(ChainRefusal::Malformed)?;
        let after_end = &block[end_line + END.len()..];
        let label_end = after_end
            .find(BOUNDARY_END)
            .ok_or(ChainRefusal::Malformed)?;
        let block_len = end_line + END.len() + label_end + BOUNDARY_END.len();
        let (label, der) =
            pem::decode_vec(&block.as_bytes()[..block_len]).map_err(|_| ChainRefusal::Malformed)?;
        if label != CERTIFICATE_LABEL || der.len() > MAX_OBJECT_BYTES {
            return Err(ChainRefusal::Malformed);
        }
        chain.push(der);
        if chain.len() > MAX_PEM_CERTIFICATES {
            return Err(ChainRefusal::Malformed);
        }
        rest = &block[block_len..];
    }
    if chain.is_empty() {
        return Err(ChainRefusal::Malformed);
    }
    Ok(chain)
}

/// The chain as PEM text: one `CERTIFICATE` block per certificate, in order, with `\n`
/// line endings.
pub fn chain_to_pem(chain: &[Vec<u8>]) -> String {
    chain
        .iter()
        // Encoding fails only when the base64 length overflows `usize`, which no
        // certificate in memory reaches; such a block would be left out, and the chain
        // then refused where it is read, not half-written here.
        .filter_map(|der| pem::encode_string(CERTIFICATE_LABEL, LineEnding::LF, der).ok())
        .collect()
}
