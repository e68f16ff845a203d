//! Every served tree made a release (docs/RELEASES.md), and `cargo xtask release`.
//!
//! - The wasm is built in one environment ([`BuildEnvironment`]): rustflags from
//!   `CARGO_ENCODED_RUSTFLAGS` only, with `--remap-path-prefix` for the workspace, the
//!   target folder and cargo's registry and git checkouts, so no path of this machine ends
//!   up in the wasm (panic messages name their source files).
//! - After wasm-bindgen, `conclave-release` fills the page template, writes the manifest,
//!   signs it and verifies the tree, so a broken tree is never served: the test tree
//!   (`--test-hooks`) with the committed test keys (2 of 2), any other bundle with a
//!   development key made once in `target/dev-release/` (1 of 1).
//! - `cargo xtask release` builds the committed tree only, with the pinned compiler, and
//!   leaves the manifest unsigned: the release's signers run `conclave-release sign`. It
//!   refuses a policy that lists a committed test key (their seeds are public).
//!   `--check` builds it twice, from two `git archive` copies at paths of different lengths,
//!   and compares the results byte for byte.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::bundle::{self, Hooks, WwwFiles};
use crate::command::{self, Failure};
use crate::{setup, test_suite};

/// The compiler version releases are built with. Another rustc version emits other wasm
/// bytes, so a release built with it could not be reproduced by an auditor who follows
/// docs/RELEASES.md; `cargo xtask release` refuses any other. Raising it is a commit of its
/// own, with the docs.
pub const RELEASE_RUSTC_VERSION: &str = "1.95.0";

/// The committed test keys and their policy (2 of test-vendor, test-auditor).
const TEST_KEYS: &str = "e2e-tests/fixtures/release-keys";
/// The keys that sign the test tree.
const TEST_SIGNERS: &[&str] = &["test-vendor.key", "test-auditor.key"];
/// The development key and its 1-of-1 policy, in the target folder.
const DEV_RELEASE: &str = "dev-release";
/// Where `--check` builds its two copies (paths of different lengths on purpose).
const CHECK_FOLDERS: [&str; 2] = ["conclave-rc-a", "conclave-release-check-bbbbbbbbbb"];

/// Where cargo puts build output for `root`: `CARGO_TARGET_DIR`, else `root/target`.
pub fn cargo_target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}

/// What the environment of a wasm build is, so that only the sources decide its bytes.
pub struct BuildEnvironment {
    set: Vec<(&'static str, OsString)>,
}

/// Variables removed from every wasm build's environment: `RUSTFLAGS` would be ignored
/// beside `CARGO_ENCODED_RUSTFLAGS` but is removed so nobody thinks it applies; wrappers
/// could change the compiler's command line.
const REMOVED_VARIABLES: &[&str] = &["RUSTFLAGS", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER"];

impl BuildEnvironment {
    /// The environment for building the workspace at `workspace` into `target_dir`, for a
    /// commit made at `source_date` (Unix seconds).
    pub fn new(workspace: &Path, target_dir: &Path, source_date: u64) -> Self {
        let cargo_home = setup::cargo_bin_dir()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".cargo"));
        let remap = |from: &Path, to: &str| {
            let mut flag = OsString::from("--remap-path-prefix=");
            flag.push(from.as_os_str());
            flag.push("=");
            flag.push(to);
            flag
        };
        // Environment rustflags replace `.cargo/config.toml`'s, so its cfg is repeated here.
        // When several prefixes match, rustc takes the last: the most specific comes last.
        let flags = [
            OsString::from("--cfg=web_sys_unstable_apis"),
            remap(workspace, "/conclave"),
            remap(target_dir, "/conclave/target"),
            remap(&cargo_home.join("registry/src"), "/cargo/registry/src"),
            remap(&cargo_home.join("git/checkouts"), "/cargo/git/checkouts"),
        ];
        let mut encoded = OsString::new();
        for (index, flag) in flags.iter().enumerate() {
            if index > 0 {
                encoded.push("\u{1f}");
            }
            encoded.push(flag);
        }
        Self {
            set: vec![
                ("CARGO_ENCODED_RUSTFLAGS", encoded),
                ("CARGO_TARGET_DIR", target_dir.as_os_str().to_owned()),
                ("CARGO_INCREMENTAL", OsString::from("0")),
                ("SOURCE_DATE_EPOCH", OsString::from(source_date.to_string())),
                ("LC_ALL", OsString::from("C")),
                ("TZ", OsString::from("UTC")),
            ],
        }
    }

