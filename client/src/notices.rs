//! What the app tells the person beside the meeting itself (a device that went away, a
//! problem in the meeting), kept as what happened and worded when shown, in the language
//! on screen then. A browser's or server's own words stay as they came, as the detail.

use crate::i18n::Translator;
use crate::media_source::MediaKind;

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
        /// Why the default device did not start (the browser's words).
        error: String,
    },
    /// The device the person picked could not be started.
    NotStarted {
        /// Why (the browser's words).
        error: String,
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
                    ("error", error.into()),
                ],
            ),
            DeviceNotice::NotStarted { error } => {
                t.with("device-notice-not-started", &[("error", error.into())])
            }
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
            MeetingProblem::Failed(detail) => {
                t.with("meeting-problem-failed", &[("detail", detail.into())])
            }
        }
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
        let none = DeviceNotice::NoneLeft {
            lost: MediaKind::Video,
            error: "NotFoundError".into(),
        };
        assert_eq!(
            none.text(t),
            "Your camera was disconnected, and no other could be started (NotFoundError)."
        );
        let picked = DeviceNotice::NotStarted {
            error: "NotReadableError".into(),
        };
        assert_eq!(
            picked.text(t),
            "That device could not be started (NotReadableError)."
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
