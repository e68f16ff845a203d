//! The meeting's MLS group as a sans-IO state machine (RFC 9420 section 12 for
//! proposals and commits, section 12.4.3 for Welcome, section 14 for the ordering the
//! Delivery Service provides, section 8.5 for the exporter behind the SFrame keys).
//!
//! [`MeetingGroup`] is one state machine; its methods are kept by concern:
//! - `joining`: `joined`, starting the group, publishing KeyPackages, entering by Welcome
//!   (RFC 9420 sections 10 and 12.4.3): only while waiting to be added or re-syncing, only
//!   into an epoch that mixed in the invite PSK (`crate::invite_psk`), and then deleting
//!   every KeyPackage private key we did not use.
//! - `committing`: verifying join requests and, as the committer, committing Adds (with a
//!   PreSharedKey proposal for the invite PSK) and Removes; our own commit until the server
//!   echoes it (RFC 9420 section 12.4).
//! - `incoming_commits`: others' commits applied in epoch order, future ones buffered
//!   (RFC 9420 sections 12.4.2 and 14); each checked against the meeting's policy before
//!   merging (one that breaks a rule, or cannot be processed, is ignored, and its
//!   committer expelled).
//! - `commit_lists`: the participants a commit adds, removes and expels, as the server is
//!   told and as the commit's authenticated data binds them.
//! - `join_challenge`: what the group chooses each epoch for invite proofs, and what a
//!   member remembers to refuse replayed join requests (RFC 9420 section 8.5).
//! - `resync`: giving up on a group we can no longer follow, and why; newer-epoch media
//!   checked with the server first.
//! - `keys`: the SFrame base key of each epoch (RFC 9605 section 5.2) and the security
//!   code (RFC 9420 section 8.7).
//! - `roster`: who is in the meeting, as the group says.
//! - `meeting_messages`: chat, media state, hands and reactions as MLS application
//!   messages between members.
//! - `verification`: verified identities: which members an organisation the meeting pins
//!   vouches for, and the "verified members only" rule every member applies.
//! - `policy`: the chair's powers as group state: the policy extension, the rules every
//!   member checks on others' commits before merging them, who commits what, the chair's
//!   actions and the new invite link.
//!
//! This file holds the state itself, the limits and timeouts, and the entry points that
//! dispatch to those modules.

mod commit_lists;
mod committing;
mod incoming_commits;
mod join_challenge;
mod joining;
mod keys;
pub mod meeting_messages;
pub mod policy;
mod resync;
mod roster;
pub mod signal_auth;
mod verification;

use std::collections::BTreeMap;

use conclave_protocol::{ClientMessage, ParticipantId, ParticipantInfo, RoomId, ServerMessage};
use openmls::prelude::{KeyPackageRef, MlsGroup};
use openmls_rust_crypto::OpenMlsRustCrypto;
use zeroize::Zeroizing;

use crate::invite_proof::InviteProofKey;
use crate::invite_psk::InvitePsk;
use crate::{FrameSuite, Identity};
use commit_lists::CommitLists;
use committing::{OwnCommit, PendingKeyPackage};
use incoming_commits::BufferedCommit;
use join_challenge::JoinChallenges;
use meeting_messages::BufferedMessages;
use policy::PolicyState;
use resync::NewerEpochHint;
use verification::Verifier;

pub use join_challenge::JOIN_CHALLENGE_EPOCHS;
pub use joining::WelcomeRefusal;
pub use keys::EpochKeys;
pub use meeting_messages::{
    MediaState, MeetingMessage, MeetingMessageError, Reaction, ReceivedMessage,
};
#[cfg(feature = "test-hooks")]
pub use policy::RogueCommit;
pub use policy::{Admission, ChairAction, Knock, MeetingPolicy, MeetingTrust};
pub use resync::ResyncReason;
pub use roster::{Member, MembershipStatus, Roster};
pub use verification::{Verification, VerificationConfig, RECHECK_SECS};

