//! VP9 frames are encrypted whole: nothing on the path reads a VP9 frame.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::pattern;
use crypto_wasm::{Codec, Cryptor, KeyId};

#[test]
fn vp9_round_trips_with_no_clear_byte_and_fails_when_tampered() {
    let mut alice = Cryptor::default();
    let mut bob = Cryptor::default();
    alice.use_meeting_secret(&[3; 32], KeyId(1000)).unwrap();
    bob.use_meeting_secret(&[3; 32], KeyId(2000)).unwrap();
    assert_eq!(Codec::Vp9.prefix_len(true), 0);
    for size in [1, 50, 5000] {
        let frame = pattern(size, 9);
        let protected = alice.protect(&frame, Codec::Vp9, true).unwrap();
        // No byte of the frame is left in clear: the frame starts with the SFrame header.
        let (header, header_len) = crypto_wasm::SframeHeader::parse(&protected).unwrap();
        assert_eq!(header.kid, KeyId(1000));
        assert_eq!(protected.len(), header_len + size + 16);
        assert_eq!(
            bob.unprotect(0, &protected, Codec::Vp9, true)
                .unwrap()
                .frame,
            frame
        );
        let mut forged = protected.clone();
        forged[0] ^= 0x01;
        assert!(bob.unprotect(0, &forged, Codec::Vp9, true).is_err());
    }
}
