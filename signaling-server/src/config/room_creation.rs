//! Who may create a room: anyone (the default), holders of a shared secret, or holders of
//! a short-lived HS256 token that the operator's portal signs. Set in `[room_creation]`
//! (`secret` or `token_key`) or by `CONCLAVE_ROOM_CREATION_SECRET` /
//! `CONCLAVE_ROOM_CREATION_TOKEN_KEY`; the environment wins over the file, and setting both
//! kinds is refused (a server has one policy, and one key its hold tokens derive from).
//! The check itself is `crate::room_creation`.

use serde::Deserialize;

use super::{invalid, Secret};
use crate::error::Error;

/// Shortest secret or token key accepted, in bytes: 256 bits, HS256's own key size, so
/// neither can be guessed by trying.
pub const MIN_KEY_BYTES: usize = 32;

const SECRET_ENV: &str = "CONCLAVE_ROOM_CREATION_SECRET";
const TOKEN_KEY_ENV: &str = "CONCLAVE_ROOM_CREATION_TOKEN_KEY";

/// Who may create (and hold again) a room.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RoomCreationConfig {
    /// Anyone who reaches the server: the embedded default.
    #[default]
    Open,
    /// Requests carry `Authorization: Bearer <secret>`.
    SharedSecret(Secret),
    /// Requests carry `Authorization: Bearer <JWT>`, an HS256 token signed with this key,
    /// with an `exp` claim.
    TokenKey(Secret),
}

impl RoomCreationConfig {
    /// Whether creation needs a credential.
    pub fn is_gated(&self) -> bool {
        !matches!(self, Self::Open)
    }
}

/// `[room_creation]` in the configuration file.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoomCreationSection {
    secret: Option<String>,
    token_key: Option<String>,
}

/// The policy the file's section and the environment (`env` looks a variable up) give.
pub(super) fn resolve(
    file: Option<&RoomCreationSection>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<RoomCreationConfig, Error> {
    let secret = keyed(
        SECRET_ENV,
        env(SECRET_ENV),
        "room_creation.secret",
        file.and_then(|f| f.secret.clone()),
    )?;
    let token_key = keyed(
        TOKEN_KEY_ENV,
        env(TOKEN_KEY_ENV),
        "room_creation.token_key",
        file.and_then(|f| f.token_key.clone()),
    )?;
    match (secret, token_key) {
        (None, None) if file.is_some() => Err(invalid(
            "room_creation",
            "set secret or token_key (or remove [room_creation] to let anyone create rooms)",
        )),
        (None, None) => Ok(RoomCreationConfig::Open),
        (Some(secret), None) => Ok(RoomCreationConfig::SharedSecret(secret)),
        (None, Some(key)) => Ok(RoomCreationConfig::TokenKey(key)),
        (Some(_), Some(_)) => Err(invalid(
            "room_creation",
            "set either a secret or a token_key, not both",
        )),
    }
}

/// The environment's value if set, else the file's, checked for length under its key.
fn keyed(
    env_key: &str,
    from_env: Option<String>,
    file_key: &str,
    from_file: Option<String>,
) -> Result<Option<Secret>, Error> {
    let (key, text) = match (from_env, from_file) {
        (Some(text), _) => (env_key, text),
        (None, Some(text)) => (file_key, text),
        (None, None) => return Ok(None),
    };
    let secret = Secret::new(text);
    if secret.expose().len() < MIN_KEY_BYTES {
        return Err(invalid(
            key,
            format!(
                "is shorter than {MIN_KEY_BYTES} bytes; use a random one (openssl rand -base64 32)"
            ),
        ));
    }
    Ok(Some(secret))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const LONG: &str = "0123456789abcdef0123456789abcdef";

    fn section(secret: Option<&str>, token_key: Option<&str>) -> RoomCreationSection {
        RoomCreationSection {
            secret: secret.map(str::to_owned),
            token_key: token_key.map(str::to_owned),
        }
    }

    #[test]
    fn nothing_set_is_open() {
        assert_eq!(resolve(None, &|_| None).unwrap(), RoomCreationConfig::Open);
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let other = "ffffffffffffffffffffffffffffffff";
        let env = |key: &str| (key == SECRET_ENV).then(|| other.to_owned());
        let file = section(Some(LONG), None);
        assert_eq!(
            resolve(Some(&file), &env).unwrap(),
            RoomCreationConfig::SharedSecret(Secret::new(other))
        );
        let file = section(None, Some(LONG));
        assert_eq!(
            resolve(Some(&file), &|_| None).unwrap(),
            RoomCreationConfig::TokenKey(Secret::new(LONG))
        );
    }

    #[test]
    fn both_kinds_an_empty_section_and_short_keys_are_refused_by_name() {
        let both = section(Some(LONG), Some(LONG));
        let error = resolve(Some(&both), &|_| None).unwrap_err().to_string();
        assert!(error.contains("not both"), "{error}");
        let empty = section(None, None);
        let error = resolve(Some(&empty), &|_| None).unwrap_err().to_string();
        assert!(error.contains("room_creation"), "{error}");
        let short = section(None, Some("hunter2"));
        let error = resolve(Some(&short), &|_| None).unwrap_err().to_string();
        assert!(error.contains("room_creation.token_key"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
        let env = |key: &str| (key == TOKEN_KEY_ENV).then(|| "short".to_owned());
        let error = resolve(None, &env).unwrap_err().to_string();
        assert!(error.contains(TOKEN_KEY_ENV), "{error}");
    }

    #[test]
    fn a_configuration_file_section_reaches_the_config() {
        use clap::Parser as _;
        let cli = super::super::Cli::parse_from(["conclave-server"]);
        let text = format!("[room_creation]\ntoken_key = \"{LONG}\"\n");
        let settings =
            super::super::Settings::from_sources(Some(&text), None, &cli, &|_| None).unwrap();
        assert_eq!(
            settings.config.room_creation,
            RoomCreationConfig::TokenKey(Secret::new(LONG))
        );
        // The secret never shows in the configuration's Debug output.
        assert!(!format!("{:?}", settings.config).contains(LONG));
    }

    #[test]
    fn the_file_section_refuses_unknown_keys() {
        let parsed: Result<RoomCreationSection, _> = toml::from_str("secrets = \"x\"");
        assert!(parsed.is_err());
    }
}
