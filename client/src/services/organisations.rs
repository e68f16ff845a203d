//! The organisations the server lists (`GET /organisations`): their CA certificates and
//! revocation lists, so the meeting can show who an organisation vouches for (docs/ADMIN.md,
//! "Verified identities"). The server's word decides nothing by itself: a meeting accepts
//! only the organisations its creator pinned in its group state, and each certificate and
//! list is checked against the CA's own key.

use conclave_group::verified_identity::Organisation;
use gloo::net::http::Request;
use serde::Deserialize;

/// Most organisations read from the server (as many as a meeting can pin).
const MAX_ORGANISATIONS: usize = conclave_group::MAX_PINNED_ANCHORS;

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
    let response = Request::get("/organisations").send().await.ok()?;
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

/// Standard base64 through the browser's `atob` (a "binary string": one char per byte).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let binary = web_sys::window()?.atob(text).ok()?;
    binary
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}
