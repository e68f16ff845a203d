//! Tampering: every bit flip and every truncation is rejected, as is a frame under another
//! group's key, with an error that says nothing about the cause. A flip in the KID's epoch
//! bits may name an epoch not held ("no key"); nothing else is ever reported, and nothing
//! panics.
// Test helpers: panicking on fixed test data is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::codec::clear_len;
use crypto_wasm::header::SframeHeader;
use crypto_wasm::{CipherSuite, Codec, EpochKeys, Error};

fn members() -> (EpochKeys, EpochKeys) {
    let suite = CipherSuite::default();
    let mut alice = EpochKeys::new(suite);
    let mut bob = EpochKeys::new(suite);
    // Leaf index 300 and epoch 7: a two-byte KID, so the header has bits to flip.
    alice
        .add_epoch(0, 7, &epoch_base_key(1, 7), 300)
        .expect("alice");
    bob.add_epoch(0, 7, &epoch_base_key(1, 7), 1).expect("bob");
    (alice, bob)
}

#[test]
fn every_bit_flip_is_rejected() {
    let suite = CipherSuite::default();
    for (codec, key_frame) in [
        (Codec::Vp8, true),
        (Codec::Vp8, false),
        (Codec::Opus, false),
    ] {
        let (mut alice, mut bob) = members();
        let prefix = codec.prefix_len(key_frame);
        let frame = pattern(80, 9);
        let protected = alice.protect_frame(&frame, prefix).expect("protects");
        assert_eq!(
            bob.unprotect_frame(1, &protected, prefix)
                .expect("intact")
                .frame,
            frame
        );
        let clear = clear_len(prefix, protected.len(), suite);
        let (_, header_len) = SframeHeader::parse(&protected[clear..]).expect("header");
        let header_bits = clear * 8..(clear + header_len) * 8;
        for bit in 0..protected.len() * 8 {
            let mut bad = protected.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let result = bob.unprotect_frame(1, &bad, prefix).map(|u| u.frame);
            if header_bits.contains(&bit) {
                assert!(
                    matches!(
                        result,
                        Err(Error::DecryptionFailed
                            | Error::NoKeyForEpoch
                            | Error::NoKeyForNewerEpoch)
                    ),
                    "{codec:?} key={key_frame} header bit {bit}"
                );
            } else {
                assert_eq!(
                    result,
                    Err(Error::DecryptionFailed),
                    "{codec:?} key={key_frame} bit {bit}"
                );
            }
        }
        assert_eq!(bob.cached_keys(), 1, "forged KIDs are not cached");
    }
}

#[test]
fn truncated_extended_and_junk_input_is_rejected() {
    let (mut alice, mut bob) = members();
    for prefix in [0, 3, 10] {
        let protected = alice
            .protect_frame(&pattern(60, 3), prefix)
            .expect("protects");
        for cut in 0..protected.len() {
            assert!(
                matches!(
                    bob.unprotect_frame(1, &protected[..cut], prefix)
                        .map(|u| u.frame),
                    Err(Error::DecryptionFailed | Error::NoKeyForEpoch | Error::NoKeyForNewerEpoch)
                ),
                "prefix {prefix} cut at {cut}"
            );
        }
        let mut longer = protected.clone();
        longer.push(0);
        assert_eq!(
            bob.unprotect_frame(1, &longer, prefix).map(|u| u.frame),
            Err(Error::DecryptionFailed)
        );
    }
    for junk in [&[][..], &[0u8], &[0xff; 5], &[0xff; 40]] {
        assert!(matches!(
            bob.unprotect_frame(1, junk, 10).map(|u| u.frame),
            Err(Error::DecryptionFailed | Error::NoKeyForEpoch | Error::NoKeyForNewerEpoch)
        ));
    }
}

#[test]
fn a_frame_under_the_wrong_clear_prefix_is_rejected() {
    let (mut alice, mut bob) = members();
    let protected = alice.protect_frame(&pattern(200, 5), 10).expect("protects");
    // The header is then read from the wrong place: whatever KID that yields, no frame.
    for wrong in [0, 3] {
        assert!(matches!(
            bob.unprotect_frame(1, &protected, wrong).map(|u| u.frame),
            Err(Error::DecryptionFailed | Error::NoKeyForEpoch | Error::NoKeyForNewerEpoch)
        ));
    }
}

#[test]
fn a_frame_under_another_groups_key_is_rejected_and_not_cached() {
    let (mut alice, _) = members();
    let mut outsider = EpochKeys::new(CipherSuite::default());
    // The same epoch number, so the KID names a held epoch: only the key is wrong.
    outsider
        .add_epoch(0, 7, &epoch_base_key(2, 7), 1)
        .expect("outsider");
    let protected = alice.protect_frame(&pattern(100, 1), 3).expect("protects");
    assert_eq!(
        outsider.unprotect_frame(1, &protected, 3).map(|u| u.frame),
        Err(Error::DecryptionFailed)
    );
    assert_eq!(
        outsider.cached_keys(),
        0,
        "a key that failed to authenticate is not cached"
    );
}
