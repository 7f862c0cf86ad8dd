//! Comments held for moderation, remembered on their author's device. Most APIs do
//! not list them until they are approved, so without this an author who reloads
//! would see their comment vanish and might post it again. Each is shown (marked as
//! awaiting approval) until the API lists it as published or a week has passed.
//!
//! Where the API gives the author a secret token for a held comment (the reference
//! server's `pending_token`), the token is kept too and sent back with list requests,
//! so the API can tell the author what became of it: still pending, or rejected
//! (shown once as "not approved", then forgotten).

use crate::comments::adapter::{Body, Comment, Id, Status};
use crate::platform::json::{self, quote, Json};
use crate::platform::storage;

const WEEK_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;
/// Enough for any one reader; keeps storage and parsing bounded.
const MAX_KEPT: usize = 20;

fn key(thread: &str) -> String {
    format!("ykien:held:{}:{thread}", thread.len())
}

/// A held comment, when it was remembered (its own time may be the server's, and a
/// wrong client clock must not expire it early), and its secret token if any.
#[derive(Clone, Debug, PartialEq)]
struct Kept {
    comment: Comment,
    saved: f64,
    token: Option<String>,
}

/// Remembers a held comment (storage keeps the newest first).
pub fn remember(thread: &str, comment: &Comment, token: Option<&str>, now_ms: f64) {
    let mut all = stored(thread, now_ms);
    all.retain(|k| k.comment.id != comment.id);
    all.insert(
        0,
        Kept {
            comment: comment.clone(),
            saved: now_ms,
            token: token.map(str::to_owned),
        },
    );
    all.truncate(MAX_KEPT);
    save(thread, &all);
}

/// The held comments still worth showing, oldest first (the order they were posted).
pub fn load(thread: &str, now_ms: f64) -> Vec<Comment> {
    stored(thread, now_ms)
        .into_iter()
        .rev()
        .map(|k| k.comment)
        .collect()
}

/// Whether anything is remembered for `thread` (without reading it).
pub fn any(thread: &str) -> bool {
    storage::get(&key(thread)).is_some()
}

/// The tokens to send with list requests.
pub fn tokens(thread: &str, now_ms: f64) -> Vec<String> {
    stored(thread, now_ms)
        .into_iter()
        .filter_map(|k| k.token)
        .collect()
}

fn stored(thread: &str, now_ms: f64) -> Vec<Kept> {
    let Some(text) = storage::get(&key(thread)) else {
        return Vec::new();
    };
    let mut out = decode(&text);
    out.retain(|k| now_ms - k.saved < WEEK_MS);
    out
}

/// Drops those the API has decided on (listed as published, rejected or deleted):
/// from now on the list shows them, or, for a rejection, has just shown it once.
pub fn forget(thread: &str, now_ms: f64, decided: impl Fn(&Id) -> bool) {
    let all = stored(thread, now_ms);
    let kept: Vec<Kept> = all
        .iter()
        .filter(|k| !decided(&k.comment.id))
        .cloned()
        .collect();
    if kept.len() != all.len() {
        save(thread, &kept);
    }
}

fn save(thread: &str, all: &[Kept]) {
    if all.is_empty() {
        storage::remove(&key(thread));
    } else {
        storage::set(&key(thread), &encode(all));
    }
}

fn encode(all: &[Kept]) -> String {
    let items: Vec<String> = all
        .iter()
        .map(|Kept { comment: c, saved, token }| {
            let (body, html) = match &c.body {
                Body::Text(t) => (t, false),
                Body::Html(h) => (h, true),
            };
            let parent = c.parent.as_ref().map_or("null".to_owned(), |p| quote(&p.text));
            format!(
                "{{\"id\":{},\"num\":{},\"parent\":{},\"author\":{},\"body\":{},\"html\":{},\"at\":{},\"saved\":{},\"token\":{}}}",
                quote(&c.id.text),
                c.id.numeric,
                parent,
                quote(c.author.as_deref().unwrap_or("")),
                quote(body),
                html,
                c.created_ms.map_or(0, |t| t as i64),
                *saved as i64,
                token.as_deref().map_or("null".to_owned(), quote),
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// Stored text is ours but storage is shared with the whole origin: read it as
/// untrusted, skipping anything malformed.
fn decode(text: &str) -> Vec<Kept> {
    let Ok(value) = json::parse(text) else {
        return Vec::new();
    };
    let items = value.items().unwrap_or_default();
    items
        .iter()
        .take(MAX_KEPT)
        .filter_map(|item| {
            let id = item.member("id")?.string()?;
            let body = item.member("body")?.string()?;
            let html = item
                .member("html")
                .and_then(|h| h.boolean())
                .unwrap_or(false);
            let saved = item.member("saved").and_then(|t| t.number())?;
            let comment = Comment {
                id: Id {
                    text: id,
                    numeric: item
                        .member("num")
                        .and_then(|n| n.boolean())
                        .unwrap_or(false),
                },
                parent: item
                    .member("parent")
                    .and_then(|p| p.string())
                    .map(|text| Id {
                        text,
                        numeric: false,
                    }),
                author: item.member("author").and_then(|a| a.string()),
                body: if html {
                    Body::Html(body)
                } else {
                    Body::Text(body)
                },
                created_ms: item.member("at").and_then(|t| t.number()),
                status: Status::Pending,
                likes: None,
                edited_ms: None,
            };
            let token = item.member("token").and_then(|t| t.string());
            Some(Kept {
                comment,
                saved,
                token,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_comments_round_trip_through_storage_text() {
        let c = Comment {
            id: Id {
                text: "a\"b".into(),
                numeric: true,
            },
            parent: Some(Id {
                text: "p".into(),
                numeric: false,
            }),
            author: Some("Hà".into()),
            body: Body::Text("dòng 1\ndòng 2 \u{2028}".into()),
            created_ms: Some(1_700_000_000_123.0),
            status: Status::Pending,
            likes: None,
            edited_ms: None,
        };
        let kept = Kept {
            comment: c.clone(),
            saved: 1_800_000_000_000.0,
            token: Some("tok\"1".into()),
        };
        let back = decode(&encode(std::slice::from_ref(&kept)));
        assert_eq!(back, [kept]);
        let back: Vec<Comment> = back.into_iter().map(|k| k.comment).collect();
        assert_eq!(back[0].id.text, "a\"b");
        assert!(back[0].id.numeric);
        assert_eq!(back[0].parent, c.parent);
        assert_eq!(back[0].body, c.body);
        assert_eq!(back[0].created_ms, c.created_ms);
        assert!(back[0].is_pending());
    }

    #[test]
    fn garbage_in_storage_is_ignored() {
        assert!(decode("not json").is_empty());
        assert!(decode("[1, {\"id\": 2}, {\"id\": \"x\"}]").is_empty());
    }
}
