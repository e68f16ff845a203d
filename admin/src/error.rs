//! The one error type of `conclave-admin`. Each variant prints as one line that says what
//! is wrong and, where there is one, what to do; none ever holds key material.

use std::path::PathBuf;

use conclave_group::verified_identity::EnrollmentError;

/// Why a command refused or failed. Nothing was changed unless the variant says so.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// `ca create` found a CA's files already in the directory.
    #[error(
        "{}: this directory already holds a CA ({file} exists); refusing to replace it",
        dir.display()
    )]
    CaExists {
        /// The CA directory.
        dir: PathBuf,
        /// The file that is already there.
        file: &'static str,
    },
    /// The directory holds no CA (or not all of its files).
    #[error(
        "{}: no CA here ({file} is missing); create one with `conclave-admin ca create --dir {}`",
        dir.display(),
        dir.display()
    )]
    NoCa {
        /// The CA directory.
        dir: PathBuf,
        /// The file that is missing.
        file: &'static str,
    },
    /// Another `conclave-admin` holds the CA directory's lock.
    #[error("{}: another conclave-admin is working on this CA; try again when it is done", dir.display())]
    Busy {
        /// The CA directory.
        dir: PathBuf,
    },
    /// The CA key file is not in the CA directory (kept offline, say).
    #[error(
        "{}: the CA key is not here; run this command where ca-key.pem is (it is needed to sign)",
        path.display()
    )]
    MissingKey {
        /// Where the key was looked for.
        path: PathBuf,
    },
    /// A file is not what it should be (not PEM, wrong PEM label, bad DER, too large).
    #[error("{}: {what}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// A key or certificate uses another algorithm than Ed25519.
    #[error("{}: unsupported algorithm (every key here must be Ed25519)", path.display())]
    UnsupportedAlgorithm {
        /// The key or certificate file.
        path: PathBuf,
    },
    /// The CA key file does not hold the key of the CA certificate.
    #[error(
        "{}: this is not the key of the CA certificate {}",
        key.display(),
        certificate.display()
    )]
    WrongCaKey {
        /// The key file.
        key: PathBuf,
        /// The CA certificate.
        certificate: PathBuf,
    },
    /// The enrollment request is malformed, not Ed25519, or its signature does not verify.
    #[error("{}: enrollment request refused: {source}", path.display())]
    Request {
        /// The request file.
        path: PathBuf,
        /// Why `read_enrollment_request` refused it.
        source: EnrollmentError,
    },
    /// A command-line value is out of range or not allowed in a certificate.
    #[error("--{option}: {reason}")]
    InvalidArgument {
        /// The option, without its dashes.
        option: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
    /// The CA's state file cannot be read or does not match the CA.
    #[error("{}: {what}", path.display())]
    State {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// No certificate with this serial was issued by this CA.
    #[error(
        "no certificate with serial {serial} was issued by this CA (see `conclave-admin list`)"
    )]
    UnknownSerial {
        /// The serial, in lowercase hex.
        serial: String,
    },
    /// The certificate to revoke was issued by another CA.
    #[error("{}: this certificate was not issued by this CA", path.display())]
    ForeignCertificate {
        /// The chain file.
        path: PathBuf,
    },
    /// The CA certificate is expired (or not yet valid): nothing can be issued under it.
    #[error("the CA certificate is not valid now (valid {not_before} to {not_after})")]
    CaNotValid {
        /// Start of the CA certificate's validity (RFC 3339).
        not_before: String,
        /// End of the CA certificate's validity (RFC 3339).
        not_after: String,
    },
    /// The member certificate would be valid longer than the CA certificate.
    #[error(
        "--days: the certificate would outlive the CA certificate (valid until {ca_not_after}); \
         use at most {max_days}"
    )]
    OutlivesCa {
        /// End of the CA certificate's validity (RFC 3339).
        ca_not_after: String,
        /// The largest `--days` that still fits.
        max_days: u64,
    },
    /// The chain just signed fails the clients' own check; nothing was written. A bug in
    /// this tool or in `conclave-group`, never the admin's input.
    #[error("internal error, nothing written: the issued chain {what}")]
    IssuedChainRefused {
        /// What is wrong with it.
        what: String,
    },
    /// Building or signing a certificate or revocation list failed.
    #[error("signing failed: {0}")]
    Signing(rcgen::Error),
    /// The system's random number generator failed.
    #[error("the system's random number generator failed")]
    Randomness,
    /// The system clock is outside the range a certificate can carry.
    #[error("the system clock is unusable ({0})")]
    Clock(&'static str),
    /// The state was saved but the revocation list could not be written: run `crl`.
    #[error(
        "{}: the revocation was recorded but the new revocation list could not be written ({source}); \
         run `conclave-admin crl --dir {}` to write it",
        path.display(),
        dir.display()
    )]
    CrlNotWritten {
        /// The revocation list file.
        path: PathBuf,
        /// The CA directory.
        dir: PathBuf,
        /// Why writing it failed.
        source: Box<AdminError>,
    },
}

impl AdminError {
    /// An [`AdminError::Io`] maker for `map_err`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> AdminError {
        let path = path.into();
        move |source| AdminError::Io { path, source }
    }

    /// An [`AdminError::Malformed`].
    pub fn malformed(path: impl Into<PathBuf>, what: impl Into<String>) -> AdminError {
        AdminError::Malformed {
            path: path.into(),
            what: what.into(),
        }
    }

    /// An [`AdminError::InvalidArgument`].
    pub fn invalid(option: &'static str, reason: impl Into<String>) -> AdminError {
        AdminError::InvalidArgument {
            option,
            reason: reason.into(),
        }
    }
}
