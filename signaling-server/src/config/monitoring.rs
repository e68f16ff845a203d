//! The `[monitoring]` settings: where `GET /metrics` is served (`metrics_listen`) and how
//! logs are written (`log_format`). Both are for `main`, which binds and sets up logging;
//! the library's [`crate::Config`] does not carry them.
//!
//! `/metrics` stays on the main listener unless `metrics_listen` names another address:
//! the series name no person and no room, but they do tell whoever can read them how many
//! meetings and people the server holds, so an internet-facing server should move them to
//! a private address (docs/ADMIN.md, "Metrics, health and logs").

use std::net::SocketAddr;

use serde::Deserialize;

use super::{invalid, parse_listen, Cli};
use crate::error::Error;

/// How log lines are written to standard error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum LogFormat {
    /// Human-readable lines; the default.
    #[default]
    Text,
    /// One JSON object per line, the event's fields at the top level.
    Json,
}

/// The monitoring settings of a running server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonitoringSettings {
    /// A second address that serves `/metrics` (and `/livez`, `/healthz`); `/metrics` is
    /// then no longer served on the main listener. `None`: everything on the main one.
    pub metrics_listen: Option<SocketAddr>,
    /// How log lines are written.
    pub log_format: LogFormat,
}

/// `[monitoring]` in the configuration file.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MonitoringSection {
    pub metrics_listen: Option<String>,
    /// `"text"` or `"json"`; a string here so that an unknown value gets our message.
    pub log_format: Option<String>,
}

fn parse_log_format(key: &str, text: &str) -> Result<LogFormat, Error> {
    match text.trim() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(invalid(
            key,
            format!("unknown value {other:?}, expected \"text\" or \"json\""),
        )),
    }
}

/// The settings from the file's section, the environment and the flags (flag >
/// environment > file > default).
pub(super) fn resolve(
    file: Option<&MonitoringSection>,
    cli: &Cli,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<MonitoringSettings, Error> {
    let from_file_listen = file
        .and_then(|section| section.metrics_listen.as_deref())
        .map(|text| parse_listen("monitoring.metrics_listen", text))
        .transpose()?;
    let from_env_listen = env("CONCLAVE_METRICS_LISTEN")
        .map(|text| parse_listen("CONCLAVE_METRICS_LISTEN", &text))
        .transpose()?;
    let from_file_format = file
        .and_then(|section| section.log_format.as_deref())
        .map(|text| parse_log_format("monitoring.log_format", text))
        .transpose()?;
    let from_env_format = env("CONCLAVE_LOG_FORMAT")
        .map(|text| parse_log_format("CONCLAVE_LOG_FORMAT", &text))
        .transpose()?;
    Ok(MonitoringSettings {
        metrics_listen: cli.metrics_listen.or(from_env_listen).or(from_file_listen),
        log_format: cli
            .log_format
            .or(from_env_format)
            .or(from_file_format)
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn section(toml_text: &str) -> MonitoringSection {
        toml::from_str(toml_text).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn defaults_to_text_logs_and_metrics_on_the_main_listener() {
        let cli = Cli::parse_from(["conclave-server"]);
        let settings = resolve(None, &cli, &|_| None).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(settings, MonitoringSettings::default());
        assert_eq!(settings.log_format, LogFormat::Text);
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file() {
        let file = section("metrics_listen = \"127.0.0.1:9001\"\nlog_format = \"text\"");
        let env = |name: &str| match name {
            "CONCLAVE_METRICS_LISTEN" => Some("127.0.0.1:9002".to_owned()),
            "CONCLAVE_LOG_FORMAT" => Some("json".to_owned()),
            _ => None,
        };
        let no_flags = Cli::parse_from(["conclave-server"]);
        let settings = resolve(Some(&file), &no_flags, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            settings.metrics_listen,
            Some("127.0.0.1:9002".parse().unwrap_or_else(|e| panic!("{e}")))
        );
        assert_eq!(settings.log_format, LogFormat::Json);
        let flags = Cli::parse_from([
            "conclave-server",
            "--metrics-listen",
            "127.0.0.1:9003",
            "--log-format",
            "text",
        ]);
        let settings = resolve(Some(&file), &flags, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            settings.metrics_listen,
            Some("127.0.0.1:9003".parse().unwrap_or_else(|e| panic!("{e}")))
        );
        assert_eq!(settings.log_format, LogFormat::Text);
        let file_only =
            resolve(Some(&file), &no_flags, &|_| None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            file_only.metrics_listen,
            Some("127.0.0.1:9001".parse().unwrap_or_else(|e| panic!("{e}")))
        );
    }

    #[test]
    fn bad_values_name_their_key() {
        let cli = Cli::parse_from(["conclave-server"]);
        let env = |name: &str| (name == "CONCLAVE_LOG_FORMAT").then(|| "xml".to_owned());
        let error = resolve(None, &cli, &env).err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("CONCLAVE_LOG_FORMAT: unknown value \"xml\", expected \"text\" or \"json\"")
        );
        let file = section("metrics_listen = \"localhost\"");
        let error = resolve(Some(&file), &cli, &|_| None)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("monitoring.metrics_listen: expected IP:PORT, got \"localhost\"")
        );
        assert!(Cli::try_parse_from(["conclave-server", "--log-format", "xml"]).is_err());
        assert!(toml::from_str::<MonitoringSection>("log_fromat = \"json\"").is_err());
    }
}
