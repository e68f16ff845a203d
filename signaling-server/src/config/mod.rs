//! Server configuration: defaults, a TOML file (`--config PATH` or `CONCLAVE_CONFIG`),
//! `CONCLAVE_*` environment variables and command-line flags, in rising precedence
//! (flag > environment > file > default), checked once at start into a [`Config`].
//!
//! Submodules: `file` (the file's shape), [`secret`] (secrets that never print),
//! [`ice`] (ICE servers and TURN REST credentials), [`room_creation`] (who may create
//! rooms), `limits` (the `[limits]` section).
//!
//! An invalid setting stops the server with [`Error::InvalidConfig`], which names the key
//! (`janus.url`, `CONCLAVE_MEDIA_MODE`, `--max-rooms`...) and the problem.

pub mod cluster;
mod file;
pub mod ice;
mod janus_list;
pub mod janus_trust;
mod limits;
pub mod meeting_size;
pub mod monitoring;
pub mod organisations;
pub mod room_creation;
pub mod secret;

use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::RangedU64ValueParser;
use clap::Parser;
use conclave_protocol::{IceServer, IceTransportPolicy, MediaMode};

use crate::error::Error;
pub use cluster::ClusterConfig;
pub use ice::TurnConfig;
pub use janus_trust::{CaBundle, JanusTrust};
pub use monitoring::{LogFormat, MonitoringSettings};
pub use organisations::OrganisationConfig;
pub use room_creation::RoomCreationConfig;
pub use secret::Secret;

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Accepted ranges, shared by the flags, the environment and the file.
const PARTICIPANTS: RangeInclusive<u64> = 1..=256;
const ROOMS: RangeInclusive<u64> = 1..=10_000_000;
const ROOM_TTL_SECS: RangeInclusive<u64> = 1..=7 * 24 * 3600;
const CONNECTIONS: RangeInclusive<u64> = 1..=1_000_000;
const TURN_TTL_SECS: RangeInclusive<u64> = 60..=7 * 24 * 3600;

/// Default lifetime of minted TURN credentials.
const DEFAULT_TURN_TTL: Duration = Duration::from_secs(12 * 3600);

/// How the server's rooms carry media, and where the SFU is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaConfig {
    /// Browsers connect to each other; the default.
    Mesh,
    /// A Janus VideoRoom per meeting, created by the server.
    Janus(JanusConfig),
}

impl MediaConfig {
    /// The mode announced in `joined`.
    pub fn mode(&self) -> MediaMode {
        match self {
            Self::Mesh => MediaMode::Mesh,
            Self::Janus(_) => MediaMode::Janus,
        }
    }
}

/// Where the Janus WebSocket API is. Participants are given the same URL and secret,
/// because browsers speak to Janus directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JanusConfig {
    /// `ws://` or `wss://` URL of Janus' WebSocket transport.
    pub url: String,
    /// Janus' `api_secret`, when Janus is configured with one.
    pub api_secret: Option<Secret>,
    /// The VideoRoom plugin's `admin_key`, when Janus is configured with one: only holders
    /// may create rooms. Kept on the server, never handed to participants.
    pub admin_key: Option<Secret>,
    /// The certificate authorities the server trusts for a `wss://` URL (`janus.ca_file`,
    /// `janus.ca_only`). Browsers use their own trust store.
    pub trust: JanusTrust,
}

