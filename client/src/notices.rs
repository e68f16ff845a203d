//! What the app tells the person beside the meeting itself (a device that went away, a
//! problem in the meeting), kept as what happened and worded when shown, in the language
//! on screen then. A browser's or server's own words stay as they came, as the detail.

use conclave_protocol::ErrorCode;

use crate::i18n::{Arg, Translator};
use crate::media_source::MediaKind;
use crate::services::media::{MediaError, MediaFailure};

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

    /// The browser's own words, for support.
    pub fn detail(&self) -> Option<&str> {
        match self {
            DeviceNotice::Replaced { .. } => None,
            DeviceNotice::NoneLeft { error, .. } | DeviceNotice::NotStarted { error } => {
                error.detail()
            }
        }
    }
}

/// A problem in the meeting that does not end it. The sentence ([`MeetingProblem::text`])
/// says what happened in the person's terms; the words of the code, browser or server
/// that met it are its [`MeetingProblem::detail`], shown folded away and never inside the
/// sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum MeetingProblem {
    /// The server refused a request of this page.
    Server {
        /// Why, as a code (a newer server's code is [`ErrorCode::Unknown`]).
        code: ErrorCode,
        /// The server's own words.
        message: String,
    },
    /// A message from the server could not be read.
    ServerMessageUnreadable(String),
    /// A message could not be sent to the server.
    NotSent(String),
    /// Screen sharing did not start.
    ScreenShareFailed(MediaError),
    /// A member's connection details did not carry their signature: not connected to
    /// them (someone between may be tampering).
    PeerRefused {
        /// The member, by their credential's name (`None`: not in our view of the group).
        name: Option<String>,
        /// What was wrong, in the words of the code that checked.
        detail: String,
    },
    /// The connection to another participant failed.
    PeerConnectionFailed(String),
    /// Audio or video received from another participant could not be decrypted or
    /// played, so it is not shown.
    ReceivedMediaFailed(String),
    /// The encryption worker could not be told who may send in the meeting.
    SendersNotUpdated(String),
}

impl MeetingProblem {
    /// The problem in `t`'s language (without its detail).
    pub fn text(&self, t: Translator) -> String {
        let id = match self {
            MeetingProblem::Server { code, .. } => server_error_message_id(*code),
            MeetingProblem::ServerMessageUnreadable(_) => "meeting-problem-server-unreadable",
            MeetingProblem::NotSent(_) => "meeting-problem-not-sent",
            MeetingProblem::ScreenShareFailed(error) => screen_share_message_id(error),
            MeetingProblem::PeerRefused {
                name: Some(name), ..
            } => return t.with("meeting-problem-peer-refused", &[("name", Arg::name(name))]),
            MeetingProblem::PeerRefused { name: None, .. } => {
                "meeting-problem-peer-refused-unnamed"
            }
            MeetingProblem::PeerConnectionFailed(_) => "meeting-problem-peer-connection",
            MeetingProblem::ReceivedMediaFailed(_) => "meeting-problem-received-media",
            MeetingProblem::SendersNotUpdated(_) => "meeting-problem-senders-not-updated",
        };
        t.get(id)
    }

    /// The words of the code, browser or server that met the problem, for support.
    pub fn detail(&self) -> Option<&str> {
        let detail = match self {
            MeetingProblem::Server { message, .. } => message,
            MeetingProblem::ScreenShareFailed(error) => return error.detail(),
            MeetingProblem::PeerRefused { detail, .. }
            | MeetingProblem::ServerMessageUnreadable(detail)
            | MeetingProblem::NotSent(detail)
            | MeetingProblem::PeerConnectionFailed(detail)
            | MeetingProblem::ReceivedMediaFailed(detail)
            | MeetingProblem::SendersNotUpdated(detail) => detail,
        };
        non_empty(detail)
    }
}

/// The sentence for the server's refusal `code`: what happened, and what to do.
fn server_error_message_id(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::MalformedMessage => "server-error-malformed-message",
        ErrorCode::NotJoined => "server-error-not-joined",
        ErrorCode::AlreadyJoined => "server-error-already-joined",
        ErrorCode::UnknownParticipant => "server-error-unknown-participant",
        ErrorCode::RoomFull => "server-error-room-full",
        ErrorCode::UnknownRoom => "server-error-unknown-room",
        ErrorCode::MessageTooBig => "server-error-message-too-big",
        ErrorCode::GroupExists => "server-error-group-exists",
        ErrorCode::NoGroup => "server-error-no-group",
        ErrorCode::RateLimited => "server-error-rate-limited",
        ErrorCode::InvalidJoinChallenge => "server-error-invalid-join-challenge",
        ErrorCode::SfuUnavailable => "server-error-sfu-unavailable",
        ErrorCode::NotAMember => "server-error-not-a-member",
        ErrorCode::NotKnocking => "server-error-not-knocking",
        ErrorCode::Unknown => "server-error-unknown",
    }
}

