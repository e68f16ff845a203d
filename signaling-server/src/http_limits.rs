//! The per-address limits at the HTTP edge: a middleware in front of the room routes
//! (`POST /api/rooms`, `PUT /api/rooms/{id}`) and one in front of WebSocket opens. Over
//! budget, the request is answered 429 with [`ApiErrorCode::RateLimited`] and
//! `Retry-After`, before its handler runs (so before any credential is checked). The
//! budgets are in [`crate::rate_limits`].
//!
//! The client address is the TCP peer's (axum's `ConnectInfo`, which `run` provides), or
//! what a trusted proxy's `X-Forwarded-For` names. A router served without `ConnectInfo`
//! puts every client at the unspecified address, in one shared budget.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use conclave_protocol::ApiErrorCode;

use crate::error::api_error;
use crate::rate_limits::{client_address, AddressLimit};
use crate::state::AppState;

/// Spends a room creation for the client, or answers 429.
pub(crate) async fn limit_room_creations(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    limited(&state, AddressLimit::RoomCreation, request, next).await
}

/// Spends a WebSocket open for the client, or answers 429.
pub(crate) async fn limit_websocket_opens(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    limited(&state, AddressLimit::WebSocketOpen, request, next).await
}

async fn limited(state: &AppState, limit: AddressLimit, request: Request, next: Next) -> Response {
    let address = client_of(&request, &state.config().limits.trusted_proxies);
    match state.spend_address_budget(limit, address) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let message = match limit {
                AddressLimit::RoomCreation => {
                    "too many rooms created or held from this address; try again later"
                }
                AddressLimit::WebSocketOpen => {
                    "too many connections opened from this address; try again later"
                }
            };
            let mut response = api_error(
                StatusCode::TOO_MANY_REQUESTS,
                ApiErrorCode::RateLimited,
                message,
            );
            // Whole seconds, rounded up: a client waiting that long finds a unit back.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response
        }
    }
}

/// The address `request` counts against.
fn client_of(request: &Request, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |info| info.0.ip());
    // A header value that is not text names no address; the proxy then stands for it.
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .map(|value| value.to_str().unwrap_or("-"))
        .collect();
    client_address(peer, forwarded.into_iter(), trusted_proxies)
}
