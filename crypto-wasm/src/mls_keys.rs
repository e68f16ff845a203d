//! Key source v2: SFrame keys from MLS epochs, RFC 9605 section 5.2.
//!
//! The group's MLS state machine exports one base key per epoch,
//! `base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)`, shared by every member.
//! Each member sends under its own KID,
//!
//! ```text
//! KID = (context << (S + E)) | (sender_index << E) | (epoch mod 2^E)
//! ```
//!
//! and the ordinary key schedule (RFC 9605 section 4.4.2, [`crate::key_schedule`]) turns
//! (base key, KID) into that sender's `sframe_key` and `sframe_salt`: one base key, a
//! different AEAD key per sender. [`KidLayout`] builds and splits KIDs for any (S, E).
//! Conclave uses E = 4 ([`EPOCH_BITS`]) and context 0 for its own sends; with context 0 the
//! context field is all zero, so the KID is `(sender_index << E) | (epoch mod 2^E)` whatever
//! S is ([`conclave_kid`]): neither side needs to know the group size.
//!
//! [`EpochKeys`] is the ring of epochs a worker holds, sans-IO (time is an argument):
//! - the newest epoch added is the send epoch, at once; an older epoch number is refused
//!   ([`Error::EpochWentBack`]);
//! - an older epoch stays usable for decryption only, for [`OLD_EPOCH_GRACE_MS`] after a
//!   newer one was added;
//! - a new epoch drops at once any held epoch with the same low E bits ("receivers MUST
//!   remove an old epoch when a new epoch with the same low-order E bits is introduced"),
//!   so at most 2^E epochs are held and the low bits of a KID name exactly one of them;
//! - a frame whose epoch bits name no held epoch fails with [`Error::NoKeyForEpoch`], told
//!   apart from authentication failures ([`Error::DecryptionFailed`]);
//! - frames under our own KIDs are never decrypted (reflection by an SFU);
//! - each (sender, epoch) KID has its own anti-replay window ([`crate::replay`]), kept with
//!   its epoch from the KID's first authenticated frame until the epoch is dropped, apart
//!   from the bounded cache of derived keys: a key evicted from the cache and derived again
//!   still refuses the counters it accepted. At most [`MAX_KIDS_PER_EPOCH`] KIDs per epoch
//!   get one (only holders of the epoch's base key can make a KID authenticate); a frame
//!   under a further KID is refused;
//! - once a sender's frames of a newer epoch authenticated, its frames of older epochs are
//!   refused ([`Error::SenderMovedOn`]): during the grace period a member removed at the
//!   change still holds the old base key and could make frames under any member's old KID;
//! - with a suite whose tag is short (0x0003), failed authentications are counted per KID
//!   (and once for all KIDs that never authenticated); at
//!   [`CipherSuite::failed_authentication_cap`] the KID is refused until its epoch is dropped
//!   ([`Error::KeyLocked`], RFC 9605 section 7.5);
//! - a receiver may be bound to one sender ([`crate::binding`]): frames of other senders are
//!   refused before authentication ([`EpochKeys::unprotect_frame_from`]).
//!
//! Nonce uniqueness: the send counter is one counter for the lifetime of the ring. A new send
//! key continues it rather than restarting at 0, so no (key, CTR) pair can repeat whatever
//! the caller does: re-adding an epoch number, even with another base key and back again,
//! or handing the same base key to two epochs whose numbers share their low bits. The cost
//! is a counter that grows over the meeting (one more header byte after 2^16 frames).
//!
//! The receiver accepts any KID whose low bits name a held epoch, including a non-zero
//! context: the key schedule binds the whole KID, so only a holder of the epoch's base key
//! can produce a frame that authenticates.

use std::collections::HashMap;

use subtle::ConstantTimeEq;

