//! The signing policy (`release/policy.json`, docs/RELEASES.md): which Ed25519 (RFC 8032)
//! keys may sign a release and how many distinct ones must.
//!
//! A [`Policy`] cannot hold an invalid state: key ids are unique, public keys are unique (a
//! signer listed under two ids would count twice), every key is a usable Ed25519 point, and
//! `1 <= threshold <= keys`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::canonical::{encode_document, require_canonical};
use crate::hash::{decode_base64, encode_base64};
use crate::{Document, Error, Sha256Digest};

/// The name of a release key: 1 to 64 characters of `A-Z a-z 0-9 . _ -`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(String);

impl KeyId {
    /// The longest key id.
    pub const MAX_LEN: usize = 64;

    /// Checks `text` is a key id.
    pub fn new(text: &str) -> Result<Self, Error> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if (1..=Self::MAX_LEN).contains(&text.len()) && text.chars().all(allowed) {
            Ok(Self(text.to_owned()))
        } else {
            Err(Error::InvalidKeyId(text.chars().take(80).collect()))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.0)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for KeyId {
    type Error = Error;

    fn try_from(text: String) -> Result<Self, Error> {
        Self::new(&text)
    }
}

impl From<KeyId> for String {
    fn from(id: KeyId) -> Self {
        id.0
    }
}

/// An Ed25519 public key; serialized as the base64 of its 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// Reads the base64 of 32 bytes (not yet checked to be a usable point: [`Policy`] does
    /// that for its keys).
    pub fn from_base64(text: &str) -> Result<Self, Error> {
        decode_base64::<32>(text).map(Self)
    }

    /// The base64 of the 32 bytes.
    pub fn to_base64(&self) -> String {
        encode_base64(&self.0)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as a verifier, if it is a usable Ed25519 point (on the curve, not of small
    /// order).
    pub(crate) fn verifying_key(&self) -> Option<VerifyingKey> {
        VerifyingKey::from_bytes(&self.0)
            .ok()
            .filter(|key| !key.is_weak())
    }

    pub(crate) fn from_verifying_key(key: &VerifyingKey) -> Self {
        Self(key.to_bytes())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_base64())
    }
}

impl TryFrom<String> for PublicKey {
    type Error = Error;

    fn try_from(text: String) -> Result<Self, Error> {
        Self::from_base64(&text)
    }
}

impl From<PublicKey> for String {
    fn from(key: PublicKey) -> Self {
        key.to_base64()
    }
}

/// One key of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyKey {
    /// The public key.
    pub ed25519: PublicKey,
    /// Its name, as signatures name it.
    pub id: KeyId,
}

impl PolicyKey {
    /// Reads the `ID=PUBLIC_KEY_BASE64` form that `keygen` prints and `policy --key` takes.
    pub fn from_key_line(line: &str) -> Result<Self, Error> {
        let (id, public) = line
            .trim()
            .split_once('=')
            .ok_or_else(|| Error::InvalidKeyId(line.chars().take(80).collect()))?;
        Ok(Self {
            id: KeyId::new(id)?,
            ed25519: PublicKey::from_base64(public)?,
        })
    }

    /// The `ID=PUBLIC_KEY_BASE64` form.
    pub fn to_key_line(&self) -> String {
        format!("{}={}", self.id, self.ed25519.to_base64())
    }
}

/// A signing policy: `threshold` distinct keys of `keys` must sign a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    format: u64,
    keys: Vec<PolicyKey>,
    threshold: u64,
}

/// `policy.json` as read, before its rules are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyWire {
    format: u64,
    keys: Vec<PolicyKey>,
    threshold: u64,
}

impl Policy {
    /// The format this tool reads and writes.
    pub const FORMAT: u64 = 1;

