//! Property tests: whatever a stranger's API or an operator's config contains, the
//! adapter answers with comments or a described error, and never panics.

use super::*;
use crate::platform::time::{format_rfc3339, parse_rfc3339};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Member names the adapters look for, so generated values often hit real paths.
const KEYS: &[&str] = &[
    "comments",
    "id",
    "parent_id",
    "parentId",
    "author",
    "body",
    "created_at",
    "status",
    "next_cursor",
    "total",
    "comment",
    "error",
    "message",
    "children",
    "data",
    "items",
    "meta",
    "0",
    "user",
    "name",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => ".{0,6}",
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        (-1e16..1e16_f64).prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just(String::new()),
        Just("pending".to_owned()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,12})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?",
        "-?[0-9]{1,20}(\\.[0-9]{0,12})?",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A list response that is often nearly right: an object with comment-like items.
fn list_body() -> impl Strategy<Value = Value> {
    let item = prop::collection::vec((key(), json_value()), 0..8)
        .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>()));
    let items = prop::collection::vec(prop_oneof![4 => item, 1 => json_value()], 0..12);
    (items, json_value(), json_value()).prop_map(|(items, next, total)| {
        serde_json::json!({
            "comments": items.clone(),
            "data": {"items": items},
            "next_cursor": next,
            "total": total,
        })
    })
}

fn adapters() -> Vec<Adapter> {
    let configs = [
        "{}",
        r#"{"list": {"items": "", "paging": {"type": "page", "size": 2}, "total": null,
                     "totalHeader": "X-Total-Count"},
            "comment": {"parent": "parentId", "author": "user.name"}, "timeFormat": "unixMs"}"#,
        r#"{"list": {"items": "data.items", "paging": {"type": "offset", "size": 3},
                     "total": "meta.total"},
            "comment": {"parent": null, "replies": "children", "status": "status"},
            "bodyFormat": "html", "timeFormat": "unix", "error": "errors.0.detail",
            "create": {"item": "data"}}"#,
        r#"{"list": {"items": "comments", "paging": {"type": "none"}},
            "comment": {"id": "", "replies": "comments"}, "create": {"item": ""}}"#,
    ];
    parsed(&configs)
}

/// The shapes the format grew for: the shipped Isso and Waline adapters, Link and
/// keyset paging, text formats, zones, noParent, okWhen.
fn grown_adapters() -> Vec<Adapter> {
    parsed(&[
        include_str!("../../../adapters/isso.json"),
        include_str!("../../../adapters/waline.json"),
        r#"{"list": {"items": "", "paging": {"type": "link"}, "totalHeader": "X-Total"},
            "comment": {"noParent": [0, "-1"], "replyCount": "n"}, "authorFormat": "html",
            "bodyFormat": "escaped", "timeZone": "Europe/Berlin",
            "create": {"okWhen": {"path": "ok", "equals": true}, "noParent": {"omit": true}}}"#,
        r#"{"list": {"items": "comments", "paging": {"type": "keyset", "field": "created_at", "size": 2}},
            "timeZone": "+07:00"}"#,
    ])
}

fn parsed(configs: &[&str]) -> Vec<Adapter> {
    configs
        .iter()
        .map(|c| {
            Adapter::parse(&crate::platform::json::parse(c).expect("config JSON")).expect("config")
        })
        .collect()
}

fn page() -> impl Strategy<Value = Page> {
    prop_oneof![
        Just(Page::First),
        any::<String>().prop_map(Page::Cursor),
        any::<u64>().prop_map(Page::Number),
        any::<u64>().prop_map(Page::Offset),
        any::<String>().prop_map(Page::Url),
    ]
}

