//! A sender key's counter never wraps: after `u64::MAX` it refuses to encrypt.

mod common;

use common::{fixed_key, pattern};
use crypto_wasm::{CipherSuite, Counter, Error, KeyId, SenderContext};

#[test]
fn counter_is_monotonic_and_refuses_to_wrap() {
    let suite = CipherSuite::default();
    let mut sender =
        SenderContext::with_first_counter(KeyId(9), fixed_key(suite, 9), Counter(u64::MAX - 1));
    assert!(sender.protect_frame(&pattern(20, 0), 0).is_ok());
    assert_eq!(sender.next_counter(), Some(Counter(u64::MAX)));
    assert!(sender.protect_frame(&pattern(20, 0), 0).is_ok());
    assert_eq!(sender.next_counter(), None);
    for _ in 0..3 {
        assert_eq!(
            sender.protect_frame(&pattern(20, 0), 0),
            Err(Error::CounterExhausted)
        );
    }
}

#[test]
fn counters_start_at_zero_and_increase_across_tracks() {
    let suite = CipherSuite::default();
    let mut sender = SenderContext::new(KeyId(9), fixed_key(suite, 9));
    for expected in 0..20u64 {
        assert_eq!(sender.next_counter(), Some(Counter(expected)));
        // Alternate codecs as two tracks sharing one key would.
        let prefix = if expected % 2 == 0 { 10 } else { 0 };
        sender
            .protect_frame(&pattern(64, 1), prefix)
            .expect("protects");
    }
}
