//! Configuration scenarios: defaults, a full file, every refusal naming its key, the
//! precedence of flags over the environment over the file, secrets kept out of `Debug`.

use std::collections::HashMap;

use super::*;

fn cli(args: &[&str]) -> Cli {
    let mut all = vec!["conclave-server"];
    all.extend_from_slice(args);
    Cli::try_parse_from(all).unwrap()
}

fn load(file: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Result<Settings, Error> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let lookup = move |key: &str| env.get(key).cloned();
    Settings::from_sources(file, Some(Path::new("conclave.toml")), &cli(args), &lookup)
}

fn refusal(file: Option<&str>, env: &[(&str, &str)]) -> String {
    match load(file, env, &[]) {
        Ok(settings) => panic!("accepted: {settings:?}"),
        Err(error) => error.to_string(),
    }
}

const FULL: &str = r#"
listen = "0.0.0.0:9000"
www_dir = "/srv/conclave/www"
max_participants = 50
max_rooms = 100
room_ttl_secs = 600
max_connections = 500

[media]
mode = "janus"

[janus]
url = "wss://janus.example.org/janus-ws"
api_secret = "janus-api-secret-value"
admin_key = "videoroom-admin-key"

[[ice_servers]]
urls = ["stun:stun.example.org:3478"]

[[ice_servers]]
urls = ["turn:static.example.org:3478"]
username = "fixed"
credential = "fixed-credential-value"

[turn]
urls = ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"]
shared_secret = "turn-shared-secret-value"
credential_ttl_secs = 3600
"#;

#[test]
fn no_configuration_means_mesh_as_before() {
    let settings = load(None, &[], &[]).unwrap();
    assert_eq!(settings.listen, DEFAULT_LISTEN.parse().unwrap());
    assert_eq!(settings.config.www_dir, PathBuf::from("target/www"));
    assert_eq!(settings.config.max_participants, 6);
    assert_eq!(settings.config.max_rooms, 10_000);
    assert_eq!(settings.config.empty_room_ttl, Duration::from_secs(1800));
    assert_eq!(settings.config.max_connections, 1024);
    assert_eq!(settings.config.media, MediaConfig::Mesh);
    assert!(settings.config.ice_servers.is_empty());
    assert!(settings.config.turn.is_none());
}

#[test]
fn a_full_file_is_read() {
    let settings = load(Some(FULL), &[], &[]).unwrap();
    let config = &settings.config;
    assert_eq!(settings.listen, "0.0.0.0:9000".parse().unwrap());
    assert_eq!(config.www_dir, PathBuf::from("/srv/conclave/www"));
    assert_eq!(config.max_participants, 50);
    assert_eq!(config.max_rooms, 100);
    assert_eq!(config.empty_room_ttl, Duration::from_secs(600));
    assert_eq!(config.max_connections, 500);
    assert_eq!(
        config.media,
        MediaConfig::Janus(JanusConfig {
            url: "wss://janus.example.org/janus-ws".into(),
            api_secret: Some(Secret::new("janus-api-secret-value")),
            admin_key: Some(Secret::new("videoroom-admin-key")),
            trust: Default::default(),
        })
    );
    assert_eq!(config.media.mode(), MediaMode::Janus);
    assert_eq!(config.ice_servers.len(), 2);
    assert_eq!(config.ice_servers[1].username.as_deref(), Some("fixed"));
    let turn = config.turn.as_ref().unwrap();
    let minted = turn.credentials_for(conclave_protocol::ParticipantId(1), 1000);
    assert_eq!(minted.username.as_deref(), Some("4600:1"));
    assert_eq!(minted.urls.len(), 2);
}

