//! ykien-server: the reference comment server for the ykien widget.
//!
//! The binary is a thin wrapper over [`start`]; tests and tools embed the
//! server in-process the same way.

pub mod api;
pub mod app;
pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod lang;
pub mod moderation;
pub mod ratelimit;
pub mod seed;
pub mod static_files;
pub mod validate;

use std::future::IntoFuture;
use std::net::SocketAddr;

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
    let router = build_router(AppState::new(store.clone(), args), args)?;
    let listener = TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let serve = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = rx.await;
    })
    .into_future();
    let task = tokio::spawn(serve);
    tracing::info!(%addr, backend = ?store.backend(), "listening");
    Ok(RunningServer {
        addr,
        store,
        shutdown: Some(tx),
        task,
    })
}
