//! ICE servers handed to participants in `joined`: the static `[[ice_servers]]` entries,
//! and for `[turn]` credentials minted per participant in the TURN REST form that coturn
//! checks with `use-auth-secret` / `static-auth-secret` (draft-uberti-behave-turn-rest-00
//! section 2.2): user name `EXPIRY:NAME` where EXPIRY is a Unix time in seconds, password
//! `base64(HMAC-SHA1(shared secret, user name))`. No IO and no clock: the caller passes the
//! time.
//!
//! Also the ICE transport policy every participant's peer connections use
//! (`ice_transport_policy`): `relay` keeps each participant's addresses from the others and
//! from the SFU, and so needs a TURN server.

use std::time::Duration;

use base64::Engine as _;
use conclave_protocol::{IceServer, IceTransportPolicy, ParticipantId};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::file::IceServerSection;
use super::secret::Secret;
use crate::error::Error;

/// A TURN server that accepts time-limited credentials derived from a shared secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnConfig {
    urls: Vec<String>,
    shared_secret: Secret,
    credential_ttl: Duration,
}

fn invalid(key: &str, problem: impl Into<String>) -> Error {
    Error::InvalidConfig {
        key: key.to_owned(),
        problem: problem.into(),
    }
}

/// Checks ICE server URLs: at least one, each `stun:`, `stuns:`, `turn:` or `turns:`
/// (or, with `turn_only`, only the last two).
fn check_urls(key: &str, urls: &[String], turn_only: bool) -> Result<(), Error> {
    if urls.is_empty() {
        return Err(invalid(key, "needs at least one URL"));
    }
    let schemes: &[&str] = if turn_only {
        &["turn:", "turns:"]
    } else {
        &["stun:", "stuns:", "turn:", "turns:"]
    };
    for url in urls {
        let scheme_ok = schemes.iter().any(|scheme| url.starts_with(scheme));
        if !scheme_ok || url.len() <= 6 || url.chars().any(char::is_whitespace) {
            return Err(invalid(
                key,
                format!("{url:?} is not a {} URL", schemes.join(" or ")),
            ));
        }
    }
    Ok(())
}

/// Turns one `[[ice_servers]]` entry into an [`IceServer`], checking its URLs and that a
/// TURN entry has both a user name and a credential.
pub(super) fn check_static_server(key: &str, entry: IceServerSection) -> Result<IceServer, Error> {
    check_urls(&format!("{key}.urls"), &entry.urls, false)?;
    let has_turn = entry.urls.iter().any(|url| url.starts_with("turn"));
    if has_turn && (entry.username.is_none() || entry.credential.is_none()) {
        return Err(invalid(
            key,
            "a TURN server needs username and credential (or use [turn] for minted credentials)",
        ));
    }
    Ok(IceServer {
        urls: entry.urls,
        username: entry.username,
        credential: entry.credential,
    })
}

impl TurnConfig {
    /// Checks the URLs (`turn:` or `turns:`) given under `key`.
    pub fn new(
        key: &str,
        urls: Vec<String>,
        shared_secret: Secret,
        credential_ttl: Duration,
    ) -> Result<Self, Error> {
        check_urls(key, &urls, true)?;
        Ok(Self {
            urls,
            shared_secret,
            credential_ttl,
        })
    }

    /// The TURN server with credentials for `participant`, valid until
    /// `unix_now + credential_ttl` (`unix_now` in seconds since the Unix epoch).
    pub fn credentials_for(&self, participant: ParticipantId, unix_now: u64) -> IceServer {
        let expiry = unix_now.saturating_add(self.credential_ttl.as_secs());
        let username = format!("{expiry}:{participant}");
        let credential = turn_rest_password(&self.shared_secret, &username);
        IceServer {
            urls: self.urls.clone(),
            username: Some(username),
            credential: Some(credential),
        }
    }
}

