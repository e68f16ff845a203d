//! `[[organisation]]` entries and `--organisation CA.pem[,CRL.pem]`: the organisations whose
//! members a meeting on this server may verify (docs/ADMIN.md, "Organisations whose members
//! meetings may verify").
//! Each names its CA certificate file (`certificate`, required) and its revocation list
//! file (`revocation_list`, a PEM `X509 CRL` that the organisation's timer renews; optional
//! but recommended, since clients verify nobody of an organisation without a current one).
//! `GET /organisations` lists them (`crate::organisations`).
//!
//! Checked once, at start, each refusal naming the key and the file: a certificate file
//! holds exactly one PEM `CERTIFICATE` block that parses as X.509; at most
//! [`MAX_ORGANISATIONS`]; no certificate twice; a revocation list file exists (its
//! content is checked at every re-read, and a bad one never stops the server). The
//! certificate must also pass the checks every member makes of a CA (`conclave-pki`:
//! Ed25519, self-signed, a CA, an organisation name), so an administrator hears at start
//! of a CA that could never verify anyone. Its dates are not checked here (an expired CA
//! is logged when listed, `crate::organisations`); members check everything again, since
//! they must not trust the server.
//!
//! `--organisation` flags replace the file's entries, as `[[janus]]` entries replace
//! `[janus]`: a list is taken whole from one place. There is no environment variable.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use conclave_pki::{AnchorError, AnchorPin, Organisation, TrustAnchor};
use serde::Deserialize;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::ext::pkix::name::DirectoryString;
use x509_cert::Certificate;

use super::invalid;
use crate::error::Error;

/// Most organisations one server lists: every client fetches and checks them all.
pub const MAX_ORGANISATIONS: usize = 32;

/// A CA certificate is a few hundred bytes; a larger file is refused unread.
const MAX_CERTIFICATE_BYTES: u64 = 64 * 1024;

/// A revocation list larger than this is not served (about 25,000 revoked serials).
pub const MAX_REVOCATION_LIST_BYTES: u64 = 1024 * 1024;

/// The PEM label of a certificate (RFC 7468 section 5).
pub const CERTIFICATE_LABEL: &str = "CERTIFICATE";

/// The PEM label of a certificate revocation list (RFC 7468 section 6).
pub const REVOCATION_LIST_LABEL: &str = "X509 CRL";

/// `id-at-organizationName` (RFC 4519 section 2.19).
const ORGANIZATION_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// The flag, as errors name it.
const FLAG: &str = "--organisation";

/// One organisation as configured: its CA certificate, read and parsed at start, and where
/// its revocation list is (read again whenever it changes).
#[derive(Clone, PartialEq, Eq)]
pub struct OrganisationConfig {
    certificate_path: PathBuf,
    certificate_der: Vec<u8>,
    name: String,
    pin: AnchorPin,
    revocation_list_path: Option<PathBuf>,
}

impl OrganisationConfig {
    /// Reads and checks the CA certificate at `certificate`, and that `revocation_list`
    /// (if given) is a file. `key` names the setting in errors (`organisation[0]`,
    /// `--organisation`).
    pub fn read(
        key: &str,
        certificate: &Path,
        revocation_list: Option<&Path>,
    ) -> Result<Self, Error> {
        let certificate_key = format!("{key}.certificate");
        let bytes = read_limited(certificate, MAX_CERTIFICATE_BYTES)
            .map_err(|problem| invalid(&certificate_key, problem))?;
        let shown = certificate.display();
        let der = single_pem_block(&bytes, CERTIFICATE_LABEL)
            .map_err(|problem| invalid(&certificate_key, format!("{shown}: {problem}")))?;
        let parsed = Certificate::from_der(&der).map_err(|error| {
            invalid(
                &certificate_key,
                format!("{shown}: the CERTIFICATE block is not an X.509 certificate ({error})"),
            )
        })?;
        match TrustAnchor::from_organisation(
            &Organisation {
                certificate: der.clone(),
                revocation_list: None,
            },
            crate::unix_now(),
        ) {
            Ok(_) | Err(AnchorError::NotYetValid | AnchorError::Expired) => {}
            Err(problem) => {
                return Err(invalid(
                    &certificate_key,
                    format!("{shown}: {problem}, so members would verify nobody it vouches for"),
                ))
            }
        }
        if let Some(path) = revocation_list {
            if !path.is_file() {
                return Err(invalid(
                    &format!("{key}.revocation_list"),
                    format!(
                        "{} is not a file (the organisation's revocation list, PEM \"X509 CRL\")",
                        path.display()
                    ),
                ));
            }
        }
        Ok(Self {
            certificate_path: certificate.to_path_buf(),
            name: subject_organisation(&parsed),
            pin: AnchorPin::of_certificate(&der),
            certificate_der: der,
            revocation_list_path: revocation_list.map(Path::to_path_buf),
        })
    }

