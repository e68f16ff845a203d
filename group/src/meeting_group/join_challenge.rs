//! Join challenges: what the group chooses, epoch by epoch, for joiners to make their
//! invite proofs over (the proof itself is in `crate::invite_proof`), so that a proof
//! the server captured cannot be replayed later.
//!
//! - On entering each epoch every member derives
//!   `challenge = MLS-Exporter("Conclave 1.0 join challenge", "", 32)` (RFC 9420 section
//!   8.5; its own label, so it says nothing of the SFrame base key) and holds those of its
//!   last [`JOIN_CHALLENGE_EPOCHS`] epochs of this group. The member with the lowest leaf
//!   index present (the committer, or the creator at epoch 0) sends it to the server
//!   (`set_join_challenge`), which relays it to everyone else (`join_challenge`) and to
//!   later joiners (`joined.group.join_challenge`).
//! - A joiner, or a member re-syncing, proves over the newest challenge it heard. A
//!   member accepts a proof only over a challenge it holds itself: never one the server
//!   names. A server that withholds or falsifies the challenge it relays only stops
//!   joins, which it can do anyway.
//! - A member also remembers the HPKE encryption key of every leaf it saw in the tree in
//!   those epochs and refuses a KeyPackage whose leaf carries one: a KeyPackage already
//!   added (a departed member's, replayed by the server) never comes back as a "ghost"
//!   leaf. An Add puts the KeyPackage's leaf node into the tree as it is (RFC 9420 section
//!   12.1.1), so the key is what a member sees of every Add, whether it processed the
//!   commit, merged its own or got the tree in a Welcome.
//!
//! Why that memory is enough: a KeyPackage added by the commit into epoch `a` carries a
//! proof over the challenge of some epoch `c < a` (the challenge of `a` exists only after
//! that commit). A member accepts the proof only while it holds `c`, and it holds epochs in
//! sequence from `c` on, so it saw the leaf in the tree in epoch `a` (or, when it joined
//! in `a`, in the Welcome's tree). A key last seen before the oldest epoch held can be
//! forgotten; so memory is bounded by the window times the group's size.
//!
//! Why [`JOIN_CHALLENGE_EPOCHS`] is 4: a joiner proves over the newest challenge it heard,
//! which lags the group by one epoch until the new epoch's committer has set its own, and
//! its request may cross the commits already under way (people joining or leaving at the
//! same moment; one commit adds every request pending at the committer). Four epochs
//! cover that; a joiner whose request still misses re-publishes after
//! [`WELCOME_TIMEOUT_MS`](super::WELCOME_TIMEOUT_MS) over the newer challenge. A longer
//! window would keep a captured proof good for longer for nothing.

use std::collections::{BTreeMap, VecDeque};

use conclave_protocol::{Bytes, ClientMessage, JoinChallenge, RoomId, JOIN_CHALLENGE_BYTES};
use openmls_traits::OpenMlsProvider as _;

use super::{GroupEvent, MeetingGroup, MembershipStatus};
use crate::invite_proof::InviteProofKey;

/// Exporter label of the join challenge (RFC 9420 section 8.5).
const JOIN_CHALLENGE_LABEL: &str = "Conclave 1.0 join challenge";

/// How many epochs' challenges a member accepts proofs over: its current one and the three
/// before it (see the module docs for why).
pub const JOIN_CHALLENGE_EPOCHS: usize = 4;

type Challenge = [u8; JOIN_CHALLENGE_BYTES];

/// A member's held challenges and the leaf keys it saw, and the newest challenge heard
/// to prove over when asking to be added. Public values only (the server relays the
/// challenges); no secret is kept here.
#[derive(Default)]
pub(super) struct JoinChallenges {
    /// The group whose epochs `held` belong to.
    group_id: Vec<u8>,
    /// Our own challenges of consecutive epochs, oldest first, at most
    /// [`JOIN_CHALLENGE_EPOCHS`].
    held: VecDeque<(u64, Challenge)>,
    /// Leaf encryption keys seen in the tree, with the last epoch each was seen in.
    seen_leaf_keys: BTreeMap<Vec<u8>, u64>,
    /// The newest challenge heard (from the server or our own), to prove over.
    newest_heard: Option<(u64, Challenge)>,
}

