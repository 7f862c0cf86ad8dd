//! Storage: one code path for SQLite and PostgreSQL through sqlx's `Any` driver
//! (except that on SQLite the page query runs on connections of our own in
//! the calling thread: see `sqlite_read`).
//!
//! The SQL is written in the common subset of both dialects: `$N` placeholders
//! (SQLite accepts them too), `BIGINT` millisecond timestamps instead of
//! date types (which `Any` cannot carry), `ON CONFLICT ... DO NOTHING`.
//!
//! SQLite allows one writer at a time, so for SQLite the store keeps a separate
//! single-connection write pool: writers queue in the pool instead of spinning
//! on `SQLITE_BUSY`, and readers (WAL mode) never block on them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Connection, Executor, Row};

mod desk;
mod listing;
mod own;
mod sqlite_read;
pub use desk::*;
pub use listing::*;
pub use own::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Published,
    Pending,
    Rejected,
    /// Deleted from the desk: in the trash, restorable until purged.
    Deleted,
    /// Deleted by its author: listed as `deleted` without author and text
    /// while it has published replies (which keep their context).
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Pending => "pending",
            Status::Rejected => "rejected",
            Status::Deleted => "deleted",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::parse_bytes(s.as_bytes())
    }

    /// [`Status::parse`] of the bytes of a column.
    pub fn parse_bytes(s: &[u8]) -> Option<Self> {
        match s {
            b"published" => Some(Status::Published),
            b"pending" => Some(Status::Pending),
            b"rejected" => Some(Status::Rejected),
            b"deleted" => Some(Status::Deleted),
            b"withdrawn" => Some(Status::Withdrawn),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    pub id: String,
    pub thread: String,
    pub parent_id: Option<String>,
    /// Top-level ancestor (itself for top-level comments): lets a page fetch
    /// all replies of its top-level comments with one indexed query.
    pub root_id: String,
    pub author: String,
    pub body: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub created_at: i64,
    pub status: Status,
    pub pending_token: Option<String>,
    /// Keyed hash of the author's network prefix (`iphint`); None for
    /// comments stored before the desk existed.
    pub ip_hint: Option<String>,
    /// Why it waits (`spam::HoldReason::encode`).
    pub held_reason: Option<String>,
    /// Reports since an editor last acted on it, and in all.
    pub open_reports: i64,
    pub report_count: i64,
    pub moderated_at: Option<i64>,
    /// The status before a reject or delete (what restore brings back).
    pub prev_status: Option<Status>,
    /// Likes (one per reader device).
    pub likes: i64,
    /// When the author last edited the text.
    pub edited_at: Option<i64>,
    /// SHA-256 (hex) of the author's edit token (`api::own`).
    pub edit_token_hash: Option<String>,
}

/// What the moderation layers add to a new comment.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentMeta<'a> {
    pub ip_hint: Option<&'a str>,
    pub held_reason: Option<&'a str>,
    /// SHA-256 (hex) of the edit token handed to the author.
    pub edit_token_hash: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub id: &'a str,
    pub thread: &'a str,
    pub parent_id: Option<&'a str>,
    pub root_id: &'a str,
    pub author: &'a str,
    pub body: &'a str,
    pub created_at: i64,
    pub status: Status,
    pub pending_token: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

#[derive(Debug)]
pub enum InsertOutcome {
    Created(StoredComment),
    /// The idempotency key was used before in this thread: the original row.
    Existing(StoredComment),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub author: String,
    pub published_at: i64,
    pub body_html: String,
    pub thread: String,
}

/// Position after the last top-level comment of a page (newest-first order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub id: String,
}

#[derive(Debug)]
pub struct Page {
    /// Top-level comments newest first, each followed by its replies in
    /// depth-first order, oldest first among siblings.
    pub comments: Vec<StoredComment>,
    pub next_cursor: Option<Cursor>,
    pub total: i64,
}

#[derive(Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
    /// The SQLite file (None on PostgreSQL).
    path: Option<std::path::PathBuf>,
    /// SQLite: connections for the page query in the calling thread.
    inline: Option<std::sync::Arc<sqlite_read::SqliteReaders>>,
}

