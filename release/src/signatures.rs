//! Signatures over a manifest (`release/signatures.json`, docs/RELEASES.md) and the threshold
//! rule that decides whether they make a release.
//!
//! A signature is Ed25519 (RFC 8032, verified with `verify_strict`: no small-order keys or
//! non-canonical `R`/`s`) over [`MANIFEST_SIGNING_CONTEXT`] followed by the manifest's bytes
//! as served. The file is not canonical and not hashed: each signer adds one line.

use std::collections::BTreeSet;

use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};

use crate::hash::{decode_base64, encode_base64};
use crate::{Document, Error, KeyId, Policy};

/// What a release key signs before the manifest's bytes: the signature cannot be taken for
/// one over any other kind of message.
pub const MANIFEST_SIGNING_CONTEXT: &[u8] = b"conclave-release-v1 manifest\n";

/// The message a release key signs for `manifest_bytes`.
pub fn manifest_signing_message(manifest_bytes: &[u8]) -> Vec<u8> {
    [MANIFEST_SIGNING_CONTEXT, manifest_bytes].concat()
}

/// An Ed25519 signature; serialized as the base64 of its 64 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SignatureBytes([u8; 64]);

impl SignatureBytes {
    pub(crate) fn from_signature(signature: &Signature) -> Self {
        Self(signature.to_bytes())
    }

    /// The 64 bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl TryFrom<String> for SignatureBytes {
    type Error = Error;

    fn try_from(text: String) -> Result<Self, Error> {
        decode_base64::<64>(&text).map(Self)
    }
}

impl From<SignatureBytes> for String {
    fn from(signature: SignatureBytes) -> Self {
        encode_base64(&signature.0)
    }
}

/// One signer's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureEntry {
    /// The key that signed, as the policy names it.
    pub key_id: KeyId,
    /// The signature.
    pub sig: SignatureBytes,
}

/// The signatures of a release, in the order signers added them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signatures {
    signatures: Vec<SignatureEntry>,
}

impl Signatures {
    /// No signature yet (what `manifest` writes).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Reads `signatures.json` (any JSON spelling; every signature the base64 of 64 bytes,
    /// every key id well formed, no unknown fields).
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(bytes).map_err(|source| Error::Json {
            document: Document::Signatures,
            source,
        })
    }

    /// The file's text: one signer per line.
    pub fn to_text(&self) -> String {
        let lines: Vec<String> = self
            .signatures
            .iter()
            .map(|entry| {
                format!(
                    "{{\"key_id\":\"{}\",\"sig\":\"{}\"}}",
                    entry.key_id,
                    String::from(entry.sig)
                )
            })
            .collect();
        if lines.is_empty() {
            "{\"signatures\":[]}\n".to_owned()
        } else {
            format!("{{\"signatures\":[\n{}\n]}}\n", lines.join(",\n"))
        }
    }

    /// Adds `entry`; a signature by the same key id is replaced, in its place.
    pub fn add(&mut self, entry: SignatureEntry) {
        let first = self
            .signatures
            .iter()
            .position(|existing| existing.key_id == entry.key_id);
        self.signatures
            .retain(|existing| existing.key_id != entry.key_id);
        // Every line removed was at or after `first`, so it is still in range.
        let index = first.unwrap_or(self.signatures.len());
        self.signatures.insert(index, entry);
    }

    /// Every signature, in file order.
    pub fn entries(&self) -> &[SignatureEntry] {
        &self.signatures
    }
}

/// The distinct policy keys with a valid signature over `manifest_bytes`, in the policy's
/// order. Signatures by ids the policy does not list, and invalid ones, count for nothing.
pub fn valid_signers(
    manifest_bytes: &[u8],
    signatures: &Signatures,
    policy: &Policy,
) -> Vec<KeyId> {
    let message = manifest_signing_message(manifest_bytes);
    let signed: BTreeSet<&KeyId> = signatures
        .entries()
        .iter()
        .filter(|entry| {
            policy
                .key(&entry.key_id)
                .and_then(|key| key.ed25519.verifying_key())
                .is_some_and(|key| {
                    key.verify_strict(&message, &Signature::from_bytes(entry.sig.as_bytes()))
                        .is_ok()
                })
        })
        .map(|entry| &entry.key_id)
        .collect();
    policy
        .keys()
        .iter()
        .filter(|key| signed.contains(&key.id))
        .map(|key| key.id.clone())
        .collect()
}

