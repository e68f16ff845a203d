//! `parse_pem_chain` on arbitrary text (what a person pastes into the enrollment page): it
//! never panics, and a chain it reads is written back by `chain_to_pem` as text that reads
//! as the same chain.
#![no_main]

use conclave_pki::{chain_to_pem, parse_pem_chain};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(chain) = parse_pem_chain(text) {
        assert!(!chain.is_empty());
        assert_eq!(parse_pem_chain(&chain_to_pem(&chain)), Ok(chain));
    }
});
