//! Every mistake an admin can make with the CA directory or the arguments is one clear
//! line and a non-zero exit, and changes nothing: a missing CA, a wrong or foreign key
//! file, a second `ca create`, an `--out` onto the CA's own files, names a roster could
//! misshow. The key file is created owner-only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{admin_ok, admin_refuses, write_request, TestCa};
use rcgen::{KeyPair, PKCS_ECDSA_P256_SHA256};

/// The files of a CA directory and their contents.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// `issue` arguments with the name "Ada Lovelace".
fn issue_args<'a>(dir: &'a str, request: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "issue",
        "--dir",
        dir,
        "--request",
        request,
        "--name",
        "Ada Lovelace",
        "--out",
        out,
    ]
}

#[cfg(unix)]
#[test]
fn the_key_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let ca = TestCa::create();
    let mode = std::fs::metadata(ca.dir.join("ca-key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let key = std::fs::read_to_string(ca.dir.join("ca-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
}

#[test]
fn a_second_ca_create_is_refused_and_the_first_ca_is_untouched() {
    let ca = TestCa::create();
    let before = snapshot(&ca.dir);
    let error = admin_refuses(&[
        "ca",
        "create",
        "--dir",
        ca.dir_arg(),
        "--organisation",
        "Ministry of Example",
    ]);
    assert!(error.contains("already holds a CA"), "{error}");
    assert_eq!(snapshot(&ca.dir), before);
}

#[test]
fn issuing_without_a_ca_directory_is_refused() {
    let ca = TestCa::create();
    let (request, _) = write_request(&ca.path("ada.csr"), "Ada");
    let out = ca.path("chain.pem");
    let missing = ca.path("no-such-ca");
    let error = admin_refuses(&issue_args(
        missing.to_str().unwrap(),
        request.to_str().unwrap(),
        out.to_str().unwrap(),
    ));
    assert!(error.contains("no CA here"), "{error}");
    assert!(!missing.exists() && !out.exists());
    // An empty directory is no CA either.
    std::fs::create_dir(ca.path("empty")).unwrap();
    let error = admin_refuses(&issue_args(
        ca.path("empty").to_str().unwrap(),
        request.to_str().unwrap(),
        out.to_str().unwrap(),
    ));
    assert!(error.contains("no CA here"), "{error}");
}

#[test]
fn a_wrong_key_file_is_refused_and_nothing_is_issued() {
    let ca = TestCa::create();
    let other = TestCa::create();
    let (request, _) = write_request(&ca.path("ada.csr"), "Ada");
    let out = ca.path("chain.pem");
    let args = issue_args(
        ca.dir_arg(),
        request.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    let key_file = ca.dir.join("ca-key.pem");

    // Another CA's key: it would sign chains that no meeting pinning this CA accepts.
    std::fs::copy(other.dir.join("ca-key.pem"), &key_file).unwrap();
    let before = snapshot(&ca.dir);
    let error = admin_refuses(&args);
    assert!(
        error.contains("not the key of the CA certificate"),
        "{error}"
    );
    assert_eq!(snapshot(&ca.dir), before);

    // A P-256 key.
    std::fs::write(
        &key_file,
        KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
            .unwrap()
            .serialize_pem(),
    )
    .unwrap();
    let error = admin_refuses(&args);
    assert!(error.contains("unsupported algorithm"), "{error}");

    // Not a key, and no key at all.
    std::fs::write(
        &key_file,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let error = admin_refuses(&args);
    assert!(error.contains("ca-key.pem"), "{error}");
    std::fs::write(&key_file, "hello").unwrap();
    let error = admin_refuses(&args);
    assert!(error.contains("not a PEM file"), "{error}");
    std::fs::remove_file(&key_file).unwrap();
    let error = admin_refuses(&args);
    assert!(error.contains("the CA key is not here"), "{error}");
    assert!(!out.exists());

    // `list` needs no key.
    admin_ok(&["list", "--dir", ca.dir_arg()]);
}

#[test]
fn out_cannot_overwrite_the_cas_own_files_nor_go_nowhere() {
    let ca = TestCa::create();
    let (request, _) = write_request(&ca.path("ada.csr"), "Ada");
    let before = snapshot(&ca.dir);
    for file in ["ca.pem", "ca-key.pem", "crl.pem", "state.json"] {
        let out = ca.dir.join(file);
        let error = admin_refuses(&issue_args(
            ca.dir_arg(),
            request.to_str().unwrap(),
            out.to_str().unwrap(),
        ));
        assert!(error.contains("one of the CA's own files"), "{error}");
    }
    // Nor go to a directory that does not exist (checked before anything is recorded).
    let out = ca.path("no-such-dir").join("chain.pem");
    let error = admin_refuses(&issue_args(
        ca.dir_arg(),
        request.to_str().unwrap(),
        out.to_str().unwrap(),
    ));
    assert!(
        error.contains("--out") && error.contains("not a directory"),
        "{error}"
    );
    assert_eq!(snapshot(&ca.dir), before);
}

#[test]
fn names_a_roster_could_misshow_and_bad_values_are_refused() {
    let ca = TestCa::create();
    let (request, _) = write_request(&ca.path("ada.csr"), "Ada");
    let out = ca.path("chain.pem");
    let base = [
        "issue",
        "--dir",
        ca.dir_arg(),
        "--request",
        request.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let before = snapshot(&ca.dir);
    let cases: [(&[&str], &str); 7] = [
        (&["--name", "Ada\u{202e}ecalevoL"], "--name"),
        (&["--name", "Ada\nLovelace"], "--name"),
        (&["--name", ""], "--name"),
        (&["--name", "Ada", "--role", "Chair\u{0007}"], "--role"),
        (&["--name", "Ada", "--email", "not an address"], "--email"),
        (&["--name", "Ada", "--days", "0"], "--days"),
        (&["--name", "Ada", "--days", "4000"], "--days"),
    ];
    for (extra, option) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let error = admin_refuses(&args);
        assert!(error.contains(option), "{extra:?}: {error}");
    }
    assert_eq!(snapshot(&ca.dir), before);
    assert!(!out.exists());

    let error = admin_refuses(&[
        "ca",
        "create",
        "--dir",
        ca.path("second").to_str().unwrap(),
        "--organisation",
        &"O".repeat(62),
    ]);
    assert!(error.contains("--organisation"), "{error}");
    assert!(!ca.path("second").join("ca-key.pem").exists());
}

#[test]
fn a_certificate_cannot_outlive_its_ca() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("ca");
    let dir = dir.to_str().unwrap();
    admin_ok(&[
        "ca",
        "create",
        "--dir",
        dir,
        "--organisation",
        "Short Lived",
        "--days",
        "10",
    ]);
    let (request, _) = write_request(&root.path().join("ada.csr"), "Ada");
    let out = root.path().join("chain.pem");
    let error = admin_refuses(&[
        "issue",
        "--dir",
        dir,
        "--request",
        request.to_str().unwrap(),
        "--name",
        "Ada",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(error.contains("outlive the CA"), "{error}");
    assert!(
        error.contains("at most 9") || error.contains("at most 10"),
        "{error}"
    );
}

#[test]
fn every_command_has_help() {
    for command in [
        &["ca", "create"][..],
        &["issue"],
        &["revoke"],
        &["crl"],
        &["list"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = admin_ok(&args);
        assert!(help.contains("--dir"), "{command:?}: {help}");
    }
}

#[test]
fn a_second_admin_at_the_same_time_is_refused() {
    let ca = TestCa::create();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(ca.dir.join(".lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let before = snapshot(&ca.dir);
    let error = admin_refuses(&["crl", "--dir", ca.dir_arg()]);
    assert!(error.contains("another conclave-admin"), "{error}");
    assert_eq!(snapshot(&ca.dir), before);
    drop(lock);
    admin_ok(&["crl", "--dir", ca.dir_arg()]);
}
