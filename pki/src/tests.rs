//! Chain validation by scenario: each test builds an organisation's PKI with rcgen and
//! plays one thing an attacker or an accident could do.

use super::test_pki::{member_identity, CaSpec, MemberSpec, TestCa, DAY, MEMBER_SERIAL, NOW};
use super::*;

const ORG: &str = "Council of Europa";

/// An organisation, one member's identity and their chain.
struct Scenario {
    ca: TestCa,
    public_key: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

impl Scenario {
    fn new() -> Scenario {
        Scenario::with_member(|_| {})
    }

    fn with_member(change: impl FnOnce(&mut MemberSpec)) -> Scenario {
        let ca = TestCa::new(ORG);
        let (_identity, public_key) = member_identity();
        let mut spec = MemberSpec::for_key(ORG, &public_key);
        change(&mut spec);
        let chain = vec![ca.issue(&spec), ca.der.clone()];
        Scenario {
            ca,
            public_key,
            chain,
        }
    }

    fn anchor(&self) -> TrustAnchor {
        TrustAnchor::from_organisation(&self.ca.organisation(), NOW).expect("anchor")
    }

    fn anchor_with_list(&self, revocation_list: Option<Vec<u8>>) -> TrustAnchor {
        let organisation = Organisation {
            certificate: self.ca.der.clone(),
            revocation_list,
        };
        TrustAnchor::from_organisation(&organisation, NOW).expect("anchor")
    }

    fn validate(&self) -> Result<VerifiedPerson, ChainRefusal> {
        validate_chain(&self.chain, &self.public_key, &[self.anchor()], NOW)
    }
}

#[test]
fn a_valid_chain_names_the_person_their_organisation_vouches_for() {
    let scenario = Scenario::new();
    let person = scenario.validate().expect("valid chain");
    assert_eq!(
        person,
        VerifiedPerson {
            organisation: ORG.to_owned(),
            name: "Ada Lovelace".to_owned(),
            role: Some("Head of Delegation".to_owned()),
            email: Some("ada@example.org".to_owned()),
            anchor: AnchorPin::of_certificate(&scenario.ca.der),
            serial_hex: "a102030405060708090a0b0c0d0e0f10".to_owned(),
            not_after_unix_secs: NOW + 365 * DAY,
        }
    );
    let anchor = scenario.anchor();
    assert_eq!(anchor.organisation(), ORG);
    assert_eq!(anchor.pin(), AnchorPin::of_certificate(&scenario.ca.der));
    assert!(anchor.has_current_revocation_list(NOW));
    assert_eq!(
        check_issued_chain(&scenario.chain, &scenario.public_key, NOW),
        Ok(person)
    );
}

#[test]
fn a_member_without_role_or_email_is_verified_without_them() {
    let scenario = Scenario::with_member(|spec| {
        spec.role = None;
        spec.email = None;
    });
    let person = scenario.validate().expect("valid chain");
    assert_eq!((person.role, person.email), (None, None));
}

#[test]
fn an_expired_member_certificate_is_refused() {
    let scenario = Scenario::with_member(|spec| {
        spec.not_before = NOW - 400 * DAY;
        spec.not_after = NOW - DAY;
    });
    assert_eq!(scenario.validate(), Err(ChainRefusal::Expired));
    // The last second of validity is already past notAfter.
    let scenario = Scenario::with_member(|spec| spec.not_after = NOW);
    assert_eq!(scenario.validate(), Err(ChainRefusal::Expired));
    assert_eq!(
        check_issued_chain(&scenario.chain, &scenario.public_key, NOW),
        Err(ChainRefusal::Expired)
    );
}

#[test]
fn a_member_certificate_not_yet_valid_is_refused() {
    let scenario = Scenario::with_member(|spec| spec.not_before = NOW + 1);
    assert_eq!(scenario.validate(), Err(ChainRefusal::NotYetValid));
}

#[test]
fn an_expired_authority_is_no_anchor_and_refuses_its_members_once_past() {
    let ca = TestCa::build(CaSpec {
        not_after: NOW + DAY,
        ..CaSpec::of(ORG)
    });
    let (_identity, public_key) = member_identity();
    let chain = vec![
        ca.issue(&MemberSpec::for_key(ORG, &public_key)),
        ca.der.clone(),
    ];
    let later = NOW + 2 * DAY;
    assert_eq!(
        TrustAnchor::from_organisation(&ca.organisation(), later).map(|a| a.pin()),
        Err(AnchorError::Expired)
    );
    // Loaded while valid, the anchor still refuses once the CA has expired.
    let anchor = TrustAnchor::from_organisation(&ca.organisation(), NOW).expect("anchor");
    assert_eq!(
        validate_chain(&chain, &public_key, &[anchor], later),
        Err(ChainRefusal::Expired)
    );
    assert_eq!(
        check_issued_chain(&chain, &public_key, later),
        Err(ChainRefusal::Expired)
    );
}

#[test]
fn an_authority_not_yet_valid_is_no_anchor() {
    let ca = TestCa::build(CaSpec {
        not_before: NOW + DAY,
        ..CaSpec::of(ORG)
    });
    assert_eq!(
        TrustAnchor::from_organisation(&ca.organisation(), NOW).map(|a| a.pin()),
        Err(AnchorError::NotYetValid)
    );
}

#[test]
fn a_well_formed_authority_the_meeting_did_not_pin_is_refused() {
    let scenario = Scenario::new();
    let other = TestCa::new("Other Council");
    let other_anchor = TrustAnchor::from_organisation(&other.organisation(), NOW).expect("anchor");
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[other_anchor], NOW),
        Err(ChainRefusal::UnpinnedAuthority)
    );
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[], NOW),
        Err(ChainRefusal::UnpinnedAuthority)
    );
}