use crate::binding::{Admitted, SenderBinding};
use crate::frame::FrameKey;
use crate::header::{Counter, KeyId, SframeHeader};
use crate::key_schedule::{derive_key_salt, BaseKey, KeyMaterial};
use crate::receiver::{KeyCache, ProtectedFrame, DEFAULT_CAPACITY};
use crate::replay::ReplayWindow;
use crate::sender::SenderContext;
use crate::suite::{CipherSuite, NONCE_LEN};
use crate::Error;

/// E: low-order epoch bits in Conclave's KIDs.
pub const EPOCH_BITS: u32 = 4;
/// Context of Conclave's own sends.
pub const CONTEXT: u64 = 0;
/// How long an epoch stays usable for decryption after a newer one was added.
pub const OLD_EPOCH_GRACE_MS: u64 = 5_000;
/// Largest epoch number JavaScript can pass exactly as a number (2^53 - 1).
pub const MAX_JS_EPOCH: u64 = (1 << 53) - 1;
/// Most KIDs of one epoch that keep receive state (a replay window, a failure count: about
/// 140 bytes each). Far above any meeting's senders; it bounds what a member forging KIDs
/// can make a receiver hold (16 epochs of 1024 KIDs: about 2.3 MB).
pub const MAX_KIDS_PER_EPOCH: usize = 1024;

/// A mask of the `bits` low-order bits.
const fn low_mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

/// The field widths of an MLS sender's KID (RFC 9605 section 5.2, Figure 8): S index bits,
/// E epoch bits, and the remaining `64 - S - E` bits of context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KidLayout {
    sender_bits: u32,
    epoch_bits: u32,
}

/// The fields of a KID under a [`KidLayout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KidParts {
    /// The context value (`64 - S - E` bits).
    pub context: u64,
    /// The sender's MLS leaf index (S bits).
    pub sender_index: u64,
    /// The epoch modulo 2^E (E bits).
    pub epoch_bits: u64,
}

impl KidLayout {
    /// A layout with `sender_bits` (S) and `epoch_bits` (E).
    ///
    /// # Errors
    /// [`Error::InvalidKidLayout`] if `S + E > 64`.
    pub const fn new(sender_bits: u32, epoch_bits: u32) -> Result<Self, Error> {
        if sender_bits > 64 || epoch_bits > 64 || sender_bits + epoch_bits > 64 {
            return Err(Error::InvalidKidLayout);
        }
        Ok(Self {
            sender_bits,
            epoch_bits,
        })
    }

    /// S: bits of the sender index.
    pub const fn sender_bits(self) -> u32 {
        self.sender_bits
    }

    /// E: bits of the epoch.
    pub const fn epoch_bits(self) -> u32 {
        self.epoch_bits
    }

    fn context_shift(self) -> u32 {
        self.sender_bits + self.epoch_bits
    }

    /// `KID = (context << (S + E)) | (sender_index << E) | (epoch mod 2^E)`.
    ///
    /// # Errors
    /// [`Error::KidFieldOutOfRange`] if `sender_index` needs more than S bits or `context`
    /// more than `64 - S - E`.
    pub fn kid(self, context: u64, sender_index: u64, epoch: u64) -> Result<KeyId, Error> {
        let context_bits = 64 - self.context_shift();
        if sender_index & !low_mask(self.sender_bits) != 0 || context & !low_mask(context_bits) != 0
        {
            return Err(Error::KidFieldOutOfRange);
        }
        // A shift by 64 (a field of zero width at the top) only ever shifts a zero value.
        let context_part = context.checked_shl(self.context_shift()).unwrap_or(0);
        let index_part = sender_index.checked_shl(self.epoch_bits).unwrap_or(0);
        let epoch_part = epoch & low_mask(self.epoch_bits);
        Ok(KeyId(context_part | index_part | epoch_part))
    }

