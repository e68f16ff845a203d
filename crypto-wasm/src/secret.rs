//! Fixed-capacity secret byte strings that zeroize on drop.
//!
//! Used for base keys, `sframe_secret` and `sframe_key` (RFC 9605 section 4.4.2). They live on
//! the stack (no allocation on the hot path), have no `Debug` impl and are wiped on drop.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Largest secret any supported suite needs: `Nh` of SHA-512.
pub const MAX_SECRET_LEN: usize = 64;

/// A secret of up to [`MAX_SECRET_LEN`] bytes, wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes {
    bytes: [u8; MAX_SECRET_LEN],
    len: usize,
}

impl SecretBytes {
    /// A secret of `len` zero bytes, to be filled through [`SecretBytes::as_mut_bytes`].
    ///
    /// # Errors
    /// [`crate::Error::InvalidKeyLength`] if `len` exceeds [`MAX_SECRET_LEN`].
    pub fn zeroed(len: usize) -> Result<Self, crate::Error> {
        if len > MAX_SECRET_LEN {
            return Err(crate::Error::InvalidKeyLength {
                expected: MAX_SECRET_LEN,
                actual: len,
            });
        }
        Ok(Self {
            bytes: [0; MAX_SECRET_LEN],
            len,
        })
    }

    /// Copies `bytes` into a new secret.
    ///
    /// # Errors
    /// [`crate::Error::InvalidKeyLength`] if `bytes` is longer than [`MAX_SECRET_LEN`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::Error> {
        let mut secret = Self::zeroed(bytes.len())?;
        secret.as_mut_bytes().copy_from_slice(bytes);
        Ok(secret)
    }

    /// Copies `bytes`, which the caller guarantees to be at most [`MAX_SECRET_LEN`] long
    /// (hash outputs and AEAD keys of the implemented suites: 16 to 64 bytes).
    pub(crate) fn from_known_len(bytes: &[u8]) -> Self {
        debug_assert!(bytes.len() <= MAX_SECRET_LEN);
        let len = bytes.len().min(MAX_SECRET_LEN);
        let mut secret = Self {
            bytes: [0; MAX_SECRET_LEN],
            len,
        };
        secret.bytes[..len].copy_from_slice(&bytes[..len]);
        secret
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The secret bytes, writable.
    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len]
    }

    /// Number of bytes held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the secret holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
