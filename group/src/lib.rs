//! The MLS (RFC 9420) group of a Conclave meeting, as a sans-IO state machine.
//!
//! The client feeds [`MeetingGroup`] every [`conclave_protocol::ServerMessage`] and the
//! current time, and carries out the [`GroupEvent`]s it returns: messages for the
//! signaling server (the MLS Delivery Service, RFC 9420 section 3), per-epoch base keys
//! for the SFrame worker (RFC 9605 section 5.2) and roster changes to render. Nothing
//! here touches a socket, a clock or the DOM.
//!
//! Modules:
//! - [`identity`]: a browser's long-term signature key pair (RFC 9420 section 5.1.2).
//! - [`meeting_group`]: the group state machine (RFC 9420 sections 12 and 14).
//! - [`security_code`]: 25 digits from the epoch authenticator (RFC 9420 section 8.7).
//! - [`rehearsal`]: a join run in memory ahead of the real one, to warm the page's code.
//! - [`FrameSuite`]: the meeting's SFrame suite policy (RFC 9605 section 4.5).
//! - [`invite_psk`]: the group's proof to a joiner that it knows the invite secret (an MLS
//!   external PSK, RFC 9420 section 8.4).
//! - [`verified_identity`]: certificates an organisation issues for its members' keys,
//!   checked against the CAs a meeting pins, with revocation lists (RFC 5280); the crate
//!   `conclave-pki`, re-exported.
//! - `credential`, `invite_proof`: the member credential and the joiner's proof that it
//!   knows the invite secret.
//!
//! What the invite secret (the link's fragment, never sent to the server) guarantees, both
//! ways: a member adds only a joiner whose invite proof verifies, and a joiner enters only
//! a group whose Welcome shows the invite PSK mixed into its epoch, before it becomes a
//! member or exports a key (a group the server or a squatter made is refused, and
//! [`Roster::refused_welcome`] says so). Members do not follow a commit that adds members
//! without the invite PSK. A Welcome is taken only while waiting to be added or
//! re-syncing, and once a member we delete every KeyPackage private key we did not use.
//!
//! The chair's powers are group state ([`MeetingPolicy`] in a GroupContext extension):
//! every member checks each commit of someone else against the policy's rules before
//! merging it and ignores one that breaks them, so neither the server nor a member who is
//! not a chair can seat, remove or promote anyone (see [`meeting_group::policy`]).

mod credential;
mod error;
mod frame_suite;
pub mod identity;
mod invite_proof;
pub mod invite_psk;
pub mod meeting_group;
pub mod rehearsal;
pub mod security_code;

pub use conclave_pki as verified_identity;
pub use error::GroupError;
pub use frame_suite::FrameSuite;
pub use identity::{Fingerprint, Identity};
pub use meeting_group::policy::{bound_invite_secret, MAX_PINNED_ANCHORS};
pub use meeting_group::signal_auth::{SessionDescriptionKind, SignalAuthError};
#[cfg(feature = "test-hooks")]
pub use meeting_group::RogueCommit;
pub use meeting_group::{
    Admission, ChairAction, EpochKeys, GroupEvent, Knock, MediaState, MeetingConfig, MeetingGroup,
    MeetingMessage, MeetingMessageError, MeetingPolicy, MeetingTrust, Member, MembershipStatus,
    Reaction, ReceivedMessage, ResyncReason, Roster, Verification, VerificationConfig,
    WelcomeRefusal,
};
pub use rehearsal::rehearse_join;
pub use security_code::SecurityCode;

/// The MLS ciphersuite every Conclave group uses (RFC 9420 section 17.1, value 0x0001).
pub const CIPHERSUITE: openmls::prelude::Ciphersuite =
    openmls::prelude::Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
