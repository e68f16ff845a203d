//! Whose a received stream is (docs/ARCHITECTURE.md, "Who a feed is"): every receiver is
//! bound to exactly one MLS sender leaf, and the worker drops frames of any other leaf
//! before authenticating them. This module keeps the page's side of those bindings.
//!
//! - **Mesh.** A peer connection belongs to the server participant it was made with; its
//!   receivers accept the leaf of the member whose MLS credential names that participant.
//!   On every roster change the worker is told each peer's leaf (`expectSender`), or that a
//!   peer is no member (`None`: every frame refused). A participant id that two members'
//!   credentials claim binds neither.
//! - **SFU.** An SFU names streams, not people, and its word on who sends one is never
//!   taken. The worker binds a feed to the leaf whose key authenticated its first frame of
//!   the newest epoch and reports it once (`feedBound`); reports of decrypted frames never
//!   bind or move it. The stream is shown in the tile of the member at that leaf in the
//!   current roster, named by that member's credential. When that member leaves (the leaf
//!   is gone, or now holds someone else), the stream is nobody's and the worker is told
//!   (`senderLeft`): only then may the feed be bound again, and that is reported anew.
//!
//! Pure and generic over the stream (a `MediaStream` in the page), so it is tested natively.

use std::collections::HashMap;

use conclave_protocol::ParticipantId;

use crate::media_source::SfuStreamId;
use crate::roster::GroupView;

/// A stream to show in a member's tile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown<S> {
    /// The member it is bound to.
    pub owner: ParticipantId,
    /// Its media.
    pub stream: S,
}

/// What a roster change asks of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterChange<S> {
    /// Streams whose leaf the roster now lists: show them in that member's tile.
    pub shown: Vec<Shown<S>>,
    /// Leaves whose member left while a stream was bound to them: tell the worker
    /// (`senderLeft`), so that the feed may be bound again.
    pub left: Vec<u32>,
    /// Mesh peers whose leaf changed (`None`: no longer a member): tell the worker
    /// (`expectSender`).
    pub expect: Vec<(ParticipantId, Option<u32>)>,
}

/// Received streams and the sender each is bound to.
pub struct StreamBindings<S> {
    /// Every remote member's participant, by MLS leaf, from the latest roster (a participant
    /// that two members claim is in neither).
    members: HashMap<u32, ParticipantId>,
    /// Mesh: the leaf the worker was last told for each peer.
    peer_leaves: HashMap<ParticipantId, u32>,
    /// The streams the SFU delivered.
    streams: HashMap<SfuStreamId, S>,
    /// The leaf the worker bound each SFU stream to.
    bound: HashMap<SfuStreamId, u32>,
    /// The member each bound stream is shown as: the member at its leaf.
    owners: HashMap<SfuStreamId, ParticipantId>,
}

impl<S> Default for StreamBindings<S> {
    fn default() -> Self {
        Self {
            members: HashMap::new(),
            peer_leaves: HashMap::new(),
            streams: HashMap::new(),
            bound: HashMap::new(),
            owners: HashMap::new(),
        }
    }
}

/// Remote members by leaf; a participant id claimed by two members' credentials is left
/// out, so that neither gets the other's media.
fn unique_members(view: &GroupView) -> HashMap<u32, ParticipantId> {
    let mut claims: HashMap<ParticipantId, usize> = HashMap::new();
    for participant in view.members.iter().filter_map(|m| m.participant_id) {
        *claims.entry(participant).or_default() += 1;
    }
    view.remote_members()
        .filter_map(|member| Some((member.leaf_index, member.participant_id?)))
        .filter(|(_, participant)| claims.get(participant) == Some(&1))
        .collect()
}

impl<S: Clone> StreamBindings<S> {
    /// The roster changed: peers' leaves are looked up again, bound streams follow the
    /// member at their leaf, and a stream whose member left is nobody's until the worker
    /// binds it again.
    pub fn roster_changed(&mut self, view: &GroupView) -> RosterChange<S> {
        self.members = unique_members(view);
        let leaves: HashMap<ParticipantId, u32> = self
            .members
            .iter()
            .map(|(leaf, participant)| (*participant, *leaf))
            .collect();
        let mut expect: Vec<(ParticipantId, Option<u32>)> = leaves
            .iter()
            .filter(|(participant, leaf)| self.peer_leaves.get(participant) != Some(leaf))
            .map(|(participant, leaf)| (*participant, Some(*leaf)))
            .collect();
        expect.extend(
            self.peer_leaves
                .keys()
                .filter(|participant| !leaves.contains_key(participant))
                .map(|participant| (*participant, None)),
        );
        expect.sort_by_key(|(participant, _)| participant.0);
        self.peer_leaves = leaves;

        let mut shown = Vec::new();
        let mut left = Vec::new();
        let bound: Vec<(SfuStreamId, u32)> = self
            .bound
            .iter()
            .map(|(id, leaf)| (id.clone(), *leaf))
            .collect();
        for (id, leaf) in bound {
            let now = self.members.get(&leaf).copied();
            match (self.owners.get(&id).copied(), now) {
                (Some(before), Some(now)) if before == now => {}
                (Some(_), _) => {
                    self.owners.remove(&id);
                    self.bound.remove(&id);
                    if !left.contains(&leaf) {
                        left.push(leaf);
                    }
                }
                (None, Some(now)) => {
                    self.owners.insert(id.clone(), now);
                    if let Some(stream) = self.streams.get(&id) {
                        shown.push(Shown {
                            owner: now,
                            stream: stream.clone(),
                        });
                    }
                }
                (None, None) => {}
            }
        }
        left.sort_unstable();
        RosterChange {
            shown,
            left,
            expect,
        }
    }

