//! The cipher suite is a meeting policy: chosen once, before any key, the same for everyone.
//! Every suite round-trips through the `Cryptor` with both key sources; a participant on
//! another suite cannot read the frames; MLS base keys are `Nk` bytes (48 for AES-CTR).
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::pattern;
use crypto_wasm::{CipherSuite, Codec, Cryptor, Error, KeyId};

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
    cryptor
        .use_meeting_secret(&[1; 32], KeyId(1))
        .expect("keyed");
    assert_eq!(
        cryptor.use_suite(CipherSuite::Aes256GcmSha512_128),
        Err(Error::SuiteAfterKey)
    );
    assert_eq!(cryptor.suite(), CipherSuite::Aes128CtrHmacSha256_80);

    let mut mls = Cryptor::default();
    mls.use_epoch_key(0, 0, &[2; 16], 0).expect("keyed");
    assert_eq!(
        mls.use_suite(CipherSuite::Aes128GcmSha256_128),
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

fn keyed(suite: CipherSuite, mls: bool, me: u32) -> Cryptor {
    let mut cryptor = Cryptor::new(suite);
    if mls {
        cryptor
            .use_epoch_key(0, 3, &vec![0x33; suite.nk()], me)
            .expect("epoch key");
    } else {
        cryptor
            .use_meeting_secret(&[0x44; 32], KeyId(u64::from(me)))
            .expect("meeting secret");
    }
    cryptor
}

#[test]
fn every_suite_round_trips_and_grows_by_header_and_nt() {
    for suite in CipherSuite::ALL {
        for mls in [false, true] {
            let mut alice = keyed(suite, mls, 1);
            let mut bob = keyed(suite, mls, 2);
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
                    .unprotect(0, &protected, codec, key_frame)
                    .expect("opens");
                assert_eq!(plain.frame, frame, "{} mls={mls}", suite.name());
            }
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
            // The MLS base key length differs between some suites; the meeting secret works
            // for all of them, so it shows the suite alone keeps them apart.
            let mut alice = keyed(sender_suite, false, 1);
            let mut bob = keyed(receiver_suite, false, 2);
            let protected = alice
                .protect(&pattern(200, 1), Codec::Other, false)
                .expect("protects");
            assert_eq!(
                bob.unprotect(0, &protected, Codec::Other, false)
                    .map(|u| u.frame),
                Err(Error::DecryptionFailed),
                "{} -> {}",
                sender_suite.name(),
                receiver_suite.name()
            );
        }
    }
}
