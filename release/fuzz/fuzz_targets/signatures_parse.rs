//! `Signatures::parse` (docs/RELEASES.md, "`signatures.json`") on arbitrary bytes: it never
//! panics, it refuses with a JSON error about the signatures, and whatever it accepts (in any
//! JSON spelling) reads back unchanged from the text the tool writes for it.
#![no_main]

use conclave_release::{Document, Error, Signatures};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Signatures::parse(data) {
        Ok(signatures) => {
            let text = signatures.to_text();
            assert_eq!(Signatures::parse(text.as_bytes()).ok(), Some(signatures));
        }
        Err(error) => assert!(
            matches!(
                error,
                Error::Json {
                    document: Document::Signatures,
                    ..
                }
            ),
            "{error:?}"
        ),
    }
});
