//! Builds the tree the server serves: `www/` plus the two wasm-bindgen packages.

use std::ffi::OsStr;
use std::path::Path;

use crate::command::{self, Failure};
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

/// Builds both wasm crates in release and assembles `out/` (see docs/ARCHITECTURE.md).
pub fn build(root: &Path, out: &Path, hooks: Hooks) -> Result<(), Failure> {
    let wasm_target = "wasm32-unknown-unknown";
    // The worker's wasm is built for speed, the app's for size (see the profiles in
    // Cargo.toml).
    let worker_profile = "wasm-worker";
    let app_profile = "wasm-release";
    command::step(&format!("build the app into {}", out.display()));
    let mut crypto_args = vec![
        "build",
        "-p",
        "crypto-wasm",
        "--lib",
        "--target",
        wasm_target,
        "--profile",
        worker_profile,
    ];
    if hooks == Hooks::Test {
        crypto_args.extend(["--features", "test-hooks"]);
    }
    command::cargo(root, &crypto_args)?;
    let mut client_args = vec![
        "build",
        "-p",
        "conclave-client",
        "--lib",
        "--target",
        wasm_target,
        "--profile",
        app_profile,
    ];
    if hooks == Hooks::Test {
        client_args.extend(["--features", "test-hooks"]);
    }
    command::cargo(root, &client_args)?;

    if out.exists() {
        std::fs::remove_dir_all(out)
            .map_err(|e| Failure::Io(format!("cannot clear {}: {e}", out.display())))?;
    }
    copy_dir(&root.join("www"), out)?;
    let built = root.join("target").join(wasm_target);
    let pkg = out.join("pkg");
    for (profile, wasm, name) in [
        (worker_profile, "crypto_wasm.wasm", "crypto_wasm"),
        (app_profile, "conclave_client.wasm", "client"),
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
        command::run(root, setup::wasm_bindgen_path().as_os_str(), &args, &[])?;
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

fn copy_dir(from: &Path, to: &Path) -> Result<(), Failure> {
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
