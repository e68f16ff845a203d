//! The `[limits]` section and its environment variables, read into
//! [`crate::rate_limits::Limits`]. An environment variable wins over the file; keys not
//! given keep the defaults of [`crate::rate_limits`].
//!
//! ```toml
//! [limits]
//! room_creations = { burst = 30, per_minute = 30 }     # per client address
//! websocket_opens = { burst = 120, per_minute = 120 }  # per client address
//! tracked_addresses = 65536
//! trusted_proxies = ["127.0.0.1", "::1"]
//! rate_limited_replies = { burst = 5, per_minute = 60 }
//! [limits.messages]                                    # per connection
//! signal = { burst = 400, per_minute = 1200 }
//! ```

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::RangeInclusive;

use serde::Deserialize;

use super::{env_number, in_range, invalid};
use crate::error::Error;
use crate::rate_limits::{Limits, MessageKind, Rate};

/// Accepted bursts and paces (units per minute; the fastest refills one unit every 0.6 µs).
const BURST: RangeInclusive<u64> = 1..=10_000_000;
const PER_MINUTE: RangeInclusive<u64> = 1..=100_000_000;
const TRACKED_ADDRESSES: RangeInclusive<u64> = 2..=10_000_000;

/// `[limits]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitsSection {
    room_creations: Option<RateSection>,
    websocket_opens: Option<RateSection>,
    tracked_addresses: Option<u64>,
    trusted_proxies: Option<Vec<String>>,
    rate_limited_replies: Option<RateSection>,
    /// By message type (`signal`, `commit`...).
    #[serde(default)]
    messages: BTreeMap<String, RateSection>,
}

/// `{ burst = N, per_minute = M }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateSection {
    burst: u64,
    per_minute: u64,
}

impl RateSection {
    fn check(&self, key: &str) -> Result<Rate, Error> {
        let burst = in_range(&format!("{key}.burst"), self.burst, BURST)?;
        let per_minute = in_range(&format!("{key}.per_minute"), self.per_minute, PER_MINUTE)?;
        Rate::new(burst, per_minute).ok_or_else(|| invalid(key, "must not be zero"))
    }
}

/// The limits from the file's `[limits]` (if any), then the environment on top.
pub(super) fn limits_from(
    file: Option<&LimitsSection>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Limits, Error> {
    let empty = LimitsSection::default();
    let file = file.unwrap_or(&empty);
    let mut limits = Limits::default();
    if let Some(rate) = &file.room_creations {
        limits.room_creations = rate.check("limits.room_creations")?;
    }
    if let Some(rate) = &file.websocket_opens {
        limits.websocket_opens = rate.check("limits.websocket_opens")?;
    }
    if let Some(count) = file.tracked_addresses {
        limits.tracked_addresses = in_range("limits.tracked_addresses", count, TRACKED_ADDRESSES)?;
    }
    if let Some(proxies) = &file.trusted_proxies {
        limits.trusted_proxies = proxies
            .iter()
            .map(|text| parse_proxy("limits.trusted_proxies", text))
            .collect::<Result<_, _>>()?;
    }
    if let Some(rate) = &file.rate_limited_replies {
        limits.rate_limited_replies = rate.check("limits.rate_limited_replies")?;
    }
    for (name, rate) in &file.messages {
        let key = format!("limits.messages.{name}");
        let kind = MessageKind::from_name(name).ok_or_else(|| {
            let known: Vec<_> = MessageKind::ALL.iter().map(|kind| kind.name()).collect();
            invalid(
                &key,
                format!("no such message type; expected one of {}", known.join(", ")),
            )
        })?;
        limits.messages.set(kind, rate.check(&key)?);
    }
    if let Some(text) = env("CONCLAVE_ROOM_CREATIONS_PER_MINUTE") {
        limits.room_creations = same_burst("CONCLAVE_ROOM_CREATIONS_PER_MINUTE", &text)?;
    }
    if let Some(text) = env("CONCLAVE_WEBSOCKET_OPENS_PER_MINUTE") {
        limits.websocket_opens = same_burst("CONCLAVE_WEBSOCKET_OPENS_PER_MINUTE", &text)?;
    }
    if let Some(text) = env("CONCLAVE_TRUSTED_PROXIES") {
        limits.trusted_proxies = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| parse_proxy("CONCLAVE_TRUSTED_PROXIES", entry))
            .collect::<Result<_, _>>()?;
    }
    Ok(limits)
}

/// An environment variable's `N`: a burst of N, then N a minute.
fn same_burst(key: &'static str, text: &str) -> Result<Rate, Error> {
    let count: u32 = env_number(key, text, BURST)?;
    Rate::new(count, count).ok_or_else(|| invalid(key, "must not be zero"))
}

