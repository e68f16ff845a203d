//! The exported `FrameCryptor` API in a real browser (headless Chromium).
//!
//! Run from the workspace root (the runner reads `crypto-wasm/webdriver.json`, since cargo
//! starts test binaries in the package directory):
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_DIR=/work/target-crypto \
//!   cargo test -p crypto-wasm --target wasm32-unknown-unknown --features test-hooks
//! ```
//! (without `--features test-hooks` the recording test is compiled out).
#![cfg(target_arch = "wasm32")]
// Test code: `#[wasm_bindgen_test]` functions are not recognised as tests by clippy.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crypto_wasm::wasm::FrameCryptor;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn frame(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

#[wasm_bindgen_test]
fn protect_then_unprotect_round_trips() {
    let mut alice = FrameCryptor::new();
    let mut bob = FrameCryptor::new();
    alice
        .use_meeting_secret(&[9; 32], 0x0102_0304)
        .expect("alice key");
    bob.use_meeting_secret(&[9; 32], 77).expect("bob key");
    for (codec, key) in [
        ("vp8", true),
        ("vp8", false),
        ("opus", false),
        ("h264", true),
    ] {
        let plain = frame(333);
        let protected = alice.protect(&plain, codec, key).expect("protect");
        assert_ne!(protected, plain);
        assert_eq!(
            bob.unprotect(&protected, codec, key).expect("unprotect"),
            plain
        );
    }
}

#[wasm_bindgen_test]
fn wrong_secret_throws() {
    let mut alice = FrameCryptor::new();
    let mut eve = FrameCryptor::new();
    alice.use_meeting_secret(&[9; 32], 1).expect("alice key");
    eve.use_meeting_secret(&[8; 32], 2).expect("eve key");
    let protected = alice.protect(&frame(100), "vp8", false).expect("protect");
    assert!(eve.unprotect(&protected, "vp8", false).is_err());
}

#[wasm_bindgen_test]
fn fails_closed_without_a_key() {
    let mut fresh = FrameCryptor::new();
    assert!(fresh.protect(&frame(10), "opus", false).is_err());
    assert!(fresh.unprotect(&frame(40), "opus", false).is_err());
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen_test]
fn recordings_are_taken_and_cleared() {
    use wasm_bindgen::JsValue;
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).expect("property");
    let mut alice = FrameCryptor::new();
    alice.use_meeting_secret(&[9; 32], 1).expect("alice key");
    let protected = alice.protect(&frame(50), "vp8", true).expect("protect");
    let _ = alice.unprotect(&protected, "vp8", true);
    let recordings = alice.take_recordings().expect("recordings");
    let sent = js_sys::Array::from(&get(&recordings, "sent"));
    let received = js_sys::Array::from(&get(&recordings, "received"));
    assert_eq!((sent.length(), received.length()), (1, 1));
    let first = sent.get(0);
    assert_eq!(get(&first, "clearBytes").as_f64(), Some(10.0));
    assert_eq!(
        get(&first, "mediaKind").as_string().as_deref(),
        Some("video")
    );
    assert_eq!(
        js_sys::Uint8Array::new(&get(&first, "data")).to_vec(),
        frame(50)
    );
    let again = alice.take_recordings().expect("recordings");
    assert_eq!(js_sys::Array::from(&get(&again, "sent")).length(), 0);
}
