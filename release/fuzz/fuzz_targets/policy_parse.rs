//! `Policy::parse` (docs/RELEASES.md, "`policy.json`") on arbitrary bytes: it never panics,
//! and it accepts only the canonical form of a policy that keeps every rule, so a policy it
//! accepts encodes back to exactly the bytes it was read from, and its digest is theirs.
#![no_main]

use conclave_release::{Document, Error, Policy, Sha256Digest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Policy::parse(data) {
        Ok(policy) => {
            let encoded = policy.to_canonical_json();
            assert_eq!(encoded.as_deref().ok(), Some(data));
            assert_eq!(policy.digest().ok(), Some(Sha256Digest::of(data)));
            let threshold = usize::try_from(policy.threshold()).ok();
            assert!(threshold.is_some_and(|k| (1..=policy.keys().len()).contains(&k)));
        }
        Err(error) => assert!(
            matches!(
                error,
                Error::Json {
                    document: Document::Policy,
                    ..
                } | Error::UnsupportedFormat {
                    document: Document::Policy,
                    ..
                } | Error::NotCanonical {
                    document: Document::Policy
                } | Error::DuplicateKeyId(_)
                    | Error::DuplicatePublicKey { .. }
                    | Error::InvalidPublicKey(_)
                    | Error::ThresholdOutOfRange { .. }
            ),
            "{error:?}"
        ),
    }
});
