//! The crate's one error type.
//!
//! Parsing and caller misuse get precise variants. Everything that goes wrong while
//! unprotecting a received frame collapses into [`Error::DecryptionFailed`] (apart from what
//! the clear header alone decides: a missing epoch, another sender than the receiver's, a
//! sender that moved on, a locked key; and a replay of an authentic frame), which
//! says nothing about the cause (RFC 9605 section 4.4.4: invalid ciphertexts are discarded in a way
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
    /// The cipher suite was changed after the first key: keys belong to one suite.
    #[error("the cipher suite can only be chosen before the first key")]
    SuiteAfterKey,
    /// A base key had the wrong length.
    #[error("key material has the wrong length: expected {expected} bytes, got {actual}")]
    InvalidKeyLength {
        /// The length the suite requires.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// The sender key's counter is used up: encrypting again would reuse a nonce.
    #[error("the sender key's counter is exhausted; a new sender key is needed")]
    CounterExhausted,
    /// A frame was given to protect or unprotect before the first epoch key.
    #[error("no key is set; frames are dropped until one is")]
    NoKeySource,
    /// The frame is longer than the AEAD can protect.
    #[error("frame is too long to protect")]
    FrameTooLong,
    /// A frame to protect does not parse as its codec (H.264, AV1): dropped, never sent in
    /// clear.
    #[error("frame to protect is malformed: {0}")]
    MalformedFrame(#[from] crate::codec::MalformedFrame),
    /// The frame could not be unprotected. Deliberately says nothing about why.
    #[error("frame could not be unprotected")]
    DecryptionFailed,
    /// The frame authenticated before, or its counter is older than the sender key's
    /// anti-replay window (RFC 9605 section 9.3): dropped as a replay. Says nothing the
    /// header does not already show.
    #[error("frame replayed or too old")]
    Replayed,
    /// The frame names an MLS epoch (its KID's low bits) that this receiver holds no key
    /// for: not yet received, expired, or never given (a removed member). Not an
    /// authentication failure; nothing was tried.
    #[error("no key for this frame's epoch")]
    NoKeyForEpoch,
    /// Like [`Error::NoKeyForEpoch`], but the frame's epoch bits are a little ahead of our
    /// newest epoch: the sender is in a later epoch, so this receiver has fallen behind
    /// (a handshake message did not reach it) and should re-sync its group state.
    #[error("no key for this frame's epoch, which is newer than ours")]
    NoKeyForNewerEpoch,
    /// The frame's KID names another sender than the one its receiver is bound to
    /// ([`crate::binding`]): dropped before authentication. Says nothing the header does not
    /// show.
    #[error("frame is not from this receiver's sender")]
    WrongSender,
    /// The frame is under an older epoch than one its sender already sent in here: once a
    /// sender's frames of a newer epoch authenticated, its old-epoch frames are refused (a
    /// member removed at the change still holds the old key). Dropped before authentication.
    #[error("frame is under an epoch its sender has left")]
    SenderMovedOn,
    /// The frame's key reached its cap of failed authentications (suite 0x0003, RFC 9605
    /// section 7.5) and is refused until the next epoch. Dropped before authentication.
    #[error("frame key refused after too many failed authentications")]
    KeyLocked,
    /// An MLS epoch older than the current send epoch was offered: sending never goes back.
    #[error("epoch {offered} is older than the current send epoch {current}")]
    EpochWentBack {
        /// The current send epoch.
        current: u64,
        /// The epoch that was offered.
        offered: u64,
    },
    /// An epoch number from JavaScript was not an integer in `0..=2^53 - 1`.
    #[error("an epoch must be an integer from 0 to 2^53 - 1")]
    InvalidEpoch,
    /// A KID layout whose context, index and epoch fields do not fit 64 bits.
    #[error("KID layout has more than 64 bits of index and epoch")]
    InvalidKidLayout,
    /// A context or sender index too wide for its field of the KID layout.
    #[error("a KID field does not fit its layout")]
    KidFieldOutOfRange,
}