    /// Splits a KID into its fields.
    pub fn split(self, kid: KeyId) -> KidParts {
        KidParts {
            context: kid.0.checked_shr(self.context_shift()).unwrap_or(0),
            sender_index: kid.0.checked_shr(self.epoch_bits).unwrap_or(0)
                & low_mask(self.sender_bits),
            epoch_bits: kid.0 & low_mask(self.epoch_bits),
        }
    }
}

/// The sender's leaf index in a KID of Conclave's layout (context 0).
pub fn sender_index_of(kid: KeyId) -> u64 {
    kid.0 >> EPOCH_BITS
}

/// Conclave's KID for `sender_index` in `epoch`: context 0, E = [`EPOCH_BITS`], any S.
pub fn conclave_kid(sender_index: u32, epoch: u64) -> KeyId {
    KeyId((u64::from(sender_index) << EPOCH_BITS) | (epoch & low_mask(EPOCH_BITS)))
}

/// The epoch bits (epoch mod 2^E) of a Conclave KID.
pub fn epoch_bits_of(kid: KeyId) -> u64 {
    kid.0 & low_mask(EPOCH_BITS)
}

/// An epoch number passed as a JavaScript number.
///
/// # Errors
/// [`Error::InvalidEpoch`] unless `value` is an integer in `0..=2^53 - 1` (so it converts
/// exactly; NaN, infinities, fractions and negatives are refused).
pub fn epoch_from_js_number(value: f64) -> Result<u64, Error> {
    // `MAX_JS_EPOCH` is exactly representable as an f64.
    if value >= 0.0 && value <= MAX_JS_EPOCH as f64 && value.fract() == 0.0 {
        // An integer within 0..=2^53 - 1: the cast is exact.
        Ok(value as u64)
    } else {
        Err(Error::InvalidEpoch)
    }
}

/// The receive state of one KID in one epoch, from its first authenticated frame on.
#[derive(Default)]
struct KidState {
    /// Which counters were accepted (RFC 9605 section 9.3).
    window: ReplayWindow,
    /// Failed authentications under this KID (counted only for suites with a cap).
    failed: u32,
}

/// One held epoch. No `Debug`: it holds the base key.
struct Epoch {
    number: u64,
    base_key: BaseKey,
    own_kid: KeyId,
    /// When a newer epoch was added; decryption ends [`OLD_EPOCH_GRACE_MS`] later.
    superseded_at_ms: Option<u64>,
    /// Every KID that authenticated a frame in this epoch (at most [`MAX_KIDS_PER_EPOCH`]).
    kids: HashMap<KeyId, KidState>,
    /// Failed authentications under KIDs that never authenticated, counted together.
    unseen_failed: u32,
}

impl Epoch {
    fn expired(&self, now_ms: u64) -> bool {
        self.superseded_at_ms
            .is_some_and(|t| now_ms >= t.saturating_add(OLD_EPOCH_GRACE_MS))
    }

    fn same_bits(&self, kid: KeyId) -> bool {
        self.number & low_mask(EPOCH_BITS) == epoch_bits_of(kid)
    }

    /// The failures counted against `kid`: its own, or the shared count of unseen KIDs.
    fn failures_of(&mut self, kid: KeyId) -> &mut u32 {
        match self.kids.get_mut(&kid) {
            Some(state) => &mut state.failed,
            None => &mut self.unseen_failed,
        }
    }
}

/// The KID of `kid`'s sender (and context) in another epoch: the same high bits, that
/// epoch's low bits.
fn kid_in_epoch(kid: KeyId, epoch: u64) -> KeyId {
    KeyId((kid.0 & !low_mask(EPOCH_BITS)) | (epoch & low_mask(EPOCH_BITS)))
}

/// A successfully unprotected frame and the epoch it was sent in.
pub struct DecryptedInEpoch {
    /// `clear prefix || plaintext`.
    pub frame: Vec<u8>,
    /// The full MLS epoch number whose key authenticated the frame.
    pub epoch: u64,
    /// The sender's MLS leaf index, from the KID that authenticated the frame.
    pub sender_index: u64,
    /// Whether this frame bound its receiver ([`crate::binding`]; always false without one).
    pub bound_now: bool,
}

