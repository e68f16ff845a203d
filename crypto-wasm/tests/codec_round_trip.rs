//! Round trips for VP8 key and delta frames and Opus at several sizes, including frames
//! shorter than their clear prefix, through the same `Cryptor` the worker uses.

// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{members, pattern};
use crypto_wasm::codec::clear_len;
use crypto_wasm::{CipherSuite, Codec, Cryptor, Error};

const SIZES: &[usize] = &[
    0, 1, 2, 3, 5, 9, 10, 11, 20, 27, 28, 40, 100, 1200, 10_000, 100_000,
];

fn pair() -> (Cryptor, Cryptor) {
    members(0x5a)
}

#[test]
fn round_trip_every_codec_and_size() {
    let (mut alice, mut bob) = pair();
    let suite = CipherSuite::default();
    for (codec, key_frame) in [
        (Codec::Vp8, true),
        (Codec::Vp8, false),
        (Codec::Opus, false),
        (Codec::Other, true),
    ] {
        let prefix = codec.prefix_len(key_frame);
        for &size in SIZES {
            let frame = pattern(size, size as u8);
            let protected = alice.protect(&frame, codec, key_frame).expect("protects");
            let clear = clear_len(prefix, protected.len(), suite);
            assert!(clear <= size && clear <= prefix);
            assert_eq!(
                &protected[..clear],
                &frame[..clear],
                "clear bytes stay in clear"
            );
            if size >= prefix + 17 {
                assert_eq!(clear, prefix, "the full prefix is kept for real frames");
            }
            let back = bob
                .unprotect(
                    0,
                    &protected,
                    codec,
                    key_frame,
                    &mut crypto_wasm::SenderBinding::feed(),
                )
                .map(|u| u.frame)
                .expect("unprotects");
            assert_eq!(back, frame, "{codec:?} key={key_frame} size={size}");
        }
    }
}

#[test]
fn fails_closed_before_the_first_epoch_key() {
    let mut fresh = Cryptor::default();
    assert_eq!(
        fresh.protect(b"frame", Codec::Opus, false),
        Err(Error::NoKeySource)
    );
    let (mut alice, _) = pair();
    let protected = alice
        .protect(b"frame", Codec::Opus, false)
        .expect("protects");
    assert_eq!(
        fresh
            .unprotect(
                0,
                &protected,
                Codec::Opus,
                false,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .map(|u| u.frame),
        Err(Error::NoKeySource)
    );
}

#[test]
fn codec_prefixes() {
    assert_eq!(Codec::Vp8.prefix_len(true), 10);
    assert_eq!(Codec::Vp8.prefix_len(false), 3);
    assert_eq!(Codec::Opus.prefix_len(true), 0);
}
