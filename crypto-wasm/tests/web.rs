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

use crypto_wasm::wasm::{FrameCodec, FrameCryptor, ReceiverBinding};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn frame(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

/// A cryptor as the worker holds it after its first `useEpochKey`: epoch 2 under `base`,
/// sending as leaf `leaf`.
fn member(base: &[u8], leaf: u32) -> FrameCryptor {
    let mut cryptor = FrameCryptor::new();
    cryptor
        .use_epoch_key(2.0, base, leaf, 0.0)
        .expect("epoch key");
    cryptor
}

/// A view of `len` bytes of Wasm memory at `ptr`, as the worker takes it.
fn memory_view(cryptor: &FrameCryptor, ptr: usize, len: usize) -> js_sys::Uint8Array {
    let memory: js_sys::WebAssembly::Memory = cryptor.memory().into();
    js_sys::Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), ptr as u32, len as u32)
}

/// `(epoch, sender index)` at `sourcePtr`, as the worker reads them (NaN is "not known").
fn source_of(cryptor: &FrameCryptor) -> (Option<f64>, Option<f64>) {
    let memory: js_sys::WebAssembly::Memory = cryptor.memory().into();
    let source = js_sys::Float64Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        cryptor.source_ptr() as u32,
        2,
    );
    let known = |value: f64| (!value.is_nan()).then_some(value);
    (known(source.get_index(0)), known(source.get_index(1)))
}

/// `protectInBuffer` as the worker calls it: copy in, call, copy out.
fn protect_in_buffer(
    cryptor: &mut FrameCryptor,
    plain: &[u8],
    codec: FrameCodec,
) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    memory_view(cryptor, cryptor.input_ptr(), plain.len()).copy_from(plain);
    let len = cryptor.protect_in_buffer(plain.len(), codec, false)?;
    Ok(memory_view(cryptor, cryptor.output_ptr(), len).to_vec())
}

/// `unprotectInBuffer` as the worker calls it.
fn unprotect_in_buffer(
    cryptor: &mut FrameCryptor,
    protected: &[u8],
    codec: FrameCodec,
) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    memory_view(cryptor, cryptor.input_ptr(), protected.len()).copy_from(protected);
    let len = cryptor.unprotect_in_buffer(
        protected.len(),
        codec,
        false,
        1000.0,
        &mut ReceiverBinding::for_feed(),
    )?;
    Ok(memory_view(cryptor, cryptor.output_ptr(), len).to_vec())
}

#[wasm_bindgen_test]
fn the_in_memory_path_matches_the_plain_calls() {
    let mut alice = member(&[4; 16], 3);
    let mut bob = member(&[4; 16], 5);
    // The longest leaves room for header and tag: the protected frame must fit the buffer too.
    for len in [0, 1, 160, 767, cryptor_limit() - 40] {
        for codec in [FrameCodec::Opus, FrameCodec::Vp8] {
            let plain = frame(len);
            // In the buffer one way, through the plain calls the other, and both in the buffer.
            let sealed = protect_in_buffer(&mut alice, &plain, codec).expect("protect in buffer");
            assert_eq!(
                bob.unprotect(
                    &sealed,
                    codec,
                    false,
                    1000.0,
                    &mut ReceiverBinding::for_feed()
                )
                .expect("unprotect"),
                plain
            );
            let sealed = alice.protect(&plain, codec, false).expect("protect");
            assert_eq!(
                unprotect_in_buffer(&mut bob, &sealed, codec).expect("unprotect in buffer"),
                plain
            );
            assert_eq!(source_of(&bob), (Some(2.0), Some(3.0)));
            let sealed = protect_in_buffer(&mut alice, &plain, codec).expect("protect in buffer");
            assert_eq!(
                unprotect_in_buffer(&mut bob, &sealed, codec).expect("unprotect in buffer"),
                plain
            );
        }
    }
}

fn cryptor_limit() -> usize {
    FrameCryptor::new().buffer_frame_bytes()
}