#[test]
fn an_impostor_authority_with_the_same_names_is_not_the_pinned_one() {
    // A server swaps in its own CA that spells the organisation the same way, and issues
    // a certificate for the attacker's key under it.
    let real = TestCa::new(ORG);
    let impostor = TestCa::new(ORG);
    let (_identity, attacker_key) = member_identity();
    let chain = vec![
        impostor.issue(&MemberSpec::for_key(ORG, &attacker_key)),
        impostor.der.clone(),
    ];
    let real_anchor = TrustAnchor::from_organisation(&real.organisation(), NOW).expect("anchor");
    assert_eq!(
        validate_chain(
            &chain,
            &attacker_key,
            std::slice::from_ref(&real_anchor),
            NOW
        ),
        Err(ChainRefusal::UnpinnedAuthority)
    );
    // Presented with the real CA certificate, the impostor's signature does not verify.
    let chain = vec![chain[0].clone(), real.der.clone()];
    assert_eq!(
        validate_chain(&chain, &attacker_key, &[real_anchor], NOW),
        Err(ChainRefusal::BadSignature)
    );
}

#[test]
fn a_revoked_member_is_refused() {
    let scenario = Scenario::new();
    let revocation_list = scenario.ca.revocation_list(&[&[0x55; 16], &MEMBER_SERIAL]);
    let anchor = scenario.anchor_with_list(Some(revocation_list));
    assert!(anchor.has_current_revocation_list(NOW));
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
        Err(ChainRefusal::Revoked)
    );
}

#[test]
fn a_revocation_list_naming_others_leaves_the_member_verified() {
    let scenario = Scenario::new();
    let revocation_list = scenario.ca.revocation_list(&[&[0x55; 16], &[0x01]]);
    let anchor = scenario.anchor_with_list(Some(revocation_list));
    assert!(validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW).is_ok());
}

#[test]
fn without_a_revocation_list_nobody_is_verified() {
    let scenario = Scenario::new();
    let anchor = scenario.anchor_with_list(None);
    assert!(!anchor.has_current_revocation_list(NOW));
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
        Err(ChainRefusal::RevocationListMissing)
    );
    // The enrollment page's check does not need the list.
    assert!(check_issued_chain(&scenario.chain, &scenario.public_key, NOW).is_ok());
}