/// `base64(HMAC-SHA1(shared_secret, username))`, the password coturn expects.
fn turn_rest_password(shared_secret: &Secret, username: &str) -> String {
    // HMAC accepts keys of every length (RFC 2104 section 2), so this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(shared_secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Parses `ice_transport_policy` as the file or the environment (`key`) gives it.
pub(super) fn parse_transport_policy(key: &str, text: &str) -> Result<IceTransportPolicy, Error> {
    match text {
        "all" => Ok(IceTransportPolicy::All),
        "relay" => Ok(IceTransportPolicy::Relay),
        other => Err(invalid(
            key,
            format!("unknown value {other:?}, expected \"all\" or \"relay\""),
        )),
    }
}

/// Refuses `relay` (set by `key`) without a TURN server to relay through: every
/// participant's peer connections would fail.
pub(super) fn check_transport_policy(
    key: &str,
    policy: IceTransportPolicy,
    static_servers: &[IceServer],
    turn: Option<&TurnConfig>,
) -> Result<(), Error> {
    let static_turn = static_servers
        .iter()
        .flat_map(|server| &server.urls)
        .any(|url| url.starts_with("turn:") || url.starts_with("turns:"));
    if policy == IceTransportPolicy::Relay && turn.is_none() && !static_turn {
        return Err(invalid(
            key,
            "\"relay\" needs a TURN server: set [turn] or a turn: URL in [[ice_servers]]",
        ));
    }
    Ok(())
}

/// Every ICE server for `participant` at `unix_now`: the static ones, then the TURN one.
pub fn ice_servers_for(
    static_servers: &[IceServer],
    turn: Option<&TurnConfig>,
    participant: ParticipantId,
    unix_now: u64,
) -> Vec<IceServer> {
    let mut servers = static_servers.to_vec();
    servers.extend(turn.map(|turn| turn.credentials_for(participant, unix_now)));
    servers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_rest_credentials_match_an_independent_computation() {
        // Computed with Python's hmac module:
        // base64.b64encode(hmac.new(b"north-wind-7", b"1700000000:3", hashlib.sha1).digest())
        let turn = TurnConfig::new(
            "turn.urls",
            vec!["turn:turn.example.org:3478?transport=udp".into()],
            Secret::new("north-wind-7"),
            Duration::from_secs(3600),
        )
        .unwrap();
        let server = turn.credentials_for(ParticipantId(3), 1_700_000_000 - 3600);
        assert_eq!(server.username.as_deref(), Some("1700000000:3"));
        assert_eq!(
            server.credential.as_deref(),
            Some("YUpXDVVLitt0OXKM8TD1qy/YqFE=")
        );
        assert_eq!(server.urls, turn.urls);
    }

    #[test]
    fn a_tampered_user_name_gets_a_different_password() {
        let secret = Secret::new("north-wind-7");
        assert_ne!(
            turn_rest_password(&secret, "1700000000:3"),
            turn_rest_password(&secret, "1700000001:3")
        );
    }

    #[test]
    fn each_participant_gets_its_own_user_name_after_the_static_servers() {
        let stun = IceServer {
            urls: vec!["stun:stun.example.org".into()],
            username: None,
            credential: None,
        };
        let turn = TurnConfig::new(
            "turn.urls",
            vec!["turns:turn.example.org".into()],
            Secret::new("s"),
            Duration::from_secs(60),
        )
        .unwrap();
        let servers = ice_servers_for(
            std::slice::from_ref(&stun),
            Some(&turn),
            ParticipantId(9),
            100,
        );
        assert_eq!(servers[0], stun);
        assert_eq!(servers[1].username.as_deref(), Some("160:9"));
    }

    #[test]
    fn transport_policy_is_all_or_relay() {
        assert_eq!(
            parse_transport_policy("k", "all").unwrap(),
            IceTransportPolicy::All
        );
        assert_eq!(
            parse_transport_policy("k", "relay").unwrap(),
            IceTransportPolicy::Relay
        );
        for text in ["", "Relay", "none", "relay "] {
            let err = parse_transport_policy("ice_transport_policy", text).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("ice_transport_policy: unknown value"),
                "{err}"
            );
        }
    }

    #[test]
    fn relay_only_needs_a_turn_server() {
        let stun = IceServer {
            urls: vec!["stun:stun.example.org".into()],
            username: None,
            credential: None,
        };
        let static_turn = IceServer {
            urls: vec!["turns:turn.example.org:443".into()],
            username: Some("u".into()),
            credential: Some("c".into()),
        };
        let turn = TurnConfig::new(
            "turn.urls",
            vec!["turn:turn.example.org".into()],
            Secret::new("s"),
            Duration::from_secs(60),
        )
        .unwrap();
        let relay = IceTransportPolicy::Relay;
        let err =
            check_transport_policy("k", relay, std::slice::from_ref(&stun), None).unwrap_err();
        assert!(err.to_string().contains("needs a TURN server"), "{err}");
        check_transport_policy("k", relay, &[stun.clone(), static_turn], None).unwrap();
        check_transport_policy("k", relay, &[], Some(&turn)).unwrap();
        check_transport_policy("k", IceTransportPolicy::All, &[stun], None).unwrap();
    }

    #[test]
    fn turn_urls_must_be_turn_urls() {
        for urls in [
            vec![],
            vec!["stun:x.example".to_owned()],
            vec!["https://x".to_owned()],
        ] {
            let err = TurnConfig::new("turn.urls", urls, Secret::new("s"), Duration::from_secs(60))
                .unwrap_err();
            assert!(err.to_string().starts_with("turn.urls: "), "{err}");
        }
    }
}
