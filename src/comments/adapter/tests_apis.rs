//! The format additions over answers recorded from the real servers the shipped
//! adapters describe: Isso 0.14 (adapters/isso.json) and Waline 1.39 on PostgreSQL
//! (adapters/waline.json), plus the shapes no shipped adapter uses (Link paging,
//! zones, numbers, page values).

use super::*;
use crate::platform::json::{parse, Value};

fn json(text: &str) -> Value {
    parse(text).expect("test JSON")
}

fn adapter(config: &str) -> Adapter {
    Adapter::parse(&json(config)).expect("valid adapter")
}

fn isso() -> Adapter {
    adapter(include_str!("../../../adapters/isso.json"))
}

fn waline() -> Adapter {
    adapter(include_str!("../../../adapters/waline.json"))
}

fn no_header(_: &str) -> Option<String> {
    None
}

/// A URL's path and its query parameters, sorted: natively serde_json (and so the
/// order of `query` members) is sorted by name, in the browser it is as written.
fn url_parts(url: &str) -> (String, Vec<String>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    params.sort();
    (path.to_owned(), params)
}

fn same_url(got: &str, want: &str) {
    assert_eq!(url_parts(got), url_parts(want), "{got} vs {want}");
}

/// Bodies compared as JSON values: member order is the JSON backend's.
fn same_body(got: Option<&str>, want: &str) {
    assert_eq!(got.map(json), Some(json(want)), "{got:?}");
}

fn id(text: &str, numeric: bool) -> Id {
    Id {
        text: text.to_owned(),
        numeric,
    }
}

fn new_comment(body: &str, parent: Option<Id>) -> NewComment {
    NewComment {
        author: "Lê & <Hà>".to_owned(),
        body: body.to_owned(),
        parent,
    }
}

fn page_context() -> Context {
    Context {
        page: PageFacts {
            url: "https://bao.example.vn/thoi-su/duong-ven-song.html?utm=x".into(),
            canonical_url: "https://bao.example.vn/thoi-su/duong-ven-song.html".into(),
            title: "Đường ven sông Mây – Báo Yên Hà".into(),
            values: Vec::new(),
        },
        ..Context::default()
    }
}

/// GET /?uri=%2Fa&limit=2&nested_limit=5 from Isso 0.14, one reply added.
const ISSO_PAGE: &str = r#"{"id": null, "total_replies": 3, "hidden_replies": 0, "replies": [
 {"id": 1, "parent": null, "created": 1796162898.0486457, "modified": null, "mode": 1,
  "text": "<p>Hello <strong>world</strong> https://x.vn</p>", "author": "L\u00ea &amp; &lt;H\u00e0&gt;",
  "website": null, "likes": 0, "dislikes": 0, "notification": null, "hash": "4505c1eeda98",
  "total_replies": 1, "hidden_replies": 0, "replies": [
   {"id": 3, "parent": 1, "created": 1796162999.5, "modified": null, "mode": 1, "text": "<p>Đúng</p>",
    "author": null, "website": null, "likes": 0, "dislikes": 0, "hash": "x", "total_replies": 0,
    "hidden_replies": 0, "replies": []}]},
 {"id": 2, "parent": null, "created": 1796162950.25, "modified": null, "mode": 4, "text": "",
  "author": null, "website": null, "likes": 0, "dislikes": 0, "hash": "y", "total_replies": 0,
  "hidden_replies": 0, "replies": []}],
 "config": {"reply-to-self": true}}"#;