    /// The CA certificate, DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// Where the CA certificate was read from.
    pub fn certificate_path(&self) -> &Path {
        &self.certificate_path
    }

    /// Where the revocation list is, if one is configured.
    pub fn revocation_list_path(&self) -> Option<&Path> {
        self.revocation_list_path.as_deref()
    }

    /// The certificate subject's organisation name (O), empty if it has none. Text from
    /// a file: print it escaped (`{:?}`).
    pub fn organisation_name(&self) -> &str {
        &self.name
    }

    /// SHA-256 of the certificate's DER, lower-case hex: the pin a meeting uses.
    pub fn fingerprint_hex(&self) -> String {
        self.pin.to_hex()
    }
}

impl fmt::Debug for OrganisationConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrganisationConfig")
            .field("certificate_path", &self.certificate_path)
            .field("organisation", &self.name)
            .field("sha256", &self.fingerprint_hex())
            .field("revocation_list_path", &self.revocation_list_path)
            .finish()
    }
}

/// One `[[organisation]]` entry in the configuration file.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OrganisationSection {
    certificate: Option<PathBuf>,
    revocation_list: Option<PathBuf>,
}

/// The organisations the flags (`CA.pem[,CRL.pem]` each) or else the file's entries
/// name, read and checked.
pub(super) fn resolve(
    file: Vec<OrganisationSection>,
    flags: &[String],
) -> Result<Vec<OrganisationConfig>, Error> {
    let (list_key, count) = if flags.is_empty() {
        ("organisation", file.len())
    } else {
        (FLAG, flags.len())
    };
    if count > MAX_ORGANISATIONS {
        return Err(invalid(
            list_key,
            format!("{count} organisations, at most {MAX_ORGANISATIONS}"),
        ));
    }
    let read: Vec<(String, OrganisationConfig)> = if flags.is_empty() {
        file.into_iter()
            .enumerate()
            .map(|(index, section)| {
                let key = format!("organisation[{index}]");
                let certificate = section.certificate.ok_or_else(|| {
                    invalid(
                        &format!("{key}.certificate"),
                        "required: the organisation's CA certificate (PEM)",
                    )
                })?;
                let organisation = OrganisationConfig::read(
                    &key,
                    &certificate,
                    section.revocation_list.as_deref(),
                )?;
                Ok((key, organisation))
            })
            .collect::<Result<_, Error>>()?
    } else {
        flags
            .iter()
            .map(|flag| {
                let (certificate, revocation_list) = split_flag(flag)?;
                let organisation = OrganisationConfig::read(FLAG, certificate, revocation_list)?;
                Ok((FLAG.to_owned(), organisation))
            })
            .collect::<Result<_, Error>>()?
    };
    for (index, (key, organisation)) in read.iter().enumerate() {
        let earlier = read
            .iter()
            .take(index)
            .find(|(_, other)| other.certificate_der == organisation.certificate_der);
        if let Some((earlier_key, earlier)) = earlier {
            return Err(invalid(
                &format!("{key}.certificate"),
                format!(
                    "{} is the same certificate as {} ({earlier_key}): list each organisation once",
                    organisation.certificate_path.display(),
                    earlier.certificate_path.display()
                ),
            ));
        }
    }
    Ok(read
        .into_iter()
        .map(|(_, organisation)| organisation)
        .collect())
}