    /// A policy of `keys` needing `threshold` of them; checks every rule of the format.
    pub fn new(threshold: u64, keys: Vec<PolicyKey>) -> Result<Self, Error> {
        let mut seen = BTreeSet::new();
        let mut ids_of_public_keys = BTreeMap::new();
        for key in &keys {
            if !seen.insert(&key.id) {
                return Err(Error::DuplicateKeyId(key.id.clone()));
            }
            if let Some(first) = ids_of_public_keys.insert(key.ed25519.as_bytes(), &key.id) {
                return Err(Error::DuplicatePublicKey {
                    first: first.clone(),
                    second: key.id.clone(),
                });
            }
            if key.ed25519.verifying_key().is_none() {
                return Err(Error::InvalidPublicKey(key.id.clone()));
            }
        }
        let in_range = usize::try_from(threshold).is_ok_and(|k| (1..=keys.len()).contains(&k));
        if !in_range {
            return Err(Error::ThresholdOutOfRange {
                threshold,
                keys: keys.len(),
            });
        }
        Ok(Self {
            format: Self::FORMAT,
            keys,
            threshold,
        })
    }

    /// Reads `policy.json`: format 1, canonical bytes, no unknown fields, every rule of
    /// [`Policy::new`].
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let value = parse_json_of_format(bytes, Document::Policy)?;
        let wire: PolicyWire = serde_json::from_value(value).map_err(|source| Error::Json {
            document: Document::Policy,
            source,
        })?;
        debug_assert_eq!(wire.format, Self::FORMAT, "checked by parse_json_of_format");
        let policy = Self::new(wire.threshold, wire.keys)?;
        require_canonical(bytes, &policy, Document::Policy)?;
        Ok(policy)
    }

    /// The canonical `policy.json` bytes.
    pub fn to_canonical_json(&self) -> Result<Vec<u8>, Error> {
        encode_document(self)
    }

    /// The policy's keys, in the policy's order.
    pub fn keys(&self) -> &[PolicyKey] {
        &self.keys
    }

    /// How many distinct keys must sign.
    pub fn threshold(&self) -> u64 {
        self.threshold
    }

    /// The key named `id`, if the policy lists it.
    pub fn key(&self, id: &KeyId) -> Option<&PolicyKey> {
        self.keys.iter().find(|key| &key.id == id)
    }

    /// The SHA-256 of the policy's canonical bytes, as a manifest's `policy_sha256` names it.
    pub fn digest(&self) -> Result<Sha256Digest, Error> {
        self.to_canonical_json()
            .map(|bytes| Sha256Digest::of(&bytes))
    }
}

