//! The release manifest (`release/manifest.json`, docs/RELEASES.md): every served file's
//! SHA-256, size and content type, the app's CSP, and where the build came from.
//!
//! [`Manifest::parse`] is strict: format 1, no unknown fields, canonical bytes, every digest
//! and commit id well formed, every path a servable one outside `release/`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::canonical::{encode_document, require_canonical};
use crate::hash::decode_lower_hex;
use crate::policy::parse_json_of_format;
use crate::{Document, Error, Sha256Digest};

/// The folder of the release documents, which the manifest does not list.
pub const RELEASE_FOLDER: &str = "release";

/// A git commit id: 40 lowercase hex digits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommitId(String);

impl CommitId {
    /// Checks `text` is 40 lowercase hex digits.
    pub fn new(text: &str) -> Result<Self, Error> {
        decode_lower_hex::<20>(text).map(|_| Self(text.to_owned()))
    }

    /// The commit id of a tree that is not a git checkout: 40 zeros.
    pub fn unknown() -> Self {
        Self("0".repeat(40))
    }

    /// The 40 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommitId({})", self.0)
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CommitId {
    type Error = Error;

    fn try_from(text: String) -> Result<Self, Error> {
        Self::new(&text)
    }
}

impl From<CommitId> for String {
    fn from(commit: CommitId) -> Self {
        commit.0
    }
}

/// One served file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// The SHA-256 of its bytes.
    pub sha256: Sha256Digest,
    /// Its size in bytes.
    pub size: u64,
    /// The `Content-Type` it is served with.
    #[serde(rename = "type")]
    pub content_type: String,
}

/// The tools that made the wasm and its JavaScript glue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toolchain {
    /// `rustc -V` of the compiler, e.g. `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub rustc: String,
    /// The wasm-bindgen CLI's version, e.g. `0.2.130`.
    pub wasm_bindgen: String,
}

/// A release manifest. Its build id is the SHA-256 of its canonical bytes
/// ([`crate::build_id`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The git commit the release was built from.
    pub commit: CommitId,
    /// The app's Content-Security-Policy (see [`crate::csp`]).
    pub csp: String,
    /// Every served file outside `release/`, keyed by its URL path (`/app.js`).
    pub files: BTreeMap<String, FileEntry>,
    /// Always [`Manifest::FORMAT`].
    pub format: u64,
    /// Always `conclave`.
    pub name: String,
    /// The SHA-256 of the policy's bytes.
    pub policy_sha256: Sha256Digest,
    /// Strictly increasing between releases.
    pub serial: u64,
    /// The commit's committer time, in Unix seconds.
    pub source_date: u64,
    /// Whether this is the Playwright suite's build.
    pub test_hooks: bool,
    /// The tools that built it.
    pub toolchain: Toolchain,
    /// The workspace's version.
    pub version: String,
}

impl Manifest {
    /// The format this tool reads and writes.
    pub const FORMAT: u64 = 1;

    /// The product's name, the manifest's `name`.
    pub const NAME: &'static str = "conclave";

    /// Reads `manifest.json` strictly (see the module documentation).
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let value = parse_json_of_format(bytes, Document::Manifest)?;
        let manifest: Self = serde_json::from_value(value).map_err(|source| Error::Json {
            document: Document::Manifest,
            source,
        })?;
        if let Some(path) = manifest.files.keys().find(|path| !is_served_path(path)) {
            return Err(Error::InvalidFilePath(path.clone()));
        }
        require_canonical(bytes, &manifest, Document::Manifest)?;
        Ok(manifest)
    }

    /// The canonical `manifest.json` bytes.
    pub fn to_canonical_json(&self) -> Result<Vec<u8>, Error> {
        encode_document(self)
    }
}

/// Whether `path` can be a served file of a tree: `/` then segments of `A-Z a-z 0-9 . _ -`
/// (never `.` or `..`), outside `/release/`. Such paths need no URL escaping, so the
/// manifest's key is exactly what the browser asks for.
pub fn is_served_path(path: &str) -> bool {
    let Some(relative) = path.strip_prefix('/') else {
        return false;
    };
    let mut segments = relative.split('/').peekable();
    if segments.peek() == Some(&RELEASE_FOLDER) {
        return false;
    }
    segments.all(is_servable_name)
}

