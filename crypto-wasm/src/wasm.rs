//! The `#[wasm_bindgen]` edge called by `www/e2ee-worker.js` (compiled on `wasm32` only).
//!
//! Thin wrappers over [`crate::Cryptor`]: argument conversion, and errors turned into
//! `JsError` here and only here (a `JsError` built in a native test would panic).
//!
//! `unprotect` throws: name [`NO_KEY_ERROR_NAME`] (or [`NEWER_EPOCH_ERROR_NAME`]) when the
//! frame's MLS epoch is not held (the worker counts it as "waiting for key"),
//! [`REPLAYED_ERROR_NAME`] for an authentic frame seen before (counted as `replayed`),
//! [`WRONG_SENDER_ERROR_NAME`] for a frame of another sender than the receiver's
//! ([`ReceiverBinding`]), [`STALE_EPOCH_ERROR_NAME`] for an old-epoch frame of a sender that
//! moved on, [`KEY_LOCKED_ERROR_NAME`] for a key at its cap of failed authentications,
//! otherwise a plain `Error` that says nothing about the cause. The worker reads these names
//! from the module ([`no_epoch_key_error_name`] and its siblings), and the WebCrypto plan's
//! layout from [`PlanOffset`]: each is defined here once, never copied into JavaScript.

use wasm_bindgen::prelude::*;

use crate::binding::SenderBinding;
use crate::codec::Codec;
pub use crate::cryptor::split_aead::PlanOffset;
use crate::cryptor::split_aead::MAX_PLAN_NUMBER;
use crate::cryptor::{Cryptor, Unprotected};
use crate::header::{Counter, KeyId};
use crate::mls_keys::epoch_from_js_number;
use crate::Error;

/// The `name` of the error `unprotect` throws for a frame whose epoch has no key.
pub const NO_KEY_ERROR_NAME: &str = "NoEpochKeyError";
/// `name` of the error thrown when the frame's epoch is newer than ours (we fell behind).
pub const NEWER_EPOCH_ERROR_NAME: &str = "NewerEpochKeyError";
/// `name` of the error `unprotect` throws for an authentic frame already accepted, or older
/// than the sender key's replay window (RFC 9605 section 9.3).
pub const REPLAYED_ERROR_NAME: &str = "ReplayedFrameError";

/// `name` of the error `unprotect` throws for a frame whose KID names another sender than
/// the one its receiver is bound to.
pub const WRONG_SENDER_ERROR_NAME: &str = "WrongSenderError";
/// `name` of the error `unprotect` throws for an old-epoch frame of a sender whose frames
/// of a newer epoch already authenticated.
pub const STALE_EPOCH_ERROR_NAME: &str = "StaleEpochError";
/// `name` of the error `unprotect` throws for a frame whose key reached its cap of failed
/// authentications (suite 0x0003) and is refused until the next epoch.
pub const KEY_LOCKED_ERROR_NAME: &str = "KeyLockedError";

/// [`WRONG_SENDER_ERROR_NAME`], for the worker to tell the error apart.
#[wasm_bindgen(js_name = wrongSenderErrorName)]
pub fn wrong_sender_error_name() -> String {
    WRONG_SENDER_ERROR_NAME.to_owned()
}

/// [`STALE_EPOCH_ERROR_NAME`], for the worker to tell the error apart.
#[wasm_bindgen(js_name = staleEpochErrorName)]
pub fn stale_epoch_error_name() -> String {
    STALE_EPOCH_ERROR_NAME.to_owned()
}

/// [`KEY_LOCKED_ERROR_NAME`], for the worker to tell the error apart.
#[wasm_bindgen(js_name = keyLockedErrorName)]
pub fn key_locked_error_name() -> String {
    KEY_LOCKED_ERROR_NAME.to_owned()
}

/// The one sender leaf a receiver accepts frames from (`crate::binding`): one per source
/// (a mesh peer, or an SFU feed), shared by its audio and video receivers, passed to every
/// `unprotect` call for them. Holds no key material.
#[wasm_bindgen]
pub struct ReceiverBinding {
    inner: SenderBinding,
}

#[wasm_bindgen]
impl ReceiverBinding {
    /// A mesh peer's receivers: frames only from the leaf the page names with
    /// `expectSender`, none before.
    #[wasm_bindgen(js_name = forPeer)]
    pub fn for_peer() -> ReceiverBinding {
        ReceiverBinding {
            inner: SenderBinding::peer(),
        }
    }