    /// Runs `program args` in `dir` in this environment; fails on a non-zero exit.
    pub fn run(&self, dir: &Path, program: &OsStr, args: &[&OsStr]) -> Result<(), Failure> {
        let mut child = Command::new(program);
        child.args(args).current_dir(dir);
        for name in REMOVED_VARIABLES {
            child.env_remove(name);
        }
        child.envs(self.set.iter().map(|(name, value)| (*name, value)));
        command::run_prepared(child, &command::describe(program, args))
    }

    /// Runs `cargo args` in `dir` in this environment.
    pub fn cargo(&self, dir: &Path, args: &[&str]) -> Result<(), Failure> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        self.run(dir, &cargo, &args)
    }
}

/// Where a build comes from, as its manifest records it.
struct SourceFacts {
    commit: String,
    source_date: u64,
    rustc: String,
    wasm_bindgen: String,
}

impl SourceFacts {
    /// The facts of the checkout at `root`; a tree that is not a git checkout has commit 40
    /// zeros and date 0.
    fn of(root: &Path) -> Result<Self, Failure> {
        let commit = command::output_in(root, OsStr::new("git"), &["rev-parse", "HEAD"])
            .map(|commit| commit.trim().to_owned())
            .filter(|commit| commit.len() == 40)
            .unwrap_or_else(|| "0".repeat(40));
        let source_date = commit_time(root);
        let rustc = command::output_in(root, OsStr::new("rustc"), &["-V"])
            .map(|version| version.trim().to_owned())
            .ok_or_else(|| Failure::Missing("`rustc -V` does not run".to_owned()))?;
        let wasm_bindgen =
            command::output_in(root, setup::wasm_bindgen_path().as_os_str(), &["--version"])
                .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
                .ok_or_else(|| {
                    Failure::Missing("`wasm-bindgen --version` does not run".to_owned())
                })?;
        Ok(Self {
            commit,
            source_date,
            rustc,
            wasm_bindgen,
        })
    }
}

/// The committer time of `HEAD` in the checkout at `root` (Unix seconds; 0 outside a git
/// checkout): a release's `source_date`, the least serial of a bundle ([`bundle_serial`]),
/// and `SOURCE_DATE_EPOCH`.
pub fn commit_time(root: &Path) -> u64 {
    command::output_in(root, OsStr::new("git"), &["log", "-1", "--format=%ct"])
        .and_then(|date| date.trim().parse().ok())
        .unwrap_or(0)
}

/// The `conclave-release` binary, built (debug: it hashes a few MB, and builds in seconds)
/// into the target folder, where the Playwright fixtures also find it.
struct ReleaseTool {
    binary: PathBuf,
    root: PathBuf,
}

impl ReleaseTool {
    /// Builds it for a tree with `hooks`: for the test tree, by the test suite's one build
    /// of its binaries (which shares the native tests' dependencies); else on its own.
    fn build(root: &Path, hooks: Hooks) -> Result<Self, Failure> {
        match hooks {
            Hooks::Test => test_suite::build_test_binaries(root)?,
            Hooks::None => command::cargo(root, &["build", "--quiet", "-p", "conclave-release"])?,
        }
        Ok(Self {
            binary: cargo_target_dir(root).join("debug/conclave-release"),
            root: root.to_owned(),
        })
    }

    fn run(&self, args: &[&OsStr]) -> Result<(), Failure> {
        command::run(&self.root, self.binary.as_os_str(), args, &[])
    }

