//! The enrollment request a browser makes for its key, and what an administrator reads.

use super::ORG;
use crate::test_pki::{member_identity, TestCa};
use crate::*;

#[test]
fn an_enrollment_request_carries_the_identity_key_and_name() {
    let (identity, public_key) = member_identity();
    let pem = enrollment_request(&identity, "  Ada Lovelace\n").expect("request");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    let request = read_enrollment_request(pem.as_bytes()).expect("valid request");
    assert_eq!(request.public_key.as_slice(), public_key.as_slice());
    assert_eq!(request.requested_name, "Ada Lovelace");
    // The same request as DER reads the same.
    let (_, der) = x509_cert::der::pem::decode_vec(pem.as_bytes()).expect("PEM");
    assert_eq!(read_enrollment_request(&der), Ok(request));
}

#[test]
fn an_enrollment_request_needs_a_name() {
    let (identity, _) = member_identity();
    assert_eq!(
        enrollment_request(&identity, " \u{7} "),
        Err(EnrollmentError::MissingName)
    );
}

#[test]
fn a_flipped_bit_anywhere_in_an_enrollment_request_is_refused() {
    let (identity, _) = member_identity();
    let pem = enrollment_request(&identity, "Ada Lovelace").expect("request");
    let (_, der) = x509_cert::der::pem::decode_vec(pem.as_bytes()).expect("PEM");
    for index in 0..der.len() {
        for bit in 0..8 {
            let mut flipped = der.clone();
            flipped[index] ^= 1 << bit;
            assert!(
                read_enrollment_request(&flipped).is_err(),
                "byte {index} bit {bit}"
            );
        }
    }
    for len in 0..der.len() {
        assert_eq!(
            read_enrollment_request(&der[..len]),
            Err(EnrollmentError::Malformed)
        );
    }
    // The signature's last byte: the request still reads, the proof of possession fails.
    let mut tampered = der.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    assert_eq!(
        read_enrollment_request(&tampered),
        Err(EnrollmentError::BadSignature)
    );
}

#[test]
fn an_ecdsa_enrollment_request_is_refused() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Ada Lovelace");
    let pem = params
        .serialize_request(&key)
        .expect("request")
        .pem()
        .expect("PEM");
    assert_eq!(
        read_enrollment_request(pem.as_bytes()),
        Err(EnrollmentError::UnsupportedAlgorithm)
    );
    // Another PEM label is not a request.
    let certificate_pem = chain_to_pem(&[TestCa::new(ORG).der]);
    assert_eq!(
        read_enrollment_request(certificate_pem.as_bytes()),
        Err(EnrollmentError::Malformed)
    );
}

#[test]
fn an_rcgen_enrollment_request_for_an_ed25519_key_reads() {
    // What another tool (conclave-admin's tests, openssl) makes reads the same way.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Grace Hopper");
    let pem = params
        .serialize_request(&key)
        .expect("request")
        .pem()
        .expect("PEM");
    let request = read_enrollment_request(pem.as_bytes()).expect("valid request");
    assert_eq!(request.public_key.as_slice(), key.public_key_raw());
    assert_eq!(request.requested_name, "Grace Hopper");
}