#[test]
fn isso_lists_by_keyset_with_nested_limit() {
    let a = isso();
    let first = a.list_request("http://127.0.0.1:8080/", "/tin/a b.html", &Page::First);
    same_url(
        &first.url,
        "http://127.0.0.1:8080/?uri=%2Ftin%2Fa%20b.html&nested_limit=100&limit=20",
    );
    let (page, extras) = a
        .read_list_at(&json(ISSO_PAGE), &no_header, &Page::First, &first.url)
        .expect("list");
    assert_eq!(page.problems, []);
    let c = &page.comments;
    assert_eq!(c.len(), 3);
    assert_eq!(
        c[0].author.as_deref(),
        Some("Lê & <Hà>"),
        "HTML-escaped, decoded"
    );
    assert_eq!(
        c[0].body,
        Body::Html("<p>Hello <strong>world</strong> https://x.vn</p>".into())
    );
    // Seconds with microseconds: milliseconds kept (to the float parser's last bit).
    assert!(c[0]
        .created_ms
        .is_some_and(|ms| (ms - 1_796_162_898_048.645_7).abs() < 0.01));
    assert_eq!(c[1].parent, Some(id("1", true)));
    assert_eq!(c[2].status, Status::Deleted);
    assert_eq!(page.total, Some(3));
    assert_eq!(extras.reply_counts[0], (id("1", true), 1));
    // Two items, fewer than the page size: the last page.
    assert_eq!(page.next, None);
    // A full page goes on after the last top-level comment's time, exactly.
    let full: Vec<String> = (1..=20)
        .map(|i| {
            format!(r#"{{"id": {i}, "text": "x", "created": 1796162898.{i:02}48645, "mode": 1}}"#)
        })
        .collect();
    let body = format!(
        r#"{{"total_replies": 40, "replies": [{}]}}"#,
        full.join(",")
    );
    let page = a
        .read_list(&json(&body), &no_header, &Page::First)
        .expect("list");
    // As Isso (Python's repr) wrote it: the shortest text that reads back exactly.
    assert_eq!(page.next, Some(Page::Cursor("1796162898.2048645".into())));
    same_url(
        &a.list_request("/isso", "/a", &page.next.clone().expect("next"))
            .url,
        "/isso/?uri=%2Fa&nested_limit=100&after=1796162898.2048645&limit=20",
    );
}

#[test]
fn isso_creates_with_the_page_title_and_reads_its_errors() {
    let a = isso();
    let context = Context {
        email: "ha@example.vn".into(),
        ..page_context()
    };
    let top = a.create_request_in(
        "/isso",
        "/tin/a.html",
        &new_comment("Bài viết hay", None),
        "k",
        0.0,
        &context,
    );
    assert_eq!(top.url, "/isso/new?uri=%2Ftin%2Fa.html");
    assert_eq!(
        top.headers,
        [("Content-Type".to_owned(), "application/json".to_owned())],
        "Isso's CORS allows Content-Type only"
    );
    same_body(
        top.body.as_deref(),
        r#"{"text":"Bài viết hay","author":"Lê & <Hà>","email":"ha@example.vn","website":"","parent":null,"title":"Đường ven sông Mây – Báo Yên Hà"}"#,
    );
    let reply = a.create_request_in(
        "/isso",
        "/a",
        &new_comment("Đồng ý", Some(id("1", true))),
        "k",
        0.0,
        &Context::default(),
    );
    assert_eq!(
        json(reply.body.as_deref().unwrap_or("{}"))["parent"],
        json("1")
    );
    // 201 published, 202 held for moderation (mode 2).
    let created = r#"{"id": 9, "parent": null, "created": 1796162898.5, "mode": 1, "text": "<p>x</p>", "author": "L\u00ea &amp; H\u00e0"}"#;
    match a.read_created_text(201, created, Some("application/json")) {
        Created::Published(Some(c)) => assert_eq!(c.author.as_deref(), Some("Lê & Hà")),
        other => panic!("{other:?}"),
    }
    let held = created.replace(r#""mode": 1"#, r#""mode": 2"#);
    assert!(matches!(
        a.read_created_text(202, &held, None),
        Created::Held(Some(_))
    ));
    // Werkzeug's HTML error page, as Isso answers a too-short text.
    let page = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>text is too short (minimum length: 3)</p>\n";
    assert_eq!(
        a.read_created_text(400, page, Some("text/html; charset=utf-8")),
        Created::Failed {
            status: 400,
            message: Some("Bad Request: text is too short (minimum length: 3)".into())
        }
    );
    assert_eq!(a.length_limits(), (Some(3), Some(65535)));
    assert_eq!(
        a.fields(),
        Fields {
            email: FieldRule::Optional,
            website: FieldRule::Optional
        }
    );
}

#[test]
fn isso_replies_of_one_parent_page_by_their_own_keyset() {
    let a = isso();
    assert!(a.has_replies());
    let parent = id("1", true);
    let request = a
        .replies_request("/isso", "/a", &parent, &Page::First, &Context::default())
        .expect("a replies request");
    same_url(&request.url, "/isso/?uri=%2Fa&parent=1&limit=20");
    let body = r#"{"id": 1, "total_replies": 2, "hidden_replies": 0, "replies": [
        {"id": 5, "parent": 1, "created": 10.5, "mode": 1, "text": "a", "author": "x"},
        {"id": 6, "created": 11.5, "mode": 1, "text": "b", "author": "y"}]}"#;
    let (page, _) = a
        .read_replies(&json(body), &no_header, &parent, &Page::First, &request.url)
        .expect("replies");
    let parents: Vec<Option<&str>> = page
        .comments
        .iter()
        .map(|c| c.parent.as_ref().map(|p| p.text.as_str()))
        .collect();
    assert_eq!(parents, [Some("1"), Some("1")], "the parent asked for");
    assert_eq!(page.next, None);
    let next = a
        .replies_request(
            "/isso",
            "/a",
            &parent,
            &Page::Cursor("11.5".into()),
            &Context::default(),
        )
        .expect("request");
    same_url(&next.url, "/isso/?uri=%2Fa&parent=1&after=11.5&limit=20");
    assert_eq!(
        Adapter::default()
            .replies_request("/a", "t", &parent, &Page::First, &Context::default())
            .map(|r| r.url),
        Some("/a/threads/t/comments/1/replies?limit=50".to_owned()),
        "the reference server's replies"
    );
}

