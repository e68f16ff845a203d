//! The one error type of the release tool, and the problems a tree check can report.

use std::fmt;
use std::path::PathBuf;

use crate::policy::KeyId;

/// Which of the release's documents an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// `release/manifest.json`.
    Manifest,
    /// `release/policy.json`.
    Policy,
    /// `release/signatures.json`.
    Signatures,
    /// The import map inside `index.html`.
    ImportMap,
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Manifest => "manifest",
            Self::Policy => "policy",
            Self::Signatures => "signatures",
            Self::ImportMap => "import map",
        })
    }
}

/// Why a value has no canonical JSON form (docs/RELEASES.md, "Canonical JSON").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanonicalFault {
    /// A number that is not an integer.
    Float,
    /// An integer outside ±(2^53 - 1), which JavaScript's `JSON.parse` would round.
    IntegerOutOfRange,
    /// A string or key with a character outside ASCII.
    NonAscii,
    /// A string or key with a control character.
    ControlCharacter,
}

impl fmt::Display for CanonicalFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Float => "a number that is not an integer",
            Self::IntegerOutOfRange => "an integer beyond 2^53 - 1",
            Self::NonAscii => "a character outside ASCII",
            Self::ControlCharacter => "a control character",
        })
    }
}

/// What is wrong with the page template (`index.html` before filling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateFault {
    /// `{{` without a closing `}}`.
    Unterminated,
    /// A placeholder the tool does not know.
    UnknownPlaceholder(String),
    /// `{{importmap}}` must appear exactly once; holds how often it did.
    ImportMapCount(usize),
    /// `{{sri:PATH}}` names a file the tree does not have.
    NoSuchFile(String),
    /// `index.html` is already filled and the tree has no manifest to recover the template
    /// from.
    AlreadyFilled,
}

impl fmt::Display for TemplateFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unterminated => write!(f, "a `{{{{` is never closed by `}}}}`"),
            Self::UnknownPlaceholder(name) => write!(f, "unknown placeholder `{{{{{name}}}}}`"),
            Self::ImportMapCount(count) => {
                write!(f, "`{{{{importmap}}}}` must appear once, found {count}")
            }
            Self::NoSuchFile(path) => write!(f, "`{{{{sri:{path}}}}}` names no file of the tree"),
            Self::AlreadyFilled => write!(
                f,
                "index.html has no placeholders and release/manifest.json cannot say which \
                 hashes it was filled with"
            ),
        }
    }
}

/// What is wrong with a key file (docs/RELEASES.md, "Key files").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFileFault {
    /// The first line is not the key file header.
    Header,
    /// A line that is not `name=value` with a known name, or a name given twice.
    Line,
    /// `id`, `public` or `seed` is missing.
    MissingField,
    /// The seed is not the base64 of 32 bytes.
    Seed,
    /// `public` is not the public key of `seed`.
    PublicKeyMismatch,
    /// The file is larger than any key file (a few hundred bytes).
    TooLarge,
    /// The file is not UTF-8 text.
    NotText,
}

impl fmt::Display for KeyFileFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "the first line is not `conclave-release signing key 1`",
            Self::Line => "a line is not one of id=, public=, seed= (each once)",
            Self::MissingField => "id, public or seed is missing",
            Self::Seed => "the seed is not the base64 of 32 bytes",
            Self::PublicKeyMismatch => "the public key does not belong to the seed",
            Self::TooLarge => "the file is larger than a key file can be",
            Self::NotText => "the file is not UTF-8 text",
        })
    }
}