    /// An SFU feed's receivers: bound by the first frame that authenticates in the newest
    /// epoch; re-bound only after `release`.
    #[wasm_bindgen(js_name = forFeed)]
    pub fn for_feed() -> ReceiverBinding {
        ReceiverBinding {
            inner: SenderBinding::feed(),
        }
    }

    /// Mesh: the page names the peer's leaf (`undefined`: the peer is no member, refuse
    /// all), bound from `cryptor`'s current send epoch on if it changed. Ignored by a feed.
    #[wasm_bindgen(js_name = expectSender)]
    pub fn expect_sender(&mut self, sender: Option<u32>, cryptor: &FrameCryptor) {
        cryptor.inner.expect_sender(&mut self.inner, sender);
    }

    /// SFU: leaf `sender` left the group; a feed bound to it is unbound (its next binding is
    /// reported). Returns whether it was bound to `sender`. Ignored by a peer.
    pub fn release(&mut self, sender: u32) -> bool {
        self.inner.release(sender)
    }

    /// The leaf this receiver is bound to, or `undefined`.
    #[wasm_bindgen(getter, js_name = boundSender)]
    pub fn bound_sender(&self) -> Option<f64> {
        // Leaf indices from KIDs are below 2^60; bindings hold leaves that authenticated or
        // that the page named (u32): exact as f64.
        self.inner.bound_sender().map(|sender| sender as f64)
    }
}

/// [`NO_KEY_ERROR_NAME`], for the worker to tell the error apart.
#[wasm_bindgen(js_name = noEpochKeyErrorName)]
pub fn no_epoch_key_error_name() -> String {
    NO_KEY_ERROR_NAME.to_owned()
}

/// [`NEWER_EPOCH_ERROR_NAME`], for the worker to tell the error apart.
#[wasm_bindgen(js_name = newerEpochKeyErrorName)]
pub fn newer_epoch_key_error_name() -> String {
    NEWER_EPOCH_ERROR_NAME.to_owned()
}

/// [`REPLAYED_ERROR_NAME`], for the worker to tell the error apart.
#[wasm_bindgen(js_name = replayedFrameErrorName)]
pub fn replayed_frame_error_name() -> String {
    REPLAYED_ERROR_NAME.to_owned()
}

/// Protects and unprotects the encoded frames of every transform in the worker.
#[wasm_bindgen]
pub struct FrameCryptor {
    inner: Cryptor,
    /// Where small frames are handed over without the glue's allocations.
    buffers: FrameBuffers,
}

impl Default for FrameCryptor {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl FrameCryptor {
    /// A cryptor with the default suite (`AES_128_GCM_SHA256_128`) and no key yet: every
    /// frame fails until `useEpochKey` is called.
    #[wasm_bindgen(constructor)]
    pub fn new() -> FrameCryptor {
        FrameCryptor {
            inner: Cryptor::default(),
            buffers: FrameBuffers::new(),
        }
    }

    /// Chooses the cipher suite by its RFC 9605 identifier (1-5; the meeting's policy, the
    /// same for every participant). Only before the first key; the default is 4,
    /// `AES_128_GCM_SHA256_128`. With suites 1-3 (AES-CTR + HMAC) an MLS base key is 48
    /// bytes. Throws for an unknown identifier or once a key was set.
    #[wasm_bindgen(js_name = useSuite)]
    pub fn use_suite(&mut self, suite: f64) -> Result<(), JsError> {
        // Only an exact integer 0..=65535 names a suite; anything else is refused, not wrapped.
        let id = if (0.0..=f64::from(u16::MAX)).contains(&suite) && suite.fract() == 0.0 {
            suite as u16
        } else {
            return Err(JsError::new(&format!(
                "unsupported SFrame cipher suite {suite}"
            )));
        };
        let suite = crate::CipherSuite::from_id(id).map_err(to_js_error)?;
        self.inner.use_suite(suite).map_err(to_js_error)
    }

    /// The cipher suite in use, as its RFC 9605 identifier.
    #[wasm_bindgen(getter)]
    pub fn suite(&self) -> u16 {
        self.inner.suite().id()
    }

