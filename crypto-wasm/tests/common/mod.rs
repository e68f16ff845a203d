//! Helpers shared by the scenario tests.
// Test-only helpers: panicking on malformed fixed test data is the point.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use crypto_wasm::frame::FrameKey;
use crypto_wasm::key_schedule::BaseKey;
use crypto_wasm::{CipherSuite, KeyId, KeyRing, KeySource, MeetingSecret, SenderContext};

/// Decodes lower- or upper-case hex; panics on malformed test data.
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// A meeting-secret key source from a one-byte pattern.
pub fn source(fill: u8) -> KeySource {
    KeySource::MeetingSecret(MeetingSecret::from_slice(&[fill; 32]).expect("32 bytes"))
}

/// A sender under `kid` and a receiver ring, both from the secret `[fill; 32]`.
pub fn pair(fill: u8, kid: u64) -> (SenderContext, KeyRing) {
    let suite = CipherSuite::default();
    let sender = SenderContext::from_source(&source(fill), suite, KeyId(kid));
    let ring = KeyRing::new(source(fill), suite, 64);
    (sender, ring)
}

/// A frame key from a fixed base key.
pub fn fixed_key(suite: CipherSuite, kid: u64) -> FrameKey {
    let base = BaseKey::from_slice(&[7u8; 16]).expect("short base key");
    FrameKey::derive(suite, KeyId(kid), &base)
}

/// Deterministic pseudo-random bytes (no RNG dependency needed).
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// A stand-in for `MLS-Exporter("SFrame 1.0 Base Key", "", 16)` of `epoch` in group `group`.
pub fn epoch_base_key(group: u8, epoch: u64) -> [u8; 16] {
    let mut key = [group; 16];
    key[8..].copy_from_slice(&epoch.to_be_bytes());
    key
}
