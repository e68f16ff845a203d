//! The meeting's MLS group as a sans-IO state machine (RFC 9420 section 12 for
//! proposals and commits, section 12.4.3 for Welcome, section 14 for the ordering the
//! Delivery Service provides, section 8.5 for the exporter behind the SFrame keys).

use std::collections::BTreeMap;

use conclave_protocol::{
    Bytes, ClientMessage, GroupStatus, ParticipantId, ParticipantInfo, RoomId, ServerMessage,
};
use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::{
    BasicCredential, Credential, CredentialWithKey, GroupId, KeyPackage, KeyPackageIn,
    KeyPackageRef, LeafNodeIndex, MlsGroup, MlsGroupCreateConfig, MlsGroupJoinConfig,
    MlsMessageBodyIn, MlsMessageIn, ProcessedMessageContent, ProtocolVersion, StagedWelcome,
};
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::OpenMlsProvider as _;
use zeroize::Zeroizing;

use crate::credential::CredentialInfo;
use crate::invite_proof::InviteProofKey;
use crate::{Fingerprint, FrameSuite, GroupError, Identity, SecurityCode, CIPHERSUITE};

/// Exporter label of the SFrame base key (RFC 9605 section 5.2).
const SFRAME_EXPORTER_LABEL: &str = "SFrame 1.0 Base Key";
/// A joiner re-publishes a fresh KeyPackage when no Welcome came within this time.
pub const WELCOME_TIMEOUT_MS: u64 = 5_000;
/// A member that misses a commit waits this long for it before re-syncing.
pub const GAP_TIMEOUT_MS: u64 = 1_500;
/// Media from a newer epoch than ours arriving for this long (with no pause longer than
/// [`NEWER_EPOCH_MEDIA_PAUSE_MS`]) means we missed a commit nobody will follow up: re-sync.
/// Longer than the normal lag between members switching epochs.
pub const NEWER_EPOCH_MEDIA_TIMEOUT_MS: u64 = 2_000;
/// A pause this long in newer-epoch media reports starts the observation afresh.
pub const NEWER_EPOCH_MEDIA_PAUSE_MS: u64 = 1_000;
/// Our own commit not echoed by the server within this time is abandoned.
pub const OWN_COMMIT_TIMEOUT_MS: u64 = 5_000;
/// Wait after a refused commit before trying again if no newer commit arrived.
pub const COMMIT_RETRY_MS: u64 = 500;
/// Most commits of future epochs kept while waiting for a missing one.
pub const MAX_BUFFERED_COMMITS: usize = 8;
/// Most pending join requests (verified KeyPackages), one per participant.
pub const MAX_PENDING_KEY_PACKAGES: usize = 64;
/// Most of our own published KeyPackages whose private keys we keep for a late Welcome.
const MAX_OWN_KEY_PACKAGES: usize = 4;

/// What a meeting needs to know to run its group.
pub struct MeetingConfig {
    /// The room, as in the invite link.
    pub room_id: RoomId,
    /// The invite secret from the link's fragment; it only gates who may be added.
    pub invite_secret: Zeroizing<[u8; 32]>,
    /// Our name as typed in the lobby; the credential carries it as the protocol's
    /// [`conclave_protocol::DisplayName::clean`] makes it.
    pub display_name: String,
    /// The meeting's SFrame suite, from the invite link.
    pub frame_suite: FrameSuite,
}

/// What the client must do after feeding the group a message or a timeout.
pub enum GroupEvent {
    /// Send this message to the server.
    Send(ClientMessage),
    /// A new epoch began: hand its base key to the SFrame worker.
    EpochKeys(EpochKeys),
    /// The roster, the security code or the status changed: re-render.
    Changed,
}

/// The SFrame base key of one epoch (RFC 9605 section 5.2). No `Debug`; zeroized on drop.
pub struct EpochKeys {
    /// The MLS epoch.
    pub epoch: u64,
    /// `MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)`, `Nk` of the meeting's frame suite.
    pub base_key: Zeroizing<Vec<u8>>,
    /// Our leaf index in this epoch (the SFrame sender index).
    pub own_leaf_index: u32,
}

/// Where we are in the meeting's group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembershipStatus {
    /// Not yet joined the room, or waiting for the group to start.
    Connecting,
    /// Published a KeyPackage, waiting for a member to add us.
    WaitingToBeAdded,
    /// A member of the group, holding its keys.
    Member,
    /// Lost track of the group (missed or bad commit, or removed): waiting to be re-added.
    Resyncing,
}