/// Settings of a running server. [`Config::new`] gives the defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Directory served as the web app; must hold `index.html`.
    pub www_dir: PathBuf,
    /// Most participants in one room ([`meeting_size`]: by default 6 in mesh mode, 50
    /// with an SFU).
    pub max_participants: usize,
    /// Most rooms held at once; `POST /api/rooms` answers 503 beyond it.
    pub max_rooms: usize,
    /// How long a room may stay empty (including right after creation) before it is removed.
    pub empty_room_ttl: Duration,
    /// Most WebSocket connections at once; further upgrades are answered 503.
    pub max_connections: u32,
    /// Messages queued for one connection before it counts as too slow and is closed (4408).
    pub send_queue_capacity: usize,
    /// How often the server pings each WebSocket (browsers answer pings, never send them).
    pub ping_interval: Duration,
    /// A connection that sends nothing (not even a pong) for this long is closed.
    pub idle_timeout: Duration,
    /// A connection that has not sent `join` this long after opening is closed. The lobby
    /// opens its connection ahead of the click (pongs keep it from the idle timeout): a
    /// lobby left open must not hold a connection forever.
    pub join_timeout: Duration,
    /// Mesh or an SFU.
    pub media: MediaConfig,
    /// STUN/TURN servers given to every participant as they are.
    pub ice_servers: Vec<IceServer>,
    /// A TURN server for which each participant gets its own time-limited credentials.
    pub turn: Option<TurnConfig>,
    /// Who may create rooms (and hold them again after a restart): anyone by default.
    pub room_creation: RoomCreationConfig,
    /// Which candidates participants' peer connections may use (`relay`: only the TURN
    /// server's, so no participant learns another's address, nor the SFU).
    pub ice_transport_policy: IceTransportPolicy,
    /// Rate limits per client address and per connection (`[limits]`).
    pub limits: crate::rate_limits::Limits,
    /// The Redis that several instances share rooms through; `None`: one instance alone.
    pub cluster: Option<ClusterConfig>,
    /// The Janus servers after the first, in configuration order (`[[janus]]` entries 2
    /// on); the first is in `media`. Each new SFU room goes to one of them all.
    pub extra_janus: Vec<JanusConfig>,
    /// The organisations whose members a meeting may verify (`[[organisation]]`,
    /// `--organisation`), in configuration order; listed at `GET /organisations`.
    pub organisations: Vec<OrganisationConfig>,
}

impl Config {
    /// Defaults, serving `www_dir`: mesh media, no ICE servers.
    pub fn new(www_dir: impl Into<PathBuf>) -> Self {
        Self {
            www_dir: www_dir.into(),
            max_participants: 6,
            max_rooms: 10_000,
            empty_room_ttl: Duration::from_secs(30 * 60),
            max_connections: 1024,
            send_queue_capacity: 256,
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            join_timeout: Duration::from_secs(10 * 60),
            media: MediaConfig::Mesh,
            ice_servers: Vec::new(),
            turn: None,
            room_creation: RoomCreationConfig::Open,
            ice_transport_policy: IceTransportPolicy::All,
            limits: crate::rate_limits::Limits::default(),
            cluster: None,
            extra_janus: Vec::new(),
            organisations: Vec::new(),
        }
    }

    /// Every configured Janus, in configuration order; empty in mesh mode.
    pub fn janus_servers(&self) -> Vec<&JanusConfig> {
        match &self.media {
            MediaConfig::Mesh => Vec::new(),
            MediaConfig::Janus(first) => std::iter::once(first).chain(&self.extra_janus).collect(),
        }
    }

    /// Checks that the www directory holds `index.html`.
    pub fn check_www_dir(&self) -> Result<(), Error> {
        if self.www_dir.join("index.html").is_file() {
            Ok(())
        } else {
            Err(Error::MissingIndex {
                dir: self.www_dir.clone(),
            })
        }
    }
}

/// Conclave's signaling server: serves the app, creates rooms and relays signaling.
///
/// Each setting can also come from a `CONCLAVE_*` environment variable or the TOML file
/// (see the README); a flag wins over both.
#[derive(Debug, Parser)]
#[command(name = "conclave-server", version, about)]
pub struct Cli {
    /// TOML configuration file [env: CONCLAVE_CONFIG].
    #[arg(long)]
    pub config: Option<PathBuf>,

    /// Address and port to listen on [env: CONCLAVE_LISTEN] [default: 127.0.0.1:8080].
    #[arg(long)]
    pub listen: Option<SocketAddr>,

    /// Directory holding the built web app [env: CONCLAVE_WWW_DIR] [default: target/www].
    #[arg(long)]
    pub www_dir: Option<PathBuf>,

    /// Most participants in one room [env: CONCLAVE_MAX_PARTICIPANTS] [default: 6 in mesh
    /// mode (at most 12), 50 with Janus].
    #[arg(long, value_parser = RangedU64ValueParser::<usize>::new().range(PARTICIPANTS))]
    pub max_participants: Option<usize>,

    /// Most rooms held at once [env: CONCLAVE_MAX_ROOMS] [default: 10000].
    #[arg(long, value_parser = RangedU64ValueParser::<usize>::new().range(ROOMS))]
    pub max_rooms: Option<usize>,

    /// Seconds a room may stay empty before it is removed [env: CONCLAVE_ROOM_TTL_SECS]
    /// [default: 1800].
    #[arg(long, value_parser = RangedU64ValueParser::<u64>::new().range(ROOM_TTL_SECS))]
    pub room_ttl_secs: Option<u64>,

