//! Custom hooks (the app context, the code guard's word on the build, the meeting session
//! and its handle, the clock, the meeting's keyboard shortcuts, the microphone's level,
//! the interface's language, live announcements that a language switch does not repeat)
//! and the
//! app-level actions on local capture: starting it, and picking devices.

mod devices;
mod local_media;
mod use_app;
mod use_build_integrity;
mod use_clock;
mod use_live_announcement;
mod use_meeting_session;
mod use_meeting_shortcuts;
mod use_microphone_level;
mod use_session;
mod use_translator;

pub use devices::{choose_device, refresh_devices, watch_local_tracks};
pub use local_media::start_local_media;
pub use use_app::{use_app, AppContext};
pub use use_build_integrity::{
    use_build_integrity, use_watched_build_integrity, BuildIntegrityContext,
};
pub use use_clock::use_clock;
pub use use_live_announcement::{use_live_announcement, LiveAnnouncement};
pub use use_meeting_session::use_meeting_session;
pub use use_meeting_shortcuts::use_meeting_shortcuts;
pub use use_microphone_level::use_microphone_level;
pub use use_session::use_session;
pub use use_translator::{use_translator, LanguageContext};