/// Whether `signatures` make `manifest_bytes` a release under `policy`: at least
/// `threshold` distinct policy keys signed it validly. Returns those keys, in the policy's
/// order, or [`Error::UnderThreshold`].
pub fn verify_signatures(
    manifest_bytes: &[u8],
    signatures: &Signatures,
    policy: &Policy,
) -> Result<Vec<KeyId>, Error> {
    let signers = valid_signers(manifest_bytes, signatures, policy);
    let enough = u64::try_from(signers.len()).is_ok_and(|count| count >= policy.threshold());
    if enough {
        Ok(signers)
    } else {
        Err(Error::UnderThreshold {
            signers,
            threshold: policy.threshold(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReleaseSigningKey;

    const MANIFEST: &[u8] = b"{\"format\":1}\n";

    fn signing_key(id: &str, seed: u8) -> ReleaseSigningKey {
        ReleaseSigningKey::from_seed(KeyId::new(id).unwrap(), [seed; 32])
    }

    fn vendor() -> ReleaseSigningKey {
        signing_key("vendor", 1)
    }

    fn auditor() -> ReleaseSigningKey {
        signing_key("auditor", 2)
    }

    fn rogue() -> ReleaseSigningKey {
        signing_key("rogue", 3)
    }

    fn two_of_two() -> Policy {
        Policy::new(2, vec![vendor().policy_key(), auditor().policy_key()]).unwrap()
    }

    fn signed_by(keys: &[ReleaseSigningKey], manifest: &[u8]) -> Signatures {
        let mut signatures = Signatures::empty();
        for key in keys {
            signatures.add(key.sign_manifest(manifest));
        }
        signatures
    }

    fn ids(signers: &[KeyId]) -> Vec<&str> {
        signers.iter().map(KeyId::as_str).collect()
    }

    #[test]
    fn signing_and_verifying_round_trip() {
        let signatures = signed_by(&[auditor(), vendor()], MANIFEST);
        let reread = Signatures::parse(signatures.to_text().as_bytes()).unwrap();
        assert_eq!(reread, signatures);
        let signers = verify_signatures(MANIFEST, &reread, &two_of_two()).unwrap();
        assert_eq!(
            ids(&signers),
            ["vendor", "auditor"],
            "in the policy's order"
        );
    }

    #[test]
    fn a_manifest_with_one_flipped_bit_is_refused() {
        let signatures = signed_by(&[vendor(), auditor()], MANIFEST);
        for index in 0..MANIFEST.len() {
            let mut tampered = MANIFEST.to_vec();
            tampered[index] ^= 0x01;
            assert!(matches!(
                verify_signatures(&tampered, &signatures, &two_of_two()),
                Err(Error::UnderThreshold { ref signers, threshold: 2 }) if signers.is_empty()
            ));
        }
    }

    #[test]
    fn a_flipped_signature_counts_for_nothing() {
        let mut signatures = signed_by(&[vendor()], MANIFEST);
        let mut entry = signatures.entries()[0].clone();
        entry.sig.0[10] ^= 0x80;
        signatures.add(entry);
        signatures.add(auditor().sign_manifest(MANIFEST));
        let error = verify_signatures(MANIFEST, &signatures, &two_of_two()).unwrap_err();
        assert!(
            matches!(error, Error::UnderThreshold { ref signers, .. } if ids(signers) == ["auditor"])
        );
    }

    #[test]
    fn one_of_two_needed_signatures_is_refused() {
        let signatures = signed_by(&[vendor()], MANIFEST);
        let error = verify_signatures(MANIFEST, &signatures, &two_of_two()).unwrap_err();
        assert!(
            matches!(error, Error::UnderThreshold { ref signers, threshold: 2 } if ids(signers) == ["vendor"])
        );
        assert_eq!(
            error.to_string(),
            "policy keys with a valid signature: 1 (vendor); needed: 2"
        );
    }

    #[test]
    fn the_same_key_twice_counts_once() {
        let once = vendor().sign_manifest(MANIFEST);
        // Two lines with the vendor's id, as a hostile server could serve them.
        let text = format!(
            "{{\"signatures\":[{0},{0}]}}",
            serde_json::to_string(&once).unwrap()
        );
        let signatures = Signatures::parse(text.as_bytes()).unwrap();
        assert_eq!(signatures.entries().len(), 2);
        assert!(matches!(
            verify_signatures(MANIFEST, &signatures, &two_of_two()),
            Err(Error::UnderThreshold { ref signers, .. }) if signers.len() == 1
        ));
    }

    #[test]
    fn one_key_under_two_ids_cannot_count_twice() {
        // The vendor's key also listed as "auditor": with such a policy, the vendor alone
        // would sign under both ids and meet 2 of 2. No policy can hold it.
        let alias = signing_key("auditor", 1);
        assert_eq!(alias.public_key(), vendor().public_key());
        assert!(matches!(
            Policy::new(2, vec![vendor().policy_key(), alias.policy_key()]),
            Err(Error::DuplicatePublicKey { .. })
        ));
        let text = format!(
            "{{\"format\":1,\"keys\":[{{\"ed25519\":\"{0}\",\"id\":\"vendor\"}},\
             {{\"ed25519\":\"{0}\",\"id\":\"auditor\"}}],\"threshold\":2}}\n",
            vendor().public_key().to_base64()
        );
        assert!(matches!(
            Policy::parse(text.as_bytes()),
            Err(Error::DuplicatePublicKey { .. })
        ));
        // Under the real 2-of-2 policy, the vendor signing under both ids is one signer.
        let signatures = signed_by(&[vendor(), alias], MANIFEST);
        assert!(matches!(
            verify_signatures(MANIFEST, &signatures, &two_of_two()),
            Err(Error::UnderThreshold { ref signers, .. }) if ids(signers) == ["vendor"]
        ));
    }

    #[test]
    fn an_unknown_key_is_ignored() {
        let signatures = signed_by(&[vendor(), rogue()], MANIFEST);
        assert!(matches!(
            verify_signatures(MANIFEST, &signatures, &two_of_two()),
            Err(Error::UnderThreshold { ref signers, .. }) if ids(signers) == ["vendor"]
        ));
        // A rogue key that takes a policy key's id does not verify under that key.
        let impostor = signing_key("auditor", 3);
        let signatures = signed_by(&[vendor(), impostor], MANIFEST);
        assert!(verify_signatures(MANIFEST, &signatures, &two_of_two()).is_err());
        let signatures = signed_by(&[vendor(), rogue(), auditor()], MANIFEST);
        let signers = verify_signatures(MANIFEST, &signatures, &two_of_two()).unwrap();
        assert_eq!(ids(&signers), ["vendor", "auditor"]);
    }

    #[test]
    fn one_of_two_is_enough_under_a_threshold_of_one() {
        let policy = Policy::new(1, vec![vendor().policy_key(), auditor().policy_key()]).unwrap();
        let signatures = signed_by(&[auditor()], MANIFEST);
        let signers = verify_signatures(MANIFEST, &signatures, &policy).unwrap();
        assert_eq!(ids(&signers), ["auditor"]);
        assert!(verify_signatures(MANIFEST, &Signatures::empty(), &policy).is_err());
    }

    #[test]
    fn signing_again_replaces_the_line_of_that_key() {
        let mut signatures = signed_by(&[vendor(), auditor()], b"old manifest\n");
        signatures.add(vendor().sign_manifest(MANIFEST));
        assert_eq!(signatures.entries().len(), 2);
        assert_eq!(signatures.entries()[0].key_id.as_str(), "vendor");
        assert_eq!(
            valid_signers(MANIFEST, &signatures, &two_of_two()),
            [KeyId::new("vendor").unwrap()]
        );
    }

    #[test]
    fn the_file_has_one_line_per_signer() {
        assert_eq!(Signatures::empty().to_text(), "{\"signatures\":[]}\n");
        let text = signed_by(&[vendor(), auditor()], MANIFEST).to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "{\"signatures\":[");
        assert!(
            lines[1].starts_with("{\"key_id\":\"vendor\",\"sig\":\"") && lines[1].ends_with("\"},")
        );
        assert!(
            lines[2].starts_with("{\"key_id\":\"auditor\",\"sig\":\"") && lines[2].ends_with("\"}")
        );
        assert_eq!(lines[3], "]}");
    }

    #[test]
    fn malformed_signature_files_are_typed_errors() {
        let sig = String::from(vendor().sign_manifest(MANIFEST).sig);
        for text in [
            String::new(),
            "{".to_owned(),
            "{\"signatures\":{}}".to_owned(),
            "{\"signatures\":[],\"extra\":1}".to_owned(),
            format!(
                "{{\"signatures\":[{{\"key_id\":\"vendor\",\"sig\":\"{}\"}}]}}",
                &sig[4..]
            ),
            format!("{{\"signatures\":[{{\"key_id\":\"bad id\",\"sig\":\"{sig}\"}}]}}"),
            format!("{{\"signatures\":[{{\"key_id\":\"vendor\",\"sig\":\"{sig}\",\"at\":1}}]}}"),
            "{\"signatures\":[{\"key_id\":\"vendor\"}]}".to_owned(),
        ] {
            assert!(
                matches!(
                    Signatures::parse(text.as_bytes()),
                    Err(Error::Json {
                        document: Document::Signatures,
                        ..
                    })
                ),
                "{text}"
            );
        }
    }
}
