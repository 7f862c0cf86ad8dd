//! Command line and environment configuration.
//!
//! Every flag can also be given as an environment variable `YKIEN_*`, which is
//! what container and systemd deployments usually prefer.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::spam::ModerationMode;

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
    about = "Reference comment server for the ykien widget"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Flags every subcommand takes, before or after its name.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Flags for `serve`, accepted without the subcommand too.
    #[command(flatten)]
    pub serve: ServeArgs,
}

impl Cli {
    /// Parses the command line (`std::env::args_os()` in `main`). Like
    /// `Cli::try_parse_from(..).into_command()`, but `serve`'s flags given
    /// before another subcommand (`ykien-server --addr X moderate list`) are
    /// an error instead of being ignored; only the global flags may go
    /// before a subcommand.
    pub fn try_parse_command<I, T>(args: I) -> Result<Command, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::parser::ValueSource;
        use clap::{CommandFactory as _, FromArgMatches as _};
        let mut cmd = Cli::command();
        let matches = cmd.try_get_matches_from_mut(args)?;
        if let Some((sub, _)) = matches.subcommand() {
            let serve_only = ServeArgs::augment_args(clap::Command::new("serve"));
            for arg in serve_only.get_arguments() {
                let id = arg.get_id().as_str();
                if matches.value_source(id) == Some(ValueSource::CommandLine) {
                    let flag = arg.get_long().unwrap_or(id);
                    return Err(cmd.error(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!("--{flag} is a flag of `serve`; write it after `{sub}` if `{sub}` takes it"),
                    ));
                }
            }
        }
        Ok(Cli::from_arg_matches(&matches)?.into_command())
    }

    /// The subcommand to run (no subcommand means `serve`), with the global
    /// flags filled in.
    pub fn into_command(self) -> Command {
        let global = self.global;
        match self.command.unwrap_or(Command::Serve(self.serve)) {
            Command::Serve(mut args) => {
                args.database_url = global.database_url;
                args.log_format = global.log_format;
                Command::Serve(args)
            }
            Command::Moderate(mut m) => {
                m.database_url = global.database_url;
                Command::Moderate(m)
            }
            Command::Admin(mut a) => {
                a.database_url = global.database_url;
                Command::Admin(a)
            }
        }
    }
}

