//! Conclave's AES-GCM (`crypto_wasm::gcm`, batched keystream) against RustCrypto's `aes-gcm`,
//! byte for byte: every length around the batch edges, AES-128 and AES-256, any AAD; plus a
//! published test vector, and tampering that must fail without touching the buffer.
#![cfg(not(target_arch = "wasm32"))]
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use aes::{Aes128, Aes256};
use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes128Gcm, Aes256Gcm, KeyInit};
use crypto_wasm::gcm::AesGcm;
use proptest::prelude::*;

/// `(ciphertext, tag)` from `aes-gcm`.
fn reference(key: &[u8], nonce: &[u8; 12], aad: &[u8], plain: &[u8]) -> (Vec<u8>, [u8; 16]) {
    let mut buffer = plain.to_vec();
    let tag = if key.len() == 16 {
        Aes128Gcm::new_from_slice(key)
            .unwrap()
            .encrypt_inout_detached(nonce.into(), aad, buffer.as_mut_slice().into())
    } else {
        Aes256Gcm::new_from_slice(key)
            .unwrap()
            .encrypt_inout_detached(nonce.into(), aad, buffer.as_mut_slice().into())
    }
    .unwrap();
    (buffer, tag.into())
}

/// Seals with Conclave's GCM, checks it against the reference, opens it again.
fn check<C>(key: &[u8], nonce: &[u8; 12], aad: &[u8], plain: &[u8])
where
    C: aes::cipher::BlockCipherEncrypt
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>
        + aes::cipher::KeyInit,
{
    let gcm = AesGcm::<C>::new(key).unwrap();
    let mut buffer = plain.to_vec();
    let tag = gcm.seal_in_place(nonce, aad, &mut buffer).unwrap();
    let (expected, expected_tag) = reference(key, nonce, aad, plain);
    assert_eq!(buffer, expected, "ciphertext of {} bytes", plain.len());
    assert_eq!(tag, expected_tag, "tag of {} bytes", plain.len());
    gcm.open_in_place(nonce, aad, &mut buffer, &tag)
        .expect("opens");
    assert_eq!(buffer, plain);
}

#[test]
fn every_length_across_the_batches_matches_aes_gcm() {
    // Batches are 16 blocks (256 bytes), rounded to 4: lengths cover 0 to three batches.
    for len in 0..800 {
        let plain: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
        let nonce = [len as u8; 12];
        check::<Aes128>(&[0x42; 16], &nonce, b"header", &plain);
        check::<Aes256>(&[0x24; 32], &nonce, &[], &plain);
    }
}

/// The GCM specification's test case 4 (McGrew and Viega, AES-128, 60 bytes, 20 bytes AAD).
#[test]
fn gcm_spec_test_case_4() {
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let key = hex("feffe9928665731c6d6a8f9467308308");
    let nonce: [u8; 12] = hex("cafebabefacedbaddecaf888").try_into().unwrap();
    let plain = hex(concat!(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72",
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    ));
    let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let gcm = AesGcm::<Aes128>::new(&key).unwrap();
    let mut buffer = plain.clone();
    let tag = gcm.seal_in_place(&nonce, &aad, &mut buffer).unwrap();
    let expected = hex(concat!(
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e",
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
    ));
    assert_eq!(buffer, expected);
    assert_eq!(tag.to_vec(), hex("5bc94fbc3221a5db94fae95ae7121a47"));
}

#[test]
fn a_wrong_key_length_is_refused() {
    assert!(AesGcm::<Aes128>::new(&[0; 32]).is_err());
    assert!(AesGcm::<Aes256>::new(&[0; 16]).is_err());
}

proptest! {
    #[test]
    fn any_message_matches_aes_gcm(
        key in prop::collection::vec(any::<u8>(), 32),
        nonce in any::<[u8; 12]>(),
        aad in prop::collection::vec(any::<u8>(), 0..80),
        plain in prop::collection::vec(any::<u8>(), 0..3000),
    ) {
        check::<Aes128>(&key[..16], &nonce, &aad, &plain);
        check::<Aes256>(&key, &nonce, &aad, &plain);
    }

    /// Any flipped bit of ciphertext, tag or AAD fails, and the buffer stays as it was.
    #[test]
    fn tampering_fails_and_leaves_the_buffer(
        plain in prop::collection::vec(any::<u8>(), 1..600),
        target in 0usize..3,
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let gcm = AesGcm::<Aes128>::new(&[7; 16]).unwrap();
        let nonce = [9; 12];
        let mut aad = b"sframe header".to_vec();
        let mut sealed = plain.clone();
        let mut tag = gcm.seal_in_place(&nonce, &aad, &mut sealed).unwrap();
        let flipped = match target {
            0 => &mut sealed[..],
            1 => &mut tag[..],
            _ => &mut aad[..],
        };
        let at = position.index(flipped.len());
        flipped[at] ^= 1 << bit;
        let before = sealed.clone();
        prop_assert!(gcm.open_in_place(&nonce, &aad, &mut sealed, &tag).is_err());
        prop_assert_eq!(sealed, before);
    }
}