    /// Runs it and returns its standard output.
    fn output(&self, args: &[&OsStr]) -> Result<String, Failure> {
        let what = command::describe(self.binary.as_os_str(), args);
        let output = Command::new(&self.binary)
            .args(args)
            .current_dir(&self.root)
            .output()
            .map_err(|error| Failure::Command {
                what: what.clone(),
                detail: format!("could not start: {error}"),
            })?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(Failure::Command {
                what,
                detail: format!(
                    "exited with {}: {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            })
        }
    }

    /// `conclave-release manifest`: the tree `out` made a release under `policy`.
    fn manifest(
        &self,
        out: &Path,
        policy: &Path,
        facts: &SourceFacts,
        serial: u64,
        hooks: Hooks,
    ) -> Result<(), Failure> {
        let serial = serial.to_string();
        let source_date = facts.source_date.to_string();
        let mut args: Vec<&OsStr> = vec![
            "manifest".as_ref(),
            out.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
            "--commit".as_ref(),
            facts.commit.as_ref(),
            "--serial".as_ref(),
            serial.as_ref(),
            "--source-date".as_ref(),
            source_date.as_ref(),
            "--rustc".as_ref(),
            facts.rustc.as_ref(),
            "--wasm-bindgen".as_ref(),
            facts.wasm_bindgen.as_ref(),
        ];
        if hooks == Hooks::Test {
            args.push("--test-hooks".as_ref());
        }
        self.run(&args)
    }

    fn sign(&self, key: &Path, out: &Path) -> Result<(), Failure> {
        self.run(&[
            "sign".as_ref(),
            "--key".as_ref(),
            key.as_os_str(),
            out.as_os_str(),
        ])
    }

    /// `conclave-release verify` against `policy` (`unsigned`: all but the signatures).
    fn verify(&self, out: &Path, policy: &Path, unsigned: bool) -> Result<(), Failure> {
        let mut args: Vec<&OsStr> = vec![
            "verify".as_ref(),
            out.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
        ];
        if unsigned {
            args.push("--unsigned".as_ref());
        }
        self.run(&args)
    }
}

/// The committed test policy.
pub fn test_policy(root: &Path) -> PathBuf {
    root.join(TEST_KEYS).join("policy.json")
}

/// Makes the bundle at `out` a signed release and verifies it: the test tree with the test
/// keys, any other with the development key. The date is the commit's time; the serial
/// is [`bundle_serial`].
pub fn seal_bundle(root: &Path, out: &Path, hooks: Hooks) -> Result<(), Failure> {
    command::step(&format!(
        "make {} a signed release (conclave-release manifest, sign, verify)",
        out.display()
    ));
    let tool = ReleaseTool::build(root, hooks)?;
    let facts = SourceFacts::of(root)?;
    let (policy, keys) = match hooks {
        Hooks::Test => {
            let keys = TEST_SIGNERS
                .iter()
                .map(|key| root.join(TEST_KEYS).join(key))
                .collect();
            (test_policy(root), keys)
        }
        Hooks::None => {
            let (policy, key) = development_key(root, &tool)?;
            (policy, vec![key])
        }
    };
    let serial = bundle_serial(hooks, facts.source_date, unix_now());
    tool.manifest(out, &policy, &facts, serial, hooks)?;
    for key in &keys {
        tool.sign(key, out)?;
    }
    tool.verify(out, &policy, false)
}

/// The serial of a bundle. A development bundle takes the later of the commit time and
/// now: rebuilt without a new commit (an edited file), it has other bytes, and a browser
/// that pinned the previous build would refuse the same serial as a rollback. The test tree
/// keeps the commit time (its browsers start unpinned, and the same commit gives the same
/// manifest); `source_date` is the commit time for both.
fn bundle_serial(hooks: Hooks, commit_time: u64, now: u64) -> u64 {
    match hooks {
        Hooks::Test => commit_time,
        Hooks::None => commit_time.max(now),
    }
}

/// The current Unix time in seconds (0 if the clock is before 1970).
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Verifies the tree at `out` against `policy` (a step of `cargo xtask test`, with the tool
/// as the test suite builds it).
pub fn verify_tree(root: &Path, out: &Path, policy: &Path) -> Result<(), Failure> {
    ReleaseTool::build(root, Hooks::Test)?.verify(out, policy, false)
}

/// The development key and its 1-of-1 policy, made on first use.
fn development_key(root: &Path, tool: &ReleaseTool) -> Result<(PathBuf, PathBuf), Failure> {
    let dir = cargo_target_dir(root).join(DEV_RELEASE);
    let key = dir.join("dev.key");
    let policy = dir.join("policy.json");
    if key.is_file() && policy.is_file() {
        return Ok((policy, key));
    }
    let io = |e: std::io::Error| Failure::Io(format!("{}: {e}", dir.display()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io)?;
    }
    std::fs::create_dir_all(&dir).map_err(io)?;
    let line = tool.output(&[
        "keygen".as_ref(),
        "--id".as_ref(),
        "dev".as_ref(),
        "--out".as_ref(),
        key.as_os_str(),
    ])?;
    tool.run(&[
        "policy".as_ref(),
        "--threshold".as_ref(),
        "1".as_ref(),
        "--key".as_ref(),
        line.trim().as_ref(),
        "--out".as_ref(),
        policy.as_os_str(),
    ])?;
    Ok((policy, key))
}

/// `cargo xtask release --out DIR --policy FILE --serial N [--check]`.
pub fn release_command(root: &Path, args: &[String], usage: &str) -> Result<(), Failure> {
    let usage_failure = || Failure::Usage(usage.to_owned());
    let (mut out, mut policy, mut serial, mut check) = (None, None, None, false);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(rest.next().ok_or_else(usage_failure)?)),
            "--policy" => policy = Some(PathBuf::from(rest.next().ok_or_else(usage_failure)?)),
            "--serial" => {
                let text = rest.next().ok_or_else(usage_failure)?;
                serial = Some(text.parse::<u64>().map_err(|_| usage_failure())?);
            }
            "--check" => check = true,
            _ => return Err(usage_failure()),
        }
    }
    let (Some(out), Some(policy), Some(serial)) = (out, policy, serial) else {
        return Err(usage_failure());
    };
    let absolute = |path: PathBuf| {
        if path.is_absolute() {
            path
        } else {
            std::env::current_dir()
                .map(|dir| dir.join(&path))
                .unwrap_or(path)
        }
    };
    let (out, policy) = (absolute(out), absolute(policy));
    let policy_text = std::fs::read_to_string(&policy).map_err(io_failure(&policy))?;
    refuse_test_keys(&policy, &policy_text, &test_public_keys(root)?)?;

