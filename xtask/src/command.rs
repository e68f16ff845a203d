//! Running child processes with a visible step log, and the one error type of xtask.

use std::ffi::OsStr;
use std::fmt;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Why an xtask command stopped.
#[derive(Debug)]
pub enum Failure {
    /// The command line was not understood; holds the usage text.
    Usage(String),
    /// A child process could not start or exited non-zero.
    Command {
        /// What was run.
        what: String,
        /// How it ended.
        detail: String,
    },
    /// Something this machine lacks, with what to do about it.
    Missing(String),
    /// A file could not be read or written.
    Io(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(text) => write!(f, "{text}"),
            Self::Command { what, detail } => write!(f, "`{what}` failed: {detail}"),
            Self::Missing(text) => write!(f, "{text}"),
            Self::Io(text) => write!(f, "{text}"),
        }
    }
}

/// Prints a step heading, so a long run shows where it is.
pub fn step(title: &str) {
    println!("\n==> {title}");
}

/// Runs `program args` in `dir` with extra environment `envs`; fails on a non-zero exit.
pub fn run(
    dir: &Path,
    program: &OsStr,
    args: &[&OsStr],
    envs: &[(&str, &OsStr)],
) -> Result<(), Failure> {
    let mut child = Command::new(program);
    child
        .args(args)
        .envs(envs.iter().map(|(k, v)| (*k, *v)))
        .current_dir(dir);
    run_prepared(child, &describe(program, args))
}

/// Runs `child` (set up by the caller: environment, folder), printing how long it took;
/// fails on a non-zero exit. `what` names it in the output.
pub fn run_prepared(mut child: Command, what: &str) -> Result<(), Failure> {
    let started = Instant::now();
    let status = child.status().map_err(|error| Failure::Command {
        what: what.to_owned(),
        detail: format!("could not start: {error}"),
    })?;
    if status.success() {
        println!("    ({what}: {:.1} s)", started.elapsed().as_secs_f64());
        Ok(())
    } else {
        Err(Failure::Command {
            what: what.to_owned(),
            detail: format!("exited with {status}"),
        })
    }
}

/// Runs `cargo args` in `dir` with the cargo that runs xtask.
pub fn cargo(dir: &Path, args: &[&str]) -> Result<(), Failure> {
    cargo_with_env(dir, args, &[])
}

/// Runs `cargo args` with extra environment.
pub fn cargo_with_env(dir: &Path, args: &[&str], envs: &[(&str, &OsStr)]) -> Result<(), Failure> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run(dir, &cargo, &args, envs)
}

/// Runs a command and returns its standard output, or `None` if it cannot run or fails.
pub fn output_of(program: &str, args: &[&str]) -> Option<String> {
    output_of_command(Command::new(program).args(args))
}

/// The standard output of `program args` run in `dir`, or `None` if it cannot run or
/// fails.
pub fn output_in(dir: &Path, program: &OsStr, args: &[&str]) -> Option<String> {
    output_of_command(Command::new(program).args(args).current_dir(dir))
}

fn output_of_command(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Whether `program` can be found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// `program args` as one line, for the output.
pub fn describe(program: &OsStr, args: &[&OsStr]) -> String {
    let mut text = program.to_string_lossy().into_owned();
    for arg in args {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
