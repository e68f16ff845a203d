//! Frame encryption and decryption, RFC 9605 sections 4.4.3 and 4.4.4.
//!
//! `nonce = sframe_salt XOR encode_big_endian(CTR, Nn)` is built in [`nonce`] and nowhere
//! else; `AAD = header || metadata`. [`encrypt`] and [`decrypt`] are the RFC's functions
//! (`header || ciphertext || tag`); the sender and receiver use the in-place primitives
//! [`seal_in_place`] and [`open_in_place`] to write Conclave's frame layout with a single
//! output buffer.
//!
//! The AEAD is the suite's: AES-GCM (0x0004, 0x0005) from [`crate::gcm`], or the AES-CTR + HMAC
//! construction of section 4.5.1 ([`crate::ctr_hmac`]) for 0x0001-0x0003. Tags are `Nt`
//! bytes: 16, 10, 8 or 4.

use aes::{Aes128, Aes256};

use crate::ctr_hmac::CtrHmacKey;
pub use crate::ctr_hmac::Tag;
use crate::gcm::AesGcm;
use crate::header::{Counter, KeyId, SframeHeader};
use crate::key_schedule::{derive_key_salt, BaseKey, KeyMaterial, Salt};
use crate::suite::{CipherSuite, NONCE_LEN, TAG_LEN};
use crate::Error;

/// AAD up to this length is assembled on the stack; longer metadata falls back to the heap.
const STACK_AAD_LEN: usize = 64;

/// The AEAD instance of one suite, key schedule already expanded.
enum Aead {
    Aes128(Box<AesGcm<Aes128>>),
    Aes256(Box<AesGcm<Aes256>>),
    AesCtrHmac(Box<CtrHmacKey>),
}

/// An `sframe_key` ready for AEAD use, with its `sframe_salt`. Wiped on drop (the AES key
/// schedules, GHASH key and HMAC state through the `aes`, `ghash` and `hmac` crates'
/// `zeroize` features, the salt by [`Salt`]); no `Debug`.
pub struct FrameKey {
    suite: CipherSuite,
    aead: Aead,
    salt: Salt,
}

impl FrameKey {
    /// Builds the AEAD from derived key material.
    ///
    /// # Errors
    /// [`Error::InvalidKeyLength`] if the key is not `Nk` bytes for `suite`.
    pub fn new(suite: CipherSuite, material: &KeyMaterial) -> Result<Self, Error> {
        let key = material.key.as_bytes();
        let wrong_len = |_| Error::InvalidKeyLength {
            expected: suite.nk(),
            actual: key.len(),
        };
        let aead = match suite {
            CipherSuite::Aes128GcmSha256_128 => {
                Aead::Aes128(Box::new(AesGcm::new(key).map_err(wrong_len)?))
            }
            CipherSuite::Aes256GcmSha512_128 => {
                Aead::Aes256(Box::new(AesGcm::new(key).map_err(wrong_len)?))
            }
            CipherSuite::Aes128CtrHmacSha256_80
            | CipherSuite::Aes128CtrHmacSha256_64
            | CipherSuite::Aes128CtrHmacSha256_32 => {
                Aead::AesCtrHmac(Box::new(CtrHmacKey::new(key, suite.nt())?))
            }
        };
        Ok(Self {
            suite,
            aead,
            salt: material.salt.clone(),
        })
    }

    /// Runs the key schedule (section 4.4.2) for `kid` and builds the AEAD.
    pub fn derive(suite: CipherSuite, kid: KeyId, base_key: &BaseKey) -> Self {
        let material = derive_key_salt(suite, kid, base_key);
        match Self::new(suite, &material) {
            Ok(key) => key,
            // `derive_key_salt` always yields `Nk` bytes for `suite`, so `new` cannot fail.
            Err(_) => unreachable!("derived key has the suite's length"),
        }
    }

    /// The suite this key belongs to.
    pub fn suite(&self) -> CipherSuite {
        self.suite
    }

    /// The nonce of counter `ctr` under this key (see [`nonce`]), for the split AEAD path
    /// ([`crate::cryptor::split_aead`]), where the AEAD call itself happens outside Rust.
    pub fn nonce_for(&self, ctr: Counter) -> [u8; NONCE_LEN] {
        nonce(&self.salt, ctr)
    }
}

/// The one place a nonce is built: `sframe_salt XOR encode_big_endian(CTR, Nn)`.
pub fn nonce(salt: &Salt, ctr: Counter) -> [u8; NONCE_LEN] {
    let mut nonce = salt.0;
    for (n, c) in nonce[NONCE_LEN - 8..].iter_mut().zip(ctr.0.to_be_bytes()) {
        *n ^= c;
    }
    nonce
}

