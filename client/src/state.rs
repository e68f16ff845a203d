//! The app's single state, changed only through [`Action`]s (a Yew `Reducible`).
//!
//! The reducer is pure: time arrives inside actions, browser objects (media streams)
//! are carried as values and never touched here.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use conclave_group::verified_identity::AnchorPin;
use conclave_group::Reaction;
use conclave_protocol::{ParticipantId, ParticipantInfo};
use web_sys::{MediaStream, MediaStreamTrack};
use yew::Reducible;

use crate::announcements::{roster_change, Announcement};
use crate::decryption_status::{FrameTotals, ReceiveHistory};
use crate::invite::{Invite, InviteError};
use crate::media_source::MediaKind;
use crate::meeting_messages::{apply_arrival, Arrival, ChatLog, Signals};
use crate::notices::{CloseReason, DeviceNotice, EncryptionFailure, MeetingProblem};
use crate::roster::lines::note_verified;
use crate::roster::{EncryptionStatus, GroupView, MeetingClosed};
use crate::security_code::CodeCheck;
use crate::services::media::{Device, MediaError};
use crate::services::transport::TransportState;
use crate::worker_protocol::TransformApi;

/// Which page is on screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    /// Create or join a meeting.
    Home,
    /// A meeting link without a usable key: never joined.
    BrokenInvite(InviteError),
    /// Enrollment with an organisation: a request for this browser's key, and the import
    /// of the certificate chain issued for it.
    Enroll {
        /// The organisation the enrollment link named (its CA certificate's pin).
        expected_anchor: Option<AnchorPin>,
    },
    /// An enrollment link whose organisation part is damaged: nothing is imported.
    BrokenEnrollmentLink,
    /// An unknown path.
    NotFound,
    /// Name, camera preview, then join.
    Lobby(Invite),
    /// In the meeting.
    Meeting(Invite),
    /// After "Leave".
    Left(Invite),
    /// The meeting is over for this browser (removed, denied, locked out, ended): keys
    /// wiped, nothing to rejoin from here.
    Closed(MeetingClosed),
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
    Failed(MediaError),
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

/// A remote participant as the server reports it, with what arrived from them.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    /// Routing id from the server (the server knows no names: tiles show the MLS
    /// credential's name).
    pub id: ParticipantId,
    /// When this page first saw them in the room, in ms (an outsider's "how long").
    pub arrived_ms: f64,
    /// Their decrypted media, once a track arrived.
    pub stream: Option<MediaStream>,
    /// Frame counters from the worker.
    pub history: ReceiveHistory,
    /// Mesh: the connection to them lost its path (disconnected, which the browser may
    /// heal alone, or failed and being made again).
    pub reconnecting: bool,
    /// Their decrypted audio sounds like speech right now.
    pub speaking: bool,
}

/// How the tiles are laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// Every tile the same size.
    #[default]
    Grid,
    /// One tile large (the pinned one, else a shared screen, else whoever spoke last), the
    /// others small beside it.
    Speaker,
}

