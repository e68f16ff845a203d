//! `cargo xtask test`: every check, from the cheapest to the slowest.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Instant;

use crate::command::{self, Failure};
use crate::{bundle, project_root, setup};

/// Debian's ChromeDriver, used by `wasm-bindgen-test-runner`.
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Crates that are also built for the browser, so clippy checks them for wasm32 too.
const WASM_CRATES: &[&str] = &["crypto-wasm", "conclave-client"];

/// Runs every suite; stops at the first failure.
pub fn run_all() -> Result<(), Failure> {
    let started = Instant::now();
    let root = project_root();
    setup::ensure_test_packages(&root)?;
    setup::ensure_wasm_toolchain(&root)?;

    command::step("format check");
    command::cargo(&root, &["fmt", "--all", "--check"])?;

    command::step("clippy (native, every feature including the test hooks)");
    command::cargo(
        &root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )?;

    command::step("clippy (wasm32)");
    let mut wasm_clippy = vec![
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
    ];
    for krate in WASM_CRATES {
        wasm_clippy.extend(["-p", krate]);
    }
    wasm_clippy.extend([
        "--features",
        "crypto-wasm/test-hooks,conclave-client/test-hooks",
        "--",
        "-D",
        "warnings",
    ]);
    command::cargo(&root, &wasm_clippy)?;

    command::step("native tests");
    command::cargo(&root, &["test", "--workspace"])?;

    command::step("crypto-wasm tests in headless Chromium");
    let path = setup::path_with_cargo_bin();
    command::cargo_with_env(
        &root.join("crypto-wasm"),
        &[
            "test",
            "-p",
            "crypto-wasm",
            "--target",
            "wasm32-unknown-unknown",
        ],
        &[("CHROMEDRIVER", OsStr::new(CHROMEDRIVER)), ("PATH", &path)],
    )?;

    e2e(&root)?;
    println!(
        "\nAll suites passed in {:.0} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Only the Playwright suite (with its set-up), for a quicker loop.
pub fn run_e2e_only() -> Result<(), Failure> {
    let root = project_root();
    setup::ensure_test_packages(&root)?;
    setup::ensure_wasm_toolchain(&root)?;
    e2e(&root)
}

/// `cargo xtask bench`: the native benchmarks, then the browser ones (BENCHMARKS.md).
pub fn run_benchmarks() -> Result<(), Failure> {
    let root = project_root();
    setup::ensure_test_packages(&root)?;
    setup::ensure_wasm_toolchain(&root)?;
    command::step("native benchmark: adding the 100th member to an MLS group");
    command::cargo(
        &root,
        &[
            "run",
            "--release",
            "-p",
            "conclave-group",
            "--example",
            "add_100th_member",
        ],
    )?;
    playwright(&root, "benchmarks")
}

/// Builds the test bundle and the server, then runs the Playwright suites.
fn e2e(root: &Path) -> Result<(), Failure> {
    playwright(root, "chromium")
}

/// Builds the test bundle and the server, then runs one Playwright project inside a
/// private network namespace, so no test traffic can leave the machine (see
/// e2e-tests/README.md).
fn playwright(root: &Path, project: &str) -> Result<(), Failure> {
    bundle::build(root, &root.join("target/www-test"), bundle::Hooks::Test)?;
    command::step("build the signaling server (with its test-only fault switch)");
    command::cargo(
        root,
        &[
            "build",
            "-p",
            "conclave-signaling-server",
            "--features",
            "test-hooks",
        ],
    )?;

    let e2e_dir = root.join("e2e-tests");
    command::step("install the Playwright suite's npm packages (exactly the lock file)");
    command::run(
        &e2e_dir,
        OsStr::new("npm"),
        &["ci", "--no-audit", "--no-fund"].map(OsStr::new),
        &[],
    )?;

    command::step("Playwright suite (in a private network namespace)");
    // As root a plain network namespace; as a user, one inside a user namespace.
    let unshare_flags = if setup::is_root() { "-n" } else { "-rn" };
    let project = format!("--project={project}");
    command::run(
        &e2e_dir,
        OsStr::new("unshare"),
        &[
            unshare_flags,
            "--",
            "bash",
            "scripts/in-private-network.sh",
            "npx",
            "playwright",
            "test",
            &project,
        ]
        .map(OsStr::new),
        &[],
    )
}
