//! Who may create a room, checked without IO: the caller passes the request's
//! `Authorization` value and the time.
//!
//! Rules, for a server whose operator set `[room_creation]` (see
//! [`crate::config::room_creation`]):
//! - A creation credential is `Bearer <secret>`, compared in constant time (both sides
//!   are MACed first, so neither the bytes nor the length leak through timing), or
//!   `Bearer <JWT>`: a compact JWS (RFC 7515 section 7.1) whose header is exactly
//!   `{"alg":"HS256"}` plus optional `typ` and `kid` (any other `alg`, `none` included, and
//!   any other header such as `crit`, is refused), signed with the token key (RFC 7518
//!   section 3.2), with an integer `exp` (RFC 7519 section 4.1.4) at most
//!   [`MAX_TOKEN_LIFETIME`] ahead and an optional `nbf`, both with [`CLOCK_LEEWAY`].
//!   The signature is checked before any claim is read.
//! - A hold token lets one room be held again after a restart: base64url of
//!   HMAC-SHA256(hold key, room id), the hold key being HMAC-SHA256(configured secret or
//!   token key, [`HOLD_KEY_LABEL`]). It depends on the configuration only, so a server
//!   restarted with the same configuration accepts the tokens it handed out before.
//!
//! Errors say what was wrong (missing, invalid, expired, not yet valid) but never why a
//! signature failed.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use conclave_protocol::{HoldToken, RoomId};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::config::RoomCreationConfig;

type HmacSha256 = Hmac<Sha256>;

/// Longest lifetime a portal token may have left: a link to create a meeting is used
/// within minutes, and a leaked one should not stay useful for long.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Clock difference tolerated between the portal and this server, for `exp` and `nbf`.
pub const CLOCK_LEEWAY: Duration = Duration::from_secs(60);

/// Longest `Authorization` credential read, in bytes; longer ones are refused unread.
const MAX_CREDENTIAL_BYTES: usize = 4096;

/// The HMAC input that derives the hold key from the configured secret or token key.
pub const HOLD_KEY_LABEL: &[u8] = b"conclave room-creation hold-token key v1";

/// The HMAC key under which a presented secret and the configured one are compared.
const SECRET_COMPARISON_KEY: &[u8] = b"conclave room-creation secret comparison v1";

/// Why a request may not create or hold a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CreationRefused {
    /// The request carried no `Authorization: Bearer` credential.
    #[error("this server lets only invited organisers create meetings: send the credential your organisation's portal gave you (Authorization: Bearer)")]
    Missing,
    /// The credential is not the secret, not a well-formed token signed with the key, or
    /// a hold token of another room.
    #[error("the room-creation credential is not valid")]
    Invalid,
    /// The token's `exp` has passed.
    #[error("the room-creation token has expired: ask your organisation's portal for a new link")]
    Expired,
    /// The token's `nbf` lies in the future.
    #[error("the room-creation token is not valid yet")]
    NotYetValid,
    /// The token expires further ahead than [`MAX_TOKEN_LIFETIME`].
    #[error("the room-creation token lives longer than this server accepts (24 hours)")]
    LifetimeTooLong,
}

/// The server's room-creation policy with its keys derived, ready to check requests.
/// It has no `Debug`: it holds key material, zeroed on drop.
pub struct CreationGate {
    policy: Policy,
}

enum Policy {
    Open,
    SharedSecret {
        /// HMAC of the configured secret under [`SECRET_COMPARISON_KEY`].
        digest: Zeroizing<Vec<u8>>,
        hold_key: Zeroizing<Vec<u8>>,
    },
    TokenKey {
        key: Zeroizing<Vec<u8>>,
        hold_key: Zeroizing<Vec<u8>>,
    },
}

/// HMAC-SHA256 of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut mac = keyed_mac(key);
    mac.update(message);
    Zeroizing::new(mac.finalize().into_bytes().to_vec())
}

