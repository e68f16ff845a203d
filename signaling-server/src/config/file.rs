//! The TOML configuration file's shape (`--config PATH` or `CONCLAVE_CONFIG`). Every table
//! refuses unknown keys, so a typo stops the server instead of being ignored. Values are
//! checked, and given their types, in [`super::Settings::load`].

use std::path::PathBuf;

use serde::Deserialize;

/// The whole file; every key is optional.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub listen: Option<String>,
    pub www_dir: Option<PathBuf>,
    pub max_participants: Option<u64>,
    pub max_rooms: Option<u64>,
    pub room_ttl_secs: Option<u64>,
    pub max_connections: Option<u64>,
    pub media: Option<MediaSection>,
    /// `[janus]` (one table) or `[[janus]]` (entries): checked by `super::janus_list`.
    pub janus: Option<super::janus_list::JanusTables>,
    #[serde(default)]
    pub ice_servers: Vec<IceServerSection>,
    pub turn: Option<TurnSection>,
    /// `"all"` or `"relay"`; a string here so that an unknown value gets our message.
    pub ice_transport_policy: Option<String>,
    pub room_creation: Option<super::room_creation::RoomCreationSection>,
    pub limits: Option<super::limits::LimitsSection>,
    pub monitoring: Option<super::monitoring::MonitoringSection>,
    pub cluster: Option<super::cluster::ClusterSection>,
    /// `[[organisation]]` entries: checked by `super::organisations`.
    #[serde(default)]
    pub organisation: Vec<super::organisations::OrganisationSection>,
}

/// `[media]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MediaSection {
    /// `"mesh"` or `"janus"`; a string here so that an unknown value gets our message.
    pub mode: Option<String>,
}

/// `[janus]`, or one `[[janus]]` entry.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JanusSection {
    pub url: Option<String>,
    pub api_secret: Option<String>,
    pub admin_key: Option<String>,
    /// A PEM bundle of CA certificates trusted for `wss://` (see `janus_trust`).
    pub ca_file: Option<PathBuf>,
    /// Trust `ca_file` alone, not the public web roots.
    pub ca_only: Option<bool>,
}

/// One `[[ice_servers]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IceServerSection {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// `[turn]`: a TURN server that accepts time-limited credentials (coturn `use-auth-secret`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TurnSection {
    pub urls: Vec<String>,
    pub shared_secret: Option<String>,
    pub credential_ttl_secs: Option<u64>,
}