    /// The SFU delivered `stream` as `id` (first or with new tracks). It is to be shown
    /// now if `id` is bound to a member already.
    pub fn stream_arrived(&mut self, id: SfuStreamId, stream: S) -> Option<Shown<S>> {
        let owner = self.owners.get(&id).copied();
        self.streams.insert(id, stream.clone());
        owner.map(|owner| Shown { owner, stream })
    }

    /// The worker bound `id` to leaf `sender_leaf` (its first authenticated frame of the
    /// newest epoch, first or after a release). Shown in that member's tile if the roster
    /// lists the leaf (else once it does) and the stream has arrived.
    pub fn stream_bound(&mut self, id: &SfuStreamId, sender_leaf: u32) -> Option<Shown<S>> {
        self.bound.insert(id.clone(), sender_leaf);
        let Some(owner) = self.members.get(&sender_leaf).copied() else {
            self.owners.remove(id);
            return None;
        };
        if self.owners.insert(id.clone(), owner) == Some(owner) {
            return None;
        }
        self.streams.get(id).map(|stream| Shown {
            owner,
            stream: stream.clone(),
        })
    }

    /// The member an SFU stream is shown as, if it is bound to one.
    pub fn owner_of(&self, id: &SfuStreamId) -> Option<ParticipantId> {
        self.owners.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::tests::{member, view};
    use conclave_group::MembershipStatus;

    const GRACE: ParticipantId = ParticipantId(1);
    const ALAN: ParticipantId = ParticipantId(2);

    /// The group as we (Ada, leaf 0) see it, with these remote members (leaf,
    /// participant, name).
    fn roster(remote: &[(u32, u64, &str)]) -> GroupView {
        let mut members = vec![member(0, 3, "Ada", true)];
        members.extend(
            remote
                .iter()
                .map(|&(leaf, participant, name)| member(leaf, participant, name, false)),
        );
        view(MembershipStatus::Member, members)
    }

    /// Grace at leaf 1, Alan at leaf 2.
    fn meeting() -> StreamBindings<&'static str> {
        let mut bindings = StreamBindings::default();
        bindings.roster_changed(&roster(&[(1, 1, "Grace"), (2, 2, "Alan")]));
        bindings
    }

    fn feed(id: &str) -> SfuStreamId {
        SfuStreamId::new(id)
    }

    fn shown(owner: ParticipantId, stream: &'static str) -> Option<Shown<&'static str>> {
        Some(Shown { owner, stream })
    }

    #[test]
    fn a_stream_is_shown_once_the_worker_bound_it_to_a_member() {
        let mut bindings = meeting();
        assert_eq!(bindings.stream_arrived(feed("7"), "grace's"), None);
        assert_eq!(bindings.owner_of(&feed("7")), None, "nothing bound yet");
        assert_eq!(
            bindings.stream_bound(&feed("7"), 1),
            shown(GRACE, "grace's")
        );
        assert_eq!(bindings.owner_of(&feed("7")), Some(GRACE));
        assert_eq!(
            bindings.stream_bound(&feed("7"), 1),
            None,
            "shown once, not on every report"
        );
    }

    #[test]
    fn a_stream_arriving_after_its_binding_is_shown_at_once() {
        let mut bindings = meeting();
        assert_eq!(
            bindings.stream_bound(&feed("7"), 2),
            None,
            "nothing to show yet"
        );
        assert_eq!(bindings.owner_of(&feed("7")), Some(ALAN));
        assert_eq!(
            bindings.stream_arrived(feed("7"), "alan's"),
            shown(ALAN, "alan's")
        );
        assert_eq!(
            bindings.stream_arrived(feed("7"), "alan's with audio"),
            shown(ALAN, "alan's with audio"),
            "new tracks are shown too"
        );
    }

    #[test]
    fn a_stream_is_never_bound_to_anyone_but_a_remote_member() {
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "whose?");
        for leaf in [0, 5] {
            assert_eq!(bindings.stream_bound(&feed("7"), leaf), None);
            assert_eq!(
                bindings.owner_of(&feed("7")),
                None,
                "leaf {leaf} is ourselves or nobody"
            );
        }
        assert_eq!(bindings.stream_arrived(feed("7"), "whose?"), None);
    }