#[wasm_bindgen_test]
fn the_in_memory_path_refuses_what_does_not_fit_and_fails_closed() {
    let mut alice = member(&[4; 16], 3);
    let mut bob = member(&[4; 16], 5);
    let limit = alice.buffer_frame_bytes();
    assert!(alice
        .protect_in_buffer(limit + 1, FrameCodec::Opus, false)
        .is_err());
    assert!(bob
        .unprotect_in_buffer(
            limit + 1,
            FrameCodec::Opus,
            false,
            0.0,
            &mut ReceiverBinding::for_feed()
        )
        .is_err());
    // A forged frame in the buffer: an opaque error, and no source reported.
    let mut forged = protect_in_buffer(&mut alice, &frame(100), FrameCodec::Opus).expect("protect");
    forged[20] ^= 1;
    let error = unprotect_in_buffer(&mut bob, &forged, FrameCodec::Opus).expect_err("forged");
    assert_eq!(error_name(&error), "Error");
    assert_eq!(source_of(&bob), (None, None));
    // Nothing else changed: the next frame goes through.
    let next = protect_in_buffer(&mut alice, &frame(100), FrameCodec::Opus).expect("protect");
    assert_eq!(
        unprotect_in_buffer(&mut bob, &next, FrameCodec::Opus).expect("unprotect"),
        frame(100)
    );
}

#[wasm_bindgen_test]
fn protect_then_unprotect_round_trips() {
    let mut alice = member(&[9; 16], 1);
    let mut bob = member(&[9; 16], 77);
    for (codec, key) in [
        (FrameCodec::Vp8, true),
        (FrameCodec::Vp8, false),
        (FrameCodec::Opus, false),
        (FrameCodec::Other, true),
    ] {
        let plain = frame(333);
        let protected = alice.protect(&plain, codec, key).expect("protect");
        assert_ne!(protected, plain);
        assert_eq!(
            bob.unprotect(
                &protected,
                codec,
                key,
                0.0,
                &mut ReceiverBinding::for_feed()
            )
            .expect("unprotect"),
            plain
        );
    }
}

#[wasm_bindgen_test]
fn wrong_key_throws() {
    let mut alice = member(&[9; 16], 1);
    let mut eve = member(&[8; 16], 2);
    let protected = alice
        .protect(&frame(100), FrameCodec::Vp8, false)
        .expect("protect");
    assert!(eve
        .unprotect(
            &protected,
            FrameCodec::Vp8,
            false,
            0.0,
            &mut ReceiverBinding::for_feed()
        )
        .is_err());
}

#[wasm_bindgen_test]
fn fails_closed_without_a_key() {
    let mut fresh = FrameCryptor::new();
    assert!(fresh.protect(&frame(10), FrameCodec::Opus, false).is_err());
    assert!(fresh
        .unprotect(
            &frame(40),
            FrameCodec::Opus,
            false,
            0.0,
            &mut ReceiverBinding::for_feed()
        )
        .is_err());
}

fn error_name(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"name".into())
        .expect("name")
        .as_string()
        .expect("a string")
}

#[wasm_bindgen_test]
fn epoch_keys_round_trip_and_report_the_epoch() {
    let base = [5u8; 16];
    let mut alice = FrameCryptor::new();
    let mut bob = FrameCryptor::new();
    alice
        .use_epoch_key(7.0, &base, 0, 1000.0)
        .expect("alice key");
    bob.use_epoch_key(7.0, &base, 1, 1000.0).expect("bob key");
    assert_eq!(alice.send_epoch(), Some(7.0));
    assert_eq!(source_of(&bob), (None, None));
    for (codec, key) in [
        (FrameCodec::Vp8, true),
        (FrameCodec::Vp8, false),
        (FrameCodec::Opus, false),
    ] {
        let plain = frame(222);
        let protected = alice.protect(&plain, codec, key).expect("protect");
        assert_eq!(
            bob.unprotect(
                &protected,
                codec,
                key,
                1001.0,
                &mut ReceiverBinding::for_feed()
            )
            .expect("unprotect"),
            plain
        );
        assert_eq!(source_of(&bob), (Some(7.0), Some(0.0)));
    }
    // Bob's own frames come back reflected: refused, and not as "no key".
    let own = bob
        .protect(&frame(40), FrameCodec::Opus, false)
        .expect("protect");
    let error = bob
        .unprotect(
            &own,
            FrameCodec::Opus,
            false,
            1002.0,
            &mut ReceiverBinding::for_feed(),
        )
        .expect_err("own KID");
    assert_eq!(error_name(&error), "Error");
}

