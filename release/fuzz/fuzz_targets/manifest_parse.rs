//! `Manifest::parse` (docs/RELEASES.md, "`manifest.json`") on arbitrary bytes: it never
//! panics, it refuses with a manifest error, and it accepts only the canonical form, so a
//! manifest it accepts encodes back to exactly the bytes it was read from.
#![no_main]

use conclave_release::{Document, Error, Manifest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Manifest::parse(data) {
        Ok(manifest) => {
            let encoded = manifest.to_canonical_json();
            assert_eq!(encoded.as_deref().ok(), Some(data));
        }
        Err(error) => assert!(
            matches!(
                error,
                Error::Json {
                    document: Document::Manifest,
                    ..
                } | Error::UnsupportedFormat {
                    document: Document::Manifest,
                    ..
                } | Error::NotCanonical {
                    document: Document::Manifest
                } | Error::InvalidFilePath(_)
            ),
            "{error:?}"
        ),
    }
});
