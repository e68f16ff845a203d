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

/// The organisations the server lists now. Any failure gives none: then nobody shows as
/// verified, and a "verified members only" meeting admits nobody new (fail closed).
pub async fn fetch_organisations() -> Vec<Organisation> {
    let Ok(response) = Request::get("/organisations").send().await else {
        return Vec::new();
    };
    if !response.ok() {
        return Vec::new();
    }
    let Ok(listed) = response.json::<Listed>().await else {
        return Vec::new();
    };
    listed
        .organisations
        .into_iter()
        .take(MAX_ORGANISATIONS)
        .filter_map(|org| {
            Some(Organisation {
                certificate: decode_base64(&org.certificate)?,
                revocation_list: org.revocation_list.as_deref().and_then(decode_base64),
            })
        })
        .collect()
}

/// Standard base64 through the browser's `atob` (a "binary string": one char per byte).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let binary = web_sys::window()?.atob(text).ok()?;
    binary
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}
