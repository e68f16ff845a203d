//! The split AEAD path: SFrame in Rust, the AES-GCM call itself outside (WebCrypto).
//!
//! In Chromium, WebCrypto's AES-GCM (AES-NI underneath) is far faster than software AES in
//! Wasm on large frames, while Wasm wins on small ones (no async hop). So for large frames
//! the transform worker asks this module for a *plan*, runs `crypto.subtle.encrypt` or
//! `decrypt` itself, and assembles the frame. Everything SFrame stays here: the counter,
//! header and KID (RFC 9605 section 4.3), the nonce (built by [`crate::frame::nonce`], section
//! 4.4.3), the AAD (`header || clear prefix`), the key schedule (section 4.4.2), the epoch and
//! own-KID checks and the replay window (section 9.3). Both paths give identical bytes (tests
//! compare them).
//!
//! Rules, all failing closed:
//! - Only the AES-GCM suites (0x0004, 0x0005), once an epoch key is set; anything else gets
//!   no plan and the caller takes the all-Rust path, which decides the error.
//! - A receive KID gets a plan only once its key authenticated a frame in Rust, so a forged
//!   KID never makes the worker import a key, and only for a receiver already bound to its
//!   sender ([`crate::binding`]: only the all-Rust path binds). The binding, the epoch rules
//!   and the replay window are checked when the plan is made and again, then the window
//!   moved, by [`Cryptor::confirm_open`] after WebCrypto authenticated.
//! - Plans carry KID and CTR as JavaScript numbers, so only values up to 2^53 - 1 get one
//!   (far beyond any real counter); anything larger takes the all-Rust path.
//! - Raw `sframe_key`s leave Rust only through [`Cryptor::send_key_for_import`] and
//!   [`Cryptor::receive_key_for_import`], to be imported at once as non-extractable keys. The
//!   worker caches them under [`KeyGeneration`], which changes whenever the key set does.
//!
//! Plan layout (little-endian), [`PLAN_FIXED_LEN`] bytes then the AAD. The offsets are
//! [`PlanOffset`], which the wasm module exports, so the worker's `frame-crypto.js` reads
//! them from this one definition:
//!
//! | offset | field |
//! |---|---|
//! | 0 | key generation, u32 |
//! | 4 | clear prefix length, u16 |
//! | 6 | SFrame header length, u8 |
//! | 7 | reserved, 0 |
//! | 8 | KID, f64 (exact: plans are only made for KIDs up to 2^53 - 1) |
//! | 16 | CTR, f64 (exact likewise) |
//! | 24 | MLS epoch, f64 |
//! | 32 | nonce, 12 bytes |
//! | 44 | AAD = header `||` clear prefix |

use super::Cryptor;
use crate::binding::SenderBinding;
use crate::codec::{clear_len, Codec};
use crate::header::{Counter, KeyId, SframeHeader};
use crate::secret::SecretBytes;
use crate::suite::{CipherSuite, NONCE_LEN};
use crate::Error;

/// Where each field of a plan starts (see the module documentation). Exported to
/// JavaScript as `PlanOffset` (a frozen object of numbers), so the worker never keeps its own
/// copy of the layout.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanOffset {
    /// The key generation, u32: the worker's imported WebCrypto keys are valid for one
    /// generation ([`KeyGeneration`]).
    KeyGeneration = 0,
    /// The clear prefix length, u16.
    ClearLen = 4,
    /// The SFrame header length, u8 (the header opens the AAD, so the worker copies it into
    /// the frame from there).
    HeaderLen = 6,
    /// Reserved, 0.
    Reserved = 7,
    /// The KID, f64: exact, since plans are only made for KIDs up to
    /// [`MAX_PLAN_NUMBER`].
    Kid = 8,
    /// The CTR, f64 (exact likewise).
    Ctr = 16,
    /// The MLS epoch whose key the frame is under, f64 (epochs enter as JavaScript
    /// numbers: exact).
    Epoch = 24,
    /// The nonce, [`NONCE_LEN`] bytes.
    Nonce = 32,
    /// The AAD, `header || clear prefix`, running to the plan's end: the IV is everything
    /// from [`PlanOffset::Nonce`] to here.
    Aad = 44,
}

impl PlanOffset {
    /// The field's offset in a plan.
    pub const fn at(self) -> usize {
        self as usize
    }
}

/// Bytes of a plan before its AAD.
pub const PLAN_FIXED_LEN: usize = PlanOffset::Aad.at();
/// The longest plan: the fixed fields, the longest header and the longest clear prefix.
pub const MAX_PLAN_LEN: usize =
    PLAN_FIXED_LEN + crate::header::MAX_HEADER_LEN + crate::codec::VP8_KEY_FRAME_PREFIX;
