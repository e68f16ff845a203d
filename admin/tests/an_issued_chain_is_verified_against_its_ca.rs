//! `ca create`, then `issue` for a browser's enrollment request: the chain names the
//! person as the admin said (not as the request asked), for the browser's own key, and a
//! meeting that pinned the CA verifies it with the CA's revocation list.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{admin_ok, now, printed_serial, read_pem, TestCa, DAY};
use conclave_group::verified_identity::{AnchorPin, ChainRefusal};

#[test]
fn an_issued_chain_is_verified_with_the_admins_name_role_and_email() {
    let ca = TestCa::create();
    let (chain, key, printed) = ca.enroll_and_issue(
        "ada",
        &[
            "--role",
            "Delegate DE",
            "--email",
            "ada@example.org",
            "--days",
            "30",
        ],
    );
    assert!(
        printed.contains("the request asked for the name \"Ada L.\""),
        "{printed}"
    );
    let person = ca.validate(&chain, &key, now()).unwrap();
    assert_eq!(person.organisation, "Ministry of Example");
    assert_eq!(person.name, "Ada Lovelace");
    assert_eq!(person.role.as_deref(), Some("Delegate DE"));
    assert_eq!(person.email.as_deref(), Some("ada@example.org"));
    assert_eq!(person.serial_hex, printed_serial(&printed));
    assert_eq!(
        person.anchor,
        AnchorPin::of_certificate(&read_pem(&ca.dir.join("ca.pem"), "CERTIFICATE"))
    );
    let expected_not_after = now() + 30 * DAY;
    assert!(person.not_after_unix_secs.abs_diff(expected_not_after) < 120);

    // The chain is for this browser's key only, and for the days the admin gave.
    assert_eq!(
        ca.validate(&chain, &[7; 32], now()),
        Err(ChainRefusal::KeyMismatch)
    );
    assert_eq!(
        ca.validate(&chain, &key, now() + 31 * DAY),
        Err(ChainRefusal::Expired)
    );
}

#[test]
fn list_shows_what_was_issued() {
    let ca = TestCa::create();
    let (_, _, first) = ca.enroll_and_issue("ada", &["--role", "Delegate DE"]);
    let (_, _, second) = ca.enroll_and_issue("grace", &["--name", "Grace Hopper"]);
    let listing = admin_ok(&["list", "--dir", ca.dir_arg()]);
    assert!(listing.contains("Certificates issued: 2"), "{listing}");
    for (issued, name) in [
        (&first, "Ada Lovelace, Delegate DE"),
        (&second, "Grace Hopper"),
    ] {
        let line = listing
            .lines()
            .find(|line| line.contains(&printed_serial(issued)))
            .unwrap();
        assert!(line.contains("valid") && line.ends_with(name), "{line}");
    }
}

#[test]
fn serials_are_random_positive_sixteen_byte_integers() {
    let ca = TestCa::create();
    let (_, _, first) = ca.enroll_and_issue("ada", &[]);
    let (_, _, second) = ca.enroll_and_issue("ada-again", &[]);
    let (first, second) = (printed_serial(&first), printed_serial(&second));
    assert_ne!(first, second);
    for serial in [first, second] {
        assert_eq!(serial.len(), 32);
        assert!(u8::from_str_radix(&serial[..2], 16).unwrap() < 0x80);
    }
}
