//! Scenario: the example configuration shipped in `deploy/` is one the server accepts, as
//! is, and with Janus switched on the way its comments say.
// Test code: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use clap::Parser as _;
use conclave_protocol::MediaMode;
use conclave_signaling_server::{Cli, Settings};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/conclave.toml.example")
}

fn load(path: &Path) -> Settings {
    let cli = Cli::try_parse_from(["conclave-server", "--config", path.to_str().unwrap()]).unwrap();
    Settings::load(&cli, &|_| None).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn the_example_configuration_is_accepted_as_shipped() {
    let settings = load(&example());
    assert_eq!(settings.listen, "127.0.0.1:8080".parse().unwrap());
    assert_eq!(settings.config.www_dir, PathBuf::from("/srv/conclave/www"));
    assert_eq!(settings.config.media.mode(), MediaMode::Mesh);
    assert_eq!(settings.config.max_participants, 6);
}

#[test]
fn the_example_with_janus_switched_on_is_accepted() {
    let text = std::fs::read_to_string(example()).unwrap();
    let janus = text.replace("mode = \"mesh\"", "mode = \"janus\"").replace(
        "# url = \"wss://janus.example.org/janus-ws\"",
        "url = \"wss://janus.example.org/janus-ws\"",
    );
    assert_ne!(janus, text, "the example's Janus lines moved");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("conclave.toml");
    std::fs::write(&path, janus).unwrap();
    let settings = load(&path);
    assert_eq!(settings.config.media.mode(), MediaMode::Janus);
    assert_eq!(settings.config.max_participants, 50);
}