/// One member of the MLS group.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Leaf index in the ratchet tree (the SFrame sender index).
    pub leaf_index: u32,
    /// The server participant its credential names, if readable.
    pub participant_id: Option<ParticipantId>,
    /// The name its credential carries ("unknown" if unreadable).
    pub display_name: String,
    /// SHA-256 of its signature key.
    pub fingerprint: Fingerprint,
    /// Whether this member is us.
    pub is_self: bool,
}

/// Who is in the meeting, as the MLS group says (never from the server's word alone).
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    /// Our membership status.
    pub status: MembershipStatus,
    /// The MLS group's members, in leaf order (empty while we are not a member).
    pub members: Vec<Member>,
    /// Participants in the server's room that no member's credential names (never us).
    pub outsiders: Vec<ParticipantInfo>,
}

/// A verified request to be added.
struct PendingKeyPackage {
    key_package: KeyPackage,
}

/// A commit of a future epoch, kept until the missing ones arrive.
struct BufferedCommit {
    from: ParticipantId,
    commit: Vec<u8>,
}

/// A commit we built, serialized for the server.
struct CreatedCommit {
    /// The epoch it was made in.
    epoch: u64,
    commit: Vec<u8>,
    welcome: Option<Vec<u8>>,
}

/// Our commit sent to the server, not yet echoed back.
struct OwnCommit {
    epoch: u64,
    sent_at_ms: u64,
}

/// The meeting's MLS state machine. No `Debug` (it holds keys).
///
/// Sans-IO: it never reads a clock or a socket. openmls itself reads the system clock
/// only to check KeyPackage and leaf lifetimes (RFC 9420 section 7.2).
pub struct MeetingGroup {
    identity: Identity,
    room_id: RoomId,
    display_name: String,
    proof_key: InviteProofKey,
    frame_suite: FrameSuite,
    provider: OpenMlsRustCrypto,
    /// Our participant id, from `Joined`.
    you: Option<ParticipantId>,
    /// Everyone else in the server's room.
    presence: BTreeMap<ParticipantId, ParticipantInfo>,
    status: MembershipStatus,
    group: Option<MlsGroup>,
    /// We sent `StartGroup` and wait for `GroupStarted`.
    start_requested: bool,
    /// When we last published a KeyPackage (while not a member).
    published_at_ms: Option<u64>,
    /// Our published KeyPackages, oldest first (to delete their private keys later).
    own_key_packages: Vec<KeyPackageRef>,
    pending_key_packages: BTreeMap<ParticipantId, PendingKeyPackage>,
    buffered_commits: BTreeMap<u64, BufferedCommit>,
    /// Since when we wait for a missing commit.
    gap_since_ms: Option<u64>,
    /// Newer-epoch media seen while in this epoch: (our epoch, first report, last report).
    newer_epoch_media: Option<(u64, u64, u64)>,
    own_commit: Option<OwnCommit>,
    /// No new commit before this time (after a refusal).
    commit_not_before_ms: u64,
}

impl MeetingGroup {
    /// A group state machine for one meeting, not yet joined.
    pub fn new(identity: Identity, config: MeetingConfig) -> Self {
        MeetingGroup {
            identity,
            proof_key: InviteProofKey::derive(&config.invite_secret, config.frame_suite),
            frame_suite: config.frame_suite,
            room_id: config.room_id,
            display_name: config.display_name,
            provider: OpenMlsRustCrypto::default(),
            you: None,
            presence: BTreeMap::new(),
            status: MembershipStatus::Connecting,
            group: None,
            start_requested: false,
            published_at_ms: None,
            own_key_packages: Vec::new(),
            pending_key_packages: BTreeMap::new(),
            buffered_commits: BTreeMap::new(),
            gap_since_ms: None,
            newer_epoch_media: None,
            own_commit: None,
            commit_not_before_ms: 0,
        }
    }

