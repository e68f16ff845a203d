//! What the app tells the person beside the meeting itself (a device that went away, a
//! problem in the meeting), kept as what happened and worded when shown, in the language
//! on screen then. A browser's or server's own words stay as they came, as the detail.

use crate::i18n::Translator;
use crate::media_source::MediaKind;
use crate::services::media::MediaError;

/// A change of camera or microphone the person did not ask for, or one that failed.
#[derive(Clone, Debug, PartialEq)]
pub enum DeviceNotice {
    /// A device was unplugged; the default one is used now.
    Replaced {
        /// The kind of device unplugged.
        lost: MediaKind,
    },
    /// A device was unplugged and no other could be started.
    NoneLeft {
        /// The kind of device unplugged.
        lost: MediaKind,
        /// Why the default device did not start.
        error: MediaError,
    },
    /// The device the person picked could not be started.
    NotStarted {
        /// Why.
        error: MediaError,
    },
}

impl DeviceNotice {
    /// The notice in `t`'s language.
    pub fn text(&self, t: Translator) -> String {
        let lost_id = |kind: &MediaKind| match kind {
            MediaKind::Audio => "device-notice-microphone-lost",
            MediaKind::Video => "device-notice-camera-lost",
        };
        match self {
            DeviceNotice::Replaced { lost } => t.with(
                "device-notice-replaced",
                &[("device", t.get(lost_id(lost)).into())],
            ),
            DeviceNotice::NoneLeft { lost, error } => t.with(
                "device-notice-none-left",
                &[
                    ("device", t.get(lost_id(lost)).into()),
                    ("error", error.text(t).into()),
                ],
            ),
            DeviceNotice::NotStarted { error } => t.with(
                "device-notice-not-started",
                &[("error", error.text(t).into())],
            ),
        }
    }
}

/// A problem in the meeting that does not end it.
#[derive(Clone, Debug, PartialEq)]
pub enum MeetingProblem {
    /// The server refused something (its own words).
    ServerSaid(String),
    /// Screen sharing did not start (the browser's words).
    ScreenShareFailed(String),
    /// A member's connection details did not carry their signature: not connected to
    /// them (someone between may be tampering).
    PeerRefused {
        /// The member, by their credential's name.
        name: String,
        /// What was wrong, in the words of the code that checked.
        detail: String,
    },
    /// A failure in this browser's media or keys, described by the code that met it.
    Failed(String),
}

impl MeetingProblem {
    /// The problem in `t`'s language.
    pub fn text(&self, t: Translator) -> String {
        match self {
            MeetingProblem::ServerSaid(message) => {
                t.with("meeting-problem-server-said", &[("detail", message.into())])
            }
            MeetingProblem::ScreenShareFailed(error) => {
                t.with("meeting-problem-screen-share", &[("error", error.into())])
            }
            MeetingProblem::PeerRefused { name, detail } => t.with(
                "meeting-problem-peer-refused",
                &[("name", name.into()), ("detail", detail.into())],
            ),
            MeetingProblem::Failed(detail) => {
                t.with("meeting-problem-failed", &[("detail", detail.into())])
            }
        }
    }
}

/// Why encryption is unavailable or failed, so that the meeting was not joined (or was
/// left).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncryptionFailure {
    /// The browser has neither encoded-transform API.
    Unsupported,
    /// The encryption worker did not start in time.
    WorkerSlow,
    /// This browser's signature key could not be made.
    NoIdentity(String),
    /// Anything else, in the words of the code that met it.
    Other(String),
}

impl EncryptionFailure {
    /// The failure in `t`'s language.
    pub fn text(&self, t: Translator) -> String {
        match self {
            EncryptionFailure::Unsupported => t.get("encryption-failure-unsupported"),
            EncryptionFailure::WorkerSlow => t.get("encryption-failure-worker-slow"),
            EncryptionFailure::NoIdentity(detail) => t.with(
                "encryption-failure-no-identity",
                &[("detail", detail.into())],
            ),
            EncryptionFailure::Other(detail) => detail.clone(),
        }
    }
}

/// Why the connection to the meeting server closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The server does not know the meeting.
    UnknownRoom,
    /// The meeting has as many people as the server takes.
    RoomFull,
    /// The server did not understand this page.
    NotUnderstood,
    /// The page did not keep up with the server.
    TooSlow,
    /// A message was larger than the server takes.
    TooLarge,
    /// The page is from another version than the server.
    OtherVersion,
    /// The server stopped answering.
    Stalled,
    /// The connection went away without a close (a network change, a crash).
    Lost,
    /// Another code, without a reason.
    Code(u16),
    /// Another code, with the server's own words.
    ServerSaid(String),
}

impl CloseReason {
    /// The reason in `t`'s language.
    pub fn text(&self, t: Translator) -> String {
        let id = match self {
            CloseReason::UnknownRoom => "close-unknown-room",
            CloseReason::RoomFull => "close-room-full",
            CloseReason::NotUnderstood => "close-not-understood",
            CloseReason::TooSlow => "close-too-slow",
            CloseReason::TooLarge => "close-too-large",
            CloseReason::OtherVersion => "close-other-version",
            CloseReason::Stalled => "close-stalled",
            CloseReason::Lost => "close-lost",
            CloseReason::Code(code) => {
                return t.with("close-code", &[("code", u32::from(*code).into())])
            }
            CloseReason::ServerSaid(words) => return words.clone(),
        };
        t.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn notices_read_as_before_in_english() {
        let t = Translator::new(Language::English);
        let lost = DeviceNotice::Replaced {
            lost: MediaKind::Audio,
        };
        assert_eq!(
            lost.text(t),
            "Your microphone was disconnected: another one is used now."
        );
        let refused = |name: &str| MediaError::Refused {
            name: Some(name.to_owned()),
            detail: format!("{name}: the browser's words"),
        };
        let none = DeviceNotice::NoneLeft {
            lost: MediaKind::Video,
            error: refused("NotFoundError"),
        };
        assert_eq!(
            none.text(t),
            "Your camera was disconnected, and no other could be started (No camera or microphone was found.)."
        );
        let picked = DeviceNotice::NotStarted {
            error: refused("NotReadableError"),
        };
        assert_eq!(
            picked.text(t),
            "That device could not be started (The camera or microphone is in use by another program.)."
        );
        assert_eq!(
            refused("TypeError").text(t),
            "The camera and microphone could not be started (TypeError: the browser's words)."
        );
        assert_eq!(
            MeetingProblem::ServerSaid("slow down".into()).text(t),
            "The server said: slow down"
        );
        assert_eq!(
            MeetingProblem::ScreenShareFailed("NotAllowedError".into()).text(t),
            "Screen sharing did not start: NotAllowedError"
        );
        assert_eq!(MeetingProblem::Failed("oops".into()).text(t), "oops");
    }

    #[test]
    fn notices_are_worded_in_the_language_on_screen() {
        let german = Translator::new(Language::German);
        let text = DeviceNotice::Replaced {
            lost: MediaKind::Video,
        }
        .text(german);
        assert!(text.contains("Kamera"), "{text}");
    }
}
