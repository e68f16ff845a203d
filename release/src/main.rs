//! `conclave-release`: makes, signs, verifies and shows Conclave releases (docs/RELEASES.md).
//!
//! Each subcommand is a thin layer over the library: parse the arguments, call one
//! function, print what it did. Any failure prints its cause and exits with status 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use conclave_release::tree::{self, ReleaseInfo, SignatureCheck, SignerStanding};
use conclave_release::{
    grouped_build_id, short_build_id, CommitId, Error, KeyId, Policy, PolicyKey, ReleaseSigningKey,
    Toolchain,
};

/// Makes, signs, verifies and shows Conclave releases (docs/RELEASES.md).
#[derive(Parser)]
#[command(name = "conclave-release", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Makes a new signing key file (mode 0600; never overwrites) and prints its policy line,
    /// ID=PUBLIC_KEY_BASE64.
    Keygen {
        /// The key's id, as policies and signatures name it.
        #[arg(long)]
        id: String,
        /// The key file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes a signing policy (canonical JSON).
    Policy {
        /// How many distinct keys must sign a release.
        #[arg(long)]
        threshold: u64,
        /// A key of the policy, ID=PUBLIC_KEY_BASE64 (as `keygen` prints it); repeat for each.
        #[arg(long = "key", required = true)]
        keys: Vec<String>,
        /// The policy file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Makes the built tree DIR a release, unsigned: fills index.html, writes
    /// pkg/integrity.js, release/policy.json, release/manifest.json and an empty
    /// release/signatures.json.
    Manifest {
        /// The tree (www/ plus the wasm-bindgen packages in pkg/).
        dir: PathBuf,
        /// The signing policy the release is made under.
        #[arg(long)]
        policy: PathBuf,
        /// The git commit it was built from (40 lowercase hex digits).
        #[arg(long)]
        commit: String,
        /// The release's serial number (strictly increasing between releases).
        #[arg(long)]
        serial: u64,
        /// The commit's committer time, in Unix seconds.
        #[arg(long)]
        source_date: u64,
        /// The Playwright suite's build (its service worker lets /test/* through).
        #[arg(long)]
        test_hooks: bool,
        /// `rustc -V` of the compiler that built the wasm.
        #[arg(long)]
        rustc: String,
        /// The wasm-bindgen CLI's version.
        #[arg(long)]
        wasm_bindgen: String,
    },
    /// Signs the manifest of DIR, adding a line to release/signatures.json (a previous
    /// signature by the same key id is replaced).
    Sign {
        /// The signing key file.
        #[arg(long)]
        key: PathBuf,
        /// The release tree.
        dir: PathBuf,
    },
    /// Verifies the release tree DIR: signatures, policy, every file, the page.
    Verify {
        /// The release tree.
        dir: PathBuf,
        /// The policy to trust (by default the tree's own, which proves only that the tree
        /// is consistent).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Checks everything but the signatures (a release not signed yet).
        #[arg(long)]
        unsigned: bool,
    },
    /// Shows the build id, serial, commit and signers of DIR.
    Show {
        /// The release tree.
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Keygen { id, out } => keygen(&id, &out),
        Command::Policy {
            threshold,
            keys,
            out,
        } => policy(threshold, &keys, &out),
        Command::Manifest {
            dir,
            policy,
            commit,
            serial,
            source_date,
            test_hooks,
            rustc,
            wasm_bindgen,
        } => CommitId::new(&commit).and_then(|commit| {
            let info = ReleaseInfo {
                commit,
                serial,
                source_date,
                test_hooks,
                toolchain: Toolchain {
                    rustc,
                    wasm_bindgen,
                },
            };
            manifest(&dir, &policy, &info)
        }),
        Command::Sign { key, dir } => sign(&key, &dir),
        Command::Verify {
            dir,
            policy,
            unsigned,
        } => verify(&dir, policy.as_deref(), unsigned),
        Command::Show { dir } => show(&dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("conclave-release: {error}");
            ExitCode::FAILURE
        }
    }
}

fn keygen(id: &str, out: &Path) -> Result<(), Error> {
    let key = ReleaseSigningKey::generate(KeyId::new(id)?)?;
    key.write_new_key_file(out)?;
    eprintln!(
        "wrote {} (secret: keep it off the server); its policy line:",
        out.display()
    );
    println!("{}", key.policy_key().to_key_line());
    Ok(())
}

fn policy(threshold: u64, key_lines: &[String], out: &Path) -> Result<(), Error> {
    let keys = key_lines
        .iter()
        .map(|line| PolicyKey::from_key_line(line))
        .collect::<Result<Vec<_>, _>>()?;
    let policy = Policy::new(threshold, keys)?;
    let bytes = policy.to_canonical_json()?;
    std::fs::write(out, &bytes).map_err(|source| Error::Io {
        path: out.to_owned(),
        source,
    })?;
    println!(
        "wrote {} ({} of {} keys; sha256 {})",
        out.display(),
        policy.threshold(),
        policy.keys().len(),
        conclave_release::Sha256Digest::of(&bytes)
    );
    Ok(())
}

fn manifest(dir: &Path, policy: &Path, info: &ReleaseInfo) -> Result<(), Error> {
    let policy_bytes = std::fs::read(policy).map_err(|source| Error::Io {
        path: policy.to_owned(),
        source,
    })?;
    let written = tree::write_release(dir, &policy_bytes, info)?;
    println!(
        "release {} of {} ({} files), unsigned; build {}",
        written.manifest.serial,
        dir.display(),
        written.manifest.files.len(),
        grouped_build_id(&written.build_id)
    );
    Ok(())
}

fn sign(key_file: &Path, dir: &Path) -> Result<(), Error> {
    let key = ReleaseSigningKey::read_key_file(key_file)?;
    let standing = tree::sign_release(dir, &key)?;
    let summary = tree::describe_release(dir)?;
    println!(
        "signed build {} as {}",
        short_build_id(&summary.build_id),
        key.id()
    );
    match standing {
        SignerStanding::InPolicy => {}
        SignerStanding::NotInPolicy => eprintln!(
            "warning: the tree's policy does not list `{}`: this signature counts for nothing",
            key.id()
        ),
        SignerStanding::OtherKeyUnderThisId => eprintln!(
            "warning: the tree's policy lists another key as `{}`: this signature counts for nothing",
            key.id()
        ),
    }
    Ok(())
}

fn verify(dir: &Path, trusted_policy: Option<&Path>, unsigned: bool) -> Result<(), Error> {
    let trusted = trusted_policy
        .map(|path| {
            std::fs::read(path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })
        })
        .transpose()?;
    let check = if unsigned {
        SignatureCheck::Skipped
    } else {
        SignatureCheck::Required
    };
    let verified = tree::verify_release(dir, trusted.as_deref(), check)?;
    let whose = match trusted_policy {
        Some(path) => format!("the trusted policy {}", path.display()),
        None => "the tree's own policy".to_owned(),
    };
    let signed = if unsigned {
        "signatures not checked".to_owned()
    } else {
        format!(
            "signed by {} ({} of {} needed, {whose})",
            join_ids(&verified.signers),
            verified.policy.threshold(),
            verified.policy.keys().len()
        )
    };
    println!(
        "verified {}: build {}, serial {}, {} files, {signed}",
        dir.display(),
        short_build_id(&verified.build_id),
        verified.manifest.serial,
        verified.manifest.files.len()
    );
    Ok(())
}

fn show(dir: &Path) -> Result<(), Error> {
    let summary = tree::describe_release(dir)?;
    let manifest = &summary.manifest;
    println!("build       {}", grouped_build_id(&summary.build_id));
    println!("short       {}", short_build_id(&summary.build_id));
    println!("version     {}", manifest.version);
    println!("serial      {}", manifest.serial);
    println!("commit      {}", manifest.commit);
    println!("source date {}", manifest.source_date);
    println!(
        "test hooks  {}",
        if manifest.test_hooks { "yes" } else { "no" }
    );
    println!(
        "toolchain   {}, wasm-bindgen {}",
        manifest.toolchain.rustc, manifest.toolchain.wasm_bindgen
    );
    match &summary.policy {
        Some(policy) => println!(
            "signed by   {} ({} of {} needed; the tree's policy, signatures checked, files not)",
            join_ids(&summary.signers),
            policy.threshold(),
            policy.keys().len()
        ),
        None => println!("signed by   (the tree's policy does not read)"),
    }
    Ok(())
}

fn join_ids(ids: &[KeyId]) -> String {
    if ids.is_empty() {
        "nobody".to_owned()
    } else {
        ids.iter().map(KeyId::as_str).collect::<Vec<_>>().join(", ")
    }
}
