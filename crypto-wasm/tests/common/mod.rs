//! Helpers shared by the scenario tests.
// Test-only helpers: panicking on malformed fixed test data is the point.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use crypto_wasm::frame::FrameKey;
use crypto_wasm::key_schedule::BaseKey;
use crypto_wasm::{CipherSuite, Cryptor, KeyId};

/// Decodes lower- or upper-case hex; panics on malformed test data.
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
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

/// The MLS epoch the members of [`member`] and [`members`] are keyed in.
pub const EPOCH: u64 = 3;

/// A stand-in for the exported base key of `epoch` in group `group`, `suite.nk()` bytes long
/// (48 for the AES-CTR suites): [`epoch_base_key`] padded with `group`.
pub fn suite_base_key(suite: CipherSuite, group: u8, epoch: u64) -> Vec<u8> {
    let mut key = vec![group; suite.nk()];
    key[..16].copy_from_slice(&epoch_base_key(group, epoch));
    key
}

/// A `Cryptor` for `suite` as the worker holds it after its first `useEpochKey`: leaf `leaf`
/// of group `group`, in epoch [`EPOCH`].
pub fn member(suite: CipherSuite, group: u8, leaf: u32) -> Cryptor {
    let mut cryptor = Cryptor::new(suite);
    cryptor
        .use_epoch_key(0, EPOCH, &suite_base_key(suite, group, EPOCH), leaf)
        .expect("an Nk-byte base key for a first epoch");
    cryptor
}

/// Two members of group `group` with the default suite: leaves 1 (`alice`) and 2 (`bob`).
pub fn members(group: u8) -> (Cryptor, Cryptor) {
    let suite = CipherSuite::default();
    (member(suite, group, 1), member(suite, group, 2))
}

/// The KID a [`member`] at `leaf` sends under.
pub fn member_kid(leaf: u32) -> KeyId {
    crypto_wasm::mls_keys::conclave_kid(leaf, EPOCH)
}