/// The epochs a worker holds, the send key of the newest, and the cache of derived receive
/// keys. See the module documentation for the rules.
pub struct EpochKeys {
    suite: CipherSuite,
    /// At most one epoch per value of the low E bits.
    epochs: Vec<Epoch>,
    /// The send epoch's number and sender.
    sender: Option<(u64, SenderContext)>,
    /// Derived receive keys by KID; a KID's low bits name its epoch, so dropping an epoch
    /// drops the cached keys with those bits.
    cache: KeyCache,
    /// The latest time seen: time never goes back, so a late call cannot revive an epoch.
    now_ms: u64,
}

impl EpochKeys {
    /// An empty ring for `suite`: no send key, every frame [`Error::NoKeyForEpoch`].
    pub fn new(suite: CipherSuite) -> Self {
        Self {
            suite,
            epochs: Vec::with_capacity(1 << EPOCH_BITS),
            sender: None,
            cache: KeyCache::new(DEFAULT_CAPACITY),
            now_ms: 0,
        }
    }

    /// The epoch frames are sent in, once one was added.
    pub fn send_epoch(&self) -> Option<u64> {
        self.sender.as_ref().map(|(epoch, _)| *epoch)
    }

    /// The KID frames are sent under, once an epoch was added.
    pub fn send_kid(&self) -> Option<KeyId> {
        self.sender.as_ref().map(|(_, sender)| sender.kid())
    }

    /// The counter the next sent frame will use (`None` before any epoch or once exhausted).
    pub fn next_send_counter(&self) -> Option<Counter> {
        self.sender
            .as_ref()
            .and_then(|(_, sender)| sender.next_counter())
    }

    /// Whether `epoch` can decrypt frames at `now_ms` (prunes first).
    pub fn holds_epoch(&mut self, now_ms: u64, epoch: u64) -> bool {
        self.advance(now_ms);
        self.epochs.iter().any(|e| e.number == epoch)
    }

    /// Number of derived receive keys cached.
    pub fn cached_keys(&self) -> usize {
        self.cache.len()
    }

    /// Number of KIDs, over every held epoch, whose receive state (replay window) is kept.
    pub fn tracked_kids(&self) -> usize {
        self.epochs.iter().map(|e| e.kids.len()).sum()
    }

