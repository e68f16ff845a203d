//! A real `redis-server` for the cluster tests.
// Test fixtures: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A real `redis-server` (Debian package `redis-server`, installed by `cargo xtask test`)
/// on a Unix socket in a temporary directory: no TCP port at all. Killed on drop.
pub struct RedisServer {
    child: Child,
    socket: PathBuf,
    _dir: TempDir,
}

impl RedisServer {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("redis.sock");
        let child = spawn_on(&socket, dir.path());
        Self {
            child,
            socket,
            _dir: dir,
        }
    }

    /// Starts a fresh, empty Redis on the same socket after [`Self::kill`] (a Redis restart
    /// that lost its data).
    pub fn restart(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.socket);
        let dir = self.socket.parent().unwrap().to_owned();
        self.child = spawn_on(&self.socket, &dir);
    }

    pub fn url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

fn spawn_on(socket: &std::path::Path, dir: &std::path::Path) -> Child {
    let child = Command::new("redis-server")
        .args(["--port", "0", "--save", "", "--appendonly", "no"])
        .arg("--unixsocket")
        .arg(socket)
        .args(["--unixsocketperm", "700", "--dir"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "redis-server is needed (Debian package redis-server; cargo xtask test installs it)",
        );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not open its socket"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RedisServer {
    /// Stops the server at once (a lost Redis), without waiting for the drop.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
