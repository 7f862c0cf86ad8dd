//! Per-process cache of rendered comment pages.
//!
//! An entry is valid only for the `thread_versions.version` it was rendered
//! at; the version is bumped in the same transaction as every comment
//! change, by any process (moderation CLI included). Several server
//! processes therefore never serve stale pages. Requests carrying pending
//! tokens bypass the cache.
//!
//! **Knowing the version without asking the database.** Reading the version
//! is one query per request, and on SQLite a query is a round trip to
//! sqlx's connection thread, which costs more than the rest of a cache hit.
//! So on SQLite the cache also remembers, per thread, the version it last
//! read and the *database's change stamp* at that moment ([`WalWatch`]):
//! the header of SQLite's WAL index (the `-shm` file every connection to
//! the database shares, from every process on the host). SQLite rewrites
//! that header on every commit (its `iChange` counter goes up), before the
//! commit returns, so a writer acknowledges a comment only after the stamp
//! has moved. While the stamp is unchanged no transaction has committed
//! anywhere, so the remembered version is still the version; once it moves,
//! the next request for each thread reads the version again (one query per
//! thread per change, not per request). On PostgreSQL there is no such
//! stamp: every request reads the version (one indexed lookup).
//!
//! Each entry also keeps its body gzip- and brotli-compressed, made once
//! when a client first asks for that encoding, so a hit never compresses.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write as _;
use std::os::unix::fs::{FileExt as _, MetadataExt as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub thread: String,
    pub limit: i64,
    pub cursor: Option<String>,
}

/// Content codings a cached body is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The coding to answer with for an `Accept-Encoding` value: brotli,
    /// then gzip, by the client's weights (brotli preferred at equal
    /// weight, as the compression layer does), identity otherwise.
    pub fn negotiate(accept: Option<&str>) -> Self {
        let Some(accept) = accept else {
            return Encoding::Identity;
        };
        let (mut br, mut gz) = (0.0f32, 0.0f32);
        for part in accept.split(',') {
            let mut bits = part.split(';');
            let name = bits.next().unwrap_or("").trim();
            let q = bits
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if name.eq_ignore_ascii_case("br") {
                br = q;
            } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                gz = q;
            }
        }
        if br > 0.0 && br >= gz {
            Encoding::Brotli
        } else if gz > 0.0 {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
}

/// A rendered page and its compressed forms (made on first use).
#[derive(Debug)]
pub struct Body {
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Body {
    pub fn new(identity: Bytes) -> Self {
        Self {
            identity,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body in `enc`.
    pub fn get(&self, enc: Encoding) -> Bytes {
        match enc {
            Encoding::Identity => self.identity.clone(),
            Encoding::Gzip => self
                .gzip
                .get_or_init(|| gzip(&self.identity).unwrap_or_default())
                .clone(),
            Encoding::Brotli => self
                .brotli
                .get_or_init(|| brotli(&self.identity).unwrap_or_default())
                .clone(),
        }
    }
}

fn gzip(data: &[u8]) -> std::io::Result<Bytes> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 4),
        flate2::Compression::new(6),
    );
    enc.write_all(data)?;
    Ok(enc.finish()?.into())
}

fn brotli(data: &[u8]) -> std::io::Result<Bytes> {
    let mut out = Vec::with_capacity(data.len() / 4);
    {
        // Quality 6: made once per version of a page, a few ms for 50 KB.
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        w.write_all(data)?;
    }
    Ok(out.into())
}

/// The state of SQLite's WAL-index header (both copies, 96 bytes) as read
/// from the `-shm` file. Equal stamps: no commit in between.
pub type Stamp = [u8; 96];

/// Watches the WAL-index header of one SQLite database (see the module
/// docs). Reads it with `pread` (no mapping, no unsafe code); checks on
/// every read that the `-shm` path is still the file it holds open.
#[derive(Debug)]
pub struct WalWatch {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

/// `iVersion` of the WAL-index format (sqlite.org/walformat.html, 2.1).
const WAL_INDEX_VERSION: u32 = 3_007_000;

impl WalWatch {
    /// Watches `db_path`'s `-shm` file; None if it cannot be read (then
    /// every request asks the database).
    pub fn open(db_path: &Path) -> Option<Self> {
        let mut path = db_path.as_os_str().to_owned();
        path.push("-shm");
        let w = Self {
            path: PathBuf::from(path),
            file: Mutex::new(None),
        };
        w.stamp().map(|_| w)
    }

    fn reopen(&self) -> Option<File> {
        File::open(&self.path).ok()
    }

    /// The current stamp, or None when it cannot be trusted (a writer is
    /// updating the header right now, the file changed, or it is not a
    /// WAL index this code knows): then the caller asks the database.
    pub fn stamp(&self) -> Option<Stamp> {
        let mut guard = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // Still the file the path names? SQLite deletes the -shm file when
        // the last connection to the database closes (and a new one makes
        // a new file); this process keeps its connections open, but an
        // unexpected swap must not blind us. A deleted file has no links
        // left: `fstat` on the open file says so without a path lookup
        // (which cost more than the rest of this check).
        let deleted = match guard.as_ref() {
            Some(f) => f.metadata().map_or(true, |m| m.nlink() == 0),
            None => true,
        };
        if deleted {
            *guard = self.reopen();
        }
        let file = guard.as_ref()?;
        let mut h = [0u8; 96];
        if file.read_at(&mut h, 0).ok()? != 96 {
            return None;
        }
        let version = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]);
        let is_init = h[12];
        // Two copies of the header, written one after the other by every
        // commit: they differ while a commit is being published.
        if version != WAL_INDEX_VERSION || is_init != 1 || h[..48] != h[48..] {
            return None;
        }
        Some(h)
    }
}

