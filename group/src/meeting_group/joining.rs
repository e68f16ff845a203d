//! Entering the meeting's group: on `joined`, start it (first in the room) or ask to be
//! added with a KeyPackage and an invite proof (RFC 9420 section 10), and enter it by the
//! Welcome a member sends (RFC 9420 section 12.4.3).
//!
//! What a Welcome must show before we become a member or export any key:
//! - we are waiting to be added or re-syncing (a member never takes one, so a KeyPackage of
//!   ours the server kept cannot pull us out of the meeting);
//! - it opens with a KeyPackage we still hold (once a member, we delete the private keys of
//!   every other KeyPackage we published; also when the group ends or we rejoin the room);
//! - its `GroupSecrets.psks` name the invite PSK (`crate::invite_psk`), and openmls opens it
//!   with the value we derived from the invite secret: a group made without the secret, or
//!   with another one, is refused ([`WelcomeRefusal`], shown in the roster).
//!
//! The creator does not inject the PSK into its first epoch: epoch 0 has no member but the
//! creator, whose own key reaches nobody, and every epoch that brings anyone in (the first
//! Add included) mixes the PSK in; later epochs inherit it through the key schedule's
//! `init_secret` (RFC 9420 section 8).

use conclave_protocol::{Bytes, ClientMessage, GroupStatus, ParticipantId, ParticipantInfo};
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{
    CredentialWithKey, Extensions, GroupId, KeyPackage, KeyPackageRef, LeafNode, Lifetime,
    MlsGroup, MlsGroupCreateConfig, MlsGroupJoinConfig, MlsMessageBodyIn, MlsMessageIn,
    StagedWelcome, WelcomeError,
};
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::OpenMlsProvider as _;

