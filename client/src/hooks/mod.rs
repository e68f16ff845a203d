//! Custom hooks (the app context, the meeting session and its handle, the clock, the
//! meeting's keyboard shortcuts) and the one app-level action that starts local capture.

mod local_media;
mod use_app;
mod use_clock;
mod use_meeting_session;
mod use_meeting_shortcuts;
mod use_session;

pub use local_media::start_local_media;
pub use use_app::{use_app, AppContext};
pub use use_clock::use_clock;
pub use use_meeting_session::use_meeting_session;
pub use use_meeting_shortcuts::use_meeting_shortcuts;
pub use use_session::use_session;
