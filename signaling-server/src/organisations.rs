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
//! file is read again. A version that cannot be read, is not one PEM `X509 CRL` block, is
//! not a list the organisation's CA signed (checked as members check it, `conclave-pki`), or
//! was issued before the list served, is logged once (a warning) and the last good list is
//! served instead (`null` if there never was one: clients then verify nobody of that
//! organisation). A served list past its `nextUpdate` is logged once too: members verify
//! nobody of the organisation until the timer renews it. What to serve is decided by
//! [`RevocationListCache`], without IO; the reading is here.

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
use conclave_pki::{
    check_revocation_list, AnchorError, Organisation, RevocationListDates, TrustAnchor,
};
use serde::Serialize;

use crate::config::organisations::{
    read_limited, single_pem_block, MAX_REVOCATION_LIST_BYTES, REVOCATION_LIST_LABEL,
};
use crate::config::OrganisationConfig;
use crate::unix_now;

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

/// A revocation list file's content that passed the checks: the CA signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedList {
    /// The list's DER.
    pub der: Vec<u8>,
    /// When the CA issued it and when it falls due.
    pub dates: RevocationListDates,
}

/// How far a list's `thisUpdate` may lie ahead of the server's clock (clocks differ a
/// little). A list from further ahead is refused: served, it would keep out every honest
/// list issued before that date.
pub const LARGEST_CLOCK_SKEW_SECS: u64 = 5 * 60;

/// The served list is past its `nextUpdate` (or gives none): members verify nobody of the
/// organisation until it is renewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfDate {
    /// The list's `nextUpdate`, if it gives one.
    pub next_update: Option<u64>,
}

/// What is served for one revocation list, and which version of its file was examined
/// last. No IO: the caller looks at the file and reads it.
#[derive(Debug, Default)]
pub struct RevocationListCache {
    examined: Option<FileVersion>,
    /// The last good list: base64 of its DER, and its dates.
    served: Option<(String, RevocationListDates)>,
    /// Whether the served list was reported as out of date already.
    reported_out_of_date: bool,
}

impl RevocationListCache {
    /// Whether `version` is the one examined last (nothing to read).
    pub fn is_current(&self, version: FileVersion) -> bool {
        self.examined == Some(version)
    }

    /// Takes what reading `version` of the file gave at `now_unix_secs`: a list its CA
    /// signed, or why not. Returns the problem when this version is new (so it is logged
    /// once per change); a bad version, a list issued before the one served (members never
    /// go back to an older list either) or one issued in the future leaves the last good
    /// list served.
    pub fn examine(
        &mut self,
        version: FileVersion,
        read: Result<CheckedList, String>,
        now_unix_secs: u64,
    ) -> Option<String> {
        if self.is_current(version) {
            // Another request examined this version meanwhile.
            return None;
        }
        self.examined = Some(version);
        match read {
            Ok(list) if list.dates.issued_at > now_unix_secs.saturating_add(LARGEST_CLOCK_SKEW_SECS) => {
                Some(format!(
                    "it was issued in the future (thisUpdate {}, the server's clock reads {now_unix_secs}): \
                     check the CA machine's clock",
                    list.dates.issued_at
                ))
            }
            Ok(list) => match &self.served {
                Some((_, served)) if list.dates.issued_at < served.issued_at => Some(format!(
                    "it was issued (thisUpdate {}) before the list served now (thisUpdate {})",
                    list.dates.issued_at, served.issued_at
                )),
                _ => {
                    self.served = Some((STANDARD.encode(list.der), list.dates));
                    self.reported_out_of_date = false;
                    None
                }
            },
            Err(problem) => Some(problem),
        }
    }

    /// The list to serve (base64 DER), if there ever was a good one.
    pub fn served(&self) -> Option<&str> {
        self.served.as_ref().map(|(der, _)| der.as_str())
    }

