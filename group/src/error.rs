//! The crate's one error type.
//!
//! Each variant keeps what openmls (or the TLS codec) said went wrong as its
//! [`std::error::Error::source`]. None of those causes carries key material: openmls'
//! error types name what failed, never the secrets involved, and this type's own messages
//! name only the step.

use openmls::framing::errors::{MlsMessageError, ProtocolMessageError};
use openmls::prelude::tls_codec;
use openmls::prelude::{
    CommitBuilderStageError, CreateCommitError, ExportSecretError, KeyPackageNewError,
    LibraryError, MergeCommitError, MergePendingCommitError, NewGroupError, ProcessMessageError,
    WelcomeError,
};
use openmls_rust_crypto::{MemoryStorageError, RandError};
use openmls_traits::types::CryptoError;

/// Why a group operation failed.
#[non_exhaustive]
#[derive(thiserror::Error, Debug)]
pub enum GroupError {
    /// The group is not ready for this operation yet.
    #[error("the meeting group is not ready")]
    NotReady,
    /// The crypto provider failed (for example generating a signature key pair).
    #[error("cryptographic provider failure")]
    Crypto(#[source] CryptoError),
    /// The system random source failed.
    #[error("the random source failed")]
    Random(#[source] RandError),
    /// Stored identity bytes were empty, of an unknown version, of another signature
    /// scheme, or followed by trailing bytes.
    #[error("stored identity is malformed")]
    MalformedIdentity,
    /// A stored identity's key pair could not be decoded.
    #[error("stored identity is malformed: its key pair cannot be decoded")]
    MalformedIdentityKeys(#[source] tls_codec::Error),
    /// A stored identity's private key did not make a signature its public key verifies.
    #[error("stored identity is malformed: its keys do not match")]
    MismatchedIdentityKeys(#[source] CryptoError),
    /// A KeyPackage could not be built.
    #[error("could not build a key package")]
    KeyPackage(#[source] KeyPackageNewError),
    /// openmls failed where it should not (an internal error, for example hashing a
    /// KeyPackage it built).
    #[error("internal MLS library error")]
    Library(#[source] LibraryError),
    /// The MLS group could not be created.
    #[error("could not create the MLS group")]
    CreateGroup(#[source] NewGroupError<MemoryStorageError>),
    /// A Commit could not be built.
    #[error("could not build a commit")]
    CreateCommit(#[source] CreateCommitError),
    /// A built Commit could not be staged (kept as our pending commit).
    #[error("could not stage our commit")]
    StageCommit(#[source] CommitBuilderStageError<MemoryStorageError>),
    /// A received message is not a well-formed MLS message (RFC 9420 section 6).
    #[error("could not decode an MLS message")]
    DecodeMessage(#[source] tls_codec::Error),
    /// A received message is not the kind expected (a Welcome where a Welcome was due,
    /// a Commit in a commit), or a Welcome into a group of another ciphersuite.
    #[error("unexpected MLS message")]
    UnexpectedMessage,
    /// A received Commit is not a valid handshake message of the group.
    #[error("could not read a commit")]
    ReadCommit(#[source] ProtocolMessageError),
    /// A received Commit could not be processed.
    #[error("could not process a commit")]
    ProcessCommit(#[source] ProcessMessageError<MemoryStorageError>),
    /// Our own commit came back after we dropped its pending state: we cannot follow it.
    #[error("our own commit is no longer pending")]
    OwnCommitNotPending,
    /// A received Welcome could not be processed.
    #[error("could not process a welcome")]
    ProcessWelcome(#[source] WelcomeError<MemoryStorageError>),
    /// Merging our own pending commit failed.
    #[error("could not merge our own commit")]
    MergeCommit(#[source] MergePendingCommitError<MemoryStorageError>),
    /// Merging someone else's processed commit failed.
    #[error("could not merge a commit")]
    MergeStagedCommit(#[source] MergeCommitError<MemoryStorageError>),
    /// The group's storage failed (for example clearing a pending commit).
    #[error("MLS group storage failure")]
    Storage(#[source] MemoryStorageError),
    /// Serializing an MLS message failed.
    #[error("could not serialize an MLS message")]
    Serialize(#[source] MlsMessageError),
    /// Serializing a KeyPackage we built (its TLS encoding) failed.
    #[error("could not encode a key package")]
    EncodeKeyPackage(#[source] tls_codec::Error),
    /// Someone's commit adds members without proposing the invite PSK: its joiners would
    /// enter an epoch that proves nothing to them, so we do not follow it.
    #[error("a commit adds members without the invite PSK")]
    AddWithoutInvitePsk,
    /// A commit removed us from the group.
    #[error("removed from the group")]
    Removed,
    /// The meeting policy could not be put in a group context extension.
    #[error("could not encode the meeting policy")]
    PolicyExtension,
    /// The MLS exporter failed.
    #[error("could not export the epoch key")]
    Export(#[source] ExportSecretError),
    /// A rehearsed join ([`crate::rehearse_join`]) stopped before its joiner became a
    /// member: the step that did not happen.
    #[error("the rehearsed join stopped: {0}")]
    RehearsalStopped(&'static str),
    /// A rehearsed join's message did not survive its JSON form (the rehearsal's messages
    /// carry only its own throwaway keys).
    #[error("the rehearsed join's message did not survive its JSON form")]
    RehearsalJson(#[source] serde_json::Error),
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::GroupError;
    use crate::Identity;

    #[test]
    fn a_refused_identity_keeps_its_cause_and_shows_no_key() {
        let stored = Identity::generate().unwrap().to_stored();
        let truncated = Identity::from_stored(&stored[..stored.len() - 1])
            .err()
            .unwrap();
        assert!(matches!(truncated, GroupError::MalformedIdentityKeys(_)));
        assert!(truncated.source().is_some(), "the codec's cause is kept");
        let mut mismatched = stored.to_vec();
        let last = mismatched.len() - 3;
        mismatched[last] ^= 1;
        let mismatched = Identity::from_stored(&mismatched).err().unwrap();
        assert!(
            mismatched.source().is_some(),
            "the signature check's cause is kept"
        );
        for error in [truncated, mismatched] {
            let shown = format!("{error} {error:?} {:?}", error.source());
            // No run of the stored key pair's bytes appears in what the error shows.
            for window in stored[1..].windows(8) {
                assert!(!shown.contains(&format!("{window:?}")[1..20]), "{shown}");
            }
        }
    }
}
