//! ykien-server: the reference comment server for the ykien widget.
//!
//! The binary is a thin wrapper over [`start`]; tests and tools embed the
//! server in-process the same way.

pub mod admin;
pub mod alerts;
pub mod api;
pub mod app;
pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod i18n;
pub mod iphint;
pub mod moderation;
pub mod owner;
pub mod ratelimit;
pub mod seed;
pub mod spam;
pub mod static_files;
pub mod validate;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use app::{build_router, AppState};
pub use config::{Cli, Command, ServeArgs};
pub use db::Store;

/// A server running in the background of the current tokio runtime.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub store: Store,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    janitor: JoinHandle<()>,
}

impl RunningServer {
    /// Stops accepting, finishes in-flight requests, closes the database.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let res = match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        };
        self.janitor.abort();
        self.store.close().await;
        res
    }

    /// Runs until `signal` resolves, then shuts down gracefully.
    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        signal.await;
        self.stop().await
    }
}

/// Opens the database (migrating, seeding if asked), binds `args.addr` and
/// serves in a background task.
pub async fn start(
    args: &ServeArgs,
) -> Result<RunningServer, Box<dyn std::error::Error + Send + Sync>> {
    let store = Store::connect(&args.database_url, args.db_max_connections).await?;
    if args.seed_demo {
        seed::seed_demo(&store).await?;
    }
    let blocklist = match &args.blocklist_file {
        Some(path) => {
            let text = tokio::fs::read_to_string(path)
                .await
                .map_err(|e| format!("--blocklist-file {}: {e}", path.display()))?;
            let action = match args.blocklist_action {
                config::BlockAction::Refuse => spam::RuleAction::Refuse,
                config::BlockAction::Hold => spam::RuleAction::Hold,
            };
            spam::parse_blocklist(&text, action)
        }
        None => Vec::new(),
    };
    let hasher = iphint::Hasher::load(&store, args.ip_hash_secret.as_deref()).await?;
    let filled = store.backfill_search_text().await?;
    if filled > 0 {
        tracing::info!(
            comments = filled,
            "search text filled in for older comments"
        );
    }
    let edit_keys = owner::EditKeys::load(&store, args.edit_token_secret.as_deref()).await?;
    let state = AppState::new(store.clone(), args, hasher, edit_keys, blocklist);
    let janitor = tokio::spawn(janitor(store.clone(), args.trash_days.max(1)));
    let router = build_router(state, args)?;
    let listener = TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let header_timeout = Duration::from_secs(args.header_read_timeout_secs.max(1));
    let task = tokio::spawn(serve(listener, router, header_timeout, rx));
    tracing::info!(%addr, backend = ?store.backend(), "listening");
    Ok(RunningServer {
        addr,
        store,
        shutdown: Some(tx),
        task,
        janitor,
    })
}

/// Hourly (and at start): trash older than `--trash-days` is removed for
/// good, expired desk sessions and old failed sign-ins are dropped.
async fn janitor(store: Store, trash_days: i64) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = api::now_ms();
        match store.purge_trash(now - trash_days * 86_400_000).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(comments = n, "trash purged"),
            Err(e) => tracing::warn!(error = %e, "purging the trash failed"),
        }
        if let Err(e) = store.purge_auth(now, now - 86_400_000).await {
            tracing::warn!(error = %e, "purging sessions failed");
        }
    }
}

/// The accept loop: HTTP/1.1 with hyper's header read timeout, which
/// `axum::serve` leaves unset (it configures no timer), so a client that
/// never finishes its headers — or an idle keep-alive connection — would
/// otherwise hold a connection and its file descriptor forever. Slow bodies
/// are covered by the whole-request timeout layer (`--request-timeout-secs`).
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    header_timeout: Duration,
    mut shutdown: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    use tower::Service as _;

    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // Typically out of file descriptors: back off instead of
                    // spinning; open connections keep being served.
                    tracing::error!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            router.clone().call(req)
        });
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    // Idle connections close now, busy ones after their current response.
    graceful.shutdown().await;
    Ok(())
}

fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}