/// `CA.pem` or `CA.pem,CRL.pem`.
fn split_flag(flag: &str) -> Result<(&Path, Option<&Path>), Error> {
    let (certificate, revocation_list) = match flag.split_once(',') {
        Some((certificate, revocation_list)) => (certificate, Some(revocation_list)),
        None => (flag, None),
    };
    if certificate.is_empty() || revocation_list.is_some_and(str::is_empty) {
        return Err(invalid(
            FLAG,
            format!("expected CA.pem or CA.pem,CRL.pem, got {flag:?}"),
        ));
    }
    Ok((Path::new(certificate), revocation_list.map(Path::new)))
}

/// The file's bytes, refused when larger than `limit` (the error says why, naming the path).
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|error| format!("{} cannot be read: {error}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{} is larger than {limit} bytes", path.display()));
    }
    Ok(bytes)
}

/// Why a file is not the one PEM block expected. Never quotes the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PemProblem {
    /// No `-----BEGIN ...-----` line at all.
    #[error("holds no PEM block (expected one -----BEGIN {expected}-----)")]
    NoBlock {
        /// The label expected.
        expected: &'static str,
    },
    /// More than one block.
    #[error("holds {count} PEM blocks, expected exactly one {expected}")]
    SeveralBlocks {
        /// How many `BEGIN` lines.
        count: usize,
        /// The label expected.
        expected: &'static str,
    },
    /// The block is not well-formed PEM.
    #[error("is not valid PEM ({0})")]
    Malformed(String),
    /// A private key: it has no business on this server.
    #[error("holds a private key, expected {expected}: give the certificate only, and keep the key away from this server")]
    PrivateKey {
        /// The label expected.
        expected: &'static str,
    },
    /// Another kind of block.
    #[error("holds a PEM {found:?} block, expected {expected}")]
    OtherLabel {
        /// The label found (RFC 7468 labels are printable ASCII).
        found: String,
        /// The label expected.
        expected: &'static str,
    },
}

/// The DER of the one PEM block in `bytes`, which must be labelled `label`. Text around
/// the block (as `openssl x509 -text` writes before it) is allowed; a second block is not.
pub fn single_pem_block(bytes: &[u8], label: &'static str) -> Result<Vec<u8>, PemProblem> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const END: &[u8] = b"-----END ";
    let line_starts = std::iter::once(0).chain(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, &byte)| byte == b'\n')
            .map(|(at, _)| at + 1),
    );
    let begins: Vec<&[u8]> = line_starts
        .filter_map(|at| bytes.get(at..))
        .filter(|rest| rest.starts_with(BEGIN))
        .collect();
    let block = match begins.as_slice() {
        [] => return Err(PemProblem::NoBlock { expected: label }),
        [block] => *block,
        several => {
            return Err(PemProblem::SeveralBlocks {
                count: several.len(),
                expected: label,
            })
        }
    };
    // The block ends with the line of its END boundary; text may follow.
    let block = match find(block, END) {
        Some(end) => {
            let after_end = end + END.len();
            let line_end = block
                .get(after_end..)
                .and_then(|rest| rest.iter().position(|&byte| byte == b'\n'))
                .map_or(block.len(), |at| after_end + at + 1);
            block.get(..line_end).unwrap_or(block)
        }
        None => block,
    };
    let (found, der) = x509_cert::der::pem::decode_vec(block)
        .map_err(|error| PemProblem::Malformed(error.to_string()))?;
    if found == label {
        Ok(der)
    } else if found.ends_with("PRIVATE KEY") {
        Err(PemProblem::PrivateKey { expected: label })
    } else {
        Err(PemProblem::OtherLabel {
            found: found.to_owned(),
            expected: label,
        })
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The first organisation name (O) in the certificate's subject, or empty.
fn subject_organisation(certificate: &Certificate) -> String {
    certificate
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|attribute| attribute.oid == ORGANIZATION_NAME)
        .find_map(|attribute| {
            let der = attribute.value.to_der().ok()?;
            DirectoryString::from_der(&der).ok()
        })
        .map(|name| match name {
            DirectoryString::PrintableString(text) => text.to_string(),
            DirectoryString::TeletexString(text) => text.to_string(),
            DirectoryString::Utf8String(text) => text,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