/// Whether a file or folder name can be part of a served path.
pub(crate) fn is_servable_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    !name.is_empty() && name != "." && name != ".." && name.chars().all(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A malformed document and the error it must give.
    type Case = (String, fn(&Error) -> bool);

    fn example() -> Manifest {
        let mut files = BTreeMap::new();
        files.insert(
            "/app.js".to_owned(),
            FileEntry {
                sha256: Sha256Digest::of(b"app"),
                size: 3,
                content_type: "text/javascript".to_owned(),
            },
        );
        Manifest {
            commit: CommitId::new("0123456789abcdef0123456789abcdef01234567").unwrap(),
            csp: "default-src 'self'".to_owned(),
            files,
            format: 1,
            name: Manifest::NAME.to_owned(),
            policy_sha256: Sha256Digest::of(b"policy"),
            serial: 1_764_720_000,
            source_date: 1_764_720_000,
            test_hooks: false,
            toolchain: Toolchain {
                rustc: "rustc 1.95.0 (59807616e 2026-04-14)".to_owned(),
                wasm_bindgen: "0.2.130".to_owned(),
            },
            version: "0.1.0".to_owned(),
        }
    }

    #[test]
    fn a_manifest_is_written_as_the_format_shows_it() {
        let bytes = example().to_canonical_json().unwrap();
        let expected = format!(
            "{{\"commit\":\"0123456789abcdef0123456789abcdef01234567\",\
             \"csp\":\"default-src 'self'\",\
             \"files\":{{\"/app.js\":{{\"sha256\":\"{}\",\"size\":3,\"type\":\"text/javascript\"}}}},\
             \"format\":1,\"name\":\"conclave\",\"policy_sha256\":\"{}\",\
             \"serial\":1764720000,\"source_date\":1764720000,\"test_hooks\":false,\
             \"toolchain\":{{\"rustc\":\"rustc 1.95.0 (59807616e 2026-04-14)\",\"wasm_bindgen\":\"0.2.130\"}},\
             \"version\":\"0.1.0\"}}\n",
            Sha256Digest::of(b"app"),
            Sha256Digest::of(b"policy"),
        );
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
        assert_eq!(Manifest::parse(&bytes).unwrap(), example());
        assert_eq!(crate::build_id(&bytes), crate::build_id(&bytes));
        assert_eq!(crate::build_id(&bytes).len(), 64);
    }

    #[test]
    fn malformed_manifests_are_typed_errors() {
        let good = String::from_utf8(example().to_canonical_json().unwrap()).unwrap();
        let app_hash = Sha256Digest::of(b"app").to_hex();
        let cases: Vec<Case> = vec![
            (String::new(), |e| matches!(e, Error::Json { .. })),
            ("\u{0}".to_owned(), |e| matches!(e, Error::Json { .. })),
            ("{\"format\":1}\n".to_owned(), |e| {
                matches!(e, Error::Json { .. })
            }),
            (good.replace("\"format\":1", "\"format\":2"), |e| {
                matches!(e, Error::UnsupportedFormat { found: Some(2), .. })
            }),
            (good.replace("\"format\":1", "\"format\":\"1\""), |e| {
                matches!(e, Error::UnsupportedFormat { found: None, .. })
            }),
            (
                good.replace("\"version\"", "\"extra\":0,\"version\""),
                |e| matches!(e, Error::Json { .. }),
            ),
            (good.replace("\"size\":3", "\"size\":3,\"mode\":1"), |e| {
                matches!(e, Error::Json { .. })
            }),
            (good.replace("\"size\":3", "\"size\":-3"), |e| {
                matches!(e, Error::Json { .. })
            }),
            (
                good.replace("\"serial\":1764720000", "\"serial\":1764720000.5"),
                |e| matches!(e, Error::Json { .. }),
            ),
            (good.replace(&app_hash, &app_hash.to_uppercase()), |e| {
                matches!(e, Error::Json { .. })
            }),
            (good.replace("0123456789abcdef01234567", "0123"), |e| {
                matches!(e, Error::Json { .. })
            }),
            (good.replace("/app.js", "/release/app.js"), |e| {
                matches!(e, Error::InvalidFilePath(_))
            }),
            (good.replace("/app.js", "/../app.js"), |e| {
                matches!(e, Error::InvalidFilePath(_))
            }),
            (good.replace("/app.js", "app.js"), |e| {
                matches!(e, Error::InvalidFilePath(_))
            }),
            (good.replace("/app.js", "/a%20b.js"), |e| {
                matches!(e, Error::InvalidFilePath(_))
            }),
            (good.replace(':', ": "), |e| {
                matches!(e, Error::NotCanonical { .. })
            }),
            (good.replace("\n", "\r\n"), |e| {
                matches!(e, Error::NotCanonical { .. })
            }),
            (good.replace("conclave", "concl\\u0061ve"), |e| {
                matches!(e, Error::NotCanonical { .. })
            }),
            (
                good.replace("\"commit\"", "\"csp\":\"x\",\"commit\""),
                |e| matches!(e, Error::Json { .. } | Error::NotCanonical { .. }),
            ),
        ];
        for (text, expected) in cases {
            let error = Manifest::parse(text.as_bytes()).unwrap_err();
            assert!(expected(&error), "{text:?} gave {error:?}");
        }
    }

    #[test]
    fn no_byte_change_makes_the_parser_panic() {
        let good = example().to_canonical_json().unwrap();
        for index in 0..good.len() {
            for replacement in [b'"', b'\\', b'{', b'0', b'-', b' ', 0xff] {
                let mut changed = good.clone();
                changed[index] = replacement;
                let _ = Manifest::parse(&changed);
                let _ = Manifest::parse(&changed[..index]);
            }
        }
    }

    #[test]
    fn served_paths() {
        for path in [
            "/app.js",
            "/pkg/client_bg.wasm",
            "/a/b-c_d.e",
            "/.well-known",
        ] {
            assert!(is_served_path(path), "{path}");
        }
        for path in [
            "",
            "/",
            "app.js",
            "//app.js",
            "/pkg/",
            "/./a",
            "/../a",
            "/a b",
            "/é",
            "/release/manifest.json",
            "/release",
            "/a?b",
            "/a\\b",
        ] {
            assert!(!is_served_path(path), "{path}");
        }
        assert!(
            is_served_path("/pkg/release/x.js"),
            "only the top-level release/ is excluded"
        );
    }
}
