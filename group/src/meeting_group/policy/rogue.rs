//! Test hook (feature `test-hooks`): a rogue member's client, which commits what the
//! policy forbids it, skipping its own checks, so that the tests can show that every
//! honest member ignores the commit and a chair removes its committer. Never in a release
//! build.

use conclave_protocol::ParticipantId;
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{
    CredentialWithKey, Extension, ExtensionType, Extensions, KeyPackageIn, LeafNodeIndex,
    LeafNodeParameters, ProtocolVersion, RequiredCapabilitiesExtension, UnknownExtension,
};
use openmls_traits::OpenMlsProvider as _;

use super::{policy_extensions, policy_of, trust_of, MeetingTrust, POLICY_EXTENSION_TYPE};
use crate::meeting_group::commit_lists::CommitLists;
use crate::meeting_group::{GroupEvent, MeetingGroup};
use crate::verified_identity::AnchorPin;

/// What the rogue commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RogueCommit {
    /// Adds a pending knock without being a chair.
    AddParticipant(ParticipantId),
    /// Removes the member at this leaf without being a chair.
    RemoveLeaf(u32),
    /// Names itself a chair.
    PromoteSelf,
    /// (As a chair) commits a policy that names no chair.
    DropAllChairs,
    /// Commits a policy extension that does not decode.
    MalformedPolicy,
    /// Renames itself in its own leaf (an update path with a new credential) to claim
    /// this participant, under the name "Impostor".
    ClaimParticipant(ParticipantId),
    /// Commits nothing (an empty commit) but tells the server that it removes and expels
    /// this participant, so that the server closes its connection. `signed`: the lie is
    /// in the commit's authenticated data too; otherwise only the server hears it.
    ExpelWithoutRemoving {
        /// Whom the server is told to expel.
        target: ParticipantId,
        /// Whether the commit's authenticated data carries the same lie.
        signed: bool,
    },
    /// Names itself a chair in a commit whose bytes it then garbles, so that nobody else
    /// can process it (the rogue merges its own when the server echoes it).
    Unprocessable,
    /// (As a chair) keeps the policy but rewrites the meeting's trust: "verified members
    /// only" lifted and an organisation pinned that the meeting did not accept.
    RewriteTrust,
}

