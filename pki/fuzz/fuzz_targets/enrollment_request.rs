//! `read_enrollment_request` on arbitrary bytes (what an administrator is handed): it never
//! panics, and a request it accepts names someone (a cleaned name) and reads the same again
//! as DER once its PEM armour is taken off.
#![no_main]

use conclave_pki::read_enrollment_request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = read_enrollment_request(data) {
        assert!(!request.requested_name.is_empty());
        assert_eq!(request.requested_name.trim(), request.requested_name);
        if let Ok((_, der)) = x509_cert::der::pem::decode_vec(data.trim_ascii()) {
            assert_eq!(read_enrollment_request(&der), Ok(request));
        }
    }
});
