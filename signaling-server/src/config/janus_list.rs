//! Several Janus servers: the file's `janus` key holds either one `[janus]` table (today's
//! form, which `CONCLAVE_JANUS_*` can complete or override key by key) or `[[janus]]`
//! entries, one per Janus, each complete on its own. The entries' order is the placement's
//! tie-break (see `crate::sfu::placement`).
//!
//! Refused, naming the key: an empty list, an entry without `url`, two entries with the
//! same URL, and `CONCLAVE_JANUS_*` variables beside `[[janus]]` entries (which entry
//! would they change?).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::file::JanusSection;
use super::{check_janus_url, invalid, janus_trust, non_empty_secret, JanusConfig, Keyed};
use crate::error::Error;

/// The environment variables that set the one-Janus form.
const ENV_KEYS: [&str; 5] = [
    "CONCLAVE_JANUS_URL",
    "CONCLAVE_JANUS_API_SECRET",
    "CONCLAVE_JANUS_ADMIN_KEY",
    "CONCLAVE_JANUS_CA_FILE",
    "CONCLAVE_JANUS_CA_ONLY",
];

/// The file's `janus` key as written: one table or a list of them. Parsed by hand, so a
/// mistake inside an entry keeps the file parser's message, which quotes the line.
pub(super) enum JanusTables {
    /// `[janus]`.
    One(JanusSection),
    /// `[[janus]]` entries.
    Several(Vec<JanusSection>),
}

impl<'de> Deserialize<'de> for JanusTables {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Tables;
        impl<'de> Visitor<'de> for Tables {
            type Value = JanusTables;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [janus] table or [[janus]] entries")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<JanusTables, A::Error> {
                JanusSection::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(JanusTables::One)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<JanusTables, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(JanusTables::Several)
            }
        }
        deserializer.deserialize_any(Tables)
    }
}

/// What the file's `janus` key holds, checked.
pub(super) enum JanusInFile {
    /// No `janus` key.
    Absent,
    /// One `[janus]` table, merged with the environment like every other key.
    One(JanusSection),
    /// `[[janus]]` entries, checked and complete.
    Several(Vec<JanusConfig>),
}

impl JanusInFile {
    /// The one `[janus]` table, if that is the form used.
    pub(super) fn table(&self) -> Option<&JanusSection> {
        match self {
            Self::One(section) => Some(section),
            Self::Absent | Self::Several(_) => None,
        }
    }

    /// The `[[janus]]` entries (empty for the other forms).
    pub(super) fn entries(&self) -> &[JanusConfig] {
        match self {
            Self::Several(entries) => entries,
            Self::Absent | Self::One(_) => &[],
        }
    }
}

