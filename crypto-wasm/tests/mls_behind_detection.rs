//! A receiver that missed an epoch can tell "the sender is ahead of me" (re-sync) from
//! "this frame's epoch expired or is foreign" (ignore), from the KID's epoch bits alone.

// Clippy does not count helpers outside #[test] functions as test code.
#![allow(clippy::expect_used)]

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::{Codec, Cryptor, Error};

fn member(index: u32, epoch: u64) -> Cryptor {
    let mut cryptor = Cryptor::default();
    cryptor
        .use_epoch_key(0, epoch, &epoch_base_key(1, epoch), index)
        .expect("epoch key");
    cryptor
}

#[test]
fn frames_from_a_few_epochs_ahead_say_newer_epoch() {
    let frame = pattern(200, 1);
    for ahead in 1..8 {
        let mut sender = member(0, 20 + ahead);
        let mut behind = member(1, 20);
        let protected = sender
            .protect(&frame, Codec::Opus, false)
            .expect("protects");
        assert_eq!(
            behind
                .unprotect(
                    1,
                    &protected,
                    Codec::Opus,
                    false,
                    &mut crypto_wasm::SenderBinding::feed()
                )
                .map(|u| u.frame),
            Err(Error::NoKeyForNewerEpoch),
            "{ahead} epochs ahead"
        );
    }
}

#[test]
fn frames_from_older_or_far_epochs_say_no_key() {
    let frame = pattern(200, 2);
    for sender_epoch in [12, 19, 28, 35] {
        let mut sender = member(0, sender_epoch);
        let mut receiver = member(1, 20);
        let protected = sender
            .protect(&frame, Codec::Opus, false)
            .expect("protects");
        assert_eq!(
            receiver
                .unprotect(
                    1,
                    &protected,
                    Codec::Opus,
                    false,
                    &mut crypto_wasm::SenderBinding::feed()
                )
                .map(|u| u.frame),
            Err(Error::NoKeyForEpoch),
            "sender in epoch {sender_epoch}"
        );
    }
}
