//! `GET /organisations`: the organisations whose members a meeting on this server may
//! verify, in configuration order (`config::organisations`), as
//! `{"organisations":[{"certificate":"<base64 DER>","revocation_list":"<base64 DER>"|null}]}`
//! (standard base64), with `Cache-Control: no-store`. All of it is public: clients check
//! every certificate and list themselves, and a meeting pins the CAs it accepts, so a
//! server that lies here can hide an organisation or a revocation, never vouch for anyone.
//!
//! Certificates are read once, at start. A revocation list is renewed on disk by the
//! organisation's timer, without a restart: before each answer its file's version
//! (modification time and length) is compared with the last one examined, and a changed
//! file is read again. A version that cannot be read, or is not one PEM `X509 CRL` block
//! holding a CRL, is logged once (a warning) and the last good list is served instead
//! (`null` if there never was one: clients then verify nobody of that organisation).
//! What to serve is decided by [`RevocationListCache`], without IO; the reading is here.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Serialize;
use x509_cert::crl::CertificateList;
use x509_cert::der::Decode as _;

use crate::config::organisations::{
    read_limited, single_pem_block, MAX_REVOCATION_LIST_BYTES, REVOCATION_LIST_LABEL,
};
use crate::config::OrganisationConfig;

/// The route, with the organisations of `configured` (logged once here, at start).
pub(crate) fn routes<S: Clone + Send + Sync + 'static>(
    configured: &[OrganisationConfig],
) -> Router<S> {
    Router::new()
        .route("/organisations", get(list_organisations))
        .with_state(OrganisationList::new(configured))
}

/// A revocation list file's version: what changes when the file is written again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileVersion {
    /// The file cannot be looked at (missing, not a file, no permission).
    Unreadable,
    /// The file as last written.
    Written {
        /// Its modification time (`None` where the platform has none).
        modified: Option<SystemTime>,
        /// Its length in bytes.
        len: u64,
    },
}

/// What is served for one revocation list, and which version of its file was examined
/// last. No IO: the caller looks at the file and reads it.
#[derive(Debug, Default)]
pub struct RevocationListCache {
    examined: Option<FileVersion>,
    /// The last good list: base64 of its DER.
    served: Option<String>,
}

impl RevocationListCache {
    /// Whether `version` is the one examined last (nothing to read).
    pub fn is_current(&self, version: FileVersion) -> bool {
        self.examined == Some(version)
    }

    /// Takes what reading `version` of the file gave: a revocation list's DER, or why
    /// not. Returns the problem when this version is new (so it is logged once per
    /// change); a bad version leaves the last good list served.
    pub fn examine(
        &mut self,
        version: FileVersion,
        read: Result<Vec<u8>, String>,
    ) -> Option<String> {
        if self.is_current(version) {
            // Another request examined this version meanwhile.
            return None;
        }
        self.examined = Some(version);
        match read {
            Ok(der) => {
                self.served = Some(STANDARD.encode(der));
                None
            }
            Err(problem) => Some(problem),
        }
    }

    /// The list to serve (base64 DER), if there ever was a good one.
    pub fn served(&self) -> Option<&str> {
        self.served.as_deref()
    }
}

/// The router's state: every configured organisation, cheap to clone.
#[derive(Clone)]
struct OrganisationList {
    entries: Arc<[ListedOrganisation]>,
}

struct ListedOrganisation {
    /// Base64 of the CA certificate's DER.
    certificate: String,
    revocation_list: Option<RevocationListFile>,
}

struct RevocationListFile {
    path: PathBuf,
    /// Locked only to compare or update, never while reading the file.
    cache: Mutex<RevocationListCache>,
}

/// The body of `GET /organisations`.
#[derive(Serialize)]
struct OrganisationsBody<'a> {
    organisations: Vec<ListedBody<'a>>,
}

#[derive(Serialize)]
struct ListedBody<'a> {
    certificate: &'a str,
    revocation_list: Option<String>,
}

impl OrganisationList {
    /// Logs each organisation and reads its revocation list a first time (at start).
    fn new(configured: &[OrganisationConfig]) -> Self {
        let entries: Vec<ListedOrganisation> = configured
            .iter()
            .map(|organisation| {
                tracing::info!(
                    organisation = ?organisation.organisation_name(),
                    anchor_pin = %organisation.fingerprint_hex(),
                    certificate = %organisation.certificate_path().display(),
                    revocation_list = ?organisation.revocation_list_path(),
                    "listing an organisation at GET /organisations"
                );
                let revocation_list =
                    organisation
                        .revocation_list_path()
                        .map(|path| RevocationListFile {
                            path: path.to_path_buf(),
                            cache: Mutex::new(RevocationListCache::default()),
                        });
                if let Some(file) = &revocation_list {
                    file.current();
                }
                ListedOrganisation {
                    certificate: STANDARD.encode(organisation.certificate_der()),
                    revocation_list,
                }
            })
            .collect();
        Self {
            entries: entries.into(),
        }
    }

