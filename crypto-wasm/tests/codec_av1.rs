//! AV1 frames keep their OBU structure: headers, extension bytes and size fields in clear,
//! payloads encrypted; what RTP changes in transit (temporal delimiters dropped, size fields
//! added) does not break authentication, anything else does.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{members, pattern};
use crypto_wasm::codec::av1::{read_leb128, write_leb128};
use crypto_wasm::codec::MalformedFrame;
use crypto_wasm::{Codec, Cryptor, Error};

fn pair() -> (Cryptor, Cryptor) {
    members(5)
}

const TEMPORAL_DELIMITER: u8 = 2 << 3;
const SEQUENCE_HEADER: u8 = 1 << 3;
const FRAME: u8 = 6 << 3;
const PADDING: u8 = 15 << 3;
const HAS_SIZE: u8 = 0x02;
const EXTENSION: u8 = 0x04;

/// One OBU: header (plus extension byte), size field if `HAS_SIZE`, payload.
fn obu(header: u8, extension: Option<u8>, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![header | if extension.is_some() { EXTENSION } else { 0 }];
    out.extend(extension);
    if header & HAS_SIZE != 0 {
        write_leb128(&mut out, payload.len());
    }
    out.extend_from_slice(payload);
    out
}

fn key_frame() -> Vec<u8> {
    [
        obu(TEMPORAL_DELIMITER | HAS_SIZE, None, &[]),
        obu(SEQUENCE_HEADER | HAS_SIZE, None, &pattern(11, 1)),
        obu(FRAME | HAS_SIZE, None, &pattern(4000, 2)),
    ]
    .concat()
}

/// What the AV1 RTP payload format and WebRTC's depacketizer make of a frame: temporal
/// delimiters, tile lists and padding dropped, every OBU with a minimal size field.
fn through_rtp(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = frame;
    while let Some(&header) = rest.first() {
        let head_len = if header & EXTENSION != 0 { 2 } else { 1 };
        let (payload, after) = if header & HAS_SIZE != 0 {
            let (size, n) = read_leb128(&rest[head_len..]).unwrap();
            rest[head_len + n..].split_at(size as usize)
        } else {
            (&rest[head_len..], &rest[rest.len()..])
        };
        let obu_type = (header >> 3) & 0x0f;
        if ![2, 8, 15].contains(&obu_type) {
            let extension = (header & EXTENSION != 0).then(|| rest[1]);
            out.extend(obu((header & !EXTENSION) | HAS_SIZE, extension, payload));
        }
        rest = after;
    }
    out
}