use super::meeting_messages::{MESSAGE_PADDING_BYTES, PAST_EPOCHS_KEPT};
use super::policy::{leaf_capabilities, policy_extensions, trust_of, MeetingPolicy};
use super::{GroupEvent, MeetingGroup, MembershipStatus, WELCOME_TIMEOUT_MS};
use crate::credential::{own_credential, CredentialInfo};
use crate::verified_identity::AnchorPin;
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
        // A (re)join is a new connection with a new participant id: start over. Our
        // KeyPackages name the old id; nobody may add them any more.
        self.drop_group_state();
        self.forget_own_key_packages();
        self.refused_welcome = None;
        self.you = Some(you);
        self.presence = participants
            .iter()
            .filter(|p| p.id != you)
            .map(|p| (p.id, p.clone()))
            .collect();
        self.published_at_ms = None;
        self.republish_interval_ms = WELCOME_TIMEOUT_MS;
        self.policy = Default::default();
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
                    self.forget_own_key_packages();
                    self.refused_welcome = None;
                    self.member_since_epoch = Some(group.epoch().as_u64());
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

    /// A Welcome (RFC 9420 section 12.4.3). Taken only while we wait to be added (or
    /// re-sync): a member never swaps its group for another one, so a server that kept one
    /// of our older KeyPackages cannot pull us out of the meeting. Taken only if it shows
    /// that its group knows the invite secret (see `join_from_welcome`); otherwise we stay
    /// out, export no key, and say why in the roster.
    pub(super) fn on_welcome(
        &mut self,
        now_ms: u64,
        welcome: &Bytes,
        events: &mut Vec<GroupEvent>,
    ) {
        if self.you.is_none()
            || !matches!(
                self.status,
                MembershipStatus::WaitingToBeAdded | MembershipStatus::Resyncing
            )
        {
            return;
        }
        let group = match self.join_from_welcome(&welcome.0) {
            Ok(group) => group,
            // Not for a KeyPackage we hold (an old one, or someone else's), or not a
            // Welcome at all: nothing of ours was touched, keep waiting.
            Err(WelcomeOutcome::NotForUs) => return,
            Err(WelcomeOutcome::Refused(reason)) => {
                // openmls consumed the KeyPackage it opened; the next one we publish (on
                // the Welcome timeout) lets an honest member add us still.
                self.refused_welcome = Some(reason);
                events.push(GroupEvent::Changed);
                return;
            }
        };
        self.forget_own_key_packages();
        self.refused_welcome = None;
        self.own_commit = None;
        self.gap_since_ms = None;
        self.member_since_epoch = Some(group.epoch().as_u64());
        self.group = Some(group);
        self.status = MembershipStatus::Member;
        self.published_at_ms = None;
        self.start_requested = false;
        self.pending_key_packages.clear();
        self.after_epoch_change(now_ms, events);
    }

    /// Deletes the private keys of every KeyPackage we published and were not added with
    /// (openmls deleted the one a Welcome used), so that no later Welcome can use them.
    pub(super) fn forget_own_key_packages(&mut self) {
        for reference in std::mem::take(&mut self.own_key_packages) {
            let _ = self.provider.storage().delete_key_package(&reference);
        }
    }

    /// Asks to be added: a fresh KeyPackage with an invite proof over the newest join
    /// challenge heard. With none heard yet (the group's first member has not set it),
    /// it waits: the server relays the challenge as soon as a member sets it, and that
    /// publishes (`join_challenge`).
    pub(super) fn publish_key_package(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        let Some(you) = self.you else { return };
        let Some((challenge_epoch, challenge)) = self.join_challenges.newest_heard_with_epoch()
        else {
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
        self.proved_epoch = Some(challenge_epoch);
        events.push(GroupEvent::Send(ClientMessage::PublishKeyPackage {
            key_package: Bytes(key_package),
            invite_proof: Bytes(invite_proof),
        }));
    }

    /// Our credential (X.509 if our organisation enrolled us, else Basic) and the leaf
    /// extensions that go with it.
    fn credential_with_key(&self, you: ParticipantId) -> (CredentialWithKey, Extensions<LeafNode>) {
        let info = CredentialInfo::new(&self.display_name, you);
        // Our certificate (names, role, e-mail: in clear in every KeyPackage) goes only into
        // meetings whose link accepts our organisation.
        let chain = self.verifier.own_chain.as_deref().filter(|chain| {
            chain.get(1).is_some_and(|ca| {
                self.verifier
                    .link_trust
                    .pins(&AnchorPin::of_certificate(ca))
            })
        });
        let (credential, leaf_extensions) = own_credential(&info, chain);
        let credential = CredentialWithKey {
            credential,
            signature_key: self.identity.public_key().to_vec().into(),
        };
        (credential, leaf_extensions)
    }

    fn new_key_package(&self, you: ParticipantId) -> Result<(Vec<u8>, KeyPackageRef), GroupError> {
        let (credential, leaf_extensions) = self.credential_with_key(you);
        let bundle = KeyPackage::builder()
            .key_package_lifetime(Lifetime::new(KEY_PACKAGE_LIFETIME_SECONDS))
            .leaf_node_capabilities(leaf_capabilities())
            .leaf_node_extensions(leaf_extensions)
            .build(
                CIPHERSUITE,
                &self.provider,
                &self.identity.key_pair,
                credential,
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
        // Epoch 0's policy: the admission the creator chose, the creator sole chair.
        let policy = MeetingPolicy::new(self.admission, self.identity.fingerprint());
        let extensions = policy_extensions(&policy, Some(&self.verifier.link_trust))
            .map_err(|_| GroupError::PolicyExtension)?;
        let (credential, leaf_extensions) = self.credential_with_key(you);
        let config = MlsGroupCreateConfig::builder()
            .ciphersuite(CIPHERSUITE)
            .use_ratchet_tree_extension(true)
            .max_past_epochs(PAST_EPOCHS_KEPT)
            .padding_size(MESSAGE_PADDING_BYTES)
            .capabilities(leaf_capabilities())
            .with_group_context_extensions(extensions)
            .with_leaf_node_extensions(leaf_extensions)
            .map_err(|_| GroupError::PolicyExtension)?
            .build();
        // Room id plus randomness: a group restarted in the same room is a new group.
        let mut id = self.room_id.as_str().as_bytes().to_vec();
        id.extend_from_slice(GroupId::random(self.provider.rand()).as_slice());
        MlsGroup::new_with_group_id(
            &self.provider,
            &self.identity.key_pair,
            &config,
            GroupId::from_slice(&id),
            credential,
        )
        .map_err(GroupError::CreateGroup)
    }

    /// Opens a Welcome into a group of our ciphersuite that mixed the invite PSK into the
    /// epoch it welcomes us to. The PSK check comes before the group is built: nothing is
    /// exported from a group that did not prove itself.
    fn join_from_welcome(&self, welcome: &[u8]) -> Result<MlsGroup, WelcomeOutcome> {
        let message =
            MlsMessageIn::tls_deserialize_exact(welcome).map_err(|_| WelcomeOutcome::NotForUs)?;
        let MlsMessageBodyIn::Welcome(welcome) = message.extract() else {
            return Err(WelcomeOutcome::NotForUs);
        };
        let config = MlsGroupJoinConfig::builder()
            .use_ratchet_tree_extension(true)
            .max_past_epochs(PAST_EPOCHS_KEPT)
            .padding_size(MESSAGE_PADDING_BYTES)
            .build();
        // openmls opens the group secrets with our KeyPackage, loads the PSKs they name
        // from our storage and derives the Welcome's keys with them: a Welcome naming our
        // PSK but made with another value fails here.
        let builder = StagedWelcome::build_from_welcome(&self.provider, &config, welcome).map_err(
            |error| match error {
                WelcomeError::NoMatchingKeyPackage | WelcomeError::UnsupportedCiphersuite(_) => {
                    WelcomeOutcome::NotForUs
                }
                _ => WelcomeOutcome::Refused(WelcomeRefusal::CannotOpen),
            },
        )?;
        // A Welcome with no PSK at all opens fine: its group was made without the invite
        // secret (by a server, or by anyone who knows only the room).
        if !self
            .invite_psk
            .is_listed_in(builder.processed_welcome().psks())
        {
            return Err(WelcomeOutcome::Refused(WelcomeRefusal::WithoutInviteSecret));
        }
        let group = builder
            .replace_old_group()
            .build()
            .and_then(|staged| staged.into_group(&self.provider))
            .map_err(|_| WelcomeOutcome::Refused(WelcomeRefusal::CannotOpen))?;
        if group.ciphersuite() != CIPHERSUITE {
            return Err(WelcomeOutcome::Refused(WelcomeRefusal::CannotOpen));
        }
        // Its creator chose the trust in the group state, which the invite PSK does not
        // show: it must be the one the link names.
        if trust_of(group.extensions()).as_ref() != Some(&self.verifier.link_trust) {
            return Err(WelcomeOutcome::Refused(WelcomeRefusal::OtherTrust));
        }
        Ok(group)
    }
}

/// Why a Welcome that opened with one of our KeyPackages was refused: its group could not
/// prove that it is the meeting of our invite link. Shown in [`super::Roster`] until we
/// become a member.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WelcomeRefusal {
    /// The Welcome's epoch did not mix in the invite PSK: its group was made without the
    /// invite secret (by the server, or by someone who knows only the room).
    WithoutInviteSecret,
    /// The Welcome could not be opened with what we hold: made with another invite secret
    /// (another PSK value), or malformed.
    CannotOpen,
    /// The group accepts other organisations, or does not admit only verified members,
    /// while the invite link says it does.
    OtherTrust,
}

/// What became of a Welcome we did not join by.
enum WelcomeOutcome {
    /// Not addressed to a KeyPackage we hold, or not a Welcome: ignored.
    NotForUs,
    /// Addressed to us, but its group did not prove itself.
    Refused(WelcomeRefusal),
}
