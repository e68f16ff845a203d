//! A test organisation's certificate authority, made with rcgen the way `conclave-admin`
//! makes one (Ed25519 CA with `O=<organisation>`, member certificates for a browser's MLS
//! key, a revocation list), so the group tests can seat verified members.

use conclave_group::verified_identity::{AnchorPin, Organisation};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, PublicKeyData, RevokedCertParams,
    SerialNumber, SignatureAlgorithm, PKCS_ED25519,
};
use time::{Duration, OffsetDateTime};

/// An organisation's CA, and what it revoked.
pub struct TestOrganisation {
    name: String,
    params: CertificateParams,
    key: KeyPair,
    certificate: Vec<u8>,
    revoked: Vec<SerialNumber>,
    next_serial: u64,
}

/// A browser's raw Ed25519 public key, as rcgen needs it to issue a certificate for it.
struct BrowserKey<'a>(&'a [u8]);

impl PublicKeyData for BrowserKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &PKCS_ED25519
    }
}

impl TestOrganisation {
    /// A new organisation's CA, valid from yesterday for a year.
    pub fn new(name: &str) -> TestOrganisation {
        let key = KeyPair::generate_for(&PKCS_ED25519).unwrap();
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, format!("{name} CA"));
        dn.push(DnType::OrganizationName, name);
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = OffsetDateTime::now_utc() - Duration::days(1);
        params.not_after = OffsetDateTime::now_utc() + Duration::days(365);
        let certificate = params.self_signed(&key).unwrap().der().to_vec();
        TestOrganisation {
            name: name.to_owned(),
            params,
            key,
            certificate,
            revoked: Vec::new(),
            next_serial: 1,
        }
    }

    /// The pin of its CA certificate.
    pub fn pin(&self) -> AnchorPin {
        AnchorPin::of_certificate(&self.certificate)
    }

    /// A member certificate for `public_key` naming `person`, valid from yesterday for
    /// `days` (negative: expired): the chain, leaf first.
    pub fn issue_for(&mut self, public_key: &[u8], person: &str, days: i64) -> Vec<Vec<u8>> {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, person);
        dn.push(DnType::OrganizationName, self.name.as_str());
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 12]), "Delegate");
        params.distinguished_name = dn;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.serial_number = Some(SerialNumber::from(self.next_serial));
        self.next_serial += 1;
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(2);
        params.not_after = now + Duration::days(days);
        let issuer = Issuer::from_params(&self.params, &self.key);
        let leaf = params.signed_by(&BrowserKey(public_key), &issuer).unwrap();
        vec![leaf.der().to_vec(), self.certificate.clone()]
    }

    /// Revokes the certificate of serial `serial` (from 1, in issue order).
    pub fn revoke(&mut self, serial: u64) {
        self.revoked.push(SerialNumber::from(serial));
    }

    /// What a server lists for it: the CA certificate and a current revocation list,
    /// issued an hour ago.
    pub fn listed(&self) -> Organisation {
        self.listed_issued_hours_ago(1)
    }

    /// The same with a revocation list issued `hours` ago (still current).
    pub fn listed_issued_hours_ago(&self, hours: i64) -> Organisation {
        let now = OffsetDateTime::now_utc();
        let crl = CertificateRevocationListParams {
            this_update: now - Duration::hours(hours),
            next_update: now + Duration::days(7),
            crl_number: SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: self
                .revoked
                .iter()
                .map(|serial| RevokedCertParams {
                    serial_number: serial.clone(),
                    revocation_time: now - Duration::minutes(5),
                    reason_code: None,
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        let issuer = Issuer::from_params(&self.params, &self.key);
        Organisation {
            certificate: self.certificate.clone(),
            revocation_list: Some(crl.signed_by(&issuer).unwrap().der().to_vec()),
        }
    }
}
