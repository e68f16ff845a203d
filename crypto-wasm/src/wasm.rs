//! The `#[wasm_bindgen]` edge called by `www/e2ee-worker.js` (compiled on `wasm32` only).
//!
//! Thin wrappers over [`crate::Cryptor`]: argument conversion, and errors turned into
//! `JsError` here and only here (a `JsError` built in a native test would panic).
//!
//! `unprotect` throws: name [`NO_KEY_ERROR_NAME`] (or [`NEWER_EPOCH_ERROR_NAME`]) when the
//! frame's MLS epoch is not held (the worker counts it as "waiting for key"),
//! [`REPLAYED_ERROR_NAME`] for an authentic frame seen before (counted as `replayed`),
//! otherwise a plain `Error` that says nothing about the cause.

use wasm_bindgen::prelude::*;

use crate::codec::Codec;
use crate::cryptor::Cryptor;
use crate::header::KeyId;
use crate::mls_keys::epoch_from_js_number;
use crate::Error;

/// The `name` of the error `unprotect` throws for a frame whose epoch has no key.
pub const NO_KEY_ERROR_NAME: &str = "NoEpochKeyError";
/// `name` of the error thrown when the frame's epoch is newer than ours (we fell behind).
pub const NEWER_EPOCH_ERROR_NAME: &str = "NewerEpochKeyError";
/// `name` of the error `unprotect` throws for an authentic frame already accepted, or older
/// than the sender key's replay window (RFC 9605 section 9.3).
pub const REPLAYED_ERROR_NAME: &str = "ReplayedFrameError";

/// Protects and unprotects the encoded frames of every transform in the worker.
#[wasm_bindgen]
pub struct FrameCryptor {
    inner: Cryptor,
    /// Epoch of the last frame `unprotect` returned (`None` under the meeting secret).
    last_epoch: Option<u64>,
    /// Sender leaf index of the last frame `unprotect` returned (`None` likewise).
    last_sender_index: Option<u64>,
}