    /// Adds MLS `epoch` (an integer number, 0 to 2^53 - 1) with its `baseKey`
    /// (`MLS-Exporter("SFrame 1.0 Base Key", "", 16)`) and sends in it at once as leaf
    /// `senderIndex`. Older epochs still decrypt for 5 s; an epoch with the same low 4 bits
    /// is dropped at once. Throws (and changes nothing) for a bad epoch number, a key that is
    /// not 16 bytes, or an epoch older than the current send epoch. `nowMs`: a monotonic
    /// clock (`performance.now()`).
    #[wasm_bindgen(js_name = useEpochKey)]
    pub fn use_epoch_key(
        &mut self,
        epoch: f64,
        #[wasm_bindgen(js_name = baseKey)] base_key: &[u8],
        #[wasm_bindgen(js_name = senderIndex)] sender_index: u32,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<(), JsError> {
        let epoch = epoch_from_js_number(epoch).map_err(to_js_error)?;
        self.inner
            .use_epoch_key(millis(now_ms), epoch, base_key, sender_index)
            .map_err(to_js_error)
    }

    /// The MLS epoch this worker sends in, or `undefined` before `useEpochKey`.
    #[wasm_bindgen(getter, js_name = sendEpoch)]
    pub fn send_epoch(&self) -> Option<f64> {
        // Epochs enter through `useEpochKey`, so they are at most 2^53 - 1: exact as f64.
        self.inner.send_epoch().map(|epoch| epoch as f64)
    }

    /// Protects an outgoing encoded frame. `codec` from its metadata (`FrameCodec`; `Other`
    /// keeps no byte in clear). Returns `clear prefix || SFrame header || ciphertext || tag`.
    pub fn protect(
        &mut self,
        frame: &[u8],
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) -> Result<Vec<u8>, JsError> {
        self.inner
            .protect(frame, codec.into(), is_key_frame)
            .map_err(to_js_error)
    }

    /// Unprotects an incoming frame at `nowMs` (`performance.now()`) for the receiver bound
    /// by `binding`. Throws an `Error` named `"NoEpochKeyError"` if the frame's MLS epoch has
    /// no key here (or another of the names above), otherwise one that says nothing about
    /// the cause. On success the frame's source is at `sourcePtr`.
    pub fn unprotect(
        &mut self,
        frame: &[u8],
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        binding: &mut ReceiverBinding,
    ) -> Result<Vec<u8>, JsValue> {
        let unprotected = self
            .inner
            .unprotect(
                millis(now_ms),
                frame,
                codec.into(),
                is_key_frame,
                &mut binding.inner,
            )
            .map_err(unprotect_error)?;
        self.buffers.set_source(&unprotected);
        Ok(unprotected.frame)
    }
}

/// The in-memory path for frames of up to `bufferFrameBytes`: the worker writes the frame
/// into Wasm memory at `inputPtr` and reads the result at `outputPtr`, so a small frame costs
/// the wasm-bindgen glue no allocation, no string and no extra copy (the glue was a quarter
/// of a 160-byte audio frame's time; BENCHMARKS.md). Views of Wasm memory go stale when it
/// grows (any call may grow it): take them again after each call.
#[wasm_bindgen]
impl FrameCryptor {
    /// Wasm memory (a `WebAssembly.Memory`), for views at the pointers below.
    #[wasm_bindgen(getter)]
    pub fn memory(&self) -> JsValue {
        wasm_bindgen::memory()
    }

    /// The longest frame the in-memory path takes.
    #[wasm_bindgen(getter, js_name = bufferFrameBytes)]
    pub fn buffer_frame_bytes(&self) -> usize {
        BUFFER_FRAME_BYTES
    }

    /// Address of the input buffer (`bufferFrameBytes` long) in Wasm memory.
    #[wasm_bindgen(getter, js_name = inputPtr)]
    pub fn input_ptr(&self) -> usize {
        self.buffers.input.as_ptr() as usize
    }

    /// Address of the output buffer in Wasm memory.
    #[wasm_bindgen(getter, js_name = outputPtr)]
    pub fn output_ptr(&self) -> usize {
        self.buffers.output.as_ptr() as usize
    }

    /// Address (8-byte aligned) of three `f64`: the MLS epoch, the sender's leaf index, and
    /// 1 if it bound its receiver (else 0), of the last frame `unprotect` or
    /// `unprotectInBuffer` returned (NaN before the first). The index comes from the key that
    /// authenticated the frame, so it says who sent it whatever the transport claims.
    #[wasm_bindgen(getter, js_name = sourcePtr)]
    pub fn source_ptr(&self) -> usize {
        self.buffers.source.as_ptr() as usize
    }