/// The sentence for a screen capture that did not start, by the browser's error name.
fn screen_share_message_id(error: &MediaError) -> &'static str {
    match error.failure() {
        // The person cancelled the browser's picker, or the browser or a policy refused.
        MediaFailure::Blocked => "meeting-problem-screen-share-not-allowed",
        MediaFailure::InUse | MediaFailure::NotFound => "meeting-problem-screen-share-not-captured",
        MediaFailure::NoMediaApi | MediaFailure::NotSupported => {
            "meeting-problem-screen-share-unsupported"
        }
        MediaFailure::Other => "meeting-problem-screen-share-failed",
    }
}

/// Why encryption is unavailable or failed, so that the meeting was not joined (or was
/// left). The sentence ([`EncryptionFailure::text`]) completes "Encryption is not
/// available"; the words of the code that met it are its [`EncryptionFailure::detail`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncryptionFailure {
    /// The browser has neither encoded-transform API.
    Unsupported,
    /// The encryption worker did not start in time.
    WorkerSlow,
    /// The encryption worker could not be started (the browser's words).
    WorkerNotStarted(String),
    /// The encryption worker stopped: it could not load, or refused the meeting's cipher
    /// suite or a key (its words).
    WorkerStopped(String),
    /// A new key could not be handed to the encryption worker (the browser's words).
    KeyNotHandedOver(String),
    /// This browser's signature key could not be made (the words of the code that tried).
    NoIdentity(String),
}

impl EncryptionFailure {
    /// The failure in `t`'s language (without its detail).
    pub fn text(&self, t: Translator) -> String {
        t.get(match self {
            EncryptionFailure::Unsupported => "encryption-failure-unsupported",
            EncryptionFailure::WorkerSlow => "encryption-failure-worker-slow",
            EncryptionFailure::WorkerNotStarted(_) => "encryption-failure-worker-not-started",
            EncryptionFailure::WorkerStopped(_) => "encryption-failure-worker-stopped",
            EncryptionFailure::KeyNotHandedOver(_) => "encryption-failure-key-not-handed-over",
            EncryptionFailure::NoIdentity(_) => "encryption-failure-no-identity",
        })
    }

