//! The article as the render mode receives it: the JSON contract and its validation.
//!
//! ```json
//! {"title": "…", "published_at": "2024-01-18T10:52:32+07:00", "author": "…", "body_html": "<p>…</p>"}
//! ```
//! `title` and `body_html` are required strings; `published_at` and `author` may be
//! absent or null. Unknown fields are ignored so a richer API works unchanged.

use crate::error::LoadError;
use crate::json::{self, Json};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub published_at: Option<String>,
    pub author: Option<String>,
    pub body_html: String,
}

/// Caps what the widget will parse: an article body larger than this is a broken
/// or hostile endpoint, and parsing it would stall the reader's page.
pub const MAX_ARTICLE_BYTES: usize = 2 * 1024 * 1024;

pub fn parse_article(text: &str) -> Result<Article, LoadError> {
    if text.len() > MAX_ARTICLE_BYTES {
        return Err(LoadError::Shape(format!(
            "article is {} bytes, more than the {} byte limit",
            text.len(),
            MAX_ARTICLE_BYTES
        )));
    }
    let value = json::parse(text).map_err(LoadError::NotJson)?;
    article_from(&value)
}

pub fn article_from<J: Json + Clone>(value: &J) -> Result<Article, LoadError> {
    if value.member("title").is_none() && value.kind() != "object" {
        return Err(LoadError::Shape(format!(
            "expected an object with string fields title and body_html, got {}",
            value.kind()
        )));
    }
    Ok(Article {
        title: required(value, "title")?,
        body_html: required(value, "body_html")?,
        published_at: optional(value, "published_at")?,
        author: optional(value, "author")?,
    })
}

fn required<J: Json>(value: &J, key: &str) -> Result<String, LoadError> {
    match value.member(key) {
        Some(v) => v.string().ok_or_else(|| {
            LoadError::Shape(format!("expected a string at {key}, got {}", v.kind()))
        }),
        None => Err(LoadError::Shape(format!(
            "expected a string at {key}, got nothing"
        ))),
    }
}

/// Absent, null and blank all mean "not given".
fn optional<J: Json>(value: &J, key: &str) -> Result<Option<String>, LoadError> {
    match value.member(key) {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => match v.string() {
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(LoadError::Shape(format!(
                "expected a string or null at {key}, got {}",
                v.kind()
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_article_parses() {
        let a = parse_article(
            r#"{"id":"x","title":"Tiêu đề","published_at":"2024-01-18T10:52:32+07:00","author":"Lê Hà","body_html":"<p>Xin chào</p>","extra":1}"#,
        )
        .expect("article");
        assert_eq!(a.title, "Tiêu đề");
        assert_eq!(a.author.as_deref(), Some("Lê Hà"));
    }

    #[test]
    fn optional_fields_may_be_null_or_blank() {
        let a = parse_article(r#"{"title":"t","published_at":null,"author":"  ","body_html":""}"#)
            .expect("article");
        assert_eq!(a.published_at, None);
        assert_eq!(a.author, None);
    }

    #[test]
    fn html_error_pages_and_truncation_are_not_json() {
        for body in [
            "<!doctype html><h1>502</h1>",
            r#"{"title":"t","body_ht"#,
            "",
        ] {
            assert!(
                matches!(parse_article(body), Err(LoadError::NotJson(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn wrong_shapes_say_what_was_expected_where() {
        let cases = [
            (
                r#"[]"#,
                "expected an object with string fields title and body_html, got array",
            ),
            (
                "null",
                "expected an object with string fields title and body_html, got null",
            ),
            (
                r#"{"title":1,"body_html":"x"}"#,
                "expected a string at title, got number",
            ),
            (
                r#"{"title":"t"}"#,
                "expected a string at body_html, got nothing",
            ),
            (
                r#"{"title":"t","body_html":"b","author":{}}"#,
                "expected a string or null at author, got object",
            ),
        ];
        for (body, want) in cases {
            match parse_article(body) {
                Err(LoadError::Shape(msg)) => assert_eq!(msg, want, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn oversized_bodies_are_refused_before_parsing() {
        let huge = format!(
            r#"{{"title":"t","body_html":"{}"}}"#,
            "x".repeat(MAX_ARTICLE_BYTES)
        );
        assert!(matches!(parse_article(&huge), Err(LoadError::Shape(_))));
    }
}
