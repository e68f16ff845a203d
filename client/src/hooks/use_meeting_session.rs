//! The meeting session's lifetime as a hook: it runs while the meeting page is mounted.
//! The session itself is [`crate::session`].

use web_sys::{MediaStream, MediaStreamTrack};
use yew::prelude::*;

use crate::invite::Invite;
use crate::session::SessionHandle;
use crate::state::AppState;

/// Runs a meeting session while the calling component is mounted (and restarts it if
/// the invite changes), and returns the handle components give commands to. Unmounting
/// leaves the meeting and closes everything. Without a dispatcher (no app context) it
/// does nothing and returns `None`.
/// `screen` is the screen being shared when the session starts, if any: sent instead of
/// the camera.
#[hook]
pub fn use_meeting_session(
    invite: Invite,
    display_name: String,
    local: Option<MediaStream>,
    screen: Option<MediaStreamTrack>,
    dispatcher: Option<UseReducerDispatcher<AppState>>,
) -> Option<SessionHandle> {
    let handle = use_memo((), move |_| dispatcher.map(SessionHandle::new));
    let handle = (*handle).clone();
    {
        let handle = handle.clone();
        use_effect_with(invite, move |invite| {
            if let Some(handle) = &handle {
                handle.start(invite.clone(), display_name, local, screen);
            }
            move || {
                if let Some(handle) = handle {
                    handle.end();
                }
            }
        });
    }
    handle
}
