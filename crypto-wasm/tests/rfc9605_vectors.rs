//! RFC 9605 Appendix C test vectors, run table-driven from `tests/data/`.
//!
//! Set `SFRAME_TEST_VECTORS=/path/to/file.json` to run another copy of the vectors.

// Test code: loading the fixture file panics on failure by design.
#![allow(clippy::expect_used)]

mod common;

use common::hex;
use crypto_wasm::ctr_hmac::CtrHmacKey;
use crypto_wasm::frame::{decrypt, encrypt, nonce, FrameKey};
use crypto_wasm::key_schedule::{derive_key_salt, sframe_secret, BaseKey, KEY_LABEL, SALT_LABEL};
use crypto_wasm::{CipherSuite, Counter, Error, KeyId, SframeHeader};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    header: Vec<HeaderVector>,
    aes_ctr_hmac: Vec<AesCtrHmacVector>,
    sframe: Vec<SframeVector>,
}

/// Appendix C.2: the AES-CTR + HMAC AEAD on its own.
#[derive(Deserialize)]
struct AesCtrHmacVector {
    cipher_suite: u16,
    key: String,
    enc_key: String,
    auth_key: String,
    nonce: String,
    aad: String,
    pt: String,
    ct: String,
}

#[derive(Deserialize)]
struct HeaderVector {
    kid: u64,
    ctr: u64,
    encoded: String,
}

#[derive(Deserialize)]
struct SframeVector {
    cipher_suite: u16,
    kid: u64,
    ctr: u64,
    base_key: String,
    sframe_key_label: String,
    sframe_salt_label: String,
    sframe_secret: String,
    sframe_key: String,
    sframe_salt: String,
    metadata: String,
    nonce: String,
    aad: String,
    pt: String,
    ct: String,
}

fn load() -> Vectors {
    let path = std::env::var("SFRAME_TEST_VECTORS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/rfc9605-test-vectors.json"
        )
        .to_owned()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).expect("vector file parses")
}

#[test]
fn header_vectors_encode_and_parse() {
    let vectors = load().header;
    assert_eq!(vectors.len(), 289, "RFC 9605 ships 289 header vectors");
    for v in &vectors {
        let header = SframeHeader::new(KeyId(v.kid), Counter(v.ctr));
        let encoded = hex(&v.encoded);
        assert_eq!(
            header.encode().as_bytes(),
            encoded,
            "encode kid={} ctr={}",
            v.kid,
            v.ctr
        );
        assert_eq!(header.encoded_len(), encoded.len());
        assert_eq!(SframeHeader::parse(&encoded), Ok((header, encoded.len())));
        // Trailing bytes are not part of the header.
        let mut longer = encoded.clone();
        longer.extend_from_slice(&[0xff, 0x00]);
        assert_eq!(SframeHeader::parse(&longer), Ok((header, encoded.len())));
        // Every strict prefix is truncated.
        for cut in 0..encoded.len() {
            assert_eq!(
                SframeHeader::parse(&encoded[..cut]),
                Err(Error::HeaderTruncated)
            );
        }
    }
}

