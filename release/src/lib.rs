//! Conclave's release tool as a library: the formats of docs/RELEASES.md and the operations
//! on a served tree.
//!
//! A release is a tree of served files plus three files under `release/`: a manifest that
//! lists the SHA-256, size and content type of every served file ([`Manifest`]), the policy
//! that says which Ed25519 keys may sign it and how many must ([`Policy`]), and the
//! signatures ([`Signatures`]). The build id is the SHA-256 of the manifest's bytes
//! ([`build_id`]).
//!
//! - [`canonical`]: the one JSON form of every hashed or signed file.
//! - [`csp`]: the app's Content-Security-Policy, which the manifest carries.
//! - [`manifest`], [`policy`], [`signatures`], [`signing_key`]: the formats.
//! - [`tree`]: filling the page template, writing, signing and verifying a tree.
//!
//! Nothing here re-serializes a document before hashing or verifying it: verifiers work on
//! the bytes as written, and parsing refuses any document that is not in canonical form.

pub mod canonical;
pub mod csp;
mod error;
pub mod hash;
pub mod manifest;
pub mod policy;
pub mod signatures;
pub mod signing_key;
pub mod tree;

pub use error::{CanonicalFault, Document, Error, KeyFileFault, Problem, TemplateFault};
pub use hash::{build_id, grouped_build_id, short_build_id, Sha256Digest};
pub use manifest::{CommitId, FileEntry, Manifest, Toolchain};
pub use policy::{KeyId, Policy, PolicyKey, PublicKey};
pub use signatures::{valid_signers, verify_signatures, SignatureEntry, Signatures};
pub use signing_key::ReleaseSigningKey;
