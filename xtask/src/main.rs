//! `cargo xtask`: the two commands of the README, and the steps they are made of.
//!
//! - `cargo xtask run [--listen ADDR]`: install what is missing, build the app, serve it.
//! - `cargo xtask test`: every check and test suite the project has, in order.
//! - `cargo xtask release`: a reproducible release of the committed tree (docs/RELEASES.md).
//!
//! Plain `std` only, so that this crate builds in seconds on a fresh machine.

mod bundle;
mod command;
mod release;
mod setup;
mod signaling_load;
mod test_suite;

use std::path::PathBuf;
use std::process::ExitCode;

use command::Failure;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run [--listen ADDR]        build the app and serve it (default 127.0.0.1:8080,
                             or the CONCLAVE_LISTEN environment variable)
  test                       fmt, clippy, native tests, wasm tests in Chromium, Playwright
  bundle [--test-hooks] [--out DIR]
                             build the served app tree only (default target/www), made a
                             release signed by the test keys (--test-hooks) or by a
                             development key made once in target/dev-release/
  release --out DIR --policy FILE --serial N [--check]
                             build the release of the committed tree with rustc 1.95.0,
                             unsigned (signers run `conclave-release sign`); --check
                             builds it twice from two copies and compares (~20 min)
  e2e                        build the test bundle and run only the Playwright suite
  bench [signaling|verification]
                             run the benchmarks recorded in BENCHMARKS.md (signaling:
                             only the signaling load, Conclave beside a Node ws relay;
                             verification: only the native cost of certificate chain
                             validation)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test_suite::run_all(),
        Some("bundle") => bundle_command(&args[1..]),
        Some("release") => release::release_command(&project_root(), &args[1..], USAGE),
        Some("e2e") => test_suite::run_e2e_only(),
        Some("bench") if args.get(1).is_some_and(|arg| arg == "signaling") => {
            signaling_load::run(&project_root())
        }
        Some("bench") if args.get(1).is_some_and(|arg| arg == "verification") => {
            test_suite::verification_benchmark(&project_root())
        }
        Some("bench") => test_suite::run_benchmarks(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(Failure::Usage(USAGE.to_owned())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("\nxtask: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// The project's root: the folder above `xtask/`.
fn project_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

fn run(args: &[String]) -> Result<(), Failure> {
    let listen = match args {
        [] => std::env::var("CONCLAVE_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".to_owned()),
        [flag, addr] if flag == "--listen" => addr.clone(),
        _ => return Err(Failure::Usage(USAGE.to_owned())),
    };
    let root = project_root();
    setup::ensure_wasm_toolchain(&root)?;
    let www = root.join("target/www");
    bundle::build(&root, &www, bundle::Hooks::None)?;
    command::step("build the signaling server (release)");
    command::cargo(
        &root,
        &["build", "--release", "-p", "conclave-signaling-server"],
    )?;
    command::step(&format!(
        "serve Conclave on http://{listen}/ (Ctrl-C stops it)"
    ));
    let server = root.join("target/release/conclave-server");
    command::run(
        &root,
        server.as_os_str(),
        &[
            "--listen".as_ref(),
            listen.as_ref(),
            "--www-dir".as_ref(),
            www.as_os_str(),
        ],
        &[],
    )
}

fn bundle_command(args: &[String]) -> Result<(), Failure> {
    let root = project_root();
    let mut hooks = bundle::Hooks::None;
    let mut out = root.join("target/www");
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--test-hooks" => hooks = bundle::Hooks::Test,
            "--out" => match rest.next() {
                Some(dir) => out = PathBuf::from(dir),
                None => return Err(Failure::Usage(USAGE.to_owned())),
            },
            _ => return Err(Failure::Usage(USAGE.to_owned())),
        }
    }
    setup::ensure_wasm_toolchain(&root)?;
    bundle::build(&root, &out, hooks)
}