#[test]
fn an_out_of_date_revocation_list_verifies_nobody() {
    let scenario = Scenario::new();
    let stale = scenario
        .ca
        .revocation_list_at(&[], NOW - 8 * DAY, NOW - DAY);
    let anchor = scenario.anchor_with_list(Some(stale));
    assert!(!anchor.has_current_revocation_list(NOW));
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
        Err(ChainRefusal::RevocationListOutOfDate)
    );
    // nextUpdate itself is already out of date; a list from the future is not current.
    let due_now = scenario.ca.revocation_list_at(&[], NOW - DAY, NOW);
    let from_future = scenario.ca.revocation_list_at(&[], NOW + 1, NOW + DAY);
    for revocation_list in [due_now, from_future] {
        let anchor = scenario.anchor_with_list(Some(revocation_list));
        assert_eq!(
            validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
            Err(ChainRefusal::RevocationListOutOfDate)
        );
    }
}

#[test]
fn a_revocation_list_from_another_authority_is_not_used() {
    let scenario = Scenario::new();
    // Another organisation's list: its issuer is not our CA.
    let other = TestCa::new("Other Council");
    let anchor = scenario.anchor_with_list(Some(other.revocation_list(&[])));
    assert!(!anchor.has_current_revocation_list(NOW));
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
        Err(ChainRefusal::NameMismatch)
    );
    // An impostor with our CA's names: the signature gives it away.
    let impostor = TestCa::new(ORG);
    let anchor = scenario.anchor_with_list(Some(impostor.revocation_list(&[])));
    assert!(!anchor.has_current_revocation_list(NOW));
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
        Err(ChainRefusal::BadSignature)
    );
}

#[test]
fn a_tampered_or_malformed_revocation_list_is_dropped_not_fatal() {
    let scenario = Scenario::new();
    let mut tampered = scenario.ca.revocation_list(&[]);
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    let anchor = scenario.anchor_with_list(Some(tampered));
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
        Err(ChainRefusal::BadSignature)
    );
    let anchor = scenario.anchor_with_list(Some(b"not a list".to_vec()));
    assert_eq!(anchor.organisation(), ORG);
    assert_eq!(
        validate_chain(&scenario.chain, &scenario.public_key, &[anchor], NOW),
        Err(ChainRefusal::Malformed)
    );
}

#[test]
fn a_certificate_from_another_authority_presented_with_ours_is_a_name_mismatch() {
    let scenario = Scenario::new();
    let other = TestCa::new("Other Council");
    let foreign = other.issue(&MemberSpec::for_key("Other Council", &scenario.public_key));
    let chain = vec![foreign, scenario.ca.der.clone()];
    assert_eq!(
        validate_chain(&chain, &scenario.public_key, &[scenario.anchor()], NOW),
        Err(ChainRefusal::NameMismatch)
    );
}

#[test]
fn a_member_certificate_naming_another_organisation_is_a_name_mismatch() {
    let scenario = Scenario::with_member(|spec| spec.organisation = Some("Other Council"));
    assert_eq!(scenario.validate(), Err(ChainRefusal::NameMismatch));
    let scenario = Scenario::with_member(|spec| spec.organisation = None);
    assert_eq!(scenario.validate(), Err(ChainRefusal::NameMismatch));
}

#[test]
fn a_certificate_for_another_key_is_refused() {
    let scenario = Scenario::new();
    let (_other_identity, other_key) = member_identity();
    assert_eq!(
        validate_chain(&scenario.chain, &other_key, &[scenario.anchor()], NOW),
        Err(ChainRefusal::KeyMismatch)
    );
    assert_eq!(
        validate_chain(&scenario.chain, &[], &[scenario.anchor()], NOW),
        Err(ChainRefusal::KeyMismatch)
    );
    assert_eq!(
        check_issued_chain(&scenario.chain, &other_key, NOW),
        Err(ChainRefusal::KeyMismatch)
    );
}

