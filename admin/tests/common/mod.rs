//! What every scenario needs: a CA directory in a fresh temporary directory, the real
//! `conclave-admin` binary run in it, and the files it writes read back as DER.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use conclave_group::verified_identity::{
    enrollment_request, parse_pem_chain, read_enrollment_request, validate_chain, ChainRefusal,
    Organisation, TrustAnchor, VerifiedPerson,
};
use conclave_group::Identity;
use x509_cert::der::pem::{self, LineEnding};

/// Seconds in a day.
pub const DAY: u64 = 24 * 60 * 60;

/// What a run of the binary gave.
pub struct Run {
    /// Whether it exited with status 0.
    pub success: bool,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

/// Runs `conclave-admin` with `args`.
pub fn admin(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_conclave-admin"))
        .args(args)
        .output()
        .expect("conclave-admin runs");
    Run {
        success: output.status.success(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs `conclave-admin`, expecting success; returns its standard output.
pub fn admin_ok(args: &[&str]) -> String {
    let run = admin(args);
    assert!(run.success, "{args:?} failed: {}", run.stderr);
    run.stdout
}

/// Runs `conclave-admin`, expecting a refusal: exit status 1, nothing on standard output,
/// one line on standard error (no panic). Returns that line.
pub fn admin_refuses(args: &[&str]) -> String {
    let run = admin(args);
    assert!(!run.success, "{args:?} succeeded: {}", run.stdout);
    assert_eq!(run.stdout, "", "{args:?}");
    assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
    run.stderr.trim_end().to_owned()
}

/// The clock, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A CA made by `ca create` in a temporary directory (removed when dropped).
pub struct TestCa {
    /// The temporary directory (for requests, chains, a second CA).
    pub root: tempfile::TempDir,
    /// The CA directory inside it.
    pub dir: PathBuf,
}

impl TestCa {
    /// `ca create --organisation "Ministry of Example"` in a fresh directory.
    pub fn create() -> TestCa {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("ca");
        admin_ok(&[
            "ca",
            "create",
            "--dir",
            dir.to_str().unwrap(),
            "--organisation",
            "Ministry of Example",
        ]);
        TestCa { root, dir }
    }

    /// `--dir` for this CA.
    pub fn dir_arg(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    /// A path in the temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// The organisation as a server lists it: the CA certificate and its current
    /// revocation list (DER).
    pub fn organisation(&self) -> Organisation {
        Organisation {
            certificate: read_pem(&self.dir.join("ca.pem"), "CERTIFICATE"),
            revocation_list: Some(read_pem(&self.dir.join("crl.pem"), "X509 CRL")),
        }
    }

    /// Checks `chain_file`'s chain for `key` as a meeting that pinned this CA would, at
    /// `at` (Unix seconds), with the CA's current revocation list.
    pub fn validate(
        &self,
        chain_file: &Path,
        key: &[u8; 32],
        at: u64,
    ) -> Result<VerifiedPerson, ChainRefusal> {
        let anchor = TrustAnchor::from_organisation(&self.organisation(), at).unwrap();
        let chain = parse_pem_chain(&std::fs::read_to_string(chain_file).unwrap()).unwrap();
        validate_chain(&chain, key, &[anchor], at)
    }

    /// Issues a certificate for a fresh browser identity's request; returns the chain
    /// file, the identity's public key and `issue`'s output.
    pub fn enroll_and_issue(&self, file_stem: &str, extra: &[&str]) -> (PathBuf, [u8; 32], String) {
        let (request, key) = write_request(&self.path(&format!("{file_stem}.csr")), "Ada L.");
        let out = self.path(&format!("{file_stem}-chain.pem"));
        let mut args = vec![
            "issue",
            "--dir",
            self.dir_arg(),
            "--request",
            request.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        if !extra.contains(&"--name") {
            args.extend_from_slice(&["--name", "Ada Lovelace"]);
        }
        let printed = admin_ok(&args);
        (out, key, printed)
    }
}

/// Writes an enrollment request of a fresh browser identity to `path`; returns the path
/// and the identity's public key.
pub fn write_request(path: &Path, requested_name: &str) -> (PathBuf, [u8; 32]) {
    let identity = Identity::generate().unwrap();
    let request = enrollment_request(&identity, requested_name).unwrap();
    let key = read_enrollment_request(request.as_bytes())
        .unwrap()
        .public_key;
    std::fs::write(path, request).unwrap();
    (path.to_owned(), key)
}

/// The DER of the single PEM block in `path`, which must carry `label`.
pub fn read_pem(path: &Path, label: &str) -> Vec<u8> {
    let text = std::fs::read(path).unwrap();
    let (found, der) = pem::decode_vec(&text).unwrap();
    assert_eq!(found, label, "{}", path.display());
    der
}

/// Writes `der` as one PEM block.
pub fn write_pem(path: &Path, label: &str, der: &[u8]) {
    std::fs::write(
        path,
        pem::encode_string(label, LineEnding::LF, der).unwrap(),
    )
    .unwrap();
}

/// The serial `issue` printed.
pub fn printed_serial(issue_output: &str) -> String {
    issue_output
        .lines()
        .find_map(|line| line.trim().strip_prefix("serial:"))
        .expect("issue prints the serial")
        .trim()
        .to_owned()
}
