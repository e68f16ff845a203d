//! The chair's powers as group state: the meeting's [`MeetingPolicy`] lives in a
//! private-use GroupContext extension (RFC 9420 section 17.3, type [`POLICY_EXTENSION_TYPE`]),
//! so every member agrees on it and the epoch authenticator (the security code) covers it.
//!
//! - `codec`: the extension's strict fixed encoding; anything else is malformed.
//! - `validation`: the rules every member checks on someone else's commit before merging.
//! - `chair_actions`: what a chair asks for (admit, deny, remove, roles, lock, end, new
//!   link), queued as intents and committed when no commit of ours is in flight.

mod chair_actions;
mod codec;
#[cfg(feature = "test-hooks")]
mod rogue;
mod validation;

pub use chair_actions::ChairAction;
pub use codec::{Admission, MeetingPolicy, PolicyDecodeError, POLICY_EXTENSION_TYPE};
#[cfg(feature = "test-hooks")]
pub use rogue::RogueCommit;

use conclave_protocol::ParticipantId;

use crate::Fingerprint;

/// A verified request to be added that waits for a chair (the joiner's name and key as its
/// KeyPackage's credential carries them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Knock {
    /// The participant that published the KeyPackage.
    pub participant_id: ParticipantId,
    /// The name its credential carries.
    pub display_name: String,
    /// SHA-256 of its signature key.
    pub fingerprint: Fingerprint,
}
