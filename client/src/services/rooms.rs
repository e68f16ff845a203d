//! The server's room API: `POST /api/rooms`, and `PUT /api/rooms/{id}` after a restart,
//! each with the credential [`room_credentials`] kept, if any.

use conclave_protocol::{ApiError, ApiErrorCode, CreatedRoom, RoomId};
use gloo::net::http::{Request, RequestBuilder, Response};

use crate::i18n::Translator;
use crate::services::{room_credentials, sleep_ms};

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
            RoomApiError::Refused(ApiError {
                code: ApiErrorCode::RateLimited,
                ..
            }) => t.get("room-error-rate-limited"),
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

/// `request` with `Authorization: Bearer credential`, if there is a credential.
fn authorized(request: RequestBuilder, credential: Option<String>) -> RequestBuilder {
    match credential {
        Some(credential) => request.header("Authorization", &format!("Bearer {credential}")),
        None => request,
    }
}

/// Asks the server for a new room (with the organiser's creation credential, if this tab
/// was opened from the portal's link).
pub async fn create_room() -> Result<RoomId, RoomApiError> {
    let response = send_retrying_when_limited(|| {
        let request = Request::post("/api/rooms");
        authorized(request, room_credentials::creation_credential())
    })
    .await?;
    if !response.ok() {
        return Err(refusal(response).await);
    }
    let created: CreatedRoom = response.json().await.map_err(|_| RoomApiError::BadReply)?;
    Ok(created.room_id)
}

/// Asks the server to hold room `room` again (`PUT /api/rooms/{id}`): after a server
/// restart, the room of a meeting in progress is unknown to it. No meeting secret is
/// involved (the room only relays; the keys live in its members' group); a server that
/// gates creation wants the room's hold token from `joined`.
pub async fn hold_room(room: &RoomId) -> Result<(), RoomApiError> {
    let response = send_retrying_when_limited(|| {
        let request = Request::put(&format!("/api/rooms/{room}"));
        authorized(request, room_credentials::hold_credential(room))
    })
    .await?;
    if !response.ok() {
        return Err(refusal(response).await);
    }
    Ok(())
}

/// Retries after HTTP 429 (this address's budget of room requests is spent).
const RATE_LIMIT_RETRIES: u32 = 3;
/// Longest wait before a retry, whatever `Retry-After` says: beyond it the person decides.
const LONGEST_RETRY_WAIT_MS: u32 = 10_000;

/// Sends the request `build` makes; after a 429, waits as its `Retry-After` asks (at most
/// [`LONGEST_RETRY_WAIT_MS`]) and sends it again, up to [`RATE_LIMIT_RETRIES`] times, so a
/// burst of rooms held again behind one NAT after a server restart gets through unaided.
async fn send_retrying_when_limited(
    build: impl Fn() -> RequestBuilder,
) -> Result<Response, RoomApiError> {
    let mut retries = 0;
    loop {
        let response = build()
            .send()
            .await
            .map_err(|error| RoomApiError::Network(error.to_string()))?;
        let retry_after = response.headers().get("retry-after");
        match retry_wait_ms(response.status(), retry_after.as_deref(), retries) {
            Some(wait_ms) => {
                retries += 1;
                sleep_ms(wait_ms).await;
            }
            None => return Ok(response),
        }
    }
}

/// How long to wait before retrying a request answered `status` with `Retry-After:
/// retry_after` after `retries` retries; `None`: do not retry.
fn retry_wait_ms(status: u16, retry_after: Option<&str>, retries: u32) -> Option<u32> {
    if status != 429 || retries >= RATE_LIMIT_RETRIES {
        return None;
    }
    let seconds = retry_after
        .and_then(|text| text.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    Some(seconds.saturating_mul(1000).min(LONGEST_RETRY_WAIT_MS))
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
    fn a_rate_limited_request_is_retried_a_few_times_after_retry_after() {
        assert_eq!(retry_wait_ms(429, Some("2"), 0), Some(2_000));
        assert_eq!(retry_wait_ms(429, None, 0), Some(1_000));
        assert_eq!(retry_wait_ms(429, Some("garbage"), 1), Some(1_000));
        assert_eq!(retry_wait_ms(429, Some("0"), 1), Some(1_000));
        assert_eq!(
            retry_wait_ms(429, Some("3600"), 2),
            Some(LONGEST_RETRY_WAIT_MS)
        );
        assert_eq!(retry_wait_ms(429, Some("1"), RATE_LIMIT_RETRIES), None);
        for status in [200, 201, 400, 410, 503] {
            assert_eq!(retry_wait_ms(status, Some("1"), 0), None);
        }
        let t = Translator::new(Language::English);
        let limited = RoomApiError::of_reply(429, r#"{"code":"rate_limited","message":"m"}"#);
        assert_eq!(
            limited.text(t),
            "This network asked for too many meetings in a short time. Wait a minute, then try again."
        );
    }

    #[test]
    fn a_gated_server_s_refusal_sends_the_organiser_to_the_portal_link() {
        let t = Translator::new(Language::English);
        let refused = RoomApiError::of_reply(
            401,
            r#"{"code":"creation_not_allowed","message":"the room-creation token has expired"}"#,
        );
        assert_eq!(
            refused.text(t),
            "This server lets only invited organisers create meetings; open the link your organisation gave you."
        );
        assert_eq!(
            refused.detail(),
            Some("the room-creation token has expired")
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
            RoomApiError::of_reply(401, r#"{"code":"creation_not_allowed","message":"m"}"#),
            RoomApiError::of_reply(429, r#"{"code":"rate_limited","message":"m"}"#),
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
