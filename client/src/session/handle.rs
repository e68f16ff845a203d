//! [`SessionHandle`]: the one way components reach the meeting session. The meeting page
//! provides it as a context (`hooks::use_session`); a button calls a command on it, as
//! the server's routes call into its `app(state)`, instead of changing a prop that an
//! effect then compares. Chair actions go to the MLS group, which commits them (or
//! reports that they did not go through); the server only relays.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use conclave_group::{
    Fingerprint, GroupEvent, MediaState, MeetingGroup, MeetingMessage, MeetingMessageError,
    Reaction,
};
use conclave_protocol::{close_code, ParticipantId};
use gloo::timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStream, MediaStreamTrack};
use yew::Callback;
use yew::UseReducerDispatcher;

use super::teardown::Ending;
use super::MeetingSession;
use crate::invite::Invite;
use crate::notices::MeetingProblem;
use crate::roster::MeetingClosed;
use crate::services::media;
use crate::services::rooms::RoomApiError;
use crate::services::signaling::{is_worth_retrying, CloseInfo};
use crate::state::{Action, AppState};

/// `PUT /api/rooms/{id}`'s answer for a room a member ended.
const GONE: u16 = 410;

/// The longest pause between two attempts to connect again, in milliseconds.
pub const MAX_RECONNECT_DELAY_MS: u32 = 15_000;

/// The pause before attempt `attempt` (1, 2, ...) to connect again: 1 s, doubling, at most
/// [`MAX_RECONNECT_DELAY_MS`].
pub fn reconnect_delay_ms(attempt: u32) -> u32 {
    1_000_u32
        .saturating_mul(1 << attempt.saturating_sub(1).min(4))
        .min(MAX_RECONNECT_DELAY_MS)
}

/// Why a chat message was not sent (nothing left this browser).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatRefusal {
    /// Nothing but spaces.
    Empty,
    /// Longer than a chat message may be.
    TooLong,
    /// More than a handful in a few seconds (checked by the chat panel).
    TooFast,
    /// Not (or no longer) in the encrypted meeting.
    NotInMeeting,
    /// The group could not encrypt it.
    CannotEncrypt,
}

impl From<MeetingMessageError> for ChatRefusal {
    fn from(error: MeetingMessageError) -> Self {
        match error {
            MeetingMessageError::NotAMember => ChatRefusal::NotInMeeting,
            MeetingMessageError::BadChatText => ChatRefusal::TooLong,
            MeetingMessageError::CannotEncrypt | _ => ChatRefusal::CannotEncrypt,
        }
    }
}

/// What components can ask of the meeting: leave, share the screen, stop sharing. It
/// outlives the sessions it runs (one per invite while the meeting page is shown); a
/// command given while none runs only changes the app state.
#[derive(Clone)]
pub struct SessionHandle {
    shared: Rc<Shared>,
}

struct Shared {
    dispatcher: UseReducerDispatcher<AppState>,
    session: RefCell<Option<MeetingSession>>,
    /// The next attempt to connect again after a lost connection, if one waits.
    reconnect: RefCell<Option<Timeout>>,
    /// Attempts since the connection was last good.
    attempts: Cell<u32>,
    /// Counts starts and ends: an attempt to connect again that was waiting for the server
    /// when the person left (or another session started) does not start.
    generation: Cell<u64>,
    /// Our media state as last set: a session made after a lost connection starts with it.
    media_state: RefCell<Option<MediaState>>,
    /// The simulcast layer last asked for (SFU modes): a session made after a lost
    /// connection asks for it too, since the page asks only when its tiles change.
    video_layer: Cell<Option<u8>>,
}

/// Two handles are equal when they reach the same sessions: the context changes only
/// when the meeting page is mounted anew.
impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared)
    }
}

impl SessionHandle {
    /// A handle whose sessions report into the app state through `dispatcher`.
    pub(crate) fn new(dispatcher: UseReducerDispatcher<AppState>) -> Self {
        let handle = Self {
            shared: Rc::new(Shared {
                dispatcher,
                session: RefCell::new(None),
                reconnect: RefCell::new(None),
                attempts: Cell::new(0),
                generation: Cell::new(0),
                media_state: RefCell::new(None),
                video_layer: Cell::new(None),
            }),
        };
        #[cfg(feature = "test-hooks")]
        handle.expose_rogue_commit();
        handle
    }

