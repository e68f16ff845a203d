//! The crate's one error type.

/// Why a group operation failed.
#[non_exhaustive]
#[derive(thiserror::Error, Debug)]
pub enum GroupError {
    /// The group is not ready for this operation yet.
    #[error("the meeting group is not ready")]
    NotReady,
    /// The system random source or the crypto provider failed.
    #[error("cryptographic provider failure")]
    Crypto,
    /// Stored identity bytes were malformed or of an unknown version.
    #[error("stored identity is malformed")]
    MalformedIdentity,
    /// A KeyPackage could not be built.
    #[error("could not build a key package")]
    KeyPackage,
    /// The MLS group could not be created.
    #[error("could not create the MLS group")]
    CreateGroup,
    /// A Commit could not be built.
    #[error("could not build a commit")]
    CreateCommit,
    /// A received Commit could not be processed.
    #[error("could not process a commit")]
    ProcessCommit,
    /// A received Welcome could not be processed.
    #[error("could not process a welcome")]
    ProcessWelcome,
    /// Merging our own pending commit failed.
    #[error("could not merge our own commit")]
    MergeCommit,
    /// Serializing an MLS message failed.
    #[error("could not serialize an MLS message")]
    Serialize,
    /// A commit removed us from the group.
    #[error("removed from the group")]
    Removed,
    /// The MLS exporter failed.
    #[error("could not export the epoch key")]
    Export,
}
