//! The hostile server's own MLS group (RFC 9420), made with real openmls in the meeting's
//! ciphersuite and a signature key of its own, without the invite secret: what an
//! operator who relays KeyPackages could build to capture joiners (issue 12, "a joiner
//! accepts a Welcome into any group").
//!
//! It adds any well-formed KeyPackage (RFC 9420 section 10) it is handed, commits
//! (section 12.4), merges its own commit at once and returns the Commit for the members
//! it already captured and the Welcome (with the ratchet tree extension, as Conclave's
//! clients expect) for the newcomer. It also builds well-formed KeyPackages for rogue
//! clients that have no invite secret (`POST /test/hostile/key-package`).

use conclave_protocol::ParticipantId;
use openmls::prelude::tls_codec::{Deserialize as _, Serialize as _};
use openmls::prelude::{
    BasicCredential, Ciphersuite, CredentialWithKey, GroupId, KeyPackage, KeyPackageIn, MlsGroup,
    MlsGroupCreateConfig, ProtocolVersion,
};
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::random::OpenMlsRand as _;
use openmls_traits::OpenMlsProvider as _;
use serde::Serialize;

/// Conclave's ciphersuite (the one `conclave_group::CIPHERSUITE` names).
const CIPHERSUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// Why the server's group could not do something (test builds only; never on the wire).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerGroupError {
    /// The KeyPackage was not a valid TLS-encoded MLS KeyPackage of our ciphersuite.
    #[error("not a valid KeyPackage")]
    InvalidKeyPackage,
    /// openmls refused an operation (making a key, the group, a commit).
    #[error("openmls: {0}")]
    Mls(String),
}

fn mls(error: impl std::fmt::Debug) -> ServerGroupError {
    ServerGroupError::Mls(format!("{error:?}"))
}

/// What a Conclave member credential says (the client's `CredentialInfo`): a display name
/// and the participant id the roster maps the leaf to.
#[derive(Serialize)]
struct CredentialInfo<'a> {
    display_name: &'a str,
    participant_id: Option<ParticipantId>,
}

fn credential(
    signer: &SignatureKeyPair,
    display_name: &str,
    participant_id: Option<ParticipantId>,
) -> CredentialWithKey {
    let identity = serde_json::to_vec(&CredentialInfo {
        display_name,
        participant_id,
    })
    .unwrap_or_default();
    CredentialWithKey {
        credential: BasicCredential::new(identity).into(),
        signature_key: signer.public().to_vec().into(),
    }
}

/// A commit that added one KeyPackage: the Commit for the members already in, the
/// Welcome for the newcomer, and the epochs around it.
pub struct AddedMember {
    /// The epoch the commit was made in.
    pub commit_epoch: u64,
    /// TLS-serialized MLSMessage carrying the Commit.
    pub commit: Vec<u8>,
    /// TLS-serialized MLSMessage carrying the Welcome.
    pub welcome: Vec<u8>,
}

/// The server's own group. No `Debug`: it holds keys the server should never have.
pub struct ServerGroup {
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    group: MlsGroup,
}

impl ServerGroup {
    /// A group of one (the server), whose leaf claims to be `face` (a name and a
    /// participant id the joiners' rosters will show), with a group id that starts with
    /// the room id as an honest client's does.
    pub fn new(
        room_id: &str,
        face_name: &str,
        face: Option<ParticipantId>,
    ) -> Result<Self, ServerGroupError> {
        let provider = OpenMlsRustCrypto::default();
        let signer = SignatureKeyPair::new(CIPHERSUITE.signature_algorithm()).map_err(mls)?;
        let config = MlsGroupCreateConfig::builder()
            .ciphersuite(CIPHERSUITE)
            .use_ratchet_tree_extension(true)
            .build();
        let mut id = room_id.as_bytes().to_vec();
        id.extend_from_slice(&provider.rand().random_array::<16>().map_err(mls)?);
        let group = MlsGroup::new_with_group_id(
            &provider,
            &signer,
            &config,
            GroupId::from_slice(&id),
            credential(&signer, face_name, face),
        )
        .map_err(mls)?;
        Ok(Self {
            provider,
            signer,
            group,
        })
    }

    /// The group's current epoch.
    pub fn epoch(&self) -> u64 {
        self.group.epoch().as_u64()
    }