    /// Adds `epoch` with its `base_key` (`AEAD.Nk` bytes, from the MLS exporter) and makes it
    /// the send epoch at once, sending as leaf `own_sender_index`. Older epochs stay usable
    /// for decryption for [`OLD_EPOCH_GRACE_MS`]; a held epoch with the same low bits is
    /// dropped at once. Re-adding the current send epoch replaces its key; the send counter
    /// continues either way.
    ///
    /// # Errors
    /// [`Error::InvalidKeyLength`] unless `base_key` is `Nk` bytes;
    /// [`Error::EpochWentBack`] if `epoch` is older than the send epoch;
    /// [`Error::CounterExhausted`] if the send counter is used up. Nothing changes on error.
    pub fn add_epoch(
        &mut self,
        now_ms: u64,
        epoch: u64,
        base_key: &[u8],
        own_sender_index: u32,
    ) -> Result<(), Error> {
        if base_key.len() != self.suite.nk() {
            return Err(Error::InvalidKeyLength {
                expected: self.suite.nk(),
                actual: base_key.len(),
            });
        }
        let first_counter = match &self.sender {
            Some((current, _)) if epoch < *current => {
                return Err(Error::EpochWentBack {
                    current: *current,
                    offered: epoch,
                })
            }
            Some((_, sender)) => sender.next_counter().ok_or(Error::CounterExhausted)?,
            None => Counter(0),
        };
        let base_key = BaseKey::from_slice(base_key)?;
        self.advance(now_ms);

        let bits = epoch & low_mask(EPOCH_BITS);
        // The same epoch with the same key handed again keeps what its KIDs accepted, so
        // handing a key twice cannot reopen its replay windows.
        let (kids, unseen_failed) = match self.epochs.iter_mut().find(|e| {
            e.number == epoch && bool::from(e.base_key.as_bytes().ct_eq(base_key.as_bytes()))
        }) {
            Some(same) => (std::mem::take(&mut same.kids), same.unseen_failed),
            None => (HashMap::new(), 0),
        };
        self.epochs
            .retain(|e| e.number & low_mask(EPOCH_BITS) != bits);
        self.cache.retain(|kid| epoch_bits_of(kid) != bits);
        // Every epoch still held is older than the new one (the send epoch was the newest and
        // `epoch` is not older; an equal number was just dropped).
        let now = self.now_ms;
        for older in &mut self.epochs {
            older.superseded_at_ms.get_or_insert(now);
        }

        let own_kid = conclave_kid(own_sender_index, epoch);
        let key = FrameKey::derive(self.suite, own_kid, &base_key);
        self.sender = Some((
            epoch,
            SenderContext::with_first_counter(own_kid, key, first_counter),
        ));
        self.epochs.push(Epoch {
            number: epoch,
            base_key,
            own_kid,
            superseded_at_ms: None,
            kids,
            unseen_failed,
        });
        Ok(())
    }

    /// Moves the clock to `now_ms` (never back) and drops expired epochs and their keys.
    /// Which "no key" a frame gets: [`Error::NoKeyForNewerEpoch`] when its epoch bits are
    /// 1 to 2^(E-1)-1 steps ahead of our send epoch (the sender moved on without us),
    /// else [`Error::NoKeyForEpoch`] (an expired or foreign epoch).
    fn missing_epoch_error(&self, kid: KeyId) -> Error {
        let Some(newest) = self.send_epoch() else {
            return Error::NoKeyForEpoch;
        };
        let window = 1u64 << EPOCH_BITS;
        let steps_ahead = (epoch_bits_of(kid) + window - (newest & low_mask(EPOCH_BITS))) % window;
        if (1..window / 2).contains(&steps_ahead) {
            Error::NoKeyForNewerEpoch
        } else {
            Error::NoKeyForEpoch
        }
    }

    fn advance(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
        let now = self.now_ms;
        if self.epochs.iter().any(|e| e.expired(now)) {
            // Dropping an epoch drops its KIDs' receive state with it.
            self.epochs.retain(|e| !e.expired(now));
            let epochs = &self.epochs;
            self.cache
                .retain(|kid| epochs.iter().any(|e| e.same_bits(kid)));
        }
    }

    /// Protects `frame` under the send epoch (see [`SenderContext::protect_frame`]).
    ///
    /// # Errors
    /// [`Error::NoKeySource`] before any epoch was added, else as
    /// [`SenderContext::protect_frame`].
    pub fn protect_frame(&mut self, frame: &[u8], prefix_len: usize) -> Result<Vec<u8>, Error> {
        let (_, sender) = self.sender.as_mut().ok_or(Error::NoKeySource)?;
        sender.protect_frame(frame, prefix_len)
    }

    /// Unprotects a frame laid out as `clear prefix || SFrame header || ciphertext || tag`
    /// at `now_ms`, returning `clear prefix || plaintext` and its epoch, from whichever
    /// sender (the key ring's rules only; a receiver uses
    /// [`EpochKeys::unprotect_frame_from`]).
    ///
    /// # Errors
    /// [`Error::NoKeyForEpoch`] if the KID's epoch bits name no held epoch;
    /// [`Error::SenderMovedOn`] for an old-epoch frame of a sender already seen in a newer
    /// one; [`Error::KeyLocked`] for a key at its failure cap;
    /// [`Error::Replayed`] for a replayed or too old counter of a known sender key
    /// ([`crate::replay`]);
    /// [`Error::DecryptionFailed`] for every other failure, whatever its cause (malformed,
    /// our own KID, failed authentication).
    pub fn unprotect_frame(
        &mut self,
        now_ms: u64,
        frame: &[u8],
        prefix_len: usize,
    ) -> Result<DecryptedInEpoch, Error> {
        self.open_frame(now_ms, frame, prefix_len, None)
    }

