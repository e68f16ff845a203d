//! The app's single state, changed only through [`Action`]s (a Yew `Reducible`).
//!
//! The reducer is pure: time arrives inside actions, browser objects (media streams)
//! are carried as values and never touched here.

use std::rc::Rc;

use conclave_protocol::{ParticipantId, ParticipantInfo};
use web_sys::MediaStream;
use yew::Reducible;

use crate::decryption_status::{DecryptionStatus, ReceiveHistory};
use crate::invite::{Invite, InviteError};
use crate::worker_protocol::{MediaKind, TransformApi};

/// Which page is on screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    /// Create or join a meeting.
    Home,
    /// A meeting link without a usable key: never joined.
    BrokenInvite(InviteError),
    /// An unknown path.
    NotFound,
    /// Name, camera preview, then join.
    Lobby(Invite),
    /// In the meeting.
    Meeting(Invite),
    /// After "Leave".
    Left(Invite),
}

/// The local camera and microphone.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LocalMedia {
    /// Not asked for yet (or released after leaving).
    #[default]
    Off,
    /// `getUserMedia` is pending.
    Starting,
    /// Capturing.
    Live(MediaStream),
    /// The browser refused or has no devices; joining still works, receive-only.
    Failed(String),
}

impl LocalMedia {
    /// The stream, when capturing.
    pub fn stream(&self) -> Option<&MediaStream> {
        match self {
            LocalMedia::Live(stream) => Some(stream),
            _ => None,
        }
    }
}

/// A remote participant as the meeting page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    /// Routing id from the server.
    pub id: ParticipantId,
    /// Self-chosen name (not authenticated).
    pub display_name: String,
    /// Their decrypted media, once a track arrived.
    pub stream: Option<MediaStream>,
    /// Frame counters from the worker.
    pub history: ReceiveHistory,
}

/// Where the connection to the meeting stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeetingState {
    /// The transform API this page uses, once encryption is set up.
    pub transform_api: Option<TransformApi>,
    /// The worker said `ready`.
    pub e2ee_ready: bool,
    /// Encryption cannot work: the meeting is not joined (or is torn down).
    pub fatal: Option<String>,
    /// Our id, once the server said `joined`.
    pub you: Option<ParticipantId>,
    /// Everyone else, in join order.
    pub participants: Vec<Participant>,
    /// The server closed the WebSocket unexpectedly; the text says why.
    pub disconnected: Option<String>,
    /// The latest error the server or a peer connection reported.
    pub error: Option<String>,
}

/// The whole app state.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// The page on screen.
    pub page: Page,
    /// The name typed in the lobby.
    pub display_name: String,
    /// Local capture.
    pub local_media: LocalMedia,
    /// Whether the microphone track is enabled.
    pub microphone_on: bool,
    /// Whether the camera track is enabled.
    pub camera_on: bool,
    /// The current meeting.
    pub meeting: MeetingState,
    /// Latest clock reading from a [`Action::Tick`] or stats message, in ms.
    pub now_ms: f64,
}

impl AppState {
    /// The state a fresh page load starts in.
    pub fn new(page: Page, display_name: String) -> Self {
        Self {
            page,
            display_name,
            local_media: LocalMedia::Off,
            microphone_on: true,
            camera_on: true,
            meeting: MeetingState::default(),
            now_ms: 0.0,
        }
    }

    /// The status line of a remote participant's tile right now.
    pub fn decryption_status(&self, participant: &Participant) -> DecryptionStatus {
        participant.history.status(self.now_ms)
    }
}