#[test]
fn a_tampered_member_certificate_is_refused() {
    let scenario = Scenario::new();
    // The last byte is the signature's.
    let mut chain = scenario.chain.clone();
    let last = chain[0].len() - 1;
    chain[0][last] ^= 0x01;
    assert_eq!(
        validate_chain(&chain, &scenario.public_key, &[scenario.anchor()], NOW),
        Err(ChainRefusal::BadSignature)
    );
    // A changed name ("Ada" -> "Eda") breaks the signature too.
    let mut chain = scenario.chain.clone();
    let at = chain[0]
        .windows(3)
        .position(|window| window == b"Ada")
        .expect("name in the certificate");
    chain[0][at] = b'E';
    assert_eq!(
        validate_chain(&chain, &scenario.public_key, &[scenario.anchor()], NOW),
        Err(ChainRefusal::BadSignature)
    );
}

#[test]
fn a_flipped_bit_anywhere_in_a_member_certificate_is_refused() {
    let scenario = Scenario::new();
    let anchors = [scenario.anchor()];
    // One bit per byte, a different one each time (every bit would take a minute in a
    // debug build, for no more coverage of the parser's branches).
    for index in 0..scenario.chain[0].len() {
        let mut chain = scenario.chain.clone();
        chain[0][index] ^= 1 << (index % 8);
        assert!(
            validate_chain(&chain, &scenario.public_key, &anchors, NOW).is_err(),
            "byte {index}"
        );
    }
}

#[test]
fn a_tampered_authority_certificate_is_no_anchor() {
    let ca = TestCa::new(ORG);
    let mut der = ca.der.clone();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let organisation = Organisation {
        certificate: der,
        revocation_list: None,
    };
    assert_eq!(
        TrustAnchor::from_organisation(&organisation, NOW).map(|a| a.pin()),
        Err(AnchorError::BadSignature)
    );
}

#[test]
fn ecdsa_is_refused_as_an_unsupported_algorithm() {
    let ca = TestCa::build(CaSpec {
        algorithm: &rcgen::PKCS_ECDSA_P256_SHA256,
        ..CaSpec::of(ORG)
    });
    assert_eq!(
        TrustAnchor::from_organisation(&ca.organisation(), NOW).map(|a| a.pin()),
        Err(AnchorError::UnsupportedAlgorithm)
    );
    let (_identity, public_key) = member_identity();
    let chain = vec![
        ca.issue(&MemberSpec::for_key(ORG, &public_key)),
        ca.der.clone(),
    ];
    assert_eq!(
        check_issued_chain(&chain, &public_key, NOW),
        Err(ChainRefusal::UnsupportedAlgorithm)
    );
    // An Ed25519 CA vouching for an ECDSA key.
    let ca = TestCa::new(ORG);
    let ecdsa_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let member = ca.issue_for_key(
        &MemberSpec::for_key(ORG, ecdsa_key.public_key_raw()),
        &rcgen::PKCS_ECDSA_P256_SHA256,
    );
    let anchor = TrustAnchor::from_organisation(&ca.organisation(), NOW).expect("anchor");
    assert_eq!(
        validate_chain(
            &[member, ca.der.clone()],
            ecdsa_key.public_key_raw(),
            &[anchor],
            NOW
        ),
        Err(ChainRefusal::UnsupportedAlgorithm)
    );
}

#[test]
fn a_chain_of_other_than_two_certificates_is_malformed() {
    let scenario = Scenario::new();
    let anchors = [scenario.anchor()];
    let key = &scenario.public_key;
    let three = vec![
        scenario.chain[0].clone(),
        scenario.chain[1].clone(),
        scenario.chain[1].clone(),
    ];
    for chain in [vec![], vec![scenario.chain[0].clone()], three] {
        assert_eq!(
            validate_chain(&chain, key, &anchors, NOW),
            Err(ChainRefusal::Malformed)
        );
        assert_eq!(
            check_issued_chain(&chain, key, NOW),
            Err(ChainRefusal::Malformed)
        );
    }
}

