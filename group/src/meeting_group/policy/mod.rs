//! The chair's powers as group state: the meeting's [`MeetingPolicy`] lives in a
//! private-use GroupContext extension (RFC 9420 section 17.3, type [`POLICY_EXTENSION_TYPE`]),
//! so every member agrees on it and the epoch authenticator (the security code) covers it.
//! The creator sets it at epoch 0, naming itself sole chair; every KeyPackage and leaf lists
//! the extension type in its capabilities, and the group's RequiredCapabilities name it, so
//! openmls refuses a joiner that could not carry it.
//!
//! - `codec`: the extension's strict fixed encoding; anything else is malformed.
//! - `validation`: the rules every member checks on someone else's commit before merging
//!   (a commit that breaks one is ignored, and its committer removed by a chair).
//! - `duties`: what each member commits (departed members, knocks, succession, re-sync
//!   replacements, expulsions, and the chair's queued intents).
//! - `chair_actions`: what a chair asks for (admit, deny, remove, roles, lock, end, new
//!   link), queued as intents and committed when no commit of ours is in flight.
//! - `invite_rotation`: the new invite secret every member derives after a new link.

mod chair_actions;
mod codec;
mod duties;
mod invite_rotation;
#[cfg(feature = "test-hooks")]
mod rogue;
mod validation;

pub use chair_actions::ChairAction;
pub use codec::{Admission, MeetingPolicy, PolicyDecodeError, POLICY_EXTENSION_TYPE};
#[cfg(feature = "test-hooks")]
pub use rogue::RogueCommit;

pub(super) use chair_actions::ChairIntent;
pub(super) use duties::CommitPlan;
pub(super) use validation::{check_commit, MembersView, RuleBreak};

use std::collections::VecDeque;

use conclave_protocol::ParticipantId;
use openmls::prelude::{
    Capabilities, Extension, ExtensionType, Extensions, GroupContext, InvalidExtensionError,
    RequiredCapabilitiesExtension, UnknownExtension,
};

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

/// A member whose commit broke a rule: the lowest present chair removes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct RuleBreaker {
    pub(super) fingerprint: Fingerprint,
    pub(super) participant_id: ParticipantId,
}

/// What the policy adds to the state machine.
#[derive(Default)]
pub(super) struct PolicyState {
    /// Chair actions asked for and not yet in a commit of ours.
    pub(super) intents: Vec<ChairIntent>,
    /// Members whose commit we ignored, to be removed by the lowest present chair.
    pub(super) rule_breakers: Vec<RuleBreaker>,
    /// How many commits of others we ignored because they broke a rule.
    pub(super) ignored_commits: usize,
    /// The last commits we merged, newest last, to judge a counter-commit of one of them.
    pub(super) merged: VecDeque<MergedCommit>,
}

/// How many merged commits we remember: as many as the server lets a counter-commit undo.
const MERGED_COMMITS_KEPT: usize = 8;

/// A commit we merged.
pub(super) struct MergedCommit {
    /// The epoch it was made in.
    pub(super) epoch: u64,
    pub(super) committer: ParticipantId,
    /// A non-chair changed the policy: only a succession is valid so, and its validity
    /// depends on the presence each member sees.
    pub(super) by_succession: bool,
}

impl PolicyState {
    pub(super) fn remember_merge(&mut self, merged: MergedCommit) {
        // After a re-sync the epochs start again: keep only the ones before this one.
        self.merged.retain(|m| m.epoch < merged.epoch);
        self.merged.push_back(merged);
        while self.merged.len() > MERGED_COMMITS_KEPT {
            self.merged.pop_front();
        }
    }
}

/// The policy a group context carries, if it carries a well-formed one.
pub(super) fn policy_of(extensions: &Extensions<GroupContext>) -> Option<MeetingPolicy> {
    let extension = extensions.unknown(POLICY_EXTENSION_TYPE)?;
    MeetingPolicy::decode(&extension.0).ok()
}

/// The group context extensions that carry `policy`: the policy itself, and the required
/// capabilities that name it (openmls accepts an extension it does not know only if
/// every member must support it).
pub(super) fn policy_extensions(
    policy: &MeetingPolicy,
) -> Result<Extensions<GroupContext>, InvalidExtensionError> {
    Extensions::from_vec(vec![
        Extension::RequiredCapabilities(RequiredCapabilitiesExtension::new(
            &[ExtensionType::Unknown(POLICY_EXTENSION_TYPE)],
            &[],
            &[],
        )),
        Extension::Unknown(POLICY_EXTENSION_TYPE, UnknownExtension(policy.encode())),
    ])
}

/// Our leaves' capabilities: openmls' defaults plus the policy extension.
pub(super) fn leaf_capabilities() -> Capabilities {
    Capabilities::new(
        None,
        None,
        Some(&[ExtensionType::Unknown(POLICY_EXTENSION_TYPE)]),
        None,
        None,
    )
}
