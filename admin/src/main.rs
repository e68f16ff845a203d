//! `conclave-admin`: an organisation's certificate authority for Conclave's verified
//! identities (docs/ADMIN.md, "Verified identities: an organisation's CA").
//!
//! It creates the CA (an Ed25519 key and self-signed certificate), issues member
//! certificates for the MLS keys in browsers' enrollment requests, revokes them through a
//! revocation list, and lists what it issued. `main` only parses arguments, reads the
//! clock, calls one command and prints its result; any failure is one line on standard
//! error and exit status 1.

mod ca_dir;
mod certificate_reading;
mod commands;
mod dates;
mod error;
mod profile;
mod state;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands::{IssueRequest, RevokeTarget};
use crate::error::AdminError;
use crate::profile::Member;

/// An organisation's certificate authority for Conclave's verified identities
/// (docs/ADMIN.md).
#[derive(Parser)]
#[command(name = "conclave-admin", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The CA itself.
    #[command(subcommand)]
    Ca(CaCommand),
    /// Issues a member certificate for an enrollment request and writes the chain
    /// (member certificate, then the CA certificate) to --out.
    Issue {
        /// The CA directory.
        #[arg(long)]
        dir: PathBuf,
        /// The enrollment request (PEM CERTIFICATE REQUEST) the person's browser made.
        #[arg(long)]
        request: PathBuf,
        /// The person's name, as the certificate will state it (your decision; the name
        /// in the request is only shown).
        #[arg(long)]
        name: String,
        /// The person's role, e.g. "Delegate DE" (the certificate's title).
        #[arg(long)]
        role: Option<String>,
        /// The person's e-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Days the certificate is valid.
        #[arg(long, default_value_t = 365)]
        days: u64,
        /// Where to write the certificate chain (PEM) to send back to the person.
        #[arg(long)]
        out: PathBuf,
    },
    /// Revokes a certificate and writes the new revocation list at once.
    Revoke {
        /// The CA directory.
        #[arg(long)]
        dir: PathBuf,
        #[command(flatten)]
        target: RevokeTargetArgs,
    },
    /// Re-signs the revocation list with fresh dates; run it from a timer well before
    /// its next update (servers re-read the file).
    Crl {
        /// The CA directory.
        #[arg(long)]
        dir: PathBuf,
        /// Days until the list's next update (default: the CA's --crl-days).
        #[arg(long)]
        days: Option<u64>,
    },
    /// Lists the certificates the CA issued and their status.
    List {
        /// The CA directory.
        #[arg(long)]
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum CaCommand {
    /// Creates a CA in DIR: ca.pem (the certificate servers list), ca-key.pem (the secret
    /// key, mode 0600), crl.pem (an empty revocation list) and state.json.
    Create {
        /// The CA directory (made if missing; must not hold a CA already).
        #[arg(long)]
        dir: PathBuf,
        /// The organisation's name, as members' certificates will state it.
        #[arg(long)]
        organisation: String,
        /// Days the CA certificate is valid.
        #[arg(long, default_value_t = 3650)]
        days: u64,
        /// Days each revocation list is valid (renew it with `crl` before then).
        #[arg(long, default_value_t = 30)]
        crl_days: u64,
    },
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct RevokeTargetArgs {
    /// The certificate's serial (hex, as `issue` and `list` print it).
    #[arg(long)]
    serial: Option<String>,
    /// The certificate chain file `issue` wrote.
    #[arg(long)]
    certificate: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("conclave-admin: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command at the current time and returns what to print.
fn run(command: Command) -> Result<String, AdminError> {
    let now = dates::now_unix_secs()?;
    Ok(match command {
        Command::Ca(CaCommand::Create {
            dir,
            organisation,
            days,
            crl_days,
        }) => commands::create_ca(&dir, &organisation, days, crl_days, now)?.to_string(),
        Command::Issue {
            dir,
            request,
            name,
            role,
            email,
            days,
            out,
        } => {
            let member = Member::new(&name, role.as_deref(), email.as_deref())?;
            let request = IssueRequest {
                dir: &dir,
                request: &request,
                member,
                days,
                out: &out,
            };
            commands::issue(request, now)?.to_string()
        }
        Command::Revoke { dir, target } => {
            let target = match (&target.serial, &target.certificate) {
                (Some(serial), _) => RevokeTarget::Serial(serial),
                (None, Some(certificate)) => RevokeTarget::Certificate(certificate),
                (None, None) => {
                    return Err(AdminError::invalid(
                        "serial",
                        "give --serial or --certificate",
                    ))
                }
            };
            commands::revoke(&dir, target, now)?.to_string()
        }
        Command::Crl { dir, days } => commands::renew_crl(&dir, days, now)?.to_string(),
        Command::List { dir } => commands::list(&dir, now)?.to_string(),
    })
}
