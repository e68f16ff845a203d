//! `cargo xtask test`: every check, from the cheapest to the slowest.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Instant;

use crate::command::{self, Failure};
use crate::{bundle, project_root, release, setup, signaling_load};

/// Debian's ChromeDriver, used by `wasm-bindgen-test-runner`.
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Crates that are also built for the browser, so clippy checks them for wasm32 too.
const WASM_CRATES: &[&str] = &["crypto-wasm", "conclave-client"];

/// The cargo-fuzz crates (each outside the workspace) and their targets, each target with a
/// committed corpus in `corpus/<target>`.
const FUZZ_TARGETS: &[(&str, &[&str])] = &[
    (
        "crypto-wasm/fuzz",
        &["header_parse", "unprotect", "frame_layout"],
    ),
    (
        "pki/fuzz",
        &["member_chain", "enrollment_request", "pem_chain"],
    ),
    (
        "release/fuzz",
        &[
            "manifest_parse",
            "policy_parse",
            "signatures_parse",
            "template_recover",
        ],
    ),
];

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

    command::step("API documentation builds without a warning (broken links included)");
    command::cargo_with_env(
        &root,
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", OsStr::new("-D warnings"))],
    )?;

    dependency_policy(&root)?;

    command::step("native tests");
    command::cargo(&root, &["test", "--workspace"])?;

    fuzz_corpus_replay(&root)?;

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
    verification_benchmark(&root)?;
    signaling_load::run(&root)?;
    playwright(&root, &["benchmarks"])
}

/// `cargo xtask bench verification`: what chain validation of a verified identity costs
/// natively (`validate_chain`, `TrustAnchor::from_organisation`; BENCHMARKS.md, issue 17).
pub fn verification_benchmark(root: &Path) -> Result<(), Failure> {
    command::step("native benchmark: certificate chain validation (verified identities)");
    command::cargo(
        root,
        &[
            "run",
            "--release",
            "-p",
            "conclave-group",
            "--example",
            "verification_cost",
        ],
    )
}

/// Checks every dependency against `deny.toml`: licenses, banned crates, and sources
/// (crates.io only). cargo-deny is installed when missing. Its advisory check is not run:
/// it fetches the advisory database from GitHub, which this network does not reach.
fn dependency_policy(root: &Path) -> Result<(), Failure> {
    command::step("dependency policy: licenses, bans, sources (cargo deny)");
    let path = setup::path_with_cargo_bin();
    if !setup::cargo_bin_dir().join("cargo-deny").is_file() && !command::on_path("cargo-deny") {
        command::step("install cargo-deny");
        command::cargo(root, &["install", "--locked", "cargo-deny"])?;
    }
    command::cargo_with_env(
        root,
        &[
            "deny",
            "--all-features",
            "check",
            "bans",
            "licenses",
            "sources",
        ],
        &[("PATH", &path)],
    )
}

/// Builds the fuzz targets (crates outside the workspace) and runs each over its committed
/// corpus once, without fuzzing: they still build, and no past crasher crashes again.
/// Needs the nightly toolchain (skipped, with the reason, without it) and cargo-fuzz
/// (installed when missing). A debug build: the corpus is small, compiling is what costs.
fn fuzz_corpus_replay(root: &Path) -> Result<(), Failure> {
    command::step("fuzz targets: build and replay their corpora (cargo +nightly fuzz)");
    if command::output_of("rustup", &["run", "nightly", "rustc", "--version"]).is_none() {
        println!(
            "    skipped: no nightly Rust toolchain (cargo-fuzz needs one; \
             `rustup toolchain install nightly` enables this step)"
        );
        return Ok(());
    }
    let path = setup::path_with_cargo_bin();
    if !setup::cargo_bin_dir().join("cargo-fuzz").is_file() && !command::on_path("cargo-fuzz") {
        command::step("install cargo-fuzz");
        command::cargo(root, &["install", "--locked", "cargo-fuzz"])?;
    }
    // The rustup proxy, not `$CARGO`: only the proxy understands `+nightly`.
    let cargo = OsStr::new("cargo");
    let env = [("PATH", path.as_os_str())];
    // One target folder for both fuzz crates: libFuzzer (C++) and the dependencies they
    // share are compiled once.
    let target_dir = release::cargo_target_dir(root).join("fuzz");
    let target_dir = target_dir.to_string_lossy();
    let build = [
        "+nightly",
        "fuzz",
        "build",
        "--dev",
        "--target-dir",
        &target_dir,
    ];
    for (crate_dir, targets) in FUZZ_TARGETS {
        let fuzz_dir = root.join(crate_dir);
        command::run(&fuzz_dir, cargo, &build.map(OsStr::new), &env)?;
        for target in *targets {
            let corpus = format!("corpus/{target}");
            let args = [
                "+nightly",
                "fuzz",
                "run",
                "--dev",
                "--target-dir",
                &target_dir,
                target,
                &corpus,
                "--",
                "-runs=0",
            ];
            command::run(&fuzz_dir, cargo, &args.map(OsStr::new), &env)?;
        }
    }
    Ok(())
}