/// Where the connection to the meeting stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeetingState {
    /// The transform API this page uses, once encryption is set up.
    pub transform_api: Option<TransformApi>,
    /// The worker said `ready`.
    pub e2ee_ready: bool,
    /// Encryption cannot work: the meeting is not joined (or is torn down).
    pub fatal: Option<EncryptionFailure>,
    /// Our id, once the server said `joined`.
    pub you: Option<ParticipantId>,
    /// Everyone else, in join order.
    pub participants: Vec<Participant>,
    /// The server closed the WebSocket unexpectedly; the text says why.
    pub disconnected: Option<CloseReason>,
    /// The connection to the server was lost and is being made again: the attempt, and
    /// why it was lost.
    pub reconnecting: Option<(u32, CloseReason)>,
    /// The latest error the server or a peer connection reported.
    pub error: Option<MeetingProblem>,
    /// The MLS group as last reported (`None` until the group state machine runs).
    pub group: Option<GroupView>,
    /// When the group's status last changed, in ms (for "if this lasts" hints).
    pub group_status_since_ms: f64,
    /// Fingerprints (hex) this browser had met before this meeting, as loaded at join.
    pub seen_before: HashSet<String>,
    /// Fingerprint (hex) → the organisation that last verified it: keys seen verified
    /// in this meeting (a later loss of verification warns).
    pub verified_before: HashMap<String, String>,
    /// Whether this browser's key is kept for next time (`None` until loaded).
    pub key_remembered: Option<bool>,
    /// Whether the security code was checked aloud.
    pub code_check: CodeCheck,
    /// The media transport's state (`None` before the server said how media travels).
    pub transport: Option<TransportState>,
    /// The invite a chair's new link made, if any: the page shows and copies it instead
    /// of the one it was opened with (which no longer admits anyone).
    pub renewed_invite: Option<Invite>,
    /// A chair action of ours did not go through (the server dropped it, or the group
    /// refused it).
    pub chair_action_failed: bool,
    /// The meeting's chat (this meeting only; nothing is stored).
    pub chat: ChatLog,
    /// Whether the chat panel is open.
    pub chat_open: bool,
    /// What each member last said of its microphone, camera and hand, and its reactions.
    pub signals: Signals,
    /// Our hand is raised.
    pub hand_raised: bool,
    /// Our latest reaction and until when it shows, in ms.
    pub own_reaction: Option<(Reaction, f64)>,
    /// Who spoke last (the speaker view shows them large).
    pub last_speaker: Option<ParticipantId>,
    /// How the tiles are laid out.
    pub layout: Layout,
    /// The member whose tile is pinned large (by the hex fingerprint of its key).
    pub pinned: Option<String>,
    /// The latest change screen readers should hear (someone joined, left, raised their
    /// hand), numbered so that the same words twice are announced twice.
    pub announcement: Option<(u64, Announcement)>,
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
    /// The screen being shared (sent instead of the camera), if any.
    pub screen: Option<MediaStreamTrack>,
    /// The cameras, microphones and speakers the browser offers (empty until listed).
    pub devices: Vec<Device>,
    /// The speaker picked (`None`: the system's default).
    pub speaker: Option<String>,
    /// Counts the times a local track was swapped for another device's: the meeting sends
    /// the new one, the preview shows it.
    pub local_tracks_revision: u64,
    /// What happened to a device, for the person (say, the microphone was unplugged).
    pub device_notice: Option<DeviceNotice>,
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
            screen: None,
            devices: Vec::new(),
            speaker: None,
            local_tracks_revision: 0,
            device_notice: None,
            meeting: MeetingState::default(),
            now_ms: 0.0,
        }
    }

    /// The meeting's invite as it is now: a chair's new link, else the one opened.
    pub fn current_invite(&self) -> Option<&Invite> {
        match &self.page {
            Page::Meeting(invite) => Some(self.meeting.renewed_invite.as_ref().unwrap_or(invite)),
            _ => None,
        }
    }

    /// When this page first saw `participant` in the room (now, if never).
    pub fn arrived_ms(&self, participant: ParticipantId) -> f64 {
        self.meeting
            .participants
            .iter()
            .find(|p| p.id == participant)
            .map_or(self.now_ms, |p| p.arrived_ms)
    }

    /// Our membership status in the MLS group, once it runs.
    pub fn encryption_status(&self) -> Option<EncryptionStatus> {
        self.meeting.group.as_ref().map(|group| group.status)
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
    MediaFailed(MediaError),
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
    E2eeFatal(EncryptionFailure),
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
    /// A participant started (`speaking`) or stopped speaking, as their decrypted audio
    /// sounds here.
    Speaking {
        /// Who.
        participant: ParticipantId,
        /// Whether they speak now.
        speaking: bool,
        /// When, on the page's clock.
        now_ms: f64,
    },
    /// Mesh: the connection to a participant lost (`up: false`) or regained its path.
    PeerLink {
        /// Whose connection.
        participant: ParticipantId,
        /// Whether it carries media again.
        up: bool,
    },
    /// The worker's running totals for one participant and kind.
    ReceiveStats {
        /// Whose frames.
        participant: ParticipantId,
        /// Audio or video.
        kind: MediaKind,
        /// Frames decrypted, failed and without a key so far.
        totals: FrameTotals,
        /// When the message arrived.
        now_ms: f64,
    },
    /// This browser's identity is loaded (or made); `seen_before` holds the
    /// fingerprints (hex) stored before this meeting.
    IdentityReady {
        /// Whether it is kept in this browser (false: IndexedDB unavailable).
        remembered: bool,
        /// Fingerprints met in earlier meetings.
        seen_before: HashSet<String>,
        /// Fingerprints met verified in earlier meetings, and by which organisation.
        verified_before: HashMap<String, String>,
    },
    /// The MLS group's roster, status or security code changed.
    GroupChanged {
        /// The group as it is now.
        view: GroupView,
        /// When, in ms.
        now_ms: f64,
    },
    /// "Mark as checked" was pressed for the security code on screen.
    MarkSecurityCodeChecked,
    /// The clock moved on (tile statuses depend on it).
    Tick(f64),
    /// An error from the server or a peer connection.
    MeetingError(MeetingProblem),
    /// The signaling connection closed unexpectedly, for good.
    Disconnected(CloseReason),
    /// The signaling connection was lost; attempt `attempt` to make it again is coming.
    Reconnecting {
        /// 1 for the first attempt.
        attempt: u32,
        /// Why it was lost.
        reason: CloseReason,
    },
    /// "Leave" was pressed.
    Leave,
    /// The media transport connected, or lost its connection.
    TransportState(TransportState),
    /// A chair made a new invite link: this is the meeting's invite now.
    InviteRenewed(Invite),
    /// A chair action of ours did not go through.
    ChairActionFailed,
    /// The alert about a failed chair action was dismissed (or another action began).
    DismissChairAlert,
    /// The meeting is over for this browser: its page says why.
    MeetingClosed(MeetingClosed),
    /// Screen sharing started (the screen's track) or stopped (`None`).
    ShareScreen(Option<MediaStreamTrack>),
    /// The browser listed its devices.
    DevicesListed(Vec<Device>),
    /// The local stream's microphone or camera is now another device's track.
    LocalTrackSwapped,
    /// A speaker was picked.
    SpeakerChosen(String),
    /// Something happened to a device that the person should know (`None` clears it).
    DeviceNotice(Option<DeviceNotice>),
    /// A member's meeting message opened (chat, media state, hand, reaction).
    MeetingMessage(Arrival),
    /// An application message did not open; `time` is the local time (`HH:MM`).
    MessageUndecryptable {
        /// When, as shown.
        time: String,
    },
    /// We sent a chat message.
    ChatSent {
        /// Its text.
        text: String,
        /// When, as shown.
        time: String,
        /// When, on the page's clock.
        now_ms: f64,
    },
    /// The chat panel was opened (`true`) or closed.
    SetChatOpen(bool),
    /// The layout was switched.
    SetLayout(Layout),
    /// A member's tile was pinned (by the hex fingerprint of its key), or unpinned (`None`).
    Pin(Option<String>),
    /// We raised (`true`) or lowered our hand.
    SetHandRaised(bool),
    /// We sent a reaction.
    OwnReaction {
        /// Which.
        reaction: Reaction,
        /// When, on the page's clock.
        now_ms: f64,
    },
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
            Action::InviteRenewed(invite) => self.meeting.renewed_invite = Some(invite),
            Action::ChairActionFailed => self.meeting.chair_action_failed = true,
            Action::DismissChairAlert => self.meeting.chair_action_failed = false,
            Action::MeetingClosed(closed) => {
                if matches!(self.page, Page::Meeting(_)) {
                    self.page = Page::Closed(closed);
                    self.meeting = MeetingState::default();
                    self.screen = None;
                }
            }
            Action::TransportState(state) => self.meeting.transport = Some(state),
            Action::MeetingMessage(arrival) => {
                self.now_ms = self.now_ms.max(arrival.now_ms);
                let meeting = &mut self.meeting;
                let raised = apply_arrival(
                    &mut meeting.chat,
                    &mut meeting.signals,
                    arrival,
                    meeting.chat_open,
                );
                if let Some(name) = raised {
                    self.announce(Announcement::HandRaised(name));
                }
            }
            Action::MessageUndecryptable { time } => self.meeting.chat.undecryptable(time),
            Action::ChatSent { text, time, now_ms } => self.meeting.chat.sent(text, time, now_ms),
            Action::SetChatOpen(open) => {
                self.meeting.chat_open = open;
                if open {
                    self.meeting.chat.unread = 0;
                }
            }
            Action::SetHandRaised(raised) => self.meeting.hand_raised = raised,
            Action::SetLayout(layout) => {
                self.meeting.layout = layout;
                if layout == Layout::Grid {
                    self.meeting.pinned = None;
                }
            }
            Action::Pin(pinned) => {
                // Pinning shows the tile large: the speaker view.
                if pinned.is_some() {
                    self.meeting.layout = Layout::Speaker;
                }
                self.meeting.pinned = pinned;
            }
            Action::OwnReaction { reaction, now_ms } => {
                self.now_ms = self.now_ms.max(now_ms);
                self.meeting.own_reaction = Some((
                    reaction,
                    now_ms + crate::meeting_messages::REACTION_SHOWN_MS,
                ));
            }
            Action::ShareScreen(track) => self.screen = track,
            Action::DevicesListed(devices) => self.devices = devices,
            Action::LocalTrackSwapped => self.local_tracks_revision += 1,
            Action::SpeakerChosen(id) => self.speaker = Some(id),
            Action::DeviceNotice(notice) => self.device_notice = notice,
            Action::E2eeReady => self.meeting.e2ee_ready = true,
            Action::E2eeFatal(message) => {
                // Nothing connects again after this: no "Reconnecting…" beside it.
                self.meeting.reconnecting = None;
                self.meeting.fatal = Some(message);
            }
            Action::Joined { you, participants } => {
                self.meeting.reconnecting = None;
                self.meeting.you = Some(you);
                let now_ms = self.now_ms;
                self.meeting.participants = participants
                    .into_iter()
                    .filter(|p| p.id != you)
                    .map(|info| new_participant(info, now_ms))
                    .collect();
            }
            Action::ParticipantJoined(info) => {
                if Some(info.id) != self.meeting.you
                    && !self.meeting.participants.iter().any(|p| p.id == info.id)
                {
                    let now_ms = self.now_ms;
                    self.meeting
                        .participants
                        .push(new_participant(info, now_ms));
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
            Action::Speaking {
                participant,
                speaking,
                now_ms,
            } => {
                self.now_ms = self.now_ms.max(now_ms);
                if let Some(p) = self.participant_mut(participant) {
                    p.speaking = speaking;
                    if speaking {
                        self.meeting.last_speaker = Some(participant);
                    }
                }
            }
            Action::PeerLink { participant, up } => {
                if let Some(p) = self.participant_mut(participant) {
                    p.reconnecting = !up;
                }
            }
            Action::ReceiveStats {
                participant,
                kind,
                totals,
                now_ms,
            } => {
                self.now_ms = self.now_ms.max(now_ms);
                if let Some(p) = self.participant_mut(participant) {
                    p.history.record(kind, totals, now_ms);
                }
            }
            Action::IdentityReady {
                remembered,
                seen_before,
                verified_before,
            } => {
                self.meeting.key_remembered = Some(remembered);
                self.meeting.seen_before = seen_before;
                // What this meeting saw verified already stays (it is newer).
                for (fingerprint, organisation) in verified_before {
                    self.meeting
                        .verified_before
                        .entry(fingerprint)
                        .or_insert(organisation);
                }
            }
            Action::GroupChanged { view, now_ms } => {
                self.now_ms = self.now_ms.max(now_ms);
                if self.encryption_status() != Some(view.status) {
                    self.meeting.group_status_since_ms = now_ms;
                }
                self.meeting.code_check.observe(view.security_code.as_ref());
                if let Some(said) = roster_change(self.meeting.group.as_ref(), &view) {
                    self.announce(said);
                }
                // Signals of members who left go (a rejoin starts afresh).
                let present: Vec<&str> = view
                    .members
                    .iter()
                    .map(|member| member.fingerprint_hex.as_str())
                    .collect();
                self.meeting.signals.retain(&present);
                note_verified(&view, &mut self.meeting.verified_before);
                self.meeting.group = Some(view);
            }
            Action::MarkSecurityCodeChecked => self.meeting.code_check.mark_checked(),
            Action::Tick(now_ms) => self.now_ms = self.now_ms.max(now_ms),
            Action::MeetingError(message) => self.meeting.error = Some(message),
            Action::Disconnected(reason) => {
                self.meeting.disconnected = Some(reason);
                self.meeting.reconnecting = None;
                // Without the server the mesh and the MLS group are closed: nobody is
                // connected any more, and the roster and keys shown would be stale.
                self.meeting.participants.clear();
                self.meeting.group = None;
            }
            Action::Reconnecting { attempt, reason } => {
                // As for a disconnection, until the new connection is added to the group;
                // the chat, hands and layout stay.
                self.meeting.reconnecting = Some((attempt, reason));
                self.meeting.participants.clear();
                self.meeting.group = None;
                self.meeting.transport = None;
                self.meeting.you = None;
            }
            Action::Leave => {
                self.screen = None;
                if let Page::Meeting(invite) = &self.page {
                    self.page = Page::Left(invite.clone());
                }
                self.meeting = MeetingState::default();
                self.local_media = LocalMedia::Off;
            }
        }
    }

    fn announce(&mut self, announcement: Announcement) {
        let number = self.meeting.announcement.as_ref().map_or(0, |(n, _)| n + 1);
        self.meeting.announcement = Some((number, announcement));
    }

    fn participant_mut(&mut self, id: ParticipantId) -> Option<&mut Participant> {
        self.meeting.participants.iter_mut().find(|p| p.id == id)
    }
}

