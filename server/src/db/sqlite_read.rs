//! SQLite reads run in the calling thread, on connections of our own.
//!
//! Through sqlx, every SQLite statement is a round trip to the connection's
//! worker thread: the command goes over a channel, the worker wakes, runs it
//! and sends the rows back, and the task is woken again (and the pool pings
//! the connection that way before lending it). For an uncached page those
//! wake-ups and the `Any` driver's copies of every value cost more CPU than
//! the query itself, which is a fraction of a millisecond. So the page query
//! of a SQLite store runs here, synchronously, on a plain connection to the
//! same file: in WAL mode a reader never waits for a writer, so the thread
//! is only held for the query's own time.
//!
//! It never waits for a lock either: `busy_timeout` is 0 here, and a
//! statement that finds the database busy (a rare moment, such as another
//! process recovering the WAL index) reports [`Busy`], and the caller runs
//! the same read through sqlx's pool, which waits off the runtime's threads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::listing::Bind;

/// Why an inline read did not answer.
#[derive(Debug)]
pub(super) enum ReadError {
    /// The database is locked at this moment (or the readers are closed):
    /// read through sqlx instead.
    Busy,
    Failed(sqlx::Error),
}

impl From<rusqlite::Error> for ReadError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => ReadError::Busy,
            _ => ReadError::Failed(sqlx::Error::Protocol(format!("sqlite read: {e}"))),
        }
    }
}

impl From<sqlx::Error> for ReadError {
    fn from(e: sqlx::Error) -> Self {
        ReadError::Failed(e)
    }
}

/// Idle read connections, opened on first use. A read holds one only while
/// it runs, without awaiting, so no more are ever open than threads reading
/// at once (the runtime's workers).
pub(super) struct SqliteReaders {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    keep: usize,
    /// After [`SqliteReaders::close`], reads go to sqlx's (closed) pools.
    closed: AtomicBool,
}

impl std::fmt::Debug for SqliteReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteReaders")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteReaders {
    /// `keep`: idle connections kept at most (at least one per core, so a
    /// read never has to open one once every worker has one).
    pub(super) fn new(path: &Path, keep: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            keep: keep.max(cores),
            closed: AtomicBool::new(false),
        }
    }

    /// Closes the idle connections (the last connection to close removes
    /// the WAL files, as the store's close always did); later reads go
    /// through sqlx.
    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    fn open(&self) -> Result<Connection, ReadError> {
        // The file exists (the store created and migrated it); never create
        // one here.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // query_only: these connections cannot change the database, whatever
        // SQL reaches them. The page cache size is the sqlx connections'.
        //
        // mmap: the bundled SQLite is built with SQLITE_ENABLE_MEMORY_MANAGEMENT,
        // so every connection's page cache is one global LRU behind one mutex,
        // taken for every page a query touches; two threads reading pages at
        // once spent a fifth of their time waiting for it (futex) at a
        // million comments. Pages of the database file that a reader takes
        // from the mapping skip that cache (pages still in the WAL do not).
        conn.execute_batch(
            "PRAGMA query_only = ON; PRAGMA cache_size = -16384; \
             PRAGMA mmap_size = 2147418112;",
        )?;
        Ok(conn)
    }

    /// Runs `f` on an idle connection (or a new one).
    pub(super) fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(ReadError::Busy);
        }
        let taken = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match taken {
            Some(c) => c,
            None => self.open()?,
        };
        let out = f(&conn);
        // A connection goes back only outside any transaction (every
        // statement is reset when its rows are dropped), so the next read
        // on it sees the latest commit; after an error it is closed.
        if out.is_ok() && conn.is_autocommit() && !self.closed.load(Ordering::SeqCst) {
            if let Ok(mut idle) = self.idle.lock() {
                if idle.len() < self.keep {
                    idle.push(conn);
                }
            }
        }
        out
    }
}

/// Prepares `sql` (cached per connection) and binds `binds` to its `$N`
/// placeholders, as sqlx does: `$N` takes the N-th value, wherever and
/// however often it appears.
pub(super) fn prepare<'c>(
    conn: &'c Connection,
    sql: &str,
    binds: &[Bind],
) -> Result<rusqlite::CachedStatement<'c>, ReadError> {
    let mut stmt = conn.prepare_cached(sql)?;
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .ok_or_else(|| {
                ReadError::Failed(sqlx::Error::Protocol(format!(
                    "sqlite read: placeholder {i} is not $N"
                )))
            })?;
        match binds.get(n) {
            Some(Bind::Int(v)) => stmt.raw_bind_parameter(i, *v)?,
            Some(Bind::Text(s)) => stmt.raw_bind_parameter(i, s.as_str())?,
            None => {
                return Err(ReadError::Failed(sqlx::Error::Protocol(format!(
                    "sqlite read: no value for ${}",
                    n + 1
                ))))
            }
        }
    }
    Ok(stmt)
}

/// Column `i` as text, NULL as None; any other type is an error, as
/// through sqlx.
pub(super) fn text(row: &rusqlite::Row<'_>, i: usize) -> Result<Option<String>, ReadError> {
    match row.get_ref(i)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) => match simdutf8::basic::from_utf8(bytes) {
            Ok(s) => Ok(Some(s.to_owned())),
            Err(_) => Err(ReadError::Failed(sqlx::Error::Decode(
                format!("column {i}: text is not UTF-8").into(),
            ))),
        },
        other => Err(ReadError::Failed(sqlx::Error::Decode(
            format!("column {i}: {} where text was expected", other.data_type()).into(),
        ))),
    }
}

/// Column `i` as text that may not be NULL.
pub(super) fn required_text(row: &rusqlite::Row<'_>, i: usize) -> Result<String, ReadError> {
    text(row, i)?.ok_or_else(|| {
        ReadError::Failed(sqlx::Error::Decode(
            format!("column {i}: NULL where text was expected").into(),
        ))
    })
}