    /// Test builds: `window.__conclaveTestHooks.rogueCommit(kind, name)` makes this page a
    /// rogue member (`services::test_hooks`).
    #[cfg(feature = "test-hooks")]
    fn expose_rogue_commit(&self) {
        use conclave_group::RogueCommit;
        // Weak: the page's hook must not keep the sessions alive.
        let shared = Rc::downgrade(&self.shared);
        crate::services::test_hooks::expose_rogue_commit(move |kind, name| {
            let Some(shared) = shared.upgrade() else {
                return false;
            };
            let handle = SessionHandle { shared };
            let Some(view) = handle
                .session()
                .and_then(|session| session.inner.borrow().group.clone())
            else {
                return false;
            };
            let member = |name: &str| {
                view.members
                    .iter()
                    .find(|member| member.display_name == name)
                    .map(|member| member.leaf_index)
            };
            let commit = match kind {
                "add" => view
                    .knocks
                    .iter()
                    .find(|knock| knock.display_name == name)
                    .map(|knock| RogueCommit::AddParticipant(knock.participant_id)),
                "remove" => member(name).map(RogueCommit::RemoveLeaf),
                "promote" => Some(RogueCommit::PromoteSelf),
                // An empty commit, signed as expelling `name`: the server closes its
                // connection.
                "expel" => view
                    .members
                    .iter()
                    .find(|member| member.display_name == name)
                    .and_then(|member| member.participant_id)
                    .map(|target| RogueCommit::ExpelWithoutRemoving {
                        target,
                        signed: true,
                    }),
                _ => None,
            };
            match commit {
                Some(commit) => handle.rogue_commit(commit),
                None => false,
            }
        });
    }

    /// Starts the session of `invite` (ending the one before, if any): joins with
    /// `display_name`, sends `local` and, instead of the camera, `screen` if one is shared.
    pub(crate) fn start(
        &self,
        invite: Invite,
        display_name: String,
        local: Option<MediaStream>,
        screen: Option<MediaStreamTrack>,
    ) {
        self.end();
        self.shared.attempts.set(0);
        self.start_session(invite, display_name, local, screen);
    }

    fn start_session(
        &self,
        invite: Invite,
        display_name: String,
        local: Option<MediaStream>,
        screen: Option<MediaStreamTrack>,
    ) {
        if let Some(screen) = &screen {
            // Shared before this session started: its end now brings this one's camera back.
            self.watch_screen_end(screen);
        }
        let on_lost = {
            // Weak: a session must not keep its owner alive.
            let shared = Rc::downgrade(&self.shared);
            Callback::from(move |close: CloseInfo| {
                if let Some(shared) = shared.upgrade() {
                    SessionHandle { shared }.connection_lost(close);
                }
            })
        };
        let session = MeetingSession::start(
            invite,
            display_name,
            local,
            screen,
            self.shared.dispatcher.clone(),
            on_lost,
            self.shared.attempts.get() > 0,
        );
        if let Some(state) = *self.shared.media_state.borrow() {
            session.set_media_state(MeetingMessage::MediaState(state));
        }
        if let Some(layer) = self.shared.video_layer.get() {
            session.prefer_video_layer(layer);
        }
        *self.shared.session.borrow_mut() = Some(session);
    }

    /// The session's signaling connection was lost. A meeting in progress connects again
    /// after a growing pause ([`reconnect_delay_ms`]) and is added again by the group's
    /// usual rules; if the server forgot the room (it restarted), it holds it again first.
    /// A refusal (a full room, another version, an unknown room on the first try) is shown.
    fn connection_lost(&self, close: CloseInfo) {
        let Some(session) = self.session() else {
            return;
        };
        let (invite, display_name, local, screen, had_joined) = {
            let inner = session.inner.borrow();
            (
                inner.invite.clone(),
                inner.display_name.clone(),
                inner.local.clone(),
                inner.screen.clone(),
                inner.you.is_some(),
            )
        };
        if had_joined {
            self.shared.attempts.set(0);
        }
        let in_meeting = had_joined || self.shared.attempts.get() > 0;
        let server_forgot_room = close.code == close_code::UNKNOWN_ROOM && in_meeting;
        if !in_meeting || !(is_worth_retrying(close.code) || server_forgot_room) {
            self.dispatch(Action::Disconnected(close.reason));
            return;
        }
        let attempt = self.shared.attempts.get() + 1;
        self.shared.attempts.set(attempt);
        self.dispatch(Action::Reconnecting {
            attempt,
            reason: close.reason,
        });
        let handle = self.clone();
        let generation = self.shared.generation.get();
        let retry = Timeout::new(reconnect_delay_ms(attempt), move || {
            handle.shared.reconnect.borrow_mut().take();
            if !server_forgot_room {
                handle.start_session(invite, display_name, local, screen);
                return;
            }
            spawn_local(async move {
                let held = crate::services::rooms::hold_room(invite.room_id()).await;
                if handle.shared.generation.get() != generation {
                    return;
                }
                match held {
                    // A member ended the meeting while we were away.
                    Err(RoomApiError::Status(GONE)) => {
                        handle.dispatch(Action::MeetingClosed(MeetingClosed::ServerEnded));
                    }
                    // Any other failure shows as the next attempt's refusal.
                    _ => handle.start_session(invite, display_name, local, screen),
                }
            });
        });
        *self.shared.reconnect.borrow_mut() = Some(retry);
    }

