//! Test-only (feature `test-hooks`): the server swaps the app's code, as a coerced operator
//! would, so that the end-to-end suite can show the pinned client refusing it.
//!
//! - `PUT /test/static-overlay {"dir": "/abs/path"}`: from now on a file present under
//!   `dir` is served instead of the www tree's file of the same path (`/` and `/m/{id}`
//!   take `dir/index.html`); files absent there still come from the www tree. `DELETE`
//!   serves the www tree alone again. `dir` must be a directory inside the system's
//!   temporary folder (`std::env::temp_dir()`, where the suite makes its overlays), after
//!   symbolic links are resolved, and a served file must resolve to a path inside `dir`:
//!   the hook never serves arbitrary files of the machine.
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
    /// An absolute directory inside the system's temporary folder whose files replace the
    /// www tree's.
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
    let Some(dir) = allowed_overlay_dir(&request.dir, &std::env::temp_dir()) else {
        return (
            StatusCode::BAD_REQUEST,
            "the overlay must be an existing absolute directory inside the temporary folder",
        )
            .into_response();
    };
    overlay.with(|o| o.dir = Some(dir));
    StatusCode::NO_CONTENT.into_response()
}

/// `dir` with its symbolic links resolved, if it is an absolute directory strictly inside
/// `temp` (itself resolved).
fn allowed_overlay_dir(dir: &Path, temp: &Path) -> Option<PathBuf> {
    if !dir.is_absolute() {
        return None;
    }
    let dir = dir.canonicalize().ok()?;
    let temp = temp.canonicalize().ok()?;
    (dir != temp && dir.starts_with(&temp) && dir.is_dir()).then_some(dir)
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

/// The overlay's file for a URL path, if it has one; never a path outside `dir` (a
/// symbolic link that leads out of it is not followed).
fn overlaid_file(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let is_page = url_path == "/"
        || url_path == "/enroll"
        || url_path == "/enroll/"
        || url_path.starts_with("/m/");
    let relative = if is_page {
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
    let file = dir.join(relative).canonicalize().ok()?;
    (file.starts_with(dir) && file.is_file()).then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_directory_inside_the_temporary_folder_is_an_overlay() {
        let temp = std::env::temp_dir();
        let dir = temp.join(format!("conclave-overlay-dir-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let resolved = dir.canonicalize().unwrap();
        assert_eq!(allowed_overlay_dir(&dir, &temp), Some(resolved.clone()));
        assert_eq!(
            allowed_overlay_dir(&dir.join("sub/.."), &temp),
            Some(resolved.clone())
        );
        for refused in [
            PathBuf::from("/"),
            PathBuf::from("/etc"),
            temp.clone(),
            temp.join(".."),
            dir.join("../.."),
            dir.join("missing"),
            PathBuf::from("relative/dir"),
        ] {
            assert_eq!(allowed_overlay_dir(&refused, &temp), None, "{refused:?}");
        }
        std::fs::write(dir.join("file"), "x").unwrap();
        assert_eq!(allowed_overlay_dir(&dir.join("file"), &temp), None);
        #[cfg(unix)]
        {
            // A link inside the temporary folder to a directory outside it.
            let link = dir.join("to-root");
            std::os::unix::fs::symlink("/", &link).unwrap();
            assert_eq!(allowed_overlay_dir(&link, &temp), None);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn only_files_inside_the_overlay_are_served() {
        let dir = std::env::temp_dir().join(format!("conclave-overlay-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let dir = dir.canonicalize().unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("pkg/client.js"), "x").unwrap();
        assert_eq!(overlaid_file(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(overlaid_file(&dir, "/m/abc"), Some(dir.join("index.html")));
        assert_eq!(overlaid_file(&dir, "/enroll"), Some(dir.join("index.html")));
        assert_eq!(
            overlaid_file(&dir, "/pkg/client.js"),
            Some(dir.join("pkg/client.js"))
        );
        assert_eq!(overlaid_file(&dir, "/app.js"), None);
        assert_eq!(overlaid_file(&dir, "/../etc/passwd"), None);
        assert_eq!(overlaid_file(&dir, "/pkg/../index.html"), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.join("leak.txt")).unwrap();
            assert_eq!(overlaid_file(&dir, "/leak.txt"), None);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
