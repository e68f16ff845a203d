//! A new epoch whose low 4 bits equal those of a held epoch replaces it at once (RFC 9605
//! section 5.2: "receivers MUST remove an old epoch when a new epoch with the same low-order
//! E bits is introduced"), without waiting for the grace period.

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::{CipherSuite, EpochKeys, Error};

#[test]
fn same_low_bits_replace_the_old_epoch_at_once() {
    let suite = CipherSuite::default();
    let mut alice = EpochKeys::new(suite);
    let mut bob = EpochKeys::new(suite);
    alice
        .add_epoch(0, 5, &epoch_base_key(1, 5), 0)
        .expect("alice 5");
    bob.add_epoch(0, 5, &epoch_base_key(1, 5), 1)
        .expect("bob 5");
    let old = alice.protect_frame(&pattern(64, 1), 0).expect("protects");
    assert!(bob.unprotect_frame(1, &old, 0).is_ok(), "key cached for 5");

    // Epoch 21 = 5 + 16: same low bits. Bob gets it 1 ms later, well within any grace.
    alice
        .add_epoch(2, 21, &epoch_base_key(1, 21), 0)
        .expect("alice 21");
    bob.add_epoch(2, 21, &epoch_base_key(1, 21), 1)
        .expect("bob 21");
    assert!(!bob.holds_epoch(3, 5));
    assert_eq!(
        bob.unprotect_frame(3, &old, 0).map(|u| u.frame),
        Err(Error::DecryptionFailed),
        "the frame's bits now name epoch 21, whose key does not authenticate it"
    );
    let new = alice.protect_frame(&pattern(64, 2), 0).expect("protects");
    assert_eq!(bob.unprotect_frame(3, &new, 0).expect("decrypts").epoch, 21);
}

#[test]
fn at_most_sixteen_epochs_are_held() {
    let mut bob = EpochKeys::new(CipherSuite::default());
    // Seventeen epochs within one millisecond: none has expired, but 0 shares its bits with 16.
    for epoch in 0..=16 {
        bob.add_epoch(0, epoch, &epoch_base_key(1, epoch), 1)
            .expect("newer epoch");
    }
    assert!(!bob.holds_epoch(0, 0));
    for epoch in 1..=16 {
        assert!(bob.holds_epoch(0, epoch), "epoch {epoch}");
    }
}

#[test]
fn other_low_bits_wait_for_the_grace_period() {
    let mut bob = EpochKeys::new(CipherSuite::default());
    bob.add_epoch(0, 5, &epoch_base_key(1, 5), 1).expect("5");
    bob.add_epoch(0, 6, &epoch_base_key(1, 6), 1).expect("6");
    assert!(bob.holds_epoch(1, 5));
}
