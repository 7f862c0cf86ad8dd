//! What the reader typed, kept on this device so that a reload, a crash or a failed
//! send never loses it. One draft per thread and per reply target; the idempotency
//! key of a send that got no answer is kept beside it, so a retry after a reload still
//! cannot store the comment twice.

use crate::platform::storage;

const NAME_KEY: &str = "ykien:name";

/// Storage key of one draft. Lengths are part of the key so that a thread id
/// containing `:` can never collide with another thread's reply draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftKey(String);

impl DraftKey {
    pub fn new(thread: &str, parent: Option<&str>) -> Self {
        let mut key = format!("ykien:draft:{}:{thread}", thread.len());
        if let Some(p) = parent {
            key.push_str(&format!(":{}:{p}", p.len()));
        }
        DraftKey(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn idempotency(&self) -> String {
        format!("{}#key", self.0)
    }

    fn request(&self) -> String {
        format!("{}#request", self.0)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub body: String,
    /// Set while a send of exactly this body may have reached the server.
    pub idempotency_key: Option<String>,
    /// The request body that send used (its `{nowMs}` included): a resend repeats
    /// it byte for byte, so a server that got the first one stores nothing new.
    pub request: Option<String>,
}

pub fn load(key: &DraftKey) -> Draft {
    Draft {
        body: storage::get(key.as_str()).unwrap_or_default(),
        idempotency_key: storage::get(&key.idempotency()),
        request: storage::get(&key.request()),
    }
}

pub fn save_body(key: &DraftKey, body: &str) {
    if body.trim().is_empty() {
        storage::remove(key.as_str());
    } else {
        storage::set(key.as_str(), body);
    }
}

/// Remembers (or, with `None`, forgets) the send that may have reached the server:
/// its idempotency key and the exact request body.
pub fn save_sent(key: &DraftKey, sent: Option<(&str, Option<&str>)>) {
    match sent {
        Some((idem, request)) => {
            storage::set(&key.idempotency(), idem);
            match request {
                Some(body) => {
                    storage::set(&key.request(), body);
                }
                None => storage::remove(&key.request()),
            }
        }
        None => {
            storage::remove(&key.idempotency());
            storage::remove(&key.request());
        }
    }
}

/// Only after the server accepted the comment.
pub fn clear(key: &DraftKey) {
    storage::remove(key.as_str());
    save_sent(key, None);
}

pub fn name() -> String {
    storage::get(NAME_KEY).unwrap_or_default()
}

pub fn save_name(name: &str) {
    if name.is_empty() {
        storage::remove(NAME_KEY);
    } else {
        storage::set(NAME_KEY, name);
    }
}

/// A fresh idempotency key: `crypto.randomUUID()` where available (secure contexts),
/// else time and `Math.random`, which is enough to tell one reader's sends apart.
pub fn new_idempotency_key() -> String {
    // randomUUID is missing outside secure contexts; calling it would throw.
    let uuid = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .filter(|c| js_sys::Reflect::has(c, &"randomUUID".into()).unwrap_or(false))
        .map(|c| c.random_uuid())
        .filter(|u| !u.is_empty());
    uuid.unwrap_or_else(|| {
        let now = js_sys::Date::now() as u64;
        let r1 = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let r2 = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        format!("{now:x}-{r1:08x}{r2:08x}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_do_not_collide_across_threads_and_parents() {
        let a = DraftKey::new("a:b", Some("c"));
        let b = DraftKey::new("a", Some("b:c"));
        assert_ne!(a, b);
        assert_ne!(DraftKey::new("t", None), DraftKey::new("t", Some("")));
        assert_eq!(DraftKey::new("demo", None).as_str(), "ykien:draft:4:demo");
    }
}
