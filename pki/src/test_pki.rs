//! A test organisation's PKI built with rcgen: a CA, member certificates for a given public
//! key, revocation lists. Every date is relative to [`NOW`].

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertificateRevocationListParams,
    CustomExtension, DistinguishedName, DnType, DnValue, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose, PublicKeyData, RevokedCertParams, SanType, SerialNumber, SignatureAlgorithm,
};
use time::OffsetDateTime;

use super::{EnrollmentSigner, Organisation};

/// The tests' clock: 2026-05-28.
pub(crate) const NOW: u64 = 1_780_000_000;
/// One day in seconds.
pub(crate) const DAY: u64 = 86_400;

/// The `title` attribute (RFC 4519 section 2.38).
const TITLE: &[u64] = &[2, 5, 4, 12];

/// A Unix time as rcgen's date.
pub(crate) fn at(unix_secs: u64) -> OffsetDateTime {
    date_time_ymd(1970, 1, 1) + Duration::from_secs(unix_secs)
}

/// An organisation's CA: its key, its parameters (to issue with) and its certificate.
pub(crate) struct TestCa {
    key: KeyPair,
    params: CertificateParams,
    pub(crate) der: Vec<u8>,
}

/// How to build a CA.
pub(crate) struct CaSpec {
    pub(crate) organisation: &'static str,
    pub(crate) algorithm: &'static SignatureAlgorithm,
    pub(crate) is_ca: bool,
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
}

impl CaSpec {
    /// An Ed25519 CA for `organisation`, valid from a year ago for ten years.
    pub(crate) fn of(organisation: &'static str) -> CaSpec {
        CaSpec {
            organisation,
            algorithm: &rcgen::PKCS_ED25519,
            is_ca: true,
            not_before: NOW - 365 * DAY,
            not_after: NOW + 3650 * DAY,
        }
    }
}

/// How to build a member certificate.
pub(crate) struct MemberSpec {
    pub(crate) name: Option<&'static str>,
    pub(crate) organisation: Option<&'static str>,
    pub(crate) role: Option<&'static str>,
    pub(crate) email: Option<&'static str>,
    pub(crate) public_key: Vec<u8>,
    pub(crate) serial: Vec<u8>,
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
    pub(crate) is_ca: bool,
    /// The name as a PrintableString rather than a UTF8String.
    pub(crate) name_as_printable_string: bool,
    /// An extra extension (OID, critical), empty content.
    pub(crate) extra_extension: Option<(&'static [u64], bool)>,
}

/// The serial every member certificate gets unless a test says otherwise (high bit set,
/// so DER adds a leading zero byte).
pub(crate) const MEMBER_SERIAL: [u8; 16] = [
    0xa1, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
];

impl MemberSpec {
    /// "Ada Lovelace", Head of Delegation, of `organisation`, for `public_key`, valid from
    /// a day ago for a year.
    pub(crate) fn for_key(organisation: &'static str, public_key: &[u8]) -> MemberSpec {
        MemberSpec {
            name: Some("Ada Lovelace"),
            organisation: Some(organisation),
            role: Some("Head of Delegation"),
            email: Some("ada@example.org"),
            public_key: public_key.to_vec(),
            serial: MEMBER_SERIAL.to_vec(),
            not_before: NOW - DAY,
            not_after: NOW + 365 * DAY,
            is_ca: false,
            name_as_printable_string: false,
            extra_extension: None,
        }
    }
}

/// A public key given as raw bytes (rcgen needs a type for the subject's key).
struct RawPublicKey {
    bytes: Vec<u8>,
    algorithm: &'static SignatureAlgorithm,
}

impl PublicKeyData for RawPublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.algorithm
    }
}

impl TestCa {
    /// An Ed25519 CA for `organisation`.
    pub(crate) fn new(organisation: &'static str) -> TestCa {
        TestCa::build(CaSpec::of(organisation))
    }

    /// A CA as `spec` says.
    pub(crate) fn build(spec: CaSpec) -> TestCa {
        let key = KeyPair::generate_for(spec.algorithm).expect("CA key");
        TestCa::with_key(spec, key)
    }

