//! `Cryptor::unprotect` against fuzzer-made frames, for every suite, with one MLS epoch held
//! or two. Two modes:
//! - raw: the bytes are the frame. Nothing may panic, and nothing may decrypt but a genuine
//!   frame of the harness's own sender (the fuzzer can learn one: the tampered mode compares
//!   it, and libFuzzer records the bytes of comparisons).
//! - tampered: a real frame from a keyed sender, XORed with the fuzzer's mask and extended by
//!   its extra bytes. It must decrypt to the original exactly when the mask changes nothing,
//!   and fail otherwise.
//!
//! Input: `suite (mod 5) | flags | rest`; flags bit 0 two epochs, bits 1-2 and 5 codec, bit 3
//! key frame, bit 4 tampered mode. In tampered mode `rest` is `plaintext length (2 bytes, mod
//! 4096) | mask`.
#![no_main]

use crypto_wasm::{CipherSuite, Codec, Cryptor, Error};
use libfuzzer_sys::fuzz_target;

fn keyed(suite: CipherSuite, two_epochs: bool, sender: bool) -> Option<Cryptor> {
    let mut cryptor = Cryptor::new(suite);
    let index = if sender { 3 } else { 8 };
    // Frames are sent in the newest epoch held.
    let epochs: &[u64] = if two_epochs { &[17, 18] } else { &[18] };
    for &epoch in epochs {
        let base_key: Vec<u8> = (0..suite.nk()).map(|i| i as u8 ^ epoch as u8).collect();
        cryptor.use_epoch_key(0, epoch, &base_key, index).ok()?;
    }
    Some(cryptor)
}

fuzz_target!(|data: &[u8]| {
    let [suite, flags, rest @ ..] = data else {
        return;
    };
    let suite = CipherSuite::ALL[usize::from(*suite) % CipherSuite::ALL.len()];
    let two_epochs = flags & 1 != 0;
    let codec = [
        Codec::Vp8,
        Codec::Opus,
        Codec::Other,
        Codec::Vp8,
        Codec::Vp9,
        Codec::H264,
        Codec::Av1,
        Codec::H264,
    ][usize::from(flags >> 1) & 3 | usize::from(flags >> 5 & 1) << 2];
    let key_frame = flags & 8 != 0;
    let Some(mut receiver) = keyed(suite, two_epochs, false) else {
        panic!("a receiver can always be keyed");
    };

    if flags & 16 == 0 {
        match receiver.unprotect(
            1,
            rest,
            codec,
            key_frame,
            &mut crypto_wasm::SenderBinding::feed(),
        ) {
            Ok(unprotected) => {
                // Only the frame the harness's sender makes of this plaintext (its first,
                // counter 0) authenticates. A 4-byte tag (suite 0x0003) is forged by chance
                // once in 2^32 tries, which a long run may reach; from 8 bytes on a forgery
                // is a bug.
                let Some(mut sender) = keyed(suite, two_epochs, true) else {
                    panic!("a sender can always be keyed");
                };
                let genuine = sender.protect(&unprotected.frame, codec, key_frame);
                if suite.nt() >= 8 {
                    assert_eq!(genuine.as_deref(), Ok(rest), "raw bytes decrypted");
                }
            }
            Err(error) => assert!(
                !matches!(error, Error::Replayed),
                "a fresh receiver saw a replay"
            ),
        }
        return;
    }

    let [len_hi, len_lo, mask @ ..] = rest else {
        return;
    };
    let len = usize::from(u16::from_be_bytes([*len_hi, *len_lo])) % 4096;
    let plain: Vec<u8> = (0..len).map(|i| (i * 7 + 1) as u8).collect();
    let Some(mut sender) = keyed(suite, two_epochs, true) else {
        panic!("a sender can always be keyed");
    };
    // Structured codecs (H.264, AV1) refuse frames that do not parse as theirs.
    let Ok(original) = sender.protect(&plain, codec, key_frame) else {
        return;
    };
    let mut frame = original.clone();
    for (byte, m) in frame.iter_mut().zip(mask) {
        *byte ^= m;
    }
    if mask.len() > original.len() {
        frame.extend_from_slice(&mask[original.len()..]);
    }
    let result = receiver.unprotect(
        1,
        &frame,
        codec,
        key_frame,
        &mut crypto_wasm::SenderBinding::feed(),
    );
    if frame == original {
        let Ok(unprotected) = result else {
            panic!("an intact frame must decrypt");
        };
        assert_eq!(unprotected.frame, plain);
        // Once accepted, the same frame is a replay.
        assert_eq!(
            receiver
                .unprotect(
                    1,
                    &frame,
                    codec,
                    key_frame,
                    &mut crypto_wasm::SenderBinding::feed()
                )
                .map(|_| ()),
            Err(Error::Replayed)
        );
    } else if suite.nt() >= 8 {
        // As above: only the 4-byte tag may be hit by chance.
        assert!(result.is_err(), "a tampered frame decrypted");
    }
});
