//! The five commands. Each takes its checked arguments and the time (Unix seconds, read
//! once in `main`), does its work through [`CaDir`], and returns what to print. Every
//! check that can refuse runs before the first file is written.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use conclave_group::verified_identity::{
    chain_to_pem, check_issued_chain, read_enrollment_request, AnchorPin,
};
use conclave_group::Fingerprint;
use rcgen::{KeyPair, SigningKey};
use x509_cert::crl::CertificateList;
use x509_cert::der::Decode as _;

use crate::ca_dir::{
    read_limited, write_atomically, CaDir, CA_CERTIFICATE_FILE, CA_KEY_FILE, MAX_PEM_BYTES,
    PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, REVOCATION_LIST_FILE,
};
use crate::certificate_reading::{decode_single_pem, read_chain_leaf, CaCertificate};
use crate::dates::{days_after, display_date, CLOCK_SKEW_ALLOWANCE_SECS, DAY_SECS};
use crate::error::AdminError;
use crate::profile::{
    ca_issuer, ca_params, checked_organisation, generate_ca_key, member_params,
    revocation_list_params, Ed25519PublicKey, Member,
};
use crate::state::{CaState, CertificateStatus, IssuedCertificate, RevokeOutcome, Serial};

/// Longest CA certificate validity accepted (`ca create --days`), about 30 years.
pub const MAX_CA_DAYS: u64 = 11_000;
/// Longest member certificate validity accepted (`issue --days`), about 10 years.
pub const MAX_MEMBER_DAYS: u64 = 3_660;
/// Longest revocation list validity accepted (`--crl-days`, `crl --days`): a year.
pub const MAX_CRL_DAYS: u64 = 366;

/// The PEM label of a revocation list.
const REVOCATION_LIST_LABEL: &str = "X509 CRL";

/// What `ca create` made.
pub struct Created {
    dir: PathBuf,
    organisation: String,
    pin: AnchorPin,
    not_after: u64,
    crl_next_update: u64,
}

/// `ca create`: a new CA key, self-signed CA certificate, empty revocation list (number
/// 1) and state in `dir`. Refuses a directory that already holds a CA.
pub fn create_ca(
    dir: &Path,
    organisation: &str,
    days: u64,
    crl_days: u64,
    now: u64,
) -> Result<Created, AdminError> {
    let organisation = checked_organisation(organisation)?;
    let not_after = days_after(now, days, MAX_CA_DAYS, "days")?;
    let crl_next_update = days_after(now, crl_days, MAX_CRL_DAYS, "crl-days")?;
    let ca_dir = CaDir::create(dir)?;

    let key = zeroize::Zeroizing::new(generate_ca_key()?);
    let not_before = now.saturating_sub(CLOCK_SKEW_ALLOWANCE_SECS);
    let certificate = ca_params(&organisation, random_serial()?, not_before, not_after)?
        .self_signed(&*key)
        .map_err(AdminError::Signing)?;
    let certificate_pem = certificate.pem();
    // Read back what was made, as every later command will.
    let ca = CaCertificate::from_pem(
        &ca_dir.file(CA_CERTIFICATE_FILE),
        certificate_pem.as_bytes(),
    )?;
    let mut state = CaState::new(&organisation, crl_days);
    let crl_pem = sign_revocation_list(&ca, &*key, &mut state, now, crl_next_update)?;
    let key_pem = zeroize::Zeroizing::new(key.serialize_pem());

    let files: [(&str, &[u8], u32); 3] = [
        (CA_KEY_FILE, key_pem.as_bytes(), PRIVATE_FILE_MODE),
        (
            CA_CERTIFICATE_FILE,
            certificate_pem.as_bytes(),
            PUBLIC_FILE_MODE,
        ),
        (REVOCATION_LIST_FILE, crl_pem.as_bytes(), PUBLIC_FILE_MODE),
    ];
    let mut written = Vec::new();
    let result = files
        .iter()
        .try_for_each(|(name, bytes, mode)| {
            ca_dir.write_file(name, bytes, *mode)?;
            written.push(*name);
            Ok(())
        })
        .and_then(|()| ca_dir.write_state(&state));
    if let Err(error) = result {
        // A CA without all its files is no CA: take back what was written.
        for name in written {
            let _ = std::fs::remove_file(ca_dir.file(name));
        }
        return Err(error);
    }
    Ok(Created {
        dir: dir.to_owned(),
        organisation,
        pin: AnchorPin::of_certificate(&ca.der),
        not_after,
        crl_next_update,
    })
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = self.dir.display();
        writeln!(f, "Created the CA of \"{}\" in {dir}", self.organisation)?;
        writeln!(
            f,
            "  CA certificate: {dir}/{CA_CERTIFICATE_FILE} (valid until {})",
            display_date(self.not_after)
        )?;
        writeln!(
            f,
            "  anchor pin:     {} (full: {})",
            self.pin,
            self.pin.to_hex()
        )?;
        writeln!(
            f,
            "  CA key:         {dir}/{CA_KEY_FILE} (secret; keep it offline)"
        )?;
        writeln!(
            f,
            "  revocation list: {dir}/{REVOCATION_LIST_FILE} (next update {}; renew it before then with `conclave-admin crl`)",
            display_date(self.crl_next_update)
        )
    }
}