#[test]
fn each_invalid_setting_is_refused_naming_its_key() {
    let cases: &[(&str, &str)] = &[
        (
            "[media]\nmode = \"janus\"\n",
            "janus.url: required when media.mode = \"janus\"",
        ),
        (
            "[media]\nmode = \"sfu\"\n",
            "media.mode: unknown value \"sfu\", expected \"mesh\" or \"janus\"",
        ),
        (
            "[media]\nmode = \"janus\"\n[janus]\nurl = \"http://janus.example.org\"\n",
            "janus.url: expected a ws:// or wss:// URL",
        ),
        ("[media]\nmode = \"janus\"\n[janus]\nurl = \"ws://\"\n", "janus.url: not a usable URL"),
        (
            "[turn]\nurls = [\"turn:t.example.org\"]\n",
            "turn.shared_secret: required when [turn] is set",
        ),
        (
            "[turn]\nurls = [\"stun:t.example.org\"]\nshared_secret = \"s\"\n",
            "turn.urls: ",
        ),
        (
            "[turn]\nurls = [\"turn:t.example.org\"]\nshared_secret = \"s\"\ncredential_ttl_secs = 1\n",
            "turn.credential_ttl_secs: 1 is out of range",
        ),
        ("[[ice_servers]]\nurls = [\"http://x\"]\n", "ice_servers[0].urls: "),
        (
            "[[ice_servers]]\nurls = [\"turn:x.example.org\"]\n",
            "ice_servers[0]: a TURN server needs username and credential",
        ),
        ("max_participants = 0\n", "max_participants: 0 is out of range"),
        ("listen = \"localhost\"\n", "listen: expected IP:PORT"),
        ("[janus]\napi_secret = \"\"\n", "janus.api_secret: is empty"),
    ];
    for (file, expected) in cases {
        let message = refusal(Some(file), &[]);
        assert!(
            message.starts_with(expected),
            "for {file:?}: {message:?} should start with {expected:?}"
        );
    }
}

#[test]
fn unknown_keys_and_wrong_types_are_refused_quoting_the_line() {
    for (file, key) in [
        ("max_participans = 4\n", "max_participans"),
        (
            "[media]\nmode = \"janus\"\nencryption = false\n",
            "encryption",
        ),
        ("[janus]\nurl = \"ws://j\"\nsecret = \"x\"\n", "secret"),
        ("[sfu]\nurl = \"ws://j\"\n", "sfu"),
        ("max_rooms = \"many\"\n", "max_rooms"),
    ] {
        let message = refusal(Some(file), &[]);
        assert!(
            message.starts_with("configuration file conclave.toml: "),
            "{message}"
        );
        assert!(message.contains(key), "{message:?} should name {key}");
    }
}

#[test]
fn the_environment_overrides_the_file_and_flags_override_both() {
    let file =
        "max_participants = 10\nmax_rooms = 20\nroom_ttl_secs = 30\n[media]\nmode = \"mesh\"\n";
    let env = [
        ("CONCLAVE_MAX_PARTICIPANTS", "11"),
        ("CONCLAVE_MAX_ROOMS", "21"),
        ("CONCLAVE_MEDIA_MODE", "janus"),
        ("CONCLAVE_JANUS_URL", "ws://127.0.0.1:8188"),
        ("CONCLAVE_JANUS_API_SECRET", "from-env"),
    ];
    let settings = load(Some(file), &env, &["--max-participants", "12"]).unwrap();
    let config = settings.config;
    assert_eq!(config.max_participants, 12, "flag over environment");
    assert_eq!(config.max_rooms, 21, "environment over file");
    assert_eq!(
        config.empty_room_ttl,
        Duration::from_secs(30),
        "file over default"
    );
    assert_eq!(
        config.media,
        MediaConfig::Janus(JanusConfig {
            url: "ws://127.0.0.1:8188".into(),
            api_secret: Some(Secret::new("from-env")),
            admin_key: None,
            trust: Default::default(),
        })
    );
}

#[test]
fn the_turn_secret_can_come_from_the_environment_only() {
    let file = "[turn]\nurls = [\"turn:t.example.org\"]\n";
    let settings = load(Some(file), &[("CONCLAVE_TURN_SECRET", "env-secret")], &[]).unwrap();
    assert!(settings.config.turn.is_some());
    let message = refusal(None, &[("CONCLAVE_TURN_SECRET", "env-secret")]);
    assert!(
        message.starts_with("CONCLAVE_TURN_SECRET: set, but"),
        "{message}"
    );
}