/// Parses `bytes` as JSON and checks its `format` is 1 before the fields are read, so that a
/// later format is reported as such rather than as unknown fields.
pub(crate) fn parse_json_of_format(
    bytes: &[u8],
    document: Document,
) -> Result<serde_json::Value, Error> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|source| Error::Json { document, source })?;
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    if format != Some(1) {
        return Err(Error::UnsupportedFormat {
            document,
            found: format,
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A malformed document and the error it must give.
    type Case = (String, fn(&Error) -> bool);
    use crate::ReleaseSigningKey;

    fn key(id: &str, seed: u8) -> PolicyKey {
        ReleaseSigningKey::from_seed(KeyId::new(id).unwrap(), [seed; 32]).policy_key()
    }

    #[test]
    fn a_policy_round_trips_through_its_canonical_bytes() {
        let policy = Policy::new(2, vec![key("vendor", 1), key("auditor", 2)]).unwrap();
        let bytes = policy.to_canonical_json().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with("{\"format\":1,\"keys\":[{\"ed25519\":\""),
            "{text}"
        );
        assert!(
            text.ends_with("\"id\":\"auditor\"}],\"threshold\":2}\n"),
            "{text}"
        );
        assert_eq!(Policy::parse(&bytes).unwrap(), policy);
        assert_eq!(policy.digest().unwrap(), Sha256Digest::of(&bytes));
    }

    #[test]
    fn the_rules_of_a_policy_are_enforced() {
        assert!(matches!(
            Policy::new(1, vec![key("a", 1), key("a", 2)]),
            Err(Error::DuplicateKeyId(id)) if id.as_str() == "a"
        ));
        // One signer under two ids would meet a 2-of-2 threshold alone.
        assert!(matches!(
            Policy::new(2, vec![key("a", 1), key("b", 1)]),
            Err(Error::DuplicatePublicKey { first, second })
                if first.as_str() == "a" && second.as_str() == "b"
        ));
        assert!(matches!(
            Policy::new(1, vec![key("a", 1), key("c", 2), key("b", 1)]),
            Err(Error::DuplicatePublicKey { .. })
        ));
        assert!(matches!(
            Policy::new(0, vec![key("a", 1)]),
            Err(Error::ThresholdOutOfRange {
                threshold: 0,
                keys: 1
            })
        ));
        assert!(matches!(
            Policy::new(2, vec![key("a", 1)]),
            Err(Error::ThresholdOutOfRange {
                threshold: 2,
                keys: 1
            })
        ));
        assert!(matches!(
            Policy::new(1, vec![]),
            Err(Error::ThresholdOutOfRange { .. })
        ));
        // The identity point has small order: it would accept forged signatures.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = PolicyKey {
            id: KeyId::new("weak").unwrap(),
            ed25519: PublicKey(identity),
        };
        assert!(matches!(
            Policy::new(1, vec![weak]),
            Err(Error::InvalidPublicKey(_))
        ));
    }

    #[test]
    fn malformed_policies_are_typed_errors() {
        let good = Policy::new(1, vec![key("vendor", 1)])
            .unwrap()
            .to_canonical_json()
            .unwrap();
        let good = String::from_utf8(good).unwrap();
        let public = key("vendor", 1).ed25519.to_base64();
        let cases: Vec<Case> = vec![
            ("not json".to_owned(), |e| matches!(e, Error::Json { .. })),
            (String::new(), |e| matches!(e, Error::Json { .. })),
            ("[]".to_owned(), |e| {
                matches!(e, Error::UnsupportedFormat { found: None, .. })
            }),
            (good.replace("\"format\":1", "\"format\":2"), |e| {
                matches!(e, Error::UnsupportedFormat { found: Some(2), .. })
            }),
            (
                good.replace("\"threshold\":1", "\"threshold\":1,\"x\":0"),
                |e| matches!(e, Error::Json { .. }),
            ),
            (good.replace(&public, "AAAA"), |e| {
                matches!(e, Error::Json { .. })
            }),
            (good.replace("\"vendor\"", "\"ven dor\""), |e| {
                matches!(e, Error::Json { .. })
            }),
            (good.replace("\"threshold\":1", "\"threshold\":1.0"), |e| {
                matches!(e, Error::Json { .. })
            }),
            (
                good.replace("\"threshold\":1", "\"threshold\":2").replace(
                    "}],",
                    &format!("}},{{\"ed25519\":\"{public}\",\"id\":\"vendor2\"}}],"),
                ),
                |e| matches!(e, Error::DuplicatePublicKey { .. }),
            ),
            (good.replace(',', ", "), |e| {
                matches!(e, Error::NotCanonical { .. })
            }),
            (good.trim_end().to_owned(), |e| {
                matches!(e, Error::NotCanonical { .. })
            }),
        ];
        for (text, expected) in cases {
            let error = Policy::parse(text.as_bytes()).unwrap_err();
            assert!(expected(&error), "{text:?} gave {error:?}");
        }
    }

    #[test]
    fn key_lines_round_trip() {
        let key = key("test-vendor", 7);
        assert_eq!(PolicyKey::from_key_line(&key.to_key_line()).unwrap(), key);
        assert!(PolicyKey::from_key_line("no-equals-sign").is_err());
        assert!(PolicyKey::from_key_line("id=notbase64!").is_err());
    }
}
