//! The server's room API: `POST /api/rooms`, and `PUT /api/rooms/{id}` after a restart.

use conclave_protocol::{CreatedRoom, RoomId};
use gloo::net::http::Request;

/// Why a room could not be created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoomApiError {
    /// The request did not reach the server.
    #[error("could not reach the server ({0})")]
    Network(String),
    /// The server answered with an error status.
    #[error("the server refused to create a meeting (HTTP {0})")]
    Status(u16),
    /// The reply was not a `CreatedRoom`.
    #[error("the server sent an unexpected reply")]
    BadReply,
}

/// Asks the server for a new room.
pub async fn create_room() -> Result<RoomId, RoomApiError> {
    let response = Request::post("/api/rooms")
        .send()
        .await
        .map_err(|error| RoomApiError::Network(error.to_string()))?;
    if !response.ok() {
        return Err(RoomApiError::Status(response.status()));
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
        return Err(RoomApiError::Status(response.status()));
    }
    Ok(())
}
