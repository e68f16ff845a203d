//! The receive key ring (RFC 9605 section 4.4.1: keys selected by the KID in the header).
//!
//! A bounded cache of derived keys, least recently used evicted first. A key derived for an
//! unknown KID enters the ring only after it authenticated a frame, so forged frames with
//! random KIDs cannot push real senders' keys out. The ring never decrypts under the local
//! sender's own KID: a base key is for encryption or decryption, never both, and this stops
//! an SFU from reflecting our own frames back at us.

use crate::codec::clear_len;
use crate::frame::{open_in_place, with_aad, FrameKey};
use crate::header::{KeyId, SframeHeader};
use crate::meeting_secret::KeySource;
use crate::suite::{CipherSuite, TAG_LEN};
use crate::Error;

/// Default number of receive keys kept.
pub const DEFAULT_CAPACITY: usize = 64;

struct Entry {
    kid: KeyId,
    key: FrameKey,
    last_used: u64,
}

/// Decrypting state: the key source and the derived keys of the KIDs seen.
pub struct KeyRing {
    source: KeySource,
    suite: CipherSuite,
    own_kid: Option<KeyId>,
    entries: Vec<Entry>,
    capacity: usize,
    clock: u64,
}

impl KeyRing {
    /// A ring deriving `suite` keys from `source`, holding at most `capacity` (at least 1).
    pub fn new(source: KeySource, suite: CipherSuite, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            source,
            suite,
            own_kid: None,
            entries: Vec::with_capacity(capacity),
            capacity,
            clock: 0,
        }
    }

    /// Refuses frames under `kid` from now on (the local sender's key).
    pub fn exclude_own_kid(&mut self, kid: KeyId) {
        self.own_kid = Some(kid);
        self.entries.retain(|e| e.kid != kid);
    }

    /// Number of keys currently cached.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Unprotects a frame laid out as `clear prefix || SFrame header || ciphertext || tag`,
    /// `prefix_len` being the codec's nominal prefix (see [`crate::codec`]). Returns
    /// `clear prefix || plaintext`.
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] for every failure, whatever its cause.
    pub fn unprotect_frame(&mut self, frame: &[u8], prefix_len: usize) -> Result<Vec<u8>, Error> {
        let fail = |_| Error::DecryptionFailed;
        let clear = clear_len(prefix_len, frame.len(), self.suite);
        let (prefix, sframe) = frame
            .split_at_checked(clear)
            .ok_or(Error::DecryptionFailed)?;
        let (header, header_len) = SframeHeader::parse(sframe).map_err(fail)?;
        if Some(header.kid) == self.own_kid {
            return Err(Error::DecryptionFailed);
        }
        let (header_bytes, body) = sframe.split_at(header_len);
        let ct_len = body
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(Error::DecryptionFailed)?;
        let (ciphertext, tag) = body.split_at(ct_len);
        let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| Error::DecryptionFailed)?;

        let mut out = Vec::with_capacity(clear + ct_len);
        out.extend_from_slice(prefix);
        out.extend_from_slice(ciphertext);
        let open = |key: &FrameKey, out: &mut [u8]| {
            with_aad(header_bytes, prefix, |aad| {
                open_in_place(key, header.ctr, aad, out, tag)
            })
        };

        self.clock += 1;
        if let Some(entry) = self.entries.iter_mut().find(|e| e.kid == header.kid) {
            entry.last_used = self.clock;
            open(&entry.key, &mut out[clear..])?;
            return Ok(out);
        }
        let base_key = self.source.base_key(header.kid, self.suite);
        let key = FrameKey::derive(self.suite, header.kid, &base_key);
        open(&key, &mut out[clear..])?;
        self.insert(header.kid, key);
        Ok(out)
    }

    fn insert(&mut self, kid: KeyId, key: FrameKey) {
        let entry = Entry {
            kid,
            key,
            last_used: self.clock,
        };
        if self.entries.len() < self.capacity {
            self.entries.push(entry);
        } else if let Some(oldest) = self.entries.iter_mut().min_by_key(|e| e.last_used) {
            *oldest = entry;
        }
    }
}