/// What `issue` arguments name.
pub struct IssueRequest<'a> {
    /// The CA directory.
    pub dir: &'a Path,
    /// The enrollment request file.
    pub request: &'a Path,
    /// Who the certificate names.
    pub member: Member,
    /// Days of validity.
    pub days: u64,
    /// Where the chain goes.
    pub out: &'a Path,
}

/// What `issue` made.
pub struct Issued {
    certificate: IssuedCertificate,
    not_before: u64,
    requested_name: String,
    key_fingerprint: String,
    out: PathBuf,
}

/// `issue`: a member certificate for the request's key, naming `member`, written with
/// the CA certificate as a chain to `out`.
pub fn issue(request: IssueRequest<'_>, now: u64) -> Result<Issued, AdminError> {
    let IssueRequest {
        dir,
        request: request_path,
        member,
        days,
        out,
    } = request;
    let not_after = days_after(now, days, MAX_MEMBER_DAYS, "days")?;
    let out_dir = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !out_dir.is_dir() {
        return Err(AdminError::invalid(
            "out",
            format!("{} is not a directory", out_dir.display()),
        ));
    }
    let ca_dir = CaDir::open(dir)?;
    if ca_dir.is_own_file(out) {
        return Err(AdminError::invalid(
            "out",
            format!("{} is one of the CA's own files", out.display()),
        ));
    }
    let ca = ca_dir.read_ca_certificate()?;
    let key = ca_dir.read_ca_key(&ca)?;
    let mut state = ca_dir.read_state(&ca)?;
    if now < ca.not_before || now >= ca.not_after {
        return Err(AdminError::CaNotValid {
            not_before: display_date(ca.not_before),
            not_after: display_date(ca.not_after),
        });
    }
    if not_after > ca.not_after {
        return Err(AdminError::OutlivesCa {
            ca_not_after: display_date(ca.not_after),
            max_days: (ca.not_after - now) / DAY_SECS,
        });
    }
    let request_bytes = read_limited(request_path, MAX_PEM_BYTES)?;
    let enrollment =
        read_enrollment_request(&request_bytes).map_err(|source| AdminError::Request {
            path: request_path.to_owned(),
            source,
        })?;

    let serial = unused_serial(&state)?;
    let not_before = now
        .saturating_sub(CLOCK_SKEW_ALLOWANCE_SECS)
        .max(ca.not_before);
    let issuer = ca_issuer(&ca.organisation, &*key)?;
    let leaf = member_params(&member, &ca.organisation, serial, not_before, not_after)?
        .signed_by(&Ed25519PublicKey::new(enrollment.public_key), &issuer)
        .map_err(AdminError::Signing)?;
    let chain = vec![leaf.der().to_vec(), ca.der.clone()];
    let chain_pem = chain_to_pem(&chain);
    check_own_work(&ca, &chain, &chain_pem, &enrollment.public_key, serial, now)?;

    let certificate = IssuedCertificate {
        serial,
        name: member.name().to_owned(),
        role: member.role().map(str::to_owned),
        email: member.email().map(str::to_owned),
        issued_at: now,
        not_after,
    };
    state.record_issued(certificate.clone());
    // The state first: a chain the CA does not know of could not be revoked by serial.
    ca_dir.write_state(&state)?;
    write_atomically(out, chain_pem.as_bytes(), PUBLIC_FILE_MODE)?;
    Ok(Issued {
        certificate,
        not_before,
        requested_name: enrollment.requested_name,
        key_fingerprint: Fingerprint::of_public_key(&enrollment.public_key).to_hex(),
        out: out.to_owned(),
    })
}

