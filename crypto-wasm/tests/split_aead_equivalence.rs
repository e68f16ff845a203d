//! The split AEAD path (SFrame in Rust, AES-GCM elsewhere) gives the same bytes as the
//! all-Rust path, in both directions, and fails closed: tampering, replays and unknown KIDs.
//! Here the "elsewhere" is the `aes-gcm` crate driven only by the plan and the raw key the
//! cryptor hands out; `e2e-tests/tests/frame-crypto-paths.spec.ts` does the same with
//! WebCrypto in Chromium, through the worker's `www/frame-crypto.js`.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes128Gcm, KeyInit};
use crypto_wasm::cryptor::split_aead::{MAX_PLAN_LEN, PLAN_FIXED_LEN};
use crypto_wasm::{Codec, Counter, Cryptor, KeyId, SenderBinding};

const BASE: [u8; 16] = [7; 16];

fn member(index: u32) -> Cryptor {
    let mut cryptor = Cryptor::default();
    cryptor
        .use_epoch_key(0, 3, &BASE, index)
        .expect("epoch key");
    cryptor
}

fn frame(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + 7) as u8).collect()
}

struct Plan<'a> {
    clear: usize,
    header_len: usize,
    kid: f64,
    ctr: f64,
    nonce: [u8; 12],
    aad: &'a [u8],
}

fn read(plan: &[u8]) -> Plan<'_> {
    Plan {
        clear: usize::from(u16::from_le_bytes([plan[4], plan[5]])),
        header_len: usize::from(plan[6]),
        kid: f64::from_le_bytes(plan[8..16].try_into().expect("8 bytes")),
        ctr: f64::from_le_bytes(plan[16..24].try_into().expect("8 bytes")),
        nonce: plan[32..44].try_into().expect("12 bytes"),
        aad: &plan[PLAN_FIXED_LEN..],
    }
}

/// Seals as the worker does with WebCrypto: `clear || header || AES-GCM(ct || tag)`.
fn split_protect(sender: &mut Cryptor, data: &[u8], codec: Codec, key_frame: bool) -> Vec<u8> {
    let head = &data[..data.len().min(64)];
    let mut plan = [0u8; MAX_PLAN_LEN];
    let plan_len = sender
        .prepare_seal(head, data.len(), codec, key_frame, &mut plan)
        .expect("a plan");
    let p = read(&plan[..plan_len]);
    let key = sender.send_key_for_import().expect("send key");
    let aead = Aes128Gcm::new_from_slice(key.as_bytes()).expect("16 bytes");
    let sealed = aead
        .encrypt(
            &p.nonce.into(),
            Payload {
                msg: &data[p.clear..],
                aad: p.aad,
            },
        )
        .expect("seal");
    let mut out = data[..p.clear].to_vec();
    out.extend_from_slice(&p.aad[..p.header_len]);
    out.extend_from_slice(&sealed);
    out
}

/// Opens as the worker does; `None` when no plan is made (the all-Rust path decides).
fn split_unprotect(
    receiver: &mut Cryptor,
    data: &[u8],
    codec: Codec,
    key_frame: bool,
    binding: &SenderBinding,
) -> Option<Result<Vec<u8>, ()>> {
    let head = &data[..data.len().min(64)];
    let mut plan = [0u8; MAX_PLAN_LEN];
    let plan_len =
        receiver.prepare_open(10, head, data.len(), codec, key_frame, binding, &mut plan)?;
    let p = read(&plan[..plan_len]);
    let key = receiver
        .receive_key_for_import(KeyId(p.kid as u64))
        .expect("receive key");
    let aead = Aes128Gcm::new_from_slice(key.as_bytes()).expect("16 bytes");
    let Ok(plain) = aead.decrypt(
        &p.nonce.into(),
        Payload {
            msg: &data[p.clear + p.header_len..],
            aad: p.aad,
        },
    ) else {
        return Some(Err(()));
    };
    let (kid, ctr) = (KeyId(p.kid as u64), Counter(p.ctr as u64));
    match receiver.confirm_open(kid, ctr, binding) {
        // Every sender in these tests is leaf 1: the KID names it.
        Ok(sender_index) => assert_eq!(sender_index, 1),
        Err(_) => return Some(Err(())),
    }
    let mut out = data[..p.clear].to_vec();
    out.extend_from_slice(&plain);
    Some(Ok(out))
}

