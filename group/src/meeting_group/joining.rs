//! Entering the meeting's group: on `joined`, start it (first in the room) or ask to be
//! added with a KeyPackage and an invite proof (RFC 9420 section 10), and enter it by the
//! Welcome a member sends (RFC 9420 section 12.4.3).

use conclave_protocol::{Bytes, ClientMessage, GroupStatus, ParticipantId, ParticipantInfo};
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{
    BasicCredential, CredentialWithKey, GroupId, KeyPackage, KeyPackageRef, Lifetime, MlsGroup,
    MlsGroupCreateConfig, MlsGroupJoinConfig, MlsMessageBodyIn, MlsMessageIn, StagedWelcome,
};
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::OpenMlsProvider as _;

use super::{GroupEvent, MeetingGroup, MembershipStatus};
use crate::credential::CredentialInfo;
use crate::{GroupError, CIPHERSUITE};

/// Most of our own published KeyPackages whose private keys we keep for a late Welcome.
const MAX_OWN_KEY_PACKAGES: usize = 4;

/// How long our KeyPackages are valid (openmls also back-dates them by an hour for clock
/// skew). Shorter than openmls' default of 12 weeks, but it cannot be as short as a join
/// takes: a member's leaf keeps its KeyPackage's lifetime until that member commits (only
/// the committer ever does), and a joiner checks the lifetime of every such leaf in the
/// Welcome's tree (openmls 0.9 `JoinBuilder` verifies them unless told to skip), so a
/// member present for longer than this would keep every later joiner out. A week covers
/// the longest meetings. Replays do not rest on it: a proof is good only for
/// [`JOIN_CHALLENGE_EPOCHS`](super::JOIN_CHALLENGE_EPOCHS) epochs of one group.
pub const KEY_PACKAGE_LIFETIME_SECONDS: u64 = 7 * 24 * 60 * 60;

impl MeetingGroup {
    pub(super) fn on_joined(
        &mut self,
        now_ms: u64,
        you: ParticipantId,
        participants: &[ParticipantInfo],
        group: &GroupStatus,
        events: &mut Vec<GroupEvent>,
    ) {
        // A (re)join is a new connection with a new participant id: start over.
        self.drop_group_state();
        self.you = Some(you);
        self.presence = participants
            .iter()
            .filter(|p| p.id != you)
            .map(|p| (p.id, p.clone()))
            .collect();
        self.published_at_ms = None;
        self.join_challenges.forget_heard();
        if let Some(challenge) = &group.join_challenge {
            self.hear_join_challenge(challenge);
        }
        if group.epoch.is_none() {
            self.status = MembershipStatus::Connecting;
            self.start_requested = true;
            events.push(GroupEvent::Send(ClientMessage::StartGroup));
        } else {
            self.status = MembershipStatus::WaitingToBeAdded;
            self.publish_key_package(now_ms, events);
        }
        events.push(GroupEvent::Changed);
    }

    pub(super) fn on_group_started(
        &mut self,
        now_ms: u64,
        by: ParticipantId,
        events: &mut Vec<GroupEvent>,
    ) {
        let Some(you) = self.you else { return };
        if self.group.is_some() {
            return;
        }
        let asked = std::mem::take(&mut self.start_requested);
        if by == you && asked {
            match self.create_group(you) {
                Ok(group) => {
                    self.group = Some(group);
                    self.status = MembershipStatus::Member;
                    self.published_at_ms = None;
                    self.push_epoch_keys(events);
                    events.push(GroupEvent::Changed);
                    self.maybe_commit(now_ms, events);
                }
                Err(_) => {
                    // Nothing else to do: the group ends when we leave.
                    self.status = MembershipStatus::Connecting;
                    events.push(GroupEvent::Changed);
                }
            }
        } else if self.published_at_ms.is_none() {
            self.status = MembershipStatus::WaitingToBeAdded;
            self.publish_key_package(now_ms, events);
            events.push(GroupEvent::Changed);
        }
    }