    /// No attempt to connect again starts from now on, also one waiting for the server.
    fn stop_reconnecting(&self) {
        self.shared.reconnect.borrow_mut().take();
        self.shared.generation.set(self.shared.generation.get() + 1);
    }

    /// Ends the running session, if any, and any attempt to connect again: the page no
    /// longer shows the meeting. Local capture is left to the page (the lobby keeps it).
    pub(crate) fn end(&self) {
        self.stop_reconnecting();
        let session = self.shared.session.borrow_mut().take();
        if let Some(session) = session {
            session.end(Ending::Left);
        }
    }

    /// "Leave": stops the camera, the microphone and the shared screen, ends the session
    /// (the server hears `leave`, every connection closes) and shows the "left" page.
    pub fn leave(&self) {
        self.stop_reconnecting();
        let session = self.shared.session.borrow_mut().take();
        if let Some(session) = session {
            let (local, screen) = session.capture();
            if let Some(local) = &local {
                media::stop_all(local);
            }
            if let Some(screen) = &screen {
                screen.stop();
            }
            session.end(Ending::Left);
        }
        self.dispatch(Action::Leave);
    }

    /// "Share screen": asks the browser for a screen and, once it is chosen, sends it
    /// instead of the camera (same encrypted sender, no renegotiation).
    pub fn share_screen(&self) {
        let handle = self.clone();
        spawn_local(async move {
            match media::start_screen_capture().await {
                Ok(screen) => {
                    handle.watch_screen_end(&screen);
                    handle.send_screen(Some(screen.clone()));
                    handle.dispatch(Action::ShareScreen(Some(screen)));
                }
                Err(error) => handle.dispatch(Action::MeetingError(
                    MeetingProblem::ScreenShareFailed(error),
                )),
            }
        });
    }

    /// "Stop sharing": ends the screen capture and sends the camera again.
    pub fn stop_sharing(&self) {
        let screen = self.session().and_then(|session| session.capture().1);
        if let Some(screen) = screen {
            screen.stop();
        }
        self.send_screen(None);
        self.dispatch(Action::ShareScreen(None));
    }

    /// The browser's own "Stop sharing" ends the screen track: back to the camera, as
    /// with ours. (Stopping the track ourselves fires nothing.)
    fn watch_screen_end(&self, screen: &MediaStreamTrack) {
        // Weak: a track whose end never fires must not keep the sessions alive.
        let shared = Rc::downgrade(&self.shared);
        let dispatcher = self.shared.dispatcher.clone();
        let ended = Closure::once_into_js(move || {
            if let Some(shared) = shared.upgrade() {
                SessionHandle { shared }.send_screen(None);
            }
            dispatcher.dispatch(Action::ShareScreen(None));
        });
        screen.set_onended(Some(ended.unchecked_ref()));
    }

