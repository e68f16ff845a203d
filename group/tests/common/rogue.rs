//! An MLS group run with openmls directly, outside [`conclave_group::MeetingGroup`]: what
//! a hostile server, a squatter or a rogue member builds to get an honest client into a
//! group of its own. It follows none of the meeting's rules unless told to.

use conclave_group::invite_psk::InvitePsk;
use conclave_group::meeting_group::policy::POLICY_EXTENSION_TYPE;
use conclave_group::{Admission, Fingerprint, FrameSuite, MeetingPolicy, CIPHERSUITE};
use conclave_protocol::{Bytes, JoinChallenge, ParticipantId, RoomId, JOIN_CHALLENGE_BYTES};
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{
    BasicCredential, Capabilities, CredentialWithKey, Extension, ExtensionType, Extensions,
    KeyPackage, KeyPackageIn, MlsGroup, MlsGroupCreateConfig, ProtocolVersion,
    RequiredCapabilitiesExtension, UnknownExtension,
};
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::OpenMlsProvider as _;

/// What the rogue knows of the meeting's invite PSK.
pub enum RoguePsk {
    /// Nothing: a server, or someone who knows only the room id.
    None,
    /// The PSK as a MeetingGroup derives it from this invite secret (the meeting's own
    /// secret for a link holder, another one for a squatter).
    FromSecret([u8; 32]),
}

/// A commit the rogue made, ready for the server.
pub struct RogueCommit {
    /// The epoch it was made in.
    pub epoch: u64,
    pub commit: Bytes,
    pub welcome: Bytes,
}

/// A group founded and run with openmls directly.
pub struct RogueGroup {
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    group: MlsGroup,
    psk: Option<InvitePsk>,
}

impl RogueGroup {
    /// Founds a group whose one member's credential names `participant` as a Conclave
    /// credential does (so honest members count it as present).
    pub fn found(
        participant: ParticipantId,
        name: &str,
        room_id: &RoomId,
        psk: RoguePsk,
    ) -> RogueGroup {
        let provider = OpenMlsRustCrypto::default();
        let psk = match psk {
            RoguePsk::None => None,
            RoguePsk::FromSecret(secret) => {
                let psk = InvitePsk::derive(&secret, room_id, FrameSuite::default());
                psk.store(&provider).unwrap();
                Some(psk)
            }
        };
        let signer = SignatureKeyPair::new(CIPHERSUITE.signature_algorithm()).unwrap();
        let identity = serde_json::to_vec(&serde_json::json!({
            "display_name": name,
            "participant_id": participant,
        }))
        .unwrap();
        let credential = CredentialWithKey {
            credential: BasicCredential::new(identity).into(),
            signature_key: signer.public().to_vec().into(),
        };
        // A meeting policy as an honest creator sets it (the rogue its sole chair, anyone
        // with the link admitted), so that honest members judge its commits by the rules.
        let policy = MeetingPolicy::new(
            Admission::AnyoneWithLink,
            Fingerprint::of_public_key(signer.public()),
        );
        let extension_type = ExtensionType::Unknown(POLICY_EXTENSION_TYPE);
        let extensions = Extensions::from_vec(vec![
            Extension::RequiredCapabilities(RequiredCapabilitiesExtension::new(
                &[extension_type],
                &[],
                &[],
            )),
            Extension::Unknown(POLICY_EXTENSION_TYPE, UnknownExtension(policy.encode())),
        ])
        .unwrap();
        let config = MlsGroupCreateConfig::builder()
            .ciphersuite(CIPHERSUITE)
            .use_ratchet_tree_extension(true)
            .capabilities(Capabilities::new(
                None,
                None,
                Some(&[extension_type]),
                None,
                None,
            ))
            .with_group_context_extensions(extensions)
            .build();
        let group = MlsGroup::new(&provider, &signer, &config, credential).unwrap();
        RogueGroup {
            provider,
            signer,
            group,
            psk,
        }
    }

    /// The group's epoch.
    pub fn epoch(&self) -> u64 {
        self.group.epoch().as_u64()
    }

    /// The join challenge of its current epoch, derived as an honest member derives it
    /// (so that joiners publish KeyPackages it can take).
    pub fn join_challenge(&self) -> JoinChallenge {
        let exported = self
            .group
            .export_secret(
                self.provider.crypto(),
                "Conclave 1.0 join challenge",
                b"",
                JOIN_CHALLENGE_BYTES,
            )
            .expect("export the join challenge");
        JoinChallenge {
            epoch: self.epoch(),
            challenge: Bytes(exported.to_vec()),
        }
    }

    /// Commits adding the published KeyPackages (and merges it at once); proposes the
    /// PSK it holds when `with_psk`.
    pub fn add(&mut self, key_packages: &[Bytes], with_psk: bool) -> RogueCommit {
        let key_packages: Vec<KeyPackage> = key_packages
            .iter()
            .map(|bytes| {
                KeyPackageIn::tls_deserialize_exact(bytes.0.as_slice())
                    .unwrap()
                    .validate(self.provider.crypto(), ProtocolVersion::Mls10)
                    .unwrap()
            })
            .collect();
        let psk_proposal = with_psk.then(|| {
            self.psk
                .as_ref()
                .expect("a rogue without the PSK cannot propose it")
                .proposal(self.provider.rand())
                .unwrap()
        });
        let epoch = self.epoch();
        let bundle = self
            .group
            .commit_builder()
            .propose_adds(key_packages)
            .add_proposals(psk_proposal)
            .load_psks(self.provider.storage())
            .unwrap()
            .build(
                self.provider.rand(),
                self.provider.crypto(),
                &self.signer,
                |_| true,
            )
            .unwrap()
            .stage_commit(&self.provider)
            .unwrap();
        let (commit, welcome, _group_info) = bundle.into_messages();
        self.group.merge_pending_commit(&self.provider).unwrap();
        RogueCommit {
            epoch,
            commit: Bytes(commit.to_bytes().unwrap()),
            welcome: Bytes(welcome.expect("an Add makes a Welcome").to_bytes().unwrap()),
        }
    }
}