    pub(super) fn on_welcome(
        &mut self,
        now_ms: u64,
        epoch: u64,
        welcome: &Bytes,
        events: &mut Vec<GroupEvent>,
    ) {
        if self.you.is_none() {
            return;
        }
        if let Some(current) = self.epoch() {
            // A member accepts a Welcome only into a later epoch: that happens when a
            // late KeyPackage of ours got our leaf replaced.
            if epoch <= current {
                return;
            }
        }
        let Ok(group) = self.join_from_welcome(&welcome.0) else {
            return; // not for a KeyPackage we hold, or invalid: keep waiting
        };
        if let Some(mut old) = self.group.take() {
            if old.group_id() != group.group_id() {
                let _ = old.delete(self.provider.storage());
            }
        }
        self.own_commit = None;
        self.gap_since_ms = None;
        self.group = Some(group);
        self.status = MembershipStatus::Member;
        self.published_at_ms = None;
        self.start_requested = false;
        self.pending_key_packages.clear();
        self.after_epoch_change(now_ms, events);
    }

    /// Asks to be added: a fresh KeyPackage with an invite proof over the newest join
    /// challenge heard. With none heard yet (the group's first member has not set it),
    /// it waits: the server relays the challenge as soon as a member sets it, and that
    /// publishes (`join_challenge`).
    pub(super) fn publish_key_package(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        let Some(you) = self.you else { return };
        let Some(challenge) = self.join_challenges.newest_heard().copied() else {
            self.published_at_ms = None;
            return;
        };
        let Ok((key_package, reference)) = self.new_key_package(you) else {
            return;
        };
        self.own_key_packages.push(reference);
        while self.own_key_packages.len() > MAX_OWN_KEY_PACKAGES {
            let old = self.own_key_packages.remove(0);
            let _ = self.provider.storage().delete_key_package(&old);
        }
        let invite_proof = self
            .proof_key
            .prove(&self.room_id, &challenge, &key_package);
        self.published_at_ms = Some(now_ms);
        events.push(GroupEvent::Send(ClientMessage::PublishKeyPackage {
            key_package: Bytes(key_package),
            invite_proof: Bytes(invite_proof),
        }));
    }

    fn credential_with_key(&self, you: ParticipantId) -> CredentialWithKey {
        let info = CredentialInfo::new(&self.display_name, you);
        CredentialWithKey {
            credential: BasicCredential::new(info.to_identity_bytes()).into(),
            signature_key: self.identity.public_key().to_vec().into(),
        }
    }

    fn new_key_package(&self, you: ParticipantId) -> Result<(Vec<u8>, KeyPackageRef), GroupError> {
        let bundle = KeyPackage::builder()
            .key_package_lifetime(Lifetime::new(KEY_PACKAGE_LIFETIME_SECONDS))
            .build(
                CIPHERSUITE,
                &self.provider,
                &self.identity.key_pair,
                self.credential_with_key(you),
            )
            .map_err(GroupError::KeyPackage)?;
        let key_package = bundle.key_package();
        let reference = key_package
            .hash_ref(self.provider.crypto())
            .map_err(GroupError::Library)?;
        let bytes = openmls::prelude::tls_codec::Serialize::tls_serialize_detached(key_package)
            .map_err(GroupError::EncodeKeyPackage)?;
        Ok((bytes, reference))
    }

    fn create_group(&self, you: ParticipantId) -> Result<MlsGroup, GroupError> {
        let config = MlsGroupCreateConfig::builder()
            .ciphersuite(CIPHERSUITE)
            .use_ratchet_tree_extension(true)
            .build();
        // Room id plus randomness: a group restarted in the same room is a new group.
        let mut id = self.room_id.as_str().as_bytes().to_vec();
        id.extend_from_slice(GroupId::random(self.provider.rand()).as_slice());
        MlsGroup::new_with_group_id(
            &self.provider,
            &self.identity.key_pair,
            &config,
            GroupId::from_slice(&id),
            self.credential_with_key(you),
        )
        .map_err(GroupError::CreateGroup)
    }

    fn join_from_welcome(&self, welcome: &[u8]) -> Result<MlsGroup, GroupError> {
        let message =
            MlsMessageIn::tls_deserialize_exact(welcome).map_err(GroupError::DecodeMessage)?;
        let MlsMessageBodyIn::Welcome(welcome) = message.extract() else {
            return Err(GroupError::UnexpectedMessage);
        };
        let config = MlsGroupJoinConfig::builder()
            .use_ratchet_tree_extension(true)
            .build();
        let group = StagedWelcome::build_from_welcome(&self.provider, &config, welcome)
            .map_err(GroupError::ProcessWelcome)?
            .replace_old_group()
            .build()
            .map_err(GroupError::ProcessWelcome)?
            .into_group(&self.provider)
            .map_err(GroupError::ProcessWelcome)?;
        if group.ciphersuite() != CIPHERSUITE {
            return Err(GroupError::UnexpectedMessage);
        }
        Ok(group)
    }
}