/// Why a release operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A document is not JSON of the expected shape (unknown fields included).
    #[error("{document}: {source}")]
    Json {
        /// Which document.
        document: Document,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// A document has a `format` other than 1.
    #[error(
        "{document}: format {} is not supported (this tool reads format 1)",
        show_format(*found)
    )]
    UnsupportedFormat {
        /// Which document.
        document: Document,
        /// The format it names (`None`: none, or not an integer).
        found: Option<u64>,
    },
    /// A document's bytes are not its canonical form (whitespace, key order, escapes,
    /// duplicate keys).
    #[error("{document}: not in canonical form (docs/RELEASES.md, \"Canonical JSON\")")]
    NotCanonical {
        /// Which document.
        document: Document,
    },
    /// A value serde cannot turn into JSON at all (a caller's bug, such as a map with keys
    /// that are not strings).
    #[error("cannot be written as JSON: {0}")]
    NotSerializable(serde_json::Error),
    /// A value has no canonical JSON form.
    #[error("cannot be written as canonical JSON: it holds {0}")]
    Uncanonicalizable(CanonicalFault),
    /// Text that should be a lowercase hex digest or commit id is not one.
    #[error("`{text}` is not {expected_digits} lowercase hex digits")]
    InvalidHex {
        /// The text as given (cut to 80 characters).
        text: String,
        /// How many digits were expected.
        expected_digits: usize,
    },
    /// Text that should be base64 of a fixed length is not.
    #[error("not the base64 of {expected_bytes} bytes")]
    InvalidBase64 {
        /// How many bytes were expected.
        expected_bytes: usize,
    },
    /// A key id outside 1-64 characters of `A-Z a-z 0-9 . _ -`.
    #[error("`{0}` is not a key id (1-64 characters of A-Z a-z 0-9 . _ -)")]
    InvalidKeyId(String),
    /// A public key that is not a usable Ed25519 point (not on the curve, or of small order).
    #[error("key `{0}`: not a usable Ed25519 public key")]
    InvalidPublicKey(KeyId),
    /// A policy lists a key id twice.
    #[error("policy: key id `{0}` appears twice")]
    DuplicateKeyId(KeyId),
    /// A policy lists one public key under two ids: one signer would count twice toward
    /// the threshold.
    #[error("policy: keys `{first}` and `{second}` are the same public key")]
    DuplicatePublicKey {
        /// The id listed first.
        first: KeyId,
        /// The later id with the same public key.
        second: KeyId,
    },
    /// A policy whose threshold is not between 1 and its number of keys.
    #[error("policy: threshold {threshold} with {keys} keys (needs 1 <= threshold <= keys)")]
    ThresholdOutOfRange {
        /// The threshold given.
        threshold: u64,
        /// How many keys the policy has.
        keys: usize,
    },
    /// A manifest lists a path that cannot be a served file of a tree.
    #[error("manifest: `{0}` is not a served file's path")]
    InvalidFilePath(String),
    /// Fewer distinct policy keys than the threshold have a valid signature.
    #[error(
        "policy keys with a valid signature: {}{}; needed: {threshold}",
        signers.len(),
        list_signers(signers)
    )]
    UnderThreshold {
        /// The policy keys with a valid signature.
        signers: Vec<KeyId>,
        /// How many are needed.
        threshold: u64,
    },
    /// A key file cannot be read as one.
    #[error("{path}: not a release key file: {fault}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        fault: KeyFileFault,
    },
    /// A file that must not be overwritten exists.
    #[error("{0} exists; refusing to overwrite it")]
    WouldOverwrite(PathBuf),
    /// The operating system's random source failed.
    #[error("no random bytes from the operating system: {0}")]
    Random(getrandom::Error),
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The page template cannot be filled.
    #[error("index.html: {0}")]
    Template(TemplateFault),
    /// A served file whose name has characters other than `A-Z a-z 0-9 . _ -` per segment
    /// (it would need URL escaping), or that is a symbolic link or other non-regular file.
    #[error("{0}: not servable as it is (plain files named with A-Z a-z 0-9 . _ - only)")]
    UnservableFile(PathBuf),
    /// A served file whose extension has no content type in the tool's table.
    #[error("{0}: no content type is known for its extension")]
    UnknownContentType(String),
    /// A tree that does not verify; holds every problem found.
    #[error("the release does not verify:{}", list_problems(.0))]
    ReleaseRefused(Vec<Problem>),
}

fn show_format(found: Option<u64>) -> String {
    found.map_or_else(|| "(missing)".to_owned(), |number| number.to_string())
}

fn list_signers(signers: &[KeyId]) -> String {
    if signers.is_empty() {
        String::new()
    } else {
        let ids: Vec<&str> = signers.iter().map(KeyId::as_str).collect();
        format!(" ({})", ids.join(", "))
    }
}

fn list_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("\n  - {problem}"))
        .collect()
}

/// One thing wrong with a tree, as `verify` reports it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Problem {
    /// One of the release documents cannot be read or parsed.
    Document {
        /// Which one.
        document: Document,
        /// Why.
        error: Error,
    },
    /// `release/policy.json` is not the policy the manifest names (`policy_sha256`).
    PolicyNotNamed,
    /// The trusted policy given to `verify` is not the one the manifest names.
    TrustedPolicyNotNamed,
    /// The signatures do not meet the policy.
    Signatures(Error),
    /// A file the manifest lists is not in the tree.
    FileMissing(String),
    /// A file of the tree the manifest does not list.
    FileNotListed(String),
    /// A file whose bytes differ from the manifest's hash or size.
    FileChanged(String),
    /// The tree cannot be listed (unservable names, unreadable folders).
    Tree(Error),
    /// `index.html` has no `<script type="importmap">`.
    ImportMapMissing,
    /// The import map's hash is not in the manifest CSP's `script-src`.
    ImportMapNotInCsp,
    /// `index.html` still holds a `{{` placeholder.
    PlaceholderLeft,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Document { document, error } => write!(f, "{document}: {error}"),
            Self::PolicyNotNamed => write!(
                f,
                "release/policy.json is not the policy the manifest names (policy_sha256)"
            ),
            Self::TrustedPolicyNotNamed => write!(
                f,
                "the trusted policy is not the policy the manifest names (policy_sha256)"
            ),
            Self::Signatures(error) => write!(f, "signatures: {error}"),
            Self::FileMissing(path) => write!(f, "{path}: listed in the manifest, missing"),
            Self::FileNotListed(path) => write!(f, "{path}: in the tree, not in the manifest"),
            Self::FileChanged(path) => {
                write!(
                    f,
                    "{path}: its bytes differ from the manifest's hash or size"
                )
            }
            Self::Tree(error) => write!(f, "tree: {error}"),
            Self::ImportMapMissing => write!(f, "index.html: no import map"),
            Self::ImportMapNotInCsp => write!(
                f,
                "index.html: the import map's hash is not in the manifest's script-src"
            ),
            Self::PlaceholderLeft => write!(f, "index.html: a `{{{{` placeholder is left"),
        }
    }
}

impl Error {
    /// An [`Error::Io`] about `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
