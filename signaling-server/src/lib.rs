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
//! (`POST /api/rooms`, `PUT /api/rooms/{id}`), `monitoring` (`/livez`, `/healthz`,
//! `/metrics`) and [`metrics`] (the series and the join/leave/commit log lines),
//! [`room_creation`] (who may
//! create and hold rooms: a secret or a portal's token, no IO), [`rate_limits`] (per-address
//! and per-connection budgets, no IO) and `http_limits` (their HTTP edge),
//! `organisations` (`GET /organisations`: the organisations whose members meetings may
//! verify), [`static_files`] (the app and the security headers), [`sfu`] (SFU rooms: their lifecycle, no IO, and the Janus
//! adapter, an actor at the edge), [`error`] (the one error type). With the cargo feature
//! `test-hooks` only: `handshake_faults` (fault injection for the end-to-end suite,
//! `POST /test/faults`), `hostile` (a hostile server's attacks, `POST /test/hostile`) and
//! `static_overlay` (a server swapping the app's files, `PUT /test/static-overlay`).

pub mod cluster;
pub mod config;
mod connection;
pub mod delivery_service;
pub mod error;
#[cfg(feature = "test-hooks")]
pub mod handshake_faults;
#[cfg(feature = "test-hooks")]
pub mod hostile;
mod http_api;
mod http_limits;
pub mod metrics;
mod monitoring;
mod organisations;
mod peer;
pub mod rate_limits;
pub mod room_creation;
pub mod room_id;
pub mod rooms;
pub mod sfu;
pub mod state;
pub mod static_files;
#[cfg(feature = "test-hooks")]
pub mod static_overlay;

use std::future::Future;
use std::net::SocketAddr;
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

/// Seconds since the Unix epoch, 0 if the clock reads before it: tokens then fail their
/// `nbf` or look too long-lived, TURN credentials are already expired, certificates and
/// revocation lists are judged at 1970 (each fails closed).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// The whole HTTP surface, `/metrics` included.
pub fn app(state: AppState) -> Router {
    app_with(state, true)
}

/// The endpoints a metrics listener serves (`--metrics-listen`): `/metrics`, `/livez`,
/// `/healthz`.
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/livez", get(monitoring::livez))
        .route("/healthz", get(monitoring::healthz))
        .route("/metrics", get(monitoring::metrics))
        .with_state(state)
}

/// The whole HTTP surface; `/metrics` only if `serve_metrics`.
fn app_with(state: AppState, serve_metrics: bool) -> Router {
    let room_creation_limit =
        axum::middleware::from_fn_with_state(state.clone(), http_limits::limit_room_creations);
    let websocket_open_limit =
        axum::middleware::from_fn_with_state(state.clone(), http_limits::limit_websocket_opens);
    let api = Router::new()
        .route("/livez", get(monitoring::livez))
        .route("/healthz", get(monitoring::healthz))
        .route(
            "/api/rooms",
            post(http_api::create_room).route_layer(room_creation_limit.clone()),
        )
        .route(
            "/api/rooms/{room_id}",
            put(http_api::hold_room).route_layer(room_creation_limit),
        )
        .route(
            "/ws/{room_id}",
            get(connection::open_room_socket).route_layer(websocket_open_limit),
        )
        .merge(organisations::routes(&state.config().organisations));
    let api = if serve_metrics {
        api.route("/metrics", get(monitoring::metrics))
    } else {
        api
    };
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
    let sfu_urls: Vec<String> = state
        .config()
        .janus_servers()
        .into_iter()
        .map(|janus| janus.url.clone())
        .collect();
    let sfu_urls: Vec<&str> = sfu_urls.iter().map(String::as_str).collect();
    let router = api
        .merge(app_files)
        .layer(TraceLayer::new_for_http().make_span_with(monitoring::http_request_span))
        .with_state(state);
    static_files::with_security_headers(router, &app_policy, &sfu_urls)
}