/// Checks the file's `janus` key. `env` is looked at only to refuse variables beside
/// `[[janus]]` entries.
pub(super) fn read(
    tables: Option<JanusTables>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<JanusInFile, Error> {
    let list = match tables {
        None => return Ok(JanusInFile::Absent),
        Some(JanusTables::One(section)) => return Ok(JanusInFile::One(section)),
        Some(JanusTables::Several(list)) => list,
    };
    if list.is_empty() {
        return Err(invalid(
            "janus",
            "an empty list: give at least one [[janus]] entry",
        ));
    }
    if let Some(key) = ENV_KEYS.into_iter().find(|key| env(key).is_some()) {
        return Err(invalid(
            key,
            "set, but the configuration file lists [[janus]] entries: give every Janus setting there",
        ));
    }
    let mut urls = HashSet::new();
    let mut entries = Vec::with_capacity(list.len());
    for (index, section) in list.into_iter().enumerate() {
        let entry = entry(index, section)?;
        if !urls.insert(entry.url.clone()) {
            return Err(invalid(
                &format!("janus[{index}].url"),
                format!("{:?} is listed twice", entry.url),
            ));
        }
        entries.push(entry);
    }
    Ok(JanusInFile::Several(entries))
}

/// One `[[janus]]` entry, checked as the one-Janus form is.
fn entry(index: usize, section: JanusSection) -> Result<JanusConfig, Error> {
    let key = |name: &str| format!("janus[{index}].{name}");
    let url = section
        .url
        .ok_or_else(|| invalid(&key("url"), "required in every [[janus]] entry"))?;
    check_janus_url(&key("url"), &url)?;
    // `Keyed` names its key with a `&'static str`; an entry's key is built at run time,
    // so the trust is checked here under a fixed name and a refusal renamed.
    let trust = janus_trust::janus_trust(
        &url,
        section.ca_file.map(|value| Keyed {
            key: "ca_file",
            value,
        }),
        section.ca_only.map(|value| Keyed {
            key: "ca_only",
            value,
        }),
    )
    .map_err(|error| match error {
        Error::InvalidConfig { key: name, problem } => invalid(&key(&name), problem),
        other => other,
    })?;
    Ok(JanusConfig {
        api_secret: section
            .api_secret
            .map(|text| non_empty_secret(&key("api_secret"), text))
            .transpose()?,
        admin_key: section
            .admin_key
            .map(|text| non_empty_secret(&key("admin_key"), text))
            .transpose()?,
        url,
        trust,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use clap::Parser as _;

    use super::*;
    use crate::config::{Cli, Config, MediaConfig, Secret, Settings};

    fn load(file: &str, env: &[(&str, &str)]) -> Result<Settings, Error> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = move |key: &str| env.get(key).cloned();
        let cli = Cli::try_parse_from(["conclave-server"]).unwrap();
        Settings::from_sources(Some(file), Some(Path::new("conclave.toml")), &cli, &lookup)
    }

    fn refusal(file: &str, env: &[(&str, &str)]) -> String {
        match load(file, env) {
            Ok(settings) => panic!("accepted: {settings:?}"),
            Err(error) => error.to_string(),
        }
    }

    const TWO: &str = r#"
[media]
mode = "janus"

[[janus]]
url = "wss://janus-a.internal/janus"
api_secret = "secret-a"
admin_key = "admin-a"

[[janus]]
url = "ws://10.0.0.2:8188"
api_secret = "secret-b"
"#;

    #[test]
    fn janus_entries_are_read_in_order_each_with_its_own_secrets() {
        let config = load(TWO, &[]).unwrap().config;
        let servers = config.janus_servers();
        let urls: Vec<&str> = servers.iter().map(|janus| janus.url.as_str()).collect();
        assert_eq!(urls, ["wss://janus-a.internal/janus", "ws://10.0.0.2:8188"]);
        assert!(matches!(&config.media, MediaConfig::Janus(first) if first.url == urls[0]));
        let secrets: Vec<Option<&str>> = servers
            .iter()
            .map(|janus| janus.api_secret.as_ref().map(Secret::expose))
            .collect();
        assert_eq!(secrets, [Some("secret-a"), Some("secret-b")]);
        assert!(servers[1].admin_key.is_none());
        assert_eq!(config.max_participants, 50, "the SFU default applies");
        let debug = format!("{config:?}");
        assert!(
            !debug.contains("secret-a") && !debug.contains("admin-a"),
            "{debug}"
        );
    }

    #[test]
    fn one_entry_and_the_one_table_form_are_the_same_janus() {
        let entry = "[media]\nmode = \"janus\"\n[[janus]]\nurl = \"ws://127.0.0.1:8188\"\n";
        let table = "[media]\nmode = \"janus\"\n[janus]\nurl = \"ws://127.0.0.1:8188\"\n";
        let (entry, table) = (load(entry, &[]).unwrap(), load(table, &[]).unwrap());
        assert_eq!(entry.config.media, table.config.media);
        assert!(entry.config.extra_janus.is_empty());
        assert!(Config::new("www").janus_servers().is_empty(), "mesh: none");
    }

    #[test]
    fn each_bad_entry_is_refused_naming_its_key() {
        let head = "[media]\nmode = \"janus\"\n[[janus]]\nurl = \"ws://a:8188\"\n";
        for (second, key) in [
            ("[[janus]]\nurl = \"ws://a:8188\"\n", "janus[1].url"),
            ("[[janus]]\napi_secret = \"x\"\n", "janus[1].url"),
            ("[[janus]]\nurl = \"http://b\"\n", "janus[1].url"),
            (
                "[[janus]]\nurl = \"ws://b\"\napi_secret = \"\"\n",
                "janus[1].api_secret",
            ),
            (
                "[[janus]]\nurl = \"ws://b\"\nadmin_key = \"\"\n",
                "janus[1].admin_key",
            ),
            (
                "[[janus]]\nurl = \"wss://b\"\nca_only = true\n",
                "janus[1].ca_only",
            ),
            (
                "[[janus]]\nurl = \"ws://b\"\nca_file = \"/etc/ca.pem\"\n",
                "janus[1].ca_file",
            ),
            (
                "[[janus]]\nurl = \"wss://b\"\nca_file = \"/nonexistent/ca.pem\"\n",
                "janus[1].ca_file",
            ),
        ] {
            let message = refusal(&format!("{head}{second}"), &[]);
            assert!(
                message.starts_with(&format!("{key}: ")),
                "{message:?} should name {key}"
            );
        }
        let message = refusal("janus = []\n[media]\nmode = \"janus\"\n", &[]);
        assert!(message.starts_with("janus: an empty list"), "{message}");
    }

    #[test]
    fn janus_variables_beside_entries_are_refused_naming_the_variable() {
        for key in ENV_KEYS {
            let message = refusal(TWO, &[(key, "ws://c:8188")]);
            assert!(message.contains(key), "{message:?} should name {key}");
        }
        // Beside the one-table form they still complete it.
        let table = "[media]\nmode = \"janus\"\n[janus]\napi_secret = \"s\"\n";
        let settings = load(table, &[("CONCLAVE_JANUS_URL", "ws://c:8188")]).unwrap();
        assert_eq!(settings.config.janus_servers()[0].url, "ws://c:8188");
    }

    #[test]
    fn mistakes_inside_an_entry_quote_the_line_and_mixed_forms_are_refused() {
        for (file, names) in [
            ("[[janus]]\nurl = \"ws://a\"\nsecret = \"x\"\n", "secret"),
            ("[[janus]]\nurl = 5\n", "url"),
            (
                "[janus]\nurl = \"ws://a\"\n[[janus]]\nurl = \"ws://b\"\n",
                "janus",
            ),
            ("janus = \"ws://a\"\n", "janus"),
        ] {
            let message = refusal(file, &[]);
            assert!(
                message.starts_with("configuration file conclave.toml: ")
                    && message.contains(names),
                "{message}"
            );
        }
    }
}
