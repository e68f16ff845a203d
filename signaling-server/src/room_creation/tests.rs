#![allow(clippy::unwrap_used)]

use super::*;
use crate::config::Secret;

const KEY: &str = "portal-and-server-share-this-32-byte-key!";
const SECRET: &str = "organisers-know-this-creation-secret-0123";
const NOW: u64 = 1_800_000_000;
const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact JWS over `header` and `claims` with an HMAC-SHA256 signature under `key`.
fn signed(header: &str, claims: &str, key: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    format!(
        "{input}.{}",
        b64(hmac_sha256(key, input.as_bytes()).as_slice())
    )
}

fn claims_exp(exp: u64) -> String {
    format!(r#"{{"exp":{exp},"sub":"organiser"}}"#)
}

fn token_gate() -> CreationGate {
    CreationGate::new(&RoomCreationConfig::TokenKey(Secret::new(KEY)))
}

fn secret_gate() -> CreationGate {
    CreationGate::new(&RoomCreationConfig::SharedSecret(Secret::new(SECRET)))
}

fn bearer_of(credential: &str) -> Vec<u8> {
    format!("Bearer {credential}").into_bytes()
}

fn check(gate: &CreationGate, credential: &str) -> Result<(), CreationRefused> {
    gate.check_creation(Some(&bearer_of(credential)), NOW)
}

fn room(letter: char) -> RoomId {
    RoomId::parse(&letter.to_string().repeat(22)).unwrap()
}

#[test]
fn an_open_gate_lets_anything_through_and_hands_out_no_hold_token() {
    let gate = CreationGate::new(&RoomCreationConfig::Open);
    assert!(!gate.is_gated());
    assert_eq!(gate.check_creation(None, NOW), Ok(()));
    assert_eq!(gate.check_hold(&room('a'), None, NOW), Ok(()));
    assert_eq!(gate.hold_token(&room('a')), None);
}

#[test]
fn tokens_are_judged_as_the_table_says() {
    let key = KEY.as_bytes();
    let fresh = claims_exp(NOW + 300);
    let cases: Vec<(&str, String, Result<(), CreationRefused>)> = vec![
        ("valid", signed(HS256, &fresh, key), Ok(())),
        (
            "bare alg header",
            signed(r#"{"alg":"HS256"}"#, &fresh, key),
            Ok(()),
        ),
        (
            "with kid",
            signed(r#"{"alg":"HS256","kid":"2026"}"#, &fresh, key),
            Ok(()),
        ),
        (
            "valid nbf",
            signed(
                HS256,
                &format!(r#"{{"exp":{},"nbf":{}}}"#, NOW + 300, NOW - 5),
                key,
            ),
            Ok(()),
        ),
        (
            "expired",
            signed(HS256, &claims_exp(NOW - 120), key),
            Err(CreationRefused::Expired),
        ),
        (
            "expired within the leeway",
            signed(HS256, &claims_exp(NOW - 30), key),
            Ok(()),
        ),
        (
            "not yet valid",
            signed(
                HS256,
                &format!(r#"{{"exp":{},"nbf":{}}}"#, NOW + 900, NOW + 600),
                key,
            ),
            Err(CreationRefused::NotYetValid),
        ),
        (
            "lives too long",
            signed(HS256, &claims_exp(NOW + 2 * 24 * 3600), key),
            Err(CreationRefused::LifetimeTooLong),
        ),
        (
            "no exp",
            signed(HS256, r#"{"sub":"organiser"}"#, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "exp not an integer",
            signed(HS256, r#"{"exp":"soon"}"#, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "negative exp",
            signed(HS256, r#"{"exp":-1}"#, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "wrong key",
            signed(HS256, &fresh, b"another-key-another-key-another-key!"),
            Err(CreationRefused::Invalid),
        ),
        (
            "alg none, no signature",
            format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(&fresh)),
            Err(CreationRefused::Invalid),
        ),
        (
            "alg none, HS256 signature",
            signed(r#"{"alg":"none"}"#, &fresh, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "alg HS512",
            signed(r#"{"alg":"HS512"}"#, &fresh, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "alg lower case",
            signed(r#"{"alg":"hs256"}"#, &fresh, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "crit header",
            signed(r#"{"alg":"HS256","crit":["exp"]}"#, &fresh, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "header not JSON",
            signed("alg=HS256", &fresh, key),
            Err(CreationRefused::Invalid),
        ),
        (
            "claims not JSON",
            signed(HS256, "exp=1", key),
            Err(CreationRefused::Invalid),
        ),
        (
            "two parts",
            format!("{}.{}", b64(HS256), b64(&fresh)),
            Err(CreationRefused::Invalid),
        ),
        (
            "four parts",
            format!("{}.x", signed(HS256, &fresh, key)),
            Err(CreationRefused::Invalid),
        ),
        (
            "padded base64",
            signed(HS256, &fresh, key).replacen('.', "=.", 1),
            Err(CreationRefused::Invalid),
        ),
        (
            "not base64",
            "!!!.???.***".to_owned(),
            Err(CreationRefused::Invalid),
        ),
        (
            "huge",
            "a".repeat(MAX_CREDENTIAL_BYTES + 1),
            Err(CreationRefused::Invalid),
        ),
    ];
    let gate = token_gate();
    for (name, token, expected) in cases {
        assert_eq!(check(&gate, &token), expected, "{name}");
    }
}

#[test]
fn a_flipped_bit_anywhere_in_a_valid_token_is_refused() {
    let token = signed(HS256, &claims_exp(NOW + 300), KEY.as_bytes());
    let gate = token_gate();
    assert_eq!(check(&gate, &token), Ok(()));
    for index in 0..token.len() {
        let mut bytes = token.clone().into_bytes();
        // Swap for another base64url character (or a dot for one) at this position.
        bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(check(&gate, &tampered).is_err(), "position {index}");
    }
}

#[test]
fn the_secret_must_match_every_byte_and_the_length() {
    let gate = secret_gate();
    assert_eq!(check(&gate, SECRET), Ok(()));
    for index in 0..SECRET.len() {
        let mut bytes = SECRET.as_bytes().to_vec();
        bytes[index] ^= 1;
        let wrong = String::from_utf8(bytes).unwrap();
        assert_eq!(
            check(&gate, &wrong),
            Err(CreationRefused::Invalid),
            "byte {index}"
        );
    }
    assert_eq!(
        check(&gate, &SECRET[..SECRET.len() - 1]),
        Err(CreationRefused::Invalid)
    );
    assert_eq!(
        check(&gate, &format!("{SECRET}x")),
        Err(CreationRefused::Invalid)
    );
    // A secret server takes no token, even one signed with its secret.
    let token = signed(HS256, &claims_exp(NOW + 300), SECRET.as_bytes());
    assert_eq!(check(&gate, &token), Err(CreationRefused::Invalid));
}

#[test]
fn only_a_bearer_credential_counts() {
    let gate = secret_gate();
    assert_eq!(
        gate.check_creation(None, NOW),
        Err(CreationRefused::Missing)
    );
    let basic = format!("Basic {SECRET}");
    let cases: [(&[u8], Result<(), CreationRefused>); 6] = [
        (b"Bearer", Err(CreationRefused::Missing)),
        (b"Bearer   ", Err(CreationRefused::Missing)),
        (basic.as_bytes(), Err(CreationRefused::Missing)),
        (b"Bearer \xff\xfe", Err(CreationRefused::Invalid)),
        (SECRET.as_bytes(), Err(CreationRefused::Missing)),
        (b"", Err(CreationRefused::Missing)),
    ];
    for (value, expected) in cases {
        assert_eq!(gate.check_creation(Some(value), NOW), expected, "{value:?}");
    }
    let lower = format!("bearer {SECRET}");
    assert_eq!(gate.check_creation(Some(lower.as_bytes()), NOW), Ok(()));
}

#[test]
fn a_hold_token_holds_its_own_room_only_and_creates_nothing() {
    for gate in [token_gate(), secret_gate()] {
        let (a, b) = (room('a'), room('b'));
        let token_a = gate.hold_token(&a).unwrap();
        assert_ne!(Some(&token_a), gate.hold_token(&b).as_ref());
        let auth = bearer_of(&token_a.0);
        assert_eq!(gate.check_hold(&a, Some(&auth), NOW), Ok(()));
        assert_eq!(
            gate.check_hold(&b, Some(&auth), NOW),
            Err(CreationRefused::Invalid)
        );
        assert_eq!(
            gate.check_creation(Some(&auth), NOW),
            Err(CreationRefused::Invalid)
        );
        assert_eq!(
            gate.check_hold(&a, None, NOW),
            Err(CreationRefused::Missing)
        );
    }
}

#[test]
fn hold_tokens_depend_on_the_configured_key_alone() {
    let a = room('a');
    assert_eq!(token_gate().hold_token(&a), token_gate().hold_token(&a));
    let other = CreationGate::new(&RoomCreationConfig::TokenKey(Secret::new(
        "a-different-portal-key-a-different-portal-key",
    )));
    assert_ne!(token_gate().hold_token(&a), other.hold_token(&a));
    let auth = bearer_of(&token_gate().hold_token(&a).unwrap().0);
    assert_eq!(
        other.check_hold(&a, Some(&auth), NOW),
        Err(CreationRefused::Invalid)
    );
}

#[test]
fn a_creation_credential_also_holds_any_room() {
    let gate = secret_gate();
    assert_eq!(
        gate.check_hold(&room('c'), Some(&bearer_of(SECRET)), NOW),
        Ok(())
    );
}
