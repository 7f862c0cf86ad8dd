//! Command line and environment configuration.
//!
//! Every flag can also be given as an environment variable `YKIEN_*`, which is
//! what container and systemd deployments usually prefer.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Default strict Content-Security-Policy sent with HTML pages. The widget is
/// WebAssembly, which needs `'wasm-unsafe-eval'` but no `'unsafe-eval'`.
pub const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'self'; object-src 'none'";

/// Default database: a SQLite file under ./data (the directory is created).
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ykien.db";

#[derive(Debug, Parser)]
#[command(
    name = "ykien-server",
    version,
    about = "Reference comment server for the ykien widget",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Flags for `serve`, accepted without the subcommand too.
    #[command(flatten)]
    pub serve: ServeArgs,
}

impl Cli {
    /// The subcommand to run; no subcommand means `serve`.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeArgs),
    /// Moderate comments directly in the database.
    Moderate(ModerateArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "YKIEN_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// `sqlite://path/to/file.db` (default) or `postgres://user@host/db`.
    #[arg(long, env = "YKIEN_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Maximum database connections (per pool; SQLite always uses one writer).
    #[arg(long, env = "YKIEN_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,

    /// Serve static files (the widget build) from this directory.
    #[arg(long, env = "YKIEN_PUBLIC_DIR")]
    pub public_dir: Option<PathBuf>,

    /// Seed a demo article and comment thread (`demo`) if the database has no comments.
    #[arg(long, env = "YKIEN_SEED_DEMO")]
    pub seed_demo: bool,

    /// Hold new comments for moderation (202 + pending token) instead of publishing.
    #[arg(long, env = "YKIEN_PREMODERATION")]
    pub premoderation: bool,

    /// Origins allowed to call the API cross-origin, comma separated
    /// (e.g. `https://news.example`). Empty: same-origin only.
    #[arg(long, env = "YKIEN_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Maximum comment length in characters (after NFC).
    #[arg(long, env = "YKIEN_BODY_LIMIT", default_value_t = ykien_text::DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,

    /// Maximum author name length in characters (after NFC).
    #[arg(long, env = "YKIEN_NAME_LIMIT", default_value_t = ykien_text::DEFAULT_NAME_LIMIT)]
    pub name_limit: usize,

    /// Comment POSTs allowed per client IP per minute; 0 disables rate limiting.
    #[arg(long, env = "YKIEN_RATE_LIMIT_PER_MINUTE", default_value_t = 10)]
    pub rate_limit_per_minute: u32,

    /// Use the right-most `X-Forwarded-For` address as the client IP
    /// (only behind a reverse proxy you control).
    #[arg(long, env = "YKIEN_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// Maximum size of an API request body in bytes.
    #[arg(long, env = "YKIEN_MAX_REQUEST_BYTES", default_value_t = 16 * 1024)]
    pub max_request_bytes: usize,

    /// Whole-request timeout in seconds.
    #[arg(long, env = "YKIEN_REQUEST_TIMEOUT_SECS", default_value_t = 10)]
    pub request_timeout_secs: u64,

    /// Seconds a client may take to send a request's headers (also the idle
    /// time after which a keep-alive connection is closed); slow or silent
    /// clients are disconnected instead of holding a connection forever.
    #[arg(long, env = "YKIEN_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,

    /// Rendered comment pages cached per process (validated against the
    /// database on every request, so never stale); 0 disables the cache.
    #[arg(long, env = "YKIEN_PAGE_CACHE_ENTRIES", default_value_t = 1024)]
    pub page_cache_entries: usize,

    /// Content-Security-Policy header sent with HTML files.
    #[arg(long, env = "YKIEN_CSP", default_value = DEFAULT_CSP)]
    pub csp: String,

    /// Log output format.
    #[arg(long, env = "YKIEN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl ServeArgs {
    /// Defaults as if no flag was given, for tests and embedding.
    pub fn defaults() -> Self {
        match Cli::try_parse_from(["ykien-server"]) {
            Ok(cli) => cli.serve,
            // The defaults are literals above; failing to parse them is a bug.
            Err(e) => panic!("built-in defaults do not parse: {e}"),
        }
    }
}

#[derive(Debug, Args)]
pub struct ModerateArgs {
    /// Same as for `serve`.
    #[arg(long, env = "YKIEN_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    #[command(subcommand)]
    pub action: ModerateAction,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ModerateAction {
    /// List comments (pending ones by default).
    List {
        /// pending, published, rejected or all.
        #[arg(long, default_value = "pending")]
        status: String,
        /// Maximum rows to show.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Publish a pending (or rejected) comment.
    Approve { id: String },
    /// Hide a comment (kept in the database with status `rejected`).
    Reject { id: String },
    /// Delete a comment and all replies below it.
    Delete { id: String },
}
