//! Conclave's frame layouts (docs/FRAME_FORMAT.md) under arbitrary frames, codecs and
//! suites: protect then unprotect gives the frame back (for H.264 and AV1 in the codec's
//! normal form, which itself round-trips unchanged), and a second delivery is a replay. For the
//! clear-prefix layout (`clear prefix || SFrame header || ciphertext || tag`: VP8, VP9, Opus,
//! other) the prefix is the codec's (cut for short frames) and stays in clear, and the length
//! grows by exactly header + tag; the structured codecs (H.264, AV1) may refuse a frame that
//! does not parse as theirs, never panic. Arbitrary junk given to unprotect never panics.
#![no_main]

use arbitrary::Arbitrary;
use crypto_wasm::codec::{clear_len, Layout};
use crypto_wasm::{CipherSuite, Codec, Cryptor, Error, SframeHeader};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    suite: u8,
    /// Both members hold an older epoch too (they send in the newest).
    two_epochs: bool,
    frames: Vec<(u8, bool, Vec<u8>)>,
    junk: Vec<(u8, bool, Vec<u8>)>,
}

fn codec_of(selector: u8) -> Codec {
    match selector % 6 {
        0 => Codec::Vp8,
        1 => Codec::Opus,
        2 => Codec::Vp9,
        3 => Codec::H264,
        4 => Codec::Av1,
        _ => Codec::Other,
    }
}

fuzz_target!(|input: Input| {
    let suite = CipherSuite::ALL[usize::from(input.suite) % CipherSuite::ALL.len()];
    let mut alice = Cryptor::new(suite);
    let mut bob = Cryptor::new(suite);
    let epochs: &[u64] = if input.two_epochs { &[4, 5] } else { &[5] };
    for &epoch in epochs {
        let base_key = vec![0x17 ^ epoch as u8; suite.nk()];
        let keyed = alice
            .use_epoch_key(0, epoch, &base_key, 1)
            .and_then(|()| bob.use_epoch_key(0, epoch, &base_key, 2));
        assert_eq!(keyed, Ok(()));
    }

    for (selector, key_frame, frame) in input.frames.iter().take(16) {
        let codec = codec_of(*selector);
        let layout = codec.layout(*key_frame);
        let protected = match (alice.protect(frame, codec, *key_frame), layout) {
            (Ok(protected), _) => protected,
            (Err(Error::MalformedFrame(_)), Layout::Structured(_)) => continue,
            (Err(error), _) => panic!("protect failed on a {}-byte frame: {error:?}", frame.len()),
        };
        if let Layout::ClearPrefix(prefix_len) = layout {
            let clear = clear_len(prefix_len, protected.len(), suite);
            assert!(clear <= frame.len());
            assert_eq!(&protected[..clear], &frame[..clear]);
            let Ok((_, header_len)) = SframeHeader::parse(&protected[clear..]) else {
                panic!("the header follows the clear prefix");
            };
            assert_eq!(protected.len(), frame.len() + header_len + suite.nt());
        }

        let unprotected = match bob.unprotect(
            1,
            &protected,
            codec,
            *key_frame,
            &mut crypto_wasm::SenderBinding::feed(),
        ) {
            Ok(unprotected) => unprotected,
            Err(error) => panic!("a protected {codec:?} frame must unprotect: {error:?}"),
        };
        assert_eq!(
            bob.unprotect(
                1,
                &protected,
                codec,
                *key_frame,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .map(|_| ()),
            Err(Error::Replayed)
        );
        if let Layout::ClearPrefix(_) = layout {
            assert_eq!(&unprotected.frame, frame);
        } else {
            // The structured codecs hand back their own normal form of the frame, not always
            // the same bytes (AV1 drops padding and tile-list OBUs, H.264 trailing zero
            // bytes): that form must survive another round trip unchanged.
            let again = alice.protect(&unprotected.frame, codec, *key_frame);
            let Ok(again) = again else {
                panic!("the normal form of a {codec:?} frame must protect: {again:?}");
            };
            let opened = bob
                .unprotect(
                    1,
                    &again,
                    codec,
                    *key_frame,
                    &mut crypto_wasm::SenderBinding::feed(),
                )
                .map(|u| u.frame);
            assert_eq!(
                opened.as_ref(),
                Ok(&unprotected.frame),
                "{codec:?} normal form"
            );
        }
    }

    for (selector, key_frame, junk) in input.junk.iter().take(16) {
        let _ = bob.unprotect(
            2,
            junk,
            codec_of(*selector),
            *key_frame,
            &mut crypto_wasm::SenderBinding::feed(),
        );
    }
});
