//! The JSON API and health check: `POST /api/rooms`, `GET /healthz`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use conclave_protocol::{ApiError, ApiErrorCode, CreatedRoom};

use crate::error::Error;
use crate::state::AppState;

/// `GET /healthz`: the process is up and serving.
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// `POST /api/rooms`: creates an empty room with a fresh random id (201), or 503 when
/// the server already holds its maximum number of rooms.
pub(crate) async fn create_room(State(state): State<AppState>) -> Response {
    match state.create_room() {
        Ok(room_id) => (StatusCode::CREATED, Json(CreatedRoom { room_id })).into_response(),
        Err(Error::TooManyRooms) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ApiErrorCode::TooManyRooms,
            "the server already holds its maximum number of rooms; try again later",
        ),
        Err(error) => {
            tracing::error!(%error, "could not create a room");
            api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                ApiErrorCode::ServerBusy,
                "could not create a room; try again",
            )
        }
    }
}

/// A JSON error reply.
pub(crate) fn api_error(status: StatusCode, code: ApiErrorCode, message: &str) -> Response {
    let body = ApiError {
        code,
        message: message.to_owned(),
    };
    (status, Json(body)).into_response()
}
