//! A frame replayed after the receive key cache evicted its KID is still refused: the
//! anti-replay state (RFC 9605 section 9.3) of every KID of every held epoch is kept apart
//! from the bounded cache of derived keys, so deriving the key again does not forget which
//! counters it accepted.
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::mls_keys::OLD_EPOCH_GRACE_MS;
use crypto_wasm::{CipherSuite, EpochKeys, Error};

const EPOCH: u64 = 5;

/// A member of the group at `leaf`, keyed in [`EPOCH`].
fn member(leaf: u32) -> EpochKeys {
    let mut keys = EpochKeys::new(CipherSuite::default());
    keys.add_epoch(0, EPOCH, &epoch_base_key(1, EPOCH), leaf)
        .expect("first epoch");
    keys
}

#[test]
fn a_replay_after_the_cache_evicted_its_kid_is_refused() {
    let mut bob = member(0);
    let mut alice = member(1);
    let first = alice.protect_frame(&pattern(120, 1), 0).expect("protects");
    bob.unprotect_frame(1, &first, 0)
        .expect("alice's frame decrypts");

    // 100 more senders (more than the cache holds) push alice's key out of the cache.
    for leaf in 2..102 {
        let mut sender = member(leaf);
        let frame = sender.protect_frame(&pattern(60, 2), 0).expect("protects");
        bob.unprotect_frame(2, &frame, 0)
            .expect("each sender decrypts");
    }

    assert_eq!(
        bob.unprotect_frame(3, &first, 0).map(|u| u.frame),
        Err(Error::Replayed),
        "the SFU replays alice's first frame once her key was evicted"
    );
    // Her later frames still decrypt: the key is derived again, the window kept.
    let next = alice.protect_frame(&pattern(120, 3), 0).expect("protects");
    assert!(bob.unprotect_frame(4, &next, 0).is_ok());
}

#[test]
fn receive_state_is_kept_for_every_kid_and_freed_with_its_epoch() {
    let mut bob = member(0);
    for leaf in 1..101 {
        let mut sender = member(leaf);
        let frame = sender.protect_frame(&pattern(60, 2), 0).expect("protects");
        bob.unprotect_frame(1, &frame, 0).expect("decrypts");
    }
    assert_eq!(
        bob.tracked_kids(),
        100,
        "a window per KID, beyond the cache"
    );
    assert!(bob.cached_keys() <= 64);
    bob.add_epoch(10, EPOCH + 1, &epoch_base_key(1, EPOCH + 1), 0)
        .expect("next epoch");
    assert_eq!(bob.tracked_kids(), 100, "kept while the old epoch is held");
    assert!(!bob.holds_epoch(10 + OLD_EPOCH_GRACE_MS, EPOCH));
    assert_eq!(bob.tracked_kids(), 0, "freed with the epoch");
}

#[test]
fn handing_the_same_epoch_key_again_keeps_its_windows() {
    let mut bob = member(0);
    let mut alice = member(1);
    let first = alice.protect_frame(&pattern(50, 1), 0).expect("protects");
    bob.unprotect_frame(1, &first, 0).expect("decrypts");
    bob.add_epoch(2, EPOCH, &epoch_base_key(1, EPOCH), 0)
        .expect("the same key again");
    assert_eq!(
        bob.unprotect_frame(3, &first, 0).map(|u| u.frame),
        Err(Error::Replayed)
    );
}
