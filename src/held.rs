//! Comments held for moderation, remembered on their author's device. The API does
//! not list them until they are approved, so without this an author who reloads
//! would see their comment vanish and might post it again. Each is shown (marked as
//! awaiting approval) until the API lists it or a week has passed.

use crate::adapter::{Body, Comment, Id};
use crate::json::{self, quote, Json};
use crate::storage;

const WEEK_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;
/// Enough for any one reader; keeps storage and parsing bounded.
const MAX_KEPT: usize = 20;

fn key(thread: &str) -> String {
    format!("ykien:held:{}:{thread}", thread.len())
}

/// A held comment and when it was remembered (its own time may be the server's,
/// and a wrong client clock must not expire it early).
type Kept = (Comment, f64);

/// Remembers a held comment (storage keeps the newest first).
pub fn remember(thread: &str, comment: &Comment, now_ms: f64) {
    let mut all = stored(thread, now_ms);
    all.retain(|(c, _)| c.id != comment.id);
    all.insert(0, (comment.clone(), now_ms));
    all.truncate(MAX_KEPT);
    save(thread, &all);
}

/// The held comments still worth showing, oldest first (the order they were posted).
pub fn load(thread: &str, now_ms: f64) -> Vec<Comment> {
    stored(thread, now_ms)
        .into_iter()
        .rev()
        .map(|(c, _)| c)
        .collect()
}

fn stored(thread: &str, now_ms: f64) -> Vec<Kept> {
    let Some(text) = storage::get(&key(thread)) else {
        return Vec::new();
    };
    let mut out = decode(&text);
    out.retain(|(_, saved)| now_ms - saved < WEEK_MS);
    out
}

/// Drops those the API now lists: they were approved and are shown from the list.
pub fn forget(thread: &str, now_ms: f64, listed: impl Fn(&Id) -> bool) {
    let all = stored(thread, now_ms);
    let kept: Vec<Kept> = all
        .iter()
        .filter(|(c, _)| !listed(&c.id))
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
        .map(|(c, saved)| {
            let (body, html) = match &c.body {
                Body::Text(t) => (t, false),
                Body::Html(h) => (h, true),
            };
            let parent = c.parent.as_ref().map_or("null".to_owned(), |p| quote(&p.text));
            format!(
                "{{\"id\":{},\"num\":{},\"parent\":{},\"author\":{},\"body\":{},\"html\":{},\"at\":{},\"saved\":{}}}",
                quote(&c.id.text),
                c.id.numeric,
                parent,
                quote(c.author.as_deref().unwrap_or("")),
                quote(body),
                html,
                c.created_ms.map_or(0, |t| t as i64),
                *saved as i64,
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
                pending: true,
            };
            Some((comment, saved))
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
            pending: true,
        };
        let back = decode(&encode(&[(c.clone(), 1_800_000_000_000.0)]));
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].1, 1_800_000_000_000.0);
        let back: Vec<Comment> = back.into_iter().map(|(c, _)| c).collect();
        assert_eq!(back[0].id.text, "a\"b");
        assert!(back[0].id.numeric);
        assert_eq!(back[0].parent, c.parent);
        assert_eq!(back[0].body, c.body);
        assert_eq!(back[0].created_ms, c.created_ms);
        assert!(back[0].pending);
    }

    #[test]
    fn garbage_in_storage_is_ignored() {
        assert!(decode("not json").is_empty());
        assert!(decode("[1, {\"id\": 2}, {\"id\": \"x\"}]").is_empty());
    }
}