/// A joiner re-publishes a fresh KeyPackage when no Welcome came within this time; the wait
/// doubles after each re-publish, up to [`MAX_REPUBLISH_INTERVAL_MS`] (a knock may wait for
/// a chair for minutes, and the server takes only a few KeyPackages a minute).
pub const WELCOME_TIMEOUT_MS: u64 = 5_000;
/// The longest wait between two re-publishes while waiting to be added.
pub const MAX_REPUBLISH_INTERVAL_MS: u64 = 30_000;
/// A member that misses a commit waits this long for it before re-syncing.
pub const GAP_TIMEOUT_MS: u64 = 1_500;
/// Media from a newer epoch than ours arriving for this long (with no pause longer than
/// [`NEWER_EPOCH_MEDIA_PAUSE_MS`]) may mean we missed a commit nobody will follow up: ask
/// the server for the group's epoch. Longer than the normal lag between members switching
/// epochs.
pub const NEWER_EPOCH_MEDIA_TIMEOUT_MS: u64 = 2_000;
/// A pause this long in newer-epoch media reports starts the observation afresh.
pub const NEWER_EPOCH_MEDIA_PAUSE_MS: u64 = 1_000;
/// The first wait between two queries of the group's epoch prompted by newer-epoch media;
/// it doubles after each query.
pub const NEWER_EPOCH_QUERY_INTERVAL_MS: u64 = 2_000;
/// The longest wait between two such queries (forged frames cost one small query per
/// this time at most).
pub const NEWER_EPOCH_QUERY_MAX_INTERVAL_MS: u64 = 32_000;
/// Our own commit not echoed by the server within this time is abandoned.
pub const OWN_COMMIT_TIMEOUT_MS: u64 = 5_000;
/// Wait after a refused commit before trying again if no newer commit arrived.
pub const COMMIT_RETRY_MS: u64 = 500;
/// A chair's action whose commits the server refused this many times in a row is reported
/// as not gone through (a refusal in a race is followed by the winner's commit, and the
/// action goes into our next one; refusals with nothing else are a server's choice).
pub const MAX_COMMIT_REFUSALS: usize = 3;
/// Most commits of future epochs kept while waiting for a missing one.
pub const MAX_BUFFERED_COMMITS: usize = 8;
/// How many replaced invite links a member still recognises (to tell their holders).
pub const REPLACED_LINKS_KEPT: usize = 4;
/// Most pending join requests (verified KeyPackages), one per participant.
pub const MAX_PENDING_KEY_PACKAGES: usize = 64;

/// What a meeting needs to know to run its group.
pub struct MeetingConfig {
    /// The room, as in the invite link.
    pub room_id: RoomId,
    /// The invite secret from the link's fragment: members add only joiners that prove
    /// it, and we enter only a group that proves it (the invite PSK).
    pub invite_secret: Zeroizing<[u8; 32]>,
    /// Our name as typed in the lobby; the credential carries it as the protocol's
    /// [`conclave_protocol::DisplayName::clean`] makes it.
    pub display_name: String,
    /// The meeting's SFrame suite, from the invite link.
    pub frame_suite: FrameSuite,
    /// Who may bring new people in; used only if we start the group (the policy of a
    /// meeting we join is the group's).
    pub admission: Admission,
    /// Our certificate chain, the server's organisations, and the trust the invite link
    /// names (the invite PSK and proofs are bound to it, and a meeting we start has it).
    pub verification: VerificationConfig,
}

