//! An older epoch stays decryptable for less than 5 s after a newer one was added, then not;
//! it is never used for sending again, and time going back does not revive it.
// Test helpers: panicking on fixed test data is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::mls_keys::OLD_EPOCH_GRACE_MS;
use crypto_wasm::{CipherSuite, EpochKeys, Error};

fn member(index: u32) -> EpochKeys {
    let mut keys = EpochKeys::new(CipherSuite::default());
    keys.add_epoch(0, 20, &epoch_base_key(1, 20), index)
        .expect("epoch 20");
    keys
}

#[test]
fn old_epoch_decrypts_for_the_grace_period_only() {
    let mut alice = member(0);
    let mut bob = member(1);
    // Alice sent these before she moved on; they arrive late at Bob.
    let late: Vec<Vec<u8>> = (0..4)
        .map(|i| alice.protect_frame(&pattern(120, i), 0).expect("protects"))
        .collect();
    let t0 = 10_000;
    bob.add_epoch(t0, 21, &epoch_base_key(1, 21), 1)
        .expect("epoch 21");
    assert_eq!(bob.send_epoch(), Some(21));

    let got = bob.unprotect_frame(t0, &late[0], 0).expect("just added");
    assert_eq!(got.epoch, 20);
    let got = bob
        .unprotect_frame(t0 + OLD_EPOCH_GRACE_MS - 1, &late[1], 0)
        .expect("last millisecond of grace");
    assert_eq!(got.epoch, 20);
    assert_eq!(
        bob.unprotect_frame(t0 + OLD_EPOCH_GRACE_MS, &late[2], 0)
            .map(|u| u.frame),
        Err(Error::NoKeyForEpoch)
    );
    assert!(!bob.holds_epoch(t0 + OLD_EPOCH_GRACE_MS, 20));
    assert_eq!(bob.cached_keys(), 0, "the expired epoch's keys are gone");
    // A clock that goes back does not bring it back.
    assert_eq!(
        bob.unprotect_frame(t0, &late[3], 0).map(|u| u.frame),
        Err(Error::NoKeyForEpoch)
    );
}

#[test]
fn grace_starts_at_the_first_newer_epoch() {
    let mut bob = member(1);
    bob.add_epoch(1_000, 21, &epoch_base_key(1, 21), 1)
        .expect("21");
    bob.add_epoch(4_000, 22, &epoch_base_key(1, 22), 1)
        .expect("22");
    // Epoch 20 was superseded at 1 000, not 4 000.
    assert!(bob.holds_epoch(5_999, 20));
    assert!(!bob.holds_epoch(6_000, 20));
    assert!(bob.holds_epoch(8_999, 21));
    assert!(!bob.holds_epoch(9_000, 21));
    // The send epoch never expires.
    assert!(bob.holds_epoch(1_000_000_000, 22));
}

#[test]
fn sending_never_goes_back_to_an_older_epoch() {
    let mut bob = member(1);
    bob.add_epoch(1_000, 21, &epoch_base_key(1, 21), 1)
        .expect("21");
    assert_eq!(
        bob.add_epoch(1_001, 20, &epoch_base_key(1, 20), 1),
        Err(Error::EpochWentBack {
            current: 21,
            offered: 20
        })
    );
    assert_eq!(bob.send_epoch(), Some(21));
    // The refused call changed nothing: epoch 20 still expires on the original schedule.
    assert!(bob.holds_epoch(5_999, 20));
    assert!(!bob.holds_epoch(6_000, 20));
}
