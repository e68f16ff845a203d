//! The built web app: `/`, `/m/{room_id}` and `/enroll` (an organisation's enrollment link,
//! `/enroll#org=<CA pin>`; also `/enroll/`) answer with `index.html`, every other path
//! is looked up in the www directory (no path may leave it). Also the security headers
//! that every response carries; the Content-Security-Policy is the one the tree's release
//! manifest names (docs/RELEASES.md), which allows the page's import map by its hash.

use std::path::{Path, PathBuf};

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Response};
use axum::Router;
use conclave_release::csp::BASE_CONTENT_SECURITY_POLICY;
use conclave_release::manifest::{Manifest, RELEASE_FOLDER};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ReleaseManifestProblem;
use crate::Error;

/// Only this origin may use the camera, microphone and screen capture.
pub const PERMISSIONS_POLICY_VALUE: &str =
    "camera=(self), microphone=(self), display-capture=(self)";

const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");

/// Routes for the app's files, sharing `S` with the rest of the router.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>(www_dir: &Path) -> Router<S> {
    let index = ServeFile::new(www_dir.join("index.html"));
    Router::new()
        .route_service("/", index.clone())
        .route_service("/m/{room_id}", index.clone())
        .route_service("/enroll", index.clone())
        .route_service("/enroll/", index)
        .fallback_service(ServeDir::new(www_dir))
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            cache_policy::<axum::body::Body>,
        ))
}

/// HTML (the app shell, which names the other files) is never stored; other files are
/// revalidated on each use, so a new build is picked up at once.
fn cache_policy<B>(response: &Response<B>) -> Option<HeaderValue> {
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    Some(HeaderValue::from_static(if is_html {
        "no-store"
    } else {
        "no-cache"
    }))
}

/// The app's own Content-Security-Policy: the `csp` of the tree's release manifest, or
/// Conclave's base policy for a tree without one (whose page then has no import map to
/// allow). A manifest that cannot be read, or whose policy could not be a header, is an
/// error: the server does not guess a policy for a release. So is a test tree's manifest
/// (`test_hooks: true`) in a server built without the `test-hooks` feature: that tree is
/// signed with test keys whose seeds are public, and is never served in production.
pub fn app_policy(www_dir: &Path) -> Result<String, Error> {
    let path: PathBuf = [
        www_dir,
        Path::new(RELEASE_FOLDER),
        Path::new("manifest.json"),
    ]
    .iter()
    .collect();
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(BASE_CONTENT_SECURITY_POLICY.to_owned())
        }
        Err(error) => {
            return Err(Error::ReleaseManifest {
                path,
                problem: ReleaseManifestProblem::Unreadable(error),
            })
        }
    };
    let manifest = match Manifest::parse(&bytes) {
        Ok(manifest) => manifest,
        Err(error) => {
            return Err(Error::ReleaseManifest {
                path,
                problem: ReleaseManifestProblem::Invalid(error),
            })
        }
    };
    if manifest.test_hooks && !cfg!(feature = "test-hooks") {
        return Err(Error::ReleaseManifest {
            path,
            problem: ReleaseManifestProblem::TestTree,
        });
    }
    if HeaderValue::from_str(&manifest.csp).is_err() {
        return Err(Error::ReleaseManifest {
            path,
            problem: ReleaseManifestProblem::CspNotAHeader,
        });
    }
    Ok(manifest.csp)
}

