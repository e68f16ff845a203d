//! How many people a meeting holds (`max_participants`, `CONCLAVE_MAX_PARTICIPANTS`,
//! `--max-participants`), by media mode when the operator sets nothing:
//!
//! - mesh: [`MESH_DEFAULT_PARTICIPANTS`]. Each browser sends its media to every other
//!   (one encoder and one uplink per peer), which is good to about six people; a setting
//!   above [`MESH_MAX_PARTICIPANTS`] is refused at start rather than warned about,
//!   because the meeting it allows would fail for everyone in it, not for the operator.
//! - an SFU: [`SFU_DEFAULT_PARTICIPANTS`], a council's delegations and their staff.
//!   Each browser sends once; Janus' VideoRoom `publishers` follows this number.
//!
//! An explicit setting wins within 1..=256 (and the mesh bound).
//!
//! A participant turned away from a full mesh room is told the bound in the close
//! reason ([`room_full_reason`]), so that the page can explain it.

use conclave_protocol::close_code;
pub use conclave_protocol::close_code::MESH_MAX_PARTICIPANTS;
use conclave_protocol::MediaMode;

use super::{invalid, Config, MediaConfig};
use crate::error::Error;

/// `max_participants` in mesh mode when nothing sets it.
pub const MESH_DEFAULT_PARTICIPANTS: usize = 6;
/// `max_participants` with an SFU when nothing sets it.
pub const SFU_DEFAULT_PARTICIPANTS: usize = 50;

/// The default for `mode`.
pub fn default_participants(mode: MediaMode) -> usize {
    match mode {
        MediaMode::Mesh => MESH_DEFAULT_PARTICIPANTS,
        MediaMode::Janus => SFU_DEFAULT_PARTICIPANTS,
    }
}

/// Which source set `max_participants`, by precedence (flag > environment > file), if any.
pub(super) fn setting_key(flag: bool, environment: bool, file: bool) -> Option<&'static str> {
    if flag {
        Some("--max-participants")
    } else if environment {
        Some("CONCLAVE_MAX_PARTICIPANTS")
    } else if file {
        Some("max_participants")
    } else {
        None
    }
}

/// Settles `config.max_participants` once the media mode is known: the default for the
/// mode if `key` is `None` (nothing set it), else the value `key` set, refused above
/// [`MESH_MAX_PARTICIPANTS`] in mesh mode.
pub(super) fn settle(config: &mut Config, key: Option<&'static str>) -> Result<(), Error> {
    let mode = config.media.mode();
    let Some(key) = key else {
        config.max_participants = default_participants(mode);
        return Ok(());
    };
    if mode == MediaMode::Mesh && config.max_participants > MESH_MAX_PARTICIPANTS {
        return Err(invalid(
            key,
            format!(
                "{} is more than a meeting without a media server can carry (at most \
                 {MESH_MAX_PARTICIPANTS}: each browser sends its media to every other); \
                 set media.mode = \"janus\" for larger meetings",
                config.max_participants
            ),
        ));
    }
    Ok(())
}

/// The reason of the close that turns a joiner away from a full room: in mesh mode it
/// names the bound, so that the page can say meetings without a media server stay small.
pub fn room_full_reason(config: &Config) -> &'static str {
    match config.media {
        MediaConfig::Mesh => close_code::mesh_room_full_reason(config.max_participants),
        MediaConfig::Janus(_) => "room full",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use clap::Parser as _;

    use super::*;
    use crate::config::{Cli, Settings};

    fn load(file: &str, env: &[(&str, &str)], args: &[&str]) -> Result<Settings, Error> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut all = vec!["conclave-server"];
        all.extend_from_slice(args);
        let cli = Cli::try_parse_from(all).unwrap();
        let lookup = move |key: &str| env.get(key).cloned();
        Settings::from_sources(Some(file), Some(Path::new("conclave.toml")), &cli, &lookup)
    }

    const JANUS: &str = "[media]\nmode = \"janus\"\n[janus]\nurl = \"ws://127.0.0.1:8188\"\n";

    #[test]
    fn the_default_follows_the_media_mode() {
        assert_eq!(load("", &[], &[]).unwrap().config.max_participants, 6);
        assert_eq!(load(JANUS, &[], &[]).unwrap().config.max_participants, 50);
        let from_env = [
            ("CONCLAVE_MEDIA_MODE", "janus"),
            ("CONCLAVE_JANUS_URL", "ws://j"),
        ];
        assert_eq!(
            load("", &from_env, &[]).unwrap().config.max_participants,
            50
        );
    }

    #[test]
    fn an_explicit_setting_wins_in_either_mode() {
        let file = format!("max_participants = 30\n{JANUS}");
        assert_eq!(load(&file, &[], &[]).unwrap().config.max_participants, 30);
        let config = load(JANUS, &[("CONCLAVE_MAX_PARTICIPANTS", "4")], &[]).unwrap();
        assert_eq!(config.config.max_participants, 4);
        let config = load(JANUS, &[], &["--max-participants", "200"]).unwrap();
        assert_eq!(config.config.max_participants, 200);
        let config = load("max_participants = 12\n", &[], &[]).unwrap();
        assert_eq!(config.config.max_participants, 12);
        let config = load("", &[], &["--max-participants", "3"]).unwrap();
        assert_eq!(config.config.max_participants, 3);
    }

    #[test]
    fn a_large_mesh_is_refused_naming_the_key_that_set_it() {
        // (file, environment, flags, expected refusal)
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
        let cases: [Case; 3] = [
            (
                "max_participants = 13\n",
                &[],
                &[],
                "max_participants: 13 is more than",
            ),
            (
                "max_participants = 8\n",
                &[("CONCLAVE_MAX_PARTICIPANTS", "50")],
                &[],
                "CONCLAVE_MAX_PARTICIPANTS: 50 is more than",
            ),
            (
                "",
                &[("CONCLAVE_MAX_PARTICIPANTS", "6")],
                &["--max-participants", "30"],
                "--max-participants: 30 is more than",
            ),
        ];
        for (file, env, args, expected) in cases {
            let error = load(file, env, args).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{error}");
            assert!(error.contains("media.mode = \"janus\""), "{error}");
        }
    }

    #[test]
    fn a_full_mesh_room_says_how_many_it_holds() {
        let mesh = load("max_participants = 4\n", &[], &[]).unwrap().config;
        let reason = room_full_reason(&mesh);
        assert_eq!(close_code::mesh_capacity_in_reason(reason), Some(4));
        let janus = load(JANUS, &[], &[]).unwrap().config;
        assert_eq!(room_full_reason(&janus), "room full");
    }
}
