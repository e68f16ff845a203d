//! Installs what the build and the tests need and a fresh machine lacks.
//!
//! Rust tools come from crates.io (`rustup target add`, `cargo install`); browsers and
//! system tools from Debian with `apt-get`, which needs root: as another user we stop
//! and name the packages to install instead.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::command::{self, Failure};

/// Debian packages the test suites need, each with a program that shows it is installed.
const TEST_PACKAGES: &[(&str, &str)] = &[
    ("chromium", "chromium"),
    ("chromium-driver", "chromedriver"),
    ("iproute2", "ip"),
    // The SFU of the Janus-mode suites (signaling-server/tests/janus_rooms.rs, Playwright).
    ("janus", "janus"),
    // Several signaling servers share rooms through it (signaling-server/src/cluster).
    ("redis-server", "redis-server"),
    // The second browser of the Playwright suite (driven by puppeteer-core over WebDriver BiDi).
    ("firefox-esr", "firefox-esr"),
    // The TURN server of the relay-only suites (e2e-tests/support/coturn.ts).
    ("coturn", "turnserver"),
];

/// Debian services that come with [`TEST_PACKAGES`] but must not run: the suites start
/// their own, inside a private network namespace. Debian's coturn unit would serve
/// /etc/turnserver.conf, which asks for no authentication: an open relay.
const SERVICES_NOT_WANTED: &[&str] = &["coturn"];

/// The wasm32 target and the `wasm-bindgen` CLI of exactly the pinned crate version.
pub fn ensure_wasm_toolchain(root: &Path) -> Result<(), Failure> {
    let targets = command::output_of("rustup", &["target", "list", "--installed"])
        .ok_or_else(|| Failure::Missing("rustup is needed (https://rustup.rs)".to_owned()))?;
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        command::step("install the wasm32-unknown-unknown target");
        command::run(
            root,
            OsStr::new("rustup"),
            &["target", "add", "wasm32-unknown-unknown"].map(OsStr::new),
            &[],
        )?;
    }
    let wanted = pinned_wasm_bindgen_version(root)?;
    let installed = command::output_of(&wasm_bindgen_path().to_string_lossy(), &["--version"]);
    let matches = installed
        .as_deref()
        .and_then(|text| text.split_whitespace().nth(1))
        .is_some_and(|version| version == wanted);
    if !matches {
        command::step(&format!(
            "install wasm-bindgen-cli {wanted} (matches the pinned crate)"
        ));
        // Without --locked: the registry copy of this CLI lacks a usable lock file.
        command::cargo(
            root,
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                &wanted,
                "--force",
            ],
        )?;
    }
    Ok(())
}

/// Browsers and network tools for the wasm and Playwright suites; apt-get when root.
pub fn ensure_test_packages(root: &Path) -> Result<(), Failure> {
    let missing: Vec<&str> = TEST_PACKAGES
        .iter()
        .filter(|(_, program)| !command::on_path(program))
        .map(|(package, _)| *package)
        .collect();
    if !missing.is_empty() {
        if !is_root() {
            return Err(Failure::Missing(format!(
                "the tests need these Debian packages: {0}\n  install them with: sudo apt-get install {0}",
                missing.join(" ")
            )));
        }
        command::step(&format!("install {}", missing.join(", ")));
        let apt = OsStr::new("apt-get");
        command::run(root, apt, &["update", "-q"].map(OsStr::new), &[])?;
        let mut args: Vec<&OsStr> = ["install", "-y", "-q", "--no-install-recommends"]
            .map(OsStr::new)
            .to_vec();
        args.extend(missing.iter().map(OsStr::new));
        command::run(
            root,
            apt,
            &args,
            &[("DEBIAN_FRONTEND", OsStr::new("noninteractive"))],
        )?;
        stop_unwanted_services(root)?;
    }
    for program in ["node", "npm", "unshare"] {
        if !command::on_path(program) {
            return Err(Failure::Missing(format!(
                "`{program}` is needed for the Playwright suite (Node.js 18 or newer with npm; unshare from util-linux)"
            )));
        }
    }
    Ok(())
}

/// Stops and disables [`SERVICES_NOT_WANTED`] where systemd runs (elsewhere Debian's
/// policy or a missing init started nothing).
fn stop_unwanted_services(root: &Path) -> Result<(), Failure> {
    if !Path::new("/run/systemd/system").is_dir() {
        return Ok(());
    }
    for service in SERVICES_NOT_WANTED {
        command::step(&format!("stop and disable Debian's {service} service"));
        command::run(
            root,
            OsStr::new("systemctl"),
            &["disable", "--now", service].map(OsStr::new),
            &[],
        )?;
    }
    Ok(())
}

/// Whether this process runs as root (`id -u` prints 0).
pub fn is_root() -> bool {
    command::output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    cargo_home.join("bin")
}

/// The `wasm-bindgen` CLI that `ensure_wasm_toolchain` installs.
pub fn wasm_bindgen_path() -> PathBuf {
    cargo_bin_dir().join("wasm-bindgen")
}

/// PATH with cargo's binary folder first, for tools that look up `wasm-bindgen-test-runner`.
pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut dirs = vec![cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// The `wasm-bindgen` version in Cargo.lock (the workspace pins it with `=`).
fn pinned_wasm_bindgen_version(root: &Path) -> Result<String, Failure> {
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", lock_path.display())))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    Err(Failure::Missing(
        "Cargo.lock names no wasm-bindgen version".to_owned(),
    ))
}
