//! The CA's revocation list: revoked, missing, out of date, another CA's, tampered; and
//! the check a server makes before it lists one.

use super::{Scenario, ORG};
use crate::test_pki::{TestCa, DAY, MEMBER_SERIAL, NOW};
use crate::*;

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