/// What the client must do after feeding the group a message or a timeout.
pub enum GroupEvent {
    /// Send this message to the server.
    Send(ClientMessage),
    /// A new epoch began: hand its base key to the SFrame worker.
    EpochKeys(EpochKeys),
    /// The roster, the security code or the status changed: re-render.
    Changed,
    /// We lost track of the group, dropped its keys and asked to be added again (the
    /// status is now [`MembershipStatus::Resyncing`]).
    Resynced {
        /// What showed that we could no longer follow the group.
        reason: ResyncReason,
    },
    /// A chair action of ours did not go through: we are not a chair, or our commit was
    /// refused or never echoed and could not be retried.
    ChairActionFailed(ChairAction),
    /// The meeting's invite secret changed (a chair made a new link): the new link carries
    /// it. Never sent to the server.
    InviteSecret(Zeroizing<[u8; 32]>),
    /// A member's meeting message opened (chat, media state, hand, reaction).
    Message(ReceivedMessage),
    /// An application message relayed as `from`'s did not open (tampered with, replayed,
    /// of an epoch whose keys are gone, or malformed): shown as such, never as anyone's.
    MessageUndecryptable {
        /// Who the server says sent it (unverified).
        from: ParticipantId,
    },
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
    /// The proof keys of links a chair replaced while we were a member, newest last: a
    /// joiner whose proof verifies under one of them is told to ask for the new link.
    replaced_proof_keys: Vec<InviteProofKey>,
    /// The group's proof to us that it knows the invite secret (in `provider` too).
    invite_psk: InvitePsk,
    /// Why we last refused a Welcome, until we become a member.
    refused_welcome: Option<WelcomeRefusal>,
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
    /// The wait before the next re-publish (see [`WELCOME_TIMEOUT_MS`]).
    republish_interval_ms: u64,
    /// The epoch of the join challenge our last published proof is over.
    proved_epoch: Option<u64>,
    /// The admission mode we set if we start the group.
    admission: Admission,
    /// Chair intents, rule-breakers, ignored commits.
    policy: PolicyState,
    /// Our published KeyPackages, oldest first (to delete their private keys later).
    own_key_packages: Vec<KeyPackageRef>,
    pending_key_packages: BTreeMap<ParticipantId, PendingKeyPackage>,
    buffered_commits: BTreeMap<u64, BufferedCommit>,
    /// Application messages of future epochs, oldest first.
    buffered_messages: BufferedMessages,
    /// The epoch we entered the group in (messages sent before it were never ours).
    member_since_epoch: Option<u64>,
    /// Since when we wait for a missing commit.
    gap_since_ms: Option<u64>,
    /// Newer-epoch media reports and the server queries they led to.
    newer_epoch_hint: NewerEpochHint,
    /// Join challenges held and heard, and the leaves seen (replayed requests refused).
    join_challenges: JoinChallenges,
    own_commit: Option<OwnCommit>,
    /// No new commit before this time (after a refusal).
    commit_not_before_ms: u64,
    /// Our commits the server refused since we last entered a new epoch.
    commit_refusals: usize,
    /// Certificates: ours, the server's organisations, the results for others'.
    verifier: Verifier,
}