const COLS: &str = "id, thread, parent_id, root_id, author, body, created_at, status, \
    pending_token, ip_hint, held_reason, open_reports, report_count, moderated_at, prev_status, \
    likes, edited_at, edit_token_hash";

/// Schema versions, applied in order once each. Never edit a shipped entry;
/// append a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_moderation_desk.sql")),
    (
        3,
        include_str!("../migrations/0003_reader_interactions.sql"),
    ),
    (4, include_str!("../migrations/0004_thread_counts.sql")),
];

/// The versions [`Store::connect`] brings a database to, in order.
pub fn migration_versions() -> Vec<i64> {
    MIGRATIONS.iter().map(|(v, _)| *v).collect()
}

/// Turns the user-facing database URL into the one sqlx understands. With
/// `create`, a missing SQLite file is created (and its directory); without, it
/// is an error that names the path.
fn resolve_url(url: &str, create: bool) -> Result<(Backend, String), sqlx::Error> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_owned()));
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path.is_empty() || path == ":memory:" {
        // Separate read and write pools would each get their own empty
        // in-memory database.
        return Err(sqlx::Error::Configuration(
            "in-memory SQLite is not supported; use a file path".into(),
        ));
    }
    if !create {
        if !Path::new(path).is_file() {
            return Err(sqlx::Error::Configuration(
                format!(
                    "SQLite database {path} does not exist (check --database-url; \
                     `ykien-server serve` creates it)"
                )
                .into(),
            ));
        }
    } else if let Some(dir) = Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    // `rw` never creates a file, even if it vanishes after the check above.
    let mode = if create { "mode=rwc" } else { "mode=rw" };
    let query = match query {
        Some(q) if q.contains("mode=") => q.to_owned(),
        Some(q) => format!("{q}&{mode}"),
        None => mode.to_owned(),
    };
    Ok((Backend::Sqlite, format!("sqlite://{path}?{query}")))
}

/// The file of a URL made by [`resolve_url`] (`sqlite://PATH?…`).
fn sqlite_file(url: &str) -> &str {
    let rest = url.strip_prefix("sqlite://").unwrap_or(url);
    rest.split_once('?').map_or(rest, |(p, _)| p)
}

fn parse_status(s: &str) -> Result<Status, sqlx::Error> {
    Status::parse(s)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown comment status {s:?}").into()))
}

fn row_to_comment(row: &AnyRow) -> Result<StoredComment, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let prev: Option<String> = row.try_get("prev_status")?;
    Ok(StoredComment {
        id: row.try_get("id")?,
        thread: row.try_get("thread")?,
        parent_id: row.try_get("parent_id")?,
        root_id: row.try_get("root_id")?,
        author: row.try_get("author")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        status: parse_status(&status)?,
        pending_token: row.try_get("pending_token")?,
        ip_hint: row.try_get("ip_hint")?,
        held_reason: row.try_get("held_reason")?,
        open_reports: row.try_get("open_reports")?,
        report_count: row.try_get("report_count")?,
        moderated_at: row.try_get("moderated_at")?,
        prev_status: prev.as_deref().map(parse_status).transpose()?,
        likes: row.try_get("likes")?,
        edited_at: row.try_get("edited_at")?,
        edit_token_hash: row.try_get("edit_token_hash")?,
    })
}

/// Published comments of `n` threads (`$1..$n`): the stored count of each
/// (`thread_versions.published`, one primary-key lookup per thread).
pub fn counts_sql(n: usize) -> String {
    format!(
        "SELECT thread, published AS n FROM thread_versions WHERE thread IN ({})",
        placeholders(1, n)
    )
}

