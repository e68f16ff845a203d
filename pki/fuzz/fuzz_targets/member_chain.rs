//! A member's chain against an organisation's CA and revocation list, all from arbitrary
//! bytes, as other members and the server hand them over: nothing panics, and whatever
//! verifies is consistent (the CA it names is the one pinned, the issued-chain check agrees,
//! and the same chain for another key is refused).
//!
//! Input: `[32-byte signature key][u16 BE length][member certificate][u16 BE length]
//! [CA certificate][revocation list: the rest, none if empty]` (corpus/member_chain holds
//! real ones from `conclave-admin`).
#![no_main]

use conclave_pki::{
    check_issued_chain, check_revocation_list, validate_chain, AnchorPin, ChainRefusal,
    Organisation, TrustAnchor,
};
use libfuzzer_sys::fuzz_target;

/// The clock the corpus's certificates and list are current at (2026-12-04 04:53 UTC; they
/// were made on 2026-12-03 with a year's and a month's validity).
const NOW: u64 = 1_796_360_000;

/// The next `len`-prefixed part of `data`, and what follows it.
fn take_part(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = data.split_first_chunk::<2>()?;
    let len = usize::from(u16::from_be_bytes(*len));
    (rest.len() >= len).then(|| rest.split_at(len))
}

fuzz_target!(|data: &[u8]| {
    let Some((key, rest)) = data.split_first_chunk::<32>() else {
        return;
    };
    let Some((member, rest)) = take_part(rest) else {
        return;
    };
    let Some((ca, list)) = take_part(rest) else {
        return;
    };
    let organisation = Organisation {
        certificate: ca.to_vec(),
        revocation_list: (!list.is_empty()).then(|| list.to_vec()),
    };
    let dates = check_revocation_list(ca, list);
    let Ok(anchor) = TrustAnchor::from_organisation(&organisation, NOW) else {
        return;
    };
    assert_eq!(anchor.pin(), AnchorPin::of_certificate(ca));
    // The list the anchor keeps is the one a server would check and serve.
    assert_eq!(
        anchor.revocation_list_issued_at(),
        dates.ok().map(|dates| dates.issued_at)
    );

    let chain = vec![member.to_vec(), ca.to_vec()];
    let verified = validate_chain(&chain, key, std::slice::from_ref(&anchor), NOW);
    if let Ok(person) = &verified {
        assert_eq!(person.anchor, anchor.pin());
        assert!(!person.name.is_empty() && !person.organisation.is_empty());
        assert!(anchor.has_current_revocation_list(NOW));
        assert_eq!(check_issued_chain(&chain, key, NOW).as_ref(), Ok(person));
        let mut other_key = *key;
        other_key[0] ^= 1;
        assert_eq!(
            validate_chain(&chain, &other_key, std::slice::from_ref(&anchor), NOW),
            Err(ChainRefusal::KeyMismatch)
        );
    }
    // Without the anchor pinned, nothing verifies.
    assert!(validate_chain(&chain, key, &[], NOW).is_err());
});