#[wasm_bindgen_test]
fn unknown_epoch_throws_no_key_error() {
    let mut alice = FrameCryptor::new();
    let mut carol = FrameCryptor::new();
    alice.use_epoch_key(3.0, &[1; 16], 0, 0.0).expect("epoch 3");
    alice
        .use_epoch_key(4.0, &[2; 16], 0, 10.0)
        .expect("epoch 4");
    carol
        .use_epoch_key(3.0, &[1; 16], 2, 0.0)
        .expect("carol epoch 3");
    let protected = alice
        .protect(&frame(100), FrameCodec::Vp8, false)
        .expect("protect");
    // Epoch 4 is just ahead of Carol's newest: she fell behind, and is told so.
    let error = carol
        .unprotect(
            &protected,
            FrameCodec::Vp8,
            false,
            20.0,
            &mut ReceiverBinding::for_feed(),
        )
        .expect_err("no key");
    assert_eq!(error_name(&error), "NewerEpochKeyError");
    // A frame of an epoch far from hers (or expired) is plain "no key".
    let mut dave = FrameCryptor::new();
    dave.use_epoch_key(12.0, &[9; 16], 1, 0.0)
        .expect("dave epoch 12");
    let far = dave
        .protect(&frame(100), FrameCodec::Vp8, false)
        .expect("protect");
    let error = carol
        .unprotect(
            &far,
            FrameCodec::Vp8,
            false,
            20.0,
            &mut ReceiverBinding::for_feed(),
        )
        .expect_err("no key");
    assert_eq!(error_name(&error), "NoEpochKeyError");
    // A tampered frame of a held epoch is a plain, opaque failure.
    alice
        .use_epoch_key(5.0, &[3; 16], 0, 30.0)
        .expect("epoch 5");
    carol
        .use_epoch_key(5.0, &[3; 16], 2, 30.0)
        .expect("carol epoch 5");
    let mut tampered = alice
        .protect(&frame(100), FrameCodec::Vp8, false)
        .expect("protect");
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let error = carol
        .unprotect(
            &tampered,
            FrameCodec::Vp8,
            false,
            40.0,
            &mut ReceiverBinding::for_feed(),
        )
        .expect_err("tampered");
    assert_eq!(error_name(&error), "Error");
    assert_eq!(source_of(&carol), (None, None));
}

#[wasm_bindgen_test]
fn use_epoch_key_rejects_bad_arguments() {
    let mut cryptor = FrameCryptor::new();
    for epoch in [-1.0, 1.5, f64::NAN, 9_007_199_254_740_992.0] {
        assert!(cryptor.use_epoch_key(epoch, &[1; 16], 0, 0.0).is_err());
    }
    assert!(cryptor.use_epoch_key(1.0, &[1; 32], 0, 0.0).is_err());
    assert!(cryptor
        .protect(&frame(10), FrameCodec::Opus, false)
        .is_err());
    cryptor
        .use_epoch_key(9_007_199_254_740_991.0, &[1; 16], 0, 0.0)
        .expect("2^53 - 1 is accepted");
    assert!(cryptor.use_epoch_key(5.0, &[1; 16], 0, 0.0).is_err());
    assert_eq!(cryptor.send_epoch(), Some(9_007_199_254_740_991.0));
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen_test]
fn recordings_are_taken_and_cleared() {
    use wasm_bindgen::JsValue;
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).expect("property");
    let mut alice = member(&[9; 16], 1);
    let protected = alice
        .protect(&frame(50), FrameCodec::Vp8, true)
        .expect("protect");
    let _ = alice.unprotect(
        &protected,
        FrameCodec::Vp8,
        true,
        0.0,
        &mut ReceiverBinding::for_feed(),
    );
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

