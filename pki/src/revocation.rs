//! The CA's certificate revocation list (RFC 5280 section 5): which serials it revoked,
//! and from when until when that statement holds.
//!
//! A list is read only against the CA it claims to come from: its issuer must be the CA's
//! subject (byte for byte) and its Ed25519 signature must verify under the CA's key. A
//! critical extension we do not understand, on the list or on an entry (an indirect list's
//! certificate issuer, say), makes the list unusable (RFC 5280 section 5.2).

use x509_cert::crl::CertificateList;
use x509_cert::der::oid::db::rfc5280;
use x509_cert::der::Decode;
use x509_cert::ext::Extension;

use super::certificate::{
    ed25519_verifies, name_der, require_ed25519, unix_secs, ParsedCertificate, SignedObject,
};
use super::ChainRefusal;

/// A revocation list that its CA signed.
#[derive(Clone, Debug)]
pub(crate) struct RevocationList {
    this_update: u64,
    /// `None` when the list gives no next update: such a list is never current.
    next_update: Option<u64>,
    /// Revoked serial numbers, as DER INTEGER value bytes (as certificates carry them).
    revoked_serials: Vec<Vec<u8>>,
}

impl RevocationList {
    /// Reads a DER revocation list and checks that `authority` issued and signed it.
    pub(crate) fn read(
        der: &[u8],
        authority: &ParsedCertificate,
    ) -> Result<RevocationList, ChainRefusal> {
        let signed = SignedObject::split(der)?;
        let list = CertificateList::from_der(der).map_err(|_| ChainRefusal::Malformed)?;
        let tbs = &list.tbs_cert_list;
        require_ed25519(&tbs.signature)?;
        require_ed25519(&list.signature_algorithm)?;
        let signature = signed.ed25519_signature()?;
        if name_der(&tbs.issuer)? != authority.subject_der {
            return Err(ChainRefusal::NameMismatch);
        }
        if !authority.may_sign_revocation_lists() {
            return Err(ChainRefusal::NotAnAuthority);
        }
        if !ed25519_verifies(&authority.public_key, signed.signed_bytes, &signature) {
            return Err(ChainRefusal::BadSignature);
        }
        refuse_unknown_critical(
            tbs.crl_extensions.as_deref().unwrap_or_default(),
            &[
                rfc5280::ID_CE_CRL_NUMBER,
                rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
            ],
        )?;
        let entries = tbs.revoked_certificates.as_deref().unwrap_or_default();
        for entry in entries {
            refuse_unknown_critical(
                entry.crl_entry_extensions.as_deref().unwrap_or_default(),
                &[rfc5280::ID_CE_CRL_REASONS, rfc5280::ID_CE_INVALIDITY_DATE],
            )?;
        }
        Ok(RevocationList {
            this_update: unix_secs(tbs.this_update),
            next_update: tbs.next_update.map(unix_secs),
            revoked_serials: entries
                .iter()
                .map(|entry| entry.serial_number.as_bytes().to_vec())
                .collect(),
        })
    }

    /// When the CA issued it (`thisUpdate`, Unix seconds).
    pub(crate) fn this_update(&self) -> u64 {
        self.this_update
    }

    /// `thisUpdate <= now < nextUpdate`; a list without a next update is never current.
    pub(crate) fn is_current(&self, now_unix_secs: u64) -> bool {
        self.next_update
            .is_some_and(|next| self.this_update <= now_unix_secs && now_unix_secs < next)
    }

    /// Whether the list revokes the certificate with this serial number.
    pub(crate) fn revokes(&self, serial: &[u8]) -> bool {
        self.revoked_serials.iter().any(|revoked| revoked == serial)
    }
}

/// When a revocation list was issued and falls due (Unix seconds).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RevocationListDates {
    /// `thisUpdate`.
    pub issued_at: u64,
    /// `nextUpdate`; a list without one is never current.
    pub next_update: Option<u64>,
}

impl RevocationListDates {
    /// `thisUpdate <= now < nextUpdate`.
    pub fn is_current(&self, now_unix_secs: u64) -> bool {
        self.next_update
            .is_some_and(|next| self.issued_at <= now_unix_secs && now_unix_secs < next)
    }
}

/// Checks that the CA certificate `ca_certificate` (DER) issued and signed the revocation
/// list `list` (DER), as every member will before using it, whatever the time: what a
/// server checks before it lists the file an organisation renewed. Returns the list's dates.
pub fn check_revocation_list(
    ca_certificate: &[u8],
    list: &[u8],
) -> Result<RevocationListDates, ChainRefusal> {
    let authority = ParsedCertificate::read(ca_certificate)?;
    let read = RevocationList::read(list, &authority)?;
    Ok(RevocationListDates {
        issued_at: read.this_update,
        next_update: read.next_update,
    })
}

/// Refuses a critical extension other than `understood` ones.
fn refuse_unknown_critical(
    extensions: &[Extension],
    understood: &[x509_cert::der::oid::ObjectIdentifier],
) -> Result<(), ChainRefusal> {
    let unknown_critical = extensions
        .iter()
        .any(|extension| extension.critical && !understood.contains(&extension.extn_id));
    if unknown_critical {
        Err(ChainRefusal::Malformed)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::RevocationList;

    #[test]
    fn a_list_without_a_next_update_is_never_current() {
        let list = RevocationList {
            this_update: 0,
            next_update: None,
            revoked_serials: Vec::new(),
        };
        assert!(!list.is_current(0));
        assert!(!list.is_current(u64::MAX));
    }
}
