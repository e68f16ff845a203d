//! `conclave-server`: reads the configuration (flags, `CONCLAVE_*` environment, TOML
//! file), binds, serves until Ctrl-C or SIGTERM.
//!
//! Standard output carries one line, `Conclave is serving on http://ADDR/`, with the
//! address actually bound (so `--listen 127.0.0.1:0` can be used by scripts); logs go
//! to standard error, filtered by `RUST_LOG` (default `info`), as text or, with
//! `--log-format json`, one JSON object per line.

use std::process::ExitCode;

use clap::Parser;
use conclave_signaling_server::config::LogFormat;
use conclave_signaling_server::{run, run_with_metrics_listener, Cli, Settings};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli, &|name| std::env::var(name).ok()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("conclave-server: invalid configuration: {error}");
            return ExitCode::from(2);
        }
    };
    let Settings {
        listen,
        config,
        monitoring,
    } = settings;
    start_logging(monitoring.log_format);
    if let Err(error) = config.check_www_dir() {
        eprintln!("conclave-server: {error}");
        return ExitCode::FAILURE;
    }
    let listener = match TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("conclave-server: cannot listen on {listen} (--listen): {error}");
            return ExitCode::FAILURE;
        }
    };
    let metrics_listener = match monitoring.metrics_listen {
        Some(address) => match TcpListener::bind(address).await {
            Ok(listener) => Some(listener),
            Err(error) => {
                eprintln!(
                    "conclave-server: cannot listen on {address} (--metrics-listen): {error}"
                );
                return ExitCode::FAILURE;
            }
        },
        None => None,
    };
    match listener.local_addr() {
        Ok(addr) => println!("Conclave is serving on http://{addr}/"),
        Err(_) => println!("Conclave is serving on http://{listen}/"),
    }
    let served = match metrics_listener {
        Some(metrics_listener) => {
            if let Ok(address) = metrics_listener.local_addr() {
                tracing::info!(%address, "serving /metrics on the metrics listener only");
            }
            run_with_metrics_listener(listener, metrics_listener, config, shutdown_signal()).await
        }
        None => run(listener, config, shutdown_signal()).await,
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("conclave-server: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Sends log lines to standard error in `format`, filtered by `RUST_LOG` (default `info`).
fn start_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        // The event's fields at the top level, so `jq .room_tag` finds them.
        LogFormat::Json => logs.json().flatten_event(true).init(),
        _ => logs.init(),
    }
}

/// Completes on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