#[test]
fn relay_only_is_set_by_file_or_environment_and_needs_a_turn_server() {
    let turn = "[turn]\nurls = [\"turn:t.example.org\"]\nshared_secret = \"s\"\n";
    let defaults = load(Some(turn), &[], &[]).unwrap();
    assert_eq!(
        defaults.config.ice_transport_policy,
        IceTransportPolicy::All
    );
    let in_file = format!("ice_transport_policy = \"relay\"\n{turn}");
    let settings = load(Some(&in_file), &[], &[]).unwrap();
    assert_eq!(
        settings.config.ice_transport_policy,
        IceTransportPolicy::Relay
    );
    let from_env = [("CONCLAVE_ICE_TRANSPORT_POLICY", "all")];
    let settings = load(Some(&in_file), &from_env, &[]).unwrap();
    assert_eq!(
        settings.config.ice_transport_policy,
        IceTransportPolicy::All
    );

    // Relay-only without any TURN server: no participant could connect.
    let message = refusal(None, &[("CONCLAVE_ICE_TRANSPORT_POLICY", "relay")]);
    assert!(
        message.starts_with("CONCLAVE_ICE_TRANSPORT_POLICY: \"relay\" needs a TURN server"),
        "{message}"
    );
    let message = refusal(Some("ice_transport_policy = \"relay\"\n"), &[]);
    assert!(
        message.starts_with("ice_transport_policy: \"relay\" needs"),
        "{message}"
    );
    let message = refusal(None, &[("CONCLAVE_ICE_TRANSPORT_POLICY", "relay-only")]);
    assert!(
        message.starts_with("CONCLAVE_ICE_TRANSPORT_POLICY: unknown value \"relay-only\""),
        "{message}"
    );
}

#[test]
fn invalid_environment_values_name_the_variable() {
    for (name, value, expected) in [
        (
            "CONCLAVE_MEDIA_MODE",
            "sfu",
            "CONCLAVE_MEDIA_MODE: unknown value \"sfu\"",
        ),
        (
            "CONCLAVE_MAX_ROOMS",
            "lots",
            "CONCLAVE_MAX_ROOMS: expected a whole number",
        ),
        (
            "CONCLAVE_MAX_PARTICIPANTS",
            "999",
            "CONCLAVE_MAX_PARTICIPANTS: 999 is out of range",
        ),
        (
            "CONCLAVE_LISTEN",
            "here",
            "CONCLAVE_LISTEN: expected IP:PORT",
        ),
    ] {
        let message = refusal(None, &[(name, value)]);
        assert!(message.starts_with(expected), "{message:?}");
    }
    let message = refusal(
        None,
        &[
            ("CONCLAVE_MEDIA_MODE", "janus"),
            ("CONCLAVE_JANUS_URL", "https://j"),
        ],
    );
    assert!(
        message.starts_with("CONCLAVE_JANUS_URL: expected a ws://"),
        "{message}"
    );
}

#[test]
fn debug_output_never_shows_a_secret() {
    let settings = load(Some(FULL), &[], &[]).unwrap();
    let printed = format!("{settings:?}");
    for secret in [
        "janus-api-secret-value",
        "turn-shared-secret-value",
        "fixed-credential-value",
    ] {
        assert!(!printed.contains(secret), "{secret} leaked in {printed}");
    }
    assert!(printed.contains("<redacted>"));
}

#[test]
fn invalid_flags_name_the_flag() {
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
fn a_missing_file_is_named() {
    let missing = "/nonexistent/conclave.toml";
    let err = Settings::load(&cli(&["--config", missing]), &|_| None).unwrap_err();
    assert!(err.to_string().contains(missing), "{err}");
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