/// The AES-GCM tag length (`Nt` of 0x0004 and 0x0005).
const GCM_TAG_LEN: usize = 16;
/// Largest KID or CTR a plan carries: exact as a JavaScript number.
pub const MAX_PLAN_NUMBER: u64 = (1 << 53) - 1;

/// Names the cryptor's current key set. The worker's WebCrypto key cache is valid for one
/// generation only; it changes on every new epoch key and when an epoch expires.
#[derive(Default)]
pub struct KeyGeneration {
    value: u32,
    held_epochs: usize,
}

impl KeyGeneration {
    /// The key set changed.
    pub(super) fn bump(&mut self) {
        // 2^32 key changes within one worker cannot happen (one per MLS epoch).
        self.value = self.value.wrapping_add(1);
    }

    fn track_held_epochs(&mut self, held: usize) {
        if held != self.held_epochs {
            self.held_epochs = held;
            self.bump();
        }
    }
}

/// Whether `suite` is an AES-GCM suite, the only ones WebCrypto runs for us.
fn is_gcm(suite: CipherSuite) -> bool {
    matches!(
        suite,
        CipherSuite::Aes128GcmSha256_128 | CipherSuite::Aes256GcmSha512_128
    )
}

/// The fields of one plan.
struct PlanFields<'a> {
    generation: u32,
    header: &'a [u8],
    prefix: &'a [u8],
    kid: KeyId,
    ctr: Counter,
    epoch: u64,
    nonce: [u8; NONCE_LEN],
}

impl PlanFields<'_> {
    /// Writes the plan into `out`; returns its length. `None` if it does not fit `out` or
    /// its KID or CTR is above [`MAX_PLAN_NUMBER`].
    fn encode(&self, out: &mut [u8]) -> Option<usize> {
        if self.kid.0 > MAX_PLAN_NUMBER || self.ctr.0 > MAX_PLAN_NUMBER {
            return None;
        }
        let clear = u16::try_from(self.prefix.len()).ok()?;
        let header_len = u8::try_from(self.header.len()).ok()?;
        let len = PLAN_FIXED_LEN + self.header.len() + self.prefix.len();
        let plan = out.get_mut(..len)?;
        let mut field = |offset: PlanOffset, bytes: &[u8]| {
            plan[offset.at()..offset.at() + bytes.len()].copy_from_slice(bytes);
        };
        field(PlanOffset::KeyGeneration, &self.generation.to_le_bytes());
        field(PlanOffset::ClearLen, &clear.to_le_bytes());
        field(PlanOffset::HeaderLen, &[header_len]);
        field(PlanOffset::Reserved, &[0]);
        // At most 2^53 - 1 (checked above): exact as f64.
        field(PlanOffset::Kid, &(self.kid.0 as f64).to_le_bytes());
        field(PlanOffset::Ctr, &(self.ctr.0 as f64).to_le_bytes());
        // Epochs enter through JavaScript numbers, so they are exact as f64.
        field(PlanOffset::Epoch, &(self.epoch as f64).to_le_bytes());
        field(PlanOffset::Nonce, &self.nonce);
        let (header, prefix) = plan[PLAN_FIXED_LEN..].split_at_mut(self.header.len());
        header.copy_from_slice(self.header);
        prefix.copy_from_slice(self.prefix);
        Some(len)
    }
}

impl Cryptor {
    fn split_epochs(&mut self) -> Option<&mut crate::mls_keys::EpochKeys> {
        if !is_gcm(self.suite) {
            return None;
        }
        self.keys.as_mut()
    }

    /// A plan to seal a frame of `frame_len` bytes outside Rust, `head` being its first
    /// bytes (at least the codec's clear prefix), written into `plan` ([`MAX_PLAN_LEN`]
    /// bytes are always enough). Takes a counter. Returns the plan's length; `None`: use
    /// [`Cryptor::protect`] (not an AES-GCM suite, no epoch key, `head` too short, counter
    /// used up).
    pub fn prepare_seal(
        &mut self,
        head: &[u8],
        frame_len: usize,
        codec: Codec,
        key_frame: bool,
        plan: &mut [u8],
    ) -> Option<usize> {
        // Structured codecs (H.264, AV1) have no clear prefix: only the all-Rust path.
        let crate::codec::Layout::ClearPrefix(prefix_len) = codec.layout(key_frame) else {
            return None;
        };
        if head.len() > frame_len || (head.len() < prefix_len && head.len() < frame_len) {
            return None;
        }
        let suite = self.suite;
        let generation = self.key_generation.value;
        let epochs = self.split_epochs()?;
        let epoch = epochs.send_epoch()?;
        let (header, nonce) = epochs.next_send_header_and_nonce().ok()?;
        let encoded = header.encode();
        let clear = clear_len(prefix_len, frame_len + encoded.len() + GCM_TAG_LEN, suite);
        PlanFields {
            generation,
            header: encoded.as_bytes(),
            prefix: head.get(..clear)?,
            kid: header.kid,
            ctr: header.ctr,
            epoch,
            nonce,
        }
        .encode(plan)
    }

