//! No (key, nonce) pair repeats across epoch changes, whatever the caller hands the ring:
//! the same epoch re-added with the same key, with another key, and back again; a base key
//! reused for an epoch with the same low bits (same KID, same AEAD key); a new leaf index.
//! Each sent frame's AEAD key and nonce are recomputed from its header and the base key it
//! was sent under.

mod common;

use std::collections::HashSet;

use common::{epoch_base_key, pattern};
use crypto_wasm::frame::nonce;
use crypto_wasm::header::SframeHeader;
use crypto_wasm::key_schedule::{derive_key_salt, BaseKey};
use crypto_wasm::{CipherSuite, Codec, Counter, Cryptor, EpochKeys, Error};

const FRAMES_PER_STEP: u8 = 5;

#[test]
fn key_nonce_pairs_never_repeat_across_epoch_changes() {
    let suite = CipherSuite::default();
    let k1 = epoch_base_key(1, 1);
    let k2 = epoch_base_key(2, 1);
    let k3 = epoch_base_key(1, 2);
    // (epoch, base key, own leaf index) in the order the caller adds them.
    let steps: [(u64, [u8; 16], u32); 7] = [
        (1, k1, 0),
        (1, k1, 0),  // the same epoch again, same key
        (1, k2, 0),  // the same epoch number, another key
        (1, k1, 0),  // and back to the first key: same KID, same AEAD key as step 1
        (2, k3, 0),  // a new epoch
        (17, k1, 0), // low bits of 1 and the base key of 1: the AEAD key of step 1 again
        (17, k1, 5), // a new leaf index
    ];
    let mut sender = EpochKeys::new(suite);
    let mut seen = HashSet::new();
    let mut last_counter = None;
    for (step, (epoch, base, index)) in steps.iter().enumerate() {
        sender
            .add_epoch(step as u64, *epoch, base, *index)
            .expect("never older than the send epoch");
        for i in 0..FRAMES_PER_STEP {
            let protected = sender.protect_frame(&pattern(32, i), 0).expect("protects");
            let (header, _) = SframeHeader::parse(&protected).expect("header first");
            let material = derive_key_salt(
                suite,
                header.kid,
                &BaseKey::from_slice(base).expect("16 bytes"),
            );
            let pair = (
                material.key.as_bytes().to_vec(),
                nonce(&material.salt, header.ctr),
            );
            assert!(
                seen.insert(pair),
                "step {step} frame {i}: (key, nonce) repeated"
            );
            assert!(
                last_counter < Some(header.ctr),
                "the counter only moves forward"
            );
            last_counter = Some(header.ctr);
        }
    }
    assert_eq!(seen.len(), steps.len() * usize::from(FRAMES_PER_STEP));
    // Steps 1, 4 and 6 really did share one AEAD key: only the counter kept them apart.
    let key_of = |epoch, base: &[u8; 16]| {
        let kid = crypto_wasm::mls_keys::conclave_kid(0, epoch);
        derive_key_salt(suite, kid, &BaseKey::from_slice(base).expect("16 bytes"))
            .key
            .as_bytes()
            .to_vec()
    };
    assert_eq!(key_of(1, &k1), key_of(17, &k1));
}

#[test]
fn an_older_epoch_is_refused_for_sending() {
    let mut sender = EpochKeys::new(CipherSuite::default());
    sender
        .add_epoch(0, 10, &epoch_base_key(1, 10), 0)
        .expect("10");
    let before = sender.next_send_counter();
    assert_eq!(
        sender.add_epoch(1, 9, &epoch_base_key(1, 9), 0),
        Err(Error::EpochWentBack {
            current: 10,
            offered: 9
        })
    );
    assert_eq!(sender.send_epoch(), Some(10));
    assert_eq!(sender.next_send_counter(), before);
}

#[test]
fn the_cryptor_keeps_one_counter_across_epoch_keys() {
    let mut alice = Cryptor::default();
    alice
        .use_epoch_key(0, 3, &epoch_base_key(1, 3), 0)
        .expect("first epoch");
    let mut counters = Vec::new();
    for epoch in [3, 3, 4] {
        alice
            .use_epoch_key(1, epoch, &epoch_base_key(1, epoch), 0)
            .expect("epoch");
        let protected = alice
            .protect(&pattern(30, 0), Codec::Other, false)
            .expect("protects");
        counters.push(SframeHeader::parse(&protected).expect("header").0.ctr);
    }
    assert_eq!(counters, [Counter(0), Counter(1), Counter(2)]);
    assert_eq!(alice.send_epoch(), Some(4));
}
