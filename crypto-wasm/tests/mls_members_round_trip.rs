//! Two members given the same epoch base key decrypt each other's frames (each sending
//! under its own KID, so under its own AEAD key), in both AES-GCM suites.

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::mls_keys::conclave_kid;
use crypto_wasm::{CipherSuite, Codec, Cryptor, EpochKeys};

#[test]
fn members_with_the_same_epoch_key_decrypt_each_other() {
    let mut alice = Cryptor::default();
    let mut bob = Cryptor::default();
    let base = epoch_base_key(1, 3);
    alice.use_epoch_key(0, 3, &base, 0).expect("alice epoch");
    bob.use_epoch_key(5, 3, &base, 1).expect("bob epoch");
    for (codec, key_frame) in [
        (Codec::Vp8, true),
        (Codec::Vp8, false),
        (Codec::Opus, false),
    ] {
        let frame = pattern(400, 3);
        let to_bob = alice.protect(&frame, codec, key_frame).expect("protects");
        let got = bob
            .unprotect(
                10,
                &to_bob,
                codec,
                key_frame,
                &mut crypto_wasm::SenderBinding::feed(),
            )
            .expect("bob");
        assert_eq!((got.frame, got.epoch), (frame.clone(), 3));
        let to_alice = bob.protect(&frame, codec, key_frame).expect("protects");
        assert_ne!(to_alice, to_bob, "different KIDs, different keys");
        let got = alice
            .unprotect(
                10,
                &to_alice,
                codec,
                key_frame,
                &mut crypto_wasm::SenderBinding::feed(),
            )
            .expect("alice");
        assert_eq!((got.frame, got.epoch), (frame, 3));
    }
}

#[test]
fn both_suites_round_trip_with_nk_byte_base_keys() {
    for suite in [
        CipherSuite::Aes128GcmSha256_128,
        CipherSuite::Aes256GcmSha512_128,
    ] {
        let base = vec![9u8; suite.nk()];
        let mut alice = EpochKeys::new(suite);
        let mut bob = EpochKeys::new(suite);
        alice.add_epoch(0, 40, &base, 6).expect("alice");
        bob.add_epoch(0, 40, &base, 2).expect("bob");
        assert_eq!(alice.send_kid(), Some(conclave_kid(6, 40)));
        let frame = pattern(90, 1);
        let protected = alice.protect_frame(&frame, 0).expect("protects");
        let got = bob.unprotect_frame(1, &protected, 0).expect("decrypts");
        assert_eq!((got.frame, got.epoch), (frame, 40));
        assert_eq!(bob.cached_keys(), 1, "alice's key is cached after use");
        let again = alice.protect_frame(&pattern(90, 2), 0).expect("protects");
        assert!(bob.unprotect_frame(2, &again, 0).is_ok());
        assert_eq!(bob.cached_keys(), 1);
    }
}

#[test]
fn a_base_key_of_the_wrong_length_is_refused() {
    let mut keys = EpochKeys::new(CipherSuite::default());
    for len in [0, 15, 17, 32] {
        assert_eq!(
            keys.add_epoch(0, 1, &vec![1u8; len], 0),
            Err(crypto_wasm::Error::InvalidKeyLength {
                expected: 16,
                actual: len
            })
        );
    }
    assert_eq!(keys.send_epoch(), None);
}