    /// [`EpochKeys::unprotect_frame`] for a receiver bound by `binding`: a frame whose KID
    /// names another sender is refused before authentication, and an authenticated frame
    /// may bind it ([`crate::binding`]).
    ///
    /// # Errors
    /// [`Error::WrongSender`] as [`SenderBinding::admit`]; otherwise as
    /// [`EpochKeys::unprotect_frame`].
    pub fn unprotect_frame_from(
        &mut self,
        now_ms: u64,
        frame: &[u8],
        prefix_len: usize,
        binding: &mut SenderBinding,
    ) -> Result<DecryptedInEpoch, Error> {
        self.open_frame(now_ms, frame, prefix_len, Some(binding))
    }

    fn open_frame(
        &mut self,
        now_ms: u64,
        frame: &[u8],
        prefix_len: usize,
        binding: Option<&mut SenderBinding>,
    ) -> Result<DecryptedInEpoch, Error> {
        self.advance(now_ms);
        let parsed = ProtectedFrame::parse(frame, prefix_len, self.suite)?;
        let kid = parsed.kid();
        let at = self.admit(kid, binding.as_deref())?;
        let cap = self.suite.failed_authentication_cap();
        let epoch = &mut self.epochs[at];
        if cap.is_some_and(|cap| *epoch.failures_of(kid) >= cap) {
            return Err(Error::KeyLocked);
        }
        if !epoch.kids.contains_key(&kid) && epoch.kids.len() >= MAX_KIDS_PER_EPOCH {
            return Err(Error::DecryptionFailed);
        }
        let opened = match self.cache.get(kid) {
            Some(key) => parsed.open(key),
            None => {
                let key = FrameKey::derive(self.suite, kid, &epoch.base_key);
                let opened = parsed.open(&key);
                if opened.is_ok() {
                    self.cache.insert(kid, key);
                }
                opened
            }
        };
        let frame = match opened {
            Ok(frame) => frame,
            Err(error) => {
                if cap.is_some() {
                    let failures = epoch.failures_of(kid);
                    *failures = failures.saturating_add(1);
                }
                return Err(error);
            }
        };
        let window = &mut epoch.kids.entry(kid).or_default().window;
        window.check(parsed.ctr())?;
        window.accept(parsed.ctr());
        let (number, sender_index) = (epoch.number, sender_index_of(kid));
        let Admitted { bound_now } = binding.map_or(Admitted { bound_now: false }, |binding| {
            binding.authenticated(sender_index, number)
        });
        Ok(DecryptedInEpoch {
            frame,
            epoch: number,
            sender_index,
            bound_now,
        })
    }

    /// The index of the held epoch `kid` may be opened in, before authentication: its epoch
    /// is held, it is not our own KID, the receiver's binding admits its sender, and that
    /// sender has not moved on to a newer epoch.
    fn admit(&self, kid: KeyId, binding: Option<&SenderBinding>) -> Result<usize, Error> {
        let at = self
            .epochs
            .iter()
            .position(|e| e.same_bits(kid))
            .ok_or_else(|| self.missing_epoch_error(kid))?;
        let epoch = &self.epochs[at];
        if kid == epoch.own_kid {
            return Err(Error::DecryptionFailed);
        }
        if let Some(binding) = binding {
            let newest = self.send_epoch() == Some(epoch.number);
            binding.admit(sender_index_of(kid), epoch.number, newest)?;
        }
        // Only superseded epochs have newer ones to look at (the send epoch is the newest).
        if epoch.superseded_at_ms.is_some()
            && self.epochs.iter().any(|newer| {
                newer.number > epoch.number
                    && newer.kids.contains_key(&kid_in_epoch(kid, newer.number))
            })
        {
            return Err(Error::SenderMovedOn);
        }
        Ok(at)
    }