#[test]
fn a_chain_in_the_wrong_order_is_refused() {
    let scenario = Scenario::new();
    let swapped = vec![scenario.chain[1].clone(), scenario.chain[0].clone()];
    assert_eq!(
        validate_chain(&swapped, &scenario.public_key, &[scenario.anchor()], NOW),
        Err(ChainRefusal::UnpinnedAuthority)
    );
    assert_eq!(
        check_issued_chain(&swapped, &scenario.public_key, NOW),
        Err(ChainRefusal::NotAnAuthority)
    );
}

#[test]
fn a_member_certificate_cannot_act_as_an_authority() {
    // A member issues a certificate for someone else with their own certificate as "CA".
    let ca = TestCa::build(CaSpec {
        is_ca: false,
        ..CaSpec::of(ORG)
    });
    assert_eq!(
        TrustAnchor::from_organisation(&ca.organisation(), NOW).map(|a| a.pin()),
        Err(AnchorError::NotAnAuthority)
    );
    let (_identity, public_key) = member_identity();
    let chain = vec![
        ca.issue(&MemberSpec::for_key(ORG, &public_key)),
        ca.der.clone(),
    ];
    assert_eq!(
        check_issued_chain(&chain, &public_key, NOW),
        Err(ChainRefusal::NotAnAuthority)
    );
}

#[test]
fn a_member_certificate_that_claims_to_be_a_ca_is_malformed() {
    let scenario = Scenario::with_member(|spec| spec.is_ca = true);
    assert_eq!(scenario.validate(), Err(ChainRefusal::Malformed));
}

#[test]
fn a_certificate_without_a_usable_name_is_refused() {
    let scenario = Scenario::with_member(|spec| spec.name = None);
    assert_eq!(scenario.validate(), Err(ChainRefusal::MissingName));
    let scenario = Scenario::with_member(|spec| spec.name = Some(" \u{7}\u{1b} "));
    assert_eq!(scenario.validate(), Err(ChainRefusal::MissingName));
}

#[test]
fn names_are_cleaned_for_display() {
    let scenario = Scenario::with_member(|spec| {
        spec.name = Some("  Ada\u{1b}[31m\nLovelace ");
        spec.role = Some("\u{7}");
    });
    let person = scenario.validate().expect("valid chain");
    assert_eq!(person.name, "Ada[31m Lovelace");
    assert_eq!(person.role, None);
}

#[test]
fn oversized_certificates_are_refused_unread() {
    let scenario = Scenario::new();
    let mut large = scenario.chain[0].clone();
    large.resize(MAX_OBJECT_BYTES + 1, 0);
    let chain = vec![large.clone(), scenario.chain[1].clone()];
    assert_eq!(
        validate_chain(&chain, &scenario.public_key, &[scenario.anchor()], NOW),
        Err(ChainRefusal::Malformed)
    );
    let organisation = Organisation {
        certificate: large,
        revocation_list: None,
    };
    assert_eq!(
        TrustAnchor::from_organisation(&organisation, NOW).map(|a| a.pin()),
        Err(AnchorError::Malformed)
    );
}

#[test]
fn truncated_input_never_panics() {
    let scenario = Scenario::new();
    let anchors = [scenario.anchor()];
    let key = &scenario.public_key;
    for len in 0..scenario.chain[0].len() {
        let chain = vec![scenario.chain[0][..len].to_vec(), scenario.chain[1].clone()];
        assert_eq!(
            validate_chain(&chain, key, &anchors, NOW),
            Err(ChainRefusal::Malformed),
            "member certificate cut at {len}"
        );
    }
    for len in 0..scenario.chain[1].len() {
        let truncated = scenario.chain[1][..len].to_vec();
        let chain = vec![scenario.chain[0].clone(), truncated.clone()];
        assert!(check_issued_chain(&chain, key, NOW).is_err());
        let organisation = Organisation {
            certificate: truncated,
            revocation_list: None,
        };
        assert_eq!(
            TrustAnchor::from_organisation(&organisation, NOW).map(|a| a.pin()),
            Err(AnchorError::Malformed),
            "CA certificate cut at {len}"
        );
    }
    let revocation_list = scenario.ca.revocation_list(&[&MEMBER_SERIAL]);
    for len in 0..revocation_list.len() {
        let anchor = scenario.anchor_with_list(Some(revocation_list[..len].to_vec()));
        assert!(!anchor.has_current_revocation_list(NOW));
    }
}

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

