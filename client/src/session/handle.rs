//! [`SessionHandle`]: the one way components reach the meeting session. The meeting page
//! provides it as a context (`hooks::use_session`); a button calls a command on it, as
//! the server's routes call into its `app(state)`, instead of changing a prop that an
//! effect then compares.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStream, MediaStreamTrack};
use yew::UseReducerDispatcher;

use super::teardown::Ending;
use super::MeetingSession;
use crate::invite::Invite;
use crate::services::media;
use crate::state::{Action, AppState};

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
        Self {
            shared: Rc::new(Shared {
                dispatcher,
                session: RefCell::new(None),
            }),
        }
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
        if let Some(screen) = &screen {
            // Shared before this session started: its end now brings this one's camera back.
            self.watch_screen_end(screen);
        }
        let session = MeetingSession::start(
            invite,
            display_name,
            local,
            screen,
            self.shared.dispatcher.clone(),
        );
        *self.shared.session.borrow_mut() = Some(session);
    }

    /// Ends the running session, if any: the page no longer shows the meeting. Local
    /// capture is left to the page (the lobby keeps it).
    pub(crate) fn end(&self) {
        let session = self.shared.session.borrow_mut().take();
        if let Some(session) = session {
            session.end(Ending::Left);
        }
    }

    /// "Leave": stops the camera, the microphone and the shared screen, ends the session
    /// (the server hears `leave`, every connection closes) and shows the "left" page.
    pub fn leave(&self) {
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
                Err(error) => handle.dispatch(Action::MeetingError(format!(
                    "Screen sharing did not start: {error}"
                ))),
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