#[wasm_bindgen_test]
fn plans_for_webcrypto_go_through_the_buffers() {
    let base = [6u8; 16];
    let mut alice = FrameCryptor::new();
    let mut bob = FrameCryptor::new();
    alice.use_epoch_key(1.0, &base, 0, 0.0).expect("alice key");
    bob.use_epoch_key(1.0, &base, 1, 0.0).expect("bob key");
    let big = frame(2000);
    // A plan comes only for a KID that authenticated a frame in Rust before.
    let first = alice
        .protect(&big, FrameCodec::Vp8, false)
        .expect("protect");
    let mut feed = ReceiverBinding::for_feed();
    bob.unprotect(&first, FrameCodec::Vp8, false, 1.0, &mut feed)
        .expect("unprotect");
    assert_eq!(
        feed.bound_sender(),
        Some(0.0),
        "the first frame bound the feed"
    );

    let head = &big[..64];
    memory_view(&alice, alice.input_ptr(), head.len()).copy_from(head);
    let plan_len = alice.prepare_protect_in_buffer(head.len(), big.len(), FrameCodec::Vp8, false);
    assert!(plan_len > 44, "a plan: fixed fields, then the AAD");

    let second = alice
        .protect(&big, FrameCodec::Vp8, false)
        .expect("protect");
    memory_view(&bob, bob.input_ptr(), 64).copy_from(&second[..64]);
    let plan_len =
        bob.prepare_unprotect_in_buffer(64, second.len(), FrameCodec::Vp8, false, 2.0, &feed);
    assert!(plan_len > 44);
    let plan = memory_view(&bob, bob.output_ptr(), plan_len).to_vec();
    // Confirmed once (as after WebCrypto authenticated it): named by the sender's leaf;
    // confirmed again: a replay. KID and CTR are the plan's numbers.
    let number = |at: usize| f64::from_le_bytes(plan[at..at + 8].try_into().expect("8 bytes"));
    let (kid, ctr) = (number(8), number(16));
    // A receiver bound elsewhere cannot confirm it.
    let mut peer = ReceiverBinding::for_peer();
    peer.expect_sender(Some(4), &bob);
    assert_eq!(bob.confirm_unprotect(kid, ctr, &peer), -1.0);
    assert_eq!(bob.confirm_unprotect(kid, ctr, &feed), 0.0);
    assert_eq!(bob.confirm_unprotect(kid, ctr, &feed), -1.0);
    // Numbers that no plan holds are refused.
    for bad in [-1.0, 0.5, f64::NAN, 9_007_199_254_740_992.0] {
        assert_eq!(bob.confirm_unprotect(bad, ctr + 1.0, &feed), -1.0);
        assert_eq!(bob.confirm_unprotect(kid, bad, &feed), -1.0);
    }
    // A head longer than the buffer gets no plan.
    let too_long = bob.buffer_frame_bytes() + 1;
    assert_eq!(
        bob.prepare_unprotect_in_buffer(too_long, 9000, FrameCodec::Vp8, false, 3.0, &feed),
        0
    );
}

#[wasm_bindgen_test]
fn the_worker_reads_the_names_unprotect_throws() {
    use crypto_wasm::wasm::{
        key_locked_error_name, newer_epoch_key_error_name, no_epoch_key_error_name,
        replayed_frame_error_name, stale_epoch_error_name, wrong_sender_error_name,
    };
    // The names the tests above see thrown are the ones the module hands the worker.
    assert_eq!(no_epoch_key_error_name(), "NoEpochKeyError");
    assert_eq!(newer_epoch_key_error_name(), "NewerEpochKeyError");
    assert_eq!(replayed_frame_error_name(), "ReplayedFrameError");
    assert_eq!(wrong_sender_error_name(), "WrongSenderError");
    assert_eq!(stale_epoch_error_name(), "StaleEpochError");
    assert_eq!(key_locked_error_name(), "KeyLockedError");
}
