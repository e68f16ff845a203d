//! RFC 9605 Appendix C test vectors, run table-driven from `tests/data/`.
//!
//! Set `SFRAME_TEST_VECTORS=/path/to/file.json` to run another copy of the vectors.

// Test code: loading the fixture file panics on failure by design.
#![allow(clippy::expect_used)]

mod common;

use common::hex;
use crypto_wasm::frame::{decrypt, encrypt, nonce, FrameKey};
use crypto_wasm::key_schedule::{derive_key_salt, sframe_secret, BaseKey, KEY_LABEL, SALT_LABEL};
use crypto_wasm::{CipherSuite, Counter, Error, KeyId, SframeHeader};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    header: Vec<HeaderVector>,
    sframe: Vec<SframeVector>,
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
fn sframe_vectors_for_aes_gcm_suites() {
    let mut checked = [0usize; 2];
    for v in &load().sframe {
        let suite = match CipherSuite::from_id(v.cipher_suite) {
            Ok(suite) => suite,
            // Suites 0x0001-0x0003 (AES-CTR + HMAC) are not implemented yet: a later issue.
            // They must be reported as unsupported, not silently mishandled.
            Err(e) => {
                assert!(
                    (1..=3).contains(&v.cipher_suite),
                    "unexpected suite {}",
                    v.cipher_suite
                );
                assert_eq!(e, Error::UnsupportedCipherSuite(v.cipher_suite));
                continue;
            }
        };
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

        checked[usize::from(v.cipher_suite - 4)] += 1;
    }
    assert!(checked[0] > 0, "no vector for suite 0x0004 was found");
    assert!(checked[1] > 0, "no vector for suite 0x0005 was found");
}