/// `$from, $from+1, ...` placeholders for an `IN (...)` list.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Connects, applies SQLite durability settings and runs migrations; a
    /// missing SQLite file is created (what `serve` wants).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        Self::open(url, max_connections, true).await
    }

    /// Like [`Store::connect`], but a missing SQLite file is an error naming
    /// its path instead of a new empty database (for the CLI's `moderate`
    /// and `admin`, where a typo in the path must not go unnoticed).
    pub async fn connect_existing(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        Self::open(url, max_connections, false).await
    }

    async fn open(url: &str, max_connections: u32, create: bool) -> Result<Self, sqlx::Error> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);

        let (backend, url) = resolve_url(url, create)?;
        let max = max_connections.max(1);
        let store = match backend {
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(&url)
                    .await?;
                Self {
                    read: pool.clone(),
                    write: pool,
                    backend,
                    path: None,
                    inline: None,
                }
            }
            Backend::Sqlite => {
                let write = sqlite_pool(&url, 1).await?;
                // Create the file and switch it to WAL through the writer
                // before readers open it.
                let read = sqlite_pool(&url, max).await?;
                let path: std::path::PathBuf = sqlite_file(&url).into();
                Self {
                    read,
                    write,
                    backend,
                    inline: Some(std::sync::Arc::new(sqlite_read::SqliteReaders::new(
                        &path,
                        max as usize,
                    ))),
                    path: Some(path),
                }
            }
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same store with every read going through sqlx, as on PostgreSQL
    /// (for tests comparing the two SQLite read paths).
    pub fn without_inline_reads(&self) -> Self {
        Self {
            inline: None,
            ..self.clone()
        }
    }

    /// The SQLite database file; None on PostgreSQL.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.path.clone()
    }

    pub async fn close(&self) {
        if let Some(inline) = &self.inline {
            inline.close();
        }
        self.write.close().await;
        self.read.close().await;
    }

    /// Applies the embedded migrations that are not yet recorded in
    /// `ykien_schema`, all inside one transaction that holds a real lock for
    /// its whole length, so several processes starting at the same moment
    /// against one fresh database apply each migration exactly once: the
    /// others wait for the lock, then find everything recorded.
    ///
    /// - SQLite: `BEGIN IMMEDIATE` takes the database's write lock before the
    ///   first read of `ykien_schema` (a plain `BEGIN` would read first and
    ///   race); the others wait in `busy_timeout`. DDL is transactional.
    /// - PostgreSQL: `pg_advisory_xact_lock` inside the transaction, on the
    ///   same connection; released by the commit or rollback (no unlock that
    ///   an error could skip). DDL is transactional here too.
    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let mut conn = self.write.acquire().await?;
        let mut tx = match self.backend {
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = conn.begin().await?;
                tx.execute("SELECT pg_advisory_xact_lock(7410417)").await?;
                tx
            }
        };
        tx.execute("CREATE TABLE IF NOT EXISTS ykien_schema (version BIGINT PRIMARY KEY NOT NULL)")
            .await?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM ykien_schema")
            .fetch_all(&mut *tx)
            .await?;
        let mut newly = Vec::new();
        for (version, sql) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            for stmt in sql_statements(sql) {
                tx.execute(stmt.as_str()).await?;
            }
            sqlx::query("INSERT INTO ykien_schema (version) VALUES ($1)")
                .bind(*version)
                .execute(&mut *tx)
                .await?;
            newly.push(*version);
        }
        tx.commit().await?;
        for version in newly {
            tracing::info!(version, "applied database migration");
        }
        Ok(())
    }

    /// Migration versions recorded in the database (for tests).
    pub async fn schema_versions(&self) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT version FROM ykien_schema ORDER BY version")
            .fetch_all(&self.read)
            .await
    }

    /// Value of a SQLite PRAGMA as text (for tests and diagnostics).
    pub async fn sqlite_pragma(&self, name: &str) -> Result<String, sqlx::Error> {
        if !name.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
            return Err(sqlx::Error::Protocol("bad pragma name".into()));
        }
        let row = sqlx::query(&format!("PRAGMA {name}"))
            .fetch_one(&self.write)
            .await?;
        // journal_mode is text, synchronous is an integer.
        if let Ok(s) = row.try_get::<String, _>(0) {
            return Ok(s);
        }
        Ok(row.try_get::<i64, _>(0)?.to_string())
    }

    /// A comment by id within a thread (any status).
    pub async fn comment_in_thread(
        &self,
        thread: &str,
        id: &str,
    ) -> Result<Option<StoredComment>, sqlx::Error> {
        let sql = format!("SELECT {COLS} FROM comments WHERE id = $1 AND thread = $2");
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(thread)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(row_to_comment).transpose()
    }

    pub async fn comment(&self, id: &str) -> Result<Option<StoredComment>, sqlx::Error> {
        let sql = format!("SELECT {COLS} FROM comments WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(row_to_comment).transpose()
    }

    /// Inserts a comment unless its idempotency key was already used in the
    /// thread; the unique constraint (thread, idempotency_key) decides, so
    /// concurrent retries and several server processes are covered.
    pub async fn insert_comment(&self, c: &NewComment<'_>) -> Result<InsertOutcome, sqlx::Error> {
        self.insert_comment_with(c, CommentMeta::default()).await
    }

    /// [`Store::insert_comment`] with the moderation layers' facts.
    pub async fn insert_comment_with(
        &self,
        c: &NewComment<'_>,
        meta: CommentMeta<'_>,
    ) -> Result<InsertOutcome, sqlx::Error> {
        let search = crate::spam::fold(&format!("{} {}", c.author, c.body));
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "INSERT INTO comments (id, thread, parent_id, root_id, author, body, created_at, \
             status, pending_token, idempotency_key, ip_hint, held_reason, search_text, \
             edit_token_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (thread, idempotency_key) DO NOTHING",
        )
        .bind(c.id)
        .bind(c.thread)
        .bind(c.parent_id)
        .bind(c.root_id)
        .bind(c.author)
        .bind(c.body)
        .bind(c.created_at)
        .bind(c.status.as_str())
        .bind(c.pending_token)
        .bind(c.idempotency_key)
        .bind(meta.ip_hint)
        .bind(meta.held_reason)
        .bind(search)
        .bind(meta.edit_token_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            let delta = i64::from(c.status == Status::Published);
            bump(&mut tx, c.thread, delta).await?;
        }
        tx.commit().await?;
        if done.rows_affected() == 1 {
            return Ok(InsertOutcome::Created(StoredComment {
                id: c.id.to_owned(),
                thread: c.thread.to_owned(),
                parent_id: c.parent_id.map(str::to_owned),
                root_id: c.root_id.to_owned(),
                author: c.author.to_owned(),
                body: c.body.to_owned(),
                created_at: c.created_at,
                status: c.status,
                pending_token: c.pending_token.map(str::to_owned),
                ip_hint: meta.ip_hint.map(str::to_owned),
                held_reason: meta.held_reason.map(str::to_owned),
                open_reports: 0,
                report_count: 0,
                moderated_at: None,
                prev_status: None,
                likes: 0,
                edited_at: None,
                edit_token_hash: meta.edit_token_hash.map(str::to_owned),
            }));
        }
        let key = c.idempotency_key.ok_or(sqlx::Error::RowNotFound)?;
        let sql = format!("SELECT {COLS} FROM comments WHERE thread = $1 AND idempotency_key = $2");
        // Read through the writer: it has certainly seen the conflicting row.
        let row = sqlx::query(&sql)
            .bind(c.thread)
            .bind(key)
            .fetch_one(&self.write)
            .await?;
        Ok(InsertOutcome::Existing(row_to_comment(&row)?))
    }

    /// One page of a thread, newest first: `limit` top-level comments after
    /// `cursor`, all their visible replies, and the published total of the
    /// thread. `tokens` (pending tokens) make matching comments visible.
    /// [`Store::list_sorted`] does the same for every order and option.
    pub async fn list_page(
        &self,
        thread: &str,
        limit: i64,
        cursor: Option<&Cursor>,
        tokens: &[String],
    ) -> Result<Page, sqlx::Error> {
        let viewer = Viewer {
            pending_tokens: tokens.to_vec(),
            edit_hashes: Vec::new(),
        };
        let after = cursor.map(|c| SortKey {
            likes: 0,
            created_at: c.created_at,
            id: c.id.clone(),
        });
        let page = self
            .list_sorted(&ListRequest {
                thread,
                sort: Sort::Newest,
                limit,
                after: after.as_ref(),
                viewer: &viewer,
                replies: None,
            })
            .await?;
        Ok(Page {
            comments: page.comments.into_iter().map(|l| l.comment).collect(),
            next_cursor: page.next.map(|k| Cursor {
                created_at: k.created_at,
                id: k.id,
            }),
            total: page.total,
        })
    }

    /// Published comment counts; threads without comments map to 0.
    pub async fn counts(&self, threads: &[String]) -> Result<HashMap<String, i64>, sqlx::Error> {
        let mut out: HashMap<String, i64> = threads.iter().map(|t| (t.clone(), 0)).collect();
        if threads.is_empty() {
            return Ok(out);
        }
        let sql = counts_sql(threads.len());
        let mut q = sqlx::query(&sql);
        for t in threads {
            q = q.bind(t.as_str());
        }
        for row in q.fetch_all(&self.read).await? {
            out.insert(row.try_get("thread")?, row.try_get("n")?);
        }
        Ok(out)
    }

    pub async fn comment_count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM comments")
            .fetch_one(&self.read)
            .await
    }

    pub async fn article(&self, id: &str) -> Result<Option<Article>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, title, author, published_at, body_html, thread FROM articles WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(Article {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                author: r.try_get("author")?,
                published_at: r.try_get("published_at")?,
                body_html: r.try_get("body_html")?,
                thread: r.try_get("thread")?,
            })
        })
        .transpose()
    }

    /// Inserts an article unless one with the same id exists.
    pub async fn insert_article(&self, a: &Article) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO articles (id, title, author, published_at, body_html, thread) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(a.id.as_str())
        .bind(a.title.as_str())
        .bind(a.author.as_str())
        .bind(a.published_at)
        .bind(a.body_html.as_str())
        .bind(a.thread.as_str())
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Comments for moderation, newest first; `None` = every status.
    pub async fn list_by_status(
        &self,
        status: Option<Status>,
        limit: i64,
    ) -> Result<Vec<StoredComment>, sqlx::Error> {
        let rows = match status {
            Some(s) => {
                let sql = format!(
                    "SELECT {COLS} FROM comments WHERE status = $1 \
                     ORDER BY created_at DESC, id DESC LIMIT $2"
                );
                sqlx::query(&sql)
                    .bind(s.as_str())
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?
            }
            None => {
                let sql = format!(
                    "SELECT {COLS} FROM comments ORDER BY created_at DESC, id DESC LIMIT $1"
                );
                sqlx::query(&sql).bind(limit).fetch_all(&self.read).await?
            }
        };
        rows.iter().map(row_to_comment).collect()
    }

    /// Sets a comment's status; false if there is no such comment.
    pub async fn set_status(&self, id: &str, status: Status) -> Result<bool, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let Some((thread, from)) = self.lock_status(&mut tx, id).await? else {
            return Ok(false);
        };
        sqlx::query(
            "UPDATE comments SET status = $1, moderated_at = $3, open_reports = 0, \
             held_reason = CASE WHEN $1 = 'pending' THEN held_reason ELSE NULL END, \
             prev_status = CASE WHEN status IN ('rejected', 'deleted') THEN prev_status \
                                ELSE status END \
             WHERE id = $2",
        )
        .bind(status.as_str())
        .bind(id)
        .bind(crate::api::now_ms())
        .execute(&mut *tx)
        .await?;
        bump(&mut tx, &thread, published_delta(from, status)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// `FOR UPDATE` where the database needs it to keep a row's status
    /// still between reading it and writing it: PostgreSQL (read committed,
    /// several writers). SQLite writes one transaction at a time (one write
    /// connection per process; another process's commit in between makes
    /// this transaction's write fail with SQLITE_BUSY instead).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// A comment's thread and status, locked for this transaction.
    pub(crate) async fn lock_status(
        &self,
        tx: &mut sqlx::Transaction<'_, Any>,
        id: &str,
    ) -> Result<Option<(String, Status)>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT thread, status FROM comments WHERE id = $1{}",
            self.for_update()
        ))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        match row {
            Some(r) => Ok(Some((
                r.try_get("thread")?,
                parse_status(&r.try_get::<String, _>("status")?)?,
            ))),
            None => Ok(None),
        }
    }

    /// Deletes a comment and every reply below it; returns rows deleted.
    pub async fn delete_tree(&self, id: &str) -> Result<u64, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let Some((thread, _)) = self.lock_status(&mut tx, id).await? else {
            return Ok(0);
        };
        sqlx::query(
            "WITH RECURSIVE sub(id) AS ( \
               SELECT id FROM comments WHERE id = $1 \
               UNION ALL \
               SELECT c.id FROM comments c JOIN sub ON c.parent_id = sub.id) \
             DELETE FROM likes WHERE comment_id IN (SELECT id FROM sub)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // RETURNING: the statuses of exactly the rows this statement
        // deleted, so the stored count moves by what really went.
        let gone: Vec<String> = sqlx::query_scalar(
            "WITH RECURSIVE sub(id) AS ( \
               SELECT id FROM comments WHERE id = $1 \
               UNION ALL \
               SELECT c.id FROM comments c JOIN sub ON c.parent_id = sub.id) \
             DELETE FROM comments WHERE id IN (SELECT id FROM sub) RETURNING status",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let published = gone.iter().filter(|s| s.as_str() == "published").count() as i64;
        bump(&mut tx, &thread, -published).await?;
        tx.commit().await?;
        Ok(gone.len() as u64)
    }

    /// Published comments of a thread as stored (`thread_versions.published`),
    /// and as counted from the rows: the two must agree (for tests).
    pub async fn published_counts(&self, thread: &str) -> Result<(i64, i64), sqlx::Error> {
        let row = sqlx::query(
            "SELECT COALESCE((SELECT published FROM thread_versions WHERE thread = $1), 0) AS stored, \
               (SELECT COUNT(*) FROM comments WHERE thread = $1 AND status = 'published') AS counted",
        )
        .bind(thread)
        .fetch_one(&self.write)
        .await?;
        Ok((row.try_get("stored")?, row.try_get("counted")?))
    }

    /// Change counter of a thread (0 if it never had a comment); see `cache`.
    pub async fn thread_version(&self, thread: &str) -> Result<i64, sqlx::Error> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT version FROM thread_versions WHERE thread = $1")
                .bind(thread)
                .fetch_optional(&self.read)
                .await?;
        Ok(v.unwrap_or(0))
    }
}

