//! Builds the tree the server serves: `www/` plus the two wasm-bindgen packages, made a
//! signed release (docs/RELEASES.md; see `release.rs`).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::command::{self, Failure};
use crate::release::{self, BuildEnvironment};
use crate::setup;

/// Whether the worker's test-only recording hook is compiled in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hooks {
    /// The product as shipped.
    None,
    /// Built for the Playwright suite: the `test-hooks` features of `crypto-wasm` (frame
    /// recordings) and `conclave-client` (keep peer connections after leaving).
    Test,
}

/// Which files of `www/` go into the tree.
pub enum WwwFiles {
    /// All of them, untracked ones included (a development build).
    All,
    /// These, relative to `www/` (a release: the files git tracks).
    Listed(Vec<PathBuf>),
}

/// Whether cargo may update `Cargo.lock`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// It may (a development build).
    MayUpdate,
    /// It must not: `--locked` (a release).
    Required,
}

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The worker's wasm is built for speed, the app's for size (see the profiles in
/// Cargo.toml).
const WORKER_PROFILE: &str = "wasm-worker";
const APP_PROFILE: &str = "wasm-release";

/// Builds both wasm crates in release, assembles `out/` (see docs/ARCHITECTURE.md) and
/// makes it a signed release.
pub fn build(root: &Path, out: &Path, hooks: Hooks) -> Result<(), Failure> {
    let target_dir = release::cargo_target_dir(root);
    let env = BuildEnvironment::new(root, &target_dir, release::commit_time(root));
    compile_wasm(root, &env, hooks, Lock::MayUpdate)?;
    assemble(root, &target_dir, &env, &WwwFiles::All, out, hooks)?;
    release::seal_bundle(root, out, hooks)
}

/// Builds the two wasm crates of the workspace at `source` in `env`.
pub fn compile_wasm(
    source: &Path,
    env: &BuildEnvironment,
    hooks: Hooks,
    lock: Lock,
) -> Result<(), Failure> {
    command::step(&format!("build the wasm of {}", source.display()));
    for (package, profile) in [
        ("crypto-wasm", WORKER_PROFILE),
        ("conclave-client", APP_PROFILE),
    ] {
        let mut args = vec![
            "build",
            "-p",
            package,
            "--lib",
            "--target",
            WASM_TARGET,
            "--profile",
            profile,
        ];
        if hooks == Hooks::Test {
            args.extend(["--features", "test-hooks"]);
        }
        if lock == Lock::Required {
            args.push("--locked");
        }
        env.cargo(source, &args)?;
    }
    Ok(())
}

/// Assembles `out/`: `www_files` of `source/www` and the wasm-bindgen packages of the wasm
/// in `target_dir`.
pub fn assemble(
    source: &Path,
    target_dir: &Path,
    env: &BuildEnvironment,
    www_files: &WwwFiles,
    out: &Path,
    hooks: Hooks,
) -> Result<(), Failure> {
    command::step(&format!("assemble the app in {}", out.display()));
    if out.exists() {
        std::fs::remove_dir_all(out)
            .map_err(|e| Failure::Io(format!("cannot clear {}: {e}", out.display())))?;
    }
    let www = source.join("www");
    match www_files {
        WwwFiles::All => copy_dir(&www, out)?,
        WwwFiles::Listed(files) => {
            for file in files {
                copy_file(&www.join(file), &out.join(file))?;
            }
        }
    }
    let built = target_dir.join(WASM_TARGET);
    let pkg = out.join("pkg");
    for (profile, wasm, name) in [
        (WORKER_PROFILE, "crypto_wasm.wasm", "crypto_wasm"),
        (APP_PROFILE, "conclave_client.wasm", "client"),
    ] {
        let wasm_path = built.join(profile).join(wasm);
        let mut args = vec![OsStr::new("--target"), OsStr::new("web")];
        // The test tree keeps the modules' TypeScript declarations: `cargo xtask test`
        // type-checks www/*.js against them. The served tree has no use for them.
        if hooks == Hooks::None {
            args.push(OsStr::new("--no-typescript"));
        }
        args.extend([
            OsStr::new("--out-dir"),
            pkg.as_os_str(),
            OsStr::new("--out-name"),
            OsStr::new(name),
            wasm_path.as_os_str(),
        ]);
        env.run(source, setup::wasm_bindgen_path().as_os_str(), &args)?;
        report_size(&pkg.join(format!("{name}_bg.wasm")));
    }
    Ok(())
}

fn report_size(file: &Path) {
    let raw = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let gzipped = command::output_of(
        "sh",
        &["-c", &format!("gzip -9c '{}' | wc -c", file.display())],
    )
    .and_then(|text| text.trim().parse::<u64>().ok());
    match gzipped {
        Some(gz) => println!(
            "    {}: {} KiB, {} KiB gzipped",
            file.display(),
            raw / 1024,
            gz / 1024
        ),
        None => println!("    {}: {} KiB", file.display(), raw / 1024),
    }
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) -> Result<(), Failure> {
    let io = |e: std::io::Error| {
        Failure::Io(format!(
            "copying {} to {}: {e}",
            from.display(),
            to.display()
        ))
    };
    std::fs::create_dir_all(to).map_err(io)?;
    for entry in std::fs::read_dir(from).map_err(io)? {
        let entry = entry.map_err(io)?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(io)?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(io)?;
        }
    }
    Ok(())
}

/// Copies the file `from` to `to`, making `to`'s folder.
fn copy_file(from: &Path, to: &Path) -> Result<(), Failure> {
    let io = |e: std::io::Error| {
        Failure::Io(format!(
            "copying {} to {}: {e}",
            from.display(),
            to.display()
        ))
    };
    if let Some(folder) = to.parent() {
        std::fs::create_dir_all(folder).map_err(io)?;
    }
    std::fs::copy(from, to).map(|_| ()).map_err(io)
}