fn check_list(a: &Adapter, body: &Value, header: Option<String>, page: &Page) {
    let header = move |_: &str| header.clone();
    match a.read_list(body, &header, page) {
        Ok(list) => {
            assert!(list.comments.iter().all(|c| !c.id.text.is_empty()));
            assert!(list.problems.len() <= 21);
            assert!(list.problems.iter().all(|p| !p.describe().is_empty()));
        }
        Err(e) => assert!(!e.expected.is_empty() && !e.found.is_empty()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(
        body in json_value(),
        header in proptest::option::of(text()),
        page in page(),
        status in any::<u16>(),
    ) {
        for a in adapters() {
            check_list(&a, &body, header.clone(), &page);
            let _ = a.read_created(status, Some(&body));
            let _ = a.error_message(&body);
        }
        match Adapter::parse(&body) {
            Ok(_) => {}
            Err(e) => prop_assert!(!e.describe().is_empty()),
        }
    }

    #[test]
    fn comment_like_responses_never_panic(
        body in list_body(),
        header in proptest::option::of("[0-9 ]{0,20}"),
        page in page(),
        status in prop_oneof![Just(200_u16), Just(201), Just(202), any::<u16>()],
    ) {
        for a in adapters() {
            check_list(&a, &body, header.clone(), &page);
            for created in [
                a.read_created(status, Some(&body)),
                a.read_created(status, body.get("comments").and_then(|c| c.get(0))),
            ] {
                if let Created::Published(Some(c)) | Created::Held(Some(c)) = &created {
                    prop_assert!(!c.id.text.is_empty());
                }
            }
        }
    }

    #[test]
    fn arbitrary_configs_parse_or_name_the_field(
        section in prop::sample::select(&["list", "comment", "create", "paging", "top"][..]),
        members in prop::collection::vec(
            (
                prop::sample::select(&[
                    "url", "query", "headers", "items", "paging", "total", "totalHeader",
                    "id", "parent", "author", "body", "created", "status", "replies",
                    "method", "idempotencyHeader", "held", "item", "type", "param",
                    "next", "first", "size", "sizeParam", "credentials", "order",
                    "bodyFormat", "timeFormat", "pendingStatus", "error", "x",
                    "noParent", "replyCount", "okWhen", "fields", "minLength", "maxLength",
                    "authorFormat", "timeZone", "replies", "pages", "field", "$schema",
                ][..]),
                prop_oneof![
                    json_value(),
                    prop::sample::select(&[
                        "page", "offset", "cursor", "none", "{api}/{thread}", "{parent}",
                        "{nowMs}", "X-Total-Count", "unixMs", "html", "include",
                        "keyset", "link", "escaped", "{meta:csrf}", "{thread|number}", "{root}",
                        "{cookie:a.b}", "{pageTitle}", "+07:00", "Asia/Ho_Chi_Minh", "optional",
                    ][..]).prop_map(Value::from),
                    prop::collection::vec(100..700_i64, 0..4).prop_map(Value::from),
                    (0..2000_i64).prop_map(Value::from),
                ],
            ),
            0..6,
        ),
    ) {
        let object = Value::Object(
            members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>(),
        );
        let config = match section {
            "top" => object,
            "paging" => serde_json::json!({"list": {"paging": object}}),
            other => serde_json::json!({ other: object }),
        };
        match Adapter::parse(&config) {
            Ok(a) => {
                // Whatever was accepted builds requests without panicking, and the
                // create body is JSON.
                let _ = a.list_request("/api/", "t 1", &Page::Number(2));
                let new = NewComment { author: "a".to_owned(), body: "b".to_owned(), parent: None };
                let request = a.create_request("/api", "t", &new, "k", 1.0);
                if let Some(body) = request.body {
                    prop_assert!(serde_json::from_str::<Value>(&body).is_ok(), "{}", body);
                }
                // With a parent, a root and page values too.
                let reply = NewComment {
                    parent: Some(Id { text: "12".to_owned(), numeric: true }),
                    ..new
                };
                let context = Context {
                    root: Some(Id { text: "x\"y".to_owned(), numeric: false }),
                    page: PageFacts {
                        title: "t\u{2028}\"".to_owned(),
                        values: vec![(PageSource::Meta, "csrf".to_owned(), "a\nb".to_owned())],
                        ..PageFacts::default()
                    },
                    email: "\u{0}".to_owned(),
                    ..Context::default()
                };
                let request = a.create_request_in("/api", "7", &reply, "k", 1.0, &context);
                if let Some(body) = request.body {
                    prop_assert!(serde_json::from_str::<Value>(&body).is_ok(), "{}", body);
                }
                prop_assert!(request.headers.iter().all(|(_, v)| !v.contains(['\r', '\n'])));
            }
            Err(e) => {
                prop_assert!(!e.field.is_empty());
                prop_assert!(!e.expected.is_empty());
            }
        }
    }

    #[test]
    fn grown_shapes_never_panic(
        body in list_body(),
        header in proptest::option::of(text()),
        page in page(),
        status in 100..600_u16,
    ) {
        for a in grown_adapters() {
            check_list(&a, &body, header.clone(), &page);
            let header = |_: &str| header.clone();
            let parent = Id { text: "1".to_owned(), numeric: true };
            let _ = a.read_replies(&body, &header, &parent, &page, "https://api.example/x?a=1");
            let _ = a.read_list_at(&body, &header, &page, "/api/x");
            let _ = a.read_created(status, Some(&body));
            let mut reading = Reading::new();
            if let Ok((listed, extras)) = a.read_list_at(&body, &header, &page, "") {
                let _ = reading.add(&listed, &extras, 3);
            }
        }
    }

    #[test]
    fn any_text_gives_a_short_error_message_or_none(
        text in prop_oneof![any::<String>(), "<[a-z]{1,6}>[^<]{0,20}(</[a-z]{1,6}>)?", "&#?[a-zA-Z0-9]{0,8};?"],
        content_type in proptest::option::of(prop::sample::select(&["text/html", "text/plain", "application/json"][..])),
    ) {
        for a in adapters().into_iter().chain(grown_adapters()) {
            if let Some(m) = a.error_text(&text, content_type) {
                prop_assert!(!m.is_empty() && m.chars().count() <= 300);
            }
        }
        let _ = super::text::decode_entities(&text);
        let _ = super::text::error_page_text(&text);
        let _ = super::read::link_rel_next(&text);
        let _ = super::read::resolve_url(&text, &text);
        let _ = time::Zone::parse(&text);
    }

    #[test]
    fn rfc3339_never_panics(text in any::<String>()) {
        let _ = parse_rfc3339(&text);
        let _ = time::unix_to_ms(None, Some(&text), 1000);
    }

    #[test]
    fn rfc3339_shaped_strings(
        text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,15})?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?",
    ) {
        if let Some(ms) = parse_rfc3339(&text) {
            // The same instant, written in UTC, reads back the same.
            prop_assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
        }
    }

    #[test]
    fn formatted_times_parse_back(ms in -62_167_219_200_000_i64..=253_402_300_799_999) {
        prop_assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
    }

    #[test]
    fn create_bodies_are_json_and_round_trip(
        author in any::<String>(),
        body in any::<String>(),
        parent in proptest::option::of((any::<String>(), any::<bool>())),
        key in any::<String>(),
        now in any::<f64>(),
    ) {
        let new = NewComment {
            author: author.clone(),
            body: body.clone(),
            parent: parent.map(|(text, numeric)| Id { text, numeric }),
        };
        for a in adapters() {
            let request = a.create_request("/api", "thread", &new, &key, now);
            let raw = request.body.unwrap_or_default();
            let sent: Value = serde_json::from_str(&raw)
                .map_err(|e| TestCaseError::fail(format!("{e}: {raw}")))?;
            prop_assert_eq!(sent.get("author").and_then(Value::as_str), Some(author.as_str()));
            prop_assert_eq!(sent.get("body").and_then(Value::as_str), Some(body.as_str()));
            let parent_sent = sent.get("parent_id").cloned().unwrap_or(Value::Null);
            match &new.parent {
                None => prop_assert_eq!(parent_sent, Value::Null),
                Some(id) => prop_assert_eq!(
                    parent_sent.as_str().map(str::to_owned).or_else(|| parent_sent.as_i64().map(|n| n.to_string())).or_else(|| parent_sent.as_u64().map(|n| n.to_string())),
                    Some(id.text.clone())
                ),
            }
        }
    }
}
