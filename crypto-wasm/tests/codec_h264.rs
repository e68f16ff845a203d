//! H.264 frames keep their Annex B structure: start codes, NAL unit headers, parameter sets
//! and the first slice header fields in clear; everything else encrypted, escaped so that no
//! start code appears, authenticated as a whole.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{members, pattern};
use crypto_wasm::codec::h264::{contains_start_code, escape_into, unescape};
use crypto_wasm::codec::MalformedFrame;
use crypto_wasm::{Codec, Cryptor, Error};

fn pair() -> (Cryptor, Cryptor) {
    members(9)
}

const SC4: &[u8] = &[0, 0, 0, 1];
const SC3: &[u8] = &[0, 0, 1];
/// An SPS (type 7) and PPS (type 8) as OpenH264 writes them for 640x480 baseline.
const SPS: &[u8] = &[
    0x67, 0x42, 0xc0, 0x1f, 0x8c, 0x8d, 0x40, 0x50, 0x1e, 0xd0, 0x0f, 0x08, 0x84, 0x6a,
];
const PPS: &[u8] = &[0x68, 0xce, 0x3c, 0x80];

/// A slice NAL unit: header, a slice header starting `first_mb = 0, slice_type = 7, pps_id
/// = 0` (bits `1 0001000 1`), then `body`.
fn idr_slice(body: &[u8]) -> Vec<u8> {
    let mut nal = vec![0x65, 0x88, 0x80];
    nal.extend_from_slice(body);
    nal
}

/// Slice data that is valid escaped H.264 and full of `00 00 03` sequences.
fn tricky_body(len: usize) -> Vec<u8> {
    let mut body = Vec::new();
    let mut i = 0u8;
    while body.len() < len {
        body.extend_from_slice(&[0x00, 0x00, 0x03, i % 4, 0x11, i]);
        i = i.wrapping_add(1).max(1);
    }
    body.push(0x80);
    body
}

fn annex_b(units: &[(&[u8], &[u8])]) -> Vec<u8> {
    units
        .iter()
        .flat_map(|(sc, nal)| sc.iter().chain(nal.iter()).copied())
        .collect()
}

fn key_frame() -> Vec<u8> {
    annex_b(&[
        (SC4, SPS),
        (SC4, PPS),
        (SC4, &idr_slice(&tricky_body(3000))),
    ])
}

fn delta_frame() -> Vec<u8> {
    let mut slice = vec![0x41, 0x9a, 0x02];
    slice.extend_from_slice(&pattern(700, 3));
    slice.push(0x80);
    let sei = [0x06, 0x05, 0x02, 0x00, 0x00, 0x03, 0x01, 0x80];
    annex_b(&[(SC3, &[0x09, 0xf0]), (SC3, &sei), (SC4, &slice)])
}

/// Replaces every start code with the 4-byte form, as WebRTC's depacketizer writes them.
fn with_four_byte_start_codes(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < frame.len() {
        if frame[i..].starts_with(SC4) {
            out.extend_from_slice(SC4);
            i += 4;
        } else if frame[i..].starts_with(SC3) {
            out.extend_from_slice(SC4);
            i += 3;
        } else {
            out.push(frame[i]);
            i += 1;
        }
    }
    out
}

fn nal_starts(frame: &[u8]) -> Vec<usize> {
    (0..frame.len().saturating_sub(2))
        .filter(|&i| frame[i..].starts_with(SC3))
        .map(|i| i + 3)
        .collect()
}

#[test]
fn key_and_delta_frames_round_trip() {
    let (mut alice, mut bob) = pair();
    for frame in [
        key_frame(),
        delta_frame(),
        annex_b(&[(SC3, &idr_slice(&[]))]),
    ] {
        let protected = alice.protect(&frame, Codec::H264, false).unwrap();
        let back = bob
            .unprotect(
                0,
                &protected,
                Codec::H264,
                false,
                &mut crypto_wasm::SenderBinding::feed(),
            )
            .unwrap();
        assert_eq!(back.frame, frame);
    }
}