impl JoinChallenges {
    /// We entered `epoch` of `group_id`, whose challenge is `challenge` and whose tree holds
    /// leaves with `leaf_keys`. Anything but the next epoch of the same group starts the
    /// memory afresh: we did not see the epochs in between.
    fn enter_epoch(
        &mut self,
        group_id: &[u8],
        epoch: u64,
        challenge: Challenge,
        leaf_keys: impl Iterator<Item = Vec<u8>>,
    ) {
        let follows = self.group_id == group_id
            && self
                .held
                .back()
                .is_some_and(|(last, _)| last.checked_add(1) == Some(epoch));
        if !follows {
            self.forget_group();
            self.group_id = group_id.to_vec();
        }
        self.held.push_back((epoch, challenge));
        while self.held.len() > JOIN_CHALLENGE_EPOCHS {
            self.held.pop_front();
        }
        for key in leaf_keys {
            self.seen_leaf_keys.insert(key, epoch);
        }
        if let Some(&(oldest, _)) = self.held.front() {
            self.seen_leaf_keys
                .retain(|_, last_seen| *last_seen >= oldest);
        }
        self.hear(epoch, challenge);
    }

    /// Forgets our challenges and the leaves seen (we left the group or lost track of it).
    /// The newest challenge heard stays: a re-syncing member proves over it.
    pub(super) fn forget_group(&mut self) {
        self.held.clear();
        self.seen_leaf_keys.clear();
        self.group_id.clear();
    }

    /// A challenge heard; kept if it is at least as new as the one we have.
    fn hear(&mut self, epoch: u64, challenge: Challenge) {
        if self.newest_heard.is_none_or(|(newest, _)| epoch >= newest) {
            self.newest_heard = Some((epoch, challenge));
        }
    }

    /// Forgets every challenge heard (a new connection, or the group ended).
    pub(super) fn forget_heard(&mut self) {
        self.newest_heard = None;
    }

    #[cfg(test)]
    /// The challenge to prove over when asking to be added, if any was heard.
    pub(super) fn newest_heard(&self) -> Option<&Challenge> {
        self.newest_heard.as_ref().map(|(_, challenge)| challenge)
    }

    /// The newest challenge heard and its epoch.
    pub(super) fn newest_heard_with_epoch(&self) -> Option<(u64, Challenge)> {
        self.newest_heard
    }

    /// Whether `proof` is an invite proof over one of our held challenges (each checked in
    /// constant time).
    pub(super) fn verify(
        &self,
        proof_key: &InviteProofKey,
        room_id: &RoomId,
        key_package: &[u8],
        proof: &[u8],
    ) -> bool {
        self.held
            .iter()
            .any(|(_, challenge)| proof_key.verify(room_id, challenge, key_package, proof))
    }

    /// Whether a leaf whose encryption key `is_it` recognises was in the tree in an epoch
    /// we hold (openmls compares its key type with the bytes, not the other way round).
    pub(super) fn was_in_tree(&self, is_it: impl Fn(&[u8]) -> bool) -> bool {
        self.seen_leaf_keys.keys().any(|seen| is_it(seen))
    }
}

impl MeetingGroup {
    /// We entered a new epoch as a member: derive and hold its challenge, note the leaves,
    /// and, as the member with the lowest leaf index present, give the challenge to the
    /// server. (One for an epoch the room has already left, say while we apply buffered
    /// commits, is ignored there.)
    pub(super) fn enter_join_challenge_epoch(&mut self, events: &mut Vec<GroupEvent>) {
        let Some(group) = self.member_group() else {
            return;
        };
        let Ok(exported) = group.export_secret(
            self.provider.crypto(),
            JOIN_CHALLENGE_LABEL,
            b"",
            JOIN_CHALLENGE_BYTES,
        ) else {
            return;
        };
        let Ok(challenge) = Challenge::try_from(exported.as_slice()) else {
            return;
        };
        let epoch = group.epoch().as_u64();
        let group_id = group.group_id().as_slice().to_vec();
        let leaf_keys: Vec<Vec<u8>> = group.members().map(|m| m.encryption_key).collect();
        // With commits buffered we are behind the server: its epoch is not this one.
        let sends = self.is_lowest_present_member() && self.buffered_commits.is_empty();
        self.join_challenges
            .enter_epoch(&group_id, epoch, challenge, leaf_keys.into_iter());
        if sends {
            events.push(GroupEvent::Send(ClientMessage::SetJoinChallenge(
                JoinChallenge {
                    epoch,
                    challenge: Bytes(challenge.to_vec()),
                },
            )));
        }
    }