/// GET /api/comment?path=/a from Waline 1.39.3 on PostgreSQL, one more reply.
const WALINE_PAGE: &str = r#"{"errno":0,"errmsg":"","data":{"page":1,"totalPages":1,"pageSize":10,"count":3,"data":[
 {"status":"approved","comment":"<p>Xin chào <strong>bạn</strong></p>\n","link":"","nick":"Lê & <Hà>","pid":null,"rid":null,
  "user_id":null,"sticky":null,"like":0,"objectId":1,"time":1796163041000,"children":[
   {"status":"approved","comment":"<p>trả lời 2</p>\n","nick":"C","pid":2,"rid":1,"objectId":3,"time":1796163043000},
   {"status":"approved","comment":"<p>trả lời</p>\n","nick":"B","pid":1,"rid":1,"objectId":2,"time":1796163042000}]}]}}"#;

#[test]
fn waline_nests_every_reply_under_its_root_and_names_its_parent() {
    let a = waline();
    same_url(
        &a.list_request("http://127.0.0.1:8360", "/a", &Page::First).url,
        "http://127.0.0.1:8360/api/comment?path=%2Fa&sortBy=insertedAt_desc&lang=vi-VN&page=1&pageSize=20",
    );
    let page = a
        .read_list(&json(WALINE_PAGE), &no_header, &Page::First)
        .expect("list");
    assert_eq!(page.problems, []);
    let threading: Vec<(&str, Option<&str>)> = page
        .comments
        .iter()
        .map(|c| {
            (
                c.id.text.as_str(),
                c.parent.as_ref().map(|p| p.text.as_str()),
            )
        })
        .collect();
    // 3 answers 2, not the root its array sits in.
    assert_eq!(threading, [("1", None), ("3", Some("2")), ("2", Some("1"))]);
    assert_eq!(page.comments[0].author.as_deref(), Some("Lê & <Hà>"));
    assert_eq!(page.comments[1].created_ms, Some(1_796_163_043_000.0));
    assert_eq!(page.total, Some(3));
    assert_eq!(page.next, None);
}