/// Accepted before or after the subcommand: `ykien-server --database-url X
/// moderate list` and `ykien-server moderate list --database-url X` are the same.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// `sqlite://path/to/file.db` (default) or `postgres://user@host/db`.
    #[arg(long, global = true, env = "YKIEN_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Log output format.
    #[arg(long, global = true, env = "YKIEN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once at start
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeArgs),
    /// Moderate comments directly in the database.
    Moderate(ModerateArgs),
    /// Moderator accounts of the desk (`/admin`).
    Admin(AdminArgs),
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

    /// From the global `--database-url`.
    #[arg(skip = DEFAULT_DATABASE_URL.to_owned())]
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

    /// Hold new comments for moderation (202 + pending token) instead of
    /// publishing: the same as `--moderation all`.
    #[arg(long, env = "YKIEN_PREMODERATION")]
    pub premoderation: bool,

    /// Which new comments wait for an editor: off, all, first (from a network
    /// with no approved comment yet) or links (more than --moderation-max-links).
    #[arg(long, env = "YKIEN_MODERATION", value_enum, default_value_t = ModerationMode::Off)]
    pub moderation: ModerationMode,

    /// With `--moderation links`: comments with more links than this wait.
    #[arg(long, env = "YKIEN_MODERATION_MAX_LINKS", default_value_t = 2)]
    pub moderation_max_links: usize,

    /// Words and phrases to block, one per line (`#` comments; a line may
    /// start with `refuse:` or `hold:`), matched without regard to case or
    /// Vietnamese diacritics; added to the bans made in the desk.
    #[arg(long, env = "YKIEN_BLOCKLIST_FILE")]
    pub blocklist_file: Option<PathBuf>,

    /// What a blocklist line without `refuse:`/`hold:` does.
    #[arg(long, env = "YKIEN_BLOCKLIST_ACTION", value_enum, default_value_t = BlockAction::Hold)]
    pub blocklist_action: BlockAction,

    /// A published comment with this many reports not yet acted on is hidden
    /// until an editor decides; 0 never hides.
    #[arg(long, env = "YKIEN_REPORT_HIDE_THRESHOLD", default_value_t = 5)]
    pub report_hide_threshold: i64,

    /// Reports per client IP per minute; 0 disables the limit.
    #[arg(long, env = "YKIEN_REPORT_RATE_LIMIT_PER_MINUTE", default_value_t = 6)]
    pub report_rate_limit_per_minute: u32,

    /// Likes and unlikes per client IP per minute; 0 disables the limit.
    #[arg(long, env = "YKIEN_LIKE_RATE_LIMIT_PER_MINUTE", default_value_t = 60)]
    pub like_rate_limit_per_minute: u32,

    /// Seconds after posting during which the author may edit or delete a
    /// comment (with the edit token from the create answer); 0: never.
    #[arg(long, env = "YKIEN_EDIT_WINDOW_SECS", default_value_t = 900)]
    pub edit_window_secs: u64,

    /// Key of the edit tokens (see `owner`). Default: 32 random bytes made on
    /// first start and kept in the database; set it (by environment) so that
    /// a copy of the database alone cannot reproduce any token.
    #[arg(long, env = "YKIEN_EDIT_TOKEN_SECRET", hide_env_values = true)]
    pub edit_token_secret: Option<String>,

    /// Key for the network hints (keyed hashes of /24 and /48 prefixes).
    /// Default: 32 random bytes generated on first start and kept in the database.
    #[arg(long, env = "YKIEN_IP_HASH_SECRET", hide_env_values = true)]
    pub ip_hash_secret: Option<String>,

    /// Desk sessions end this many hours after sign-in.
    #[arg(long, env = "YKIEN_ADMIN_SESSION_HOURS", default_value_t = 12)]
    pub admin_session_hours: u64,

    /// ... or after this many minutes without a request.
    #[arg(long, env = "YKIEN_ADMIN_IDLE_MINUTES", default_value_t = 120)]
    pub admin_idle_minutes: u64,

    /// `Secure` on the desk's cookies: auto (when the request came over https,
    /// as told by `X-Forwarded-Proto` with --trust-forwarded-for), always, never.
    #[arg(long, env = "YKIEN_ADMIN_SECURE_COOKIE", value_enum, default_value_t = SecureCookie::Auto)]
    pub admin_secure_cookie: SecureCookie,

    /// Failed sign-ins per account within 15 minutes before that account is
    /// locked for the rest of the window.
    #[arg(
        long,
        env = "YKIEN_ADMIN_MAX_FAILURES_PER_ACCOUNT",
        default_value_t = 5
    )]
    pub admin_max_failures_per_account: i64,

    /// Failed sign-ins per network (/24, /48) within 15 minutes.
    #[arg(
        long,
        env = "YKIEN_ADMIN_MAX_FAILURES_PER_NETWORK",
        default_value_t = 20
    )]
    pub admin_max_failures_per_network: i64,

    /// Rejected and deleted comments can be restored for this many days,
    /// then they are removed for good.
    #[arg(long, env = "YKIEN_TRASH_DAYS", default_value_t = 30)]
    pub trash_days: i64,

    /// The desk's public URL, for links in alerts (e.g. `https://news.example.vn/admin`).
    #[arg(long, env = "YKIEN_DESK_URL")]
    pub desk_url: Option<String>,

    /// POST a signed JSON event here for every new pending or reported comment.
    #[arg(long, env = "YKIEN_WEBHOOK_URL")]
    pub webhook_url: Option<String>,

    /// HMAC-SHA256 key for the webhook's `X-Ykien-Signature`.
    #[arg(long, env = "YKIEN_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,

    /// Delivery attempts after the first failed one (backoff 1 s, 2 s, 4 s, …).
    #[arg(long, env = "YKIEN_WEBHOOK_RETRIES", default_value_t = 6)]
    pub webhook_retries: u32,

    /// SMTP server for alert emails: `smtp://host:25` (plain), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`.
    #[arg(long, env = "YKIEN_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of alert emails.
    #[arg(
        long,
        env = "YKIEN_ALERT_EMAIL_FROM",
        default_value = "ykien <ykien@localhost>"
    )]
    pub alert_email_from: String,

    /// Recipients of alert emails, comma separated.
    #[arg(long, env = "YKIEN_ALERT_EMAIL_TO", value_delimiter = ',')]
    pub alert_email_to: Vec<String>,

    /// 0: one email per event; N: one digest every N minutes (if anything happened).
    #[arg(long, env = "YKIEN_ALERT_EMAIL_DIGEST_MINUTES", default_value_t = 0)]
    pub alert_email_digest_minutes: u64,

    /// Language of alert emails.
    #[arg(long, env = "YKIEN_ALERT_LANG", default_value = "vi", value_parser = ["vi", "en"])]
    pub alert_lang: String,

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

    /// From the global `--log-format`.
    #[arg(skip = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BlockAction {
    /// Refuse the comment with an error.
    Refuse,
    /// Keep it for an editor.
    Hold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecureCookie {
    Auto,
    Always,
    Never,
}