/// Everything that can change the state.
#[derive(Debug)]
pub enum Action {
    /// Show another page (after navigation or a history pop).
    Navigate(Page),
    /// The lobby's name field changed.
    SetDisplayName(String),
    /// `getUserMedia` was called.
    MediaStarting,
    /// `getUserMedia` succeeded.
    MediaReady(MediaStream),
    /// `getUserMedia` failed; the text explains it.
    MediaFailed(String),
    /// Local capture was stopped.
    MediaReleased,
    /// Microphone toggled (the caller already flipped `track.enabled`).
    SetMicrophone(bool),
    /// Camera toggled (the caller already flipped `track.enabled`).
    SetCamera(bool),
    /// Enter the meeting of the current lobby or "left" page.
    EnterMeeting,
    /// The transform API this page will use.
    E2eeChosen(TransformApi),
    /// The worker is ready.
    E2eeReady,
    /// Encryption cannot work.
    E2eeFatal(String),
    /// The server accepted our join.
    Joined {
        /// Our id.
        you: ParticipantId,
        /// Who was already there.
        participants: Vec<ParticipantInfo>,
    },
    /// Someone came in.
    ParticipantJoined(ParticipantInfo),
    /// Someone left.
    ParticipantLeft(ParticipantId),
    /// A participant's decrypted media arrived.
    RemoteStream {
        /// Whose.
        participant: ParticipantId,
        /// Their tracks.
        stream: MediaStream,
    },
    /// The worker's running totals for one participant and kind.
    ReceiveStats {
        /// Whose frames.
        participant: ParticipantId,
        /// Audio or video.
        kind: MediaKind,
        /// Frames decrypted so far.
        decrypted: u64,
        /// Frames failed so far.
        failed: u64,
        /// When the message arrived.
        now_ms: f64,
    },
    /// The clock moved on (tile statuses depend on it).
    Tick(f64),
    /// An error from the server or a peer connection.
    MeetingError(String),
    /// The signaling connection closed unexpectedly.
    Disconnected(String),
    /// "Leave" was pressed.
    Leave,
}

impl AppState {
    /// Applies one action. Pure: no browser calls.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Navigate(page) => {
                self.page = page;
                self.meeting = MeetingState::default();
            }
            Action::SetDisplayName(name) => self.display_name = name,
            Action::MediaStarting => self.local_media = LocalMedia::Starting,
            Action::MediaReady(stream) => self.local_media = LocalMedia::Live(stream),
            Action::MediaFailed(reason) => self.local_media = LocalMedia::Failed(reason),
            Action::MediaReleased => self.local_media = LocalMedia::Off,
            Action::SetMicrophone(on) => self.microphone_on = on,
            Action::SetCamera(on) => self.camera_on = on,
            Action::EnterMeeting => {
                if let Page::Lobby(invite) | Page::Left(invite) = &self.page {
                    self.page = Page::Meeting(invite.clone());
                    self.meeting = MeetingState::default();
                }
            }
            Action::E2eeChosen(api) => self.meeting.transform_api = Some(api),
            Action::E2eeReady => self.meeting.e2ee_ready = true,
            Action::E2eeFatal(message) => self.meeting.fatal = Some(message),
            Action::Joined { you, participants } => {
                self.meeting.you = Some(you);
                self.meeting.participants = participants
                    .into_iter()
                    .filter(|p| p.id != you)
                    .map(new_participant)
                    .collect();
            }
            Action::ParticipantJoined(info) => {
                if Some(info.id) != self.meeting.you
                    && !self.meeting.participants.iter().any(|p| p.id == info.id)
                {
                    self.meeting.participants.push(new_participant(info));
                }
            }
            Action::ParticipantLeft(id) => self.meeting.participants.retain(|p| p.id != id),
            Action::RemoteStream {
                participant,
                stream,
            } => {
                if let Some(p) = self.participant_mut(participant) {
                    p.stream = Some(stream);
                }
            }
            Action::ReceiveStats {
                participant,
                kind,
                decrypted,
                failed,
                now_ms,
            } => {
                self.now_ms = self.now_ms.max(now_ms);
                if let Some(p) = self.participant_mut(participant) {
                    p.history.record(kind, decrypted, failed, now_ms);
                }
            }
            Action::Tick(now_ms) => self.now_ms = self.now_ms.max(now_ms),
            Action::MeetingError(message) => self.meeting.error = Some(message),
            Action::Disconnected(reason) => {
                self.meeting.disconnected = Some(reason);
                // Without the server the mesh is closed: nobody is connected any more.
                self.meeting.participants.clear();
            }
            Action::Leave => {
                if let Page::Meeting(invite) = &self.page {
                    self.page = Page::Left(invite.clone());
                }
                self.meeting = MeetingState::default();
                self.local_media = LocalMedia::Off;
            }
        }
    }

    fn participant_mut(&mut self, id: ParticipantId) -> Option<&mut Participant> {
        self.meeting.participants.iter_mut().find(|p| p.id == id)
    }
}