    /// The served list is out of date at `now_unix_secs`, said the first time it is found
    /// so (until a newer list is served); `None` otherwise.
    pub fn newly_out_of_date(&mut self, now_unix_secs: u64) -> Option<OutOfDate> {
        let (_, dates) = self.served.as_ref()?;
        if self.reported_out_of_date || dates.is_current(now_unix_secs) {
            return None;
        }
        self.reported_out_of_date = true;
        Some(OutOfDate {
            next_update: dates.next_update,
        })
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
    /// The organisation's CA certificate (DER), which must have signed the list.
    authority: Vec<u8>,
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
                let anchor = TrustAnchor::from_organisation(
                    &Organisation {
                        certificate: organisation.certificate_der().to_vec(),
                        revocation_list: None,
                    },
                    unix_now(),
                );
                // Only its dates can fail here (the rest was checked at start).
                match anchor {
                    Err(AnchorError::Expired) => tracing::warn!(
                        organisation = ?organisation.organisation_name(),
                        "the organisation's CA certificate has expired: members verify nobody \
                         of it until it is given a new CA"
                    ),
                    Err(problem) => tracing::warn!(
                        organisation = ?organisation.organisation_name(),
                        %problem,
                        "members verify nobody of this organisation until its CA certificate is valid"
                    ),
                    Ok(_) => {}
                }
                let revocation_list =
                    organisation
                        .revocation_list_path()
                        .map(|path| RevocationListFile {
                            path: path.to_path_buf(),
                            authority: organisation.certificate_der().to_vec(),
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
            let mut cache = self.lock();
            if cache.is_current(version) {
                self.report_out_of_date(&mut cache);
                return cache.served().map(str::to_owned);
            }
        }
        let read = match unreadable {
            Some(problem) => Err(problem),
            None => read_revocation_list(&self.path, &self.authority),
        };
        let mut cache = self.lock();
        if let Some(problem) = cache.examine(version, read, unix_now()) {
            tracing::warn!(
                path = %self.path.display(),
                %problem,
                serving = if cache.served().is_some() { "the last good list" } else { "none" },
                "an organisation's revocation list cannot be used"
            );
        }
        self.report_out_of_date(&mut cache);
        cache.served().map(str::to_owned)
    }

    /// Logs once that the served list is past its `nextUpdate` (until a newer one comes).
    fn report_out_of_date(&self, cache: &mut RevocationListCache) {
        if let Some(out_of_date) = cache.newly_out_of_date(unix_now()) {
            tracing::warn!(
                path = %self.path.display(),
                next_update = ?out_of_date.next_update,
                "an organisation's revocation list is out of date: members verify nobody of \
                 the organisation until it is renewed (conclave-admin crl)"
            );
        }
    }

    /// The cache, locked. A poisoned lock is taken over: every update is one assignment.
    fn lock(&self) -> std::sync::MutexGuard<'_, RevocationListCache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The revocation list in the PEM file at `path`, checked against the CA certificate
/// `authority` (DER), or what is wrong with it.
fn read_revocation_list(path: &Path, authority: &[u8]) -> Result<CheckedList, String> {
    let bytes = read_limited(path, MAX_REVOCATION_LIST_BYTES)?;
    let der =
        single_pem_block(&bytes, REVOCATION_LIST_LABEL).map_err(|problem| problem.to_string())?;
    let dates = check_revocation_list(authority, &der).map_err(|refusal| {
        format!("members would refuse it as the organisation's revocation list ({refusal})")
    })?;
    Ok(CheckedList { der, dates })
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

    /// The tests' clock: later than every list they make.
    const NOW: u64 = 1_000_000;

    /// A checked list with these bytes, issued at `issued_at`, due a day later.
    fn list(der: &[u8], issued_at: u64) -> Result<CheckedList, String> {
        Ok(CheckedList {
            der: der.to_vec(),
            dates: RevocationListDates {
                issued_at,
                next_update: Some(issued_at + 86_400),
            },
        })
    }

    #[test]
    fn a_new_good_version_replaces_the_served_list() {
        let mut cache = RevocationListCache::default();
        assert_eq!(cache.served(), None);
        assert!(!cache.is_current(written(3)));
        assert_eq!(cache.examine(written(3), list(&[1, 2, 3], 100), NOW), None);
        assert_eq!(cache.served(), Some("AQID"));
        assert!(cache.is_current(written(3)));
        // Issued in the same second (a list renewed at once): still the newest.
        assert_eq!(cache.examine(written(2), list(&[4, 5], 100), NOW), None);
        assert_eq!(cache.served(), Some("BAU="));
    }

    #[test]
    fn a_bad_version_keeps_the_last_good_list_and_is_reported_once() {
        let mut cache = RevocationListCache::default();
        assert_eq!(
            cache.examine(written(9), Err("garbage".to_owned()), NOW),
            Some("garbage".to_owned())
        );
        assert_eq!(cache.served(), None, "never a good one: none served");
        cache.examine(written(3), list(&[1, 2, 3], 100), NOW);
        for version in [written(7), FileVersion::Unreadable] {
            assert_eq!(
                cache.examine(version, Err("bad".to_owned()), NOW),
                Some("bad".to_owned())
            );
            assert_eq!(cache.examine(version, Err("bad".to_owned()), NOW), None);
            assert_eq!(cache.served(), Some("AQID"));
        }
    }

    #[test]
    fn an_older_list_never_replaces_a_newer_one() {
        let mut cache = RevocationListCache::default();
        cache.examine(written(3), list(&[1, 2, 3], 200), NOW);
        let problem = cache
            .examine(written(4), list(&[9], 199), NOW)
            .expect("reported");
        assert!(problem.contains("before the list served now"), "{problem}");
        assert_eq!(cache.served(), Some("AQID"));
        assert_eq!(cache.examine(written(5), list(&[4, 5], 300), NOW), None);
        assert_eq!(cache.served(), Some("BAU="));
    }

    #[test]
    fn a_served_list_past_its_next_update_is_reported_once_until_a_newer_one_comes() {
        let mut cache = RevocationListCache::default();
        assert_eq!(cache.newly_out_of_date(0), None, "nothing served");
        cache.examine(written(3), list(&[1], 100), NOW);
        assert_eq!(cache.newly_out_of_date(100 + 86_399), None, "current");
        assert_eq!(
            cache.newly_out_of_date(100 + 86_400),
            Some(OutOfDate {
                next_update: Some(100 + 86_400)
            })
        );
        assert_eq!(cache.newly_out_of_date(100 + 86_401), None, "once");
        cache.examine(written(4), list(&[2], 50_000), NOW);
        assert_eq!(
            cache.newly_out_of_date(200_000),
            Some(OutOfDate {
                next_update: Some(50_000 + 86_400)
            })
        );
        assert_eq!(cache.newly_out_of_date(99), None);
    }

    #[test]
    fn a_list_issued_in_the_future_is_refused() {
        let mut cache = RevocationListCache::default();
        cache.examine(written(3), list(&[1, 2, 3], 100), NOW);
        let ahead = NOW + LARGEST_CLOCK_SKEW_SECS + 1;
        let problem = cache
            .examine(written(4), list(&[9], ahead), NOW)
            .expect("reported");
        assert!(problem.contains("issued in the future"), "{problem}");
        assert_eq!(cache.served(), Some("AQID"));
        // A little ahead (another machine's clock) is fine.
        let near = NOW + LARGEST_CLOCK_SKEW_SECS;
        assert_eq!(cache.examine(written(5), list(&[4, 5], near), NOW), None);
        assert_eq!(cache.served(), Some("BAU="));
    }
}