fn keyed_mac(key: &[u8]) -> HmacSha256 {
    // Invariant: HMAC takes keys of any length, so this never fails.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

impl CreationGate {
    /// The gate `config` describes.
    pub fn new(config: &RoomCreationConfig) -> Self {
        let policy = match config {
            RoomCreationConfig::SharedSecret(secret) => {
                let secret = secret.expose().as_bytes();
                Policy::SharedSecret {
                    digest: hmac_sha256(SECRET_COMPARISON_KEY, secret),
                    hold_key: hmac_sha256(secret, HOLD_KEY_LABEL),
                }
            }
            RoomCreationConfig::TokenKey(key) => {
                let key = key.expose().as_bytes();
                Policy::TokenKey {
                    key: Zeroizing::new(key.to_vec()),
                    hold_key: hmac_sha256(key, HOLD_KEY_LABEL),
                }
            }
            RoomCreationConfig::Open => Policy::Open,
        };
        Self { policy }
    }

    /// Whether creation needs a credential.
    pub fn is_gated(&self) -> bool {
        !matches!(self.policy, Policy::Open)
    }

    /// Checks a `POST /api/rooms` request's `Authorization` value at `unix_now`.
    pub fn check_creation(
        &self,
        authorization: Option<&[u8]>,
        unix_now: u64,
    ) -> Result<(), CreationRefused> {
        match &self.policy {
            Policy::Open => Ok(()),
            Policy::SharedSecret { digest, .. } => {
                let presented = bearer(authorization)?;
                let mut mac = keyed_mac(SECRET_COMPARISON_KEY);
                mac.update(presented.as_bytes());
                mac.verify_slice(digest)
                    .map_err(|_| CreationRefused::Invalid)
            }
            Policy::TokenKey { key, .. } => verify_token(bearer(authorization)?, key, unix_now),
        }
    }

    /// Checks a `PUT /api/rooms/{room}` request: a creation credential, or `room`'s own
    /// hold token.
    pub fn check_hold(
        &self,
        room: &RoomId,
        authorization: Option<&[u8]>,
        unix_now: u64,
    ) -> Result<(), CreationRefused> {
        let Some(hold_key) = self.hold_key() else {
            return Ok(());
        };
        let presented = bearer(authorization)?;
        if is_hold_token(hold_key, room, presented) {
            return Ok(());
        }
        self.check_creation(authorization, unix_now)
    }

    /// The token that lets `room` be held again, or `None` on an open server.
    pub fn hold_token(&self, room: &RoomId) -> Option<HoldToken> {
        let hold_key = self.hold_key()?;
        let tag = hmac_sha256(hold_key, room.as_str().as_bytes());
        Some(HoldToken(URL_SAFE_NO_PAD.encode(tag.as_slice())))
    }

    fn hold_key(&self) -> Option<&[u8]> {
        match &self.policy {
            Policy::Open => None,
            Policy::SharedSecret { hold_key, .. } | Policy::TokenKey { hold_key, .. } => {
                Some(hold_key)
            }
        }
    }
}

/// The credential of an `Authorization: Bearer <credential>` value (scheme
/// case-insensitive, RFC 6750 section 2.1).
fn bearer(authorization: Option<&[u8]>) -> Result<&str, CreationRefused> {
    let value = authorization.ok_or(CreationRefused::Missing)?;
    let value = std::str::from_utf8(value).map_err(|_| CreationRefused::Invalid)?;
    let (scheme, credential) = value.split_once(' ').ok_or(CreationRefused::Missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(CreationRefused::Missing);
    }
    let credential = credential.trim();
    if credential.is_empty() {
        return Err(CreationRefused::Missing);
    }
    if credential.len() > MAX_CREDENTIAL_BYTES {
        return Err(CreationRefused::Invalid);
    }
    Ok(credential)
}

fn is_hold_token(hold_key: &[u8], room: &RoomId, presented: &str) -> bool {
    let Ok(tag) = URL_SAFE_NO_PAD.decode(presented) else {
        return false;
    };
    let mut mac = keyed_mac(hold_key);
    mac.update(room.as_str().as_bytes());
    mac.verify_slice(&tag).is_ok()
}

/// The only JOSE header accepted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenHeader {
    alg: String,
    #[serde(default)]
    #[allow(dead_code)] // Accepted so that portals may send it; it changes nothing.
    typ: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // Accepted for key rotation on the portal's side; one key here.
    kid: Option<String>,
}

/// The claims read; others (`sub`, `iat`, `aud`...) are the portal's business.
#[derive(Deserialize)]
struct TokenClaims {
    exp: Option<u64>,
    nbf: Option<u64>,
}

/// Verifies an HS256 compact JWS under `key` and its time claims at `unix_now`.
fn verify_token(token: &str, key: &[u8], unix_now: u64) -> Result<(), CreationRefused> {
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CreationRefused::Invalid);
    };
    let header_json = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| CreationRefused::Invalid)?;
    let header_fields: TokenHeader =
        serde_json::from_slice(&header_json).map_err(|_| CreationRefused::Invalid)?;
    if header_fields.alg != "HS256" {
        return Err(CreationRefused::Invalid);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| CreationRefused::Invalid)?;
    let mut mac = keyed_mac(key);
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(claims.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| CreationRefused::Invalid)?;
    // Signed by the portal from here on.
    let claims_json = URL_SAFE_NO_PAD
        .decode(claims)
        .map_err(|_| CreationRefused::Invalid)?;
    let claims: TokenClaims =
        serde_json::from_slice(&claims_json).map_err(|_| CreationRefused::Invalid)?;
    let exp = claims.exp.ok_or(CreationRefused::Invalid)?;
    let leeway = CLOCK_LEEWAY.as_secs();
    if exp.saturating_add(leeway) <= unix_now {
        return Err(CreationRefused::Expired);
    }
    if let Some(nbf) = claims.nbf {
        if nbf > unix_now.saturating_add(leeway) {
            return Err(CreationRefused::NotYetValid);
        }
    }
    if exp > unix_now.saturating_add(MAX_TOKEN_LIFETIME.as_secs()) {
        return Err(CreationRefused::LifetimeTooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
