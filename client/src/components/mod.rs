//! Function components, one file per part of the screen.

mod broken_invite;
mod chair_controls;
mod closed;
mod controls;
mod e2ee_banner;
mod encryption_status;
mod home;
mod knock_prompt;
mod left;
mod lobby;
mod media_toggles;
mod meeting;
mod member_actions;
mod roster_panel;
mod security_code_panel;
mod tile;
mod video_view;

pub use broken_invite::{BrokenInvitePage, NotFoundPage};
pub use chair_controls::{ChairActionAlert, ChairControls};
pub use closed::ClosedPage;
pub use controls::Controls;
pub use e2ee_banner::E2eeBanner;
pub use encryption_status::EncryptionStatusLine;
pub use home::HomePage;
pub use knock_prompt::KnockPrompt;
pub use left::LeftPage;
pub use lobby::LobbyPage;
pub use media_toggles::MediaToggles;
pub use meeting::MeetingPage;
pub use member_actions::MemberActions;
pub use roster_panel::RosterPanel;
pub use security_code_panel::SecurityCodePanel;
pub use tile::{LocalTile, RemoteTile};
pub use video_view::VideoView;
