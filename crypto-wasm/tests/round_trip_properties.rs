//! Property tests: for every suite, codec (VP8 key and delta frames, Opus, other), members
//! keyed by an MLS epoch and frame sizes from 0 to 100 000 bytes (mostly small, some large), protecting
//! then unprotecting gives the frame back, and flipping any single bit of the protected
//! frame makes it fail.
#![cfg(not(target_arch = "wasm32"))]
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::member;
use crypto_wasm::{CipherSuite, Codec, Error, SenderBinding};
use proptest::prelude::*;
use proptest::sample::Index;

fn suite() -> impl Strategy<Value = CipherSuite> {
    prop::sample::select(CipherSuite::ALL.to_vec())
}

/// (codec, key frame): VP8 key, VP8 delta, Opus, any other codec.
fn codec() -> impl Strategy<Value = (Codec, bool)> {
    prop::sample::select(vec![
        (Codec::Vp8, true),
        (Codec::Vp8, false),
        (Codec::Opus, false),
        (Codec::Other, false),
        (Codec::Other, true),
    ])
}

/// Mostly small frames (audio, tiny deltas, shorter than the clear prefix), some video-sized
/// ones, a few up to 100 000 bytes.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        8 => 0usize..=64,
        4 => 65usize..=4_000,
        1 => 4_001usize..=100_000,
    ]
}

/// Frame bytes from a seed, cheaper than a generated `Vec` of 100 kB.
fn frame(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn protect_then_unprotect_is_the_identity(
        suite in suite(),
        (codec, key_frame) in codec(),
        len in size(),
        seed in any::<u64>(),
        frames_before in 0usize..3,
    ) {
        let (mut alice, mut bob) = (member(suite, 0x6d, 1), member(suite, 0x6d, 2));
        // Some frames first, so counters and headers vary.
        for _ in 0..frames_before {
            let earlier = alice.protect(&[1, 2, 3], codec, key_frame).expect("protects");
            bob.unprotect(0, &earlier, codec, key_frame, &mut SenderBinding::feed()).expect("opens");
        }
        let plain = frame(len, seed);
        let protected = alice.protect(&plain, codec, key_frame).expect("protects");
        prop_assert!(protected.len() > plain.len() + suite.nt());
        let opened = bob.unprotect(0, &protected, codec, key_frame, &mut SenderBinding::feed()).expect("opens");
        prop_assert_eq!(opened.frame, plain);
    }

    #[test]
    fn any_single_bit_flip_fails(
        suite in suite(),
        (codec, key_frame) in codec(),
        len in size(),
        seed in any::<u64>(),
        bit in any::<Index>(),
    ) {
        let (mut alice, mut bob) = (member(suite, 0x6d, 1), member(suite, 0x6d, 2));
        let plain = frame(len, seed);
        let protected = alice.protect(&plain, codec, key_frame).expect("protects");
        let bit = bit.index(protected.len() * 8);
        let mut flipped = protected.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let result = bob.unprotect(0, &flipped, codec, key_frame, &mut SenderBinding::feed()).map(|u| u.frame);
        // A flip in the KID's epoch bits names an epoch not held: "no key", also a drop.
        prop_assert!(
            matches!(
                result,
                Err(Error::DecryptionFailed | Error::NoKeyForEpoch | Error::NoKeyForNewerEpoch)
            ),
            "bit {} of {}: {:?}", bit, protected.len(), result.map(|f| f.len())
        );
        // The intact frame still opens afterwards: the failure changed nothing.
        let opened = bob.unprotect(0, &protected, codec, key_frame, &mut SenderBinding::feed()).expect("opens");
        prop_assert_eq!(opened.frame, plain);
    }
}
