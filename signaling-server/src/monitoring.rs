//! The endpoints a load balancer and a monitoring system call: `GET /livez` (liveness),
//! `GET /healthz` (readiness) and `GET /metrics` (Prometheus).
//!
//! Liveness says only that the process serves HTTP: restart it when this fails. Readiness
//! says whether it can hold a meeting now: with an SFU configured, only while its
//! connection to the SFU is up; send it no new meetings when this fails. A server whose
//! Janus is down still serves the meetings it holds (their participants see
//! `sfu_unavailable` until Janus is back), so it must not be restarted for that. With
//! several instances, readiness also needs the link to Redis: an instance that lost it
//! closed every tunnel and opens none.

use axum::extract::{MatchedPath, State};
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::config::MediaConfig;
use crate::metrics::CONTENT_TYPE;
use crate::state::AppState;

/// One dependency's state in the readiness answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Reachable.
    Up,
    /// Configured but unreachable.
    Down,
    /// Not configured (mesh mode has no SFU).
    NotUsed,
}

/// What each dependency readiness looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Checks {
    /// The SFU (Janus) connection.
    pub sfu: CheckStatus,
    /// The Redis that several instances share rooms through (`crate::cluster`).
    pub redis: CheckStatus,
}

/// The body of `GET /healthz`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: &'static str,
    /// Each dependency.
    pub checks: Checks,
}

impl Checks {
    /// Whether every configured dependency is up.
    fn all_up(self) -> bool {
        self.sfu != CheckStatus::Down && self.redis != CheckStatus::Down
    }
}

/// The dependencies' state now, read without waiting on anything.
fn checks(state: &AppState) -> Checks {
    let sfu = match &state.config().media {
        MediaConfig::Mesh => CheckStatus::NotUsed,
        MediaConfig::Janus(_) if state.metrics().sfu_connected() => CheckStatus::Up,
        MediaConfig::Janus(_) => CheckStatus::Down,
    };
    let redis = match state.cluster() {
        None => CheckStatus::NotUsed,
        Some(cluster) if cluster.is_up() => CheckStatus::Up,
        Some(_) => CheckStatus::Down,
    };
    Checks { sfu, redis }
}

/// The log span of one HTTP request: its method and route (`/ws/{room_id}`), never its
/// path, which names the room on a room's page, socket and hold (the room id is the
/// invite link's capability). The app's files, served without a route, show as such.
pub(crate) fn http_request_span<B>(request: &Request<B>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(app files)", MatchedPath::as_str);
    tracing::debug_span!("request", method = %request.method(), route)
}

/// `GET /livez`: 200 `ok` while the process serves HTTP.
pub(crate) async fn livez() -> &'static str {
    "ok"
}

/// `GET /healthz`: 200 when every configured dependency is up, else 503; the JSON body
/// says which (`{"status":"ready","checks":{"sfu":"up","redis":"not_used"}}`).
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    let checks = checks(&state);
    let (status, word) = if checks.all_up() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not_ready")
    };
    let body = Readiness {
        status: word,
        checks,
    };
    (status, Json(body)).into_response()
}

/// `GET /metrics`: every series, in Prometheus' text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let rooms = state.rooms().len();
    if let Some(cluster) = state.cluster() {
        state.metrics().set_redis_up(cluster.is_up());
    }
    let text = state.metrics().render(rooms, state.open_connections());
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}
