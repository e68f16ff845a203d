//! Whose an SFU stream is (docs/ARCHITECTURE.md, "Who a feed is").
//!
//! An SFU names streams, not people, and its word on who sends one is never taken. A
//! stream belongs to the remote member whose key decrypted its frames (the worker reports
//! the sender's MLS leaf), looked up in the current roster: until then it is shown in no
//! tile, a frame under another member's key moves it to that member, and a member who
//! leaves the group loses it. A leaf that is not a remote member (ourselves, someone
//! removed) binds nothing.
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

/// What decrypted frames of a stream mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decrypted<S> {
    /// Whose frames they are (`None`: nobody's yet).
    pub owner: Option<ParticipantId>,
    /// The stream to show in its owner's tile, when these frames bound it for the first
    /// time or to another member, and it has arrived already.
    pub shown: Option<Shown<S>>,
}

/// SFU streams received, and the member each is bound to by its decrypting key.
pub struct StreamBindings<S> {
    /// Every remote member's participant, by MLS leaf, from the latest roster.
    members: HashMap<u32, ParticipantId>,
    /// The streams the SFU delivered.
    streams: HashMap<SfuStreamId, S>,
    /// The member each stream is bound to.
    owners: HashMap<SfuStreamId, ParticipantId>,
}

impl<S> Default for StreamBindings<S> {
    fn default() -> Self {
        Self {
            members: HashMap::new(),
            streams: HashMap::new(),
            owners: HashMap::new(),
        }
    }
}

impl<S: Clone> StreamBindings<S> {
    /// The roster changed: later frames are looked up in it, and a stream whose owner is
    /// no longer a remote member is nobody's until a member's key decrypts it.
    pub fn roster_changed(&mut self, view: &GroupView) {
        self.members = view
            .remote_members()
            .filter_map(|member| Some((member.leaf_index, member.participant_id?)))
            .collect();
        let members = &self.members;
        self.owners
            .retain(|_, owner| members.values().any(|member| member == owner));
    }

    /// The SFU delivered `stream` as `id` (first or with new tracks). It is to be shown
    /// now if `id` is bound already.
    pub fn stream_arrived(&mut self, id: SfuStreamId, stream: S) -> Option<Shown<S>> {
        let owner = self.owners.get(&id).copied();
        self.streams.insert(id, stream.clone());
        owner.map(|owner| Shown { owner, stream })
    }

    /// The worker decrypted frames of `id`, the last under the key of leaf `sender_leaf`
    /// (`None`: nothing decrypted yet). Binds `id` to that leaf's member if it is a remote
    /// member; otherwise keeps the binding it had.
    pub fn frames_decrypted(&mut self, id: &SfuStreamId, sender_leaf: Option<u32>) -> Decrypted<S> {
        let by_key = sender_leaf.and_then(|leaf| self.members.get(&leaf).copied());
        let Some(owner) = by_key else {
            return Decrypted {
                owner: self.owners.get(id).copied(),
                shown: None,
            };
        };
        let shown = if self.owners.insert(id.clone(), owner) == Some(owner) {
            None
        } else {
            self.streams.get(id).map(|stream| Shown {
                owner,
                stream: stream.clone(),
            })
        };
        Decrypted {
            owner: Some(owner),
            shown,
        }
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
    fn a_stream_is_shown_once_its_first_frame_decrypts_under_a_members_key() {
        let mut bindings = meeting();
        assert_eq!(bindings.stream_arrived(feed("7"), "grace's"), None);
        let nothing_yet = bindings.frames_decrypted(&feed("7"), None);
        assert_eq!(nothing_yet.owner, None);
        assert_eq!(nothing_yet.shown, None);

        let first = bindings.frames_decrypted(&feed("7"), Some(1));
        assert_eq!(first.owner, Some(GRACE));
        assert_eq!(first.shown, shown(GRACE, "grace's"));

        let again = bindings.frames_decrypted(&feed("7"), Some(1));
        assert_eq!(again.owner, Some(GRACE));
        assert_eq!(again.shown, None, "shown once, not on every report");
        let undecided = bindings.frames_decrypted(&feed("7"), None);
        assert_eq!(
            undecided.owner,
            Some(GRACE),
            "a report without a key keeps it"
        );
    }

    #[test]
    fn a_stream_arriving_after_its_binding_is_shown_at_once() {
        let mut bindings = meeting();
        let bound = bindings.frames_decrypted(&feed("7"), Some(2));
        assert_eq!(bound.owner, Some(ALAN));
        assert_eq!(bound.shown, None, "nothing to show yet");
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
            let frames = bindings.frames_decrypted(&feed("7"), Some(leaf));
            assert_eq!(frames.owner, None, "leaf {leaf} is ourselves or nobody");
            assert_eq!(frames.shown, None);
        }
        assert_eq!(bindings.stream_arrived(feed("7"), "whose?"), None);
    }

    #[test]
    fn another_members_key_moves_the_stream_to_that_member() {
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "the stream");
        bindings.frames_decrypted(&feed("7"), Some(1));
        let moved = bindings.frames_decrypted(&feed("7"), Some(2));
        assert_eq!(moved.owner, Some(ALAN));
        assert_eq!(moved.shown, shown(ALAN, "the stream"));
        assert_eq!(
            bindings.stream_arrived(feed("7"), "the stream"),
            shown(ALAN, "the stream")
        );
    }

    #[test]
    fn a_member_who_leaves_loses_their_stream() {
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "grace's");
        bindings.stream_arrived(feed("8"), "alan's");
        bindings.frames_decrypted(&feed("7"), Some(1));
        bindings.frames_decrypted(&feed("8"), Some(2));

        bindings.roster_changed(&roster(&[(2, 2, "Alan")]));
        assert_eq!(bindings.frames_decrypted(&feed("7"), None).owner, None);
        assert_eq!(
            bindings.frames_decrypted(&feed("7"), Some(1)).owner,
            None,
            "her old leaf is nobody's now"
        );
        assert_eq!(bindings.stream_arrived(feed("7"), "grace's"), None);
        assert_eq!(
            bindings.frames_decrypted(&feed("8"), None).owner,
            Some(ALAN),
            "who stays keeps theirs"
        );
    }

    #[test]
    fn a_member_whose_leaf_changed_keeps_their_stream() {
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "grace's");
        bindings.frames_decrypted(&feed("7"), Some(1));
        // Grace re-synced: the same participant at another leaf.
        bindings.roster_changed(&roster(&[(2, 2, "Alan"), (3, 1, "Grace")]));
        let frames = bindings.frames_decrypted(&feed("7"), Some(3));
        assert_eq!(frames.owner, Some(GRACE));
        assert_eq!(frames.shown, None, "still hers: nothing to show anew");
    }

    #[test]
    fn a_bound_stream_is_never_moved_by_another_members_frames() {
        // A hostile SFU feeds Alan's frames into the stream bound to Grace: her tile must
        // not show his media, and the stream stays hers.
        let mut bindings = meeting();
        bindings.stream_arrived(feed("7"), "grace's feed");
        assert_eq!(bindings.frames_decrypted(&feed("7"), Some(1)).owner, Some(GRACE));
        let swapped = bindings.frames_decrypted(&feed("7"), Some(2));
        assert_eq!(swapped.owner, Some(GRACE), "never re-bound silently");
        assert_eq!(swapped.shown, None, "not shown in Alan's tile");
    }
}
