//! Scenario: clients ask the server which organisations a meeting may verify. The server
//! answers `GET /organisations` with each CA certificate and its revocation list (DER,
//! base64), follows a revocation list renewed on disk without a restart, and keeps serving
//! the last good list when the file is replaced by something that is not one, by a list
//! the organisation's CA did not sign, or by an older list.
// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{http, TestServer};
use conclave_signaling_server::config::OrganisationConfig;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CertifiedIssuer,
    DistinguishedName, DnType, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, RevokedCertParams,
    SerialNumber, PKCS_ED25519,
};
use serde_json::Value;

/// An organisation's self-signed Ed25519 CA, as conclave-admin makes it.
fn organisation_ca(organisation: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, format!("{organisation} CA"));
    subject.push(DnType::OrganizationName, organisation);
    params.distinguished_name = subject;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate_for(&PKCS_ED25519).unwrap();
    CertifiedIssuer::self_signed(params, key).unwrap()
}

/// A revocation list of `ca` revoking `serials`: its PEM and its DER.
fn revocation_list(ca: &CertifiedIssuer<'static, KeyPair>, serials: &[u64]) -> (String, Vec<u8>) {
    revocation_list_issued(ca, serials, 1)
}

/// A revocation list of `ca` revoking `serials`, issued on January `day` 2026.
fn revocation_list_issued(
    ca: &CertifiedIssuer<'static, KeyPair>,
    serials: &[u64],
    day: u8,
) -> (String, Vec<u8>) {
    let list = CertificateRevocationListParams {
        this_update: rcgen::date_time_ymd(2026, 1, day),
        next_update: rcgen::date_time_ymd(2026, 2, 1),
        crl_number: SerialNumber::from(serials.len() as u64 + 1),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|&serial| RevokedCertParams {
                serial_number: SerialNumber::from(serial),
                revocation_time: rcgen::date_time_ymd(2026, 1, 1),
                reason_code: None,
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(ca)
    .unwrap();
    (list.pem().unwrap(), list.der().to_vec())
}

/// Writes `text` to `path` as an administrator's timer does: a new file renamed over it.
fn replace(path: &Path, text: impl AsRef<[u8]>) {
    let fresh = path.with_extension("new");
    std::fs::write(&fresh, text).unwrap();
    std::fs::rename(&fresh, path).unwrap();
}

/// `GET /organisations`, checked for its headers, as JSON.
async fn organisations(server: &TestServer) -> Value {
    let response = http(server.addr, "GET", "/organisations").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    serde_json::from_slice(&response.body).unwrap()
}

/// The `revocation_list` the server lists for its first organisation, decoded.
async fn served_revocation_list(server: &TestServer) -> Option<Vec<u8>> {
    let listed = organisations(server).await;
    listed["organisations"][0]["revocation_list"]
        .as_str()
        .map(|text| STANDARD.decode(text).unwrap())
}

#[tokio::test]
async fn a_server_without_organisations_lists_none() {
    let server = TestServer::start().await;
    assert_eq!(
        organisations(&server).await,
        serde_json::json!({ "organisations": [] })
    );
}

#[tokio::test]
async fn each_organisation_is_listed_in_order_with_its_certificate_and_revocation_list() {
    let (north, south) = (organisation_ca("North"), organisation_ca("South"));
    let dir = tempfile::tempdir().unwrap();
    let (north_list_pem, north_list_der) = revocation_list(&north, &[7]);
    std::fs::write(dir.path().join("north.pem"), north.pem()).unwrap();
    std::fs::write(dir.path().join("north-crl.pem"), north_list_pem).unwrap();
    std::fs::write(dir.path().join("south.pem"), south.pem()).unwrap();
    let configured = vec![
        OrganisationConfig::read(
            "organisation[0]",
            &dir.path().join("north.pem"),
            Some(&dir.path().join("north-crl.pem")),
        )
        .unwrap(),
        OrganisationConfig::read("organisation[1]", &dir.path().join("south.pem"), None).unwrap(),
    ];
    let server = TestServer::start_with(|config| config.organisations = configured).await;
    assert_eq!(
        organisations(&server).await,
        serde_json::json!({ "organisations": [
            {
                "certificate": STANDARD.encode(north.der()),
                "revocation_list": STANDARD.encode(&north_list_der),
            },
            { "certificate": STANDARD.encode(south.der()), "revocation_list": null },
        ]})
    );
}

#[tokio::test]
async fn a_renewed_revocation_list_is_served_and_a_broken_one_never_replaces_the_last_good() {
    let north = organisation_ca("North");
    let dir = tempfile::tempdir().unwrap();
    let (ca_path, list_path) = (dir.path().join("north.pem"), dir.path().join("crl.pem"));
    let (first_pem, first_der) = revocation_list(&north, &[]);
    std::fs::write(&ca_path, north.pem()).unwrap();
    std::fs::write(&list_path, first_pem).unwrap();
    let configured =
        vec![OrganisationConfig::read("--organisation", &ca_path, Some(&list_path)).unwrap()];
    let server = TestServer::start_with(|config| config.organisations = configured).await;
    assert_eq!(served_revocation_list(&server).await, Some(first_der));

    // The administrator revokes a member: the timer writes the new list.
    let (renewed_pem, renewed_der) = revocation_list(&north, &[41, 42]);
    replace(&list_path, &renewed_pem);
    assert_eq!(
        served_revocation_list(&server).await,
        Some(renewed_der.clone())
    );

    // Whatever replaces it next is not a revocation list: the last good one stays.
    let (north_certificate_pem, other_list_pem) = (north.pem(), revocation_list(&north, &[1]).0);
    let broken: Vec<Vec<u8>> = vec![
        b"garbage, not PEM".to_vec(),
        Vec::new(),
        north_certificate_pem.into_bytes(),
        format!("{other_list_pem}{other_list_pem}").into_bytes(),
        b"-----BEGIN X509 CRL-----\naGVsbG8=\n-----END X509 CRL-----\n".to_vec(),
        other_list_pem.as_bytes()[..other_list_pem.len() / 2].to_vec(),
        vec![b'A'; 1024 * 1024 + 1],
    ];
    for text in broken {
        replace(&list_path, &text);
        assert_eq!(
            served_revocation_list(&server).await,
            Some(renewed_der.clone()),
            "after {:?}",
            String::from_utf8_lossy(&text[..text.len().min(40)])
        );
    }
    std::fs::remove_file(&list_path).unwrap();
    assert_eq!(served_revocation_list(&server).await, Some(renewed_der));

    // A good list again is served again.
    let (again_pem, again_der) = revocation_list(&north, &[41, 42, 43]);
    replace(&list_path, &again_pem);
    assert_eq!(served_revocation_list(&server).await, Some(again_der));
}

#[tokio::test]
async fn a_revocation_list_that_was_never_good_is_served_as_none() {
    let north = organisation_ca("North");
    let dir = tempfile::tempdir().unwrap();
    let (ca_path, list_path) = (dir.path().join("north.pem"), dir.path().join("crl.pem"));
    std::fs::write(&ca_path, north.pem()).unwrap();
    std::fs::write(&list_path, "not yet written by the timer").unwrap();
    let configured =
        vec![OrganisationConfig::read("--organisation", &ca_path, Some(&list_path)).unwrap()];
    let server = TestServer::start_with(|config| config.organisations = configured).await;
    assert_eq!(served_revocation_list(&server).await, None);
    let (first_pem, first_der) = revocation_list(&north, &[]);
    replace(&list_path, first_pem);
    assert_eq!(served_revocation_list(&server).await, Some(first_der));
}

#[tokio::test]
async fn a_list_its_ca_did_not_sign_or_an_older_one_never_replaces_the_served_list() {
    let north = organisation_ca("North");
    // North's names on another key: a forger's CA, or a timer pointed at the wrong folder.
    let impostor = organisation_ca("North");
    let south = organisation_ca("South");
    let dir = tempfile::tempdir().unwrap();
    let (ca_path, list_path) = (dir.path().join("north.pem"), dir.path().join("crl.pem"));
    let (served_pem, served_der) = revocation_list_issued(&north, &[5], 10);
    std::fs::write(&ca_path, north.pem()).unwrap();
    std::fs::write(&list_path, served_pem).unwrap();
    let configured =
        vec![OrganisationConfig::read("--organisation", &ca_path, Some(&list_path)).unwrap()];
    let server = TestServer::start_with(|config| config.organisations = configured).await;
    assert_eq!(
        served_revocation_list(&server).await,
        Some(served_der.clone())
    );

    // Each file a different length from the one before, so the server sees every replacement
    // whatever the file system's timestamp granularity (a file's version is its mtime and
    // length).
    let refused = [
        (
            "South's list",
            revocation_list_issued(&south, &[1, 2, 3], 20).0,
        ),
        (
            "a list signed by another key in North's name",
            revocation_list_issued(&impostor, &[1, 2], 20).0,
        ),
        (
            "an older list of North's, without the revocation",
            revocation_list_issued(&north, &[], 9).0,
        ),
    ];
    let mut lengths: Vec<usize> = refused.iter().map(|(_, pem)| pem.len()).collect();
    lengths.dedup();
    assert_eq!(lengths.len(), refused.len(), "{lengths:?}");
    let (newer_pem, newer_der) = revocation_list_issued(&north, &[5, 6, 7, 8], 11);
    replace(&list_path, newer_pem);
    assert_eq!(served_revocation_list(&server).await, Some(newer_der));
}
