//! A member removed from the group (it never gets epoch N+1) cannot decrypt frames sent
//! under N+1: it reports "no key for this epoch", not an authentication failure, and after
//! the grace period it cannot decrypt the epochs it had either.

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::mls_keys::OLD_EPOCH_GRACE_MS;
use crypto_wasm::{Codec, Cryptor, Error};

#[test]
fn removed_member_has_no_key_for_the_next_epoch() {
    let mut alice = Cryptor::default();
    let mut bob = Cryptor::default();
    let mut mallory = Cryptor::default();
    let n = 8;
    for (who, index) in [(&mut alice, 0), (&mut bob, 1), (&mut mallory, 2)] {
        who.use_epoch_key(0, n, &epoch_base_key(1, n), index)
            .expect("epoch N");
    }
    let frame = pattern(300, 4);
    let in_n = alice.protect(&frame, Codec::Vp8, false).expect("protects");
    assert!(mallory
        .unprotect(
            1,
            &in_n,
            Codec::Vp8,
            false,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_ok());

    // Mallory is removed: only Alice and Bob get epoch N + 1.
    for (who, index) in [(&mut alice, 0), (&mut bob, 1)] {
        who.use_epoch_key(100, n + 1, &epoch_base_key(1, n + 1), index)
            .expect("epoch N + 1");
    }
    for t in [101, 2_000, 100 + OLD_EPOCH_GRACE_MS + 1] {
        let in_next = alice.protect(&frame, Codec::Vp8, false).expect("protects");
        assert_eq!(
            mallory
                .unprotect(
                    t,
                    &in_next,
                    Codec::Vp8,
                    false,
                    &mut crypto_wasm::SenderBinding::feed()
                )
                .map(|u| u.frame),
            // Told apart from an expired epoch: the sender is ahead, so this member fell behind.
            Err(Error::NoKeyForNewerEpoch)
        );
        let got = bob
            .unprotect(
                t,
                &in_next,
                Codec::Vp8,
                false,
                &mut crypto_wasm::SenderBinding::feed(),
            )
            .expect("bob");
        assert_eq!(got.epoch, n + 1);
    }
}

#[test]
fn guessing_the_next_base_key_fails_authentication() {
    // A removed member that somehow holds a key for epoch N + 1 (a wrong one) fails
    // authentication: the distinct "no key" outcome is only for epochs not held at all.
    let mut alice = Cryptor::default();
    let mut mallory = Cryptor::default();
    alice
        .use_epoch_key(0, 9, &epoch_base_key(1, 9), 0)
        .expect("alice");
    mallory
        .use_epoch_key(0, 9, &epoch_base_key(2, 9), 2)
        .expect("mallory's guess");
    let protected = alice
        .protect(&pattern(50, 1), Codec::Opus, false)
        .expect("protects");
    assert_eq!(
        mallory
            .unprotect(
                1,
                &protected,
                Codec::Opus,
                false,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .map(|u| u.frame),
        Err(Error::DecryptionFailed)
    );
}

#[test]
fn before_any_epoch_every_frame_fails_closed() {
    let mut alice = Cryptor::default();
    let mut newcomer = Cryptor::default();
    alice
        .use_epoch_key(0, 1, &epoch_base_key(1, 1), 0)
        .expect("alice");
    let protected = alice
        .protect(&pattern(50, 1), Codec::Opus, false)
        .expect("protects");
    assert_eq!(
        newcomer
            .unprotect(
                1,
                &protected,
                Codec::Opus,
                false,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .map(|u| u.frame),
        Err(Error::NoKeySource)
    );
    assert_eq!(
        newcomer.protect(&pattern(50, 1), Codec::Opus, false),
        Err(Error::NoKeySource)
    );
}
