//! A revocation list is valid for `--crl-days`; after that nobody of the organisation is
//! verified (fail closed) until `crl` re-signs it with fresh dates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{admin_ok, now, read_pem, TestCa, DAY};
use conclave_group::verified_identity::{ChainRefusal, TrustAnchor};
use x509_cert::crl::CertificateList;
use x509_cert::der::Decode as _;

fn next_update(ca: &TestCa) -> u64 {
    let der = read_pem(&ca.dir.join("crl.pem"), "X509 CRL");
    CertificateList::from_der(&der)
        .unwrap()
        .tbs_cert_list
        .next_update
        .unwrap()
        .to_unix_duration()
        .as_secs()
}

#[test]
fn an_out_of_date_list_refuses_everyone_until_it_is_renewed() {
    let ca = TestCa::create();
    let (chain, key, _) = ca.enroll_and_issue("ada", &[]);
    let first = next_update(&ca);
    assert!(
        first.abs_diff(now() + 30 * DAY) < 120,
        "the default is 30 days"
    );

    let in_45_days = now() + 45 * DAY;
    let anchor = TrustAnchor::from_organisation(&ca.organisation(), in_45_days).unwrap();
    assert!(!anchor.has_current_revocation_list(in_45_days));
    assert_eq!(
        ca.validate(&chain, &key, in_45_days),
        Err(ChainRefusal::RevocationListOutOfDate)
    );

    let output = admin_ok(&["crl", "--dir", ca.dir_arg(), "--days", "60"]);
    assert!(output.contains("revocation list number 2"), "{output}");
    let renewed = next_update(&ca);
    assert!(renewed.abs_diff(now() + 60 * DAY) < 120);
    assert!(ca.validate(&chain, &key, in_45_days).is_ok());
    assert!(ca.validate(&chain, &key, now()).is_ok());
}

#[test]
fn crl_without_days_uses_the_cas_crl_days() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("ca");
    let dir = dir.to_str().unwrap();
    admin_ok(&[
        "ca",
        "create",
        "--dir",
        dir,
        "--organisation",
        "Ministry of Example",
        "--crl-days",
        "7",
    ]);
    let ca = common::TestCa {
        dir: dir.into(),
        root,
    };
    assert!(next_update(&ca).abs_diff(now() + 7 * DAY) < 120);
    admin_ok(&["crl", "--dir", ca.dir_arg()]);
    assert!(next_update(&ca).abs_diff(now() + 7 * DAY) < 120);
    let listing = admin_ok(&["list", "--dir", ca.dir_arg()]);
    assert!(listing.contains("revocation list: number 2"), "{listing}");
}