#[test]
fn aes_ctr_hmac_vectors_for_suites_1_to_3() {
    let mut seen = Vec::new();
    for v in &load().aes_ctr_hmac {
        let suite = CipherSuite::from_id(v.cipher_suite).expect("suites 1-3 are implemented");
        assert!(suite.is_ctr_hmac(), "suite {}", v.cipher_suite);
        let key = hex(&v.key);
        assert_eq!(key.len(), suite.nk());
        // Section 4.5.1: enc_key is the first Nka bytes, auth_key the remaining Nh.
        assert_eq!(key[..16], hex(&v.enc_key)[..]);
        assert_eq!(key[16..], hex(&v.auth_key)[..]);
        let aead = CtrHmacKey::new(&key, suite.nt()).expect("48-byte key");
        let nonce: [u8; 12] = hex(&v.nonce).try_into().expect("12-byte nonce");
        let (aad, pt, expected) = (hex(&v.aad), hex(&v.pt), hex(&v.ct));

        let mut buffer = pt.clone();
        let tag = aead
            .seal_in_place(&nonce, &aad, &mut buffer)
            .expect("seals");
        assert_eq!(tag.as_bytes().len(), suite.nt());
        assert_eq!([buffer.as_slice(), tag.as_bytes()].concat(), expected);

        let (ct, tag) = expected.split_at(expected.len() - suite.nt());
        let mut buffer = ct.to_vec();
        aead.open_in_place(&nonce, &aad, &mut buffer, tag)
            .expect("opens");
        assert_eq!(buffer, pt);
        // Any flipped bit of ciphertext, tag or AAD fails, and leaves the buffer alone.
        for bit in 0..expected.len() * 8 {
            let mut forged = expected.clone();
            forged[bit / 8] ^= 1 << (bit % 8);
            let (ct, tag) = forged.split_at(forged.len() - suite.nt());
            let mut buffer = ct.to_vec();
            assert_eq!(
                aead.open_in_place(&nonce, &aad, &mut buffer, tag),
                Err(Error::DecryptionFailed)
            );
            assert_eq!(buffer, ct);
        }
        let mut bad_aad = aad.clone();
        bad_aad.push(0);
        assert_eq!(
            aead.open_in_place(&nonce, &bad_aad, &mut ct.to_vec(), tag),
            Err(Error::DecryptionFailed)
        );
        // A tag of the wrong length (e.g. the full HMAC) never authenticates.
        assert_eq!(
            aead.open_in_place(&nonce, &aad, &mut ct.to_vec(), &[tag, &[0]].concat()),
            Err(Error::DecryptionFailed)
        );
        seen.push(v.cipher_suite);
    }
    seen.sort_unstable();
    assert_eq!(seen, [1, 2, 3], "one C.2 vector per AES-CTR suite");
}

#[test]
fn sframe_vectors_for_every_suite() {
    let mut checked = [0usize; 5];
    for v in &load().sframe {
        let suite = CipherSuite::from_id(v.cipher_suite).expect("every RFC suite is implemented");
        let kid = KeyId(v.kid);
        let header = SframeHeader::new(kid, Counter(v.ctr));
        let suffix: Vec<u8> = v
            .kid
            .to_be_bytes()
            .into_iter()
            .chain(v.cipher_suite.to_be_bytes())
            .collect();
        assert_eq!([KEY_LABEL, &suffix].concat(), hex(&v.sframe_key_label));
        assert_eq!([SALT_LABEL, &suffix].concat(), hex(&v.sframe_salt_label));

        let base_key = BaseKey::from_slice(&hex(&v.base_key)).expect("base key fits");
        assert_eq!(
            sframe_secret(suite, &base_key).as_bytes(),
            hex(&v.sframe_secret)
        );
        let material = derive_key_salt(suite, kid, &base_key);
        assert_eq!(
            material.key.as_bytes(),
            hex(&v.sframe_key),
            "suite {}",
            v.cipher_suite
        );
        assert_eq!(material.key.len(), suite.nk());
        assert_eq!(material.salt.0.to_vec(), hex(&v.sframe_salt));
        assert_eq!(nonce(&material.salt, header.ctr).to_vec(), hex(&v.nonce));
        let metadata = hex(&v.metadata);
        let aad = [header.encode().as_bytes(), &metadata].concat();
        assert_eq!(aad, hex(&v.aad));

        let key = FrameKey::new(suite, &material).expect("key length");
        let ct = encrypt(&key, header, &metadata, &hex(&v.pt)).expect("encrypts");
        assert_eq!(ct, hex(&v.ct), "ciphertext, suite {}", v.cipher_suite);
        let (parsed, pt) = decrypt(&key, kid, &metadata, &ct).expect("decrypts");
        assert_eq!(parsed, header);
        assert_eq!(pt, hex(&v.pt));
        // Wrong metadata must not decrypt.
        assert_eq!(
            decrypt(&key, kid, b"other", &ct).map(|_| ()),
            Err(Error::DecryptionFailed)
        );
        // Neither must a flipped bit anywhere in the frame.
        for bit in 0..ct.len() * 8 {
            let mut forged = ct.clone();
            forged[bit / 8] ^= 1 << (bit % 8);
            assert!(
                decrypt(&key, kid, &metadata, &forged).is_err(),
                "suite {} bit {bit}",
                v.cipher_suite
            );
        }

        checked[usize::from(v.cipher_suite - 1)] += 1;
    }
    for (index, count) in checked.iter().enumerate() {
        assert!(
            *count > 0,
            "no vector for suite {:#06x} was found",
            index + 1
        );
    }
}