/// Serves on `listener` until `shutdown` completes, then closes every WebSocket
/// (1001) and waits briefly for them to end.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    serve(listener, None, config, shutdown).await
}

/// Like [`run`], with `/metrics` served on `metrics_listener` (with `/livez` and
/// `/healthz`, see [`metrics_app`]) and no longer on `listener`.
pub async fn run_with_metrics_listener(
    listener: TcpListener,
    metrics_listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    serve(listener, Some(metrics_listener), config, shutdown).await
}

async fn serve(
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
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
                &config.extra_janus,
                config.max_participants,
                events,
                metrics.sfu_probe(),
            );
            (Some(handle), Some(receiver))
        }
        None => (None, None),
    };
    let sfu_commands = sfu.as_ref().map(|handle| handle.commands.clone());
    let (cluster, arrivals) = match &config.cluster {
        Some(settings) => {
            let (cluster, arrivals) = cluster::Cluster::join(settings.redis_url().expose()).await?;
            tracing::info!(
                instance = cluster.instance().as_str(),
                "sharing rooms with other instances through Redis"
            );
            (Some(cluster), Some(arrivals))
        }
        None => (None, None),
    };
    let state = AppState::new(config, sfu_commands, metrics, cluster);
    let sweeper = tokio::spawn(sweep_rooms_periodically(state.clone()));
    let cluster_tasks = arrivals.map(|arrivals| {
        (
            tokio::spawn(serve_tunnels(state.clone(), arrivals)),
            tokio::spawn(keep_cluster_rooms_periodically(state.clone())),
        )
    });
    let sfu_reports =
        sfu_events.map(|events| tokio::spawn(apply_sfu_events(state.clone(), events)));
    let metrics_on_main = metrics_listener.is_none();
    let metrics_server =
        metrics_listener.map(|listener| tokio::spawn(serve_metrics(listener, state.clone())));
    let on_shutdown = state.clone();
    // The peer's address feeds the per-address rate limits (`http_limits`).
    let service = app_with(state.clone(), metrics_on_main)
        .into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
            on_shutdown.begin_shutdown();
            if let Some(cluster) = on_shutdown.cluster() {
                cluster.release_all_leases().await;
            }
        })
        .await;
    state.begin_shutdown();
    sweeper.abort();
    if let Some((tunnels, keeper)) = cluster_tasks {
        tunnels.abort();
        keeper.abort();
    }
    state.wait_for_connections(SHUTDOWN_GRACE).await;
    if let Some(cluster) = state.cluster() {
        cluster.stop();
    }
    if let Some(metrics_server) = metrics_server {
        metrics_server.abort();
    }
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

/// Serves the participants that other instances carry to rooms homed here.
async fn serve_tunnels(
    state: AppState,
    mut arrivals: mpsc::Receiver<cluster::tunnel::IncomingTunnel>,
) {
    while let Some(arrival) = arrivals.recv().await {
        tokio::spawn(connection::serve_tunnel(state.clone(), arrival));
    }
}

/// Renews the home leases of the rooms served here (`AppState::keep_cluster_rooms`).
async fn keep_cluster_rooms_periodically(state: AppState) {
    let mut ticks = tokio::time::interval(cluster::HOME_RENEWAL_PERIOD);
    // A slow round of renewals is followed by a full period, not by a burst of catch-ups.
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        state.keep_cluster_rooms().await;
    }
}

/// Serves [`metrics_app`] on `listener` until shutdown begins.
async fn serve_metrics(listener: TcpListener, state: AppState) {
    let mut shutting_down = state.shutdown_signal();
    let served = axum::serve(listener, metrics_app(state))
        .with_graceful_shutdown(async move {
            let _ = shutting_down.wait_for(|&down| down).await;
        })
        .await;
    if let Err(error) = served {
        tracing::error!(%error, "the metrics listener failed");
    }
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
