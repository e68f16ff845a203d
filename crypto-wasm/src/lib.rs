//! SFrame (RFC 9605) frame protection for Conclave.
//!
//! The core is plain Rust without IO, clocks or JavaScript types, so `cargo test -p
//! crypto-wasm` runs natively. The `#[wasm_bindgen]` edge that the transform worker
//! (`www/e2ee-worker.js`) calls lives in `wasm.rs` and is compiled only for `wasm32`.
//!
//! Module map (RFC 9605 sections):
//! - [`header`]: the SFrame header, section 4.3.
//! - [`key_schedule`]: `sframe_key` and `sframe_salt` from a base key, section 4.4.2.
//! - [`frame`]: AEAD encryption and decryption of one frame, sections 4.4.3 and 4.4.4.
//! - [`suite`]: the five cipher suites, section 4.5.
//! - [`gcm`]: the AES-GCM AEAD of suites 0x0004 and 0x0005 (NIST SP 800-38D).
//! - [`ctr_hmac`]: the AES-CTR + HMAC AEAD of suites 0x0001-0x0003, section 4.5.1.
//! - [`replay`]: the receiver's sliding anti-replay window per sender key, section 9.3.
//! - [`sender`]: a sender key with its monotonic counter (sections 4.4.1 and 9.1).
//! - [`receiver`]: the bounded ring of receive keys, looked up by KID (section 4.4.1).
//! - [`binding`]: the one sender leaf each receiver accepts (section 5.2's KIDs).
//! - [`codec`]: bytes left in clear per codec, authenticated as SFrame metadata (section 9.4).
//! - [`mls_keys`]: the key source, one MLS base key per epoch and KIDs of section 5.2.
//! - [`cryptor`]: the per-worker state the JavaScript edge drives.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod binding;
pub mod codec;
pub mod cryptor;
pub mod ctr_hmac;
pub mod error;
pub mod frame;
pub mod gcm;
pub mod header;
pub mod key_schedule;
pub mod mls_keys;
pub mod receiver;
#[cfg(feature = "test-hooks")]
pub mod recording;
pub mod replay;
pub mod secret;
pub mod sender;
pub mod suite;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use binding::SenderBinding;
pub use codec::Codec;
pub use cryptor::Cryptor;
pub use error::Error;
pub use header::{Counter, KeyId, SframeHeader};
pub use mls_keys::{EpochKeys, KidLayout, KidParts};
pub use sender::SenderContext;
pub use suite::CipherSuite;
#[cfg(target_arch = "wasm32")]
pub use wasm::FrameCryptor;
