//! A member removed at epoch N+1 still holds epoch N's base key, which the others keep for
//! 5 s after the change. It can make frames under any member's KID in epoch N. Once that
//! member's own (authenticated) frames of epoch N+1 arrived, a receiver refuses its epoch N
//! frames, forged or late; before that, frames still in flight decrypt.
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::{CipherSuite, EpochKeys, Error};

const N: u64 = 20;

fn keyed(leaf: u32, epoch: u64) -> EpochKeys {
    let mut keys = EpochKeys::new(CipherSuite::default());
    keys.add_epoch(0, epoch, &epoch_base_key(1, epoch), leaf)
        .expect("first epoch");
    keys
}

#[test]
fn a_removed_members_old_epoch_frame_claiming_a_sender_is_refused_once_that_sender_switched() {
    // Xavier (leaf 1) and Bob (leaf 2) stay; Mallory is removed at N + 1 and keeps N's key.
    let mut xavier = keyed(1, N);
    let mut bob = keyed(2, N);
    // Mallory makes frames under Xavier's KID of epoch N: she holds N's base key.
    let mut mallory_as_xavier = keyed(1, N);

    let in_flight = xavier.protect_frame(&pattern(100, 1), 0).expect("protects");
    bob.add_epoch(1_000, N + 1, &epoch_base_key(1, N + 1), 2)
        .expect("epoch N + 1");
    // Xavier's frame sent before he switched arrives after Bob switched: it decrypts.
    let late = bob
        .unprotect_frame(1_001, &in_flight, 0)
        .expect("in-flight frames of the old epoch still decrypt");
    assert_eq!((late.epoch, late.sender_index), (N, 1));
    let forged_early = mallory_as_xavier
        .protect_frame(&pattern(100, 2), 0)
        .expect("protects");

    // Xavier switches, and his first frame of N + 1 reaches Bob.
    xavier
        .add_epoch(1_002, N + 1, &epoch_base_key(1, N + 1), 1)
        .expect("epoch N + 1");
    let switched = xavier.protect_frame(&pattern(100, 3), 0).expect("protects");
    let got = bob.unprotect_frame(1_003, &switched, 0).expect("decrypts");
    assert_eq!((got.epoch, got.sender_index), (N + 1, 1));

    // Within the 5 s grace, Mallory's epoch N frames claiming to be Xavier are refused.
    let forged = mallory_as_xavier
        .protect_frame(&pattern(100, 4), 0)
        .expect("protects");
    for (at, frame) in [(1_004, &forged), (2_000, &forged_early)] {
        let refused = bob.unprotect_frame(at, frame, 0).map(|u| u.frame);
        assert!(
            refused.is_err(),
            "an old-epoch frame of a sender who moved on is refused"
        );
        assert_eq!(refused, Err(Error::SenderMovedOn));
    }
}

#[test]
fn a_senders_switch_does_not_refuse_other_senders_old_epoch_frames() {
    let mut xavier = keyed(1, N);
    let mut yvonne = keyed(3, N);
    let mut bob = keyed(2, N);
    let yvonnes_late = yvonne.protect_frame(&pattern(80, 5), 0).expect("protects");
    bob.add_epoch(1_000, N + 1, &epoch_base_key(1, N + 1), 2)
        .expect("epoch N + 1");
    xavier
        .add_epoch(1_000, N + 1, &epoch_base_key(1, N + 1), 1)
        .expect("epoch N + 1");
    let switched = xavier.protect_frame(&pattern(80, 6), 0).expect("protects");
    bob.unprotect_frame(1_001, &switched, 0).expect("decrypts");
    // Yvonne has not switched yet: her in-flight frame of N still decrypts.
    let got = bob
        .unprotect_frame(1_002, &yvonnes_late, 0)
        .expect("another sender's old-epoch frame");
    assert_eq!((got.epoch, got.sender_index), (N, 3));
}