    /// The server relays a member's challenge (`join_challenge`, or inside `joined` or
    /// `group_status`). Unauthenticated and only used to prove over: a wrong one only
    /// gets our request refused. A joiner waiting for its first challenge asks now.
    pub(super) fn on_join_challenge(
        &mut self,
        now_ms: u64,
        challenge: &JoinChallenge,
        events: &mut Vec<GroupEvent>,
    ) {
        self.hear_join_challenge(challenge);
        let waiting = matches!(
            self.status,
            MembershipStatus::WaitingToBeAdded | MembershipStatus::Resyncing
        );
        // A knock may wait for a chair across many epochs: once the group has moved past
        // the window in which members accept our last proof, ask again at once rather than
        // on the (backed-off) timer.
        let proof_outdated = self.proved_epoch.is_some_and(|proved| {
            challenge.epoch >= proved.saturating_add(JOIN_CHALLENGE_EPOCHS as u64)
        });
        if waiting && (self.published_at_ms.is_none() || proof_outdated) {
            self.publish_key_package(now_ms, events);
        }
    }

    /// Keeps a relayed challenge of the right length as the newest heard, if it is.
    pub(super) fn hear_join_challenge(&mut self, challenge: &JoinChallenge) {
        if let Ok(bytes) = Challenge::try_from(challenge.challenge.0.as_slice()) {
            self.join_challenges.hear(challenge.epoch, bytes);
        }
    }

    /// Whether we are the member with the lowest leaf index still in the room, not
    /// counting members asking to be re-added or whose commit broke a rule (the
    /// committer's rule in `policy::duties`).
    pub(super) fn is_lowest_present_member(&self) -> bool {
        let Some(group) = self.member_group() else {
            return false;
        };
        let own = group.own_leaf_index();
        group
            .members()
            .filter(|m| {
                let pid = super::roster::member_info(group, m.index).participant_id;
                let resyncing = pid
                    .and_then(|p| self.pending_key_packages.get(&p))
                    .is_some_and(|pending| {
                        pending.key_package.leaf_node().signature_key().as_slice()
                            == m.signature_key.as_slice()
                    });
                m.index == own
                    || (pid.is_some_and(|p| {
                        self.presence.contains_key(&p) && !self.is_rule_breaker(p)
                    }) && !resyncing)
            })
            .map(|m| m.index)
            .min()
            == Some(own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
        names.iter().map(|n| vec![*n])
    }

    #[test]
    fn the_window_holds_the_last_epochs_of_one_group_in_sequence() {
        let mut memory = JoinChallenges::default();
        for epoch in 0..6u64 {
            memory.enter_epoch(b"g", epoch, [epoch as u8; 32], keys(&[epoch as u8]));
        }
        let held: Vec<u64> = memory.held.iter().map(|(e, _)| *e).collect();
        assert_eq!(held, vec![2, 3, 4, 5]);
        // Leaves last seen before the oldest held epoch are forgotten.
        assert!(!memory.was_in_tree(|k| k == [1]));
        assert!(memory.was_in_tree(|k| k == [2]));
        assert_eq!(memory.newest_heard(), Some(&[5; 32]));

        // A jump (a Welcome into a later epoch) or another group starts afresh.
        memory.enter_epoch(b"g", 9, [9; 32], keys(&[9]));
        assert_eq!(memory.held.len(), 1);
        assert!(!memory.was_in_tree(|k| k == [5]));
        memory.enter_epoch(b"h", 10, [10; 32], keys(&[10]));
        assert_eq!(memory.held.len(), 1);
        assert!(!memory.was_in_tree(|k| k == [9]));
    }

    #[test]
    fn the_newest_challenge_heard_wins_and_survives_a_resync() {
        let mut memory = JoinChallenges::default();
        memory.hear(3, [3; 32]);
        memory.hear(2, [2; 32]);
        assert_eq!(memory.newest_heard(), Some(&[3; 32]));
        memory.enter_epoch(b"g", 4, [4; 32], keys(&[]));
        memory.forget_group();
        assert_eq!(memory.newest_heard(), Some(&[4; 32]));
        memory.forget_heard();
        assert_eq!(memory.newest_heard(), None);
    }
}