    /// Adds the KeyPackage `key_package` (as a client published it) and merges the
    /// commit: the newcomer's Welcome and the others' Commit.
    pub fn add(&mut self, key_package: &[u8]) -> Result<AddedMember, ServerGroupError> {
        let key_package = validate(&self.provider, key_package)?;
        let commit_epoch = self.epoch();
        // A captive asking again (it lost track, or its status timer ran out) is added
        // afresh: its old leaf (same signature key) goes in the same commit.
        let signature_key = key_package.leaf_node().signature_key().as_slice().to_vec();
        let old_leaves: Vec<_> = self
            .group
            .members()
            .filter(|member| member.signature_key == signature_key)
            .map(|member| member.index)
            .collect();
        let bundle = self
            .group
            .commit_builder()
            .propose_adds([key_package])
            .propose_removals(old_leaves)
            .load_psks(self.provider.storage())
            .map_err(mls)?
            .build(
                self.provider.rand(),
                self.provider.crypto(),
                &self.signer,
                |_| true,
            )
            .map_err(mls)?
            .stage_commit(&self.provider)
            .map_err(mls)?;
        let (commit, welcome, _group_info) = bundle.into_messages();
        let commit = commit.to_bytes().map_err(mls)?;
        let welcome = welcome
            .ok_or_else(|| ServerGroupError::Mls("a commit with an Add made no Welcome".into()))?
            .to_bytes()
            .map_err(mls)?;
        self.group
            .merge_pending_commit(&self.provider)
            .map_err(mls)?;
        Ok(AddedMember {
            commit_epoch,
            commit,
            welcome,
        })
    }
}

/// Parses and validates a published KeyPackage (signatures, lifetime, RFC 9420 section
/// 10.1) of Conclave's ciphersuite.
fn validate(provider: &OpenMlsRustCrypto, bytes: &[u8]) -> Result<KeyPackage, ServerGroupError> {
    let key_package = KeyPackageIn::tls_deserialize_exact(bytes)
        .map_err(|_| ServerGroupError::InvalidKeyPackage)?
        .validate(provider.crypto(), ProtocolVersion::Mls10)
        .map_err(|_| ServerGroupError::InvalidKeyPackage)?;
    if key_package.ciphersuite() != CIPHERSUITE {
        return Err(ServerGroupError::InvalidKeyPackage);
    }
    Ok(key_package)
}

/// A well-formed KeyPackage (TLS-serialized) whose credential names `participant_id`
/// under `display_name`, signed by a fresh key: what a rogue client without the invite
/// secret can publish. Its private keys are dropped (nobody will ever join with it).
pub fn rogue_key_package(
    display_name: &str,
    participant_id: ParticipantId,
) -> Result<Vec<u8>, ServerGroupError> {
    let provider = OpenMlsRustCrypto::default();
    let signer = SignatureKeyPair::new(CIPHERSUITE.signature_algorithm()).map_err(mls)?;
    let bundle = KeyPackage::builder()
        .build(
            CIPHERSUITE,
            &provider,
            &signer,
            credential(&signer, display_name, Some(participant_id)),
        )
        .map_err(mls)?;
    bundle.key_package().tls_serialize_detached().map_err(mls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_group_adds_a_well_formed_key_package_and_welcomes_it() {
        let joiner = rogue_key_package("Joiner", ParticipantId(2)).unwrap();
        let mut group =
            ServerGroup::new("AAAAAAAAAAAAAAAAAAAAAA", "Alice", Some(ParticipantId(1))).unwrap();
        assert_eq!(group.epoch(), 0);
        let added = group.add(&joiner).unwrap();
        assert_eq!(added.commit_epoch, 0);
        assert_eq!(group.epoch(), 1);
        assert!(!added.welcome.is_empty() && !added.commit.is_empty());
        let other = rogue_key_package("Other", ParticipantId(3)).unwrap();
        group.add(&other).unwrap();
        assert_eq!(group.group.members().count(), 3);
    }

    #[test]
    fn random_bytes_are_not_a_key_package() {
        let mut group = ServerGroup::new("AAAAAAAAAAAAAAAAAAAAAA", "Alice", None).unwrap();
        assert!(matches!(
            group.add(&[7; 300]),
            Err(ServerGroupError::InvalidKeyPackage)
        ));
        assert_eq!(group.epoch(), 0);
    }
}
