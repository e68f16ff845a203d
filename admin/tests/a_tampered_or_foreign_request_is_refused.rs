//! Proof of possession: `issue` refuses a request whose self-signature does not verify
//! (someone changed its name or key), a request for a key that is not Ed25519, and files
//! that are no request at all. A refused request writes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{admin, admin_refuses, read_pem, write_pem, write_request, TestCa};
use rcgen::{CertificateParams, KeyPair, PKCS_ECDSA_P256_SHA256, PKCS_ED25519};

/// Runs `issue` for `request` and expects a refusal that changed nothing.
fn issue_refused(ca: &TestCa, request: &std::path::Path) -> String {
    let state_before = std::fs::read(ca.dir.join("state.json")).unwrap();
    let out = ca.path("chain.pem");
    let error = admin_refuses(&[
        "issue",
        "--dir",
        ca.dir_arg(),
        "--request",
        request.to_str().unwrap(),
        "--name",
        "Ada Lovelace",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!out.exists(), "no chain is written");
    assert_eq!(
        std::fs::read(ca.dir.join("state.json")).unwrap(),
        state_before
    );
    error
}

#[test]
fn a_request_with_a_changed_name_or_key_is_refused() {
    let ca = TestCa::create();
    let (request, original_key) = write_request(&ca.path("ada.csr"), "Ada Lovelace");
    let der = read_pem(&request, "CERTIFICATE REQUEST");

    // Change one byte of the requested name ("Ada" -> "Bda"): the signature no longer
    // covers what the request says.
    let name_at = der.windows(3).position(|window| window == b"Ada").unwrap();
    let mut renamed = der.clone();
    renamed[name_at] = b'B';
    write_pem(&ca.path("renamed.csr"), "CERTIFICATE REQUEST", &renamed);
    let error = issue_refused(&ca, &ca.path("renamed.csr"));
    assert!(error.contains("enrollment request refused"), "{error}");
    assert!(error.contains("signature"), "{error}");

    // Swap in another key (an attacker asking for a certificate for a key they cannot
    // sign with): the signature was made with the original key.
    let (_, other_key) = write_request(&ca.path("other.csr"), "Ada Lovelace");
    let key_at = der
        .windows(32)
        .position(|window| window == original_key)
        .unwrap();
    let mut swapped = der.clone();
    swapped[key_at..key_at + 32].copy_from_slice(&other_key);
    write_pem(&ca.path("swapped.csr"), "CERTIFICATE REQUEST", &swapped);
    let error = issue_refused(&ca, &ca.path("swapped.csr"));
    assert!(error.contains("signature"), "{error}");

    // Flip a bit of the signature itself.
    let mut flipped = der.clone();
    *flipped.last_mut().unwrap() ^= 1;
    write_pem(&ca.path("flipped.csr"), "CERTIFICATE REQUEST", &flipped);
    let error = issue_refused(&ca, &ca.path("flipped.csr"));
    assert!(error.contains("signature"), "{error}");
}

#[test]
fn a_request_for_a_p256_key_is_refused_as_an_unsupported_algorithm() {
    let ca = TestCa::create();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Ada Lovelace");
    let request = params.serialize_request(&key).unwrap().pem().unwrap();
    std::fs::write(ca.path("p256.csr"), request).unwrap();
    let error = issue_refused(&ca, &ca.path("p256.csr"));
    assert!(error.contains("unsupported algorithm"), "{error}");
}

#[test]
fn an_ed25519_request_made_by_another_tool_is_accepted() {
    let ca = TestCa::create();
    let key = KeyPair::generate_for(&PKCS_ED25519).unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Ada Lovelace");
    let request = params.serialize_request(&key).unwrap().pem().unwrap();
    std::fs::write(ca.path("rcgen.csr"), request).unwrap();
    let out = ca.path("chain.pem");
    let run = admin(&[
        "issue",
        "--dir",
        ca.dir_arg(),
        "--request",
        ca.path("rcgen.csr").to_str().unwrap(),
        "--name",
        "Ada Lovelace",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.success, "{}", run.stderr);
    let public_key: [u8; 32] = key.public_key_raw().try_into().unwrap();
    assert!(ca.validate(&out, &public_key, common::now()).is_ok());
}

#[test]
fn files_that_are_no_request_are_refused() {
    let ca = TestCa::create();
    std::fs::write(ca.path("garbage.csr"), b"not a request at all").unwrap();
    let error = issue_refused(&ca, &ca.path("garbage.csr"));
    assert!(error.contains("enrollment request refused"), "{error}");
    // A certificate where a request should be.
    let error = issue_refused(&ca, &ca.dir.join("ca.pem"));
    assert!(error.contains("enrollment request refused"), "{error}");
    // Missing, a directory, and too large.
    let error = issue_refused(&ca, &ca.path("missing.csr"));
    assert!(error.contains("missing.csr"), "{error}");
    let error = issue_refused(&ca, ca.root.path());
    assert!(error.contains(ca.root.path().to_str().unwrap()), "{error}");
    std::fs::write(ca.path("huge.csr"), vec![b'A'; 1 << 20]).unwrap();
    let error = issue_refused(&ca, &ca.path("huge.csr"));
    assert!(error.contains("larger than"), "{error}");
}
