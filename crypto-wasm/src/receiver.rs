//! The receive side's parts (RFC 9605 section 4.4.1: keys selected by the KID in the header),
//! used by the MLS epoch ring ([`crate::mls_keys`]).
//!
//! [`ProtectedFrame`] parses Conclave's frame layout. [`KeyCache`] is a bounded cache of
//! derived keys, least recently used evicted first; a key derived for an unknown KID enters
//! it only after it authenticated a frame, so forged frames with random KIDs cannot push real
//! senders' keys out.
//!
//! The cache holds keys only, never anti-replay state: a key evicted and derived again must
//! not forget the counters it accepted, so the replay windows ([`crate::replay`]) live with
//! their epoch in [`crate::mls_keys`], for every KID of every held epoch.

use crate::codec::clear_len;
use crate::frame::{open_in_place, with_aad, FrameKey};
use crate::header::Counter;
use crate::header::{KeyId, SframeHeader};
use crate::suite::CipherSuite;
use crate::Error;

/// Default number of receive keys kept.
pub const DEFAULT_CAPACITY: usize = 64;

/// A received frame split into its parts, not yet authenticated:
/// `clear prefix || SFrame header || ciphertext || tag`.
pub struct ProtectedFrame<'a> {
    prefix: &'a [u8],
    header: SframeHeader,
    header_bytes: &'a [u8],
    ciphertext: &'a [u8],
    /// `Nt` bytes.
    tag: &'a [u8],
}

impl<'a> ProtectedFrame<'a> {
    /// Splits `frame`, `prefix_len` being the codec's nominal clear prefix (see
    /// [`crate::codec`]).
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] if the frame is too short or its header malformed.
    pub fn parse(frame: &'a [u8], prefix_len: usize, suite: CipherSuite) -> Result<Self, Error> {
        let clear = clear_len(prefix_len, frame.len(), suite);
        let (prefix, sframe) = frame
            .split_at_checked(clear)
            .ok_or(Error::DecryptionFailed)?;
        let (header, header_len) =
            SframeHeader::parse(sframe).map_err(|_| Error::DecryptionFailed)?;
        let (header_bytes, body) = sframe.split_at(header_len);
        let ct_len = body
            .len()
            .checked_sub(suite.nt())
            .ok_or(Error::DecryptionFailed)?;
        let (ciphertext, tag) = body.split_at(ct_len);
        Ok(Self {
            prefix,
            header,
            header_bytes,
            ciphertext,
            tag,
        })
    }

    /// The frame's KID (unauthenticated until [`ProtectedFrame::open`] succeeds).
    pub fn kid(&self) -> KeyId {
        self.header.kid
    }

    /// The frame's counter (unauthenticated until [`ProtectedFrame::open`] succeeds).
    pub fn ctr(&self) -> Counter {
        self.header.ctr
    }

    /// Authenticates and decrypts under `key`; returns `clear prefix || plaintext`.
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] if authentication fails.
    pub fn open(&self, key: &FrameKey) -> Result<Vec<u8>, Error> {
        let clear = self.prefix.len();
        let mut out = Vec::with_capacity(clear + self.ciphertext.len());
        out.extend_from_slice(self.prefix);
        out.extend_from_slice(self.ciphertext);
        with_aad(self.header_bytes, self.prefix, |aad| {
            open_in_place(key, self.header.ctr, aad, &mut out[clear..], self.tag)
        })?;
        Ok(out)
    }
}

struct Entry {
    kid: KeyId,
    key: FrameKey,
    last_used: u64,
}

/// A bounded cache of derived receive keys by KID, least recently used evicted first. It
/// holds no anti-replay state: evicting a key forgets nothing but the derivation.
pub struct KeyCache {
    entries: Vec<Entry>,
    capacity: usize,
    clock: u64,
}

impl KeyCache {
    /// A cache holding at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            entries: Vec::with_capacity(capacity),
            capacity,
            clock: 0,
        }
    }

    /// The cached key of `kid`, marked as just used.
    pub fn get(&mut self, kid: KeyId) -> Option<&FrameKey> {
        self.clock += 1;
        let clock = self.clock;
        let entry = self.entries.iter_mut().find(|e| e.kid == kid)?;
        entry.last_used = clock;
        Some(&entry.key)
    }

    /// Caches `key` for `kid`, evicting the least recently used key when full. Call only
    /// with a key that authenticated a frame.
    pub fn insert(&mut self, kid: KeyId, key: FrameKey) {
        self.clock += 1;
        let entry = Entry {
            kid,
            key,
            last_used: self.clock,
        };
        if let Some(existing) = self.entries.iter_mut().find(|e| e.kid == kid) {
            *existing = entry;
        } else if self.entries.len() < self.capacity {
            self.entries.push(entry);
        } else if let Some(oldest) = self.entries.iter_mut().min_by_key(|e| e.last_used) {
            *oldest = entry;
        }
    }

    /// Keeps only the keys whose KID satisfies `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(KeyId) -> bool) {
        self.entries.retain(|e| keep(e.kid));
    }

    /// Number of keys cached.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