    // The split AEAD path (`crate::cryptor::split_aead`): the rules of `protect_frame` and
    // `unprotect_frame`, the AEAD call left to the caller.

    /// Takes the send key's next counter: the frame's header and nonce.
    ///
    /// # Errors
    /// [`Error::NoKeySource`] before any epoch was added; [`Error::CounterExhausted`].
    pub fn next_send_header_and_nonce(&mut self) -> Result<(SframeHeader, [u8; NONCE_LEN]), Error> {
        let (_, sender) = self.sender.as_mut().ok_or(Error::NoKeySource)?;
        sender.next_header_and_nonce()
    }

    /// The held epoch whose low bits `kid` names, unless `kid` is our own send KID there.
    fn receive_epoch(&self, kid: KeyId) -> Option<&Epoch> {
        self.epochs
            .iter()
            .find(|e| e.same_bits(kid))
            .filter(|e| e.own_kid != kid)
    }

    /// At `now_ms`, the nonce of (`kid`, `ctr`) and the epoch of `kid`, if a frame under
    /// `kid` may be opened outside Rust for a receiver bound by `binding`: the rules of
    /// [`EpochKeys::unprotect_frame_from`] admit it, the receiver is bound to its sender
    /// already (only the all-Rust path binds), its key is cached (it already authenticated
    /// a frame in Rust) and its replay window would accept `ctr`. `None` otherwise: the
    /// caller then takes the all-Rust path, which decides the error.
    pub fn split_open_nonce(
        &mut self,
        now_ms: u64,
        kid: KeyId,
        ctr: Counter,
        binding: &SenderBinding,
    ) -> Option<([u8; NONCE_LEN], u64)> {
        self.advance(now_ms);
        if binding.bound_sender() != Some(sender_index_of(kid)) {
            return None;
        }
        let at = self.admit(kid, Some(binding)).ok()?;
        let number = self.epochs[at].number;
        self.epochs[at].kids.get(&kid)?.window.check(ctr).ok()?;
        let nonce = self.cache.get(kid)?.nonce_for(ctr);
        Some((nonce, number))
    }

