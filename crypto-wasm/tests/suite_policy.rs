//! The cipher suite is a meeting policy: chosen once, before any key, the same for everyone.
//! Every suite round-trips through the `Cryptor`; a participant on another suite cannot read
//! the frames; MLS base keys are `Nk` bytes (48 for AES-CTR).
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{member, pattern};
use crypto_wasm::{CipherSuite, Codec, Cryptor, Error};

#[test]
fn default_is_aes_128_gcm_and_unknown_ids_are_refused() {
    assert_eq!(Cryptor::default().suite(), CipherSuite::Aes128GcmSha256_128);
    assert_eq!(
        CipherSuite::from_id(6),
        Err(Error::UnsupportedCipherSuite(6))
    );
    assert_eq!(
        CipherSuite::from_id(0),
        Err(Error::UnsupportedCipherSuite(0))
    );
}

#[test]
fn suite_is_chosen_before_the_first_key_only() {
    let mut cryptor = Cryptor::default();
    assert_eq!(
        cryptor.use_suite(CipherSuite::Aes128CtrHmacSha256_32),
        Ok(())
    );
    assert_eq!(
        cryptor.use_suite(CipherSuite::Aes128CtrHmacSha256_80),
        Ok(())
    );
    cryptor.use_epoch_key(0, 0, &[1; 48], 0).expect("keyed");
    assert_eq!(
        cryptor.use_suite(CipherSuite::Aes256GcmSha512_128),
        Err(Error::SuiteAfterKey)
    );
    assert_eq!(cryptor.suite(), CipherSuite::Aes128CtrHmacSha256_80);

    let mut same = Cryptor::default();
    same.use_epoch_key(0, 0, &[2; 16], 0).expect("keyed");
    assert_eq!(
        same.use_suite(CipherSuite::Aes128GcmSha256_128),
        Err(Error::SuiteAfterKey)
    );
}

#[test]
fn mls_base_key_is_nk_bytes() {
    for suite in CipherSuite::ALL {
        let mut cryptor = Cryptor::new(suite);
        let expected = match suite {
            CipherSuite::Aes128GcmSha256_128 => 16,
            CipherSuite::Aes256GcmSha512_128 => 32,
            _ => 48,
        };
        assert_eq!(suite.nk(), expected);
        for wrong in [16, 32, 48, 64] {
            if wrong == expected {
                continue;
            }
            assert_eq!(
                cryptor.use_epoch_key(0, 0, &vec![1; wrong], 0),
                Err(Error::InvalidKeyLength {
                    expected,
                    actual: wrong
                }),
                "{}",
                suite.name()
            );
        }
        assert_eq!(cryptor.use_epoch_key(0, 0, &vec![1; expected], 0), Ok(()));
    }
}

#[test]
fn every_suite_round_trips_and_grows_by_header_and_nt() {
    for suite in CipherSuite::ALL {
        let mut alice = member(suite, 0x33, 1);
        let mut bob = member(suite, 0x33, 2);
        for (codec, key_frame) in [(Codec::Vp8, true), (Codec::Opus, false)] {
            let frame = pattern(500, 5);
            let protected = alice.protect(&frame, codec, key_frame).expect("protects");
            // Counter 0 or 1 and a one- or two-byte KID: a header of at most 3 bytes.
            let overhead = protected.len() - frame.len();
            assert!(
                (1 + suite.nt()..=3 + suite.nt()).contains(&overhead),
                "{} overhead {overhead}",
                suite.name()
            );
            let plain = bob
                .unprotect(
                    0,
                    &protected,
                    codec,
                    key_frame,
                    &mut crypto_wasm::SenderBinding::feed(),
                )
                .expect("opens");
            assert_eq!(plain.frame, frame, "{}", suite.name());
        }
    }
}

#[test]
fn another_suite_cannot_read_the_frames() {
    for sender_suite in CipherSuite::ALL {
        for receiver_suite in CipherSuite::ALL {
            if sender_suite == receiver_suite {
                continue;
            }
            // The same base key bytes for both (the longer suite's key starts with the
            // shorter's), so the suite alone keeps them apart.
            let mut alice = member(sender_suite, 0x44, 1);
            let mut bob = member(receiver_suite, 0x44, 2);
            let protected = alice
                .protect(&pattern(200, 1), Codec::Other, false)
                .expect("protects");
            assert_eq!(
                bob.unprotect(
                    0,
                    &protected,
                    Codec::Other,
                    false,
                    &mut crypto_wasm::SenderBinding::feed()
                )
                .map(|u| u.frame),
                Err(Error::DecryptionFailed),
                "{} -> {}",
                sender_suite.name(),
                receiver_suite.name()
            );
        }
    }
}
