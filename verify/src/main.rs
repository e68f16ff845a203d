//! `conclave-verify URL [--policy FILE] [--build DIR]`: fetches what a deployed Conclave
//! server serves and checks it as a pinning browser would (docs/RELEASES.md), for auditors
//! and administrators:
//! - the release's signatures meet the policy (a policy you trust with `--policy`, else the
//!   server's own, which proves only that the release is consistent);
//! - every file the manifest lists is served with its hash and size, and `/`, `/m/{id}` and
//!   `/enroll` serve the manifest's `index.html`;
//! - `/sw.js` is the manifest's both as a page fetches it and as the browser's update check
//!   does (`Service-Worker: script`), which a server could answer otherwise;
//! - the page's Content-Security-Policy is the manifest's (an SFU's WebSocket origin in
//!   `connect-src` aside), and no answer carries `Clear-Site-Data`, which would erase the
//!   browsers' pinned copy (the paths a pinned page calls, `/healthz` and `/organisations`,
//!   included);
//! - with `--build DIR`, the served manifest is byte for byte the one of a local
//!   reproducible build (`cargo xtask release`).
//!
//! It prints the build id to compare with the one the app's "About this build" shows. A
//! server can answer this tool honestly and a chosen browser otherwise: only the browsers'
//! pins (and, one day, a transparency log) cover that.

mod fetch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};

use clap::Parser;
use conclave_release::tree::{verify_release, SignatureCheck, INDEX_HTML, MANIFEST_FILE};
use conclave_release::{build_id, grouped_build_id, Manifest, Sha256Digest};
use fetch::{FetchError, Fetched, Origin};
use hyper::header::{HeaderName, HeaderValue, CONTENT_SECURITY_POLICY};
use hyper::StatusCode;

/// The release files every served tree has besides its manifest.
const RELEASE_FILES: [&str; 3] = [
    "/release/manifest.json",
    "/release/signatures.json",
    "/release/policy.json",
];
/// A room path of the right shape: the server answers it with the app's page.
const SOME_MEETING_PATH: &str = "/m/conclaveverify0000000";
/// The enrollment page (its links add `#org={pin}`, which no server sees): the app's page too.
const ENROLLMENT_PATHS: [&str; 2] = ["/enroll", "/enroll/"];
const CLEAR_SITE_DATA: HeaderName = HeaderName::from_static("clear-site-data");
const SERVICE_WORKER: HeaderName = HeaderName::from_static("service-worker");
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");
/// Paths the service worker lets through to the server besides `/release/`: a pinned page
/// calls them, so their answers could erase the pinned copy too.
const PASS_THROUGH_PATHS: [&str; 2] = ["/healthz", "/organisations"];
/// The service worker's script.
const SERVICE_WORKER_PATH: &str = "/sw.js";
/// How many scratch folder names [`Mirror::new`] tries.
const MIRROR_ATTEMPTS: u32 = 16;

