//! A member's chain against the CA the meeting pinned: names, dates, keys, signatures,
//! algorithms and malformed input.

use super::{Scenario, ORG};
use crate::test_pki::{member_identity, CaSpec, MemberSpec, TestCa, DAY, MEMBER_SERIAL, NOW};
use crate::*;

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
