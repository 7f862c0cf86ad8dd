//! What this device remembers of the reader's own part in a thread: the comments
//! they liked and reported (so the buttons show it after a reload), and the secret
//! tokens of the comments they wrote (to edit or delete them within the API's
//! window). Storage is shared with the whole origin, so everything read back is
//! treated as untrusted and bounded.

use crate::comments::adapter::Id;
use crate::platform::json::{self, quote, Json};
use crate::platform::storage;

/// Per thread and list, so one busy article cannot crowd out the others.
const MAX_IDS: usize = 500;
const MAX_OWN: usize = 50;

fn key(what: &str, thread: &str) -> String {
    format!("ykien:{what}:{}:{thread}", thread.len())
}

/// An opaque id for this browser, sent with likes and reports so an API can count
/// one per reader without an account. Created once per site.
pub fn device() -> String {
    const KEY: &str = "ykien:device";
    if let Some(d) = storage::get(KEY).filter(|d| valid_device(d)) {
        return d;
    }
    let fresh: String = crate::comments::draft::new_idempotency_key()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    let fresh = if fresh.len() >= 16 {
        fresh
    } else {
        format!("{fresh}{}", "0".repeat(16 - fresh.len()))
    };
    storage::set(KEY, &fresh);
    fresh
}

fn valid_device(d: &str) -> bool {
    (16..=64).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A set of comment ids kept per thread (`liked`, `reported`).
pub struct IdSet {
    key: String,
    ids: Vec<String>,
}

impl IdSet {
    pub fn load(what: &str, thread: &str) -> IdSet {
        let key = key(what, thread);
        let ids = storage::get(&key)
            .and_then(|text| json::parse(&text).ok())
            .and_then(|v| v.items())
            .map(|items| {
                items
                    .iter()
                    .filter_map(Json::string)
                    .take(MAX_IDS)
                    .collect()
            })
            .unwrap_or_default();
        IdSet { key, ids }
    }

    pub fn contains(&self, id: &Id) -> bool {
        self.ids.contains(&id.text)
    }

    /// Adds or removes `id` and writes the set back.
    pub fn set(&mut self, id: &Id, on: bool) {
        self.ids.retain(|i| *i != id.text);
        if on {
            self.ids.insert(0, id.text.clone());
            self.ids.truncate(MAX_IDS);
        }
        let items: Vec<String> = self.ids.iter().map(|i| quote(i)).collect();
        storage::set(&self.key, &format!("[{}]", items.join(",")));
    }
}

/// Everything the section shows of the reader's own part in a thread.
pub struct Mine {
    pub liked: IdSet,
    pub reported: IdSet,
    /// The reader's comments that could still be changed when last read.
    pub own: Vec<Own>,
    pub thread: String,
}

impl Mine {
    pub fn load(thread: &str, now_ms: f64) -> Mine {
        Mine {
            liked: IdSet::load("liked", thread),
            reported: IdSet::load("reported", thread),
            own: own(thread, now_ms),
            thread: thread.to_owned(),
        }
    }

    /// The reader's token for `id`, while the API still lets them change it.
    pub fn own(&self, id: &Id, now_ms: f64) -> Option<&Own> {
        self.own
            .iter()
            .find(|o| o.id == id.text && o.until_ms > now_ms)
    }

    pub fn add_own(&mut self, own: Own, now_ms: f64) {
        remember_own(&self.thread, own, now_ms);
        self.own = self::own(&self.thread, now_ms);
    }

    pub fn forget_own(&mut self, id: &Id) {
        forget_own(&self.thread, &id.text);
        self.own.retain(|o| o.id != id.text);
    }
}

/// A comment the reader wrote, with what the API gave them to change it.
#[derive(Clone, Debug, PartialEq)]
pub struct Own {
    pub id: String,
    pub token: String,
    /// Until when the API lets its author edit or delete it (ms since the epoch).
    pub until_ms: f64,
}

fn read_own(thread: &str) -> Vec<Own> {
    storage::get(&key("own", thread))
        .and_then(|text| json::parse(&text).ok())
        .and_then(|v| v.items())
        .map(|items| {
            items
                .iter()
                .take(MAX_OWN)
                .filter_map(|item| {
                    Some(Own {
                        id: item.member("id")?.string()?,
                        token: item.member("token")?.string()?,
                        until_ms: item.member("until")?.number()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn write_own(thread: &str, all: &[Own]) {
    if all.is_empty() {
        storage::remove(&key("own", thread));
        return;
    }
    let items: Vec<String> = all
        .iter()
        .map(|o| {
            format!(
                "{{\"id\":{},\"token\":{},\"until\":{}}}",
                quote(&o.id),
                quote(&o.token),
                o.until_ms as i64
            )
        })
        .collect();
    storage::set(&key("own", thread), &format!("[{}]", items.join(",")));
}

/// The reader's comments that can still be changed at `now_ms` (expired ones are
/// dropped from storage).
pub fn own(thread: &str, now_ms: f64) -> Vec<Own> {
    let all = read_own(thread);
    let live: Vec<Own> = all
        .iter()
        .filter(|o| o.until_ms > now_ms)
        .cloned()
        .collect();
    if live.len() != all.len() {
        write_own(thread, &live);
    }
    live
}

pub fn remember_own(thread: &str, own: Own, now_ms: f64) {
    let mut all = self::own(thread, now_ms);
    all.retain(|o| o.id != own.id);
    all.insert(0, own);
    all.truncate(MAX_OWN);
    write_own(thread, &all);
}

pub fn forget_own(thread: &str, id: &str) {
    let mut all = read_own(thread);
    all.retain(|o| o.id != id);
    write_own(thread, &all);
}