    /// Feed every message the server sends (`Signal` and `Error` are ignored).
    pub fn handle_server_message(
        &mut self,
        now_ms: u64,
        message: &ServerMessage,
    ) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        match message {
            ServerMessage::Joined {
                you,
                participants,
                group,
                ..
            } => self.on_joined(now_ms, *you, participants, group, &mut events),
            ServerMessage::ParticipantJoined { participant } => {
                if Some(participant.id) != self.you {
                    self.presence.insert(participant.id, participant.clone());
                    events.push(GroupEvent::Changed);
                }
            }
            ServerMessage::ParticipantLeft { id } => {
                self.presence.remove(id);
                self.pending_key_packages.remove(id);
                events.push(GroupEvent::Changed);
                self.maybe_commit(now_ms, &mut events);
            }
            ServerMessage::GroupStarted { by } => self.on_group_started(now_ms, *by, &mut events),
            ServerMessage::GroupEnded => {
                if self.you.is_some() {
                    self.drop_group_state();
                    self.status = MembershipStatus::Connecting;
                    self.start_requested = true;
                    self.published_at_ms = None;
                    events.push(GroupEvent::Send(ClientMessage::StartGroup));
                    events.push(GroupEvent::Changed);
                }
            }
            ServerMessage::KeyPackage {
                from,
                key_package,
                invite_proof,
            } => self.on_key_package(now_ms, *from, key_package, invite_proof, &mut events),
            ServerMessage::Commit {
                from,
                epoch,
                commit,
                ..
            } => self.on_commit(now_ms, *from, *epoch, commit, &mut events),
            ServerMessage::Welcome { epoch, welcome, .. } => {
                self.on_welcome(now_ms, *epoch, welcome, &mut events)
            }
            ServerMessage::CommitRejected { epoch, .. } => self.on_commit_rejected(now_ms, *epoch),
            ServerMessage::Signal { .. }
            | ServerMessage::Error { .. }
            | ServerMessage::SfuRoomReady { .. } => {}
        }
        events
    }

    /// The worker reports frames sent under an epoch newer than ours (RFC 9605 KID epoch
    /// bits a little ahead of our epoch). A commit can be lost with no later one to show
    /// the gap; the media shows it instead. If such reports go on for
    /// [`NEWER_EPOCH_MEDIA_TIMEOUT_MS`] within one of our epochs, we re-sync rather than
    /// keep keys that no longer match the group's.
    pub fn handle_newer_epoch_media(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        let Some(epoch) = self
            .epoch()
            .filter(|_| self.status == MembershipStatus::Member)
        else {
            self.newer_epoch_media = None;
            return events;
        };
        let (first, last) = match self.newer_epoch_media {
            Some((seen_in, first, last))
                if seen_in == epoch
                    && now_ms.saturating_sub(last) <= NEWER_EPOCH_MEDIA_PAUSE_MS =>
            {
                (first, now_ms.max(last))
            }
            _ => (now_ms, now_ms),
        };
        if last.saturating_sub(first) >= NEWER_EPOCH_MEDIA_TIMEOUT_MS {
            self.newer_epoch_media = None;
            self.resync(now_ms, &mut events);
        } else {
            self.newer_epoch_media = Some((epoch, first, last));
        }
        events
    }

    /// Call at least every 500 ms: re-publishes when no Welcome came, gives up on a
    /// commit gap (re-sync), abandons an own commit never echoed, retries commits.
    pub fn handle_timeout(&mut self, now_ms: u64) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        match self.status {
            MembershipStatus::WaitingToBeAdded | MembershipStatus::Resyncing => {
                let stale = self
                    .published_at_ms
                    .is_some_and(|at| now_ms.saturating_sub(at) >= WELCOME_TIMEOUT_MS);
                if stale {
                    // The Welcome may have been lost: ask again with a fresh KeyPackage.
                    self.publish_key_package(now_ms, &mut events);
                }
            }
            MembershipStatus::Member => {
                let gap_expired = self
                    .gap_since_ms
                    .is_some_and(|since| now_ms.saturating_sub(since) >= GAP_TIMEOUT_MS);
                if gap_expired {
                    self.resync(now_ms, &mut events);
                    return events;
                }
                let own_commit_lost = self.own_commit.as_ref().is_some_and(|own| {
                    now_ms.saturating_sub(own.sent_at_ms) >= OWN_COMMIT_TIMEOUT_MS
                });
                if own_commit_lost {
                    self.abandon_own_commit();
                    self.commit_not_before_ms = now_ms;
                }
                self.maybe_commit(now_ms, &mut events);
            }
            MembershipStatus::Connecting => {}
        }
        events
    }

    /// The meeting's SFrame suite (from the invite link).
    pub fn frame_suite(&self) -> FrameSuite {
        self.frame_suite
    }

    /// The current roster: the MLS members in leaf order, and the room's other
    /// participants that no member's credential names.
    pub fn roster(&self) -> Roster {
        let members: Vec<Member> = match self.member_group() {
            Some(group) => {
                let own = group.own_leaf_index();
                group
                    .members()
                    .map(|member| {
                        let info = credential_info(&member.credential);
                        Member {
                            leaf_index: member.index.u32(),
                            participant_id: info.participant_id,
                            display_name: info.display_name,
                            fingerprint: Fingerprint::of_public_key(&member.signature_key),
                            is_self: member.index == own,
                        }
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let outsiders = self
            .presence
            .values()
            .filter(|p| !members.iter().any(|m| m.participant_id == Some(p.id)))
            .cloned()
            .collect();
        Roster {
            status: self.status,
            members,
            outsiders,
        }
    }

    /// The security code of the current epoch; `None` while not a member.
    pub fn security_code(&self) -> Option<SecurityCode> {
        let group = self.member_group()?;
        Some(SecurityCode::from_epoch_authenticator(
            group.epoch().as_u64(),
            group.epoch_authenticator().as_slice(),
        ))
    }

    /// The current epoch; `None` while not a member.
    pub fn epoch(&self) -> Option<u64> {
        self.member_group().map(|group| group.epoch().as_u64())
    }

    fn member_group(&self) -> Option<&MlsGroup> {
        match self.status {
            MembershipStatus::Member => self.group.as_ref(),
            _ => None,
        }
    }

    // ---- message handlers -------------------------------------------------------

    fn on_joined(
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

    fn on_group_started(&mut self, now_ms: u64, by: ParticipantId, events: &mut Vec<GroupEvent>) {
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

    fn on_key_package(
        &mut self,
        now_ms: u64,
        from: ParticipantId,
        key_package: &Bytes,
        invite_proof: &Bytes,
        events: &mut Vec<GroupEvent>,
    ) {
        if self.status != MembershipStatus::Member
            || Some(from) == self.you
            || !self.presence.contains_key(&from)
        {
            return;
        }
        let Some(verified) = self.verify_key_package(from, key_package, invite_proof) else {
            return;
        };
        if !self.pending_key_packages.contains_key(&from)
            && self.pending_key_packages.len() >= MAX_PENDING_KEY_PACKAGES
        {
            return;
        }
        // Latest wins: a fresh request replaces an older one.
        self.pending_key_packages.insert(
            from,
            PendingKeyPackage {
                key_package: verified,
            },
        );
        self.maybe_commit(now_ms, events);
    }

    /// Checks the invite proof (constant time), the KeyPackage's signatures and lifetime
    /// (RFC 9420 section 10.1), its suite, and that its credential names the participant
    /// the server relayed it from. `None` drops it silently.
    fn verify_key_package(
        &self,
        from: ParticipantId,
        key_package: &Bytes,
        invite_proof: &Bytes,
    ) -> Option<KeyPackage> {
        if !self
            .proof_key
            .verify(&self.room_id, &key_package.0, &invite_proof.0)
        {
            return None;
        }
        let key_package_in = KeyPackageIn::tls_deserialize_exact(key_package.0.as_slice()).ok()?;
        let key_package = key_package_in
            .validate(self.provider.crypto(), ProtocolVersion::Mls10)
            .ok()?;
        if key_package.ciphersuite() != CIPHERSUITE {
            return None;
        }
        let info = credential_info(key_package.leaf_node().credential());
        if info.participant_id != Some(from) {
            return None;
        }
        Some(key_package)
    }

    fn on_commit(
        &mut self,
        now_ms: u64,
        from: ParticipantId,
        epoch: u64,
        commit: &Bytes,
        events: &mut Vec<GroupEvent>,
    ) {
        let current = match (self.member_group(), self.status) {
            (Some(group), _) => group.epoch().as_u64(),
            // Not a member: keep a few commits in case our Welcome brings us into an
            // epoch just before them.
            (None, MembershipStatus::WaitingToBeAdded | MembershipStatus::Resyncing) => {
                self.buffer_commit(from, epoch, commit);
                return;
            }
            (None, _) => return,
        };
        if epoch < current {
            return; // a duplicate or an old commit
        }
        if epoch > current {
            // A gap: an earlier commit was dropped or is late. Wait briefly for it.
            if !self.buffer_commit(from, epoch, commit) {
                self.resync(now_ms, events);
                return;
            }
            self.gap_since_ms.get_or_insert(now_ms);
            return;
        }
        if self.apply_commit(from, epoch, &commit.0).is_err() {
            self.resync(now_ms, events);
            return;
        }
        self.after_epoch_change(now_ms, events);
    }

    /// Keeps a future commit; false when the buffer is full.
    fn buffer_commit(&mut self, from: ParticipantId, epoch: u64, commit: &Bytes) -> bool {
        if !self.buffered_commits.contains_key(&epoch)
            && self.buffered_commits.len() >= MAX_BUFFERED_COMMITS
        {
            return false;
        }
        // The server relays only the one accepted commit per epoch.
        self.buffered_commits
            .entry(epoch)
            .or_insert_with(|| BufferedCommit {
                from,
                commit: commit.0.clone(),
            });
        true
    }

    /// Applies one commit of our current epoch: our own (merge the pending commit) or
    /// someone else's (process and merge, RFC 9420 section 12.4.2).
    fn apply_commit(
        &mut self,
        from: ParticipantId,
        epoch: u64,
        commit: &[u8],
    ) -> Result<(), GroupError> {
        let own = self
            .own_commit
            .as_ref()
            .is_some_and(|own| own.epoch == epoch);
        let group = self.group.as_mut().ok_or(GroupError::NotReady)?;
        if Some(from) == self.you {
            if !own {
                // Our own commit whose secrets we dropped: we cannot follow it.
                return Err(GroupError::ProcessCommit);
            }
            self.own_commit = None;
            group
                .merge_pending_commit(&self.provider)
                .map_err(|_| GroupError::MergeCommit)?;
            return Ok(());
        }
        if own {
            // Someone else's commit won this epoch; ours is void.
            self.own_commit = None;
            group
                .clear_pending_commit(self.provider.storage())
                .map_err(|_| GroupError::ProcessCommit)?;
        }
        let message =
            MlsMessageIn::tls_deserialize_exact(commit).map_err(|_| GroupError::ProcessCommit)?;
        let protocol_message = message
            .try_into_protocol_message()
            .map_err(|_| GroupError::ProcessCommit)?;
        let processed = group
            .process_message(&self.provider, protocol_message)
            .map_err(|_| GroupError::ProcessCommit)?;
        let ProcessedMessageContent::StagedCommitMessage(staged) = processed.into_content() else {
            return Err(GroupError::ProcessCommit);
        };
        if staged.self_removed() {
            return Err(GroupError::Removed);
        }
        group
            .merge_staged_commit(&self.provider, *staged)
            .map_err(|_| GroupError::ProcessCommit)?;
        Ok(())
    }

    /// After we entered a new epoch: apply buffered commits that are now due, hand out
    /// the key, forget satisfied requests, and commit if we are the committer.
    fn after_epoch_change(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        loop {
            let Some(current) = self.epoch() else { return };
            self.buffered_commits.retain(|&epoch, _| epoch >= current);
            let Some(next) = self.buffered_commits.remove(&current) else {
                break;
            };
            // Hand out every epoch's key: frames of it may still be in flight.
            self.push_epoch_keys(events);
            if self.apply_commit(next.from, current, &next.commit).is_err() {
                self.resync(now_ms, events);
                return;
            }
        }
        self.gap_since_ms = if self.buffered_commits.is_empty() {
            None
        } else {
            self.gap_since_ms.or(Some(now_ms))
        };
        self.forget_satisfied_key_packages();
        self.push_epoch_keys(events);
        events.push(GroupEvent::Changed);
        self.maybe_commit(now_ms, events);
    }

    fn on_welcome(
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

    fn on_commit_rejected(&mut self, now_ms: u64, epoch: u64) {
        if self
            .own_commit
            .as_ref()
            .is_some_and(|own| own.epoch == epoch)
        {
            self.abandon_own_commit();
            // Newer commits will arrive and re-trigger us; otherwise retry a bit later.
            self.commit_not_before_ms = now_ms.saturating_add(COMMIT_RETRY_MS);
        }
    }

    // ---- actions ----------------------------------------------------------------

    fn abandon_own_commit(&mut self) {
        self.own_commit = None;
        if let Some(group) = self.group.as_mut() {
            let _ = group.clear_pending_commit(self.provider.storage());
        }
    }

    /// Drops all group state: the MLS group (and its storage), pending requests,
    /// buffered commits. Our published KeyPackages stay usable.
    fn drop_group_state(&mut self) {
        if let Some(mut group) = self.group.take() {
            let _ = group.delete(self.provider.storage());
        }
        self.pending_key_packages.clear();
        self.buffered_commits.clear();
        self.gap_since_ms = None;
        self.own_commit = None;
        self.start_requested = false;
    }

    /// We cannot follow the group any more (missed or bad commit, or removed while still
    /// here): never guess, drop the keys and ask to be added again (fresh KeyPackage).
    fn resync(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        self.drop_group_state();
        self.status = MembershipStatus::Resyncing;
        self.publish_key_package(now_ms, events);
        events.push(GroupEvent::Changed);
    }

    fn publish_key_package(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        let Some(you) = self.you else { return };
        let Ok((key_package, reference)) = self.new_key_package(you) else {
            return;
        };
        self.own_key_packages.push(reference);
        while self.own_key_packages.len() > MAX_OWN_KEY_PACKAGES {
            let old = self.own_key_packages.remove(0);
            let _ = self.provider.storage().delete_key_package(&old);
        }
        let invite_proof = self.proof_key.prove(&self.room_id, &key_package);
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
            .build(
                CIPHERSUITE,
                &self.provider,
                &self.identity.key_pair,
                self.credential_with_key(you),
            )
            .map_err(|_| GroupError::KeyPackage)?;
        let key_package = bundle.key_package();
        let reference = key_package
            .hash_ref(self.provider.crypto())
            .map_err(|_| GroupError::KeyPackage)?;
        let bytes = openmls::prelude::tls_codec::Serialize::tls_serialize_detached(key_package)
            .map_err(|_| GroupError::Serialize)?;
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
        .map_err(|_| GroupError::CreateGroup)
    }

    fn join_from_welcome(&self, welcome: &[u8]) -> Result<MlsGroup, GroupError> {
        let message =
            MlsMessageIn::tls_deserialize_exact(welcome).map_err(|_| GroupError::ProcessWelcome)?;
        let MlsMessageBodyIn::Welcome(welcome) = message.extract() else {
            return Err(GroupError::ProcessWelcome);
        };
        let config = MlsGroupJoinConfig::builder()
            .use_ratchet_tree_extension(true)
            .build();
        let group = StagedWelcome::build_from_welcome(&self.provider, &config, welcome)
            .map_err(|_| GroupError::ProcessWelcome)?
            .replace_old_group()
            .build()
            .map_err(|_| GroupError::ProcessWelcome)?
            .into_group(&self.provider)
            .map_err(|_| GroupError::ProcessWelcome)?;
        if group.ciphersuite() != CIPHERSUITE {
            return Err(GroupError::ProcessWelcome);
        }
        Ok(group)
    }

    fn push_epoch_keys(&self, events: &mut Vec<GroupEvent>) {
        let Some(group) = self.member_group() else {
            return;
        };
        let Ok(base_key) = group.export_secret(
            self.provider.crypto(),
            SFRAME_EXPORTER_LABEL,
            b"",
            self.frame_suite.key_len(),
        ) else {
            return;
        };
        events.push(GroupEvent::EpochKeys(EpochKeys {
            epoch: group.epoch().as_u64(),
            base_key: Zeroizing::new(base_key),
            own_leaf_index: group.own_leaf_index().u32(),
        }));
    }

    /// Drops requests whose KeyPackage is now in the tree (someone's commit added it).
    fn forget_satisfied_key_packages(&mut self) {
        let Some(group) = self.member_group() else {
            return;
        };
        let in_tree: Vec<Vec<u8>> = group.members().map(|m| m.encryption_key).collect();
        self.pending_key_packages.retain(|_, pending| {
            let key = pending.key_package.leaf_node().encryption_key();
            !in_tree.iter().any(|k| *key == k.clone().into())
        });
    }

    /// The committer is the member with the lowest leaf index whose participant is still
    /// in the room. Only it commits: Adds for all verified requests, Removes for members
    /// that left and for old leaves of participants asking to be re-added.
    fn maybe_commit(&mut self, now_ms: u64, events: &mut Vec<GroupEvent>) {
        if self.own_commit.is_some()
            || now_ms < self.commit_not_before_ms
            || !self.buffered_commits.is_empty()
        {
            return;
        }
        let Some(you) = self.you else { return };
        let Some(group) = self.member_group() else {
            return;
        };
        let own_index = group.own_leaf_index();
        let members: Vec<(LeafNodeIndex, Option<ParticipantId>)> = group
            .members()
            .map(|m| (m.index, credential_info(&m.credential).participant_id))
            .collect();
        let present = |index: LeafNodeIndex, pid: Option<ParticipantId>| {
            index == own_index || pid.is_some_and(|p| self.presence.contains_key(&p))
        };
        let committer = members
            .iter()
            .filter(|(index, pid)| present(*index, *pid))
            .map(|(index, _)| *index)
            .min();
        if committer != Some(own_index) {
            return;
        }
        let mut removals = Vec::new();
        let mut removed = Vec::new();
        for (index, pid) in &members {
            if *index == own_index {
                continue;
            }
            let gone = !present(*index, *pid);
            let replaced = pid.is_some_and(|p| self.pending_key_packages.contains_key(&p));
            if gone || replaced {
                removals.push(*index);
                if let Some(p) = pid {
                    if !removed.contains(p) {
                        removed.push(*p);
                    }
                }
            }
        }
        let (added, key_packages): (Vec<ParticipantId>, Vec<KeyPackage>) = self
            .pending_key_packages
            .iter()
            .filter(|(pid, _)| self.presence.contains_key(pid) && **pid != you)
            .map(|(pid, pending)| (*pid, pending.key_package.clone()))
            .unzip();
        if removals.is_empty() && key_packages.is_empty() {
            return;
        }
        match self.create_commit(key_packages, removals.clone()) {
            Ok(CreatedCommit {
                epoch,
                commit,
                welcome,
            }) => {
                self.own_commit = Some(OwnCommit {
                    epoch,
                    sent_at_ms: now_ms,
                });
                events.push(GroupEvent::Send(ClientMessage::Commit {
                    epoch,
                    commit: Bytes(commit),
                    welcome: welcome.map(Bytes),
                    added,
                    removed,
                }));
            }
            Err(_) if !self.pending_key_packages.is_empty() => {
                // One of the requests cannot go into the tree (for example a duplicate
                // key). Drop them all (joiners ask again) and still commit the removals.
                self.pending_key_packages.clear();
                self.maybe_commit(now_ms, events);
            }
            Err(_) => {}
        }
    }

    fn create_commit(
        &mut self,
        key_packages: Vec<KeyPackage>,
        removals: Vec<LeafNodeIndex>,
    ) -> Result<CreatedCommit, GroupError> {
        let group = self.group.as_mut().ok_or(GroupError::NotReady)?;
        let epoch = group.epoch().as_u64();
        let bundle = group
            .commit_builder()
            .propose_adds(key_packages)
            .propose_removals(removals)
            .load_psks(self.provider.storage())
            .map_err(|_| GroupError::CreateCommit)?
            .build(
                self.provider.rand(),
                self.provider.crypto(),
                &self.identity.key_pair,
                |_| true,
            )
            .map_err(|_| GroupError::CreateCommit)?
            .stage_commit(&self.provider)
            .map_err(|_| GroupError::CreateCommit)?;
        let (commit, welcome, _group_info) = bundle.into_messages();
        let serialized = commit.to_bytes().and_then(|commit| {
            welcome
                .map(|w| w.to_bytes())
                .transpose()
                .map(|welcome| (commit, welcome))
        });
        match serialized {
            Ok((commit, welcome)) => Ok(CreatedCommit {
                epoch,
                commit,
                welcome,
            }),
            Err(_) => {
                let _ = group.clear_pending_commit(self.provider.storage());
                Err(GroupError::Serialize)
            }
        }
    }
}

/// What a member's credential says, read defensively.
fn credential_info(credential: &Credential) -> CredentialInfo {
    match BasicCredential::try_from(credential.clone()) {
        Ok(basic) => CredentialInfo::parse(basic.identity()),
        Err(_) => CredentialInfo::parse(b""),
    }
}