/// Refuses to hand out a chain the clients would refuse: the issuer must be the CA's
/// subject byte for byte, and the whole chain must pass the clients' own check.
fn check_own_work(
    ca: &CaCertificate,
    chain: &[Vec<u8>],
    chain_pem: &str,
    public_key: &[u8; 32],
    serial: Serial,
    now: u64,
) -> Result<(), AdminError> {
    let refused = |what: String| AdminError::IssuedChainRefused { what };
    let leaf = read_chain_leaf(Path::new("(issued chain)"), chain_pem.as_bytes(), ca)?;
    if !leaf.signed_by_ca || leaf.serial != serial.as_bytes() {
        return Err(refused(
            "has another issuer or serial than was asked".to_owned(),
        ));
    }
    let person = check_issued_chain(chain, public_key, now)
        .map_err(|refusal| refused(format!("fails the clients' check: {refusal}")))?;
    if person.serial_hex != serial.to_string() {
        return Err(refused("reads as another serial to the clients".to_owned()));
    }
    Ok(())
}

impl fmt::Display for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let certificate = &self.certificate;
        writeln!(f, "Issued a certificate for \"{}\"", certificate.name)?;
        if self.requested_name != certificate.name {
            writeln!(
                f,
                "  (the request asked for the name \"{}\")",
                self.requested_name
            )?;
        }
        if let Some(role) = &certificate.role {
            writeln!(f, "  role:    {role}")?;
        }
        if let Some(email) = &certificate.email {
            writeln!(f, "  e-mail:  {email}")?;
        }
        writeln!(f, "  serial:  {}", certificate.serial)?;
        writeln!(
            f,
            "  valid:   {} to {}",
            display_date(self.not_before),
            display_date(certificate.not_after)
        )?;
        writeln!(f, "  key:     SHA-256 {}", self.key_fingerprint)?;
        writeln!(
            f,
            "  chain:   {} (send it back to the person)",
            self.out.display()
        )
    }
}