#[test]
fn page_paging_stops_at_the_apis_own_page_count() {
    let a = waline();
    let body = |pages: u32| {
        let items: Vec<String> = (1..=20)
            .map(|i| format!(r#"{{"objectId":{i},"comment":"x","time":1,"children":[]}}"#))
            .collect();
        format!(
            r#"{{"errno":0,"data":{{"totalPages":{pages},"count":200,"data":[{}]}}}}"#,
            items.join(",")
        )
    };
    // 120 top-level comments and 80 replies: the count of 200 alone would ask for a
    // seventh, empty page.
    let last = a
        .read_list(&json(&body(6)), &no_header, &Page::Number(6))
        .expect("list");
    assert_eq!(last.next, None);
    let more = a
        .read_list(&json(&body(7)), &no_header, &Page::Number(6))
        .expect("list");
    assert_eq!(more.next, Some(Page::Number(7)));
}

#[test]
fn waline_creates_with_root_and_omits_the_parent_of_a_top_level_comment() {
    let a = waline();
    let top = a.create_request_in(
        "/wl",
        "/a",
        &new_comment("Xin chào", None),
        "k",
        0.0,
        &Context::default(),
    );
    same_body(
        top.body.as_deref(),
        r#"{"comment":"Xin chào","nick":"Lê & <Hà>","mail":"","link":"","url":"/a","ua":"ykien"}"#,
    );
    // A reply to reply 2 of root 1: pid is the comment answered, rid its root.
    let reply = a.create_request_in(
        "/wl",
        "/a",
        &new_comment("Đúng", Some(id("2", true))),
        "k",
        0.0,
        &Context {
            root: Some(id("1", true)),
            ..Context::default()
        },
    );
    let sent = json(reply.body.as_deref().unwrap_or("{}"));
    assert_eq!(
        (&sent["pid"], &sent["rid"]),
        (&json("2"), &json("1")),
        "{reply:?}"
    );
    // A reply to a root: its root is the parent itself.
    let to_root = a.create_request_in(
        "/wl",
        "/a",
        &new_comment("Đúng", Some(id("1", true))),
        "k",
        0.0,
        &Context::default(),
    );
    let sent = json(to_root.body.as_deref().unwrap_or("{}"));
    assert_eq!((&sent["pid"], &sent["rid"]), (&json("1"), &json("1")));
    // Waline fails with HTTP 200: errno says so, errmsg is a string or an object.
    let cases = [
        (
            r#"{"errno":1000,"errmsg":"Nội dung trùng lặp đã được gửi"}"#,
            "Nội dung trùng lặp đã được gửi",
        ),
        (
            r#"{"errno":1001,"errmsg":{"comment":"comment can not be blank"}}"#,
            "comment can not be blank",
        ),
    ];
    for (body, message) in cases {
        assert_eq!(
            a.read_created_text(200, body, Some("application/json")),
            Created::Failed {
                status: 200,
                message: Some(message.into())
            }
        );
    }
    let ok = r#"{"errno":0,"errmsg":"","data":{"nick":"B","pid":1,"rid":1,"comment":"<p>x</p>","status":"waiting","objectId":7,"time":1796163041000}}"#;
    match a.read_created_text(200, ok, None) {
        Created::Held(Some(c)) => {
            assert_eq!(c.id, id("7", true));
            assert_eq!(c.parent, Some(id("1", true)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reading_finds_roots_for_replies_to_replies() {
    let a = waline();
    let page = a
        .read_list(&json(WALINE_PAGE), &no_header, &Page::First)
        .expect("list");
    let mut reading = Reading::new();
    assert_eq!(reading.add(&page, &PageExtras::default(), 0), None);
    assert_eq!(reading.root_of(&id("3", true)), Some(id("1", true)));
}

#[test]
fn link_header_paging() {
    let a = adapter(r#"{"list": {"items": "", "paging": {"type": "link"}, "total": null}}"#);
    assert_eq!(a.headers_read(), ["Link"]);
    let link = |value: &'static str| move |name: &str| (name == "Link").then(|| value.to_owned());
    let base = "https://api.example.vn/v2/threads/t/comments?limit=10";
    for (value, want) in [
        (
            r#"<https://api.example.vn/v2/threads/t/comments?page=2>; rel="next", <https://api.example.vn/v2/threads/t/comments?page=9>; rel="last""#,
            Some("https://api.example.vn/v2/threads/t/comments?page=2"),
        ),
        (
            r#"</v2/threads/t/comments?page=3>; rel=next"#,
            Some("https://api.example.vn/v2/threads/t/comments?page=3"),
        ),
        (
            r#"<?page=4>; rel="prev next""#,
            Some("https://api.example.vn/v2/threads/t/comments?page=4"),
        ),
        (
            r#"<comments?page=5>; title="x"; rel="next""#,
            Some("https://api.example.vn/v2/threads/t/comments?page=5"),
        ),
        (r#"<https://x/1>; rel="prev""#, None),
        (r#"<javascript:alert(1)>; rel="next""#, None),
        ("garbage", None),
    ] {
        let (page, _) = a
            .read_list_at(&json("[]"), &link(value), &Page::First, base)
            .expect("list");
        assert_eq!(page.next, want.map(|u| Page::Url(u.to_owned())), "{value}");
    }
    // The next request is exactly that URL, with the list's headers.
    let next = Page::Url("https://api.example.vn/v2/x?page=2".into());
    assert_eq!(
        a.list_request("/api", "t", &next).url,
        "https://api.example.vn/v2/x?page=2"
    );
    // The same URL again would load the same page forever.
    let (page, _) = a
        .read_list_at(
            &json("[]"),
            &link(r#"<https://api.example.vn/v2/x?page=2>; rel="next""#),
            &next,
            "https://api.example.vn/v2/x?page=2",
        )
        .expect("list");
    assert_eq!(page.next, None);
    assert_eq!(page.problems.len(), 1);
}

#[test]
fn keyset_paging_stops_on_a_short_page_or_the_same_key() {
    let a = adapter(
        r#"{"list": {"items": "", "total": null, "paging": {"type": "keyset", "param": "before", "field": "meta.key", "size": 2, "sizeParam": "n"}}}"#,
    );
    let read = |body: &str, page: &Page| a.read_list(&json(body), &no_header, page).expect("list");
    let two =
        r#"[{"id":1,"body":"a","meta":{"key":"k1"}},{"id":2,"body":"b","meta":{"key":"k2"}}]"#;
    assert_eq!(
        read(two, &Page::First).next,
        Some(Page::Cursor("k2".into()))
    );
    assert_eq!(
        read(two, &Page::Cursor("k2".into())).next,
        None,
        "no progress"
    );
    assert_eq!(
        read(r#"[{"id":1,"body":"a","meta":{"key":"k1"}}]"#, &Page::First).next,
        None
    );
    assert_eq!(read("[]", &Page::First).next, None);
    let keyless = read(r#"[{"id":1,"body":"a"},{"id":2,"body":"b"}]"#, &Page::First);
    assert_eq!((keyless.next, keyless.problems.len()), (None, 1));
    assert_eq!(
        a.list_request("/api", "t", &Page::Cursor("k 2".into())).url,
        "/api/threads/t/comments?limit=10&before=k%202&n=2"
    );
}

#[test]
fn times_without_an_offset_are_read_in_the_api_zone() {
    let item = r#"[{"id":1,"body":"a","created_at":"2024-01-18 17:30:00"},{"id":2,"body":"b","created_at":"2024-01-18T10:30:00Z"}]"#;
    for zone in ["+07:00", "Asia/Ho_Chi_Minh"] {
        let a = adapter(&format!(
            r#"{{"timeZone": "{zone}", "list": {{"items": "", "total": null, "paging": {{"type": "none"}}}}}}"#
        ));
        let page = a
            .read_list(&json(item), &no_header, &Page::First)
            .expect("list");
        let times: Vec<Option<f64>> = page.comments.iter().map(|c| c.created_ms).collect();
        assert_eq!(times, [Some(1_705_573_800_000.0); 2], "{zone}");
    }
    let e = Adapter::parse(&json(r#"{"timeZone": "Asia/Hanoi City"}"#)).expect_err("refused");
    assert_eq!(e.field, "timeZone");
}

#[test]
fn no_parent_values_in_both_directions() {
    let a = adapter(
        r#"{"comment": {"parent": "parent_id", "noParent": [0, "-1"]}, "create": {"noParent": 0, "body": {"p": "{parent}", "r": "{root}", "t": "to {parent}"}}}"#,
    );
    let body = r#"{"comments":[{"id":1,"body":"a","parent_id":0},{"id":2,"body":"b","parent_id":"-1"},{"id":3,"body":"c","parent_id":"0"},{"id":4,"body":"d","parent_id":1}],"next_cursor":null,"total":4}"#;
    let page = a
        .read_list(&json(body), &no_header, &Page::First)
        .expect("list");
    let parents: Vec<Option<&str>> = page
        .comments
        .iter()
        .map(|c| c.parent.as_ref().map(|p| p.text.as_str()))
        .collect();
    assert_eq!(parents, [None, None, None, Some("1")]);
    let request = a.create_request("/api", "t", &new_comment("x", None), "", 0.0);
    same_body(request.body.as_deref(), r#"{"p":0,"r":0,"t":"to 0"}"#);
    let given = adapter(r#"{"create": {"noParent": "", "body": {"p": "{parent}"}}}"#);
    let request = given.create_request("/api", "t", &new_comment("x", None), "", 0.0);
    assert_eq!(request.body.as_deref(), Some(r#"{"p":""}"#));
    for bad in [
        r#"{"omit": false}"#,
        "1.5",
        "[]",
        r#"{"omit": true, "x": 1}"#,
    ] {
        let config = format!(r#"{{"create": {{"noParent": {bad}}}}}"#);
        assert_eq!(
            Adapter::parse(&json(&config))
                .map(|_| ())
                .map_err(|e| e.field),
            Err("create.noParent".to_owned()),
            "{bad}"
        );
    }
}

#[test]
fn numbers_page_values_and_credentials_per_request() {
    let a = adapter(
        r#"{"credentials": "omit",
            "list": {"credentials": "include", "query": {"page_url": "{canonicalUrl}"},
                     "headers": {"X-CSRF-Token": "{meta:csrf-token}", "X-XSRF-TOKEN": "{cookie:XSRF-TOKEN}"}},
            "create": {"headers": {"X-CSRF-Token": "{meta:csrf-token}"},
                       "body": {"post_id": "{thread|number}", "n": "{nowS|number}", "title": "{pageTitle}", "url": "{pageUrl}"}}}"#,
    );
    assert_eq!(a.list_credentials(), Credentials::Include);
    assert_eq!(a.create_credentials(), Credentials::Omit);
    assert_eq!(
        a.page_reads(),
        [
            (PageSource::Meta, "csrf-token".to_owned()),
            (PageSource::Cookie, "XSRF-TOKEN".to_owned())
        ]
    );
    let mut context = page_context();
    context.page.values = vec![
        (PageSource::Meta, "csrf-token".into(), "m-1".into()),
        (PageSource::Cookie, "XSRF-TOKEN".into(), "c\n2".into()),
    ];
    let list = a.list_request_in("/api", "42", &Page::First, &[], &context);
    assert!(list
        .url
        .contains("page_url=https%3A%2F%2Fbao.example.vn%2Fthoi-su%2Fduong-ven-song.html"));
    assert_eq!(
        list.headers,
        [
            ("X-CSRF-Token".to_owned(), "m-1".to_owned()),
            ("X-XSRF-TOKEN".to_owned(), "c 2".to_owned())
        ],
        "a line break in a page value cannot break the header"
    );
    let create = a.create_request_in(
        "/api",
        "42",
        &new_comment("x", None),
        "k",
        1_705_573_800_000.0,
        &context,
    );
    same_body(
        create.body.as_deref(),
        r#"{"post_id":42,"n":1705573800,"title":"Đường ven sông Mây – Báo Yên Hà","url":"https://bao.example.vn/thoi-su/duong-ven-song.html?utm=x"}"#,
    );
    let slug = a.create_request_in(
        "/api",
        "bai-42",
        &new_comment("x", None),
        "k",
        0.0,
        &context,
    );
    assert_eq!(
        json(slug.body.as_deref().unwrap_or("{}"))["post_id"],
        json(r#""bai-42""#)
    );
    // Where the request cannot know them, page values are config errors.
    let e =
        Adapter::parse(&json(r#"{"list": {"url": "{api}/{pageTitle}"}}"#)).expect_err("refused");
    assert_eq!(e.field, "list.url");
    let e =
        Adapter::parse(&json(r#"{"list": {"query": {"t": "{meta:x}"}}}"#)).expect_err("refused");
    assert_eq!(e.field, "list.query.t");
}

#[test]
fn errors_from_any_body() {
    let a = Adapter::default();
    let cases: [(&str, Option<&str>, Option<&str>); 6] = [
        (
            r#"{"error":{"message":"Tên quá dài"}}"#,
            Some("application/json"),
            Some("Tên quá dài"),
        ),
        (r#"{"detail":"x"}"#, Some("application/json"), None),
        (
            "  Rate limit exceeded, slow down.\n",
            Some("text/plain"),
            Some("Rate limit exceeded, slow down."),
        ),
        (
            "<html><body><h1>403</h1><p>Bị chặn &amp; ghi lại</p></body></html>",
            None,
            Some("403: Bị chặn & ghi lại"),
        ),
        ("", Some("text/plain"), None),
        ("{truncated", Some("application/json"), None),
    ];
    for (text, content_type, want) in cases {
        assert_eq!(a.error_text(text, content_type).as_deref(), want, "{text}");
    }
    let long = "x".repeat(1000);
    assert_eq!(
        a.error_text(&long, None).map(|m| m.chars().count()),
        Some(300)
    );
}

#[test]
fn length_limits_fields_and_ok_when_are_validated() {
    for (config, field) in [
        (r#"{"create": {"minLength": 0}}"#, "create.minLength"),
        (
            r#"{"create": {"minLength": 10, "maxLength": 5}}"#,
            "create.minLength",
        ),
        (r#"{"create": {"maxLength": 100001}}"#, "create.maxLength"),
        (
            r#"{"create": {"fields": {"email": "yes"}}}"#,
            "create.fields.email",
        ),
        (
            r#"{"create": {"fields": {"phone": "optional"}}}"#,
            "create.fields.phone",
        ),
        (
            r#"{"create": {"okWhen": {"path": "errno"}}}"#,
            "create.okWhen",
        ),
        (
            r#"{"create": {"okWhen": {"path": "ok", "equals": [1]}}}"#,
            "create.okWhen",
        ),
        // Another API has no replies request to build on: a url is needed.
        (
            r#"{"list": {"url": "/c"}, "replies": {"items": "x"}}"#,
            "replies.url",
        ),
        (
            r#"{"replies": {"url": "{api}/r/{parent}", "heldParam": "p"}}"#,
            "replies.heldParam",
        ),
        (
            r#"{"list": {"paging": {"type": "link", "size": 2}}}"#,
            "list.paging.size",
        ),
        (r#"{"authorFormat": "markdown"}"#, "authorFormat"),
    ] {
        assert_eq!(
            Adapter::parse(&json(config))
                .map(|_| ())
                .map_err(|e| e.field),
            Err(field.to_owned()),
            "{config}"
        );
    }
    let ok = adapter(r#"{"create": {"okWhen": {"path": "success", "equals": true}}}"#);
    assert!(matches!(
        ok.read_created_text(201, r#"{"success": false, "error": {"message": "Không"}}"#, None),
        Created::Failed { message: Some(m), .. } if m == "Không"
    ));
    assert!(matches!(
        ok.read_created_text(
            201,
            r#"{"success": true, "comment": {"id": "a", "body": "b"}}"#,
            None
        ),
        Created::Published(Some(_))
    ));
}

fn action_input(body: &str) -> ActionInput {
    ActionInput {
        device: "a".repeat(16),
        body: body.to_owned(),
        ..ActionInput::default()
    }
}

fn likes_of(done: Done) -> Option<u64> {
    match done {
        Done::Ok { likes, .. } => likes,
        other => panic!("expected Ok, got {other:?}"),
    }
}

#[test]
fn isso_likes_one_way_and_edits_and_deletes_by_its_cookie() {
    let a = isso();
    let f = a.features();
    assert!(f.like && !f.unlike, "one-way: Isso has no unlike");
    assert!(f.edit && f.delete && !f.report);
    assert_eq!(f.sorts, vec![Sort::Oldest], "one order: no sort control");
    let (api, seven) = ("http://127.0.0.1:8080/", id("7", true));
    let ctx = page_context();
    let req =
        |kind, body| a.action_request(kind, api, "/a", &seven, &action_input(body), 0.0, &ctx);
    assert!(req(ActionKind::Unlike, "").is_none());
    assert!(req(ActionKind::Report, "").is_none());

    // Isso's CSRF check refuses a request that is not application/json.
    let like = req(ActionKind::Like, "").expect("like");
    assert_eq!(
        (like.method.as_str(), like.url.as_str()),
        ("POST", "http://127.0.0.1:8080/id/7/like")
    );
    assert_eq!(like.body.as_deref(), Some("{}"));
    assert!(like
        .headers
        .contains(&("Content-Type".to_owned(), "application/json".to_owned())));
    // Counted, and refused (the author's address, or a second vote): 200 both times.
    assert_eq!(
        likes_of(a.read_done(ActionKind::Like, 200, r#"{"likes": 3, "dislikes": 0}"#)),
        Some(3)
    );
    let refused = r#"{"likes": 2, "dislikes": 0, "message": "Upvote denied because a vote has already been registered for this remote address: 127.0.0.0"}"#;
    assert_eq!(
        likes_of(a.read_done(ActionKind::Like, 200, refused)),
        Some(2)
    );
    let (listed, _) = a
        .read_list_at(&json(ISSO_PAGE), &no_header, &Page::First, api)
        .expect("list");
    assert_eq!(listed.comments[0].likes, Some(0), "comment.likes");

    let edit = req(ActionKind::Edit, "Viết **đúng**").expect("edit");
    assert_eq!(
        (edit.method.as_str(), edit.url.as_str()),
        ("PUT", "http://127.0.0.1:8080/id/7")
    );
    same_body(edit.body.as_deref(), r#"{"text": "Viết **đúng**"}"#);
    // PUT /id/2 from Isso 0.14: the comment as rendered, with `modified`.
    let answer = r#"{"id": 2, "parent": null, "created": 1796174733.254687, "modified": 1796174734.1870253,
        "mode": 1, "text": "<p>Viết <strong>đúng</strong></p>", "author": "Khách", "website": "", "likes": 0, "dislikes": 0}"#;
    match a.read_done(ActionKind::Edit, 200, answer) {
        Done::Ok {
            comment: Some(c), ..
        } => {
            assert_eq!(
                c.body,
                Body::Html("<p>Viết <strong>đúng</strong></p>".into())
            );
            let edited = c.edited_ms.expect("Đã sửa, from `modified`");
            assert!((edited - 1_796_174_734_187.0).abs() < 1.0, "{edited}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        a.read_done(ActionKind::Edit, 403, "<h1>Forbidden</h1>"),
        Done::Failed { status: 403, .. }
    ));

    let delete = req(ActionKind::Delete, "").expect("delete");
    assert_eq!(
        (
            delete.method.as_str(),
            delete.url.as_str(),
            delete.body.as_deref()
        ),
        ("DELETE", "http://127.0.0.1:8080/id/7", None)
    );
    assert!(!delete
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type")));
    assert!(matches!(
        a.read_done(ActionKind::Delete, 200, "null"),
        Done::Ok { comment: None, .. }
    ));
    let kept = r#"{"id": 7, "parent": null, "created": 1.5, "modified": 2.5, "mode": 4, "text": "", "author": null,
        "website": null, "likes": 0, "dislikes": 0, "notification": 0}"#;
    match a.read_done(ActionKind::Delete, 200, kept) {
        Done::Ok {
            comment: Some(c), ..
        } => assert_eq!(c.status, Status::Deleted),
        other => panic!("{other:?}"),
    }
    // No token: the browser holds Isso's cookie; the window is Isso's max-age.
    assert_eq!(
        a.edit_grant(&json(answer), 1000.0),
        Some((String::new(), 1000.0 + 900_000.0))
    );
}

#[test]
fn waline_likes_and_takes_back_and_offers_newest_only() {
    let a = waline();
    let f = a.features();
    assert!(f.like && f.unlike);
    assert!(
        !f.edit && !f.delete && !f.report,
        "those need a signed-in Waline user"
    );
    assert_eq!(
        f.sorts,
        vec![Sort::Newest],
        "Waline on PostgreSQL keeps no other order"
    );
    let (api, five) = ("http://127.0.0.1:8360", id("5", true));
    let ctx = page_context();
    for (kind, body) in [
        (ActionKind::Like, r#"{"like": true}"#),
        (ActionKind::Unlike, r#"{"like": false}"#),
    ] {
        let r = a
            .action_request(kind, api, "/a", &five, &action_input(""), 0.0, &ctx)
            .expect("like");
        assert_eq!(r.method, "PUT");
        same_url(&r.url, "http://127.0.0.1:8360/api/comment/5?lang=vi-VN");
        same_body(r.body.as_deref(), body);
    }
    // PUT /api/comment/1 from Waline 1.39.3: errno 0 and the comment, `like` counted.
    let answer = r#"{"errno": 0, "errmsg": "", "data": {"id": 1, "comment": "<p>xin chào</p>\n", "nick": "A",
        "status": "approved", "like": 1, "url": "/a", "objectId": 1, "time": 1796175977000}}"#;
    assert_eq!(
        likes_of(a.read_done(ActionKind::Like, 200, answer)),
        Some(1)
    );
    let refused = r#"{"errno": 1000, "errmsg": "Lỗi", "data": ""}"#;
    assert_eq!(
        a.read_done(ActionKind::Like, 200, refused),
        Done::Failed {
            status: 200,
            message: Some("Lỗi".to_owned())
        }
    );
    assert!(a.edit_grant(&json(answer), 0.0).is_none());
}
