//! The app's Content-Security-Policy. The manifest carries the policy of its release
//! ([`app_policy`]), which allows the page's one inline script, the import map, by its hash;
//! the server sends it, and the service worker too (docs/RELEASES.md, `manifest.json`).

/// The `script-src` directive of [`BASE_CONTENT_SECURITY_POLICY`]: the app's own scripts and
/// wasm compilation (`'wasm-unsafe-eval'` allows compiling WebAssembly, not JavaScript's
/// `eval`).
const SCRIPT_SRC: &str = "script-src 'self' 'wasm-unsafe-eval'";

/// The policy without the import map's hash: the app runs only its own scripts and wasm,
/// talks only to its own origin, may not be framed, frames nothing and submits no forms.
///
/// `connect-src 'self';` is spelled exactly so: the server widens it to the SFU's WebSocket
/// origin by replacing that text.
pub const BASE_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
    media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; frame-src 'none'; \
    form-action 'none'";

/// [`BASE_CONTENT_SECURITY_POLICY`] with `'<import_map_sri>'` added to `script-src`, so the
/// page's import map (and no other inline script) may run. `import_map_sri` is the
/// `sha256-<base64>` of the import map's text, as [`crate::Sha256Digest::to_sri`] gives it.
pub fn app_policy(import_map_sri: &str) -> String {
    BASE_CONTENT_SECURITY_POLICY.replacen(
        SCRIPT_SRC,
        &format!("{SCRIPT_SRC} '{import_map_sri}'"),
        1,
    )
}

/// Whether `policy`'s `script-src` directive allows the inline script whose hash is `sri`
/// (`sha256-<base64>`).
pub fn script_src_allows(policy: &str, sri: &str) -> bool {
    let quoted = format!("'{sri}'");
    policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.split_whitespace().next() == Some("script-src"))
        .is_some_and(|directive| directive.split_whitespace().any(|source| source == quoted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_policy_is_the_servers_plus_no_frames_and_no_forms() {
        assert_eq!(
            BASE_CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data: blob:; media-src 'self' blob: mediastream:; \
             connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
             frame-ancestors 'none'; frame-src 'none'; form-action 'none'"
        );
        assert!(BASE_CONTENT_SECURITY_POLICY.contains("connect-src 'self';"));
        assert!(BASE_CONTENT_SECURITY_POLICY.contains(&format!("{SCRIPT_SRC};")));
    }

    #[test]
    fn the_app_policy_allows_the_import_map_by_its_hash_only() {
        let sri = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
        let policy = app_policy(sri);
        assert!(policy.contains(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='; style-src"
        ));
        assert!(script_src_allows(&policy, sri));
        assert!(!script_src_allows(BASE_CONTENT_SECURITY_POLICY, sri));
        assert!(!script_src_allows(&policy, "sha256-other"));
        assert!(!policy.contains("unsafe-inline"));
        assert_eq!(
            policy.replacen(&format!(" '{sri}'"), "", 1),
            BASE_CONTENT_SECURITY_POLICY
        );
    }
}