#[derive(Debug)]
struct Inner {
    pages: HashMap<PageKey, (i64, Arc<Body>)>,
    /// Per thread: the version last read and the stamp read just before.
    versions: HashMap<String, (i64, Stamp)>,
}

#[derive(Debug)]
pub struct PageCache {
    capacity: usize,
    inner: Mutex<Inner>,
    watch: Option<WalWatch>,
}

impl PageCache {
    /// `capacity == 0` disables caching. `watch`: the SQLite database's
    /// change stamp, if there is one.
    pub fn new(capacity: usize, watch: Option<WalWatch>) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner {
                pages: HashMap::new(),
                versions: HashMap::new(),
            }),
            watch: if capacity > 0 { watch } else { None },
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Whether versions can be known without a query (SQLite's stamp).
    pub fn watches(&self) -> bool {
        self.watch.is_some()
    }

    /// The database's change stamp now (None: unknown, ask the database).
    pub fn stamp(&self) -> Option<Stamp> {
        self.watch.as_ref().and_then(WalWatch::stamp)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The thread's version if it was read while the database was at
    /// `stamp` (nothing has committed since).
    pub fn known_version(&self, thread: &str, stamp: Option<&Stamp>) -> Option<i64> {
        let stamp = stamp?;
        match self.lock().versions.get(thread) {
            Some((v, s)) if s == stamp => Some(*v),
            _ => None,
        }
    }

    /// Records that `thread` was at `version` when the database was at
    /// `stamp` (read before the version was).
    pub fn note_version(&self, thread: &str, version: i64, stamp: Option<Stamp>) {
        let Some(stamp) = stamp else {
            return;
        };
        let mut inner = self.lock();
        if inner.versions.len() >= self.capacity.max(1) * 4 && !inner.versions.contains_key(thread)
        {
            inner.versions.clear();
        }
        inner.versions.insert(thread.to_owned(), (version, stamp));
    }

    pub fn get(&self, key: &PageKey, version: i64) -> Option<Arc<Body>> {
        match self.lock().pages.get(key) {
            Some((v, body)) if *v == version => Some(body.clone()),
            _ => None,
        }
    }

    pub fn put(&self, key: PageKey, version: i64, body: Arc<Body>) {
        if !self.enabled() {
            return;
        }
        let mut inner = self.lock();
        if inner.pages.len() >= self.capacity && !inner.pages.contains_key(&key) {
            // Simple and bounded: start over rather than track recency. Hot
            // pages are re-rendered on their next request.
            inner.pages.clear();
        }
        inner.pages.insert(key, (version, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(t: &str) -> PageKey {
        PageKey {
            thread: t.into(),
            limit: 50,
            cursor: None,
        }
    }

    fn body(s: &'static [u8]) -> Arc<Body> {
        Arc::new(Body::new(Bytes::from_static(s)))
    }

    #[test]
    fn versioned_entries() {
        let c = PageCache::new(2, None);
        c.put(key("a"), 1, body(b"a1"));
        assert_eq!(
            c.get(&key("a"), 1).map(|b| b.get(Encoding::Identity)),
            Some(Bytes::from_static(b"a1"))
        );
        assert!(c.get(&key("a"), 2).is_none(), "newer version misses");
        c.put(key("b"), 1, body(b"b1"));
        c.put(key("c"), 1, body(b"c1"));
        assert!(c.get(&key("a"), 1).is_none(), "evicted when full");
        assert!(c.get(&key("c"), 1).is_some());
        let off = PageCache::new(0, None);
        off.put(key("a"), 1, body(b"x"));
        assert!(off.get(&key("a"), 1).is_none());
    }

    #[test]
    fn versions_known_only_at_the_same_stamp() {
        let c = PageCache::new(4, None);
        let s1 = [1u8; 96];
        let s2 = [2u8; 96];
        assert_eq!(c.known_version("a", Some(&s1)), None);
        c.note_version("a", 7, Some(s1));
        assert_eq!(c.known_version("a", Some(&s1)), Some(7));
        assert_eq!(c.known_version("a", Some(&s2)), None, "stamp moved");
        assert_eq!(c.known_version("a", None), None, "stamp unknown");
        c.note_version("b", 3, None);
        assert_eq!(c.known_version("b", Some(&s1)), None);
    }

    #[test]
    fn negotiation_and_codings() {
        use Encoding::*;
        assert_eq!(Encoding::negotiate(None), Identity);
        assert_eq!(Encoding::negotiate(Some("gzip, deflate, br, zstd")), Brotli);
        assert_eq!(Encoding::negotiate(Some("gzip")), Gzip);
        assert_eq!(Encoding::negotiate(Some("br;q=0.5, gzip")), Gzip);
        assert_eq!(Encoding::negotiate(Some("br;q=0, gzip;q=0")), Identity);
        assert_eq!(Encoding::negotiate(Some("identity")), Identity);
        let b = Body::new(Bytes::from("ý kiến ".repeat(200)));
        let gz = b.get(Gzip);
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out)
            .unwrap();
        assert_eq!(out, "ý kiến ".repeat(200));
        let br = b.get(Brotli);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut brotli::Decompressor::new(&br[..], 4096), &mut out)
            .unwrap();
        assert_eq!(out, "ý kiến ".repeat(200).as_bytes());
    }
}