    /// Most WebSocket connections at once [env: CONCLAVE_MAX_CONNECTIONS] [default: 1024].
    #[arg(long, value_parser = RangedU64ValueParser::<u32>::new().range(CONNECTIONS))]
    pub max_connections: Option<u32>,

    /// Serve `/metrics` on this address instead of the main one [env:
    /// CONCLAVE_METRICS_LISTEN] [default: none, on the main listener].
    #[arg(long)]
    pub metrics_listen: Option<SocketAddr>,

    /// Log lines as `text` or `json` (one object per line) [env: CONCLAVE_LOG_FORMAT]
    /// [default: text].
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,

    /// Share rooms with other instances through this Redis (`redis://host:port`,
    /// `unix:///path`) [env: CONCLAVE_REDIS_URL] [default: none, a single instance].
    #[arg(long)]
    pub redis_url: Option<String>,

    /// An organisation whose members meetings may verify: its CA certificate and,
    /// optionally, its revocation list, both PEM files; repeat for each organisation
    /// (replaces the file's `[[organisation]]` entries) [default: none].
    #[arg(long = "organisation", value_name = "CA.pem[,CRL.pem]")]
    pub organisation: Vec<String>,
}

/// Everything `main` needs: the address to bind and the library configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The rest.
    pub config: Config,
    /// Where `/metrics` is served and how logs are written.
    pub monitoring: MonitoringSettings,
}

/// The settings one source (file, environment or flags) gives, each with the key it
/// came from, so a later check can name it.
#[derive(Default)]
struct Layer {
    listen: Option<SocketAddr>,
    www_dir: Option<PathBuf>,
    max_participants: Option<usize>,
    max_rooms: Option<usize>,
    room_ttl_secs: Option<u64>,
    max_connections: Option<u32>,
    media_mode: Option<MediaMode>,
    janus_url: Option<Keyed<String>>,
    janus_api_secret: Option<Secret>,
    janus_admin_key: Option<Secret>,
    janus_ca_file: Option<Keyed<PathBuf>>,
    janus_ca_only: Option<Keyed<bool>>,
    turn_secret: Option<Keyed<Secret>>,
    ice_transport_policy: Option<Keyed<IceTransportPolicy>>,
    /// `[[janus]]` entries (the file only).
    janus_list: Vec<JanusConfig>,
}

/// A value and the key that set it.
struct Keyed<T> {
    key: &'static str,
    value: T,
}

impl Layer {
    /// `self` with `over` on top.
    fn overlaid_by(self, over: Layer) -> Layer {
        Layer {
            listen: over.listen.or(self.listen),
            www_dir: over.www_dir.or(self.www_dir),
            max_participants: over.max_participants.or(self.max_participants),
            max_rooms: over.max_rooms.or(self.max_rooms),
            room_ttl_secs: over.room_ttl_secs.or(self.room_ttl_secs),
            max_connections: over.max_connections.or(self.max_connections),
            media_mode: over.media_mode.or(self.media_mode),
            janus_url: over.janus_url.or(self.janus_url),
            janus_api_secret: over.janus_api_secret.or(self.janus_api_secret),
            janus_admin_key: over.janus_admin_key.or(self.janus_admin_key),
            janus_ca_file: over.janus_ca_file.or(self.janus_ca_file),
            janus_ca_only: over.janus_ca_only.or(self.janus_ca_only),
            turn_secret: over.turn_secret.or(self.turn_secret),
            ice_transport_policy: over.ice_transport_policy.or(self.ice_transport_policy),
            janus_list: if over.janus_list.is_empty() {
                self.janus_list
            } else {
                over.janus_list
            },
        }
    }
}

fn invalid(key: &str, problem: impl Into<String>) -> Error {
    Error::InvalidConfig {
        key: key.to_owned(),
        problem: problem.into(),
    }
}

