use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use tracing_subscriber::EnvFilter;
use ykien_server::config::{Cli, Command, LogFormat};

fn init_tracing(format: LogFormat, default_filter: &str) {
    // RUST_LOG overrides; default keeps request logs at info. Comment bodies
    // are never logged at info (see api::comments).
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match Cli::try_parse_command(std::env::args_os()) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    match command {
        Command::Serve(args) => {
            init_tracing(args.log_format, "info,sqlx=warn");
            let server = match ykien_server::start(&args).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "failed to start");
                    return ExitCode::FAILURE;
                }
            };
            match server.run_until(shutdown_signal()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!(error = %e, "server error");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Admin(a) => {
            init_tracing(LogFormat::Text, "warn");
            let store = match ykien_server::Store::connect_existing(&a.database_url, 2).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: cannot open database: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let out = ykien_server::admin::cli::run(&store, &a.action).await;
            store.close().await;
            match out {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Moderate(m) => {
            // The CLI prints its own results; logs only for problems.
            init_tracing(LogFormat::Text, "warn");
            let store = match ykien_server::Store::connect_existing(&m.database_url, 2).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: cannot open database: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let out = ykien_server::moderation::run(&store, &m.action).await;
            store.close().await;
            match out {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