    /// The body, with each revocation list file looked at (and read if it changed).
    /// Blocking file IO: run off the async workers.
    fn body(&self) -> Vec<u8> {
        let organisations = self
            .entries
            .iter()
            .map(|entry| ListedBody {
                certificate: &entry.certificate,
                revocation_list: entry
                    .revocation_list
                    .as_ref()
                    .and_then(RevocationListFile::current),
            })
            .collect();
        // Strings and options only: serialising cannot fail.
        serde_json::to_vec(&OrganisationsBody { organisations }).unwrap_or_default()
    }
}

impl RevocationListFile {
    /// The list to serve now, after reading the file again if it changed.
    fn current(&self) -> Option<String> {
        let (version, unreadable) = match std::fs::metadata(&self.path) {
            Ok(metadata) if metadata.is_file() => (
                FileVersion::Written {
                    modified: metadata.modified().ok(),
                    len: metadata.len(),
                },
                None,
            ),
            Ok(_) => (FileVersion::Unreadable, Some("is not a file".to_owned())),
            Err(error) => (
                FileVersion::Unreadable,
                Some(format!("cannot be read: {error}")),
            ),
        };
        {
            let cache = self.lock();
            if cache.is_current(version) {
                return cache.served().map(str::to_owned);
            }
        }
        let read = match unreadable {
            Some(problem) => Err(problem),
            None => read_revocation_list(&self.path),
        };
        let mut cache = self.lock();
        if let Some(problem) = cache.examine(version, read) {
            tracing::warn!(
                path = %self.path.display(),
                %problem,
                serving = if cache.served().is_some() { "the last good list" } else { "none" },
                "an organisation's revocation list cannot be used"
            );
        }
        cache.served().map(str::to_owned)
    }

    /// The cache, locked. A poisoned lock is taken over: every update is one assignment.
    fn lock(&self) -> std::sync::MutexGuard<'_, RevocationListCache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The DER of the revocation list in the PEM file at `path`, or what is wrong with it.
fn read_revocation_list(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = read_limited(path, MAX_REVOCATION_LIST_BYTES)?;
    let der =
        single_pem_block(&bytes, REVOCATION_LIST_LABEL).map_err(|problem| problem.to_string())?;
    CertificateList::from_der(&der)
        .map_err(|error| format!("the X509 CRL block is not a revocation list ({error})"))?;
    Ok(der)
}

/// `GET /organisations`.
async fn list_organisations(State(list): State<OrganisationList>) -> Response {
    match tokio::task::spawn_blocking(move || list.body()).await {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "listing the organisations failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(len: u64) -> FileVersion {
        FileVersion::Written {
            modified: Some(SystemTime::UNIX_EPOCH),
            len,
        }
    }

    #[test]
    fn a_new_good_version_replaces_the_served_list() {
        let mut cache = RevocationListCache::default();
        assert_eq!(cache.served(), None);
        assert!(!cache.is_current(written(3)));
        assert_eq!(cache.examine(written(3), Ok(vec![1, 2, 3])), None);
        assert_eq!(cache.served(), Some("AQID"));
        assert!(cache.is_current(written(3)));
        assert_eq!(cache.examine(written(2), Ok(vec![4, 5])), None);
        assert_eq!(cache.served(), Some("BAU="));
    }

    #[test]
    fn a_bad_version_keeps_the_last_good_list_and_is_reported_once() {
        let mut cache = RevocationListCache::default();
        assert_eq!(
            cache.examine(written(9), Err("garbage".to_owned())),
            Some("garbage".to_owned())
        );
        assert_eq!(cache.served(), None, "never a good one: none served");
        cache.examine(written(3), Ok(vec![1, 2, 3]));
        for version in [written(7), FileVersion::Unreadable] {
            assert_eq!(
                cache.examine(version, Err("bad".to_owned())),
                Some("bad".to_owned())
            );
            assert_eq!(cache.examine(version, Err("bad".to_owned())), None);
            assert_eq!(cache.served(), Some("AQID"));
        }
    }
}