/// Builds the test bundle and the server, then runs the Playwright suites: every
/// scenario in mesh mode (`chromium`) and with a real Janus carrying the media (`janus`).
fn e2e(root: &Path) -> Result<(), Failure> {
    playwright(root, &["chromium", "janus"])
}

/// Builds, in debug, every binary of the workspace (into `target/debug`), the signaling
/// server with its `test-hooks` feature, in one cargo run that resolves features as
/// `cargo test --workspace` does, so it reuses the native tests' dependencies and compiles
/// only the server and the binaries again. `--examples` needs dev-dependencies, which keeps
/// their features in the resolution; `--lib` keeps every library, as the tests have them.
/// Built alone (`-p`), the server, conclave-release and conclave-verify each resolved
/// features anew and rebuilt about 200 dependencies (BENCHMARKS.md, "Test time").
/// `--bins` includes `conclave-admin`, the organisation CA the verified-identity
/// scenarios run (e2e-tests/support/conclave-admin.ts).
pub fn build_test_binaries(root: &Path) -> Result<(), Failure> {
    command::cargo(
        root,
        &[
            "build",
            "--workspace",
            "--lib",
            "--bins",
            "--examples",
            "--features",
            "conclave-signaling-server/test-hooks",
        ],
    )
}

/// The TypeScript configurations that type-check `www/*.js` (`// @ts-check`, JSDoc types)
/// against the test bundle's wasm module declarations: the worker and the page each have
/// their own global scope.
const WWW_TSCONFIGS: &[&str] = &[
    "tsconfig.www-worker.json",
    "tsconfig.www-page.json",
    "tsconfig.www-sw.json",
];

/// `tsc --noEmit` over the page's scripts, with the compiler the Playwright suite's npm
/// packages installed. Needs the test bundle (`target/www-test`, which keeps the wasm
/// modules' declarations).
fn type_check_www(e2e_dir: &Path) -> Result<(), Failure> {
    command::step("type-check www/*.js against the wasm modules' declarations (tsc --noEmit)");
    let tsc = e2e_dir.join("node_modules/.bin/tsc");
    for config in WWW_TSCONFIGS {
        let args = ["--noEmit", "-p", config].map(OsStr::new);
        command::run(e2e_dir, tsc.as_os_str(), &args, &[])?;
    }
    Ok(())
}

/// Builds the test bundle and the server, then runs one Playwright project inside a
/// private network namespace, so no test traffic can leave the machine (see
/// e2e-tests/README.md).
fn playwright(root: &Path, projects: &[&str]) -> Result<(), Failure> {
    command::step(
        "build the workspace's binaries for the suite (the signaling server with its \
         test-only fault switch, conclave-release, conclave-verify, conclave-admin)",
    );
    build_test_binaries(root)?;
    let www_test = root.join("target/www-test");
    bundle::build(root, &www_test, bundle::Hooks::Test)?;
    command::step(
        "the test tree is a release signed under the test policy (conclave-release verify)",
    );
    release::verify_tree(root, &www_test, &release::test_policy(root))?;
    // The council scenario fills its meeting with headless members (no media), optimised:
    // a debug build is too slow for 27 of them on two cores (Cargo.toml, profile.headless).
    command::step("build the headless meeting members (profile headless)");
    command::cargo(
        root,
        &[
            "build",
            "-p",
            "conclave-headless",
            "--bin",
            "conclave-headless-members",
            "--profile",
            "headless",
        ],
    )?;

    let e2e_dir = root.join("e2e-tests");
    command::step("install the Playwright suite's npm packages (exactly the lock file)");
    command::run(
        &e2e_dir,
        OsStr::new("npm"),
        &["ci", "--no-audit", "--no-fund"].map(OsStr::new),
        // puppeteer-core fetches no browser; this keeps any puppeteer package from trying.
        &[("PUPPETEER_SKIP_DOWNLOAD", OsStr::new("true"))],
    )?;

    type_check_www(&e2e_dir)?;

    command::step("Playwright suite (in a private network namespace)");
    // As root a plain network namespace; as a user, one inside a user namespace.
    let unshare_flags = if setup::is_root() { "-n" } else { "-rn" };
    let mut args: Vec<String> = [
        unshare_flags,
        "--",
        "bash",
        "scripts/in-private-network.sh",
        "npx",
        "playwright",
        "test",
    ]
    .map(String::from)
    .to_vec();
    args.extend(
        projects
            .iter()
            .map(|project| format!("--project={project}")),
    );
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    command::run(&e2e_dir, OsStr::new("unshare"), &args, &[])
}