/// Calls `f` with `header || metadata`, built without allocating when it is short.
pub fn with_aad<R>(header: &[u8], metadata: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let len = header.len() + metadata.len();
    if len <= STACK_AAD_LEN {
        let mut aad = [0u8; STACK_AAD_LEN];
        aad[..header.len()].copy_from_slice(header);
        aad[header.len()..len].copy_from_slice(metadata);
        f(&aad[..len])
    } else {
        let mut aad = Vec::with_capacity(len);
        aad.extend_from_slice(header);
        aad.extend_from_slice(metadata);
        f(&aad)
    }
}

/// Encrypts `buffer` in place under (`key`, `ctr`) with `aad`; returns the `Nt`-byte tag.
///
/// # Errors
/// [`Error::FrameTooLong`] if the plaintext exceeds the AEAD's limit.
pub fn seal_in_place(
    key: &FrameKey,
    ctr: Counter,
    aad: &[u8],
    buffer: &mut [u8],
) -> Result<Tag, Error> {
    let nonce = nonce(&key.salt, ctr);
    let gcm_tag = match &key.aead {
        Aead::Aes128(aead) => aead.seal_in_place(&nonce, aad, buffer),
        Aead::Aes256(aead) => aead.seal_in_place(&nonce, aad, buffer),
        Aead::AesCtrHmac(aead) => return aead.seal_in_place(&nonce, aad, buffer),
    }
    .map_err(|_| Error::FrameTooLong)?;
    Ok(Tag::truncated(&gcm_tag, TAG_LEN))
}

/// Decrypts `buffer` in place under (`key`, `ctr`) with `aad`, checking `tag` (`Nt` bytes).
///
/// # Errors
/// [`Error::DecryptionFailed`] if authentication fails, for whatever reason.
pub fn open_in_place(
    key: &FrameKey,
    ctr: Counter,
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8],
) -> Result<(), Error> {
    let nonce = nonce(&key.salt, ctr);
    // AES-GCM tags are 16 bytes; anything else cannot authenticate.
    let gcm_tag = || <&[u8; TAG_LEN]>::try_from(tag).map_err(|_| Error::DecryptionFailed);
    let opened = match &key.aead {
        Aead::Aes128(aead) => aead.open_in_place(&nonce, aad, buffer, gcm_tag()?),
        Aead::Aes256(aead) => aead.open_in_place(&nonce, aad, buffer, gcm_tag()?),
        Aead::AesCtrHmac(aead) => return aead.open_in_place(&nonce, aad, buffer, tag),
    };
    opened.map_err(|_| Error::DecryptionFailed)
}

/// RFC 9605 `encrypt(CTR, KID, metadata, plaintext)`: returns `header || ciphertext || tag`.
///
/// # Errors
/// [`Error::FrameTooLong`] if the plaintext exceeds the AEAD's limit.
pub fn encrypt(
    key: &FrameKey,
    header: SframeHeader,
    metadata: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, Error> {
    let encoded = header.encode();
    let mut out = Vec::with_capacity(encoded.len() + plaintext.len() + key.suite.nt());
    out.extend_from_slice(encoded.as_bytes());
    out.extend_from_slice(plaintext);
    let tag = with_aad(encoded.as_bytes(), metadata, |aad| {
        seal_in_place(key, header.ctr, aad, &mut out[encoded.len()..])
    })?;
    out.extend_from_slice(tag.as_bytes());
    Ok(out)
}

/// RFC 9605 `decrypt(metadata, sframe_ciphertext)` with the key already chosen: parses the
/// header, checks that it names `expected_kid`, and returns the header and the plaintext.
///
/// # Errors
/// [`Error::DecryptionFailed`] for any failure, including a malformed header.
pub fn decrypt(
    key: &FrameKey,
    expected_kid: KeyId,
    metadata: &[u8],
    sframe_ciphertext: &[u8],
) -> Result<(SframeHeader, Vec<u8>), Error> {
    let (header, header_len) =
        SframeHeader::parse(sframe_ciphertext).map_err(|_| Error::DecryptionFailed)?;
    if header.kid != expected_kid {
        return Err(Error::DecryptionFailed);
    }
    let body = &sframe_ciphertext[header_len..];
    let ct_len = body
        .len()
        .checked_sub(key.suite.nt())
        .ok_or(Error::DecryptionFailed)?;
    let (ciphertext, tag) = body.split_at(ct_len);
    let mut plaintext = ciphertext.to_vec();
    with_aad(&sframe_ciphertext[..header_len], metadata, |aad| {
        open_in_place(key, header.ctr, aad, &mut plaintext, tag)
    })?;
    Ok((header, plaintext))
}