fn new_participant(info: ParticipantInfo) -> Participant {
    Participant {
        id: info.id,
        display_name: info.display_name,
        stream: None,
        history: ReceiveHistory::default(),
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invite::parse_invite_link;

    fn invite() -> Invite {
        parse_invite_link("/m/AbCdEfGhIjKlMnOpQrStUv#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .unwrap()
    }

    fn info(id: u64, name: &str) -> ParticipantInfo {
        ParticipantInfo {
            id: ParticipantId(id),
            display_name: name.into(),
        }
    }

    fn in_meeting() -> AppState {
        let mut state = AppState::new(Page::Lobby(invite()), "Ada".into());
        state.apply(Action::EnterMeeting);
        state
    }

    #[test]
    fn joining_lists_everyone_else_waiting_for_key() {
        let mut state = in_meeting();
        assert!(matches!(state.page, Page::Meeting(_)));
        state.apply(Action::Joined {
            you: ParticipantId(3),
            participants: vec![info(1, "Grace"), info(2, "Alan")],
        });
        state.apply(Action::ParticipantJoined(info(4, "Barbara")));
        state.apply(Action::ParticipantJoined(info(4, "Barbara")));
        let names: Vec<_> = state
            .meeting
            .participants
            .iter()
            .map(|p| p.display_name.as_str())
            .collect();
        assert_eq!(names, ["Grace", "Alan", "Barbara"]);
        let barbara = &state.meeting.participants[2];
        assert_eq!(
            state.decryption_status(barbara),
            DecryptionStatus::WaitingForKey
        );
    }

    #[test]
    fn stats_drive_the_tile_status_and_leaving_removes_the_tile() {
        let mut state = in_meeting();
        state.apply(Action::Joined {
            you: ParticipantId(3),
            participants: vec![info(1, "Grace")],
        });
        state.apply(Action::ReceiveStats {
            participant: ParticipantId(1),
            kind: MediaKind::Video,
            decrypted: 30,
            failed: 0,
            now_ms: 500.0,
        });
        let grace = state.meeting.participants[0].clone();
        assert_eq!(
            state.decryption_status(&grace),
            DecryptionStatus::Decrypting
        );
        state.apply(Action::Tick(5_000.0));
        assert_eq!(
            state.decryption_status(&grace),
            DecryptionStatus::WaitingForKey
        );
        state.apply(Action::ParticipantLeft(ParticipantId(1)));
        assert!(state.meeting.participants.is_empty());
    }

    #[test]
    fn leaving_goes_to_the_left_page_and_rejoining_comes_back() {
        let mut state = in_meeting();
        state.apply(Action::E2eeFatal("no worker".into()));
        state.apply(Action::Leave);
        assert!(matches!(state.page, Page::Left(_)));
        assert_eq!(state.meeting, MeetingState::default());
        state.apply(Action::EnterMeeting);
        assert!(matches!(state.page, Page::Meeting(_)));
    }

    #[test]
    fn a_broken_invite_cannot_enter_a_meeting() {
        let mut state = AppState::new(Page::BrokenInvite(InviteError::MissingKey), String::new());
        state.apply(Action::EnterMeeting);
        assert!(matches!(state.page, Page::BrokenInvite(_)));
    }
}
