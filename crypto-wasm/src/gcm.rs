//! AES-GCM (NIST SP 800-38D) for SFrame's suites 0x0004 and 0x0005: 96-bit nonces, 128-bit
//! tags, built from the `aes` block cipher and `ghash`.
//!
//! Why not the `aes-gcm` crate: it encrypts the tag mask `E(K, J0)` and the blocks after its
//! last batch of four one at a time, and the constant-time software AES Conclave runs in Wasm
//! costs as much for one block as for four. A 160-byte audio frame took five AES batches
//! there; here `J0` and the keystream come out of the same full batches, three for that frame
//! (BENCHMARKS.md has the figures). `tests/gcm_matches_aes_gcm.rs` checks every byte of
//! output against `aes-gcm`, and the RFC 9605 vectors run through this module.

use aes::cipher::consts::U16;
use aes::cipher::{BlockCipherEncrypt, BlockSizeUser, KeyInit};
use ghash::universal_hash::UniversalHash;
use ghash::GHash;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::suite::{NONCE_LEN, TAG_LEN};

/// One AES block.
type Block = aes::Block;

/// Keystream blocks encrypted per call of the block cipher.
const BATCH_BLOCKS: usize = 16;
/// Batches are rounded up to a multiple of this: the blocks the software AES encrypts at once
/// (fixsliced, 4 on 64-bit words, which Wasm has), so that no block is encrypted alone.
const PARALLEL_BLOCKS: usize = 4;
/// The longest plaintext: 2^32 - 2 blocks of keystream (SP 800-38D section 5.2.1.1).
const MAX_PLAINTEXT_LEN: u64 = (1 << 36) - 32;

/// The frame is longer than GCM allows (2^36 - 32 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

/// Authentication failed; says nothing about why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAuthentic;

/// An AES-GCM key: the expanded block cipher and the GHASH key `H = E(K, 0^128)`. Both are
/// wiped on drop (the `aes` and `ghash` crates' `zeroize` features); no `Debug`.
pub struct AesGcm<C> {
    cipher: C,
    ghash: GHash,
}

impl<C> AesGcm<C>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    /// Expands `key` (16 bytes for AES-128, 32 for AES-256).
    ///
    /// # Errors
    /// When `key` is not the cipher's key length.
    pub fn new(key: &[u8]) -> Result<Self, aes::cipher::InvalidLength> {
        let cipher = C::new_from_slice(key)?;
        let mut h = Block::default();
        cipher.encrypt_block(&mut h);
        let ghash = GHash::new(&h);
        h.zeroize();
        Ok(Self { cipher, ghash })
    }

    /// Encrypts `buffer` in place; returns the tag.
    ///
    /// # Errors
    /// [`TooLong`] above 2^36 - 32 bytes.
    pub fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut [u8],
    ) -> Result<[u8; TAG_LEN], TooLong> {
        if buffer.len() as u64 > MAX_PLAINTEXT_LEN {
            return Err(TooLong);
        }
        let mut keystream = Keystream::start(&self.cipher, nonce, buffer.len());
        keystream.apply(buffer);
        Ok(self.tag(&keystream.tag_mask, aad, buffer))
    }

    /// Checks `tag` (in constant time) and only then decrypts `buffer` in place; on failure
    /// `buffer` is unchanged.
    ///
    /// # Errors
    /// [`NotAuthentic`] for any failure.
    pub fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), NotAuthentic> {
        if buffer.len() as u64 > MAX_PLAINTEXT_LEN {
            return Err(NotAuthentic);
        }
        // The first batch (tag mask included) is encrypted before the check: one pass of AES
        // for the whole of a small frame.
        let mut keystream = Keystream::start(&self.cipher, nonce, buffer.len());
        let expected = self.tag(&keystream.tag_mask, aad, buffer);
        if !bool::from(expected[..].ct_eq(&tag[..])) {
            return Err(NotAuthentic);
        }
        keystream.apply(buffer);
        Ok(())
    }

    /// `GHASH_H(A || pad || C || pad || len(A) || len(C)) XOR E(K, J0)`.
    fn tag(&self, tag_mask: &Block, aad: &[u8], ciphertext: &[u8]) -> [u8; TAG_LEN] {
        let mut ghash = self.ghash.clone();
        ghash.update_padded(aad);
        ghash.update_padded(ciphertext);
        let mut lengths = Block::default();
        lengths[..8].copy_from_slice(&bit_len(aad).to_be_bytes());
        lengths[8..].copy_from_slice(&bit_len(ciphertext).to_be_bytes());
        ghash.update(&[lengths]);
        let mut tag: [u8; TAG_LEN] = ghash.finalize().into();
        for (byte, mask) in tag.iter_mut().zip(tag_mask.iter()) {
            *byte ^= mask;
        }
        tag
    }
}

