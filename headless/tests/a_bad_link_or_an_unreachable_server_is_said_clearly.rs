//! `conclave-headless-members` given a link it cannot follow says so and exits 2 without
//! touching the network; given a server that does not answer, each member's `failed` line
//! says why and the process exits 1. Neither panics.

// A test: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_conclave-headless-members");
const SECRET: &str = "-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s";
const ROOM: &str = "AAAAAAAAAAAAAAAAAAAAAA";

#[test]
fn a_link_without_a_secret_is_refused_with_exit_status_2() {
    let output = Command::new(BINARY)
        .args(["--link", &format!("http://127.0.0.1:1/m/{ROOM}")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("no #fragment with the invite secret"),
        "{said}"
    );
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn an_unreachable_server_fails_each_member_with_its_reason() {
    let output = Command::new(BINARY)
        .args([
            "--link",
            &format!("http://127.0.0.1:1/m/{ROOM}#{SECRET}~open"),
        ])
        .args(["--count", "2", "--all-at-once"])
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let failed: Vec<_> = lines.iter().filter(|l| l["event"] == "failed").collect();
    assert_eq!(failed.len(), 2, "{lines:?}");
    for line in failed {
        assert!(
            line["error"].as_str().unwrap().contains("cannot talk to"),
            "{line}"
        );
    }
    assert_eq!(lines.last().unwrap()["event"], "exited");
    // The secret never reaches the output.
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!everything.contains(SECRET));
}