#[test]
fn a_printable_string_name_reads_as_a_utf8_one() {
    let scenario = Scenario::with_member(|spec| spec.name_as_printable_string = true);
    assert_eq!(
        scenario.validate().map(|person| person.name),
        Ok("Ada Lovelace".to_owned())
    );
}

#[test]
fn an_unknown_critical_extension_is_refused_and_a_non_critical_one_ignored() {
    const UNKNOWN: &[u64] = &[1, 3, 6, 1, 4, 1, 55555, 1];
    let scenario = Scenario::with_member(|spec| spec.extra_extension = Some((UNKNOWN, true)));
    assert_eq!(scenario.validate(), Err(ChainRefusal::Malformed));
    let scenario = Scenario::with_member(|spec| spec.extra_extension = Some((UNKNOWN, false)));
    assert!(scenario.validate().is_ok());
    // An extended key usage is ignored, unless critical: then it limits the key to another
    // PKI's purposes.
    const EXTENDED_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
    let scenario =
        Scenario::with_member(|spec| spec.extra_extension = Some((EXTENDED_KEY_USAGE, true)));
    assert_eq!(scenario.validate(), Err(ChainRefusal::Malformed));
    let scenario =
        Scenario::with_member(|spec| spec.extra_extension = Some((EXTENDED_KEY_USAGE, false)));
    assert!(scenario.validate().is_ok());
    // The same extension twice.
    const KEY_USAGE: &[u64] = &[2, 5, 29, 15];
    let scenario = Scenario::with_member(|spec| spec.extra_extension = Some((KEY_USAGE, false)));
    assert_eq!(scenario.validate(), Err(ChainRefusal::Malformed));
}

#[test]
fn a_server_checks_a_revocation_list_against_its_ca_and_learns_its_dates() {
    let real = TestCa::new(ORG);
    let impostor = TestCa::new(ORG);
    let other = TestCa::new("Other Council");
    let list = real.revocation_list_at(&[&MEMBER_SERIAL], NOW - DAY, NOW + 7 * DAY);
    assert_eq!(
        check_revocation_list(&real.der, &list),
        Ok(RevocationListDates {
            issued_at: NOW - DAY,
            next_update: Some(NOW + 7 * DAY),
        })
    );
    // Checked whatever the time: a server reports an old list, it does not refuse it.
    let old = real.revocation_list_at(&[], NOW - 30 * DAY, NOW - 20 * DAY);
    let dates = check_revocation_list(&real.der, &old).expect("old but signed");
    assert!(!dates.is_current(NOW));
    // Another key in the same names, another organisation, a flipped bit, a truncation.
    assert_eq!(
        check_revocation_list(&real.der, &impostor.revocation_list(&[])),
        Err(ChainRefusal::BadSignature)
    );
    assert_eq!(
        check_revocation_list(&real.der, &other.revocation_list(&[])),
        Err(ChainRefusal::NameMismatch)
    );
    for index in 0..list.len() {
        let mut flipped = list.clone();
        flipped[index] ^= 0x10;
        assert!(
            check_revocation_list(&real.der, &flipped).is_err(),
            "byte {index}"
        );
    }
    for len in 0..list.len() {
        assert!(check_revocation_list(&real.der, &list[..len]).is_err());
    }
    // A list is not a CA certificate, and a CA certificate is not a list.
    assert!(check_revocation_list(&list, &list).is_err());
    assert!(check_revocation_list(&real.der, &real.der).is_err());
}
