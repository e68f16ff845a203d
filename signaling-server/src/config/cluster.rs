//! `[cluster]`: several instances sharing their rooms through Redis (`crate::cluster`).
//! Set by `--redis-url`, `CONCLAVE_REDIS_URL` or `redis_url` in the file (in that order of
//! precedence). Unset, the server is one instance with no Redis: the embedded default.

use serde::Deserialize;

use super::{invalid, Secret};
use crate::error::Error;

const REDIS_URL_ENV: &str = "CONCLAVE_REDIS_URL";

/// Where the instances' shared Redis is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// `redis://[:password@]host:port[/db]` or `unix:///path/to/redis.sock`; may hold a
    /// password, so never printed.
    redis_url: Secret,
}

impl ClusterConfig {
    /// Checks `url` (scheme and shape, no connection) as the setting `key`.
    pub fn new(key: &str, url: &str) -> Result<Self, Error> {
        let scheme_ok = ["redis://", "unix://", "redis+unix://"]
            .iter()
            .any(|scheme| url.starts_with(scheme));
        if !scheme_ok {
            return Err(invalid(
                key,
                "must start with redis://, unix:// or redis+unix:// (TLS to Redis is not \
                 built in: keep Redis on a private network or a local socket)",
            ));
        }
        if redis::Client::open(url).is_err() {
            return Err(invalid(key, "is not a Redis URL"));
        }
        Ok(Self {
            redis_url: Secret::new(url),
        })
    }

    /// The URL, for the one place that connects.
    pub fn redis_url(&self) -> &Secret {
        &self.redis_url
    }
}

/// `[cluster]` in the configuration file.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClusterSection {
    redis_url: Option<String>,
}

/// The cluster setting from the flag, the environment (`env` looks a variable up) and the
/// file, the first one set winning; `None` for a single instance.
pub(super) fn resolve(
    file: Option<&ClusterSection>,
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<ClusterConfig>, Error> {
    if let Some(url) = flag {
        return ClusterConfig::new("--redis-url", url).map(Some);
    }
    if let Some(url) = env(REDIS_URL_ENV) {
        return ClusterConfig::new(REDIS_URL_ENV, &url).map(Some);
    }
    match file.and_then(|section| section.redis_url.as_deref()) {
        Some(url) => ClusterConfig::new("cluster.redis_url", url).map(Some),
        None if file.is_some() => Err(invalid(
            "cluster",
            "set redis_url (or remove [cluster] to run a single instance)",
        )),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn unset_is_a_single_instance() {
        assert_eq!(resolve(None, None, &no_env).unwrap(), None);
    }

    #[test]
    fn the_flag_wins_over_the_environment_and_the_file() {
        let file = ClusterSection {
            redis_url: Some("redis://file:6379".to_owned()),
        };
        let env = |_: &str| Some("redis://env:6379".to_owned());
        let chosen = resolve(Some(&file), Some("unix:///run/redis.sock"), &env).unwrap();
        assert_eq!(
            chosen.unwrap().redis_url().expose(),
            "unix:///run/redis.sock"
        );
        let chosen = resolve(Some(&file), None, &env).unwrap();
        assert_eq!(chosen.unwrap().redis_url().expose(), "redis://env:6379");
        let chosen = resolve(Some(&file), None, &no_env).unwrap();
        assert_eq!(chosen.unwrap().redis_url().expose(), "redis://file:6379");
    }

    #[test]
    fn a_bad_url_names_its_key_and_never_prints_the_password() {
        for url in [
            "http://redis:6379",
            "rediss://:hunter2@redis:6379",
            "redis://:hunter2@[::1",
        ] {
            let error = resolve(None, Some(url), &no_env).unwrap_err().to_string();
            assert!(error.starts_with("--redis-url"), "{error}");
            assert!(!error.contains("hunter2"), "{error}");
        }
        let empty = ClusterSection { redis_url: None };
        assert!(resolve(Some(&empty), None, &no_env).is_err());
    }

    #[test]
    fn the_url_is_redacted_in_debug() {
        let config = ClusterConfig::new("k", "redis://:hunter2@redis:6379").unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