    /// Records that a frame under (`kid`, `ctr`) authenticated outside Rust, for a receiver
    /// bound by `binding`, checking the rules again (they may have changed in between).
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] if `kid` has no receive state (its epoch was dropped in
    /// between); [`Error::WrongSender`] or [`Error::SenderMovedOn`] as
    /// [`EpochKeys::unprotect_frame_from`]; [`Error::Replayed`] if its window now refuses
    /// `ctr`.
    pub fn split_accept(
        &mut self,
        kid: KeyId,
        ctr: Counter,
        binding: &SenderBinding,
    ) -> Result<(), Error> {
        if binding.bound_sender() != Some(sender_index_of(kid)) {
            return Err(Error::WrongSender);
        }
        let at = self.admit(kid, Some(binding))?;
        let window = &mut self.epochs[at]
            .kids
            .get_mut(&kid)
            .ok_or(Error::DecryptionFailed)?
            .window;
        window.check(ctr)?;
        window.accept(ctr);
        Ok(())
    }

    /// Number of epochs held.
    pub fn held_epochs(&self) -> usize {
        self.epochs.len()
    }

    /// The raw `sframe_key` and salt of the send key, to import into WebCrypto.
    pub fn send_key_material(&self) -> Option<KeyMaterial> {
        let (number, sender) = self.sender.as_ref()?;
        let epoch = self.epochs.iter().find(|e| e.number == *number)?;
        Some(derive_key_salt(self.suite, sender.kid(), &epoch.base_key))
    }

    /// The raw `sframe_key` and salt of a receive KID whose key is cached (it authenticated
    /// a frame) in a held epoch, to import into WebCrypto.
    pub fn receive_key_material(&mut self, kid: KeyId) -> Option<KeyMaterial> {
        self.cache.get(kid)?;
        let epoch = self.receive_epoch(kid)?;
        Some(derive_key_salt(self.suite, kid, &epoch.base_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_9_kids_build_and_split() {
        let layout = KidLayout::new(6, 4).expect("S + E <= 64");
        // (epoch, index, context, KID) from RFC 9605 Figure 9.
        let rows = [
            (14, 3, 0, 0x3e),
            (14, 7, 0, 0x7e),
            (14, 20, 0, 0x14e),
            (15, 3, 0, 0x3f),
            (15, 5, 0, 0x5f),
            (16, 2, 2, 0x820),
            (16, 2, 3, 0xc20),
            (17, 33, 0, 0x211),
            (17, 51, 0, 0x331),
        ];
        for (epoch, index, context, kid) in rows {
            assert_eq!(layout.kid(context, index, epoch), Ok(KeyId(kid)));
            assert_eq!(
                layout.split(KeyId(kid)),
                KidParts {
                    context,
                    sender_index: index,
                    epoch_bits: epoch % 16
                }
            );
        }
    }

    #[test]
    fn context_zero_does_not_depend_on_s() {
        for s in [0, 1, 6, 12, 32, 60] {
            let layout = KidLayout::new(s, EPOCH_BITS).expect("fits");
            for (index, epoch) in [(0u32, 0u64), (1, 15), (3, 14), (51, 17)] {
                if u64::from(index) >> s != 0 {
                    continue;
                }
                assert_eq!(
                    layout.kid(CONTEXT, u64::from(index), epoch),
                    Ok(conclave_kid(index, epoch))
                );
            }
        }
    }

    #[test]
    fn out_of_range_fields_and_layouts_are_refused() {
        let layout = KidLayout::new(6, 4).expect("fits");
        assert_eq!(layout.kid(0, 64, 0), Err(Error::KidFieldOutOfRange));
        assert_eq!(layout.kid(1 << 54, 0, 0), Err(Error::KidFieldOutOfRange));
        assert!(layout.kid((1 << 54) - 1, 63, u64::MAX).is_ok());
        assert_eq!(KidLayout::new(60, 5), Err(Error::InvalidKidLayout));
        let full = KidLayout::new(60, 4).expect("exactly 64");
        assert_eq!(full.kid(1, 0, 0), Err(Error::KidFieldOutOfRange));
        assert_eq!(full.kid(0, 1, 3), Ok(KeyId(0x13)));
        assert_eq!(full.split(KeyId(u64::MAX)).context, 0);
        let epoch_only = KidLayout::new(0, 64).expect("exactly 64");
        assert_eq!(epoch_only.kid(0, 0, u64::MAX), Ok(KeyId(u64::MAX)));
        assert_eq!(epoch_only.kid(0, 1, 0), Err(Error::KidFieldOutOfRange));
    }

    #[test]
    fn js_epochs_must_be_safe_integers() {
        assert_eq!(epoch_from_js_number(0.0), Ok(0));
        assert_eq!(epoch_from_js_number(17.0), Ok(17));
        assert_eq!(
            epoch_from_js_number(9_007_199_254_740_991.0),
            Ok(MAX_JS_EPOCH)
        );
        for bad in [
            -1.0,
            0.5,
            9_007_199_254_740_992.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(epoch_from_js_number(bad), Err(Error::InvalidEpoch), "{bad}");
        }
        // -0.0 is the integer 0.
        assert_eq!(epoch_from_js_number(-0.0), Ok(0));
    }
}
