//! Chains as PEM text, and anchor pins as text.

use super::{Scenario, ORG};
use crate::test_pki::{member_identity, TestCa};
use crate::*;

#[test]
fn a_chain_survives_a_pem_round_trip() {
    let scenario = Scenario::new();
    let pem = chain_to_pem(&scenario.chain);
    assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 2);
    assert_eq!(parse_pem_chain(&pem), Ok(scenario.chain.clone()));
    // Explanatory text around the blocks (as openssl writes it) and CRLF line ends.
    let annotated = format!(
        "subject=CN=Ada Lovelace\r\n{}\r\nissuer=CN={ORG} CA\r\n",
        pem.replace('\n', "\r\n")
    );
    assert_eq!(parse_pem_chain(&annotated), Ok(scenario.chain));
}

#[test]
fn pem_text_without_certificates_or_with_other_blocks_is_malformed() {
    let (identity, _) = member_identity();
    let request = enrollment_request(&identity, "Ada").expect("request");
    let scenario = Scenario::new();
    let certificates = chain_to_pem(&scenario.chain);
    let cases = [
        String::new(),
        "no blocks at all".to_owned(),
        request.clone(),
        format!("{certificates}{request}"),
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".to_owned(),
        "-----BEGIN CERTIFICATE-----\nAAAA\n".to_owned(),
        certificates[..certificates.len() / 2].to_owned(),
    ];
    for text in cases {
        assert_eq!(
            parse_pem_chain(&text),
            Err(ChainRefusal::Malformed),
            "{text:?}"
        );
    }
}

#[test]
fn anchor_pins_read_and_print() {
    let ca = TestCa::new(ORG);
    let pin = AnchorPin::of_certificate(&ca.der);
    assert_eq!(AnchorPin::from_hex(&pin.to_hex()), Some(pin));
    assert_eq!(AnchorPin::from_hex(&pin.to_hex().to_uppercase()), Some(pin));
    assert_eq!(AnchorPin::from_bytes(*pin.as_bytes()), pin);
    for bad in ["", "00", &"g".repeat(64), &"0".repeat(63), &"é".repeat(32)] {
        assert_eq!(AnchorPin::from_hex(bad), None, "{bad:?}");
    }
    let pin = AnchorPin::from_bytes([0xab; 32]);
    assert_eq!(pin.to_string(), "abab abab abab abab");
}
