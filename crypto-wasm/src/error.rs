//! The crate's one error type.
//!
//! Parsing and caller misuse get precise variants. Everything that goes wrong while
//! unprotecting a received frame collapses into [`Error::DecryptionFailed`], which says
//! nothing about the cause (RFC 9605 section 4.4.4: invalid ciphertexts are discarded in a way
//! an observer cannot tell apart). No variant ever carries key material.

/// Everything that can fail in SFrame protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before the SFrame header (RFC 9605 section 4.3) was complete.
    #[error("SFrame header is truncated")]
    HeaderTruncated,
    /// A KID or CTR in the header was not encoded in the minimum number of bytes.
    #[error("SFrame header is not minimally encoded")]
    HeaderNotMinimal,
    /// The cipher suite identifier is not one this crate implements.
    #[error("unsupported SFrame cipher suite {0:#06x}")]
    UnsupportedCipherSuite(u16),
    /// Key material (a base key or a meeting secret) had the wrong length.
    #[error("key material has the wrong length: expected {expected} bytes, got {actual}")]
    InvalidKeyLength {
        /// The length the suite or key source requires.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// The sender key's counter is used up: encrypting again would reuse a nonce.
    #[error("the sender key's counter is exhausted; a new sender key is needed")]
    CounterExhausted,
    /// A sender key id was offered that this cryptor already used for sending.
    #[error("this sender key id was already used; pick a fresh one")]
    SenderKeyIdReused,
    /// A frame was given to protect or unprotect before any key source was set.
    #[error("no key source is set; frames are dropped until one is")]
    NoKeySource,
    /// The frame is longer than the AEAD can protect.
    #[error("frame is too long to protect")]
    FrameTooLong,
    /// The frame could not be unprotected. Deliberately says nothing about why.
    #[error("frame could not be unprotected")]
    DecryptionFailed,
}
