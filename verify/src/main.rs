//! `conclave-verify URL [--policy FILE] [--build DIR]`: fetches what a deployed Conclave
//! server serves and checks it as a pinning browser would (docs/RELEASES.md), for auditors
//! and administrators:
//! - the release's signatures meet the policy (a policy you trust with `--policy`, else the
//!   server's own, which proves only that the release is consistent);
//! - every file the manifest lists is served with its hash and size, and `/` and `/m/{id}`
//!   serve the manifest's `index.html`;
//! - the page's Content-Security-Policy is the manifest's (an SFU's WebSocket origin in
//!   `connect-src` aside), and no answer carries `Clear-Site-Data`, which would erase the
//!   browsers' pinned copy;
//! - with `--build DIR`, the served manifest is byte for byte the one of a local
//!   reproducible build (`cargo xtask release`).
//!
//! It prints the build id to compare with the one the app's "About this build" shows. A
//! server can answer this tool honestly and a chosen browser otherwise: only the browsers'
//! pins (and, one day, a transparency log) cover that.

mod fetch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use conclave_release::tree::{verify_release, SignatureCheck, INDEX_HTML, MANIFEST_FILE};
use conclave_release::{build_id, grouped_build_id, Manifest};
use fetch::{FetchError, Fetched, Origin};
use hyper::header::{HeaderName, CONTENT_SECURITY_POLICY};
use hyper::StatusCode;

/// The release files every served tree has besides its manifest.
const RELEASE_FILES: [&str; 3] = [
    "/release/manifest.json",
    "/release/signatures.json",
    "/release/policy.json",
];
/// A room path of the right shape: the server answers it with the app's page.
const SOME_MEETING_PATH: &str = "/m/conclaveverify0000000";
const CLEAR_SITE_DATA: HeaderName = HeaderName::from_static("clear-site-data");

#[derive(Parser)]
#[command(name = "conclave-verify", version, about)]
struct Args {
    /// The server's address, e.g. https://meet.example.org
    url: String,
    /// A policy.json you trust (from the vendor or your auditor); without it, the
    /// server's own policy is used.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// A local release tree (`cargo xtask release --out DIR`) whose manifest the server's
    /// must equal.
    #[arg(long)]
    build: Option<PathBuf>,
}

/// What the checks found.
#[derive(Default)]
struct Report {
    passed: Vec<String>,
    failed: Vec<String>,
}

