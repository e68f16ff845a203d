//! A browser's identity survives storage, keeps its fingerprint, and bad bytes are refused.

use conclave_group::{GroupError, Identity};

#[test]
fn identity_round_trips_through_storage() {
    let identity = Identity::generate().unwrap();
    let stored = identity.to_stored();
    let restored = Identity::from_stored(&stored).unwrap();
    assert_eq!(identity.fingerprint(), restored.fingerprint());
    assert_eq!(identity.fingerprint().to_hex().len(), 64);
    let short = identity.fingerprint().to_string();
    assert_eq!(short.len(), 19);
    assert_eq!(short.split(' ').count(), 4);
    assert!(short
        .replace(' ', "")
        .chars()
        .all(|c| c.is_ascii_hexdigit()));
    assert!(identity
        .fingerprint()
        .to_hex()
        .starts_with(&short.replace(' ', "")));
    assert_ne!(
        identity.fingerprint(),
        Identity::generate().unwrap().fingerprint()
    );
}

#[test]
fn tampered_or_truncated_identity_is_refused() {
    let stored = Identity::generate().unwrap().to_stored();
    assert!(matches!(
        Identity::from_stored(&[]),
        Err(GroupError::MalformedIdentity)
    ));
    assert!(Identity::from_stored(&stored[..stored.len() - 1]).is_err());
    let mut wrong_version = stored.to_vec();
    wrong_version[0] = 9;
    assert!(Identity::from_stored(&wrong_version).is_err());
    // A public key that does not match the private key.
    let mut mismatched = stored.to_vec();
    let last = mismatched.len() - 3;
    mismatched[last] ^= 1;
    assert!(Identity::from_stored(&mismatched).is_err());
}
