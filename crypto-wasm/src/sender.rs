//! A sender key and its counter (RFC 9605 sections 4.4.1 and 9.1).
//!
//! One [`SenderContext`] per sender key, shared by every track and simulcast layer that
//! sends under it, so a (KID, CTR) pair, and with it a nonce, is never used twice. The
//! counter starts at 0 and only moves forward; once `u64::MAX` has been used the context
//! refuses to encrypt ([`Error::CounterExhausted`]) instead of wrapping.

use crate::codec::clear_len;
use crate::frame::{seal_in_place, with_aad, FrameKey};
use crate::header::{Counter, KeyId, SframeHeader};
use crate::suite::CipherSuite;
use crate::Error;

/// Encrypting state for one sender key.
pub struct SenderContext {
    kid: KeyId,
    key: FrameKey,
    /// The next counter to use; `None` once `u64::MAX` has been used.
    next: Option<Counter>,
}

impl SenderContext {
    /// A sender context for `kid` whose first frame uses counter 0.
    pub fn new(kid: KeyId, key: FrameKey) -> Self {
        Self::with_first_counter(kid, key, Counter(0))
    }

    /// A sender context whose first frame uses counter `first`: for resuming a key whose
    /// earlier counters are spent. The caller guarantees that no counter at or above `first`
    /// was ever used with this key.
    pub fn with_first_counter(kid: KeyId, key: FrameKey, first: Counter) -> Self {
        Self {
            kid,
            key,
            next: Some(first),
        }
    }

    /// The key id this context sends under.
    pub fn kid(&self) -> KeyId {
        self.kid
    }

    /// The suite of the sender key.
    pub fn suite(&self) -> CipherSuite {
        self.key.suite()
    }

    /// The counter the next frame will use, or `None` if the key is exhausted.
    pub fn next_counter(&self) -> Option<Counter> {
        self.next
    }

    /// Takes the next counter and advances; never hands out the same counter twice.
    fn take_counter(&mut self) -> Result<Counter, Error> {
        let ctr = self.next.ok_or(Error::CounterExhausted)?;
        self.next = ctr.0.checked_add(1).map(Counter);
        Ok(ctr)
    }

    /// Takes the next counter and returns the frame's header and nonce, for the split AEAD
    /// path ([`crate::cryptor::split_aead`]) that seals outside Rust.
    ///
    /// # Errors
    /// [`Error::CounterExhausted`] when the key's counter is used up.
    pub fn next_header_and_nonce(
        &mut self,
    ) -> Result<(SframeHeader, [u8; crate::suite::NONCE_LEN]), Error> {
        let ctr = self.take_counter()?;
        Ok((SframeHeader::new(self.kid, ctr), self.key.nonce_for(ctr)))
    }

    /// Protects `frame`, keeping up to `prefix_len` leading bytes in clear (see
    /// [`crate::codec`]). Returns `clear prefix || SFrame header || ciphertext || tag`.
    ///
    /// # Errors
    /// [`Error::CounterExhausted`] when the key's counter is used up;
    /// [`Error::FrameTooLong`] if the frame exceeds the AEAD's limit.
    pub fn protect_frame(&mut self, frame: &[u8], prefix_len: usize) -> Result<Vec<u8>, Error> {
        let ctr = self.take_counter()?;
        let header = SframeHeader::new(self.kid, ctr).encode();
        let protected_len = frame.len() + header.len() + self.key.suite().nt();
        let clear = clear_len(prefix_len, protected_len, self.key.suite());
        // `clear_len` never exceeds `frame.len()` (see its documentation).
        let (prefix, payload) = frame.split_at_checked(clear).ok_or(Error::FrameTooLong)?;

        let mut out = Vec::with_capacity(protected_len);
        out.extend_from_slice(prefix);
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(payload);
        let body_start = clear + header.len();
        let tag = with_aad(header.as_bytes(), prefix, |aad| {
            seal_in_place(&self.key, ctr, aad, &mut out[body_start..])
        })?;
        out.extend_from_slice(tag.as_bytes());
        Ok(out)
    }
}
