//! Key derivation, RFC 9605 section 4.4.2.
//!
//! ```text
//! sframe_secret = HKDF-Extract("", base_key)
//! sframe_key    = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret key "  + KID + cipher_suite, AEAD.Nk)
//! sframe_salt   = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret salt " + KID + cipher_suite, AEAD.Nn)
//! ```
//! with KID as an 8-byte and the cipher suite as a 2-byte big-endian integer, and the hash of
//! the suite (SHA-512 for 0x0005, SHA-256 for every other suite). For the AES-CTR suites
//! `sframe_key` is 48 bytes, split into `enc_key || auth_key` by [`crate::frame`].

use hkdf::Hkdf;
use sha2::{Sha256, Sha512};
use zeroize::Zeroize;

use crate::header::KeyId;
use crate::secret::{SecretBytes, MAX_SECRET_LEN};
use crate::suite::{CipherSuite, SuiteHash, NONCE_LEN};
use crate::Error;

/// Label prefix of `sframe_key`.
pub const KEY_LABEL: &[u8] = b"SFrame 1.0 Secret key ";
/// Label prefix of `sframe_salt`.
pub const SALT_LABEL: &[u8] = b"SFrame 1.0 Secret salt ";

/// A base key (`base_key` in RFC 9605 section 4.4.1): the secret a KID names.
#[derive(Clone)]
pub struct BaseKey(SecretBytes);

impl BaseKey {
    /// Wraps `bytes` as a base key.
    ///
    /// # Errors
    /// [`Error::InvalidKeyLength`] if longer than 64 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        SecretBytes::from_slice(bytes).map(Self)
    }

    /// Wraps already-filled secret bytes as a base key.
    pub fn from_secret(bytes: SecretBytes) -> Self {
        Self(bytes)
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// The output of the key schedule for one (KID, suite, base key).
pub struct KeyMaterial {
    /// `sframe_key`, `AEAD.Nk` bytes.
    pub key: SecretBytes,
    /// `sframe_salt`, `AEAD.Nn` bytes.
    pub salt: Salt,
}

/// `sframe_salt`: not secret on its own, but wiped with the key all the same.
#[derive(Clone, Zeroize, zeroize::ZeroizeOnDrop)]
pub struct Salt(pub [u8; NONCE_LEN]);

/// The label suffix `KID (8 bytes, BE) || cipher_suite (2 bytes, BE)`.
fn label_suffix(kid: KeyId, suite: CipherSuite) -> [u8; 10] {
    let mut suffix = [0u8; 10];
    suffix[..8].copy_from_slice(&kid.0.to_be_bytes());
    suffix[8..].copy_from_slice(&suite.id().to_be_bytes());
    suffix
}

/// `sframe_secret = HKDF-Extract("", base_key)` with the suite's hash.
pub fn sframe_secret(suite: CipherSuite, base_key: &BaseKey) -> SecretBytes {
    // An empty salt is HKDF's default; the PRK is Nh bytes (32 or 64).
    match suite.hash() {
        SuiteHash::Sha256 => {
            let (mut prk, _) = Hkdf::<Sha256>::extract(None, base_key.as_bytes());
            let secret = SecretBytes::from_known_len(&prk);
            prk.as_mut_slice().zeroize();
            secret
        }
        SuiteHash::Sha512 => {
            let (mut prk, _) = Hkdf::<Sha512>::extract(None, base_key.as_bytes());
            let secret = SecretBytes::from_known_len(&prk);
            prk.as_mut_slice().zeroize();
            secret
        }
    }
}

/// Derives `sframe_key` and `sframe_salt` for `kid` from `base_key`.
pub fn derive_key_salt(suite: CipherSuite, kid: KeyId, base_key: &BaseKey) -> KeyMaterial {
    let suffix = label_suffix(kid, suite);
    // `Nk` is at most 48 bytes, below `MAX_SECRET_LEN`.
    let mut key = SecretBytes::from_known_len(&[0u8; MAX_SECRET_LEN][..suite.nk()]);
    let mut salt = Salt([0; NONCE_LEN]);
    // HKDF-Expand can only fail for outputs longer than 255 * Nh; ours are 12 to 48 bytes.
    let expanded = match suite.hash() {
        SuiteHash::Sha256 => {
            let hk = Hkdf::<Sha256>::new(None, base_key.as_bytes());
            hk.expand_multi_info(&[KEY_LABEL, &suffix], key.as_mut_bytes())
                .and_then(|()| hk.expand_multi_info(&[SALT_LABEL, &suffix], &mut salt.0))
        }
        SuiteHash::Sha512 => {
            let hk = Hkdf::<Sha512>::new(None, base_key.as_bytes());
            hk.expand_multi_info(&[KEY_LABEL, &suffix], key.as_mut_bytes())
                .and_then(|()| hk.expand_multi_info(&[SALT_LABEL, &suffix], &mut salt.0))
        }
    };
    debug_assert!(expanded.is_ok(), "HKDF output lengths are fixed and small");
    KeyMaterial { key, salt }
}
