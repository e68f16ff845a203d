//! The JSON API: `POST /api/rooms`, `PUT /api/rooms/{id}`; with the feature `test-hooks`,
//! `/test/faults` and `/test/hostile` too. Health and metrics are in `monitoring`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use conclave_protocol::{ApiErrorCode, CreatedRoom, RoomId};

use crate::error::{api_error, Error};
use crate::room_creation::CreationRefused;
use crate::state::AppState;
use crate::unix_now;

/// `POST /api/rooms`: creates an empty room with a fresh random id (201), or 503 when
/// the server already holds its maximum number of rooms. On a server that lets only
/// invited organisers create rooms, 401 without their credential (`room_creation`).
pub(crate) async fn create_room(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    if let Err(refusal) = state
        .room_creation()
        .check_creation(authorization, unix_now())
    {
        return creation_refused(refusal);
    }
    let created = match state.create_room() {
        Ok(room_id) => state.announce_room(&room_id).await.map(|()| room_id),
        Err(error) => Err(error),
    };
    match created {
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

/// `PUT /api/rooms/{id}`: holds the room `id` again, empty, if the server does not hold it
/// (200 either way): the clients of a meeting in progress call it when the server forgot
/// their room (it restarted). 410 for a room a member ended, 400 for a malformed id, 503
/// as for `POST /api/rooms`. The
/// room only relays; who may join the meeting is the members' group's business. On a
/// server that gates creation, 401 unless the request carries a creation credential or
/// this room's hold token (handed to every member in `joined`), whether or not the room
/// exists.
pub(crate) async fn hold_room(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(room_id) = RoomId::parse(&id) else {
        return (StatusCode::BAD_REQUEST, "malformed room id").into_response();
    };
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    if let Err(refusal) = state
        .room_creation()
        .check_hold(&room_id, authorization, unix_now())
    {
        return creation_refused(refusal);
    }
    let held = match state.was_ended_in_cluster(&room_id).await {
        Ok(true) => Err(Error::RoomEnded),
        Ok(false) => match state.hold_room(room_id.clone()) {
            Ok(()) => state.announce_room(&room_id).await,
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    match held {
        Ok(()) => Json(CreatedRoom { room_id }).into_response(),
        Err(Error::RoomEnded) => (StatusCode::GONE, "this meeting was ended").into_response(),
        Err(Error::TooManyRooms) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ApiErrorCode::TooManyRooms,
            "the server already holds its maximum number of rooms; try again later",
        ),
        Err(error) => {
            tracing::error!(%error, "could not hold a room");
            api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                ApiErrorCode::ServerBusy,
                "could not hold the room; try again",
            )
        }
    }
}

/// 401 `creation_not_allowed`, saying why (never the credential).
fn creation_refused(refusal: CreationRefused) -> Response {
    tracing::debug!(%refusal, "room creation refused");
    let mut response = api_error(
        StatusCode::UNAUTHORIZED,
        ApiErrorCode::CreationNotAllowed,
        &refusal.to_string(),
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"conclave\""),
    );
    response
}

/// `GET /test/faults`: what is armed (feature `test-hooks`).
#[cfg(feature = "test-hooks")]
pub(crate) async fn faults(
    State(state): State<AppState>,
) -> Json<crate::handshake_faults::FaultsStatus> {
    Json(state.rooms().faults())
}

/// `POST /test/faults`: arms the faults the body names (feature `test-hooks`); 200 with
/// what is armed, or 409 when too many are armed already.
#[cfg(feature = "test-hooks")]
pub(crate) async fn arm_faults(
    State(state): State<AppState>,
    Json(request): Json<crate::handshake_faults::FaultRequest>,
) -> Response {
    let armed = state.rooms().arm_faults(request);
    match armed {
        Ok(status) => Json(status).into_response(),
        Err(error) => (StatusCode::CONFLICT, error.to_string()).into_response(),
    }
}

/// `DELETE /test/faults`: disarms everything and drops held commits (feature
/// `test-hooks`).
#[cfg(feature = "test-hooks")]
pub(crate) async fn clear_faults(
    State(state): State<AppState>,
) -> Json<crate::handshake_faults::FaultsStatus> {
    Json(state.rooms().clear_faults())
}

/// `GET /test/hostile`: the armed hostile modes and what they did (feature `test-hooks`).
#[cfg(feature = "test-hooks")]
pub(crate) async fn hostile(State(state): State<AppState>) -> Json<crate::hostile::HostileStatus> {
    Json(state.rooms().hostile())
}

/// `POST /test/hostile`: turns the server against one room's users (feature
/// `test-hooks`); 200 with what is armed, or 409 when too many rooms are armed.
#[cfg(feature = "test-hooks")]
pub(crate) async fn arm_hostile(
    State(state): State<AppState>,
    Json(request): Json<crate::hostile::HostileRequest>,
) -> Response {
    let armed = state.rooms().arm_hostile(request);
    match armed {
        Ok(status) => Json(status).into_response(),
        Err(error) => (StatusCode::CONFLICT, error.to_string()).into_response(),
    }
}

/// `DELETE /test/hostile`: disarms every hostile mode (feature `test-hooks`).
#[cfg(feature = "test-hooks")]
pub(crate) async fn clear_hostile(
    State(state): State<AppState>,
) -> Json<crate::hostile::HostileStatus> {
    Json(state.rooms().clear_hostile())
}

/// `POST /test/hostile/key-package`: a well-formed MLS KeyPackage whose credential names the
/// given participant, for a rogue client without the invite secret (feature `test-hooks`).
#[cfg(feature = "test-hooks")]
pub(crate) async fn rogue_key_package(
    Json(request): Json<crate::hostile::RogueKeyPackageRequest>,
) -> Response {
    let built = crate::hostile::server_group::rogue_key_package(
        &request.display_name,
        request.participant_id,
    );
    match built {
        Ok(key_package) => Json(crate::hostile::RogueKeyPackage {
            key_package: conclave_protocol::Bytes(key_package),
        })
        .into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}