#[derive(Parser)]
#[command(name = "conclave-verify", version, about)]
struct Args {
    /// The server's address, e.g. `https://meet.example.org`
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

/// Why the checks could not run at all: the crate's one error type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
enum VerifyError {
    /// A request got no answer, or the base URL is not one.
    #[error("{url}: {source}")]
    Fetch {
        /// The URL requested (or the base URL given).
        url: String,
        /// Why there is no answer.
        #[source]
        source: FetchError,
    },
    /// A release file is not served.
    #[error("{url}: answered {status}, so this server serves no signed release")]
    NoRelease {
        /// The release file's URL.
        url: String,
        /// The status it was answered with.
        status: StatusCode,
    },
    /// The served manifest is not a release manifest.
    #[error("the served manifest cannot be read: {0}")]
    Manifest(conclave_release::Error),
    /// A local file or folder (the scratch copy, `--policy`, `--build`) cannot be read or
    /// written.
    #[error("{}: {source}", .path.display())]
    Local {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
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
    for path in ["/", SOME_MEETING_PATH].into_iter().chain(ENROLLMENT_PATHS) {
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
    for path in PASS_THROUGH_PATHS {
        seen.push((path.to_owned(), get(&origin, path).await?));
    }
    // The browser fetches a worker's script for its update check with these headers; a
    // server that answers that fetch with another /sw.js replaces the pinned worker.
    let update_check_headers = [
        (SERVICE_WORKER, HeaderValue::from_static("script")),
        (SEC_FETCH_DEST, HeaderValue::from_static("serviceworker")),
    ];
    let worker = manifest.files.get(SERVICE_WORKER_PATH);
    for (how, headers) in [
        ("", &update_check_headers[..0]),
        (" with Service-Worker: script", &update_check_headers[..]),
    ] {
        let fetched = origin
            .get_with_headers(SERVICE_WORKER_PATH, headers)
            .await
            .map_err(|source| VerifyError::Fetch {
                url: origin.url(SERVICE_WORKER_PATH),
                source,
            })?;
        let same = worker.is_some_and(|entry| {
            fetched.status == StatusCode::OK
                && u64::try_from(fetched.body.len()).is_ok_and(|size| size == entry.size)
                && Sha256Digest::of(&fetched.body) == entry.sha256
        });
        report.check(
            same,
            format!("{SERVICE_WORKER_PATH}{how} serves the manifest's {SERVICE_WORKER_PATH}"),
        );
        seen.push((format!("{SERVICE_WORKER_PATH}{how}"), fetched));
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
    /// A new scratch folder in the temporary folder, made by this process (never one that
    /// existed: another user could have made it, or a link to elsewhere) and private to it.
    fn new() -> Result<Self, VerifyError> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let names = (0..MIRROR_ATTEMPTS).map(|_| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.subsec_nanos())
                .unwrap_or_default();
            let count = COUNTER.fetch_add(1, Ordering::Relaxed);
            format!("conclave-verify-{}-{nanos}-{count}", std::process::id())
        });
        create_private_dir(&std::env::temp_dir(), names).map(|dir| Self { dir })
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

/// Makes the first of `names` in `parent` that does not exist yet, as a new folder only its
/// owner may enter (mode 0700); an existing file, folder or link of that name is left alone
/// and the next name tried.
fn create_private_dir(
    parent: &Path,
    names: impl IntoIterator<Item = String>,
) -> Result<PathBuf, VerifyError> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let mut taken = None;
    for name in names {
        let dir = parent.join(name);
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(source) if source.kind() == std::io::ErrorKind::AlreadyExists => {
                taken = Some(VerifyError::Local { path: dir, source });
            }
            Err(source) => return Err(VerifyError::Local { path: dir, source }),
        }
    }
    Err(taken.unwrap_or_else(|| VerifyError::Local {
        path: parent.to_owned(),
        source: std::io::Error::other("no scratch folder name to try"),
    }))
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
    fn the_scratch_folder_is_new_and_private() {
        let parent =
            std::env::temp_dir().join(format!("conclave-verify-test-{}", std::process::id()));
        std::fs::create_dir_all(&parent).unwrap();
        // Made beforehand, as another user could: never used, never changed.
        std::fs::create_dir(parent.join("taken")).unwrap();
        std::fs::write(parent.join("taken/planted"), "x").unwrap();
        let made = create_private_dir(&parent, ["taken".to_owned(), "free".to_owned()]).unwrap();
        assert_eq!(made, parent.join("free"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&made).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        assert!(matches!(
            create_private_dir(&parent, ["taken".to_owned()]),
            Err(VerifyError::Local { ref source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists
        ));
        assert!(parent.join("taken/planted").is_file());
        std::fs::remove_dir_all(&parent).unwrap();

        let (a, b) = (Mirror::new().unwrap(), Mirror::new().unwrap());
        assert_ne!(a.dir(), b.dir());
    }

    /// The strings of `const NAME = [...]` in www/sw.js.
    fn service_worker_list(name: &str) -> Vec<String> {
        let script =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/sw.js"))
                .unwrap();
        let start = script
            .find(&format!("const {name} = ["))
            .unwrap_or_else(|| panic!("www/sw.js has no {name}"));
        let list = &script[start..];
        let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
        list.split(',')
            .map(|item| item.trim().trim_matches('\'').to_owned())
            .filter(|item| !item.is_empty())
            .collect()
    }

    /// This tool fetches what a pinned browser would: the worker's lists and these agree.
    #[test]
    fn the_paths_checked_are_the_service_workers() {
        assert_eq!(
            service_worker_list("PASS_THROUGH_PATHS"),
            PASS_THROUGH_PATHS
        );
        let mut pages = vec!["/".to_owned()];
        pages.extend(ENROLLMENT_PATHS.map(str::to_owned));
        assert_eq!(service_worker_list("PAGE_PATHS"), pages);
    }

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
