//! Conclave's signaling server: serves the built app, creates rooms, and relays
//! signaling between the participants of a room over WebSockets. It never sees a media
//! key (those come from the participants' MLS group), nor the invite secret, which stays in
//! the invite link's URL fragment.
//!
//! For each room it is also the MLS Delivery Service (RFC 9420 section 14): it orders the
//! group's commits, relays KeyPackages and routes Welcomes, without reading any of them.
//!
//! Layout: [`config`] (flags and [`Config`]), [`rooms`] (room state, no IO),
//! [`delivery_service`] (a room's MLS handshake ordering, no IO), `connection` (one
//! WebSocket), `peer` (a participant's outbound queue, as the rooms hold it), `http_api`
//! (`POST /api/rooms`, `PUT /api/rooms/{id}`, `/healthz`), [`static_files`] (the app and
//! the security headers), [`sfu`] (SFU rooms: their lifecycle, no IO, and the Janus
//! adapter, an actor at the edge), [`error`] (the one error type). With the cargo feature
//! `test-hooks` only: `handshake_faults` (fault injection for the end-to-end suite,
//! `POST /test/faults`), `hostile` (a hostile server's attacks, `POST /test/hostile`) and
//! `static_overlay` (a server swapping the app's files, `PUT /test/static-overlay`).

pub mod config;
mod connection;
pub mod delivery_service;
pub mod error;
#[cfg(feature = "test-hooks")]
pub mod handshake_faults;
#[cfg(feature = "test-hooks")]
pub mod hostile;
mod http_api;
pub mod metrics;
mod monitoring;
mod peer;
pub mod rate_limits;
pub mod room_id;
pub mod room_creation;
pub mod rooms;
pub mod sfu;
pub mod state;
pub mod static_files;
#[cfg(feature = "test-hooks")]
pub mod static_overlay;

use std::future::Future;
use std::time::Duration;

use axum::routing::{get, post, put};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tower_http::trace::TraceLayer;

pub use config::{Cli, Config, Settings};
pub use error::Error;
pub use state::AppState;

/// How long shutdown waits for WebSocket connections to close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How long shutdown waits for the SFU actor to take the last commands.
const SFU_SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/livez", get(monitoring::livez))
        .route("/healthz", get(monitoring::healthz))
        .route("/metrics", get(monitoring::metrics))
        .route("/api/rooms", post(http_api::create_room))
        .route("/api/rooms/{room_id}", put(http_api::hold_room))
        .route("/ws/{room_id}", get(connection::open_room_socket));
    #[cfg(feature = "test-hooks")]
    let api = api
        .route(
            "/test/faults",
            get(http_api::faults)
                .post(http_api::arm_faults)
                .delete(http_api::clear_faults),
        )
        .route(
            "/test/hostile",
            get(http_api::hostile)
                .post(http_api::arm_hostile)
                .delete(http_api::clear_hostile),
        )
        .route(
            "/test/hostile/key-package",
            post(http_api::rogue_key_package),
        );
    #[cfg(feature = "test-hooks")]
    let overlay = static_overlay::StaticOverlay::default();
    #[cfg(feature = "test-hooks")]
    let api = api.merge(static_overlay::routes(overlay.clone()));
    let app_files = static_files::routes(&state.config().www_dir);
    #[cfg(feature = "test-hooks")]
    let app_files = app_files.layer(axum::middleware::from_fn_with_state(
        overlay,
        static_overlay::serve_overlaid,
    ));
    // `run` refused to start on a manifest it cannot read; a router made without it falls
    // back to the base policy, which blocks the page's import map: fail closed.
    let app_policy = static_files::app_policy(&state.config().www_dir).unwrap_or_else(|error| {
        tracing::error!("{error}");
        conclave_release::csp::BASE_CONTENT_SECURITY_POLICY.to_owned()
    });
    let sfu_url = match &state.config().media {
        config::MediaConfig::Janus(janus) => Some(janus.url.clone()),
        config::MediaConfig::Mesh => None,
    };
    let router = api
        .merge(app_files)
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    static_files::with_security_headers(router, &app_policy, sfu_url.as_deref())
}

/// Serves on `listener` until `shutdown` completes, then closes every WebSocket
/// (1001) and waits briefly for them to end.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    config.check_www_dir()?;
    static_files::app_policy(&config.www_dir)?;
    #[cfg(feature = "test-hooks")]
    tracing::warn!(
        "built with test-hooks: POST /test/faults can drop handshake messages, \
         POST /test/hostile turns the server against its users, \
         PUT /test/static-overlay swaps the app's files"
    );
    let metrics = metrics::Metrics::new(&config);
    let (sfu, sfu_events) = match sfu::endpoint_for(&config.media) {
        Some(endpoint) => {
            let (events, receiver) = mpsc::channel(sfu::EVENT_QUEUE);
            let handle = sfu::spawn(
                &endpoint,
                config.max_participants,
                events,
                metrics.sfu_probe(),
            );
            (Some(handle), Some(receiver))
        }
        None => (None, None),
    };
    let sfu_commands = sfu.as_ref().map(|handle| handle.commands.clone());
    let state = AppState::new(config, sfu_commands, metrics);
    let sweeper = tokio::spawn(sweep_rooms_periodically(state.clone()));
    let sfu_reports =
        sfu_events.map(|events| tokio::spawn(apply_sfu_events(state.clone(), events)));
    let on_shutdown = state.clone();
    let served = axum::serve(listener, app(state.clone()))
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
            on_shutdown.begin_shutdown();
        })
        .await;
    state.begin_shutdown();
    sweeper.abort();
    state.wait_for_connections(SHUTDOWN_GRACE).await;
    if let Some(sfu) = sfu {
        // Let the actor destroy the SFU rooms of the meetings that just ended.
        state.wait_for_sfu_commands(SFU_SHUTDOWN_GRACE).await;
        sfu.task.abort();
    }
    if let Some(reports) = sfu_reports {
        reports.abort();
    }
    served.map_err(Error::Serve)
}

/// Hands the SFU actor's reports to the rooms.
async fn apply_sfu_events(state: AppState, mut events: mpsc::Receiver<sfu::SfuEvent>) {
    while let Some(event) = events.recv().await {
        state.apply_sfu_event(&event);
    }
}

/// Removes rooms left empty past their TTL, checking a few times per TTL.
async fn sweep_rooms_periodically(state: AppState) {
    let ttl = state.config().empty_room_ttl;
    let period = (ttl / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
    let mut ticks = tokio::time::interval(period);
    loop {
        ticks.tick().await;
        let removed = state.sweep_rooms();
        if removed > 0 {
            tracing::debug!(removed, "swept empty rooms");
        }
    }
}
