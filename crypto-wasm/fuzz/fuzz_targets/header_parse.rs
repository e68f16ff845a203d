//! The SFrame header parser (RFC 9605 section 4.3) on arbitrary bytes: it never panics, and
//! whatever it accepts is the minimal encoding of what it returns, so encoding the parsed
//! header gives back exactly the bytes it consumed.
#![no_main]

use crypto_wasm::{Counter, Error, KeyId, SframeHeader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match SframeHeader::parse(data) {
        Ok((header, len)) => {
            assert!((1..=17).contains(&len) && len <= data.len());
            assert_eq!(header.encode().as_bytes(), &data[..len]);
            assert_eq!(header.encoded_len(), len);
        }
        Err(error) => assert!(matches!(
            error,
            Error::HeaderTruncated | Error::HeaderNotMinimal
        )),
    }
    // Any (KID, CTR) read from the input round-trips through encode and parse.
    if data.len() >= 16 {
        let (kid, ctr) = data.split_at(8);
        let mut kid_bytes = [0u8; 8];
        let mut ctr_bytes = [0u8; 8];
        kid_bytes.copy_from_slice(kid);
        ctr_bytes.copy_from_slice(&ctr[..8]);
        let header = SframeHeader::new(
            KeyId(u64::from_be_bytes(kid_bytes)),
            Counter(u64::from_be_bytes(ctr_bytes)),
        );
        let encoded = header.encode();
        assert_eq!(
            SframeHeader::parse(encoded.as_bytes()),
            Ok((header, encoded.len()))
        );
    }
});