/// The statements of a migration file: split on semicolons, `--` comment
/// lines dropped (so a comment may contain a semicolon).
fn sql_statements(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How a status change moves the thread's stored count of published comments.
pub(crate) fn published_delta(from: Status, to: Status) -> i64 {
    i64::from(to == Status::Published) - i64::from(from == Status::Published)
}

/// Bumps the thread's version (every process's page cache sees the change)
/// and moves its stored count of published comments by `delta`, in the
/// caller's transaction: every change to a thread's comments calls it.
pub(crate) async fn bump(
    tx: &mut sqlx::Transaction<'_, Any>,
    thread: &str,
    delta: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO thread_versions (thread, version, published) VALUES ($1, 1, $2) \
         ON CONFLICT (thread) DO UPDATE SET version = thread_versions.version + 1, \
         published = thread_versions.published + $2",
    )
    .bind(thread)
    .bind(delta)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn sqlite_pool(url: &str, max: u32) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(max)
        // Connections stay open: while one is, SQLite keeps the -shm file
        // (whose header the page cache watches, see `cache::WalWatch`).
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(10))
        // A ping is one more round trip to the connection's thread per
        // statement, and an in-process SQLite connection does not go stale.
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // WAL + synchronous=FULL: a commit is fsynced before the 201 is
                // sent, so an acknowledged comment survives kill -9 and power
                // loss, while readers keep reading during writes.
                // busy_timeout first: on a fresh file another process may be
                // switching it to WAL or migrating it at this very moment.
                for pragma in [
                    "PRAGMA busy_timeout = 5000",
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = FULL",
                    "PRAGMA foreign_keys = ON",
                    // A larger page cache (16 MiB) for the B-tree pages a
                    // write touches (a comment updates about ten indexes):
                    // at a million comments SQLite's default 2 MiB made a
                    // POST markedly slower than on a small database.
                    // (mmap_size was tried too: POSTs got slower.)
                    "PRAGMA cache_size = -16384",
                ] {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
}