    /// `protect` for the `frameLen` bytes at `inputPtr`; the result is at `outputPtr`, its
    /// length returned. Throws as `protect` does, or if `frameLen` exceeds `bufferFrameBytes`.
    #[wasm_bindgen(js_name = protectInBuffer)]
    pub fn protect_in_buffer(
        &mut self,
        #[wasm_bindgen(js_name = frameLen)] frame_len: usize,
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) -> Result<usize, JsError> {
        let frame = self.buffers.input(frame_len)?;
        let protected = self
            .inner
            .protect(frame, codec.into(), is_key_frame)
            .map_err(to_js_error)?;
        self.buffers.set_output(&protected)
    }

    /// `unprotect` for the `frameLen` bytes at `inputPtr`; the result is at `outputPtr`, its
    /// length returned, its source at `sourcePtr`. Throws as `unprotect` does, or if
    /// `frameLen` exceeds `bufferFrameBytes`.
    #[wasm_bindgen(js_name = unprotectInBuffer)]
    pub fn unprotect_in_buffer(
        &mut self,
        #[wasm_bindgen(js_name = frameLen)] frame_len: usize,
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        binding: &mut ReceiverBinding,
    ) -> Result<usize, JsValue> {
        let frame = self.buffers.input(frame_len)?;
        let unprotected = self
            .inner
            .unprotect(
                millis(now_ms),
                frame,
                codec.into(),
                is_key_frame,
                &mut binding.inner,
            )
            .map_err(unprotect_error)?;
        let len = self.buffers.set_output(&unprotected.frame)?;
        self.buffers.set_source(&unprotected);
        Ok(len)
    }
}

/// The longest frame of the in-memory path: above every frame under the WebCrypto crossover
/// (`WEBCRYPTO_MIN_FRAME_BYTES`, 768), with room for the crossover to move.
pub const BUFFER_FRAME_BYTES: usize = 4096;
/// Protection adds a header and a tag (at most 17 + 16 bytes), and H.264 escaping at most one
/// byte in two of the ciphertext plus a trailer per NAL unit: twice the frame bounds it.
const OUTPUT_BUFFER_BYTES: usize = 2 * BUFFER_FRAME_BYTES + 64;

/// The buffers of the in-memory path. Allocated once and never resized, so their addresses
/// hold for the cryptor's life. They carry media, never key material.
struct FrameBuffers {
    input: Box<[u8]>,
    output: Box<[u8]>,
    /// `[epoch, sender leaf index, bound now (1 or 0)]` of the last unprotected frame, NaN
    /// before the first.
    source: Box<[f64; 3]>,
}

impl FrameBuffers {
    fn new() -> Self {
        Self {
            input: vec![0; BUFFER_FRAME_BYTES].into_boxed_slice(),
            output: vec![0; OUTPUT_BUFFER_BYTES].into_boxed_slice(),
            source: Box::new([f64::NAN; 3]),
        }
    }

    /// The first `len` bytes of the input buffer.
    fn input(&self, len: usize) -> Result<&[u8], JsError> {
        self.input.get(..len).ok_or_else(too_long)
    }

    /// Copies `frame` into the output buffer; returns its length.
    fn set_output(&mut self, frame: &[u8]) -> Result<usize, JsError> {
        let out = self.output.get_mut(..frame.len()).ok_or_else(too_long)?;
        out.copy_from_slice(frame);
        Ok(frame.len())
    }

    fn set_source(&mut self, unprotected: &Unprotected) {
        // Epochs are at most 2^53 - 1 (they enter through `useEpochKey`) and leaf indices
        // below 2^32: both exact as f64.
        *self.source = [
            unprotected.epoch as f64,
            unprotected.sender_index as f64,
            f64::from(u8::from(unprotected.bound_now)),
        ];
    }
}

fn too_long() -> JsError {
    JsError::new("frame is longer than the frame buffer")
}

/// A frame's codec, from the encoded frame's metadata (the worker's `codecOf`), never from
/// its bytes; a number, so that the per-frame calls pass no string.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum FrameCodec {
    /// VP8 video.
    Vp8 = 0,
    /// VP9 video.
    Vp9 = 1,
    /// H.264 video (Annex B).
    H264 = 2,
    /// AV1 video.
    Av1 = 3,
    /// Opus audio.
    Opus = 4,
    /// Anything else: no byte is left in clear.
    Other = 5,
}

impl From<FrameCodec> for Codec {
    fn from(codec: FrameCodec) -> Self {
        match codec {
            FrameCodec::Vp8 => Codec::Vp8,
            FrameCodec::Vp9 => Codec::Vp9,
            FrameCodec::H264 => Codec::H264,
            FrameCodec::Av1 => Codec::Av1,
            FrameCodec::Opus => Codec::Opus,
            FrameCodec::Other => Codec::Other,
        }
    }
}