#[test]
fn structure_and_parameter_sets_stay_in_clear_payloads_do_not() {
    let (mut alice, _) = pair();
    let frame = key_frame();
    let protected = alice.protect(&frame, Codec::H264, true).unwrap();
    // Same number of NAL units, same headers, SPS and PPS verbatim.
    let starts = nal_starts(&protected);
    assert_eq!(starts.len(), 3);
    assert!(protected.starts_with(&annex_b(&[(SC4, SPS), (SC4, PPS)])));
    // The slice keeps its header and first slice header byte(s), then ciphertext.
    assert_eq!(&protected[starts[2]..starts[2] + 3], &[0x65, 0x88, 0x80]);
    let plain_body = tricky_body(3000);
    assert!(!protected
        .windows(32)
        .any(|w| plain_body.windows(32).any(|p| p == w)));
}

#[test]
fn ciphertext_never_contains_a_start_code() {
    let (mut alice, _) = pair();
    for seed in 0..200u8 {
        // Bodies of zeros encrypt to random bytes; many frames make a start code likely
        // if the escaping were missing.
        let frame = annex_b(&[
            (SC4, SPS),
            (SC4, PPS),
            (SC4, &idr_slice(&[0x11; 2000])),
            (SC3, &[0x41, 0x9a, seed | 1, 0x80]),
        ]);
        let protected = alice.protect(&frame, Codec::H264, true).unwrap();
        let starts = nal_starts(&protected);
        assert_eq!(starts.len(), 4, "exactly the frame's four start codes");
        // After the slice's clear bytes, no start code until the next NAL unit.
        let slice_end = starts[3] - 4;
        assert!(!contains_start_code(
            &protected[starts[2] + 3..slice_end],
            0
        ));
        assert!(!protected[starts[2]..slice_end]
            .windows(3)
            .any(|w| w[0] == 0 && w[1] == 0 && w[2] <= 2));
    }
}

#[test]
fn receiver_may_see_other_start_codes() {
    let (mut alice, mut bob) = pair();
    let frame = delta_frame();
    let protected = alice.protect(&frame, Codec::H264, false).unwrap();
    let received = with_four_byte_start_codes(&protected);
    assert_ne!(received, protected);
    let back = bob
        .unprotect(
            0,
            &received,
            Codec::H264,
            false,
            &mut crypto_wasm::SenderBinding::feed(),
        )
        .unwrap();
    assert_eq!(back.frame, with_four_byte_start_codes(&frame));
}

