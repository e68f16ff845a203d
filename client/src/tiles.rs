//! The meeting's tiles: one per remote member of the MLS group (named by its credential,
//! never by the server), how they are laid out, which one the speaker view shows large,
//! and which simulcast layer is worth receiving for as many tiles as are shown.
//!
//! Pure: built from the [`MeetingState`] and the clock, so tests can check them.

use conclave_group::Reaction;
use conclave_protocol::ParticipantId;
use web_sys::MediaStream;

use crate::decryption_status::DecryptionStatus;
use crate::meeting_messages::MemberSignals;
use crate::state::{Layout, MeetingState};

/// Above this many remote tiles, tiles are small: SFU modes receive a middle simulcast
/// layer.
pub const SMALL_TILES_FROM: usize = 5;
/// Above this many, tiles are thumbnails: the lowest layer.
pub const THUMBNAILS_FROM: usize = 10;

/// The simulcast layer (0 lowest, 2 highest) worth receiving for `remote_tiles` tiles: a
/// 25-person meeting must not pull 24 high-resolution streams into small tiles.
pub fn video_layer_for(remote_tiles: usize) -> u8 {
    match remote_tiles {
        n if n >= THUMBNAILS_FROM => 0,
        n if n >= SMALL_TILES_FROM => 1,
        _ => 2,
    }
}

/// A remote MLS member's tile.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteTileView {
    /// A stable key (the member's leaf index).
    pub key: u32,
    /// The name the member's MLS credential carries.
    pub display_name: String,
    /// The first group of the member's key fingerprint, when another member has the same
    /// name (names are self-chosen), so that the tiles can be told apart.
    pub name_key: Option<String>,
    /// Their decrypted media, once a track arrived.
    pub stream: Option<MediaStream>,
    /// Whether their frames decrypt.
    pub status: DecryptionStatus,
    /// The connection to them lost its path, for now or until it is made again (shown
    /// instead of the status, which would only say that no frames arrive).
    pub reconnecting: bool,
    /// What they last said of their microphone, camera and hand.
    pub signals: MemberSignals,
    /// Their reaction showing now, if any.
    pub reaction: Option<Reaction>,
    /// Their audio sounds like speech right now.
    pub speaking: bool,
    /// The hex fingerprint of their key (pins name members by it).
    pub fingerprint_hex: String,
    /// The participant their credential names, if any.
    pub participant_id: Option<ParticipantId>,
}

impl RemoteTileView {
    /// The tile's name for assistive technology: the name, and the key's first group
    /// after it when the name is shared ("Ada (3F2A)").
    pub fn label(&self) -> String {
        match &self.name_key {
            Some(key) => format!("{} ({key})", self.display_name),
            None => self.display_name.clone(),
        }
    }
}

/// One tile per remote member of the MLS group, named by its credential; media and
/// counters come from the participant its credential names, as they are at `now_ms`. A
/// name that two members share (names are self-chosen) gets the first group of the
/// member's key fingerprint, as the roster shows it, so the tiles can be told apart.
pub fn remote_tiles(meeting: &MeetingState, now_ms: f64) -> Vec<RemoteTileView> {
    let Some(group) = &meeting.group else {
        return Vec::new();
    };
    let shared_name = |name: &str| {
        group
            .members
            .iter()
            .filter(|member| member.display_name == name)
            .count()
            > 1
    };
    group
        .remote_members()
        .map(|member| {
            let name_key = shared_name(&member.display_name).then(|| {
                let key = member.fingerprint.split(' ').next().unwrap_or_default();
                key.to_owned()
            });
            let participant = member
                .participant_id
                .and_then(|id| meeting.participants.iter().find(|p| p.id == id));
            let signals = meeting.signals.of(&member.fingerprint_hex);
            RemoteTileView {
                key: member.leaf_index,
                display_name: member.display_name.clone(),
                name_key,
                reaction: signals.reaction_at(now_ms),
                signals,
                stream: participant.and_then(|p| p.stream.clone()),
                status: participant.map_or(DecryptionStatus::WaitingForKey, |p| {
                    p.history.status(now_ms)
                }),
                reconnecting: participant.is_some_and(|p| p.reconnecting),
                speaking: participant.is_some_and(|p| p.speaking),
                fingerprint_hex: member.fingerprint_hex.clone(),
                participant_id: member.participant_id,
            }
        })
        .collect()
}

