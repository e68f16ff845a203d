//! VP9 frames are encrypted whole: nothing on the path reads a VP9 frame.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{member_kid, members, pattern};
use crypto_wasm::Codec;

#[test]
fn vp9_round_trips_with_no_clear_byte_and_fails_when_tampered() {
    let (mut alice, mut bob) = members(3);
    assert_eq!(Codec::Vp9.prefix_len(true), 0);
    for size in [1, 50, 5000] {
        let frame = pattern(size, 9);
        let protected = alice.protect(&frame, Codec::Vp9, true).unwrap();
        // No byte of the frame is left in clear: the frame starts with the SFrame header.
        let (header, header_len) = crypto_wasm::SframeHeader::parse(&protected).unwrap();
        assert_eq!(header.kid, member_kid(1));
        assert_eq!(protected.len(), header_len + size + 16);
        assert_eq!(
            bob.unprotect(
                0,
                &protected,
                Codec::Vp9,
                true,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .unwrap()
            .frame,
            frame
        );
        let mut forged = protected.clone();
        forged[0] ^= 0x01;
        assert!(bob
            .unprotect(
                0,
                &forged,
                Codec::Vp9,
                true,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .is_err());
    }
}