fn new_participant(info: ParticipantInfo, now_ms: f64) -> Participant {
    Participant {
        id: info.id,
        arrived_ms: now_ms,
        stream: None,
        history: ReceiveHistory::default(),
        reconnecting: false,
        speaking: false,
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
pub(crate) mod tests {
    use super::*;
    use crate::decryption_status::DecryptionStatus;
    use crate::i18n::as_read;
    use crate::invite::parse_invite_link;
    use crate::roster::tests::{member, view as roster_view};
    use crate::tiles::remote_tiles;
    use conclave_group::MembershipStatus;

    fn invite() -> Invite {
        parse_invite_link("/m/AbCdEfGhIjKlMnOpQrStUv#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .unwrap()
    }

    /// A participant as the server lists it (the server knows no names).
    pub(crate) fn info(id: u64, _name: &str) -> ParticipantInfo {
        ParticipantInfo {
            id: ParticipantId(id),
        }
    }

    fn english() -> crate::i18n::Translator {
        crate::i18n::Translator::new(crate::i18n::Language::English)
    }

    /// Ada's state on the meeting page, before the server answered.
    pub(crate) fn in_meeting() -> AppState {
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
        state.apply(Action::Tick(7_000.0));
        state.apply(Action::ParticipantJoined(info(4, "Barbara")));
        state.apply(Action::Tick(9_000.0));
        state.apply(Action::ParticipantJoined(info(4, "Barbara")));
        let ids: Vec<_> = state.meeting.participants.iter().map(|p| p.id.0).collect();
        assert_eq!(ids, [1, 2, 4]);
        assert_eq!(state.arrived_ms(ParticipantId(1)), 0.0);
        assert_eq!(state.arrived_ms(ParticipantId(4)), 7_000.0, "first seen");
        let barbara = &state.meeting.participants[2];
        assert_eq!(
            barbara.history.status(state.now_ms),
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
            totals: FrameTotals {
                decrypted: 30,
                ..FrameTotals::default()
            },
            now_ms: 500.0,
        });
        let grace = state.meeting.participants[0].clone();
        assert_eq!(
            grace.history.status(state.now_ms),
            DecryptionStatus::Decrypting
        );
        state.apply(Action::Tick(5_000.0));
        assert_eq!(
            grace.history.status(state.now_ms),
            DecryptionStatus::WaitingForKey
        );
        state.apply(Action::ParticipantLeft(ParticipantId(1)));
        assert!(state.meeting.participants.is_empty());
    }

    #[test]
    fn joins_and_departures_are_announced_but_not_our_own_arrival() {
        let mut state = in_meeting();
        let changed = |members| Action::GroupChanged {
            view: roster_view(MembershipStatus::Member, members),
            now_ms: 100.0,
        };
        state.apply(changed(vec![
            member(0, 1, "Grace", false),
            member(1, 3, "Ada", true),
        ]));
        assert_eq!(state.meeting.announcement, None, "our own arrival");
        let said = |state: &AppState| {
            state
                .meeting
                .announcement
                .as_ref()
                .map(|(number, announcement)| (*number, as_read(&announcement.text(english()))))
        };
        state.apply(changed(vec![
            member(0, 1, "Grace", false),
            member(1, 3, "Ada", true),
            member(2, 4, "Alan", false),
        ]));
        assert_eq!(
            said(&state),
            Some((0, "Alan joined the encrypted meeting".to_owned()))
        );
        state.apply(changed(vec![
            member(1, 3, "Ada", true),
            member(2, 4, "Alan", false),
        ]));
        assert_eq!(said(&state), Some((1, "Grace left the meeting".to_owned())));
        state.apply(changed(vec![
            member(1, 3, "Ada", true),
            member(3, 5, "Grace", false),
            member(4, 6, "Barbara", false),
        ]));
        assert_eq!(
            said(&state),
            Some((
                2,
                "Grace, Barbara joined the encrypted meeting. Alan left the meeting".to_owned()
            ))
        );
    }

    #[test]
    fn a_raised_hand_is_announced_by_name() {
        let mut state = in_meeting();
        state.apply(Action::MeetingMessage(crate::meeting_messages::Arrival {
            sender_name: "Grace".to_owned(),
            sender: Some("aa".to_owned()),
            sender_key: None,
            message: conclave_group::MeetingMessage::MediaState(conclave_group::MediaState {
                hand_raised: true,
                ..conclave_group::MediaState::default()
            }),
            time: "10:00".to_owned(),
            now_ms: 300.0,
        }));
        assert_eq!(
            state.meeting.announcement,
            Some((0, Announcement::HandRaised("Grace".to_owned())))
        );
    }

    #[test]
    fn a_lost_server_connection_clears_the_group() {
        let mut state = in_meeting();
        state.apply(Action::Joined {
            you: ParticipantId(3),
            participants: vec![info(1, "Grace")],
        });
        state.apply(Action::GroupChanged {
            view: roster_view(
                MembershipStatus::Member,
                vec![member(0, 1, "Grace", false), member(1, 3, "Ada", true)],
            ),
            now_ms: 100.0,
        });
        assert_eq!(remote_tiles(&state.meeting, state.now_ms).len(), 1);
        state.apply(Action::Disconnected(CloseReason::Lost));
        assert!(remote_tiles(&state.meeting, state.now_ms).is_empty());
        assert_eq!(state.encryption_status(), None);
    }

    #[test]
    fn the_status_clock_restarts_only_when_the_status_changes() {
        let mut state = in_meeting();
        let waiting = || roster_view(MembershipStatus::WaitingToBeAdded, vec![]);
        state.apply(Action::GroupChanged {
            view: waiting(),
            now_ms: 1_000.0,
        });
        state.apply(Action::GroupChanged {
            view: waiting(),
            now_ms: 4_000.0,
        });
        assert_eq!(
            state.encryption_status(),
            Some(EncryptionStatus::WaitingToBeAdded)
        );
        assert_eq!(state.meeting.group_status_since_ms, 1_000.0);
        state.apply(Action::GroupChanged {
            view: roster_view(MembershipStatus::Member, vec![member(0, 3, "Ada", true)]),
            now_ms: 5_000.0,
        });
        assert_eq!(state.meeting.group_status_since_ms, 5_000.0);
    }

    #[test]
    fn leaving_goes_to_the_left_page_and_rejoining_comes_back() {
        let mut state = in_meeting();
        state.apply(Action::E2eeFatal(EncryptionFailure::WorkerSlow));
        state.apply(Action::Leave);
        assert!(matches!(state.page, Page::Left(_)));
        assert_eq!(state.meeting, MeetingState::default());
        state.apply(Action::EnterMeeting);
        assert!(matches!(state.page, Page::Meeting(_)));
    }

    #[test]
    fn a_closed_meeting_leaves_the_meeting_page_for_good() {
        let mut state = in_meeting();
        state.apply(Action::Joined {
            you: ParticipantId(3),
            participants: vec![info(1, "Grace")],
        });
        state.apply(Action::MeetingClosed(MeetingClosed::Removed));
        assert_eq!(state.page, Page::Closed(MeetingClosed::Removed));
        assert_eq!(state.meeting, MeetingState::default());
        state.apply(Action::EnterMeeting);
        assert_eq!(
            state.page,
            Page::Closed(MeetingClosed::Removed),
            "no way back in"
        );
        state.apply(Action::MeetingClosed(MeetingClosed::Ended));
        assert_eq!(
            state.page,
            Page::Closed(MeetingClosed::Removed),
            "the first reason stays"
        );
    }

    #[test]
    fn a_new_link_replaces_the_invite_shown_and_failures_are_told() {
        let mut state = in_meeting();
        assert_eq!(state.current_invite(), Some(&invite()));
        let renewed = invite().with_secret(crate::invite::InviteSecret::from_bytes([7; 32]));
        state.apply(Action::InviteRenewed(renewed.clone()));
        assert_eq!(state.current_invite(), Some(&renewed));
        assert!(matches!(&state.page, Page::Meeting(opened) if *opened == invite()));
        state.apply(Action::ChairActionFailed);
        assert!(state.meeting.chair_action_failed);
        state.apply(Action::DismissChairAlert);
        assert!(!state.meeting.chair_action_failed);
    }

    #[test]
    fn a_broken_invite_cannot_enter_a_meeting() {
        let mut state = AppState::new(Page::BrokenInvite(InviteError::MissingKey), String::new());
        state.apply(Action::EnterMeeting);
        assert!(matches!(state.page, Page::BrokenInvite(_)));
    }
}