impl ServeArgs {
    /// The moderation mode in force (`--premoderation` means `all`).
    pub fn moderation_mode(&self) -> ModerationMode {
        if self.premoderation {
            ModerationMode::All
        } else {
            self.moderation
        }
    }

    /// Defaults as if no flag was given, for tests and embedding.
    pub fn defaults() -> Self {
        match Cli::try_parse_from(["ykien-server"]).map(Cli::into_command) {
            Ok(Command::Serve(args)) => args,
            Ok(_) => unreachable!("no subcommand means serve"),
            // The defaults are literals above; failing to parse them is a bug.
            Err(e) => panic!("built-in defaults do not parse: {e}"),
        }
    }
}

#[derive(Debug, Args)]
pub struct ModerateArgs {
    /// From the global `--database-url`.
    #[arg(skip = DEFAULT_DATABASE_URL.to_owned())]
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

#[derive(Debug, Args)]
pub struct AdminArgs {
    /// From the global `--database-url`.
    #[arg(skip = DEFAULT_DATABASE_URL.to_owned())]
    pub database_url: String,

    #[command(subcommand)]
    pub action: AdminAction,
}

/// Passwords are read from `YKIEN_ADMIN_PASSWORD` if set, else from standard
/// input (without echo on a terminal); never from a flag, which other users
/// of the machine could read in the process list.
#[derive(Debug, Clone, Subcommand)]
pub enum AdminAction {
    /// Create a moderator (name: 1-64 of a-z, 0-9, `.`, `_`, `-`).
    Add { name: String },
    /// List moderators and their open sessions.
    List,
    /// Delete a moderator; their sessions end at once.
    Remove { name: String },
    /// Set a new password; the moderator's sessions end.
    Passwd { name: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Command {
        Cli::try_parse_command(args).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    fn db_of(c: &Command) -> &str {
        match c {
            Command::Serve(a) => &a.database_url,
            Command::Moderate(m) => &m.database_url,
            Command::Admin(a) => &a.database_url,
        }
    }

    #[test]
    fn global_flags_before_or_after_the_subcommand() {
        for args in [
            &["ykien-server", "--database-url", "x.db", "moderate", "list"][..],
            &["ykien-server", "moderate", "--database-url", "x.db", "list"],
            &["ykien-server", "moderate", "list", "--database-url", "x.db"],
            &["ykien-server", "--database-url", "x.db", "serve"],
            &["ykien-server", "serve", "--database-url", "x.db"],
            &["ykien-server", "--database-url", "x.db"],
            &[
                "ykien-server",
                "--database-url",
                "x.db",
                "--addr",
                "127.0.0.1:1",
            ],
        ] {
            assert_eq!(db_of(&parse(args)), "x.db", "{args:?}");
        }
        match parse(&["ykien-server", "--log-format", "json", "serve"]) {
            Command::Serve(a) => assert_eq!(a.log_format, LogFormat::Json),
            _ => panic!("serve"),
        }
        assert_eq!(db_of(&parse(&["ykien-server"])), DEFAULT_DATABASE_URL);
        // serve's flags before another subcommand would be silently ignored.
        let err =
            Cli::try_parse_command(["ykien-server", "--addr", "127.0.0.1:1", "moderate", "list"])
                .unwrap_err()
                .to_string();
        assert!(err.contains("--addr is a flag of `serve`"), "{err}");
    }
}