impl MeetingGroup {
    /// A group state machine for one meeting, not yet joined.
    pub fn new(identity: Identity, config: MeetingConfig) -> Self {
        let secret =
            policy::bound_invite_secret(&config.invite_secret, &config.verification.meeting_trust);
        let invite_psk = InvitePsk::derive(&secret, &config.room_id, config.frame_suite);
        let provider = OpenMlsRustCrypto::default();
        // If storing fails, openmls finds no PSK: commits that add members and every
        // Welcome then fail (closed), and nobody is added by or to this browser.
        let _ = invite_psk.store(&provider);
        MeetingGroup {
            identity,
            proof_key: InviteProofKey::derive(&secret, config.frame_suite),
            replaced_proof_keys: Vec::new(),
            invite_psk,
            refused_welcome: None,
            frame_suite: config.frame_suite,
            room_id: config.room_id,
            display_name: config.display_name,
            provider,
            you: None,
            presence: BTreeMap::new(),
            status: MembershipStatus::Connecting,
            group: None,
            start_requested: false,
            published_at_ms: None,
            republish_interval_ms: WELCOME_TIMEOUT_MS,
            proved_epoch: None,
            admission: config.admission,
            policy: PolicyState::default(),
            own_key_packages: Vec::new(),
            pending_key_packages: BTreeMap::new(),
            buffered_commits: BTreeMap::new(),
            buffered_messages: BufferedMessages::new(),
            member_since_epoch: None,
            gap_since_ms: None,
            newer_epoch_hint: NewerEpochHint::default(),
            join_challenges: JoinChallenges::default(),
            own_commit: None,
            commit_not_before_ms: 0,
            commit_refusals: 0,
            verifier: Verifier::new(config.verification),
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
                if self.you.is_some() && !self.status.is_terminal() {
                    self.drop_group_state();
                    self.join_challenges.forget_heard();
                    self.forget_own_key_packages();
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
                added,
                removed,
                expelled,
            } => {
                let relayed = CommitLists::new(added, removed, expelled);
                self.on_commit(now_ms, *from, *epoch, commit, relayed, &mut events)
            }
            ServerMessage::Welcome { welcome, .. } => self.on_welcome(now_ms, welcome, &mut events),
            ServerMessage::CommitRejected { epoch, .. } => {
                self.on_commit_rejected(now_ms, *epoch, &mut events)
            }
            ServerMessage::JoinChallenge(challenge) => {
                self.on_join_challenge(now_ms, challenge, &mut events)
            }
            ServerMessage::GroupStatus { group } => {
                self.on_group_status(now_ms, group, &mut events)
            }
            ServerMessage::Signal { .. }
            | ServerMessage::Error { .. }
            | ServerMessage::Pong
            | ServerMessage::SfuRoomReady { .. } => {}
            ServerMessage::KnockAnswered { from, to, answer } => {
                self.on_knock_answered(*from, *to, *answer, &mut events)
            }
            ServerMessage::MeetingEnded => self.on_meeting_ended(&mut events),
            ServerMessage::ApplicationMessage { from, message } => {
                self.on_application_message(*from, &message.0, &mut events)
            }
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
                    .is_some_and(|at| now_ms.saturating_sub(at) >= self.republish_interval_ms);
                if stale {
                    // The Welcome may have been lost, or a chair is yet to let us in: ask
                    // again with a fresh KeyPackage, and wait longer next time.
                    self.publish_key_package(now_ms, &mut events);
                    self.republish_interval_ms = self
                        .republish_interval_ms
                        .saturating_mul(2)
                        .min(MAX_REPUBLISH_INTERVAL_MS);
                }
            }
            MembershipStatus::Member => {
                let gap_expired = self
                    .gap_since_ms
                    .is_some_and(|since| now_ms.saturating_sub(since) >= GAP_TIMEOUT_MS);
                if gap_expired {
                    self.resync(now_ms, ResyncReason::MissedCommit, &mut events);
                    return events;
                }
                let own_commit_lost = self.own_commit.as_ref().is_some_and(|own| {
                    now_ms.saturating_sub(own.sent_at_ms) >= OWN_COMMIT_TIMEOUT_MS
                });
                if own_commit_lost {
                    // Never echoed: the server dropped it. A chair's action in it did not
                    // go through.
                    for intent in self.abandon_own_commit() {
                        events.push(GroupEvent::ChairActionFailed(intent.action()));
                    }
                    self.commit_not_before_ms = now_ms;
                }
                self.maybe_commit(now_ms, &mut events);
            }
            MembershipStatus::Connecting
            | MembershipStatus::Removed
            | MembershipStatus::Denied
            | MembershipStatus::LockedOut
            | MembershipStatus::LinkReplaced
            | MembershipStatus::NotVerified
            | MembershipStatus::Ended => {}
        }
        events
    }

    /// The meeting's SFrame suite (from the invite link).
    pub fn frame_suite(&self) -> FrameSuite {
        self.frame_suite
    }
}