fn bit_len(bytes: &[u8]) -> u64 {
    // Both lengths were checked against GCM's limits (aad: frame headers and metadata).
    (bytes.len() as u64).wrapping_mul(8)
}

/// The counter-mode keystream of one message: `E(K, J0)` (the tag mask), then the blocks for
/// `inc32(J0)`, `inc32(inc32(J0))`, ..., encrypted in full batches.
struct Keystream<'a, C> {
    cipher: &'a C,
    nonce: [u8; NONCE_LEN],
    /// The 32-bit counter of the next block to encrypt.
    next_counter: u32,
    /// Keystream blocks still to be used.
    blocks_left: usize,
    batch: [Block; BATCH_BLOCKS],
    /// Blocks of `batch` encrypted, and the next one to use.
    batch_len: usize,
    batch_pos: usize,
    tag_mask: Block,
}

impl<'a, C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16>> Keystream<'a, C> {
    /// Encrypts the first batch: `J0 = nonce || 1` and the first blocks of a `len`-byte message.
    fn start(cipher: &'a C, nonce: &[u8; NONCE_LEN], len: usize) -> Self {
        let mut keystream = Self {
            cipher,
            nonce: *nonce,
            next_counter: 1,
            blocks_left: 1 + len.div_ceil(16),
            batch: [Block::default(); BATCH_BLOCKS],
            batch_len: 0,
            batch_pos: 0,
            tag_mask: Block::default(),
        };
        keystream.refill();
        keystream.tag_mask = keystream.batch[0];
        keystream.batch_pos = 1;
        keystream.blocks_left -= 1;
        keystream
    }

    /// Encrypts the next batch of counter blocks.
    fn refill(&mut self) {
        let wanted = self.blocks_left.min(BATCH_BLOCKS);
        // Rounded up to whole parallel batches: the extra blocks cost nothing more to encrypt.
        let len = wanted.next_multiple_of(PARALLEL_BLOCKS).min(BATCH_BLOCKS);
        for block in &mut self.batch[..len] {
            block[..NONCE_LEN].copy_from_slice(&self.nonce);
            block[NONCE_LEN..].copy_from_slice(&self.next_counter.to_be_bytes());
            // inc32; the message length limit keeps it from wrapping on blocks that are used.
            self.next_counter = self.next_counter.wrapping_add(1);
        }
        self.next_counter = self.next_counter.wrapping_sub((len - wanted) as u32);
        self.cipher.encrypt_blocks(&mut self.batch[..len]);
        self.batch_len = wanted;
        self.batch_pos = 0;
    }

    /// XORs the keystream into `buffer` (the whole message, from its start), a batch at a
    /// time.
    fn apply(&mut self, buffer: &mut [u8]) {
        let mut rest = buffer;
        while !rest.is_empty() {
            if self.batch_pos == self.batch_len {
                self.refill();
            }
            let blocks = &self.batch[self.batch_pos..self.batch_len];
            let keystream = Block::slice_as_flattened(blocks);
            let (now, later) = rest.split_at_mut(keystream.len().min(rest.len()));
            xor_in_place(now, keystream);
            let used = now.len().div_ceil(16);
            self.batch_pos += used;
            self.blocks_left -= used;
            rest = later;
        }
    }
}

/// `data ^= keystream` (at least as long as `data`), eight bytes at a time where it can.
fn xor_in_place(data: &mut [u8], keystream: &[u8]) {
    let keystream = &keystream[..data.len()];
    let mut words = data.chunks_exact_mut(8);
    let mut keys = keystream.chunks_exact(8);
    for (word, key) in (&mut words).zip(&mut keys) {
        let mixed = u64::from_ne_bytes(word.as_ref().try_into().unwrap_or_default())
            ^ u64::from_ne_bytes(key.try_into().unwrap_or_default());
        word.copy_from_slice(&mixed.to_ne_bytes());
    }
    for (byte, key) in words.into_remainder().iter_mut().zip(keys.remainder()) {
        *byte ^= key;
    }
}