#[test]
fn tampering_with_any_clear_part_fails() {
    let (mut alice, mut bob) = pair();
    let frame = key_frame();
    let protected = alice.protect(&frame, Codec::H264, true).unwrap();
    let starts = nal_starts(&protected);
    // SPS byte, PPS header bit, slice header field bit, NAL header type bits.
    for (at, mask) in [
        (starts[0] + 3, 0x01),
        (starts[1], 0x20),
        (starts[2] + 1, 0x40),
        (starts[2], 0x01),
    ] {
        let mut forged = protected.clone();
        forged[at] ^= mask;
        assert!(
            bob.unprotect(
                0,
                &forged,
                Codec::H264,
                true,
                &mut crypto_wasm::SenderBinding::feed()
            )
            .is_err(),
            "byte {at}"
        );
    }
    // Moving one ciphertext byte from one NAL unit to the next keeps the ciphertext but not
    // the structure.
    let frame = annex_b(&[
        (SC4, &idr_slice(&[0x55; 100])),
        (SC4, &[0x41, 0x9a, 0x02, 0x44, 0x80]),
    ]);
    let protected = alice.protect(&frame, Codec::H264, true).unwrap();
    let starts = nal_starts(&protected);
    let mut moved = protected.clone();
    let last_cipher = starts[1] - 4 - 2; // before the first unit's trailer
    let byte = moved.remove(last_cipher);
    moved.insert(starts[1] - 1 + 3, byte);
    assert!(bob
        .unprotect(
            0,
            &moved,
            Codec::H264,
            true,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_err());
    // Dropping a NAL unit fails too.
    let dropped = protected[..starts[1] - 4].to_vec();
    assert!(bob
        .unprotect(
            0,
            &dropped,
            Codec::H264,
            true,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_err());
    assert!(bob
        .unprotect(
            0,
            &protected,
            Codec::H264,
            true,
            &mut crypto_wasm::SenderBinding::feed()
        )
        .is_ok());
}

#[test]
fn malformed_frames_are_refused_before_encryption() {
    let (mut alice, _) = pair();
    let cases: [(&[u8], MalformedFrame); 6] = [
        (b"\x65\x88\x80abc", MalformedFrame::MissingStartCode),
        (
            b"\x05\x00\x00\x01\x65\x88\x80",
            MalformedFrame::MissingStartCode,
        ),
        (
            b"\x00\x00\x01\x00\x00\x01\x65\x88",
            MalformedFrame::EmptyNalUnit,
        ),
        (b"\x00\x00\x01\xe5\x88\x80", MalformedFrame::ForbiddenBitSet),
        (b"\x00\x00\x01\x74\x01", MalformedFrame::TruncatedNalHeader),
        (
            b"\x00\x00\x01\x65\x00\x00\x03\x00",
            MalformedFrame::MalformedSliceHeader,
        ),
    ];
    for (frame, fault) in cases {
        assert_eq!(
            alice.protect(frame, Codec::H264, false),
            Err(Error::MalformedFrame(fault))
        );
    }
    // Only parameter sets: nothing can carry the ciphertext.
    assert_eq!(
        alice.protect(&annex_b(&[(SC4, SPS), (SC4, PPS)]), Codec::H264, true),
        Err(Error::MalformedFrame(MalformedFrame::NothingToEncrypt))
    );
}

#[test]
fn escaping_round_trips_and_rejects_what_it_cannot_write() {
    for zeros in 0..=2 {
        let data = [0u8, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 4, 0];
        let mut escaped = vec![];
        escape_into(&mut escaped, &data, zeros);
        assert_eq!(unescape(&escaped, zeros).unwrap(), data);
    }
    assert!(unescape(&[0, 0, 1], 0).is_none());
    assert!(unescape(&[0, 0, 3, 4], 0).is_none());
    assert!(unescape(&[0, 0, 3], 0).is_none());
    assert!(unescape(&[4], 2).is_some());
    assert!(unescape(&[1], 2).is_none());
    assert!(unescape(&[2], 2).is_none());
}

/// Properties on arbitrary input (native only: proptest does not build for wasm32).
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_payload_round_trips_without_start_codes(
            bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..4),
        ) {
            let (mut alice, mut bob) = pair();
            // Turn arbitrary bytes into valid escaped NAL unit payloads ending in a non-zero byte.
            let nals: Vec<Vec<u8>> = bodies.iter().map(|b| {
                let mut nal = vec![0x41, 0x9a, 0x02];
                escape_into(&mut nal, b, 0);
                nal.push(0x80);
                nal
            }).collect();
            let units: Vec<(&[u8], &[u8])> = nals.iter().map(|n| (SC4, n.as_slice())).collect();
            let frame = annex_b(&units);
            let protected = alice.protect(&frame, Codec::H264, false).unwrap();
            prop_assert_eq!(nal_starts(&protected).len(), nals.len());
            let back = bob.unprotect(0, &protected, Codec::H264, false, &mut crypto_wasm::SenderBinding::feed()).unwrap();
            prop_assert_eq!(back.frame, frame);
        }

        #[test]
        fn arbitrary_input_never_panics(frame in proptest::collection::vec(0u8..4, 0..200)) {
            let (mut alice, mut bob) = pair();
            let _ = alice.protect(&frame, Codec::H264, false);
            let _ = bob.unprotect(0, &frame, Codec::H264, false, &mut crypto_wasm::SenderBinding::feed());
        }
    }
}
