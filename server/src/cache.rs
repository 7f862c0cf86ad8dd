//! Per-process cache of rendered comment pages.
//!
//! An entry is valid only for the `thread_versions.version` it was rendered
//! at; the version is bumped in the same transaction as every comment
//! change, by any process (moderation CLI included). A GET therefore costs
//! one indexed lookup when nothing changed, instead of three queries and
//! JSON rendering, and several server processes never serve stale pages.
//! Requests carrying pending tokens bypass the cache.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub thread: String,
    pub limit: i64,
    pub cursor: Option<String>,
}

#[derive(Debug)]
pub struct PageCache {
    capacity: usize,
    entries: Mutex<HashMap<PageKey, (i64, Bytes)>>,
}

impl PageCache {
    /// `capacity == 0` disables caching.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    pub fn get(&self, key: &PageKey, version: i64) -> Option<Bytes> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(key) {
            Some((v, body)) if *v == version => Some(body.clone()),
            _ => None,
        }
    }

    pub fn put(&self, key: PageKey, version: i64, body: Bytes) {
        if !self.enabled() {
            return;
        }
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.capacity && !map.contains_key(&key) {
            // Simple and bounded: start over rather than track recency. Hot
            // pages are re-rendered on their next request.
            map.clear();
        }
        map.insert(key, (version, body));
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

    #[test]
    fn versioned_entries() {
        let c = PageCache::new(2);
        c.put(key("a"), 1, Bytes::from_static(b"a1"));
        assert_eq!(c.get(&key("a"), 1).as_deref(), Some(&b"a1"[..]));
        assert_eq!(c.get(&key("a"), 2), None, "newer version misses");
        c.put(key("b"), 1, Bytes::from_static(b"b1"));
        c.put(key("c"), 1, Bytes::from_static(b"c1"));
        assert_eq!(c.get(&key("a"), 1), None, "evicted when full");
        assert!(c.get(&key("c"), 1).is_some());
        let off = PageCache::new(0);
        off.put(key("a"), 1, Bytes::from_static(b"x"));
        assert_eq!(off.get(&key("a"), 1), None);
    }
}
