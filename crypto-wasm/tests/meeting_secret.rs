//! The meeting-secret key source: deterministic per (secret, KID), and frames protected under
//! one secret do not decrypt under another.

mod common;

use common::{hex, pattern};
use crypto_wasm::{CipherSuite, Codec, Cryptor, Error, KeyId, MeetingSecret};

#[test]
fn base_keys_are_deterministic_and_distinct() {
    let secret = MeetingSecret::from_slice(&[3; 32]).expect("32 bytes");
    let same = MeetingSecret::from_slice(&[3; 32]).expect("32 bytes");
    let other = MeetingSecret::from_slice(&[4; 32]).expect("32 bytes");
    for suite in [
        CipherSuite::Aes128GcmSha256_128,
        CipherSuite::Aes256GcmSha512_128,
    ] {
        let a = secret.base_key(KeyId(1), suite);
        assert_eq!(a.as_bytes().len(), suite.nh());
        assert_eq!(a.as_bytes(), same.base_key(KeyId(1), suite).as_bytes());
        assert_ne!(a.as_bytes(), secret.base_key(KeyId(2), suite).as_bytes());
        assert_ne!(a.as_bytes(), other.base_key(KeyId(1), suite).as_bytes());
    }
}

#[test]
fn base_key_matches_the_documented_hkdf() {
    // HKDF-SHA256(salt = "Conclave 1.0 meeting secret", ikm = 00..1f,
    //             info = "Conclave 1.0 sender base key" || 00 00 00 00 00 00 00 01, L = 32),
    // computed independently with Python's hmac module.
    let ikm: Vec<u8> = (0u8..32).collect();
    let secret = MeetingSecret::from_slice(&ikm).expect("32 bytes");
    let key = secret.base_key(KeyId(1), CipherSuite::Aes128GcmSha256_128);
    assert_eq!(key.as_bytes(), hex(EXPECTED_BASE_KEY));
}

const EXPECTED_BASE_KEY: &str = "1a2dc182600ae5a95d221040949c7e1dc1d6e5cf1e46e924352c3f86ee38658d";

#[test]
fn different_secret_fails_to_decrypt() {
    let mut alice = Cryptor::default();
    let mut bob = Cryptor::default();
    let mut eve = Cryptor::default();
    alice
        .use_meeting_secret(&[1; 32], KeyId(100))
        .expect("alice");
    bob.use_meeting_secret(&[1; 32], KeyId(200)).expect("bob");
    eve.use_meeting_secret(&[2; 32], KeyId(300)).expect("eve");
    let frame = pattern(500, 7);
    let protected = alice.protect(&frame, Codec::Vp8, true).expect("protects");
    assert_eq!(
        bob.unprotect(0, &protected, Codec::Vp8, true)
            .map(|u| u.frame)
            .expect("bob decrypts"),
        frame
    );
    assert_eq!(
        eve.unprotect(0, &protected, Codec::Vp8, true)
            .map(|u| u.frame),
        Err(Error::DecryptionFailed)
    );
}