/// Which certificate `revoke` is about.
pub enum RevokeTarget<'a> {
    /// A serial as `issue` or `list` printed it.
    Serial(&'a str),
    /// A chain file `issue` wrote.
    Certificate(&'a Path),
}

/// What `revoke` did.
pub struct Revoked {
    serial: Serial,
    name: String,
    outcome: RevokeOutcome,
    written: Option<RevocationListWritten>,
}

/// `revoke`: records the revocation and writes the new revocation list at once.
pub fn revoke(dir: &Path, target: RevokeTarget<'_>, now: u64) -> Result<Revoked, AdminError> {
    let ca_dir = CaDir::open(dir)?;
    let ca = ca_dir.read_ca_certificate()?;
    let serial = match target {
        RevokeTarget::Serial(text) => Serial::parse(text).ok_or_else(|| {
            AdminError::invalid(
                "serial",
                "not a serial of this CA (32 hex digits, as `list` shows)",
            )
        })?,
        RevokeTarget::Certificate(path) => {
            let text = read_limited(path, MAX_PEM_BYTES)?;
            let leaf = read_chain_leaf(path, &text, &ca)?;
            if !leaf.signed_by_ca {
                return Err(AdminError::ForeignCertificate {
                    path: path.to_owned(),
                });
            }
            Serial::from_certificate_bytes(&leaf.serial).ok_or_else(|| {
                AdminError::UnknownSerial {
                    serial: leaf
                        .serial
                        .iter()
                        .map(|byte| format!("{byte:02x}"))
                        .collect(),
                }
            })?
        }
    };
    let key = ca_dir.read_ca_key(&ca)?;
    let mut state = ca_dir.read_state(&ca)?;
    let outcome = state.revoke(serial, now)?;
    let name = state
        .issued(serial)
        .map(|certificate| certificate.name.clone())
        .unwrap_or_default();
    let written = match outcome {
        RevokeOutcome::AlreadyRevoked(_) => None,
        RevokeOutcome::Revoked => {
            let next_update = days_after(now, state.crl_days, MAX_CRL_DAYS, "crl-days")?;
            Some(renew_revocation_list(
                &ca_dir,
                &ca,
                &key,
                &mut state,
                now,
                next_update,
            )?)
        }
    };
    Ok(Revoked {
        serial,
        name,
        outcome,
        written,
    })
}

impl fmt::Display for Revoked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.outcome {
            RevokeOutcome::AlreadyRevoked(at) => writeln!(
                f,
                "Serial {} (\"{}\") was already revoked on {}; nothing changed",
                self.serial,
                self.name,
                display_date(at)
            ),
            RevokeOutcome::Revoked => {
                writeln!(f, "Revoked serial {} (\"{}\")", self.serial, self.name)?;
                match &self.written {
                    Some(written) => write!(f, "{written}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// A revocation list just written.
pub struct RevocationListWritten {
    path: PathBuf,
    number: u64,
    next_update: u64,
    revoked: usize,
}

impl fmt::Display for RevocationListWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Wrote {}: revocation list number {}, {} revoked, next update {} (renew it before then)",
            self.path.display(),
            self.number,
            self.revoked,
            display_date(self.next_update)
        )
    }
}

/// `crl`: re-signs the revocation list with fresh dates (`days`, or the CA's default).
pub fn renew_crl(
    dir: &Path,
    days: Option<u64>,
    now: u64,
) -> Result<RevocationListWritten, AdminError> {
    let ca_dir = CaDir::open(dir)?;
    let ca = ca_dir.read_ca_certificate()?;
    let key = ca_dir.read_ca_key(&ca)?;
    let mut state = ca_dir.read_state(&ca)?;
    let next_update = days_after(now, days.unwrap_or(state.crl_days), MAX_CRL_DAYS, "days")?;
    renew_revocation_list(&ca_dir, &ca, &key, &mut state, now, next_update)
}

/// Signs the next revocation list, then writes the state (with its number taken) and the
/// list. The state goes first so a number is never used twice.
fn renew_revocation_list(
    ca_dir: &CaDir,
    ca: &CaCertificate,
    key: &KeyPair,
    state: &mut CaState,
    now: u64,
    next_update: u64,
) -> Result<RevocationListWritten, AdminError> {
    let number = state.next_crl_number;
    let crl_pem = sign_revocation_list(ca, key, state, now, next_update)?;
    ca_dir.write_state(state)?;
    ca_dir
        .write_file(REVOCATION_LIST_FILE, crl_pem.as_bytes(), PUBLIC_FILE_MODE)
        .map_err(|source| AdminError::CrlNotWritten {
            path: ca_dir.file(REVOCATION_LIST_FILE),
            dir: ca_dir.path().to_owned(),
            source: Box::new(source),
        })?;
    Ok(RevocationListWritten {
        path: ca_dir.file(REVOCATION_LIST_FILE),
        number,
        next_update,
        revoked: state.revoked.len(),
    })
}

/// Signs a revocation list of every revocation in `state`, taking its next number;
/// thisUpdate is set back by the clock-skew allowance (never before the CA itself).
fn sign_revocation_list(
    ca: &CaCertificate,
    key: &impl SigningKey,
    state: &mut CaState,
    now: u64,
    next_update: u64,
) -> Result<String, AdminError> {
    let number = state.take_crl_number();
    let this_update = now
        .saturating_sub(CLOCK_SKEW_ALLOWANCE_SECS)
        .max(ca.not_before);
    let issuer = ca_issuer(&ca.organisation, key)?;
    revocation_list_params(state, number, this_update, next_update)?
        .signed_by(&issuer)
        .and_then(|list| list.pem())
        .map_err(AdminError::Signing)
}

/// What `list` shows.
pub struct Listing {
    ca: CaCertificate,
    revocation_list: Result<(u64, u64), String>,
    state: CaState,
    now: u64,
}

/// `list`: the CA, its revocation list and every certificate it issued, with status.
/// Needs no key, so it runs where the key is kept offline.
pub fn list(dir: &Path, now: u64) -> Result<Listing, AdminError> {
    let ca_dir = CaDir::open(dir)?;
    let ca = ca_dir.read_ca_certificate()?;
    let state = ca_dir.read_state(&ca)?;
    let revocation_list = read_revocation_list_dates(&ca_dir.file(REVOCATION_LIST_FILE));
    Ok(Listing {
        ca,
        revocation_list,
        state,
        now,
    })
}

/// thisUpdate and nextUpdate of the revocation list file, or why they cannot be read.
fn read_revocation_list_dates(path: &Path) -> Result<(u64, u64), String> {
    let text = read_limited(path, MAX_PEM_BYTES).map_err(|error| error.to_string())?;
    let der =
        decode_single_pem(path, &text, REVOCATION_LIST_LABEL).map_err(|error| error.to_string())?;
    let list =
        CertificateList::from_der(&der).map_err(|error| format!("{}: {error}", path.display()))?;
    let this_update = list.tbs_cert_list.this_update.to_unix_duration().as_secs();
    let next_update = list
        .tbs_cert_list
        .next_update
        .map(|time| time.to_unix_duration().as_secs())
        .ok_or_else(|| format!("{}: no nextUpdate", path.display()))?;
    Ok((this_update, next_update))
}

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pin = AnchorPin::of_certificate(&self.ca.der);
        writeln!(f, "CA of \"{}\"", self.ca.organisation)?;
        writeln!(f, "  anchor pin: {pin} (full: {})", pin.to_hex())?;
        writeln!(
            f,
            "  valid:      {} to {}",
            display_date(self.ca.not_before),
            display_date(self.ca.not_after)
        )?;
        match &self.revocation_list {
            Ok((_, next_update)) if *next_update <= self.now => writeln!(
                f,
                "  revocation list: OUT OF DATE since {}: nobody of this organisation is verified until `conclave-admin crl` renews it",
                display_date(*next_update)
            )?,
            Ok((this_update, next_update)) => writeln!(
                f,
                "  revocation list: number {}, issued {}, next update {}",
                self.state.next_crl_number.saturating_sub(1),
                display_date(*this_update),
                display_date(*next_update)
            )?,
            Err(why) => writeln!(f, "  revocation list: unreadable ({why})")?,
        }
        writeln!(f, "Certificates issued: {}", self.state.issued.len())?;
        for certificate in &self.state.issued {
            let status = match self.state.status(certificate, self.now) {
                CertificateStatus::Valid => "valid".to_owned(),
                CertificateStatus::Expired => "expired".to_owned(),
                CertificateStatus::Revoked(at) => format!("revoked {}", display_date(at)),
            };
            let mut line = format!(
                "  {}  {status:<28}  until {}  {}",
                certificate.serial,
                display_date(certificate.not_after),
                certificate.name
            );
            if let Some(role) = &certificate.role {
                let _ = write!(line, ", {role}");
            }
            if let Some(email) = &certificate.email {
                let _ = write!(line, " <{email}>");
            }
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// 16 random bytes as a serial.
fn random_serial() -> Result<Serial, AdminError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| AdminError::Randomness)?;
    Ok(Serial::from_random(bytes))
}

/// A random serial this CA has not issued yet (a clash among 2^127 is not expected; the
/// check makes it impossible).
fn unused_serial(state: &CaState) -> Result<Serial, AdminError> {
    loop {
        let serial = random_serial()?;
        if state.issued(serial).is_none() {
            return Ok(serial);
        }
    }
}
