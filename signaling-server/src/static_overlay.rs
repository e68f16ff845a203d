//! Test-only (feature `test-hooks`): the server swaps the app's code, as a coerced operator
//! would, so that the end-to-end suite can show the pinned client refusing it.
//!
//! - `PUT /test/static-overlay {"dir": "/abs/path"}`: from now on a file present under
//!   `dir` is served instead of the www tree's file of the same path (`/` and `/m/{id}`
//!   take `dir/index.html`); files absent there still come from the www tree. `DELETE`
//!   serves the www tree alone again.
//! - `POST /test/tamper-marker?file=NAME`: counts one run of tampered code (the tampered
//!   files call it); `GET` answers the counts, so a test can prove that code never ran.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tower_http::services::ServeFile;

/// The overlay directory and the tamper marks, shared by the routes and the middleware.
#[derive(Clone, Default)]
pub struct StaticOverlay {
    inner: Arc<Mutex<Overlay>>,
}

#[derive(Default)]
struct Overlay {
    dir: Option<PathBuf>,
    marks: BTreeMap<String, u64>,
}

impl StaticOverlay {
    fn with<T>(&self, f: impl FnOnce(&mut Overlay) -> T) -> T {
        // A panic while holding this lock cannot leave it half-changed: every change is
        // one assignment.
        let mut overlay = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut overlay)
    }
}

/// The body of `PUT /test/static-overlay`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayRequest {
    /// An absolute directory whose files replace the www tree's.
    pub dir: PathBuf,
}

/// The query of `POST /test/tamper-marker`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerQuery {
    /// Which tampered file ran.
    pub file: String,
}

/// The answer of `GET /test/tamper-marker`.
#[derive(Serialize)]
pub struct MarkerCounts {
    /// How often each tampered file ran.
    pub counts: BTreeMap<String, u64>,
}

/// The most distinct marker names kept (the endpoint is open to any page).
const MAX_MARKERS: usize = 64;

/// The `/test/static-overlay` and `/test/tamper-marker` routes.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>(overlay: StaticOverlay) -> Router<S> {
    Router::new()
        .route(
            "/test/static-overlay",
            put(set_overlay).delete(clear_overlay),
        )
        .route("/test/tamper-marker", put(mark).post(mark).get(marks))
        .with_state(overlay)
}

async fn set_overlay(
    State(overlay): State<StaticOverlay>,
    Json(request): Json<OverlayRequest>,
) -> Response {
    if !request.dir.is_absolute() || !request.dir.is_dir() {
        return (
            StatusCode::BAD_REQUEST,
            "the overlay must be an existing absolute directory",
        )
            .into_response();
    }
    overlay.with(|o| o.dir = Some(request.dir));
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_overlay(State(overlay): State<StaticOverlay>) -> StatusCode {
    overlay.with(|o| o.dir = None);
    StatusCode::NO_CONTENT
}

async fn mark(State(overlay): State<StaticOverlay>, Query(query): Query<MarkerQuery>) -> Response {
    overlay.with(|o| {
        if o.marks.len() >= MAX_MARKERS && !o.marks.contains_key(&query.file) {
            return StatusCode::TOO_MANY_REQUESTS.into_response();
        }
        *o.marks.entry(query.file).or_default() += 1;
        StatusCode::NO_CONTENT.into_response()
    })
}

async fn marks(State(overlay): State<StaticOverlay>) -> Json<MarkerCounts> {
    Json(MarkerCounts {
        counts: overlay.with(|o| o.marks.clone()),
    })
}

/// Middleware on the app's files: answers from the overlay directory when it holds the
/// requested file.
pub(crate) async fn serve_overlaid(
    State(overlay): State<StaticOverlay>,
    request: Request,
    next: Next,
) -> Response {
    let Some(dir) = overlay.with(|o| o.dir.clone()) else {
        return next.run(request).await;
    };
    let Some(file) = overlaid_file(&dir, request.uri().path()) else {
        return next.run(request).await;
    };
    match ServeFile::new(file).try_call(request).await {
        Ok(response) => response.map(Body::new),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

/// The overlay's file for a URL path, if it has one; never a path outside `dir`.
fn overlaid_file(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = if url_path == "/" || url_path.starts_with("/m/") {
        "index.html"
    } else {
        url_path.strip_prefix('/')?
    };
    let relative = Path::new(relative);
    if !relative
        .components()
        .all(|part| matches!(part, Component::Normal(_)))
    {
        return None;
    }
    let file = dir.join(relative);
    file.is_file().then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_overlay_are_served() {
        let dir = std::env::temp_dir().join(format!("conclave-overlay-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("pkg/client.js"), "x").unwrap();
        assert_eq!(overlaid_file(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(overlaid_file(&dir, "/m/abc"), Some(dir.join("index.html")));
        assert_eq!(
            overlaid_file(&dir, "/pkg/client.js"),
            Some(dir.join("pkg/client.js"))
        );
        assert_eq!(overlaid_file(&dir, "/app.js"), None);
        assert_eq!(overlaid_file(&dir, "/../etc/passwd"), None);
        assert_eq!(overlaid_file(&dir, "/pkg/../index.html"), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