    /// A CA as `spec` says, with this key (to make an impostor with a known key).
    pub(crate) fn with_key(spec: CaSpec, key: KeyPair) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, format!("{} CA", spec.organisation));
        name.push(DnType::OrganizationName, spec.organisation);
        params.distinguished_name = name;
        if spec.is_ca {
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        } else {
            params.is_ca = IsCa::ExplicitNoCa;
        }
        params.not_before = at(spec.not_before);
        params.not_after = at(spec.not_after);
        params.serial_number = Some(SerialNumber::from_slice(&[0x01]));
        params.key_identifier_method = KeyIdMethod::Sha256;
        let der = params
            .self_signed(&key)
            .expect("CA certificate")
            .der()
            .to_vec();
        TestCa { key, params, der }
    }

    /// A member certificate this CA issues.
    pub(crate) fn issue(&self, spec: &MemberSpec) -> Vec<u8> {
        self.issue_for_key(spec, &rcgen::PKCS_ED25519)
    }

    /// A member certificate whose subject key is of `algorithm`.
    pub(crate) fn issue_for_key(
        &self,
        spec: &MemberSpec,
        algorithm: &'static SignatureAlgorithm,
    ) -> Vec<u8> {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("member params");
        let mut name = DistinguishedName::new();
        if let Some(common_name) = spec.name {
            if spec.name_as_printable_string {
                let printable = common_name.try_into().expect("printable");
                name.push(DnType::CommonName, DnValue::PrintableString(printable));
            } else {
                name.push(DnType::CommonName, common_name);
            }
        }
        if let Some(organisation) = spec.organisation {
            name.push(DnType::OrganizationName, organisation);
        }
        if let Some(role) = spec.role {
            name.push(DnType::CustomDnType(TITLE.to_vec()), role);
        }
        params.distinguished_name = name;
        if let Some(email) = spec.email {
            params.subject_alt_names = vec![SanType::Rfc822Name(email.try_into().expect("IA5"))];
        }
        params.is_ca = if spec.is_ca {
            IsCa::Ca(BasicConstraints::Unconstrained)
        } else {
            IsCa::ExplicitNoCa
        };
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.not_before = at(spec.not_before);
        params.not_after = at(spec.not_after);
        params.serial_number = Some(SerialNumber::from_slice(&spec.serial));
        params.use_authority_key_identifier_extension = true;
        if let Some((oid, critical)) = spec.extra_extension {
            let mut extension = CustomExtension::from_oid_content(oid, vec![0x05, 0x00]);
            extension.set_criticality(critical);
            params.custom_extensions.push(extension);
        }
        let subject_key = RawPublicKey {
            bytes: spec.public_key.clone(),
            algorithm,
        };
        let issuer = Issuer::from_params(&self.params, &self.key);
        params
            .signed_by(&subject_key, &issuer)
            .expect("member certificate")
            .der()
            .to_vec()
    }

    /// A revocation list revoking `serials`, issued `this_update`, next due `next_update`.
    pub(crate) fn revocation_list_at(
        &self,
        serials: &[&[u8]],
        this_update: u64,
        next_update: u64,
    ) -> Vec<u8> {
        let params = CertificateRevocationListParams {
            this_update: at(this_update),
            next_update: at(next_update),
            crl_number: SerialNumber::from_slice(&[0x07]),
            issuing_distribution_point: None,
            revoked_certs: serials
                .iter()
                .map(|serial| RevokedCertParams {
                    serial_number: SerialNumber::from_slice(serial),
                    revocation_time: at(this_update),
                    reason_code: None,
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        let issuer = Issuer::from_params(&self.params, &self.key);
        params
            .signed_by(&issuer)
            .expect("revocation list")
            .der()
            .to_vec()
    }

    /// A current revocation list (issued a day ago, due in a week) revoking `serials`.
    pub(crate) fn revocation_list(&self, serials: &[&[u8]]) -> Vec<u8> {
        self.revocation_list_at(serials, NOW - DAY, NOW + 7 * DAY)
    }

    /// What a server lists for this organisation, with a current, empty revocation list.
    pub(crate) fn organisation(&self) -> Organisation {
        Organisation {
            certificate: self.der.clone(),
            revocation_list: Some(self.revocation_list(&[])),
        }
    }
}

/// A member's signing key (a browser's MLS signature key in the product).
pub(crate) struct TestMember(ed25519_dalek::SigningKey);

impl EnrollmentSigner for TestMember {
    fn public_key(&self) -> &[u8] {
        self.0.as_ref().as_bytes()
    }

    fn sign(&self, message: &[u8]) -> Option<Vec<u8>> {
        use ed25519_dalek::Signer as _;
        Some(self.0.sign(message).to_bytes().to_vec())
    }
}

/// A member key unlike every other one this test process made, and its public key.
pub(crate) fn member_identity() -> (TestMember, Vec<u8>) {
    static MADE: AtomicU8 = AtomicU8::new(1);
    let seed = [MADE.fetch_add(1, Ordering::Relaxed); 32];
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let public_key = key.verifying_key().to_bytes().to_vec();
    (TestMember(key), public_key)
}