    /// "Send" in the chat: sealed for the members, shown as ours once it went out. A
    /// message that could not go (too long, too many at once, not in the meeting yet)
    /// is refused and the chat says why.
    pub fn send_chat(&self, text: String) -> Result<(), ChatRefusal> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(ChatRefusal::Empty);
        }
        let session = self.session().ok_or(ChatRefusal::NotInMeeting)?;
        session
            .send_message(&MeetingMessage::Chat { text: text.clone() })
            .map_err(ChatRefusal::from)?;
        self.dispatch(Action::ChatSent {
            text,
            time: crate::services::local_time_label(),
            now_ms: crate::services::now_ms(),
        });
        Ok(())
    }

    /// Our microphone, camera, screen and hand as they are now: the members hear of a
    /// change.
    pub fn set_media_state(&self, state: MediaState) {
        *self.shared.media_state.borrow_mut() = Some(state);
        if let Some(session) = self.session() {
            session.set_media_state(MeetingMessage::MediaState(state));
        }
    }

    /// The local stream's microphone and camera may be other devices' tracks now: the
    /// meeting sends them through the same encrypting senders.
    pub fn local_tracks_changed(&self) {
        if let Some(session) = self.session() {
            session.local_tracks_changed();
        }
    }

    /// SFU modes: receive simulcast layer `layer` of every video (small tiles, low layers).
    pub fn prefer_video_layer(&self, layer: u8) {
        self.shared.video_layer.set(Some(layer));
        if let Some(session) = self.session() {
            session.prefer_video_layer(layer);
        }
    }

    /// "Raise hand" (`raised`) or "Lower hand".
    pub fn set_hand_raised(&self, raised: bool) {
        self.dispatch(Action::SetHandRaised(raised));
    }

    /// A reaction, shown on our tile and sent to the members.
    pub fn react(&self, reaction: Reaction) {
        let Some(session) = self.session() else {
            return;
        };
        if session
            .send_message(&MeetingMessage::Reaction { reaction })
            .is_ok()
        {
            self.dispatch(Action::OwnReaction {
                reaction,
                now_ms: crate::services::now_ms(),
            });
        }
    }

    /// "Admit": a chair lets a knocking participant in (its client commits the Add).
    pub fn admit(&self, participant: ParticipantId) {
        self.chair_action(move |group, now| group.admit(now, participant));
    }

    /// "Admit all": every knocking participant in.
    pub fn admit_all(&self) {
        self.chair_action(|group, now| group.admit_all(now));
    }

    /// "Deny": the knocking participant is told so and never added.
    pub fn deny(&self, participant: ParticipantId) {
        self.chair_action(move |group, now| group.deny(now, participant));
    }

    /// "Remove": the member with this signature key is removed from the group.
    pub fn remove_member(&self, member: Fingerprint) {
        self.chair_action(move |group, now| group.remove_member(now, &member));
    }

    /// "Make co-chair" (`chair`) or "Remove co-chair" for the member with this signature
    /// key.
    pub fn set_chair(&self, member: Fingerprint, chair: bool) {
        self.chair_action(move |group, now| group.set_chair(now, &member, chair));
    }

    /// "Lock" (`locked`) or "Unlock" the meeting.
    pub fn set_locked(&self, locked: bool) {
        self.chair_action(move |group, now| group.set_locked(now, locked));
    }

    /// "End for all": the meeting ends for everyone.
    pub fn end_for_all(&self) {
        self.chair_action(|group, now| group.end_meeting(now));
    }

    /// "New link": a new invite secret; the old link stops working for new knocks.
    pub fn new_link(&self) {
        self.chair_action(|group, now| group.new_invite_link(now));
    }

    /// Test builds: a rogue member's commit (`conclave_group::RogueCommit`).
    #[cfg(feature = "test-hooks")]
    pub(crate) fn rogue_commit(&self, commit: conclave_group::RogueCommit) -> bool {
        self.group_step(move |group, now| group.rogue_commit(now, commit))
    }

    /// Runs a chair action on the group; without a running group it did not go through.
    fn chair_action(&self, action: impl FnOnce(&mut MeetingGroup, u64) -> Vec<GroupEvent>) {
        self.dispatch(Action::DismissChairAlert);
        if !self.group_step(action) {
            self.dispatch(Action::ChairActionFailed);
        }
    }

    /// Runs `step` on the running session's group; false if there is none.
    fn group_step(&self, step: impl FnOnce(&mut MeetingGroup, u64) -> Vec<GroupEvent>) -> bool {
        let key_agreement = self
            .session()
            .and_then(|session| session.inner.borrow().key_agreement.clone());
        match key_agreement {
            Some(key_agreement) => {
                key_agreement.act(step);
                true
            }
            None => false,
        }
    }

    fn send_screen(&self, screen: Option<MediaStreamTrack>) {
        if let Some(session) = self.session() {
            session.send_screen(screen);
        }
    }

    fn session(&self) -> Option<MeetingSession> {
        self.shared.session.borrow().clone()
    }

    fn dispatch(&self, action: Action) {
        self.shared.dispatcher.dispatch(action);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_before_connecting_again_doubles_up_to_a_cap() {
        let pauses: Vec<u32> = (1..=6).map(reconnect_delay_ms).collect();
        assert_eq!(pauses, [1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
        assert_eq!(reconnect_delay_ms(u32::MAX), MAX_RECONNECT_DELAY_MS);
    }
}