/// The error `unprotect` throws: named for a missing key, a replay, a wrong sender, a sender
/// that moved on or a locked key (the worker counts those apart), otherwise one that says
/// nothing about the cause.
fn unprotect_error(error: Error) -> JsValue {
    let name = match error {
        Error::NoKeyForEpoch => NO_KEY_ERROR_NAME,
        Error::NoKeyForNewerEpoch => NEWER_EPOCH_ERROR_NAME,
        Error::Replayed => REPLAYED_ERROR_NAME,
        Error::WrongSender => WRONG_SENDER_ERROR_NAME,
        Error::SenderMovedOn => STALE_EPOCH_ERROR_NAME,
        Error::KeyLocked => KEY_LOCKED_ERROR_NAME,
        other => return to_js_error(other).into(),
    };
    let named = js_sys::Error::new(&error.to_string());
    named.set_name(name);
    named.into()
}

/// The split AEAD path (see `crate::cryptor::split_aead`): the worker seals and opens large
/// frames with WebCrypto, everything SFrame stays here.
#[wasm_bindgen]
impl FrameCryptor {
    /// A plan to seal a frame of `frameLen` bytes with WebCrypto, from its first `headLen`
    /// bytes (at least the clear prefix) written at `inputPtr`. Takes a counter. Returns the
    /// plan's length, the plan being at `outputPtr`; 0: no plan (also for a `headLen` above
    /// `bufferFrameBytes`), call `protect`. Never throws: one call per large frame, kept lean.
    #[wasm_bindgen(js_name = prepareProtectInBuffer)]
    pub fn prepare_protect_in_buffer(
        &mut self,
        #[wasm_bindgen(js_name = headLen)] head_len: usize,
        #[wasm_bindgen(js_name = frameLen)] frame_len: usize,
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) -> usize {
        let FrameBuffers { input, output, .. } = &mut self.buffers;
        input
            .get(..head_len)
            .and_then(|head| {
                self.inner
                    .prepare_seal(head, frame_len, codec.into(), is_key_frame, output)
            })
            .unwrap_or(0)
    }

    /// A plan to open a received frame of `frameLen` bytes with WebCrypto at `nowMs` for the
    /// receiver bound by `binding`, from its first `headLen` bytes (at least clear prefix and
    /// header) written at `inputPtr`. Returns the plan's length, the plan being at
    /// `outputPtr`; 0: no plan (also for a `headLen` above `bufferFrameBytes`, or a receiver
    /// not bound yet), call `unprotect`. After WebCrypto authenticated the frame, call
    /// `confirmUnprotect`. Never throws.
    #[wasm_bindgen(js_name = prepareUnprotectInBuffer)]
    pub fn prepare_unprotect_in_buffer(
        &mut self,
        #[wasm_bindgen(js_name = headLen)] head_len: usize,
        #[wasm_bindgen(js_name = frameLen)] frame_len: usize,
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        binding: &ReceiverBinding,
    ) -> usize {
        let FrameBuffers { input, output, .. } = &mut self.buffers;
        let (now, codec) = (millis(now_ms), codec.into());
        input
            .get(..head_len)
            .and_then(|head| {
                self.inner.prepare_open(
                    now,
                    head,
                    frame_len,
                    codec,
                    is_key_frame,
                    &binding.inner,
                    output,
                )
            })
            .unwrap_or(0)
    }

    /// Records that the frame of an unprotect plan authenticated (its `kid` and `ctr`, both
    /// read from the plan) for the receiver bound by `binding`, moving its replay window, and
    /// returns the MLS leaf index of its sender (the plan holds its epoch); -1 if the frame
    /// may not be passed on (its counter was accepted meanwhile, its key gone, the receiver
    /// re-bound, or the numbers are not a plan's). A number, not an exception: one call per
    /// large frame, kept lean.
    #[wasm_bindgen(js_name = confirmUnprotect)]
    pub fn confirm_unprotect(&mut self, kid: f64, ctr: f64, binding: &ReceiverBinding) -> f64 {
        let (Some(kid), Some(ctr)) = (plan_number(kid), plan_number(ctr)) else {
            return -1.0;
        };
        match self
            .inner
            .confirm_open(KeyId(kid), Counter(ctr), &binding.inner)
        {
            // Leaf indices are below 2^32 (KIDs are u64 with 4 epoch bits): exact as f64.
            Ok(sender) => sender as f64,
            Err(_) => -1.0,
        }
    }