#[test]
fn frames_round_trip_with_and_without_size_fields_and_extensions() {
    let (mut alice, mut bob) = pair();
    let frames = [
        key_frame(),
        [
            obu(TEMPORAL_DELIMITER | HAS_SIZE, None, &[]),
            obu(FRAME | HAS_SIZE, Some(0x28), &pattern(900, 3)),
        ]
        .concat(),
        // The last OBU without a size field runs to the end of the frame.
        [
            obu(SEQUENCE_HEADER | HAS_SIZE, None, &pattern(9, 4)),
            obu(FRAME, None, &pattern(300, 5)),
        ]
        .concat(),
        obu(FRAME, Some(0x10), &[]),
    ];
    for frame in frames {
        let protected = alice.protect(&frame, Codec::Av1, false).unwrap();
        assert_eq!(
            bob.unprotect(
                0,
                &protected,
                Codec::Av1,
                false,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .unwrap()
            .frame,
            frame
        );
    }
}

#[test]
fn headers_stay_in_clear_payloads_do_not() {
    let (mut alice, _) = pair();
    let frame = key_frame();
    let protected = alice.protect(&frame, Codec::Av1, true).unwrap();
    assert_eq!(&protected[..2], &[TEMPORAL_DELIMITER | HAS_SIZE, 0]);
    assert_eq!(protected[2], SEQUENCE_HEADER | HAS_SIZE);
    let (size, n) = read_leb128(&protected[3..]).unwrap();
    let frame_obu = 3 + n + size as usize;
    assert_eq!(protected[frame_obu], FRAME | HAS_SIZE);
    assert!(!protected
        .windows(16)
        .any(|w| pattern(4000, 2).windows(16).any(|p| p == w)));
}

#[test]
fn what_rtp_changes_still_authenticates() {
    let (mut alice, mut bob) = pair();
    let frame = [
        obu(TEMPORAL_DELIMITER | HAS_SIZE, None, &[]),
        obu(SEQUENCE_HEADER | HAS_SIZE, None, &pattern(12, 6)),
        obu(FRAME, Some(0x48), &pattern(1500, 7)),
    ]
    .concat();
    let protected = alice.protect(&frame, Codec::Av1, true).unwrap();
    let received = through_rtp(&protected);
    assert_ne!(received, protected);
    let back = bob
        .unprotect(
            0,
            &received,
            Codec::Av1,
            true,
            &mut crypto_wasm::SenderBinding::feed(),
        )
        .unwrap();
    assert_eq!(back.frame, through_rtp(&frame));
}

#[test]
fn padding_obus_never_leave_the_sender() {
    let (mut alice, mut bob) = pair();
    let secret_padding = pattern(64, 8);
    let frame = [
        obu(FRAME | HAS_SIZE, None, &pattern(200, 9)),
        obu(PADDING | HAS_SIZE, None, &secret_padding),
    ]
    .concat();
    let protected = alice.protect(&frame, Codec::Av1, false).unwrap();
    assert!(!protected.windows(16).any(|w| w == &secret_padding[..16]));
    let back = bob
        .unprotect(
            0,
            &protected,
            Codec::Av1,
            false,
            &mut crypto_wasm::SenderBinding::feed(),
        )
        .unwrap();
    assert_eq!(back.frame, obu(FRAME | HAS_SIZE, None, &pattern(200, 9)));
}

#[test]
fn tampering_with_headers_or_moving_ciphertext_fails() {
    let (mut alice, mut bob) = pair();
    let frame = [
        obu(SEQUENCE_HEADER | HAS_SIZE, None, &pattern(40, 1)),
        obu(FRAME | HAS_SIZE, Some(0x08), &pattern(500, 2)),
    ]
    .concat();
    let protected = alice.protect(&frame, Codec::Av1, true).unwrap();
    let (size, n) = read_leb128(&protected[1..]).unwrap();
    let second = 1 + n + size as usize;
    // OBU type bit, extension (layer ids), reserved bit.
    for (at, mask) in [(0, 0x08), (second + 1, 0x20), (second, 0x01)] {
        let mut forged = protected.clone();
        forged[at] ^= mask;
        assert!(
            bob.unprotect(
                0,
                &forged,
                Codec::Av1,
                true,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .is_err(),
            "byte {at}"
        );
    }
    // Shift one byte of ciphertext from the first OBU to the second, sizes adjusted.
    let mut first_payload = protected[1 + n..second].to_vec();
    let moved = first_payload.pop().unwrap();
    let mut second_payload = vec![moved];
    let (size2, n2) = read_leb128(&protected[second + 2..]).unwrap();
    second_payload.extend_from_slice(&protected[second + 2 + n2..second + 2 + n2 + size2 as usize]);
    let shifted = [
        obu(SEQUENCE_HEADER | HAS_SIZE, None, &first_payload),
        obu(FRAME | HAS_SIZE, Some(0x08), &second_payload),
    ]
    .concat();
    assert!(bob
        .unprotect(
            0,
            &shifted,
            Codec::Av1,
            true,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_err());
    // Removing an OBU fails.
    assert!(bob
        .unprotect(
            0,
            &protected[second..],
            Codec::Av1,
            true,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_err());
    assert!(bob
        .unprotect(
            0,
            &protected,
            Codec::Av1,
            true,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_ok());
}

#[test]
fn malformed_frames_are_refused_before_encryption() {
    let (mut alice, _) = pair();
    let cases: [(&[u8], MalformedFrame); 7] = [
        (&[0x80 | FRAME], MalformedFrame::ForbiddenBitSet),
        (&[FRAME | EXTENSION], MalformedFrame::TruncatedObuHeader),
        (
            &[FRAME | HAS_SIZE, 0x80],
            MalformedFrame::TruncatedObuHeader,
        ),
        (
            &[
                FRAME | HAS_SIZE,
                0x80,
                0x80,
                0x80,
                0x80,
                0x80,
                0x80,
                0x80,
                0x80,
                0x01,
            ],
            MalformedFrame::MalformedObuSize,
        ),
        (
            &[FRAME | HAS_SIZE, 0xff, 0xff, 0xff, 0xff, 0x7f],
            MalformedFrame::MalformedObuSize,
        ),
        (&[FRAME | HAS_SIZE, 5, 1, 2], MalformedFrame::ObuPastEnd),
        (
            &[TEMPORAL_DELIMITER | HAS_SIZE, 1, 0],
            MalformedFrame::TemporalDelimiterPayload,
        ),
    ];
    for (frame, fault) in cases {
        assert_eq!(
            alice.protect(frame, Codec::Av1, false),
            Err(Error::MalformedFrame(fault))
        );
    }
    for nothing in [&[][..], &[TEMPORAL_DELIMITER | HAS_SIZE, 0][..]] {
        assert_eq!(
            alice.protect(nothing, Codec::Av1, false),
            Err(Error::MalformedFrame(MalformedFrame::NothingToEncrypt))
        );
    }
}

#[test]
fn leb128_round_trips() {
    for value in [0usize, 1, 127, 128, 16_383, 16_384, u32::MAX as usize] {
        let mut out = vec![];
        write_leb128(&mut out, value);
        assert_eq!(read_leb128(&out).unwrap(), (value as u32, out.len()));
    }
    // Non-minimal forms are read (encoders may pad them).
    assert_eq!(read_leb128(&[0x85, 0x80, 0x00]).unwrap(), (5, 3));
}

/// Properties on arbitrary input (native only: proptest does not build for wasm32).
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(frame in proptest::collection::vec(any::<u8>(), 0..200)) {
            let (mut alice, mut bob) = pair();
            if let Ok(protected) = alice.protect(&frame, Codec::Av1, false) {
                prop_assert!(bob.unprotect(0, &protected, Codec::Av1, false, &mut crypto_wasm::SenderBinding::feed()).is_ok());
            }
            let _ = bob.unprotect(0, &frame, Codec::Av1, false, &mut crypto_wasm::SenderBinding::feed());
        }
    }
}
