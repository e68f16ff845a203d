//! The meeting's SFrame suite comes from the invite link: everyone holding the link gets
//! base keys of that suite's `Nk` (RFC 9605 section 5.2), and a joiner whose link names
//! another suite is never added (its invite proof does not verify).

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::FrameSuite;

#[test]
fn base_keys_have_the_suite_key_length() {
    for suite in FrameSuite::ALL {
        let mut meeting = Meeting::new();
        let alice = meeting.join_with_suite("Alice", suite);
        meeting.settle();
        let bob = meeting.join_with_suite("Bob", suite);
        meeting.settle();
        meeting.assert_converged(&[alice, bob]);
        for id in [alice, bob] {
            let keys = &meeting.client(id).keys;
            assert!(!keys.is_empty());
            assert!(keys.values().all(|key| key.len() == suite.key_len()));
        }
    }
}

#[test]
fn a_link_naming_another_suite_is_never_added() {
    let mut meeting = Meeting::new();
    let alice = meeting.join_with_suite("Alice", FrameSuite::Aes256GcmSha512_128);
    meeting.settle();
    let downgraded = meeting.join_with_suite("Eve", FrameSuite::Aes128CtrHmacSha256_32);
    meeting.settle();
    let bob = meeting.join_with_suite("Bob", FrameSuite::Aes256GcmSha512_128);
    meeting.settle();
    meeting.advance(12_000);
    meeting.assert_converged(&[alice, bob]);
    let outsiders: Vec<_> = meeting
        .client(alice)
        .group
        .roster()
        .outsiders
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(outsiders, vec![downgraded]);
    assert!(meeting.client(downgraded).keys.is_empty());
    assert_eq!(
        meeting.client(bob).keys.values().last().map(Vec::len),
        Some(32)
    );
}

#[test]
fn the_policy_table_matches_the_frame_code() {
    for suite in FrameSuite::ALL {
        let frame_code = crypto_wasm::CipherSuite::from_id(suite.id()).unwrap();
        assert_eq!(frame_code.nk(), suite.key_len());
        assert_eq!(frame_code.name(), suite.rfc_name());
    }
}