    setup::ensure_wasm_toolchain(root)?;
    require_release_compiler(root)?;
    require_clean_checkout(root)?;
    let job = ReleaseJob {
        root,
        facts: SourceFacts::of(root)?,
        tool: ReleaseTool::build(root, Hooks::None)?,
        policy: &policy,
        serial,
    };
    if check {
        job.check_reproducible(&out)?;
    } else {
        job.build(root, &cargo_target_dir(root), &out)?;
    }
    print_next_steps(&out, &policy);
    Ok(())
}

/// The committed test keys (`e2e-tests/fixtures/release-keys/*.key`) as `(file name,
/// public key base64)`. Fails if there are none, so that the check they serve cannot pass
/// by finding nothing.
fn test_public_keys(root: &Path) -> Result<Vec<(String, String)>, Failure> {
    let dir = root.join(TEST_KEYS);
    let mut keys = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(io_failure(&dir))? {
        let path = entry.map_err(io_failure(&dir))?.path();
        if path.extension() != Some(OsStr::new("key")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(io_failure(&path))?;
        let public = text
            .lines()
            .find_map(|line| line.strip_prefix("public="))
            .filter(|public| !public.is_empty())
            .ok_or_else(|| Failure::Io(format!("{}: no `public=` line", path.display())))?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        keys.push((name, public.to_owned()));
    }
    if keys.is_empty() {
        return Err(Failure::Io(format!("{}: no test key files", dir.display())));
    }
    Ok(keys)
}

/// Refuses a release policy (the text of the file at `path`) that lists any of the
/// committed test keys: their seeds are public, so anyone could sign under it. A policy is
/// canonical JSON, which escapes only `"` and `\\` (the release tool refuses any other
/// spelling), so a listed key appears in it as the key file spells it.
fn refuse_test_keys(
    path: &Path,
    policy_text: &str,
    test_keys: &[(String, String)],
) -> Result<(), Failure> {
    let listed: Vec<&str> = test_keys
        .iter()
        .filter(|(_, public)| policy_text.contains(public.as_str()))
        .map(|(name, _)| name.as_str())
        .collect();
    if listed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Missing(format!(
            "{}: lists the committed test key(s) {} of {TEST_KEYS}, whose seeds are public; \
             a release policy must name only product keys",
            path.display(),
            listed.join(", ")
        )))
    }
}

/// What every build of one release shares.
struct ReleaseJob<'a> {
    /// The workspace `cargo xtask` runs in (a clean checkout).
    root: &'a Path,
    facts: SourceFacts,
    tool: ReleaseTool,
    policy: &'a Path,
    serial: u64,
}