impl Report {
    fn check(&mut self, ok: bool, what: String) {
        if ok {
            self.passed.push(what);
        } else {
            self.failed.push(what);
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("conclave-verify: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(verify(&args)) {
        Ok(report) => {
            for line in &report.passed {
                println!("ok    {line}");
            }
            for line in &report.failed {
                println!("FAIL  {line}");
            }
            println!(
                "\nA server can answer this tool honestly and a chosen browser otherwise; \
                 compare the build id with the one each browser's About this build shows."
            );
            if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("conclave-verify: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Why the checks could not run at all.
#[derive(Debug, thiserror::Error)]
enum VerifyError {
    #[error("{url}: {source}")]
    Fetch {
        url: String,
        #[source]
        source: FetchError,
    },
    #[error("{url}: answered {status}, so this server serves no signed release")]
    NoRelease { url: String, status: StatusCode },
    #[error("the served manifest cannot be read: {0}")]
    Manifest(conclave_release::Error),
    #[error("{}: {source}", .path.display())]
    Local {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

async fn verify(args: &Args) -> Result<Report, VerifyError> {
    let origin = Origin::parse(&args.url).map_err(|source| VerifyError::Fetch {
        url: args.url.clone(),
        source,
    })?;
    let mirror = Mirror::new()?;
    let mut report = Report::default();
    let mut seen = Vec::new();

    for path in RELEASE_FILES {
        let fetched = get(&origin, path).await?;
        if fetched.status != StatusCode::OK {
            return Err(VerifyError::NoRelease {
                url: origin.url(path),
                status: fetched.status,
            });
        }
        mirror.write(path, &fetched.body)?;
        seen.push((path.to_owned(), fetched));
    }
    let manifest_bytes = mirror.read(MANIFEST_FILE)?;
    let manifest = Manifest::parse(&manifest_bytes).map_err(VerifyError::Manifest)?;
    let id = build_id(&manifest_bytes);
    println!("build id  {}", grouped_build_id(&id));
    println!(
        "release   {} serial {}, commit {}",
        manifest.version,
        manifest.serial,
        manifest.commit.as_str()
    );

    for path in manifest.files.keys() {
        let fetched = get(&origin, path).await?;
        if fetched.status == StatusCode::OK {
            mirror.write(path, &fetched.body)?;
        } else {
            report.check(false, format!("{path}: answered {}", fetched.status));
        }
        seen.push((path.clone(), fetched));
    }

    let trusted = match &args.policy {
        Some(path) => Some(std::fs::read(path).map_err(|source| VerifyError::Local {
            path: path.clone(),
            source,
        })?),
        None => None,
    };
    match verify_release(mirror.dir(), trusted.as_deref(), SignatureCheck::Required) {
        Ok(verified) => {
            let signers: Vec<&str> = verified.signers.iter().map(|id| id.as_str()).collect();
            let whose = if trusted.is_some() {
                "the policy you trust"
            } else {
                "the server's own policy (pass --policy to check against one you trust)"
            };
            report.check(
                true,
                format!(
                    "signed by {} of the {} required ({}) under {whose}",
                    signers.len(),
                    verified.policy.threshold(),
                    signers.join(", ")
                ),
            );
            report.check(
                true,
                format!(
                    "{} files served as the manifest lists them",
                    manifest.files.len()
                ),
            );
        }
        Err(error) => report.check(false, error.to_string()),
    }

    if let Some(build) = &args.build {
        let local =
            std::fs::read(build.join(MANIFEST_FILE)).map_err(|source| VerifyError::Local {
                path: build.join(MANIFEST_FILE),
                source,
            })?;
        report.check(
            local == manifest_bytes,
            format!(
                "the served manifest equals the local build's ({})",
                grouped_build_id(&build_id(&local))
            ),
        );
    }

    let page = mirror.read(INDEX_HTML).unwrap_or_default();
    for path in ["/", SOME_MEETING_PATH] {
        let fetched = get(&origin, path).await?;
        report.check(
            fetched.status == StatusCode::OK && fetched.body == page,
            format!("{path} serves the manifest's index.html"),
        );
        if path == "/" {
            let served = fetched
                .headers
                .get(CONTENT_SECURITY_POLICY)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("");
            report.check(
                same_policy_apart_from_websockets(served, &manifest.csp),
                "the page's Content-Security-Policy is the manifest's".to_owned(),
            );
        }
        seen.push((path.to_owned(), fetched));
    }
    let erasing: Vec<&str> = seen
        .iter()
        .filter(|(_, fetched)| fetched.headers.contains_key(CLEAR_SITE_DATA))
        .map(|(path, _)| path.as_str())
        .collect();
    report.check(
        erasing.is_empty(),
        format!(
            "no answer carries Clear-Site-Data{}",
            if erasing.is_empty() {
                String::new()
            } else {
                format!(
                    " (it erases the browsers' pinned copy): {}",
                    erasing.join(", ")
                )
            }
        ),
    );
    Ok(report)
}

async fn get(origin: &Origin, path: &str) -> Result<Fetched, VerifyError> {
    origin.get(path).await.map_err(|source| VerifyError::Fetch {
        url: origin.url(path),
        source,
    })
}

/// Whether `served` is `manifest`'s policy, allowing only extra `ws://`/`wss://` sources in
/// `connect-src` (the SFU, which carries data, not code).
fn same_policy_apart_from_websockets(served: &str, manifest: &str) -> bool {
    let normalized = |policy: &str| -> Vec<String> {
        policy
            .split(';')
            .map(str::trim)
            .filter(|directive| !directive.is_empty())
            .map(|directive| {
                let mut sources = directive.split_whitespace();
                let name = sources.next().unwrap_or_default();
                let kept: Vec<&str> = sources
                    .filter(|source| {
                        name != "connect-src"
                            || !(source.starts_with("ws://") || source.starts_with("wss://"))
                    })
                    .collect();
                std::iter::once(name)
                    .chain(kept)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    normalized(served) == normalized(manifest)
}

/// The served files, written into a scratch folder in the layout of a release tree, so that
/// the release tool's own tree check runs on them.
struct Mirror {
    dir: PathBuf,
}

impl Mirror {
    fn new() -> Result<Self, VerifyError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.subsec_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("conclave-verify-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|source| VerifyError::Local {
            path: dir.clone(),
            source,
        })?;
        Ok(Self { dir })
    }

    fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a served file; `url_path` is one the manifest format allows (no `..`).
    fn write(&self, url_path: &str, bytes: &[u8]) -> Result<(), VerifyError> {
        let path = self.dir.join(url_path.trim_start_matches('/'));
        let local = |source| VerifyError::Local {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(local)?;
        }
        std::fs::write(&path, bytes).map_err(local)
    }

    fn read(&self, relative: &str) -> Result<Vec<u8>, VerifyError> {
        let path = self.dir.join(relative);
        std::fs::read(&path).map_err(|source| VerifyError::Local { path, source })
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        // A scratch copy of public files: nothing to keep if removing it fails.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_websocket_origins_may_be_added_to_the_policy() {
        let manifest = "default-src 'self'; script-src 'self' 'sha256-x'; connect-src 'self';";
        assert!(same_policy_apart_from_websockets(manifest, manifest));
        assert!(same_policy_apart_from_websockets(
            "default-src 'self'; script-src 'self' 'sha256-x'; connect-src 'self' wss://sfu.example:8989",
            manifest
        ));
        for weaker in [
            "default-src 'self'; script-src 'self' 'sha256-x' 'unsafe-inline'; connect-src 'self';",
            "default-src 'self'; script-src 'self' 'sha256-x'; connect-src 'self' https://evil.example;",
            "default-src 'self'; connect-src 'self';",
            "",
        ] {
            assert!(!same_policy_apart_from_websockets(weaker, manifest), "{weaker}");
        }
    }
}
