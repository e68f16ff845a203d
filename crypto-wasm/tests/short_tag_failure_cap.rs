//! Suite 0x0003 (`AES_128_CTR_HMAC_SHA256_32`) has a 4-byte tag: one forged frame in 2^32
//! authenticates. RFC 9605 section 7.5 asks applications that use short tags to limit
//! forgery attempts; Conclave caps failed authentications per key (docs/FRAME_FORMAT.md):
//! once a key reached the cap, every frame under it is refused until the next epoch.
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{pattern, suite_base_key};
use crypto_wasm::suite::SHORT_TAG_FAILURE_CAP;
use crypto_wasm::{CipherSuite, EpochKeys, Error};

const SHORT: CipherSuite = CipherSuite::Aes128CtrHmacSha256_32;
const EPOCH: u64 = 7;
/// The cap Conclave states in docs/FRAME_FORMAT.md.
const CAP: usize = 1024;

#[test]
fn the_cap_is_the_documented_one() {
    assert_eq!(SHORT_TAG_FAILURE_CAP as usize, CAP);
    assert_eq!(
        SHORT.failed_authentication_cap(),
        Some(SHORT_TAG_FAILURE_CAP)
    );
}

fn member(suite: CipherSuite, leaf: u32, epoch: u64) -> EpochKeys {
    let mut keys = EpochKeys::new(suite);
    keys.add_epoch(0, epoch, &suite_base_key(suite, 1, epoch), leaf)
        .expect("first epoch");
    keys
}

/// `frame` with its last byte (in the tag) flipped.
fn forged(frame: &[u8]) -> Vec<u8> {
    let mut forged = frame.to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 0x5a;
    forged
}

#[test]
fn a_short_tag_key_is_refused_once_its_failures_reach_the_cap() {
    let mut alice = member(SHORT, 1, EPOCH);
    let mut bob = member(SHORT, 2, EPOCH);
    let first = alice.protect_frame(&pattern(90, 1), 0).expect("protects");
    bob.unprotect_frame(0, &first, 0).expect("decrypts");

    // A forger (the SFU) guesses tags under alice's key.
    for i in 0..CAP {
        let guess = alice
            .protect_frame(&pattern(90, i as u8), 0)
            .expect("protects");
        assert!(bob.unprotect_frame(1, &forged(&guess), 0).is_err());
    }
    // The cap is reached: even alice's genuine frames are refused in this epoch (fail closed).
    let genuine = alice.protect_frame(&pattern(90, 2), 0).expect("protects");
    assert!(
        bob.unprotect_frame(2, &genuine, 0).is_err(),
        "the key is refused once the cap was reached"
    );
    assert_eq!(
        bob.unprotect_frame(2, &genuine, 0).map(|u| u.frame),
        Err(Error::KeyLocked)
    );

    // The next epoch brings a fresh key, and it decrypts again.
    alice
        .add_epoch(3, EPOCH + 1, &suite_base_key(SHORT, 1, EPOCH + 1), 1)
        .expect("next epoch");
    bob.add_epoch(3, EPOCH + 1, &suite_base_key(SHORT, 1, EPOCH + 1), 2)
        .expect("next epoch");
    let next = alice.protect_frame(&pattern(90, 3), 0).expect("protects");
    assert!(bob.unprotect_frame(4, &next, 0).is_ok());
}

#[test]
fn a_senders_first_frame_after_the_cap_on_unseen_kids_is_refused() {
    // Guesses under KIDs that never authenticated count towards one cap of the epoch, so
    // a forger cannot escape the cap by picking a fresh KID for every guess.
    let mut bob = member(SHORT, 2, EPOCH);
    for leaf in 0..CAP as u32 {
        let mut stranger = member(SHORT, 100 + leaf, EPOCH);
        let guess = stranger
            .protect_frame(&pattern(40, 9), 0)
            .expect("protects");
        assert!(bob.unprotect_frame(1, &forged(&guess), 0).is_err());
    }
    let mut carol = member(SHORT, 3, EPOCH);
    let genuine = carol.protect_frame(&pattern(40, 1), 0).expect("protects");
    assert_eq!(
        bob.unprotect_frame(2, &genuine, 0).map(|u| u.frame),
        Err(Error::KeyLocked)
    );
}

#[test]
fn full_tags_have_no_cap() {
    for suite in [
        CipherSuite::Aes128GcmSha256_128,
        CipherSuite::Aes128CtrHmacSha256_80,
    ] {
        let mut alice = member(suite, 1, EPOCH);
        let mut bob = member(suite, 2, EPOCH);
        for i in 0..CAP + 10 {
            let guess = alice
                .protect_frame(&pattern(60, i as u8), 0)
                .expect("protects");
            assert!(bob.unprotect_frame(1, &forged(&guess), 0).is_err());
        }
        let genuine = alice.protect_frame(&pattern(60, 1), 0).expect("protects");
        assert!(bob.unprotect_frame(2, &genuine, 0).is_ok(), "{suite:?}");
    }
}