/// `value` if it lies in `range`, converted to `T`.
fn in_range<T: TryFrom<u64>>(
    key: &str,
    value: u64,
    range: RangeInclusive<u64>,
) -> Result<T, Error> {
    if range.contains(&value) {
        T::try_from(value)
            .map_err(|_| invalid(key, format!("{value} does not fit on this machine")))
    } else {
        Err(invalid(
            key,
            format!(
                "{value} is out of range, expected {} to {}",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// Parses a decimal number from the environment, then checks its range.
fn env_number<T: TryFrom<u64>>(
    key: &'static str,
    text: &str,
    range: RangeInclusive<u64>,
) -> Result<T, Error> {
    let value: u64 = text
        .trim()
        .parse()
        .map_err(|_| invalid(key, format!("expected a whole number, got {text:?}")))?;
    in_range(key, value, range)
}

fn parse_listen(key: &str, text: &str) -> Result<SocketAddr, Error> {
    text.trim()
        .parse()
        .map_err(|_| invalid(key, format!("expected IP:PORT, got {text:?}")))
}

fn parse_mode(key: &str, text: &str) -> Result<MediaMode, Error> {
    match text {
        "mesh" => Ok(MediaMode::Mesh),
        "janus" => Ok(MediaMode::Janus),
        other => Err(invalid(
            key,
            format!("unknown value {other:?}, expected \"mesh\" or \"janus\""),
        )),
    }
}

/// Checks a Janus WebSocket URL: `ws://` or `wss://`, a host, no spaces.
fn check_janus_url(key: &str, url: &str) -> Result<(), Error> {
    let rest = url
        .strip_prefix("ws://")
        .or_else(|| url.strip_prefix("wss://"))
        .ok_or_else(|| invalid(key, format!("expected a ws:// or wss:// URL, got {url:?}")))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(key, format!("not a usable URL: {url:?}")));
    }
    Ok(())
}

/// A secret from the environment or file: refuses an empty one.
fn non_empty_secret(key: &str, text: String) -> Result<Secret, Error> {
    if text.is_empty() {
        Err(invalid(key, "is empty"))
    } else {
        Ok(Secret::new(text))
    }
}

impl Settings {
    /// Reads the configuration file named by `--config` or `CONCLAVE_CONFIG` (if any),
    /// then applies the environment (`env` looks a variable up) and the flags.
    pub fn load(cli: &Cli, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let path = cli
            .config
            .clone()
            .or_else(|| env("CONCLAVE_CONFIG").map(PathBuf::from));
        let text = match &path {
            Some(path) => {
                Some(
                    std::fs::read_to_string(path).map_err(|source| Error::ConfigFile {
                        path: path.clone(),
                        source,
                    })?,
                )
            }
            None => None,
        };
        Self::from_sources(text.as_deref(), path.as_deref(), cli, env)
    }

    /// Like [`Self::load`], with the file's text given (`None`: no file).
    fn from_sources(
        file_text: Option<&str>,
        path: Option<&Path>,
        cli: &Cli,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        let mut file: file::FileConfig = match file_text {
            Some(text) => toml::from_str(text).map_err(|error| Error::ConfigSyntax {
                path: path.map(Path::to_path_buf).unwrap_or_default(),
                message: error.to_string(),
            })?,
            None => file::FileConfig::default(),
        };
        let janus_in_file = janus_list::read(file.janus.take(), env)?;
        let mut from_file = file_layer(&file, janus_in_file.table())?;
        from_file.janus_list = janus_in_file.entries().to_vec();
        let room_creation = room_creation::resolve(file.room_creation.as_ref(), env)?;
        let limits = limits::limits_from(file.limits.as_ref(), env)?;
        let monitoring = monitoring::resolve(file.monitoring.as_ref(), cli, env)?;
        let cluster = cluster::resolve(file.cluster.as_ref(), cli.redis_url.as_deref(), env)?;
        let organisations =
            organisations::resolve(std::mem::take(&mut file.organisation), &cli.organisation)?;
        let from_env = env_layer(env)?;
        let from_flags = flag_layer(cli);
        let participants_key = meeting_size::setting_key(
            from_flags.max_participants.is_some(),
            from_env.max_participants.is_some(),
            from_file.max_participants.is_some(),
        );
        let merged = from_file.overlaid_by(from_env).overlaid_by(from_flags);
        let mut settings = build(merged, file)?;
        meeting_size::settle(&mut settings.config, participants_key)?;
        settings.config.room_creation = room_creation;
        settings.config.limits = limits;
        settings.monitoring = monitoring;
        settings.config.cluster = cluster;
        settings.config.organisations = organisations;
        Ok(settings)
    }
}

fn file_layer(file: &file::FileConfig, janus: Option<&file::JanusSection>) -> Result<Layer, Error> {
    Ok(Layer {
        listen: file
            .listen
            .as_deref()
            .map(|text| parse_listen("listen", text))
            .transpose()?,
        www_dir: file.www_dir.clone(),
        max_participants: file
            .max_participants
            .map(|v| in_range("max_participants", v, PARTICIPANTS))
            .transpose()?,
        max_rooms: file
            .max_rooms
            .map(|v| in_range("max_rooms", v, ROOMS))
            .transpose()?,
        room_ttl_secs: file
            .room_ttl_secs
            .map(|v| in_range("room_ttl_secs", v, ROOM_TTL_SECS))
            .transpose()?,
        max_connections: file
            .max_connections
            .map(|v| in_range("max_connections", v, CONNECTIONS))
            .transpose()?,
        media_mode: file
            .media
            .as_ref()
            .and_then(|media| media.mode.as_deref())
            .map(|mode| parse_mode("media.mode", mode))
            .transpose()?,
        janus_url: janus.and_then(|j| j.url.clone()).map(|value| Keyed {
            key: "janus.url",
            value,
        }),
        janus_api_secret: janus
            .and_then(|j| j.api_secret.clone())
            .map(|text| non_empty_secret("janus.api_secret", text))
            .transpose()?,
        janus_admin_key: janus
            .and_then(|j| j.admin_key.clone())
            .map(|text| non_empty_secret("janus.admin_key", text))
            .transpose()?,
        janus_ca_file: janus.and_then(|j| j.ca_file.clone()).map(|value| Keyed {
            key: "janus.ca_file",
            value,
        }),
        janus_ca_only: janus.and_then(|j| j.ca_only).map(|value| Keyed {
            key: "janus.ca_only",
            value,
        }),
        turn_secret: file
            .turn
            .as_ref()
            .and_then(|turn| turn.shared_secret.clone())
            .map(|text| {
                non_empty_secret("turn.shared_secret", text).map(|value| Keyed {
                    key: "turn.shared_secret",
                    value,
                })
            })
            .transpose()?,
        ice_transport_policy: keyed_transport_policy(
            "ice_transport_policy",
            file.ice_transport_policy.as_deref(),
        )?,
        janus_list: Vec::new(),
    })
}

fn env_layer(env: &dyn Fn(&str) -> Option<String>) -> Result<Layer, Error> {
    Ok(Layer {
        listen: env("CONCLAVE_LISTEN")
            .map(|text| parse_listen("CONCLAVE_LISTEN", &text))
            .transpose()?,
        www_dir: env("CONCLAVE_WWW_DIR").map(PathBuf::from),
        max_participants: env("CONCLAVE_MAX_PARTICIPANTS")
            .map(|t| env_number("CONCLAVE_MAX_PARTICIPANTS", &t, PARTICIPANTS))
            .transpose()?,
        max_rooms: env("CONCLAVE_MAX_ROOMS")
            .map(|t| env_number("CONCLAVE_MAX_ROOMS", &t, ROOMS))
            .transpose()?,
        room_ttl_secs: env("CONCLAVE_ROOM_TTL_SECS")
            .map(|t| env_number("CONCLAVE_ROOM_TTL_SECS", &t, ROOM_TTL_SECS))
            .transpose()?,
        max_connections: env("CONCLAVE_MAX_CONNECTIONS")
            .map(|t| env_number("CONCLAVE_MAX_CONNECTIONS", &t, CONNECTIONS))
            .transpose()?,
        media_mode: env("CONCLAVE_MEDIA_MODE")
            .map(|mode| parse_mode("CONCLAVE_MEDIA_MODE", &mode))
            .transpose()?,
        janus_url: env("CONCLAVE_JANUS_URL").map(|value| Keyed {
            key: "CONCLAVE_JANUS_URL",
            value,
        }),
        janus_api_secret: env("CONCLAVE_JANUS_API_SECRET")
            .map(|text| non_empty_secret("CONCLAVE_JANUS_API_SECRET", text))
            .transpose()?,
        janus_admin_key: env("CONCLAVE_JANUS_ADMIN_KEY")
            .map(|text| non_empty_secret("CONCLAVE_JANUS_ADMIN_KEY", text))
            .transpose()?,
        janus_ca_file: env("CONCLAVE_JANUS_CA_FILE").map(|value| Keyed {
            key: "CONCLAVE_JANUS_CA_FILE",
            value: PathBuf::from(value),
        }),
        janus_ca_only: env("CONCLAVE_JANUS_CA_ONLY")
            .map(|text| {
                janus_trust::parse_bool("CONCLAVE_JANUS_CA_ONLY", &text).map(|value| Keyed {
                    key: "CONCLAVE_JANUS_CA_ONLY",
                    value,
                })
            })
            .transpose()?,
        turn_secret: env("CONCLAVE_TURN_SECRET")
            .map(|text| {
                non_empty_secret("CONCLAVE_TURN_SECRET", text).map(|value| Keyed {
                    key: "CONCLAVE_TURN_SECRET",
                    value,
                })
            })
            .transpose()?,
        ice_transport_policy: keyed_transport_policy(
            "CONCLAVE_ICE_TRANSPORT_POLICY",
            env("CONCLAVE_ICE_TRANSPORT_POLICY").as_deref(),
        )?,
        janus_list: Vec::new(),
    })
}

/// The ICE transport policy `key` sets, if it is set.
fn keyed_transport_policy(
    key: &'static str,
    text: Option<&str>,
) -> Result<Option<Keyed<IceTransportPolicy>>, Error> {
    text.map(|text| ice::parse_transport_policy(key, text).map(|value| Keyed { key, value }))
        .transpose()
}

fn flag_layer(cli: &Cli) -> Layer {
    Layer {
        listen: cli.listen,
        www_dir: cli.www_dir.clone(),
        max_participants: cli.max_participants,
        max_rooms: cli.max_rooms,
        room_ttl_secs: cli.room_ttl_secs,
        max_connections: cli.max_connections,
        ..Layer::default()
    }
}

/// Applies the merged layer to the defaults and checks what depends on several keys.
fn build(merged: Layer, file: file::FileConfig) -> Result<Settings, Error> {
    let mut config = Config::new(
        merged
            .www_dir
            .unwrap_or_else(|| PathBuf::from("target/www")),
    );
    if let Some(value) = merged.max_participants {
        config.max_participants = value;
    }
    if let Some(value) = merged.max_rooms {
        config.max_rooms = value;
    }
    if let Some(secs) = merged.room_ttl_secs {
        config.empty_room_ttl = Duration::from_secs(secs);
    }
    if let Some(value) = merged.max_connections {
        config.max_connections = value;
    }
    config.media = match merged.media_mode.unwrap_or(MediaMode::Mesh) {
        MediaMode::Mesh => MediaConfig::Mesh,
        MediaMode::Janus if !merged.janus_list.is_empty() => {
            let mut entries = merged.janus_list.into_iter();
            let first = entries
                .next()
                .ok_or_else(|| invalid("janus", "an empty list"))?;
            config.extra_janus = entries.collect();
            MediaConfig::Janus(first)
        }
        MediaMode::Janus => {
            let url = merged
                .janus_url
                .ok_or_else(|| invalid("janus.url", "required when media.mode = \"janus\""))?;
            check_janus_url(url.key, &url.value)?;
            let trust =
                janus_trust::janus_trust(&url.value, merged.janus_ca_file, merged.janus_ca_only)?;
            MediaConfig::Janus(JanusConfig {
                url: url.value,
                api_secret: merged.janus_api_secret,
                admin_key: merged.janus_admin_key,
                trust,
            })
        }
    };
    config.ice_servers = file
        .ice_servers
        .into_iter()
        .enumerate()
        .map(|(index, server)| ice::check_static_server(&format!("ice_servers[{index}]"), server))
        .collect::<Result<_, _>>()?;
    config.turn = match (file.turn, merged.turn_secret) {
        (None, None) => None,
        (None, Some(secret)) => {
            return Err(invalid(
                secret.key,
                "set, but the configuration file has no [turn] section with the TURN urls",
            ))
        }
        (Some(_), None) => {
            return Err(invalid(
                "turn.shared_secret",
                "required when [turn] is set (or set CONCLAVE_TURN_SECRET)",
            ))
        }
        (Some(turn), Some(secret)) => {
            let ttl = match turn.credential_ttl_secs {
                Some(secs) => {
                    Duration::from_secs(in_range("turn.credential_ttl_secs", secs, TURN_TTL_SECS)?)
                }
                None => DEFAULT_TURN_TTL,
            };
            Some(TurnConfig::new("turn.urls", turn.urls, secret.value, ttl)?)
        }
    };
    if let Some(policy) = merged.ice_transport_policy {
        ice::check_transport_policy(
            policy.key,
            policy.value,
            &config.ice_servers,
            config.turn.as_ref(),
        )?;
        config.ice_transport_policy = policy.value;
    }
    let listen = match merged.listen {
        Some(listen) => listen,
        None => parse_listen("listen", DEFAULT_LISTEN)?,
    };
    Ok(Settings {
        listen,
        config,
        monitoring: MonitoringSettings::default(),
    })
}

#[cfg(test)]
mod tests;
