//! `revoke` (by serial or by the chain file) writes a new revocation list at once, with
//! the next number, and every meeting then refuses the certificate; others stay verified.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{admin_ok, admin_refuses, now, printed_serial, read_pem, TestCa};
use conclave_group::verified_identity::ChainRefusal;
use x509_cert::crl::CertificateList;
use x509_cert::der::Decode as _;

/// The revoked serials and the CRL number extension's value of the CA's current list.
fn revocation_list(ca: &TestCa) -> (Vec<String>, Vec<u8>) {
    let der = read_pem(&ca.dir.join("crl.pem"), "X509 CRL");
    let list = CertificateList::from_der(&der).unwrap();
    let serials = list
        .tbs_cert_list
        .revoked_certificates
        .unwrap_or_default()
        .iter()
        .map(|revoked| {
            revoked
                .serial_number
                .as_bytes()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect()
        })
        .collect();
    let number = list
        .tbs_cert_list
        .crl_extensions
        .unwrap()
        .into_iter()
        .find(|extension| extension.extn_id.to_string() == "2.5.29.20")
        .unwrap()
        .extn_value
        .into_bytes();
    (serials, number)
}

#[test]
fn revoking_by_serial_refuses_that_chain_and_no_other() {
    let ca = TestCa::create();
    let (ada, ada_key, printed) = ca.enroll_and_issue("ada", &[]);
    let (grace, grace_key, _) = ca.enroll_and_issue("grace", &["--name", "Grace Hopper"]);
    let serial = printed_serial(&printed);
    assert!(ca.validate(&ada, &ada_key, now()).is_ok());
    let (revoked, number_before) = revocation_list(&ca);
    assert!(revoked.is_empty());

    let output = admin_ok(&["revoke", "--dir", ca.dir_arg(), "--serial", &serial]);
    assert!(
        output.contains(&format!("Revoked serial {serial}")),
        "{output}"
    );

    assert_eq!(
        ca.validate(&ada, &ada_key, now()),
        Err(ChainRefusal::Revoked)
    );
    assert!(ca.validate(&grace, &grace_key, now()).is_ok());
    let (revoked, number_after) = revocation_list(&ca);
    assert_eq!(revoked, vec![serial.clone()]);
    assert!(
        number_after > number_before,
        "{number_before:?} {number_after:?}"
    );

    let listing = admin_ok(&["list", "--dir", ca.dir_arg()]);
    let line = listing.lines().find(|line| line.contains(&serial)).unwrap();
    assert!(line.contains("revoked"), "{line}");
}

#[test]
fn revoking_by_chain_file_works_and_twice_changes_nothing() {
    let ca = TestCa::create();
    let (ada, ada_key, _) = ca.enroll_and_issue("ada", &[]);
    let chain = ada.to_str().unwrap();
    admin_ok(&["revoke", "--dir", ca.dir_arg(), "--certificate", chain]);
    assert_eq!(
        ca.validate(&ada, &ada_key, now()),
        Err(ChainRefusal::Revoked)
    );
    let crl_before = std::fs::read(ca.dir.join("crl.pem")).unwrap();

    let again = admin_ok(&["revoke", "--dir", ca.dir_arg(), "--certificate", chain]);
    assert!(again.contains("already revoked"), "{again}");
    assert_eq!(std::fs::read(ca.dir.join("crl.pem")).unwrap(), crl_before);
}

#[test]
fn revoking_what_this_ca_did_not_issue_is_refused_and_changes_nothing() {
    let ca = TestCa::create();
    let other = TestCa::create();
    let (foreign, _, _) = other.enroll_and_issue("mallory", &[]);
    let state_before = std::fs::read(ca.dir.join("state.json")).unwrap();
    let crl_before = std::fs::read(ca.dir.join("crl.pem")).unwrap();

    let error = admin_refuses(&[
        "revoke",
        "--dir",
        ca.dir_arg(),
        "--certificate",
        foreign.to_str().unwrap(),
    ]);
    assert!(error.contains("not issued by this CA"), "{error}");
    let error = admin_refuses(&[
        "revoke",
        "--dir",
        ca.dir_arg(),
        "--serial",
        &"1a".repeat(16),
    ]);
    assert!(error.contains("no certificate with serial"), "{error}");
    let error = admin_refuses(&["revoke", "--dir", ca.dir_arg(), "--serial", "12zz"]);
    assert!(error.contains("--serial"), "{error}");

    assert_eq!(
        std::fs::read(ca.dir.join("state.json")).unwrap(),
        state_before
    );
    assert_eq!(std::fs::read(ca.dir.join("crl.pem")).unwrap(), crl_before);
}
