//! Conclave's frame layout (`clear prefix || SFrame header || ciphertext || tag`, see
//! docs/FRAME_FORMAT.md) under arbitrary frames, codecs and suites: protect then unprotect is
//! the identity, the clear prefix is the codec's (cut for short frames) and stays in clear,
//! the length grows by exactly header + tag, a second delivery is a replay, and arbitrary
//! junk given to unprotect never panics.
#![no_main]

use arbitrary::Arbitrary;
use crypto_wasm::codec::clear_len;
use crypto_wasm::{CipherSuite, Codec, Cryptor, Error, KeyId, SframeHeader};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    suite: u8,
    mls: bool,
    frames: Vec<(u8, bool, Vec<u8>)>,
    junk: Vec<(u8, bool, Vec<u8>)>,
}

fn codec_of(selector: u8) -> Codec {
    match selector % 3 {
        0 => Codec::Vp8,
        1 => Codec::Opus,
        _ => Codec::Other,
    }
}

fuzz_target!(|input: Input| {
    let suite = CipherSuite::ALL[usize::from(input.suite) % CipherSuite::ALL.len()];
    let mut alice = Cryptor::new(suite);
    let mut bob = Cryptor::new(suite);
    if input.mls {
        let base_key = vec![0x17; suite.nk()];
        let keyed = alice
            .use_epoch_key(0, 5, &base_key, 1)
            .and_then(|()| bob.use_epoch_key(0, 5, &base_key, 2));
        assert_eq!(keyed, Ok(()));
    } else {
        let keyed = alice
            .use_meeting_secret(&[9; 32], KeyId(1))
            .and_then(|()| bob.use_meeting_secret(&[9; 32], KeyId(2)));
        assert_eq!(keyed, Ok(()));
    }

    for (selector, key_frame, frame) in input.frames.iter().take(16) {
        let codec = codec_of(*selector);
        let Ok(protected) = alice.protect(frame, codec, *key_frame) else {
            panic!("protect failed on a {}-byte frame", frame.len());
        };
        let clear = clear_len(codec.prefix_len(*key_frame), protected.len(), suite);
        assert!(clear <= frame.len());
        assert_eq!(&protected[..clear], &frame[..clear]);
        let Ok((_, header_len)) = SframeHeader::parse(&protected[clear..]) else {
            panic!("the header follows the clear prefix");
        };
        assert_eq!(protected.len(), frame.len() + header_len + suite.nt());

        let Ok(unprotected) = bob.unprotect(1, &protected, codec, *key_frame) else {
            panic!("a protected frame must unprotect");
        };
        assert_eq!(&unprotected.frame, frame);
        assert_eq!(
            bob.unprotect(1, &protected, codec, *key_frame).map(|_| ()),
            Err(Error::Replayed)
        );
    }

    for (selector, key_frame, junk) in input.junk.iter().take(16) {
        let _ = bob.unprotect(2, junk, codec_of(*selector), *key_frame);
    }
});
