//! The crate's tests by scenario: each builds an organisation's PKI with rcgen and plays one
//! thing an attacker or an accident could do. One file per concern: `chain` (a member's
//! chain and its CA), `revocation` (the CA's list), `enrollment` (the request), `pem`
//! (chains as text, pins).

mod chain;
mod enrollment;
mod pem;
mod revocation;

use super::test_pki::{member_identity, MemberSpec, TestCa, NOW};
use super::*;

pub(super) const ORG: &str = "Council of Europa";

/// An organisation, one member's identity and their chain.
pub(super) struct Scenario {
    ca: TestCa,
    public_key: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

impl Scenario {
    fn new() -> Scenario {
        Scenario::with_member(|_| {})
    }

    fn with_member(change: impl FnOnce(&mut MemberSpec)) -> Scenario {
        let ca = TestCa::new(ORG);
        let (_identity, public_key) = member_identity();
        let mut spec = MemberSpec::for_key(ORG, &public_key);
        change(&mut spec);
        let chain = vec![ca.issue(&spec), ca.der.clone()];
        Scenario {
            ca,
            public_key,
            chain,
        }
    }

    fn anchor(&self) -> TrustAnchor {
        TrustAnchor::from_organisation(&self.ca.organisation(), NOW).expect("anchor")
    }

    fn anchor_with_list(&self, revocation_list: Option<Vec<u8>>) -> TrustAnchor {
        let organisation = Organisation {
            certificate: self.ca.der.clone(),
            revocation_list,
        };
        TrustAnchor::from_organisation(&organisation, NOW).expect("anchor")
    }

    fn validate(&self) -> Result<VerifiedPerson, ChainRefusal> {
        validate_chain(&self.chain, &self.public_key, &[self.anchor()], NOW)
    }
}