    /// The words of the code that met the failure, for support.
    pub fn detail(&self) -> Option<&str> {
        match self {
            EncryptionFailure::Unsupported | EncryptionFailure::WorkerSlow => None,
            EncryptionFailure::WorkerNotStarted(detail)
            | EncryptionFailure::WorkerStopped(detail)
            | EncryptionFailure::KeyNotHandedOver(detail)
            | EncryptionFailure::NoIdentity(detail) => non_empty(detail),
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
    /// The meeting has no media server (mesh) and holds this many, its most: such
    /// meetings stay small because each browser sends to every other.
    MeshFull(usize),
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
    /// Another code, with the server's own words (its [`CloseReason::detail`]).
    ServerSaid {
        /// The WebSocket close code.
        code: u16,
        /// The close frame's reason.
        words: String,
    },
}

impl CloseReason {
    /// The reason in `t`'s language (without its detail).
    pub fn text(&self, t: Translator) -> String {
        let id = match self {
            CloseReason::UnknownRoom => "close-unknown-room",
            CloseReason::RoomFull => "close-room-full",
            CloseReason::MeshFull(most) => {
                return t.with("close-mesh-full", &[("count", (*most).into())])
            }
            CloseReason::NotUnderstood => "close-not-understood",
            CloseReason::TooSlow => "close-too-slow",
            CloseReason::TooLarge => "close-too-large",
            CloseReason::OtherVersion => "close-other-version",
            CloseReason::Stalled => "close-stalled",
            CloseReason::Lost => "close-lost",
            CloseReason::Code(code) | CloseReason::ServerSaid { code, .. } => {
                return t.with("close-code", &[("code", u32::from(*code).into())])
            }
        };
        t.get(id)
    }

    /// The server's own words, if it gave a reason the page has no sentence for.
    pub fn detail(&self) -> Option<&str> {
        match self {
            CloseReason::ServerSaid { words, .. } => non_empty(words),
            _ => None,
        }
    }
}

/// How much of a detail is shown: a hostile server's words are not a page long.
const MAX_DETAIL_CHARS: usize = 500;

/// `detail`, cut to [`MAX_DETAIL_CHARS`], unless there is nothing in it.
fn non_empty(detail: &str) -> Option<&str> {
    let detail = detail.trim();
    let detail = detail
        .char_indices()
        .nth(MAX_DETAIL_CHARS)
        .map_or(detail, |(end, _)| &detail[..end]);
    Some(detail).filter(|detail| !detail.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{as_read, Language};

    #[test]
    fn a_detail_is_cut_to_its_limit() {
        let long = "é".repeat(MAX_DETAIL_CHARS + 10);
        let problem = MeetingProblem::Server {
            code: conclave_protocol::ErrorCode::Unknown,
            message: long,
        };
        assert_eq!(
            problem.detail().map(|d| d.chars().count()),
            Some(MAX_DETAIL_CHARS)
        );
        assert_eq!(non_empty("  "), None);
    }

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
            "The camera and microphone could not be started."
        );
        assert_eq!(
            picked.detail(),
            Some("NotReadableError: the browser's words")
        );
        assert_eq!(lost.detail(), None);
    }

    /// Words a browser, library or server might write: never inside a sentence.
    const THEIR_WORDS: &str = "OperationError: the browser's own words";

    fn screen_share(name: Option<&str>) -> MeetingProblem {
        MeetingProblem::ScreenShareFailed(MediaError::Refused {
            name: name.map(str::to_owned),
            detail: THEIR_WORDS.to_owned(),
        })
    }

    /// One of every problem the meeting shows (every server code), with its English.
    fn meeting_problems() -> Vec<(MeetingProblem, &'static str)> {
        let server = |code| MeetingProblem::Server {
            code,
            message: THEIR_WORDS.to_owned(),
        };
        vec![
            (server(ErrorCode::MalformedMessage), "The server could not read a message from this page. If the meeting stops working, reload the page."),
            (server(ErrorCode::NotJoined), "The server got a message from this page before it had joined. If the meeting stops working, reload the page."),
            (server(ErrorCode::AlreadyJoined), "This page asked the server to join twice. If the meeting stops working, reload the page."),
            (server(ErrorCode::UnknownParticipant), "A message could not be delivered: that person is no longer connected to the meeting."),
            (server(ErrorCode::RoomFull), "The meeting is full."),
            (server(ErrorCode::UnknownRoom), "This meeting does not exist on the server."),
            (server(ErrorCode::MessageTooBig), "A message was too large for the server, so it was not delivered."),
            (server(ErrorCode::GroupExists), "Someone else started the meeting's encryption at the same moment. If you are not let in shortly, reload the page."),
            (server(ErrorCode::NoGroup), "The meeting's encryption has not started on the server yet. If you are not let in shortly, reload the page."),
            (server(ErrorCode::RateLimited), "This page sent too many messages in a short time. Wait a moment, then try again."),
            (server(ErrorCode::InvalidJoinChallenge), "The server refused this page's check for people joining with the link; nothing changed. If others cannot get in, reload the page."),
            (server(ErrorCode::SfuUnavailable), "The media server cannot be reached. The server keeps trying; audio and video start once it answers."),
            (server(ErrorCode::NotAMember), "Only people already in the encrypted meeting can do that; nothing changed."),
            (server(ErrorCode::NotKnocking), "That person is already in the meeting; nothing changed."),
            (server(ErrorCode::Unknown), "The server refused a request from this page. If the meeting stops working, reload the page."),
            (MeetingProblem::ServerMessageUnreadable(THEIR_WORDS.to_owned()), "A message from the server could not be read. If the meeting stops working, reload the page."),
            (MeetingProblem::NotSent(THEIR_WORDS.to_owned()), "A message could not be sent to the server. If the meeting stops working, check your connection and reload the page."),
            (screen_share(Some("NotAllowedError")), "Screen sharing did not start: it was cancelled, or the browser does not allow it on this page."),
            (screen_share(Some("NotReadableError")), "Your screen could not be captured. Try again, or choose another screen or window."),
            (screen_share(Some("AbortError")), "Your screen could not be captured. Try again, or choose another screen or window."),
            (screen_share(Some("NotSupportedError")), "This browser cannot share your screen on this page."),
            (screen_share(Some("InvalidStateError")), "Screen sharing did not start. Try again."),
            (screen_share(None), "Screen sharing did not start. Try again."),
            (MeetingProblem::PeerRefused { name: Some("Ada".to_owned()), detail: THEIR_WORDS.to_owned() }, "Not connecting to Ada: their connection details could not be confirmed as theirs. Someone between you may be tampering with the connection."),
            (MeetingProblem::PeerRefused { name: None, detail: THEIR_WORDS.to_owned() }, "Not connecting to a participant: their connection details could not be confirmed as theirs. Someone between you may be tampering with the connection."),
            (MeetingProblem::PeerConnectionFailed(THEIR_WORDS.to_owned()), "The connection to another participant failed, so you may not see or hear them. Reloading the page may help."),
            (MeetingProblem::ReceivedMediaFailed(THEIR_WORDS.to_owned()), "Audio or video from another participant could not be decrypted or played, so it is not shown."),
            (MeetingProblem::SendersNotUpdated(THEIR_WORDS.to_owned()), "Encryption could not be told who is in the meeting now, so some audio or video may not be shown. Reloading the page may help."),
        ]
    }

    /// Every encryption failure that holds words, with its English.
    fn encryption_failures() -> Vec<(EncryptionFailure, &'static str)> {
        let words = || THEIR_WORDS.to_owned();
        vec![
            (EncryptionFailure::WorkerNotStarted(words()), "the encryption worker could not be started; reload the page to try again"),
            (EncryptionFailure::WorkerStopped(words()), "the encryption worker stopped, so that nothing is sent unencrypted; reload the page to try again"),
            (EncryptionFailure::KeyNotHandedOver(words()), "a new meeting key could not be handed to the encryption worker; reload the page to try again"),
            (EncryptionFailure::NoIdentity(words()), "no signature key could be made for this browser; reload the page to try again"),
        ]
    }

    #[test]
    fn each_problem_has_its_own_sentence_and_keeps_their_words_as_the_detail() {
        let t = Translator::new(Language::English);
        for (problem, english) in meeting_problems() {
            // As read: a name in the sentence is isolated (shown in a `<bdi>`).
            assert_eq!(as_read(&problem.text(t)), english, "{problem:?}");
            assert_eq!(problem.detail(), Some(THEIR_WORDS), "{problem:?}");
        }
        for (failure, english) in encryption_failures() {
            assert_eq!(failure.text(t), english, "{failure:?}");
            assert_eq!(failure.detail(), Some(THEIR_WORDS), "{failure:?}");
        }
        assert_eq!(EncryptionFailure::WorkerSlow.detail(), None);
        let said = CloseReason::ServerSaid {
            code: 4999,
            words: THEIR_WORDS.to_owned(),
        };
        assert_eq!(
            said.text(t),
            "The server closed the connection (code 4999)."
        );
        assert_eq!(said.detail(), Some(THEIR_WORDS));
        assert_eq!(CloseReason::Code(4999).text(t), said.text(t));
        assert_eq!(CloseReason::Lost.detail(), None);
    }

    #[test]
    fn a_problem_without_words_has_no_detail() {
        let problem = MeetingProblem::Server {
            code: ErrorCode::RateLimited,
            message: "  ".to_owned(),
        };
        assert_eq!(problem.detail(), None);
        let unsupported = MeetingProblem::ScreenShareFailed(MediaError::Unsupported);
        assert_eq!(unsupported.detail(), None);
        assert_eq!(
            unsupported.text(Translator::new(Language::English)),
            "This browser cannot share your screen on this page."
        );
    }

    /// Every problem's sentence in `t`'s language, after what it is.
    fn every_sentence(t: Translator) -> Vec<(String, String)> {
        let problems = meeting_problems()
            .into_iter()
            .map(|(problem, _)| (format!("{problem:?}"), problem.text(t)));
        let failures = encryption_failures()
            .into_iter()
            .map(|(failure, _)| (format!("{failure:?}"), failure.text(t)));
        let said = CloseReason::ServerSaid {
            code: 4999,
            words: THEIR_WORDS.to_owned(),
        };
        problems
            .chain(failures)
            .chain([(format!("{said:?}"), said.text(t))])
            .collect()
    }

    #[test]
    fn every_problem_reads_in_german_and_french_without_their_words() {
        let english = every_sentence(Translator::new(Language::English));
        for language in [Language::German, Language::French] {
            let translated = every_sentence(Translator::new(language));
            for ((what, text), (_, in_english)) in translated.iter().zip(&english) {
                assert_ne!(text, in_english, "{language:?}: {what}");
                // No id shown for a missing message, no variable left unfilled, and not
                // their words.
                assert!(
                    !text.contains("-problem-")
                        && !text.contains("server-error-")
                        && !text.contains("failure-")
                        && !text.contains('{')
                        && !text.contains(THEIR_WORDS),
                    "{language:?}: {what}: {text}"
                );
            }
        }
        // German and French problems that name someone name them.
        let refused = MeetingProblem::PeerRefused {
            name: Some("Ada".to_owned()),
            detail: THEIR_WORDS.to_owned(),
        };
        for language in [Language::German, Language::French] {
            assert!(refused.text(Translator::new(language)).contains("Ada"));
        }
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