/// In the speaker view, the key of the tile shown large: the pinned member's, else
/// a shared screen's, else whoever spoke last, else the first. `None` in the grid.
pub fn stage_tile(meeting: &MeetingState, tiles: &[RemoteTileView]) -> Option<u32> {
    if meeting.layout != Layout::Speaker {
        return None;
    }
    let pinned = meeting
        .pinned
        .as_ref()
        .and_then(|pinned| tiles.iter().find(|tile| &tile.fingerprint_hex == pinned));
    let sharing = || tiles.iter().find(|tile| tile.signals.media.screen_shared);
    let last_speaker = || {
        let speaker = meeting.last_speaker?;
        tiles
            .iter()
            .find(|tile| tile.participant_id == Some(speaker))
    };
    pinned
        .or_else(sharing)
        .or_else(last_speaker)
        .or_else(|| tiles.first())
        .map(|tile| tile.key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decryption_status::FrameTotals;
    use crate::media_source::MediaKind;
    use crate::roster::tests::{member, view as roster_view};
    use crate::state::tests::{in_meeting, info};
    use crate::state::{Action, AppState};
    use conclave_group::MembershipStatus;

    /// The tiles as the meeting page shows them now.
    fn tiles_of(state: &AppState) -> Vec<RemoteTileView> {
        remote_tiles(&state.meeting, state.now_ms)
    }

    #[test]
    fn tiles_are_the_mls_members_named_by_their_credentials() {
        let mut state = in_meeting();
        state.apply(Action::Joined {
            you: ParticipantId(3),
            participants: vec![info(1, "Grace (server name)"), info(2, "Mallory")],
        });
        assert!(tiles_of(&state).is_empty(), "no group, no tiles");
        let view = roster_view(
            MembershipStatus::Member,
            vec![member(0, 1, "Grace", false), member(1, 3, "Ada", true)],
        );
        state.apply(Action::GroupChanged {
            view,
            now_ms: 100.0,
        });
        state.apply(Action::ReceiveStats {
            participant: ParticipantId(1),
            kind: MediaKind::Audio,
            totals: FrameTotals {
                decrypted: 5,
                ..FrameTotals::default()
            },
            now_ms: 200.0,
        });
        state.apply(Action::ReceiveStats {
            participant: ParticipantId(2),
            kind: MediaKind::Audio,
            totals: FrameTotals {
                decrypted: 5,
                ..FrameTotals::default()
            },
            now_ms: 200.0,
        });
        let tiles = tiles_of(&state);
        assert_eq!(tiles.len(), 1, "Mallory is in the room, not in the group");
        assert_eq!(tiles[0].display_name, "Grace");
        assert_eq!(tiles[0].status, DecryptionStatus::Decrypting);
        assert!(!tiles[0].reconnecting);

        // The connection to Grace loses its path, then gets it back.
        let link = |up| Action::PeerLink {
            participant: ParticipantId(1),
            up,
        };
        state.apply(link(false));
        assert!(tiles_of(&state)[0].reconnecting);
        state.apply(link(true));
        assert!(!tiles_of(&state)[0].reconnecting);
    }

    #[test]
    fn the_speaker_view_shows_the_pinned_then_a_screen_then_the_last_speaker() {
        let mut state = in_meeting();
        state.apply(Action::Joined {
            you: ParticipantId(3),
            participants: vec![info(1, "Grace"), info(2, "Alan")],
        });
        state.apply(Action::GroupChanged {
            view: roster_view(
                MembershipStatus::Member,
                vec![
                    member(0, 1, "Grace", false),
                    member(1, 2, "Alan", false),
                    member(2, 3, "Ada", true),
                ],
            ),
            now_ms: 100.0,
        });
        let stage = |state: &AppState| stage_tile(&state.meeting, &tiles_of(state));
        assert_eq!(stage(&state), None, "the grid has no stage");
        state.apply(Action::SetLayout(Layout::Speaker));
        assert_eq!(stage(&state), Some(0), "nobody spoke yet: the first");
        let speaking = |participant, speaking| Action::Speaking {
            participant: ParticipantId(participant),
            speaking,
            now_ms: 200.0,
        };
        state.apply(speaking(2, true));
        state.apply(speaking(2, false));
        assert_eq!(stage(&state), Some(1), "Alan spoke last");
        assert!(!tiles_of(&state)[1].speaking);

        let grace_key = tiles_of(&state)[0].fingerprint_hex.clone();
        state.apply(Action::Pin(Some(grace_key)));
        assert_eq!(stage(&state), Some(0), "pinned beats the last speaker");
        state.apply(Action::Pin(None));
        assert_eq!(state.meeting.layout, Layout::Speaker);
        assert_eq!(stage(&state), Some(1));

        // Grace shares her screen: it beats the last speaker.
        let grace_key = tiles_of(&state)[0].fingerprint_hex.clone();
        state.apply(Action::MeetingMessage(crate::meeting_messages::Arrival {
            sender_name: "Grace".to_owned(),
            sender: Some(grace_key),
            sender_key: None,
            message: conclave_group::MeetingMessage::MediaState(conclave_group::MediaState {
                screen_shared: true,
                ..conclave_group::MediaState::default()
            }),
            time: "10:00".to_owned(),
            now_ms: 300.0,
        }));
        assert_eq!(stage(&state), Some(0));

        // Pinning switches to the speaker view; the grid forgets the pin.
        state.apply(Action::SetLayout(Layout::Grid));
        let alan_key = tiles_of(&state)[1].fingerprint_hex.clone();
        state.apply(Action::Pin(Some(alan_key)));
        assert_eq!(state.meeting.layout, Layout::Speaker);
        state.apply(Action::SetLayout(Layout::Grid));
        assert_eq!(state.meeting.pinned, None);
    }

    #[test]
    fn small_tiles_get_lower_simulcast_layers() {
        assert_eq!(video_layer_for(1), 2);
        assert_eq!(video_layer_for(SMALL_TILES_FROM - 1), 2);
        assert_eq!(video_layer_for(SMALL_TILES_FROM), 1);
        assert_eq!(video_layer_for(THUMBNAILS_FROM), 0);
        assert_eq!(video_layer_for(24), 0);
    }

    #[test]
    fn members_who_share_a_name_are_told_apart_by_their_key() {
        let mut state = in_meeting();
        state.apply(Action::GroupChanged {
            view: roster_view(
                MembershipStatus::Member,
                vec![
                    member(0, 1, "Grace", false),
                    member(1, 2, "Ada", true),
                    member(2, 4, "Ada", false),
                ],
            ),
            now_ms: 100.0,
        });
        let names: Vec<String> = tiles_of(&state)
            .into_iter()
            .map(|tile| tile.label())
            .collect();
        assert_eq!(names.len(), 2);
        assert_eq!(names[0], "Grace");
        let other_ada = &state.meeting.group.as_ref().unwrap().members[2];
        let key = other_ada.fingerprint.split(' ').next().unwrap();
        assert_eq!(names[1], format!("Ada ({key})"));
    }
}