#[test]
fn split_and_rust_paths_give_identical_bytes() {
    // Two senders with the same key and counter: one all-Rust, one split.
    let mut rust_sender = member(1);
    let mut split_sender = member(1);
    let mut receiver = member(2);
    let mut feed = SenderBinding::feed();
    let mut lens: Vec<usize> = (0..80).collect();
    lens.extend([
        100, 159, 160, 161, 511, 512, 767, 768, 1200, 4096, 10_240, 102_400,
    ]);
    for (codec, key_frame) in [
        (Codec::Vp8, true),
        (Codec::Vp8, false),
        (Codec::Opus, false),
    ] {
        for &len in &lens {
            let data = frame(len);
            let by_rust = rust_sender.protect(&data, codec, key_frame).expect("rust");
            let by_split = split_protect(&mut split_sender, &data, codec, key_frame);
            assert_eq!(by_rust, by_split, "protect, {codec:?} {len} bytes");
            // Receive: the first frame of the KID authenticates in Rust, then the split path.
            match split_unprotect(&mut receiver, &by_split, codec, key_frame, &feed) {
                Some(opened) => assert_eq!(opened, Ok(data.clone()), "{codec:?} {len}"),
                None => {
                    let opened = receiver.unprotect(10, &by_rust, codec, key_frame, &mut feed);
                    assert_eq!(opened.expect("rust open").frame, data);
                }
            }
        }
    }
}

#[test]
fn split_open_fails_closed() {
    let mut sender = member(1);
    let mut receiver = member(2);
    let first = sender
        .protect(&frame(300), Codec::Vp8, false)
        .expect("protect");
    let mut feed = SenderBinding::feed();
    // No plan before the KID authenticated a frame in Rust (and bound the feed).
    assert!(split_unprotect(&mut receiver, &first, Codec::Vp8, false, &feed).is_none());
    receiver
        .unprotect(10, &first, Codec::Vp8, false, &mut feed)
        .expect("rust open");
    // A receiver bound to another sender gets no plan for it, nor a confirmation.
    let mut elsewhere = SenderBinding::peer();
    receiver.expect_sender(&mut elsewhere, Some(3));
    let other = sender
        .protect(&frame(300), Codec::Vp8, false)
        .expect("protect");
    assert!(split_unprotect(&mut receiver, &other, Codec::Vp8, false, &elsewhere).is_none());
    assert_eq!(
        receiver.confirm_open(KeyId(0x13), Counter(1), &elsewhere),
        Err(crypto_wasm::Error::WrongSender)
    );
    assert_eq!(
        split_unprotect(&mut receiver, &other, Codec::Vp8, false, &feed),
        Some(Ok(frame(300))),
        "the feed bound to the sender still opens it"
    );
    for len in [1, 16, 300, 5000] {
        let good = sender
            .protect(&frame(len), Codec::Vp8, false)
            .expect("protect");
        for at in [0, 2, 3, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            let split = split_unprotect(&mut receiver, &bad, Codec::Vp8, false, &feed);
            assert!(
                !matches!(split, Some(Ok(_))),
                "split accepted a tampered byte {at}"
            );
            assert!(receiver
                .unprotect(10, &bad, Codec::Vp8, false, &mut feed)
                .is_err());
        }
        // The untouched frame still opens once, and a replay does not.
        assert_eq!(
            split_unprotect(&mut receiver, &good, Codec::Vp8, false, &feed),
            Some(Ok(frame(len)))
        );
        assert!(!matches!(
            split_unprotect(&mut receiver, &good, Codec::Vp8, false, &feed),
            Some(Ok(_))
        ));
        assert!(receiver
            .unprotect(10, &good, Codec::Vp8, false, &mut feed)
            .is_err());
    }
    // Our own frames reflected back never get a plan.
    let own = receiver
        .protect(&frame(300), Codec::Vp8, false)
        .expect("own");
    assert!(split_unprotect(&mut receiver, &own, Codec::Vp8, false, &feed).is_none());
}

#[test]
fn no_plan_without_epoch_keys() {
    let mut fresh = Cryptor::default();
    assert!(fresh
        .prepare_seal(&frame(64), 1000, Codec::Vp8, false, &mut [0; MAX_PLAN_LEN])
        .is_none());
    assert!(fresh.send_key_for_import().is_none());
}
