//! The organisations the server lists (`GET /organisations`): their CA certificates and
//! revocation lists, so the meeting can show who an organisation vouches for (docs/ADMIN.md,
//! "Verified identities"). The server's word decides nothing by itself: a meeting accepts
//! only the organisations its creator pinned in its group state, and each certificate and
//! list is checked against the CA's own key.

use std::cell::Cell;
use std::rc::Rc;

use conclave_group::verified_identity::Organisation;
use gloo::net::http::Request;
use gloo::timers::callback::{Interval, Timeout};
use serde::Deserialize;

use super::sleep_ms;

/// Most organisations read from the server (as many as a meeting can pin).
const MAX_ORGANISATIONS: usize = conclave_group::MAX_PINNED_ANCHORS;

/// The pauses before the second and third tries at join (and on the home page): a page that
/// cannot read the list verifies nobody, so one lost request should not cost a meeting its
/// marks.
pub const JOIN_RETRY_PAUSES_MS: [u32; 2] = [1_000, 3_000];

/// How often the list is fetched again during a meeting after a good fetch, so a revocation
/// list renewed with a revoked member on it shows within this time.
pub const REFRESH_MS: u32 = 5 * 60 * 1000;

/// How soon a failed fetch during a meeting is tried again.
pub const RETRY_MS: u32 = 30 * 1000;

/// How long one request may take before it counts as failed (shorter than [`RETRY_MS`], so
/// two never overlap and an old answer never arrives after a newer one).
pub const FETCH_TIMEOUT_MS: u32 = 10 * 1000;

#[derive(Deserialize)]
struct Listed {
    organisations: Vec<ListedOrganisation>,
}

#[derive(Deserialize)]
struct ListedOrganisation {
    certificate: String,
    revocation_list: Option<String>,
}

/// The organisations the server lists now; `None` if the server could not be asked or
/// answered nonsense. A page that has none counts nobody as verified, and a "verified
/// members only" meeting then admits nobody new (fail closed).
pub async fn fetch_organisations() -> Option<Vec<Organisation>> {
    let controller = web_sys::AbortController::new().ok()?;
    let signal = controller.signal();
    // Held until the body is read; aborting a request that has ended does nothing.
    let _deadline = Timeout::new(FETCH_TIMEOUT_MS, move || controller.abort());
    let response = Request::get("/organisations")
        .abort_signal(Some(&signal))
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    let listed = response.json::<Listed>().await.ok()?;
    let organisations = listed
        .organisations
        .into_iter()
        .take(MAX_ORGANISATIONS)
        .filter_map(|org| {
            Some(Organisation {
                certificate: decode_base64(&org.certificate)?,
                revocation_list: org.revocation_list.as_deref().and_then(decode_base64),
            })
        })
        .collect();
    Some(organisations)
}

/// What a joining page read of the server's organisations.
pub struct OrganisationsAtJoin {
    /// The organisations listed (none if the list could not be read).
    pub organisations: Vec<Organisation>,
    /// Whether the list was read; if not, the meeting tries again soon
    /// ([`OrganisationsRefresh`]).
    pub fetched: bool,
}

/// [`fetch_organisations`], tried again twice after a pause ([`JOIN_RETRY_PAUSES_MS`]): what
/// the home page uses. `None` if every try failed.
pub async fn fetch_organisations_retrying() -> Option<Vec<Organisation>> {
    let mut fetched = fetch_organisations().await;
    for pause_ms in JOIN_RETRY_PAUSES_MS {
        if fetched.is_some() {
            break;
        }
        sleep_ms(pause_ms).await;
        fetched = fetch_organisations().await;
    }
    fetched
}

/// [`fetch_organisations_retrying`], for a page joining a meeting.
pub async fn fetch_organisations_at_join() -> OrganisationsAtJoin {
    let fetched = fetch_organisations_retrying().await;
    OrganisationsAtJoin {
        fetched: fetched.is_some(),
        organisations: fetched.unwrap_or_default(),
    }
}

/// Fetches the organisations again during a meeting: every [`REFRESH_MS`], and every
/// [`RETRY_MS`] while the last fetch failed (at join too). A failed fetch changes nothing:
/// the group keeps what it has, and a renewed list only adds news. Dropping it stops it.
pub struct OrganisationsRefresh {
    _timer: Interval,
}

impl OrganisationsRefresh {
    /// Starts the refreshes; `fetched_at_join` says whether the join had the list.
    /// `on_fetched` gets each list fetched.
    pub fn start(fetched_at_join: bool, on_fetched: impl Fn(Vec<Organisation>) + 'static) -> Self {
        const TICKS_PER_REFRESH: u32 = REFRESH_MS / RETRY_MS;
        // Ticks of RETRY_MS left until the next fetch.
        let ticks_left = Rc::new(Cell::new(if fetched_at_join {
            TICKS_PER_REFRESH
        } else {
            1
        }));
        let on_fetched = Rc::new(on_fetched);
        let timer = Interval::new(RETRY_MS, move || {
            ticks_left.set(ticks_left.get().saturating_sub(1));
            if ticks_left.get() > 0 {
                return;
            }
            // Until this fetch ends, the next one is a whole refresh away.
            ticks_left.set(TICKS_PER_REFRESH);
            let ticks_left = Rc::clone(&ticks_left);
            let on_fetched = Rc::clone(&on_fetched);
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_organisations().await {
                    Some(organisations) => on_fetched(organisations),
                    None => ticks_left.set(1),
                }
            });
        });
        Self { _timer: timer }
    }
}

/// Standard base64 through the browser's `atob` (a "binary string": one char per byte).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let binary = web_sys::window()?.atob(text).ok()?;
    binary
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}