    #[test]
    fn a_bound_leaf_joining_the_roster_later_shows_the_stream() {
        let mut bindings = StreamBindings::default();
        bindings.stream_arrived(feed("7"), "grace's");
        assert_eq!(bindings.stream_bound(&feed("7"), 1), None, "no roster yet");
        let change = bindings.roster_changed(&roster(&[(1, 1, "Grace")]));
        assert_eq!(
            change.shown,
            vec![Shown {
                owner: GRACE,
                stream: "grace's"
            }]
        );
        assert!(change.left.is_empty());
    }

    #[test]
    fn a_member_who_leaves_loses_their_stream_and_the_worker_is_told() {
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "grace's");
        bindings.stream_arrived(feed("8"), "alan's");
        bindings.stream_bound(&feed("7"), 1);
        bindings.stream_bound(&feed("8"), 2);

        let change = bindings.roster_changed(&roster(&[(2, 2, "Alan")]));
        assert_eq!(change.left, vec![1], "the worker may bind her feed again");
        assert_eq!(change.expect, vec![(GRACE, None)]);
        assert_eq!(bindings.owner_of(&feed("7")), None);
        assert_eq!(bindings.stream_arrived(feed("7"), "grace's"), None);
        assert_eq!(
            bindings.owner_of(&feed("8")),
            Some(ALAN),
            "who stays keeps theirs"
        );
    }

    #[test]
    fn a_leaf_that_now_holds_someone_else_releases_the_stream() {
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "grace's");
        bindings.stream_bound(&feed("7"), 1);
        // One commit removes Grace and adds Carol (participant 4) at her leaf.
        let change = bindings.roster_changed(&roster(&[(1, 4, "Carol"), (2, 2, "Alan")]));
        assert_eq!(change.left, vec![1]);
        assert!(change.shown.is_empty(), "Grace's stream is not Carol's");
        assert_eq!(bindings.owner_of(&feed("7")), None);
        // The worker binds it again from Carol's frames of the new epoch: then it is hers.
        assert_eq!(
            bindings.stream_bound(&feed("7"), 1),
            shown(ParticipantId(4), "grace's")
        );
    }

    #[test]
    fn a_member_who_resyncs_is_bound_again_at_their_new_leaf() {
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "grace's");
        bindings.stream_bound(&feed("7"), 1);
        // Grace re-synced: the same participant at another leaf.
        let change = bindings.roster_changed(&roster(&[(2, 2, "Alan"), (3, 1, "Grace")]));
        assert_eq!(change.left, vec![1]);
        assert_eq!(change.expect, vec![(GRACE, Some(3))]);
        assert_eq!(
            bindings.stream_bound(&feed("7"), 3),
            shown(GRACE, "grace's")
        );
    }

    #[test]
    fn mesh_peers_are_told_their_leaf_once_and_again_when_it_changes() {
        let mut bindings = StreamBindings::<&str>::default();
        let first = bindings.roster_changed(&roster(&[(1, 1, "Grace"), (2, 2, "Alan")]));
        assert_eq!(first.expect, vec![(GRACE, Some(1)), (ALAN, Some(2))]);
        let same = bindings.roster_changed(&roster(&[(1, 1, "Grace"), (2, 2, "Alan")]));
        assert!(same.expect.is_empty(), "nothing changed");
        let moved = bindings.roster_changed(&roster(&[(2, 2, "Alan"), (4, 1, "Grace")]));
        assert_eq!(moved.expect, vec![(GRACE, Some(4))]);
    }

    #[test]
    fn a_participant_two_members_claim_is_bound_to_neither() {
        // Mallory's credential claims Grace's participant id: neither leaf gets her tile.
        let mut bindings = StreamBindings::default();
        let change = bindings.roster_changed(&roster(&[
            (1, 1, "Grace"),
            (2, 2, "Alan"),
            (3, 1, "Mallory"),
        ]));
        assert_eq!(change.expect, vec![(ALAN, Some(2))]);
        bindings.stream_arrived(feed("7"), "mallory's");
        assert_eq!(bindings.stream_bound(&feed("7"), 3), None);
        assert_eq!(bindings.owner_of(&feed("7")), None);
    }

    #[test]
    fn a_bound_stream_is_never_moved_by_another_members_frames() {
        // A hostile SFU feeds Alan's frames into the stream bound to Grace: the worker
        // drops them (wrongSender) and reports no new binding, and the stream stays hers;
        // decrypted-frame reports do not bind at all.
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "grace's feed");
        assert_eq!(
            bindings.stream_bound(&feed("7"), 1),
            shown(GRACE, "grace's feed")
        );
        let change = bindings.roster_changed(&roster(&[(1, 1, "Grace"), (2, 2, "Alan")]));
        assert!(change.left.is_empty() && change.shown.is_empty());
        assert_eq!(
            bindings.owner_of(&feed("7")),
            Some(GRACE),
            "never re-bound silently"
        );
    }
}
