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
//! - `trust`: the organisations whose certificates the meeting accepts and whether it
//!   admits only verified members ([`MeetingTrust`], a second extension, fixed at epoch 0).

mod chair_actions;
mod codec;
mod duties;
mod invite_rotation;
#[cfg(feature = "test-hooks")]
mod rogue;
mod trust;
mod validation;

pub use chair_actions::ChairAction;
pub use codec::{Admission, MeetingPolicy, PolicyDecodeError, POLICY_EXTENSION_TYPE};
#[cfg(feature = "test-hooks")]
pub use rogue::RogueCommit;
pub use trust::bound_invite_secret;
pub use trust::{MeetingTrust, TrustDecodeError, MAX_PINNED_ANCHORS, TRUST_EXTENSION_TYPE};

pub(super) use chair_actions::ChairIntent;
pub(super) use duties::CommitPlan;
pub(super) use validation::{check_commit, MembersView, RuleBreak};

use std::collections::VecDeque;

use conclave_protocol::ParticipantId;
use openmls::prelude::{
    Capabilities, CredentialType, Extension, ExtensionType, Extensions, GroupContext,
    InvalidExtensionError, RequiredCapabilitiesExtension, UnknownExtension,
};

use crate::credential::MEMBER_INFO_EXTENSION_TYPE;
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
    /// Whether an organisation the meeting accepts vouches for the knocker.
    pub verification: super::Verification,
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

/// The meeting's trust: `None` if its group context carries a malformed one. A group
/// without one (made by a client of its own) trusts like a default meeting: nothing pinned,
/// open to all, which its creator could have chosen anyway.
pub(super) fn trust_of(extensions: &Extensions<GroupContext>) -> Option<MeetingTrust> {
    match extensions.unknown(TRUST_EXTENSION_TYPE) {
        Some(extension) => MeetingTrust::decode(&extension.0).ok(),
        None => Some(MeetingTrust::default()),
    }
}

/// The group context extensions that carry `policy` and `trust`, and the required
/// capabilities that name them (openmls accepts an extension it does not know only if
/// every member must support it).
/// `trust` is `None` only to carry over a group that has no trust extension as it is.
pub(super) fn policy_extensions(
    policy: &MeetingPolicy,
    trust: Option<&MeetingTrust>,
) -> Result<Extensions<GroupContext>, InvalidExtensionError> {
    let mut required = vec![ExtensionType::Unknown(POLICY_EXTENSION_TYPE)];
    let mut extensions = vec![Extension::Unknown(
        POLICY_EXTENSION_TYPE,
        UnknownExtension(policy.encode()),
    )];
    if let Some(trust) = trust {
        required.push(ExtensionType::Unknown(TRUST_EXTENSION_TYPE));
        extensions.push(Extension::Unknown(
            TRUST_EXTENSION_TYPE,
            UnknownExtension(trust.encode()),
        ));
    }
    extensions.insert(
        0,
        Extension::RequiredCapabilities(RequiredCapabilitiesExtension::new(&required, &[], &[])),
    );
    Extensions::from_vec(extensions)
}

/// The trust to carry over into a policy change of `extensions`' group: `Err` if its trust
/// is malformed (then nothing changes: fail closed), `Ok(None)` if it has none.
pub(super) fn trust_to_carry(
    extensions: &Extensions<GroupContext>,
) -> Result<Option<MeetingTrust>, TrustDecodeError> {
    extensions
        .unknown(TRUST_EXTENSION_TYPE)
        .map(|extension| MeetingTrust::decode(&extension.0))
        .transpose()
}

/// What every leaf of ours supports: the meeting's two group context extensions, the
/// member-info leaf extension of X.509 members, and both credential types.
pub(super) fn leaf_capabilities() -> Capabilities {
    Capabilities::new(
        None,
        None,
        Some(&[
            ExtensionType::Unknown(POLICY_EXTENSION_TYPE),
            ExtensionType::Unknown(TRUST_EXTENSION_TYPE),
            ExtensionType::Unknown(MEMBER_INFO_EXTENSION_TYPE),
        ]),
        None,
        Some(&[CredentialType::Basic, CredentialType::X509]),
    )
}
