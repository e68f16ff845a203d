//! The `#[wasm_bindgen]` edge called by `www/e2ee-worker.js` (compiled on `wasm32` only).
//!
//! Thin wrappers over [`crate::Cryptor`]: argument conversion, and errors turned into
//! `JsError` here and only here (a `JsError` built in a native test would panic).

use wasm_bindgen::prelude::*;

use crate::codec::Codec;
use crate::cryptor::Cryptor;
use crate::header::KeyId;

/// Protects and unprotects the encoded frames of every transform in the worker.
#[wasm_bindgen]
pub struct FrameCryptor {
    inner: Cryptor,
}

impl Default for FrameCryptor {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl FrameCryptor {
    /// A cryptor with the default suite (`AES_128_GCM_SHA256_128`) and no key yet: every
    /// frame fails until `useMeetingSecret` is called.
    #[wasm_bindgen(constructor)]
    pub fn new() -> FrameCryptor {
        FrameCryptor {
            inner: Cryptor::default(),
        }
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

    /// Unprotects an incoming frame; throws an error that says nothing about the cause.
    pub fn unprotect(
        &mut self,
        frame: &[u8],
        codec: &str,
        #[wasm_bindgen(js_name = isKeyFrame)] is_key_frame: bool,
    ) -> Result<Vec<u8>, JsError> {
        self.inner
            .unprotect(frame, Codec::from_name(codec), is_key_frame)
            .map_err(to_js_error)
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

fn to_js_error(error: crate::Error) -> JsError {
    JsError::new(&error.to_string())
}