    /// A plan to open a received frame of `frame_len` bytes outside Rust at `now_ms` for the
    /// receiver bound by `binding`, `head` being its first bytes (at least clear prefix and
    /// SFrame header), written into `plan` ([`MAX_PLAN_LEN`] bytes are always enough).
    /// Returns the plan's length; the ciphertext and tag are the frame's bytes from
    /// `clear + header length` on. `None`: use [`Cryptor::unprotect`] (see the module
    /// documentation).
    #[allow(clippy::too_many_arguments)] // The frame's parts as the worker hands them over.
    pub fn prepare_open(
        &mut self,
        now_ms: u64,
        head: &[u8],
        frame_len: usize,
        codec: Codec,
        key_frame: bool,
        binding: &SenderBinding,
        plan: &mut [u8],
    ) -> Option<usize> {
        // Structured codecs (H.264, AV1) have no clear prefix: only the all-Rust path.
        let crate::codec::Layout::ClearPrefix(prefix_len) = codec.layout(key_frame) else {
            return None;
        };
        if head.len() > frame_len {
            return None;
        }
        let clear = clear_len(prefix_len, frame_len, self.suite);
        let (prefix, sframe) = head.split_at_checked(clear)?;
        let (header, header_len) = SframeHeader::parse(sframe).ok()?;
        if frame_len < clear + header_len + GCM_TAG_LEN {
            return None;
        }
        let epochs = self.split_epochs()?;
        let (nonce, epoch) = epochs.split_open_nonce(now_ms, header.kid, header.ctr, binding)?;
        let held = epochs.held_epochs();
        self.key_generation.track_held_epochs(held);
        PlanFields {
            generation: self.key_generation.value,
            header: sframe.get(..header_len)?,
            prefix,
            kid: header.kid,
            ctr: header.ctr,
            epoch,
            nonce,
        }
        .encode(plan)
    }

    /// Records that the frame of an open plan (its `kid` and `ctr`) authenticated outside
    /// Rust for the receiver bound by `binding` (moves its replay window), and returns the
    /// MLS leaf index of its sender, read from the KID.
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] if the key's epoch is gone; [`Error::WrongSender`] or
    /// [`Error::SenderMovedOn`] if the rules now refuse it; [`Error::Replayed`] if the
    /// counter was accepted in the meantime.
    pub fn confirm_open(
        &mut self,
        kid: KeyId,
        ctr: Counter,
        binding: &SenderBinding,
    ) -> Result<u64, Error> {
        self.split_epochs()
            .ok_or(Error::DecryptionFailed)?
            .split_accept(kid, ctr, binding)?;
        Ok(crate::mls_keys::sender_index_of(kid))
    }

    /// The raw `sframe_key` of the send key, to import into WebCrypto at once as a
    /// non-extractable key (never to be kept or logged). `None` off the split path.
    pub fn send_key_for_import(&mut self) -> Option<SecretBytes> {
        Some(self.split_epochs()?.send_key_material()?.key)
    }

    /// The raw `sframe_key` of receive KID `kid`, only once it authenticated a frame in a
    /// held epoch; as [`Cryptor::send_key_for_import`].
    pub fn receive_key_for_import(&mut self, kid: KeyId) -> Option<SecretBytes> {
        Some(self.split_epochs()?.receive_key_material(kid)?.key)
    }

    /// Test builds: records a frame sent on the split path (as [`Cryptor::protect`] does).
    #[cfg(feature = "test-hooks")]
    pub fn record_split_sent(
        &mut self,
        frame: &[u8],
        codec: Codec,
        key_frame: bool,
        protected_len: usize,
    ) {
        let clear = clear_len(codec.prefix_len(key_frame), protected_len, self.suite);
        self.recordings.record_sent(codec, clear, frame);
    }

    /// Test builds: records a frame received on the split path (as [`Cryptor::unprotect`]).
    #[cfg(feature = "test-hooks")]
    pub fn record_split_received(&mut self, frame: &[u8], codec: Codec, key_frame: bool) {
        let clear = clear_len(codec.prefix_len(key_frame), frame.len(), self.suite);
        self.recordings.record_received(codec, clear, frame);
    }
}