impl Default for FrameCryptor {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl FrameCryptor {
    /// A cryptor with the default suite (`AES_128_GCM_SHA256_128`) and no key yet: every
    /// frame fails until `useEpochKey` (or, for now, `useMeetingSecret`) is called.
    #[wasm_bindgen(constructor)]
    pub fn new() -> FrameCryptor {
        FrameCryptor {
            inner: Cryptor::default(),
            last_epoch: None,
            last_sender_index: None,
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

    /// Derives keys from the 32-byte meeting secret; this worker sends under `senderKeyId`
    /// (random, chosen by the worker; never reuse one).
    #[wasm_bindgen(js_name = useMeetingSecret)]
    pub fn use_meeting_secret(
        &mut self,
        secret: &[u8],
        #[wasm_bindgen(js_name = senderKeyId)] sender_key_id: u32,
    ) -> Result<(), JsError> {
        self.inner
            .use_meeting_secret(secret, KeyId(u64::from(sender_key_id)))
            .map_err(to_js_error)
    }

    /// Adds MLS `epoch` (an integer number, 0 to 2^53 - 1) with its `baseKey`
    /// (`MLS-Exporter("SFrame 1.0 Base Key", "", 16)`) and sends in it at once as leaf
    /// `senderIndex`. Older epochs still decrypt for 5 s; an epoch with the same low 4 bits
    /// is dropped at once. Throws (and changes nothing) for a bad epoch number, a key that is
    /// not 16 bytes, or an epoch older than the current send epoch. The first call replaces
    /// the meeting secret for good. `nowMs`: a monotonic clock (`performance.now()`).
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

    /// The MLS epoch of the last frame `unprotect` returned, or `undefined` (none yet, or
    /// meeting-secret keys).
    #[wasm_bindgen(getter, js_name = lastEpoch)]
    pub fn last_epoch(&self) -> Option<f64> {
        // As for `sendEpoch`: at most 2^53 - 1.
        self.last_epoch.map(|epoch| epoch as f64)
    }

    /// The MLS leaf index of the sender of the last frame `unprotect` returned, or
    /// `undefined`. It comes from the key that authenticated the frame, so it says who sent
    /// it whatever the transport claims.
    #[wasm_bindgen(getter, js_name = lastSenderIndex)]
    pub fn last_sender_index(&self) -> Option<f64> {
        // Leaf indices are below 2^32 (KIDs are u64 with 4 epoch bits): exact as f64.
        self.last_sender_index.map(|sender| sender as f64)
    }

    /// Protects an outgoing encoded frame. `codec`: `"vp8"`, `"opus"`, anything else keeps
    /// no byte in clear. Returns `clear prefix || SFrame header || ciphertext || tag`.
    pub fn protect(
        &mut self,
        frame: &[u8],
        codec: &str,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) -> Result<Vec<u8>, JsError> {
        self.inner
            .protect(frame, Codec::from_name(codec), is_key_frame)
            .map_err(to_js_error)
    }

    /// Unprotects an incoming frame at `nowMs` (`performance.now()`). Throws an `Error`
    /// named `"NoEpochKeyError"` if the frame's MLS epoch has no key here, otherwise one that
    /// says nothing about the cause. On success `lastEpoch` is the frame's epoch.
    pub fn unprotect(
        &mut self,
        frame: &[u8],
        codec: &str,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<Vec<u8>, JsValue> {
        match self
            .inner
            .unprotect(millis(now_ms), frame, Codec::from_name(codec), is_key_frame)
        {
            Ok(unprotected) => {
                self.last_epoch = unprotected.epoch;
                self.last_sender_index = unprotected.sender_index;
                Ok(unprotected.frame)
            }
            Err(missing @ (Error::NoKeyForEpoch | Error::NoKeyForNewerEpoch)) => {
                let error = js_sys::Error::new(&missing.to_string());
                error.set_name(if matches!(missing, Error::NoKeyForNewerEpoch) {
                    NEWER_EPOCH_ERROR_NAME
                } else {
                    NO_KEY_ERROR_NAME
                });
                Err(error.into())
            }
            Err(Error::Replayed) => {
                let error = js_sys::Error::new(&Error::Replayed.to_string());
                error.set_name(REPLAYED_ERROR_NAME);
                Err(error.into())
            }
            Err(other) => Err(to_js_error(other).into()),
        }
    }
}

/// The split AEAD path (see `crate::cryptor::split_aead`): the worker seals and opens large
/// frames with WebCrypto, everything SFrame stays here.
#[wasm_bindgen]
impl FrameCryptor {
    /// A plan to seal a frame of `frameLen` bytes with WebCrypto, `head` being its first
    /// bytes (at least the clear prefix). Takes a counter. `undefined`: call `protect`.
    #[wasm_bindgen(js_name = prepareProtect)]
    pub fn prepare_protect(
        &mut self,
        head: &[u8],
        #[wasm_bindgen(js_name = frameLen)] frame_len: usize,
        codec: &str,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) -> Option<Vec<u8>> {
        self.inner
            .prepare_seal(head, frame_len, Codec::from_name(codec), is_key_frame)
    }

    /// A plan to open a received frame of `frameLen` bytes with WebCrypto at `nowMs`, `head`
    /// being its first bytes (at least clear prefix and header). `undefined`: call
    /// `unprotect`. After WebCrypto authenticated the frame, call `confirmUnprotect(plan)`.
    #[wasm_bindgen(js_name = prepareUnprotect)]
    pub fn prepare_unprotect(
        &mut self,
        head: &[u8],
        #[wasm_bindgen(js_name = frameLen)] frame_len: usize,
        codec: &str,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Option<Vec<u8>> {
        self.inner.prepare_open(
            millis(now_ms),
            head,
            frame_len,
            Codec::from_name(codec),
            is_key_frame,
        )
    }

    /// Records that the frame of an unprotect plan authenticated (replay window, `lastEpoch`,
    /// `lastSenderIndex`) and returns the MLS leaf index of its sender (one call instead of
    /// two on every large frame). Throws if it may not be passed on (its counter was accepted
    /// meanwhile, its key gone).
    #[wasm_bindgen(js_name = confirmUnprotect)]
    pub fn confirm_unprotect(&mut self, plan: &[u8]) -> Result<f64, JsError> {
        let sender = self.inner.confirm_open(plan).map_err(to_js_error)?;
        let epoch = plan
            .get(24..32)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(f64::from_le_bytes)
            .and_then(|e| epoch_from_js_number(e).ok());
        self.last_epoch = epoch;
        self.last_sender_index = Some(sender);
        // Leaf indices are below 2^32 (KIDs are u64 with 4 epoch bits): exact as f64.
        Ok(sender as f64)
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
        // Plans carry KIDs up to 2^53 - 1, exact as numbers.
        if !(0.0..=9_007_199_254_740_991.0).contains(&kid) || kid.fract() != 0.0 {
            return Err(no_key());
        }
        let key = self
            .inner
            .receive_key_for_import(KeyId(kid as u64))
            .ok_or_else(no_key)?;
        Ok(js_sys::Uint8Array::from(key.as_bytes()))
    }
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
impl FrameCryptor {
    /// Test builds only: records a frame the worker protected with WebCrypto.
    #[wasm_bindgen(js_name = recordSplitSent)]
    pub fn record_split_sent(
        &mut self,
        frame: &[u8],
        codec: &str,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
        #[wasm_bindgen(js_name = protectedLen)] protected_len: usize,
    ) {
        self.inner
            .record_split_sent(frame, Codec::from_name(codec), is_key_frame, protected_len);
    }

    /// Test builds only: records a frame the worker unprotects with WebCrypto.
    #[wasm_bindgen(js_name = recordSplitReceived)]
    pub fn record_split_received(
        &mut self,
        frame: &[u8],
        codec: &str,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) {
        self.inner
            .record_split_received(frame, Codec::from_name(codec), is_key_frame);
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
