//! Server configuration: the command line (each flag also read from a `CONCLAVE_*`
//! environment variable) and the [`Config`] the library runs with.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::RangedU64ValueParser;
use clap::Parser;

use crate::error::Error;

/// Settings of a running server. [`Config::new`] gives the defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Directory served as the web app; must hold `index.html`.
    pub www_dir: PathBuf,
    /// Most participants in one room.
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
}

impl Config {
    /// Defaults, serving `www_dir`.
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
#[derive(Debug, Parser)]
#[command(name = "conclave-server", version, about)]
pub struct Cli {
    /// Address and port to listen on.
    #[arg(long, env = "CONCLAVE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory holding the built web app (index.html, app.js, pkg/...).
    #[arg(long, env = "CONCLAVE_WWW_DIR", default_value = "target/www")]
    pub www_dir: PathBuf,

    /// Most participants in one room (mesh media is comfortable up to about 6).
    #[arg(
        long,
        env = "CONCLAVE_MAX_PARTICIPANTS",
        default_value_t = 6,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=256)
    )]
    pub max_participants: usize,

    /// Most rooms held at once.
    #[arg(
        long,
        env = "CONCLAVE_MAX_ROOMS",
        default_value_t = 10_000,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=10_000_000)
    )]
    pub max_rooms: usize,

    /// Seconds a room may stay empty before it is removed.
    #[arg(
        long,
        env = "CONCLAVE_ROOM_TTL_SECS",
        default_value_t = 1800,
        value_parser = RangedU64ValueParser::<u64>::new().range(1..=7 * 24 * 3600)
    )]
    pub room_ttl_secs: u64,

    /// Most WebSocket connections at once.
    #[arg(
        long,
        env = "CONCLAVE_MAX_CONNECTIONS",
        default_value_t = 1024,
        value_parser = RangedU64ValueParser::<u32>::new().range(1..=1_000_000)
    )]
    pub max_connections: u32,
}

impl Cli {
    /// The library configuration these flags describe (the listen address stays with the
    /// caller, which binds it).
    pub fn to_config(&self) -> Config {
        let mut config = Config::new(self.www_dir.clone());
        config.max_participants = self.max_participants;
        config.max_rooms = self.max_rooms;
        config.empty_room_ttl = Duration::from_secs(self.room_ttl_secs);
        config.max_connections = self.max_connections;
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documentation() {
        let cli = Cli::try_parse_from(["conclave-server"]).unwrap();
        assert_eq!(cli.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(cli.www_dir, PathBuf::from("target/www"));
        let config = cli.to_config();
        assert_eq!(config.max_participants, 6);
        assert_eq!(config.empty_room_ttl, Duration::from_secs(1800));
    }

    #[test]
    fn invalid_values_name_the_flag() {
        for args in [
            ["conclave-server", "--max-participants", "0"],
            ["conclave-server", "--max-participants", "six"],
            ["conclave-server", "--listen", "localhost"],
            ["conclave-server", "--max-rooms", "0"],
            ["conclave-server", "--room-ttl-secs", "soon"],
        ] {
            let err = Cli::try_parse_from(args).unwrap_err().to_string();
            assert!(err.contains(args[1]), "{err:?} should name {}", args[1]);
        }
    }

    #[test]
    fn a_www_dir_without_index_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path());
        assert!(matches!(
            config.check_www_dir(),
            Err(Error::MissingIndex { .. })
        ));
        std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
        assert!(config.check_www_dir().is_ok());
    }
}