impl ReleaseJob<'_> {
    /// Builds the release of the checkout at `source` (the workspace, or a `git archive`
    /// copy of it) into `out`, with `target_dir` for cargo: the committed `www/` files only,
    /// the manifest unsigned, then verified but for the signatures.
    fn build(&self, source: &Path, target_dir: &Path, out: &Path) -> Result<(), Failure> {
        let www = committed_www_files(self.root)?;
        let env = BuildEnvironment::new(source, target_dir, self.facts.source_date);
        bundle::compile_wasm(source, &env, Hooks::None, bundle::Lock::Required)?;
        let www = WwwFiles::Listed(www);
        bundle::assemble(source, target_dir, &env, &www, out, Hooks::None)?;
        command::step(&format!("make {} a release, unsigned", out.display()));
        self.tool
            .manifest(out, self.policy, &self.facts, self.serial, Hooks::None)?;
        self.tool.verify(out, self.policy, true)
    }

    /// Builds the release twice, from two copies of `HEAD` at paths of different lengths
    /// with their own target folders, and compares the trees byte for byte (the manifest
    /// with them); if they are the same, the first becomes `out`.
    fn check_reproducible(&self, out: &Path) -> Result<(), Failure> {
        let started = Instant::now();
        let (copy_a, tree_a) = self.build_copy(CHECK_FOLDERS[0])?;
        let (copy_b, tree_b) = self.build_copy(CHECK_FOLDERS[1])?;
        command::step("compare the two builds");
        let differences = compare_trees(&tree_a, &tree_b)?;
        let minutes = started.elapsed().as_secs_f64() / 60.0;
        if !differences.is_empty() {
            let mut report = format!(
                "the two builds differ (checked in {minutes:.1} min); they stay in {} and {}:",
                copy_a.display(),
                copy_b.display()
            );
            for difference in differences {
                report.push_str(&format!("\n  - {difference}"));
            }
            return Err(Failure::Io(report));
        }
        println!(
            "    the two builds are identical, manifest.json included: the release is \
             reproducible (checked in {minutes:.1} min)"
        );
        if out.exists() {
            std::fs::remove_dir_all(out).map_err(io_failure(out))?;
        }
        bundle::copy_dir(&tree_a, out)?;
        for copy in [copy_a, copy_b] {
            std::fs::remove_dir_all(&copy).map_err(io_failure(&copy))?;
        }
        Ok(())
    }

    /// `HEAD` copied into the temporary folder `folder` with `git archive` and built there
    /// with its own target folder; returns the copy and its release tree.
    fn build_copy(&self, folder: &str) -> Result<(PathBuf, PathBuf), Failure> {
        let copy = std::env::temp_dir().join(folder);
        command::step(&format!("copy HEAD into {} (git archive)", copy.display()));
        if copy.exists() {
            std::fs::remove_dir_all(&copy).map_err(io_failure(&copy))?;
        }
        std::fs::create_dir_all(&copy).map_err(io_failure(&copy))?;
        let archive = copy.join("source.tar");
        let mut args = ["archive", "--format=tar", "-o"].map(OsStr::new).to_vec();
        args.extend([archive.as_os_str(), OsStr::new("HEAD")]);
        command::run(self.root, OsStr::new("git"), &args, &[])?;
        let extract = [OsStr::new("-xf"), archive.as_os_str()];
        command::run(&copy, OsStr::new("tar"), &extract, &[])?;
        std::fs::remove_file(&archive).map_err(io_failure(&archive))?;
        let tree = copy.join("release-tree");
        self.build(&copy, &copy.join("target"), &tree)?;
        Ok((copy, tree))
    }
}

/// A [`Failure::Io`] about `path`.
fn io_failure(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |error| Failure::Io(format!("{}: {error}", path.display()))
}

/// Every file that is not byte-identical in the trees `a` and `b` (and where the first
/// difference is), and every file only one of them has.
fn compare_trees(a: &Path, b: &Path) -> Result<Vec<String>, Failure> {
    let files_a = list_files(a)?;
    let files_b = list_files(b)?;
    let mut differences = Vec::new();
    for file in files_a.union(&files_b) {
        let read = |tree: &Path| std::fs::read(tree.join(file)).ok();
        match (read(a), read(b)) {
            (Some(bytes_a), Some(bytes_b)) if bytes_a == bytes_b => {}
            (Some(bytes_a), Some(bytes_b)) => {
                let first = bytes_a
                    .iter()
                    .zip(&bytes_b)
                    .position(|(x, y)| x != y)
                    .unwrap_or(bytes_a.len().min(bytes_b.len()));
                differences.push(format!(
                    "{file}: {} and {} bytes, first difference at byte {first}",
                    bytes_a.len(),
                    bytes_b.len()
                ));
            }
            (Some(_), None) => differences.push(format!("{file}: only in the first build")),
            (None, _) => differences.push(format!("{file}: only in the second build")),
        }
    }
    Ok(differences)
}