/// A proxy's address (no network ranges: each proxy is named).
fn parse_proxy(key: &str, text: &str) -> Result<IpAddr, Error> {
    text.trim()
        .parse::<IpAddr>()
        .map(|address| address.to_canonical())
        .map_err(|_| invalid(key, format!("expected an IP address, got {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(toml_text: &str) -> LimitsSection {
        toml::from_str(toml_text).unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn nothing_given_keeps_the_defaults() {
        assert_eq!(limits_from(None, &no_env).unwrap(), Limits::default());
    }

    #[test]
    fn the_file_sets_every_limit() {
        let file = section(
            r#"
            room_creations = { burst = 3, per_minute = 4 }
            websocket_opens = { burst = 5, per_minute = 6 }
            tracked_addresses = 100
            trusted_proxies = ["10.0.0.1", "::1", "::ffff:10.0.0.2"]
            rate_limited_replies = { burst = 1, per_minute = 2 }
            [messages]
            signal = { burst = 7, per_minute = 8 }
            commit = { burst = 9, per_minute = 10 }
            "#,
        );
        let limits = limits_from(Some(&file), &no_env).unwrap();
        assert_eq!(limits.room_creations, Rate::new(3, 4).unwrap());
        assert_eq!(limits.websocket_opens, Rate::new(5, 6).unwrap());
        assert_eq!(limits.tracked_addresses, 100);
        let proxies: Vec<IpAddr> = ["10.0.0.1", "::1", "10.0.0.2"]
            .iter()
            .map(|text| text.parse().unwrap())
            .collect();
        assert_eq!(limits.trusted_proxies, proxies);
        assert_eq!(limits.rate_limited_replies, Rate::new(1, 2).unwrap());
        assert_eq!(
            limits.messages.rate(MessageKind::Signal),
            Rate::new(7, 8).unwrap()
        );
        assert_eq!(
            limits.messages.rate(MessageKind::Commit),
            Rate::new(9, 10).unwrap()
        );
        assert_eq!(
            limits.messages.rate(MessageKind::Ping),
            Limits::default().messages.rate(MessageKind::Ping)
        );
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let file = section(
            r#"
            room_creations = { burst = 3, per_minute = 4 }
            trusted_proxies = ["10.0.0.1"]
            "#,
        );
        let env = |key: &str| match key {
            "CONCLAVE_ROOM_CREATIONS_PER_MINUTE" => Some("100000".to_owned()),
            "CONCLAVE_WEBSOCKET_OPENS_PER_MINUTE" => Some(" 50000 ".to_owned()),
            "CONCLAVE_TRUSTED_PROXIES" => Some("10.0.0.9, ::1,".to_owned()),
            _ => None,
        };
        let limits = limits_from(Some(&file), &env).unwrap();
        assert_eq!(limits.room_creations, Rate::new(100_000, 100_000).unwrap());
        assert_eq!(limits.websocket_opens, Rate::new(50_000, 50_000).unwrap());
        assert_eq!(limits.trusted_proxies.len(), 2);
    }

    #[test]
    fn bad_values_name_their_key() {
        let refused = |toml_text: &str| {
            let error = limits_from(Some(&section(toml_text)), &no_env).unwrap_err();
            error.to_string()
        };
        assert!(refused("room_creations = { burst = 0, per_minute = 4 }")
            .starts_with("limits.room_creations.burst: 0 is out of range"));
        assert!(refused("websocket_opens = { burst = 1, per_minute = 0 }")
            .starts_with("limits.websocket_opens.per_minute: 0 is out of range"));
        assert!(refused("tracked_addresses = 1").starts_with("limits.tracked_addresses"));
        assert!(refused(r#"trusted_proxies = ["10.0.0.0/8"]"#)
            .starts_with("limits.trusted_proxies: expected an IP address"));
        assert!(
            refused("[messages]\nsignals = { burst = 1, per_minute = 1 }")
                .starts_with("limits.messages.signals: no such message type")
        );
        let env =
            |key: &str| (key == "CONCLAVE_ROOM_CREATIONS_PER_MINUTE").then(|| "many".to_owned());
        let error = limits_from(None, &env).unwrap_err().to_string();
        assert!(
            error.starts_with("CONCLAVE_ROOM_CREATIONS_PER_MINUTE"),
            "{error}"
        );
        // Unknown keys are refused by the parser, as everywhere in the file.
        assert!(toml::from_str::<LimitsSection>("signal_burst = 3").is_err());
    }
}
