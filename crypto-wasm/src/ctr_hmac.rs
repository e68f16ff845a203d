//! The AES-CTR + HMAC-SHA256 AEAD of RFC 9605 section 4.5.1 (suites 0x0001-0x0003).
//!
//! Encrypt-then-MAC as in SRTP. The 48-byte `sframe_key` splits into `enc_key` (the first
//! Nka = 16 bytes, AES-128) and `auth_key` (the remaining Nh = 32 bytes, HMAC-SHA256):
//!
//! ```text
//! initial_counter = nonce || 0x00000000            (16-byte counter block, 32-bit BE counter)
//! ct   = AES-CTR(enc_key, initial_counter, pt)
//! tag  = HMAC(auth_key, len(aad) || len(ct) || Nt || nonce || aad || ct)[..Nt]
//! ```
//!
//! the three lengths as 8-byte big-endian integers. Decryption checks the truncated tag in
//! constant time before it decrypts anything.

use aes::cipher::{InnerIvInit, KeyInit, StreamCipher};
use aes::Aes128;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::suite::{CTR_ENC_KEY_LEN, NONCE_LEN, TAG_LEN};
use crate::Error;

/// AES-128 in counter mode with the low 32 bits of the block as a big-endian counter.
type Aes128Ctr32 = ctr::Ctr32BE<Aes128>;
/// Its core, which can start from an already expanded AES key.
type Aes128Ctr32Core = ctr::CtrCore<Aes128, ctr::flavors::Ctr32BE>;

/// `Nh` of SHA-256: the length of `auth_key`.
const AUTH_KEY_LEN: usize = 32;

/// A tag of up to [`TAG_LEN`] bytes (the suite's `Nt`), kept on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    bytes: [u8; TAG_LEN],
    len: usize,
}

impl Tag {
    /// A tag made of the first `len` bytes of `bytes` (`len` at most [`TAG_LEN`]).
    pub(crate) fn truncated(bytes: &[u8], len: usize) -> Self {
        let len = len.min(TAG_LEN).min(bytes.len());
        let mut tag = [0u8; TAG_LEN];
        tag[..len].copy_from_slice(&bytes[..len]);
        Self { bytes: tag, len }
    }

    /// The tag bytes (`Nt` of them).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The subkeys of one AES-CTR + HMAC `sframe_key`, expanded. The AES key schedule and the
/// HMAC state are wiped on drop (the `aes` and `hmac` crates' `zeroize` features); no `Debug`.
pub struct CtrHmacKey {
    enc: Aes128,
    auth: Hmac<Sha256>,
    nt: usize,
}

impl CtrHmacKey {
    /// Splits `key` (`enc_key || auth_key`, 48 bytes) for a suite with an `nt`-byte tag.
    ///
    /// # Errors
    /// [`Error::InvalidKeyLength`] unless `key` is 48 bytes.
    pub fn new(key: &[u8], nt: usize) -> Result<Self, Error> {
        let wrong_len = || Error::InvalidKeyLength {
            expected: CTR_ENC_KEY_LEN + AUTH_KEY_LEN,
            actual: key.len(),
        };
        if key.len() != CTR_ENC_KEY_LEN + AUTH_KEY_LEN {
            return Err(wrong_len());
        }
        let (enc_key, auth_key) = key.split_at(CTR_ENC_KEY_LEN);
        let enc = Aes128::new_from_slice(enc_key).map_err(|_| wrong_len())?;
        let auth = Hmac::<Sha256>::new_from_slice(auth_key).map_err(|_| wrong_len())?;
        Ok(Self {
            enc,
            auth,
            nt: nt.min(TAG_LEN),
        })
    }

    /// `Nt`: the tag length.
    pub fn tag_len(&self) -> usize {
        self.nt
    }

    /// The HMAC over `len(aad) || len(ct) || Nt || nonce || aad || ct`, not yet truncated.
    fn mac(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], ct: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.auth.clone();
        // `usize` is at most 64 bits on every target Rust supports.
        mac.update(&(aad.len() as u64).to_be_bytes());
        mac.update(&(ct.len() as u64).to_be_bytes());
        mac.update(&(self.nt as u64).to_be_bytes());
        mac.update(nonce);
        mac.update(aad);
        mac.update(ct);
        mac
    }

    /// The keystream for `nonce`, starting at block 0.
    fn keystream(&self, nonce: &[u8; NONCE_LEN]) -> Aes128Ctr32 {
        let mut counter_block = [0u8; 16];
        counter_block[..NONCE_LEN].copy_from_slice(nonce);
        Aes128Ctr32::from_core(Aes128Ctr32Core::inner_iv_init(
            self.enc.clone(),
            &counter_block.into(),
        ))
    }

    /// `AEAD.Encrypt` in place: `buffer` becomes the ciphertext; returns the tag.
    ///
    /// # Errors
    /// [`Error::FrameTooLong`] beyond 2^32 AES blocks (the 32-bit block counter).
    pub fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut [u8],
    ) -> Result<Tag, Error> {
        self.keystream(nonce)
            .try_apply_keystream(buffer)
            .map_err(|_| Error::FrameTooLong)?;
        let full = self.mac(nonce, aad, buffer).finalize().into_bytes();
        Ok(Tag::truncated(&full, self.nt))
    }

    /// `AEAD.Decrypt` in place: checks `tag` (constant time) over the ciphertext in `buffer`,
    /// then decrypts it. On failure `buffer` is left as it was.
    ///
    /// # Errors
    /// [`Error::DecryptionFailed`] if `tag` is not `Nt` bytes or does not authenticate.
    pub fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        if tag.len() != self.nt {
            return Err(Error::DecryptionFailed);
        }
        self.mac(nonce, aad, buffer)
            .verify_truncated_left(tag)
            .map_err(|_| Error::DecryptionFailed)?;
        self.keystream(nonce)
            .try_apply_keystream(buffer)
            .map_err(|_| Error::DecryptionFailed)
    }
}