    /// The raw AES key of the send key, only to import at once as a non-extractable
    /// `CryptoKey` (then zero the array). Never keep or log it. Throws off the split path.
    #[wasm_bindgen(js_name = sendKeyForImport)]
    pub fn send_key_for_import(&mut self) -> Result<js_sys::Uint8Array, JsError> {
        let key = self
            .inner
            .send_key_for_import()
            .ok_or_else(|| JsError::new("no send key for WebCrypto"))?;
        Ok(js_sys::Uint8Array::from(key.as_bytes()))
    }

    /// The raw AES key of receive KID `kid` (a plan's KID, which authenticated a frame
    /// before); as `sendKeyForImport`.
    #[wasm_bindgen(js_name = receiveKeyForImport)]
    pub fn receive_key_for_import(&mut self, kid: f64) -> Result<js_sys::Uint8Array, JsError> {
        let no_key = || JsError::new("no receive key for WebCrypto");
        let kid = plan_number(kid).ok_or_else(no_key)?;
        let key = self
            .inner
            .receive_key_for_import(KeyId(kid))
            .ok_or_else(no_key)?;
        Ok(js_sys::Uint8Array::from(key.as_bytes()))
    }
}

/// A plan's KID or CTR back from JavaScript: an integer up to 2^53 - 1, else `None`.
fn plan_number(value: f64) -> Option<u64> {
    let max = MAX_PLAN_NUMBER as f64;
    ((0.0..=max).contains(&value) && value.fract() == 0.0).then_some(value as u64)
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
impl FrameCryptor {
    /// Test builds only: records a frame the worker protected with WebCrypto.
    #[wasm_bindgen(js_name = recordSplitSent)]
    pub fn record_split_sent(
        &mut self,
        frame: &[u8],
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
        #[wasm_bindgen(js_name = protectedLen)] protected_len: usize,
    ) {
        self.inner
            .record_split_sent(frame, codec.into(), is_key_frame, protected_len);
    }

    /// Test builds only: records a frame the worker unprotects with WebCrypto.
    #[wasm_bindgen(js_name = recordSplitReceived)]
    pub fn record_split_received(
        &mut self,
        frame: &[u8],
        codec: FrameCodec,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) {
        self.inner
            .record_split_received(frame, codec.into(), is_key_frame);
    }
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
impl FrameCryptor {
    /// Test builds only: returns `{ sent, received }`, lists of
    /// `{ codec, mediaKind?, clearBytes, data: Uint8Array }`, and clears them.
    #[wasm_bindgen(js_name = takeRecordings)]
    pub fn take_recordings(&mut self) -> Result<JsValue, JsValue> {
        let recordings = self.inner.take_recordings();
        let result = js_sys::Object::new();
        js_sys::Reflect::set(&result, &"sent".into(), &frame_list(&recordings.sent)?)?;
        js_sys::Reflect::set(
            &result,
            &"received".into(),
            &frame_list(&recordings.received)?,
        )?;
        Ok(result.into())
    }
}

#[cfg(feature = "test-hooks")]
fn frame_list(list: &crate::recording::FrameList) -> Result<JsValue, JsValue> {
    let array = js_sys::Array::new();
    for frame in &list.frames {
        let object = js_sys::Object::new();
        js_sys::Reflect::set(&object, &"codec".into(), &frame.codec.name().into())?;
        if let Some(kind) = frame.codec.media_kind() {
            js_sys::Reflect::set(&object, &"mediaKind".into(), &kind.into())?;
        }
        // Frames are far below 2^53 bytes, so the count is exact as a JS number.
        let clear = frame.clear_bytes as f64;
        js_sys::Reflect::set(&object, &"clearBytes".into(), &clear.into())?;
        let data = js_sys::Uint8Array::from(frame.data.as_slice());
        js_sys::Reflect::set(&object, &"data".into(), &data)?;
        array.push(&object);
    }
    Ok(array.into())
}

/// A JavaScript time in milliseconds as the core's `u64`: saturating, NaN and negatives
/// become 0 (the core's clock never goes back, so a bogus 0 cannot revive an epoch).
fn millis(now_ms: f64) -> u64 {
    now_ms as u64
}

fn to_js_error(error: crate::Error) -> JsError {
    JsError::new(&error.to_string())
}
