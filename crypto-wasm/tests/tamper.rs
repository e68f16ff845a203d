//! Tampering: every bit flip of the clear prefix, header, ciphertext and tag is rejected, as
//! are wrong keys, truncated and empty input; none of it panics.

mod common;

use common::{pair, pattern, source};
use crypto_wasm::codec::clear_len;
use crypto_wasm::header::SframeHeader;
use crypto_wasm::{CipherSuite, Codec, Error, KeyRing};

#[test]
fn every_bit_flip_is_rejected() {
    let suite = CipherSuite::default();
    for (codec, key_frame) in [
        (Codec::Vp8, true),
        (Codec::Vp8, false),
        (Codec::Opus, false),
    ] {
        let (mut sender, mut ring) = pair(1, 0x1234_5678);
        let prefix = codec.prefix_len(key_frame);
        let frame = pattern(80, 9);
        let protected = sender.protect_frame(&frame, prefix).expect("protects");
        assert_eq!(
            ring.unprotect_frame(&protected, prefix).expect("intact"),
            frame
        );

        let clear = clear_len(prefix, protected.len(), suite);
        let (_, header_len) = SframeHeader::parse(&protected[clear..]).expect("header");
        assert!(header_len > 1 && protected.len() > clear + header_len + 16);
        // The bit positions cover prefix, header, ciphertext and tag.
        for bit in 0..protected.len() * 8 {
            let mut bad = protected.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(
                ring.unprotect_frame(&bad, prefix),
                Err(Error::DecryptionFailed),
                "{codec:?} key={key_frame} bit {bit} flipped"
            );
        }
    }
}

#[test]
fn wrong_key_is_rejected() {
    let (mut sender, _) = pair(1, 42);
    let protected = sender.protect_frame(&pattern(100, 1), 3).expect("protects");
    let mut other = KeyRing::new(source(2), CipherSuite::default(), 64);
    assert_eq!(
        other.unprotect_frame(&protected, 3),
        Err(Error::DecryptionFailed)
    );
    assert!(
        other.is_empty(),
        "a key that failed to authenticate is not cached"
    );
}

#[test]
fn truncated_and_empty_input_is_rejected() {
    let (mut sender, mut ring) = pair(1, 42);
    for prefix in [0, 3, 10] {
        let protected = sender
            .protect_frame(&pattern(60, 3), prefix)
            .expect("protects");
        for cut in 0..protected.len() {
            assert_eq!(
                ring.unprotect_frame(&protected[..cut], prefix),
                Err(Error::DecryptionFailed),
                "prefix {prefix} cut at {cut}"
            );
        }
        let mut longer = protected.clone();
        longer.push(0);
        assert_eq!(
            ring.unprotect_frame(&longer, prefix),
            Err(Error::DecryptionFailed)
        );
    }
    for junk in [&[][..], &[0u8], &[0xff; 5], &[0xff; 40]] {
        assert_eq!(ring.unprotect_frame(junk, 10), Err(Error::DecryptionFailed));
    }
}

#[test]
fn wrong_clear_prefix_length_is_rejected() {
    // A receiver that disagrees on the codec must not accept the frame.
    let (mut sender, mut ring) = pair(1, 42);
    let protected = sender
        .protect_frame(&pattern(200, 5), 10)
        .expect("protects");
    assert_eq!(
        ring.unprotect_frame(&protected, 3),
        Err(Error::DecryptionFailed)
    );
    assert_eq!(
        ring.unprotect_frame(&protected, 0),
        Err(Error::DecryptionFailed)
    );
}

#[test]
fn own_sender_key_is_never_used_to_decrypt() {
    let (mut sender, mut ring) = pair(1, 42);
    ring.exclude_own_kid(sender.kid());
    let protected = sender.protect_frame(&pattern(50, 2), 0).expect("protects");
    assert_eq!(
        ring.unprotect_frame(&protected, 0),
        Err(Error::DecryptionFailed)
    );
}
