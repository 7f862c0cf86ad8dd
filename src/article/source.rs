//! The article as the render mode receives it: the JSON contract and its validation.
//!
//! ```json
//! {"title": "…", "published_at": "2024-01-18T10:52:32+07:00", "author": "…", "body_html": "<p>…</p>"}
//! ```
//! `title` and `body_html` are required strings; `published_at` and `author` may be
//! absent or null. Unknown fields are ignored so a richer API works unchanged.

use crate::i18n::Lang;
use crate::platform::error::LoadError;
use crate::platform::json::{self, Json};
use crate::platform::time::{parse_rfc3339_offset, push_padded, wall_clock};

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

/// The publication time as Vietnamese papers print it, in the article's own offset:
/// "Thứ Năm, 18/01/2024 | 10:52 [GMT +7]" ("Thursday, 18/01/2024 | 10:52 [GMT +7]"
/// in English). A reader in another zone sees the newsroom's clock, labelled, not a
/// silent conversion. `None` if `iso` is not an RFC 3339 time.
pub fn published_line(iso: &str, lang: Lang) -> Option<String> {
    const VI: [&str; 7] = [
        "Chủ Nhật",
        "Thứ Hai",
        "Thứ Ba",
        "Thứ Tư",
        "Thứ Năm",
        "Thứ Sáu",
        "Thứ Bảy",
    ];
    const EN: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    let (ms, offset) = parse_rfc3339_offset(iso.trim())?;
    let t = wall_clock(ms, offset.unwrap_or(0));
    let names = match lang {
        Lang::Vi => VI,
        Lang::En => EN,
    };
    let mut out = String::with_capacity(40);
    out.push_str(names.get(usize::try_from(t.weekday).ok()?).copied()?);
    out.push_str(", ");
    push_padded(&mut out, t.day, 2);
    out.push('/');
    push_padded(&mut out, t.month, 2);
    out.push('/');
    push_padded(&mut out, t.year, 4);
    out.push_str(" | ");
    push_padded(&mut out, t.hour, 2);
    out.push(':');
    push_padded(&mut out, t.minute, 2);
    if let Some(offset) = offset {
        out.push_str(if offset < 0 { " [GMT -" } else { " [GMT +" });
        let abs = offset.abs();
        out.push_str(&(abs / 60).to_string());
        if abs % 60 != 0 {
            out.push(':');
            push_padded(&mut out, abs % 60, 2);
        }
        out.push(']');
    }
    Some(out)
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

    #[test]
    fn publication_time_as_the_newsroom_wrote_it() {
        let iso = "2024-01-18T10:52:32+07:00";
        assert_eq!(
            published_line(iso, Lang::Vi).as_deref(),
            Some("Thứ Năm, 18/01/2024 | 10:52 [GMT +7]")
        );
        assert_eq!(
            published_line(iso, Lang::En).as_deref(),
            Some("Thursday, 18/01/2024 | 10:52 [GMT +7]")
        );
        // Past midnight in UTC terms, still the evening in Hà Nội.
        assert_eq!(
            published_line("2024-01-21T23:30:00+07:00", Lang::Vi).as_deref(),
            Some("Chủ Nhật, 21/01/2024 | 23:30 [GMT +7]")
        );
        assert_eq!(
            published_line("2024-03-01T08:05:00-03:30", Lang::En).as_deref(),
            Some("Friday, 01/03/2024 | 08:05 [GMT -3:30]")
        );
        assert_eq!(
            published_line("2024-01-18T03:52:00Z", Lang::Vi).as_deref(),
            Some("Thứ Năm, 18/01/2024 | 03:52 [GMT +0]")
        );
        // No offset: the clock as written, unlabelled.
        assert_eq!(
            published_line("2024-01-18 10:52", Lang::Vi).as_deref(),
            Some("Thứ Năm, 18/01/2024 | 10:52")
        );
        assert_eq!(published_line("hôm qua", Lang::Vi), None);
    }
}
