//! The server's room API: `POST /api/rooms`, and `PUT /api/rooms/{id}` after a restart.

use conclave_protocol::{ApiError, ApiErrorCode, CreatedRoom, RoomId};
use gloo::net::http::{Request, Response};

use crate::i18n::Translator;

/// Why a room could not be created or held. The page words it with
/// [`RoomApiError::text`]; the words of the browser or server are its
/// [`RoomApiError::detail`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RoomApiError {
    /// The request did not reach the server (the browser's words).
    #[error("could not reach the server ({0})")]
    Network(String),
    /// The server refused, saying why in its API's error body.
    #[error("the server refused: {} ({:?})", .0.message, .0.code)]
    Refused(ApiError),
    /// The server answered with another error status.
    #[error("the server answered with HTTP status {0}")]
    Status(u16),
    /// The reply was not a `CreatedRoom`.
    #[error("the server sent an unexpected reply")]
    BadReply,
}

impl RoomApiError {
    /// What the page says, in `t`'s language (without the detail).
    pub fn text(&self, t: Translator) -> String {
        match self {
            RoomApiError::Network(_) => t.get("room-error-network"),
            RoomApiError::Refused(ApiError {
                code: ApiErrorCode::TooManyRooms,
                ..
            }) => t.get("room-error-too-many-rooms"),
            RoomApiError::Refused(ApiError {
                code: ApiErrorCode::ServerBusy,
                ..
            }) => t.get("room-error-server-busy"),
            RoomApiError::Refused(ApiError {
                code: ApiErrorCode::CreationNotAllowed,
                ..
            }) => t.get("room-error-creation-not-allowed"),
            RoomApiError::Status(status) => {
                t.with("room-error-status", &[("code", u32::from(*status).into())])
            }
            RoomApiError::BadReply => t.get("room-error-bad-reply"),
        }
    }

    /// The words of the browser or server, for support.
    pub fn detail(&self) -> Option<&str> {
        match self {
            RoomApiError::Network(detail) => Some(detail),
            RoomApiError::Refused(error) => Some(&error.message),
            RoomApiError::Status(_) | RoomApiError::BadReply => None,
        }
    }

    /// An error status `status` whose body is `body`: the server's refusal when the body
    /// is its API's error, else the bare status.
    fn of_reply(status: u16, body: &str) -> Self {
        serde_json::from_str::<ApiError>(body)
            .map_or(RoomApiError::Status(status), RoomApiError::Refused)
    }
}

/// Asks the server for a new room.
pub async fn create_room() -> Result<RoomId, RoomApiError> {
    let response = Request::post("/api/rooms")
        .send()
        .await
        .map_err(|error| RoomApiError::Network(error.to_string()))?;
    if !response.ok() {
        return Err(refusal(response).await);
    }
    let created: CreatedRoom = response.json().await.map_err(|_| RoomApiError::BadReply)?;
    Ok(created.room_id)
}

/// Asks the server to hold room `room` again (`PUT /api/rooms/{id}`): after a server
/// restart, the room of a meeting in progress is unknown to it. Nothing secret is involved:
/// the room only relays, and the meeting's keys live in its members' group.
pub async fn hold_room(room: &RoomId) -> Result<(), RoomApiError> {
    let response = Request::put(&format!("/api/rooms/{room}"))
        .send()
        .await
        .map_err(|error| RoomApiError::Network(error.to_string()))?;
    if !response.ok() {
        return Err(refusal(response).await);
    }
    Ok(())
}

/// The error an error status `response` stands for.
async fn refusal(response: Response) -> RoomApiError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    RoomApiError::of_reply(status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    const BROWSER_WORDS: &str = "TypeError: NetworkError when attempting to fetch resource.";

    #[test]
    fn the_servers_refusals_are_worded_by_their_code() {
        let t = Translator::new(Language::English);
        let too_many = RoomApiError::of_reply(
            503,
            r#"{"code":"too_many_rooms","message":"the server already holds its maximum number of rooms; try again later"}"#,
        );
        assert_eq!(
            too_many.text(t),
            "The server is hosting as many meetings as it can. Try again later."
        );
        assert_eq!(
            too_many.detail(),
            Some("the server already holds its maximum number of rooms; try again later")
        );
        let busy = RoomApiError::of_reply(
            503,
            r#"{"code":"server_busy","message":"could not create a room; try again"}"#,
        );
        assert_eq!(
            busy.text(t),
            "The server is too busy to start a meeting. Try again in a moment."
        );
    }

    #[test]
    fn other_statuses_and_failures_are_worded_without_the_servers_words() {
        let t = Translator::new(Language::English);
        let gone = RoomApiError::of_reply(410, "this meeting was ended");
        assert_eq!(gone, RoomApiError::Status(410));
        assert_eq!(
            gone.text(t),
            "The server refused the request (HTTP status 410). Try again later."
        );
        assert_eq!(gone.detail(), None);
        let network = RoomApiError::Network(BROWSER_WORDS.to_owned());
        assert_eq!(
            network.text(t),
            "The server could not be reached. Check your connection and try again."
        );
        assert_eq!(network.detail(), Some(BROWSER_WORDS));
        assert_eq!(
            RoomApiError::BadReply.text(t),
            "The server's answer could not be read. Try again, or reload the page."
        );
    }

    #[test]
    fn every_error_reads_in_german_and_french() {
        let errors = [
            RoomApiError::Network(BROWSER_WORDS.to_owned()),
            RoomApiError::of_reply(503, r#"{"code":"too_many_rooms","message":"m"}"#),
            RoomApiError::of_reply(503, r#"{"code":"server_busy","message":"m"}"#),
            RoomApiError::Status(500),
            RoomApiError::BadReply,
        ];
        for language in [Language::German, Language::French] {
            let t = Translator::new(language);
            for error in &errors {
                let text = error.text(t);
                let english = error.text(Translator::new(Language::English));
                assert_ne!(text, english, "{language:?}: {error:?}");
                // Neither an id shown for a missing message nor a variable left unfilled.
                assert!(
                    !text.contains("room-error") && !text.contains('{'),
                    "{text}"
                );
                assert!(!text.contains(BROWSER_WORDS), "{text}");
            }
        }
    }
}