/// The Content-Security-Policy: `app_policy`, with `connect-src` widened to the WebSocket
/// origin of each SFU (every configured Janus) browsers may be sent to. A URL that is
/// not a harmless WebSocket URL is left out.
pub fn content_security_policy(app_policy: &str, sfu_urls: &[&str]) -> String {
    let mut origins: Vec<&str> = Vec::new();
    for origin in sfu_urls.iter().filter_map(|url| websocket_origin(url)) {
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    if origins.is_empty() {
        return app_policy.to_owned();
    }
    app_policy.replace(
        "connect-src 'self';",
        &format!("connect-src 'self' {};", origins.join(" ")),
    )
}

/// `ws[s]://host[:port]` of a WebSocket URL, if it is one made only of characters that
/// cannot change the meaning of a CSP header.
fn websocket_origin(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("ws://")
        .or_else(|| url.strip_prefix("wss://"))?;
    let authority_len = rest.find('/').unwrap_or(rest.len());
    let origin = url.get(..url.len() - rest.len() + authority_len)?;
    let harmless = |c: char| c.is_ascii_alphanumeric() || ".-:[]/".contains(c);
    (authority_len > 0 && origin.chars().all(harmless)).then_some(origin)
}

/// Adds the security headers to every response of `router`; `app_policy` is the app's
/// Content-Security-Policy ([`app_policy`]), `sfu_urls` the SFU WebSockets the browsers
/// must be allowed to reach (none in mesh mode).
pub(crate) fn with_security_headers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    app_policy: &str,
    sfu_urls: &[&str],
) -> Router<S> {
    let policy = HeaderValue::from_str(&content_security_policy(app_policy, sfu_urls))
        .unwrap_or_else(|_| HeaderValue::from_static(BASE_CONTENT_SECURITY_POLICY));
    router
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            PERMISSIONS_POLICY,
            HeaderValue::from_static(PERMISSIONS_POLICY_VALUE),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_lets_browsers_reach_the_sfu_origin_only() {
        let base = BASE_CONTENT_SECURITY_POLICY;
        let policy = content_security_policy(base, &["wss://sfu.example.org:8989/janus"]);
        assert!(policy.contains("connect-src 'self' wss://sfu.example.org:8989;"));
        assert_eq!(content_security_policy(base, &[]), base);
        for hostile in [
            "wss://a.example; script-src *",
            "https://a.example",
            "wss://",
            "ws://a b",
        ] {
            assert_eq!(content_security_policy(base, &[hostile]), base, "{hostile}");
        }
    }

    #[test]
    fn the_policy_lets_browsers_reach_every_configured_janus_once() {
        let base = BASE_CONTENT_SECURITY_POLICY;
        let policy = content_security_policy(
            base,
            &[
                "wss://janus-a.example.org/janus",
                "wss://a.example; script-src *",
                "ws://10.0.0.2:8188",
                "wss://janus-a.example.org/other",
            ],
        );
        assert!(
            policy.contains("connect-src 'self' wss://janus-a.example.org ws://10.0.0.2:8188;"),
            "{policy}"
        );
    }

    /// A www directory (named after `name`) whose release manifest has `test_hooks` and
    /// `csp` as given.
    fn tree_with_manifest(name: &str, test_hooks: bool, csp: &str) -> PathBuf {
        use conclave_release::{CommitId, Sha256Digest, Toolchain};
        let dir = std::env::temp_dir().join(format!("conclave-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("release")).unwrap();
        let manifest = Manifest {
            commit: CommitId::new(&"0".repeat(40)).unwrap(),
            csp: csp.to_owned(),
            files: std::collections::BTreeMap::new(),
            format: Manifest::FORMAT,
            name: Manifest::NAME.to_owned(),
            policy_sha256: Sha256Digest::of(b"policy"),
            serial: 1,
            source_date: 1,
            test_hooks,
            toolchain: Toolchain {
                rustc: "rustc 1.95.0".to_owned(),
                wasm_bindgen: "0.2.130".to_owned(),
            },
            version: "0.1.0".to_owned(),
        };
        std::fs::write(
            dir.join("release/manifest.json"),
            manifest.to_canonical_json().unwrap(),
        )
        .unwrap();
        dir
    }

    #[test]
    fn the_policy_is_the_manifests_and_a_bad_manifest_is_refused() {
        let dir = std::env::temp_dir().join(format!("conclave-csp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("release")).unwrap();
        assert_eq!(app_policy(&dir).unwrap(), BASE_CONTENT_SECURITY_POLICY);
        std::fs::write(dir.join("release/manifest.json"), b"{\"csp\":\"x\"}\n").unwrap();
        let refused = app_policy(&dir).unwrap_err();
        assert!(
            matches!(
                refused,
                Error::ReleaseManifest {
                    problem: ReleaseManifestProblem::Invalid(_),
                    ..
                }
            ),
            "{refused}"
        );
        assert!(
            refused.to_string().contains("manifest.json cannot be used"),
            "{refused}"
        );
        std::fs::remove_dir_all(dir).unwrap();

        let dir = tree_with_manifest("csp-product", false, "default-src 'self'");
        assert_eq!(app_policy(&dir).unwrap(), "default-src 'self'");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn a_product_server_refuses_a_test_tree() {
        let dir = tree_with_manifest("csp-test-tree", true, "default-src 'self'");
        let refused = app_policy(&dir).unwrap_err();
        assert!(
            matches!(
                refused,
                Error::ReleaseManifest {
                    problem: ReleaseManifestProblem::TestTree,
                    ..
                }
            ),
            "{refused}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(feature = "test-hooks")]
    #[test]
    fn a_test_server_serves_a_test_tree() {
        let dir = tree_with_manifest("csp-test-tree-hooks", true, "default-src 'self'");
        assert_eq!(app_policy(&dir).unwrap(), "default-src 'self'");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
