//! The built web app: `/` and `/m/{room_id}` answer with `index.html`, every other path
//! is looked up in the www directory (no path may leave it). Also the security headers
//! that every response carries.

use std::path::Path;

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Response};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The app runs only its own scripts and wasm, talks only to its own origin, and may not
/// be framed.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
    media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Only this origin may use the camera, microphone and screen capture.
pub const PERMISSIONS_POLICY_VALUE: &str =
    "camera=(self), microphone=(self), display-capture=(self)";

const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");

/// Routes for the app's files, sharing `S` with the rest of the router.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>(www_dir: &Path) -> Router<S> {
    let index = ServeFile::new(www_dir.join("index.html"));
    Router::new()
        .route_service("/", index.clone())
        .route_service("/m/{room_id}", index)
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

/// The Content-Security-Policy: [`CONTENT_SECURITY_POLICY_VALUE`], with `connect-src`
/// widened to the SFU's WebSocket origin when browsers must reach one.
pub fn content_security_policy(sfu_url: Option<&str>) -> String {
    match sfu_url.and_then(websocket_origin) {
        Some(origin) => CONTENT_SECURITY_POLICY_VALUE.replace(
            "connect-src 'self';",
            &format!("connect-src 'self' {origin};"),
        ),
        None => CONTENT_SECURITY_POLICY_VALUE.to_owned(),
    }
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

/// Adds the security headers to every response of `router`; `sfu_url` is the SFU
/// WebSocket the browsers must be allowed to reach, if any.
pub(crate) fn with_security_headers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    sfu_url: Option<&str>,
) -> Router<S> {
    let policy = HeaderValue::from_str(&content_security_policy(sfu_url))
        .unwrap_or_else(|_| HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE));
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
        let policy = content_security_policy(Some("wss://sfu.example.org:8989/janus"));
        assert!(policy.contains("connect-src 'self' wss://sfu.example.org:8989;"));
        assert_eq!(content_security_policy(None), CONTENT_SECURITY_POLICY_VALUE);
        for hostile in [
            "wss://a.example; script-src *",
            "https://a.example",
            "wss://",
            "ws://a b",
        ] {
            assert_eq!(
                content_security_policy(Some(hostile)),
                CONTENT_SECURITY_POLICY_VALUE,
                "{hostile}"
            );
        }
    }
}