impl MeetingGroup {
    /// Builds and sends a commit that breaks the policy (see [`RogueCommit`]), as long as
    /// we are a member with no commit in flight. Returns no events otherwise.
    pub fn rogue_commit(&mut self, now_ms: u64, rogue: RogueCommit) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        if self.own_commit.is_some() {
            return events;
        }
        let Some(group) = self.member_group() else {
            return events;
        };
        let policy = policy_of(group.extensions());
        let trust = trust_of(group.extensions()).unwrap_or_default();
        let mut leaf = None;
        let mut told_server = CommitLists::default();
        let mut signed_lists = None;
        let mut garble = false;
        let (key_packages, added, removals, extensions) = match rogue {
            RogueCommit::ExpelWithoutRemoving { target, signed } => {
                told_server = CommitLists::new(&[], &[target], &[target]);
                if signed {
                    signed_lists = Some(told_server.clone());
                }
                (Vec::new(), Vec::new(), Vec::new(), None)
            }
            RogueCommit::ClaimParticipant(participant) => {
                // An enrolled member keeps its X.509 credential and rewrites only the
                // member-info leaf extension.
                let info = crate::credential::CredentialInfo::new("Impostor", participant);
                let (credential, leaf_extensions) =
                    crate::credential::own_credential(&info, self.verifier.own_chain.as_deref());
                leaf = Some(
                    LeafNodeParameters::builder()
                        .with_credential_with_key(CredentialWithKey {
                            credential,
                            signature_key: self.identity.public_key().to_vec().into(),
                        })
                        .with_extensions(leaf_extensions)
                        .build(),
                );
                (Vec::new(), Vec::new(), Vec::new(), None)
            }
            RogueCommit::AddParticipant(participant) => {
                let Some(pending) = self.pending_key_packages.get(&participant) else {
                    return events;
                };
                (
                    vec![pending.key_package.clone()],
                    vec![participant],
                    Vec::new(),
                    None,
                )
            }
            RogueCommit::RemoveLeaf(leaf) => {
                (Vec::new(), Vec::new(), vec![LeafNodeIndex::new(leaf)], None)
            }
            RogueCommit::PromoteSelf | RogueCommit::DropAllChairs | RogueCommit::Unprocessable => {
                let Some(mut policy) = policy else {
                    return events;
                };
                garble = rogue == RogueCommit::Unprocessable;
                if rogue == RogueCommit::DropAllChairs {
                    policy.chairs.clear();
                } else {
                    policy.chairs.push(self.identity.fingerprint());
                }
                (
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    policy_extensions(&policy, Some(&trust)).ok(),
                )
            }
            RogueCommit::RewriteTrust => {
                let Some(policy) = policy else {
                    return events;
                };
                let foreign = AnchorPin::from_bytes([0x66; 32]);
                let rewritten =
                    MeetingTrust::new(false, trust.anchors.iter().copied().chain([foreign]));
                (
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    policy_extensions(&policy, Some(&rewritten)).ok(),
                )
            }
            RogueCommit::MalformedPolicy => {
                // A version nobody knows, and nothing else.
                let extensions = Extensions::from_vec(vec![
                    Extension::RequiredCapabilities(RequiredCapabilitiesExtension::new(
                        &[ExtensionType::Unknown(POLICY_EXTENSION_TYPE)],
                        &[],
                        &[],
                    )),
                    Extension::Unknown(POLICY_EXTENSION_TYPE, UnknownExtension(vec![2])),
                ]);
                (Vec::new(), Vec::new(), Vec::new(), extensions.ok())
            }
        };
        if !added.is_empty() {
            told_server = CommitLists::new(&added, &[], &[]);
        }
        let signed_lists = signed_lists.unwrap_or_else(|| CommitLists::new(&added, &[], &[]));
        let created =
            self.create_commit_with_leaf(key_packages, removals, extensions, &signed_lists, leaf);
        if let Ok(mut created) = created {
            if garble {
                // The last bytes are the ciphertext's authentication tag.
                if let Some(last) = created.commit.last_mut() {
                    *last ^= 0xFF;
                }
            }
            self.send_own_commit(now_ms, created, told_server, Vec::new(), false, &mut events);
        }
        events
    }

    /// Replaces the member at `leaf` by `key_package`, a KeyPackage that member published
    /// earlier (relayed to every member) and never asked to be re-added with: the
    /// re-sync replacement rule lets any member do this, so its owner must not take it
    /// for a chair's removal.
    pub fn rogue_replace_leaf(
        &mut self,
        now_ms: u64,
        leaf: u32,
        key_package: &[u8],
    ) -> Vec<GroupEvent> {
        self.rogue_commit_key_package(now_ms, key_package, Some(leaf))
    }

    /// Adds the participant that published `key_package` (relayed to every member), with the
    /// invite PSK as an honest Add carries it, whatever the meeting's trust says of its
    /// credential: the rogue skips the verification every honest member makes.
    pub fn rogue_add(&mut self, now_ms: u64, key_package: &[u8]) -> Vec<GroupEvent> {
        self.rogue_commit_key_package(now_ms, key_package, None)
    }

    /// Commits an Add of `key_package` (checked only for its own signatures), removing the
    /// member at `replaced` in the same commit, as long as we are a member with no commit in
    /// flight.
    fn rogue_commit_key_package(
        &mut self,
        now_ms: u64,
        key_package: &[u8],
        replaced: Option<u32>,
    ) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        if self.own_commit.is_some() || self.member_group().is_none() {
            return events;
        }
        let Some(key_package) = KeyPackageIn::tls_deserialize_exact(key_package)
            .ok()
            .and_then(|kp| {
                kp.validate(self.provider.crypto(), ProtocolVersion::Mls10)
                    .ok()
            })
        else {
            return events;
        };
        let owner: Vec<ParticipantId> =
            crate::meeting_group::roster::leaf_info(key_package.leaf_node())
                .participant_id
                .into_iter()
                .collect();
        let removed = if replaced.is_some() {
            owner.clone()
        } else {
            Vec::new()
        };
        let removals = replaced.map(LeafNodeIndex::new).into_iter().collect();
        let lists = CommitLists::new(&owner, &removed, &[]);
        if let Ok(created) = self.create_commit(vec![key_package], removals, None, &lists) {
            self.send_own_commit(now_ms, created, lists, Vec::new(), false, &mut events);
        }
        events
    }
}