/// The files under `dir`, as `/`-separated relative paths.
fn list_files(dir: &Path) -> Result<std::collections::BTreeSet<String>, Failure> {
    fn walk(
        dir: &Path,
        prefix: &str,
        files: &mut std::collections::BTreeSet<String>,
    ) -> Result<(), Failure> {
        let io = |e: std::io::Error| Failure::Io(format!("{}: {e}", dir.display()));
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().map_err(io)?.is_dir() {
                walk(&entry.path(), &format!("{name}/"), files)?;
            } else {
                files.insert(name);
            }
        }
        Ok(())
    }
    let mut files = std::collections::BTreeSet::new();
    walk(dir, "", &mut files)?;
    Ok(files)
}

/// The files of `www/` that git tracks, relative to `www/`.
fn committed_www_files(root: &Path) -> Result<Vec<PathBuf>, Failure> {
    let listing = command::output_in(root, OsStr::new("git"), &["ls-files", "-z", "www"])
        .ok_or_else(|| Failure::Missing("a release is built from a git checkout".to_owned()))?;
    Ok(listing
        .split('\0')
        .filter_map(|path| path.strip_prefix("www/"))
        .map(PathBuf::from)
        .collect())
}

/// Refuses any compiler but [`RELEASE_RUSTC_VERSION`].
fn require_release_compiler(root: &Path) -> Result<(), Failure> {
    let version = command::output_in(root, OsStr::new("rustc"), &["-V"]).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(RELEASE_RUSTC_VERSION) {
        Ok(())
    } else {
        Err(Failure::Missing(format!(
            "releases are built with rustc {RELEASE_RUSTC_VERSION}, this is `{}`:\n  \
             rustup toolchain install {RELEASE_RUSTC_VERSION} --target wasm32-unknown-unknown\n  \
             cargo +{RELEASE_RUSTC_VERSION} xtask release …",
            version.trim()
        )))
    }
}

/// Refuses a checkout with changed or untracked files: the release must be the commit.
fn require_clean_checkout(root: &Path) -> Result<(), Failure> {
    let status = command::output_in(root, OsStr::new("git"), &["status", "--porcelain"])
        .ok_or_else(|| Failure::Missing("a release is built from a git checkout".to_owned()))?;
    if status.trim().is_empty() {
        Ok(())
    } else {
        Err(Failure::Missing(format!(
            "the checkout has changes; a release is built from a clean commit:\n{}",
            status.trim_end()
        )))
    }
}

fn print_next_steps(out: &Path, policy: &Path) {
    println!(
        "\nThe release in {0} is unsigned. Each signer checks it and signs:\n  \
         conclave-release sign --key SIGNER.key {0}\n\
         then anyone verifies it:\n  \
         conclave-release verify {0} --policy {1}",
        out.display(),
        policy.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn a_development_bundle_rebuilt_later_has_a_higher_serial() {
        assert_eq!(bundle_serial(Hooks::None, 100, 250), 250);
        assert_eq!(
            bundle_serial(Hooks::None, 100, 50),
            100,
            "a clock behind the commit"
        );
        assert_eq!(bundle_serial(Hooks::Test, 100, 250), 100);
        assert!(unix_now() > 1_700_000_000);
    }

    #[test]
    fn a_release_policy_with_a_committed_test_key_is_refused() {
        let keys = test_public_keys(&workspace()).unwrap();
        let names: Vec<&str> = keys.iter().map(|(name, _)| name.as_str()).collect();
        for expected in ["test-vendor.key", "test-auditor.key", "test-rogue.key"] {
            assert!(names.contains(&expected), "{names:?}");
        }
        let test_policy_text = std::fs::read_to_string(test_policy(&workspace())).unwrap();
        assert!(refuse_test_keys(Path::new("p"), &test_policy_text, &keys).is_err());
        let rogue = keys
            .iter()
            .find(|(name, _)| name == "test-rogue.key")
            .map(|(_, public)| public.clone())
            .unwrap();
        let product = "{\"format\":1,\"keys\":[{\"ed25519\":\"JcyCtxBPcMsFgnb/BvIkipvml3jHvyu8nNPrpCPHonM=\",\
                       \"id\":\"vendor\"}],\"threshold\":1}\n";
        assert!(refuse_test_keys(Path::new("p"), product, &keys).is_ok());
        let with_rogue = product.replace(
            "}],",
            &format!("}},{{\"ed25519\":\"{rogue}\",\"id\":\"x\"}}],"),
        );
        let error = refuse_test_keys(Path::new("p"), &with_rogue, &keys).unwrap_err();
        assert!(error.to_string().contains("test-rogue.key"), "{error}");
    }
}
