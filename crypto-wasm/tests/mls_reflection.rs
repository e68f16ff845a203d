//! Our own frames are never decrypted, in any epoch we hold: an SFU reflecting them back
//! gets an opaque failure, not "no key".

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::{Codec, Cryptor, Error};

#[test]
fn own_kid_is_rejected_in_every_held_epoch() {
    let mut alice = Cryptor::default();
    alice
        .use_epoch_key(0, 30, &epoch_base_key(1, 30), 4)
        .expect("30");
    let in_30 = alice
        .protect(&pattern(80, 1), Codec::Vp8, true)
        .expect("protects");
    alice
        .use_epoch_key(10, 31, &epoch_base_key(1, 31), 4)
        .expect("31");
    let in_31 = alice
        .protect(&pattern(80, 2), Codec::Vp8, true)
        .expect("protects");
    for reflected in [&in_30, &in_31] {
        assert_eq!(
            alice
                .unprotect(
                    20,
                    reflected,
                    Codec::Vp8,
                    true,
                    &mut crypto_wasm::SenderBinding::feed()
                )
                .map(|u| u.frame),
            Err(Error::DecryptionFailed)
        );
    }
}

#[test]
fn a_new_leaf_index_moves_the_own_kid() {
    // Re-synced with a new leaf: frames under the old own KID of the same epoch number
    // belong to whoever now holds that leaf, and the new own KID is refused.
    let mut alice = Cryptor::default();
    let mut bob = Cryptor::default();
    alice
        .use_epoch_key(0, 40, &epoch_base_key(1, 40), 2)
        .expect("alice");
    bob.use_epoch_key(0, 40, &epoch_base_key(1, 40), 7)
        .expect("bob");
    let from_bob = bob
        .protect(&pattern(40, 3), Codec::Opus, false)
        .expect("protects");
    alice
        .use_epoch_key(1, 40, &epoch_base_key(1, 40), 3)
        .expect("alice at leaf 3");
    let own = alice
        .protect(&pattern(40, 4), Codec::Opus, false)
        .expect("protects");
    assert!(alice
        .unprotect(
            2,
            &from_bob,
            Codec::Opus,
            false,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_ok());
    assert_eq!(
        alice
            .unprotect(
                2,
                &own,
                Codec::Opus,
                false,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .map(|u| u.frame),
        Err(Error::DecryptionFailed)
    );
}
