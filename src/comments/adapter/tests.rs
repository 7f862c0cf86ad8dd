//! Unit tests over the three API shapes of `docs/adapter.md`: the reference server,
//! json-server and a nested forum API.

use super::*;
use crate::platform::json::{parse, Value};

fn json(text: &str) -> Value {
    parse(text).expect("test JSON")
}

fn adapter(config: &str) -> Adapter {
    Adapter::parse(&json(config)).expect("valid adapter")
}

fn no_header(_: &str) -> Option<String> {
    None
}

fn list(a: &Adapter, body: &str, page: &Page) -> ListPage {
    a.read_list(&json(body), &no_header, page)
        .expect("list response")
}

fn ids(page: &ListPage) -> Vec<&str> {
    page.comments.iter().map(|c| c.id.text.as_str()).collect()
}

fn parents(page: &ListPage) -> Vec<Option<&str>> {
    page.comments
        .iter()
        .map(|c| c.parent.as_ref().map(|p| p.text.as_str()))
        .collect()
}

fn id(text: &str) -> Id {
    Id {
        text: text.to_owned(),
        numeric: false,
    }
}

fn config_error(config: &str) -> AdapterError {
    match Adapter::parse(&json(config)) {
        Ok(_) => panic!("accepted {config}"),
        Err(e) => e,
    }
}

fn new_comment(author: &str, body: &str, parent: Option<Id>) -> NewComment {
    NewComment {
        author: author.to_owned(),
        body: body.to_owned(),
        parent,
    }
}

const REFERENCE_PAGE: &str = r#"{"comments":[
  {"id":"a","thread":"demo","parent_id":null,"author":"Lan","body":"Hi","created_at":"2024-01-18T10:30:00.123Z","status":"published"},
  {"id":"b","thread":"demo","parent_id":"a","author":"","body":"Reply\nwith a line","created_at":"2024-01-18T17:45:00+07:00","status":"published"},
  {"id":"c","thread":"demo","parent_id":null,"author":null,"body":"Waiting","created_at":"2024-01-18T11:00:00Z","status":"pending"}
 ],"next_cursor":"abc","total":41}"#;

// ---- the reference server (defaults) ----

#[test]
fn empty_config_is_the_default() {
    assert_eq!(Adapter::parse(&json("{}")), Ok(Adapter::default()));
    let a = Adapter::default();
    assert_eq!(a.order(), Order::Newest);
    assert_eq!(a.credentials(), Credentials::SameOrigin);
}

#[test]
fn defaults_read_a_reference_response() {
    let page = list(&Adapter::default(), REFERENCE_PAGE, &Page::First);
    assert_eq!(page.problems, []);
    assert_eq!(ids(&page), ["a", "b", "c"]);
    assert_eq!(parents(&page), [None, Some("a"), None]);
    assert_eq!(
        page.comments.first(),
        Some(&Comment {
            id: id("a"),
            parent: None,
            author: Some("Lan".to_owned()),
            body: Body::Text("Hi".to_owned()),
            created_ms: Some(1_705_573_800_123.0),
            status: Status::Published,
            likes: None,
            edited_ms: None,
        })
    );
    let reply = page.comments.get(1).expect("reply");
    assert_eq!(reply.author.as_deref(), Some(""));
    assert_eq!(reply.body, Body::Text("Reply\nwith a line".to_owned()));
    assert_eq!(reply.created_ms, Some(1_705_574_700_000.0));
    let held = page.comments.get(2).expect("pending");
    assert!(held.is_pending());
    assert_eq!(held.author, None);
    assert_eq!(page.next, Some(Page::Cursor("abc".to_owned())));
    assert_eq!(page.total, Some(41));
}

#[test]
fn default_list_requests() {
    let a = Adapter::default();
    let first = a.list_request("/api/v1/", "demo", &Page::First);
    assert_eq!(
        first,
        Request {
            method: "GET".to_owned(),
            url: "/api/v1/threads/demo/comments?limit=10".to_owned(),
            headers: Vec::new(),
            body: None,
        }
    );
    assert_eq!(
        a.list_request("/api/v1", "demo", &Page::Cursor("abc".to_owned()))
            .url,
        "/api/v1/threads/demo/comments?limit=10&cursor=abc"
    );
    assert_eq!(
        a.list_request(
            "https://x.vn/api/v1//",
            "demo",
            &Page::Cursor("a+b/c=".to_owned())
        )
        .url,
        "https://x.vn/api/v1/threads/demo/comments?limit=10&cursor=a%2Bb%2Fc%3D"
    );
}

#[test]
fn default_create_request() {
    let a = Adapter::default();
    let request = a.create_request(
        "/api/v1",
        "demo",
        &new_comment("Khách", "Bài viết hay!", None),
        "key-1",
        1_705_573_800_123.0,
    );
    assert_eq!(
        request,
        Request {
            method: "POST".to_owned(),
            url: "/api/v1/threads/demo/comments".to_owned(),
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Idempotency-Key".to_owned(), "key-1".to_owned()),
            ],
            body: Some(r#"{"author":"Khách","body":"Bài viết hay!","parent_id":null}"#.to_owned()),
        }
    );
    let reply = a.create_request(
        "/api/v1",
        "demo",
        &new_comment("Lan", "Đúng", Some(id("a"))),
        "",
        0.0,
    );
    assert_eq!(
        reply.body.as_deref(),
        Some(r#"{"author":"Lan","body":"Đúng","parent_id":"a"}"#)
    );
    assert!(
        !reply.headers.iter().any(|(n, _)| n == "Idempotency-Key"),
        "no empty idempotency key"
    );
}

#[test]
fn reference_create_responses() {
    let a = Adapter::default();
    let published = json(
        r#"{"comment":{"id":"z","parent_id":"a","author":"Lan","body":"Hi","created_at":"2024-01-18T10:30:00.123Z","status":"published"}}"#,
    );
    match a.read_created(201, Some(&published)) {
        Created::Published(Some(c)) => {
            assert_eq!(c.id, id("z"));
            assert_eq!(c.parent, Some(id("a")));
            assert!(!c.is_pending());
        }
        other => panic!("{other:?}"),
    }
    let held = json(
        r#"{"comment":{"id":"y","author":"Lan","body":"Hi","created_at":"2024-01-18T10:30:00Z","status":"pending"},"pending_token":"t"}"#,
    );
    match a.read_created(202, Some(&held)) {
        Created::Held(Some(c)) => assert!(c.is_pending() && c.id == id("y")),
        other => panic!("{other:?}"),
    }
    // A created comment that is pending counts as held.
    assert!(matches!(
        a.read_created(201, Some(&held)),
        Created::Held(Some(_))
    ));
    assert_eq!(a.read_created::<Value>(200, None), Created::Published(None));
    assert_eq!(a.read_created::<Value>(202, None), Created::Held(None));
    assert_eq!(
        a.read_created(201, Some(&json(r#"{"comment":{"id":5}}"#))),
        Created::Published(None)
    );
    assert_eq!(
        a.read_created(201, Some(&json("[1,2]"))),
        Created::Published(None)
    );
    let error = json(
        r#"{"error":{"code":"body_too_long","message":"Comment is 501 characters; the limit is 500"}}"#,
    );
    assert_eq!(
        a.read_created(422, Some(&error)),
        Created::Failed {
            status: 422,
            message: Some("Comment is 501 characters; the limit is 500".to_owned())
        }
    );
    assert_eq!(
        a.read_created::<Value>(500, None),
        Created::Failed {
            status: 500,
            message: None
        }
    );
    assert_eq!(
        a.read_created(400, Some(&json(r#"{"error":{"message":"   "}}"#))),
        Created::Failed {
            status: 400,
            message: None
        }
    );
    let long = json(&format!(
        r#"{{"error":{{"message":"{}"}}}}"#,
        "ồ".repeat(1000)
    ));
    assert_eq!(
        a.error_message(&long).map(|m| m.chars().count()),
        Some(MAX_MESSAGE_CHARS)
    );
}

// ---- json-server ----

const JSON_SERVER: &str = r#"{
  "order": "oldest",
  "list": {
    "url": "{api}/comments",
    "query": {"threadId": "{thread}"},
    "items": "",
    "paging": {"type": "page", "param": "_page", "first": 1, "size": 3, "sizeParam": "_limit"},
    "total": null,
    "totalHeader": "X-Total-Count"
  },
  "comment": {"id": "id", "parent": "parentId", "author": "user.name", "body": "text",
              "created": "createdAt", "status": null},
  "timeFormat": "unixMs",
  "error": null,
  "create": {
    "url": "{api}/comments",
    "body": {"threadId": "{thread}", "parentId": "{parent}", "user": {"name": "{author}"},
             "text": "{body}", "createdAt": "{nowMs}", "note": "sent at {nowS} by {author}",
             "fixed": [1.5, true, null, -0.25, {"deep": "{key}"}]},
    "idempotencyHeader": null,
    "created": [201],
    "held": [],
    "item": ""
  }
}"#;

const JSON_SERVER_PAGE: &str = r#"[
  {"id": 1, "threadId": "bài 1", "parentId": null, "user": {"name": "Lan"}, "text": "Một", "createdAt": 1705573800123},
  {"id": 2, "threadId": "bài 1", "parentId": 1, "user": {"name": 7}, "text": "Hai", "createdAt": "1705573800124"},
  {"id": 3, "threadId": "bài 1", "user": {}, "text": "Ba", "createdAt": 1.7e300}
]"#;

#[test]
fn json_server_list() {
    let a = adapter(JSON_SERVER);
    assert_eq!(a.order(), Order::Oldest);
    assert_eq!(
        a.list_request("https://api.example.vn", "bài 1", &Page::First)
            .url,
        "https://api.example.vn/comments?threadId=b%C3%A0i%201&_page=1&_limit=3"
    );
    assert_eq!(
        a.list_request("https://api.example.vn", "bài 1", &Page::Number(4))
            .url,
        "https://api.example.vn/comments?threadId=b%C3%A0i%201&_page=4&_limit=3"
    );
    let header = |name: &str| {
        name.eq_ignore_ascii_case("x-total-count")
            .then(|| "7".to_owned())
    };
    let page = a
        .read_list(&json(JSON_SERVER_PAGE), &header, &Page::First)
        .expect("list");
    assert_eq!(ids(&page), ["1", "2", "3"]);
    assert!(page.comments.iter().all(|c| c.id.numeric));
    assert_eq!(parents(&page), [None, Some("1"), None]);
    let parent = page
        .comments
        .get(1)
        .and_then(|c| c.parent.as_ref())
        .expect("parent");
    assert!(parent.numeric);
    let authors: Vec<Option<&str>> = page.comments.iter().map(|c| c.author.as_deref()).collect();
    assert_eq!(authors, [Some("Lan"), None, None]);
    let times: Vec<Option<f64>> = page.comments.iter().map(|c| c.created_ms).collect();
    assert_eq!(
        times,
        [Some(1_705_573_800_123.0), Some(1_705_573_800_124.0), None]
    );
    assert_eq!(page.total, Some(7));
    assert_eq!(page.next, Some(Page::Number(2)));
    let problems: Vec<String> = page.problems.iter().map(ShapeError::describe).collect();
    assert_eq!(
        problems,
        [
            "at [1].user.name: expected a string or null, found number",
            "at [2].createdAt: expected Unix milliseconds (a number or numeric string), found number",
        ]
    );
    // Page 3 of 7 at 3 a page holds the last item.
    let third = a
        .read_list(&json(JSON_SERVER_PAGE), &header, &Page::Number(3))
        .expect("list");
    assert_eq!(third.next, None);
}

#[test]
fn json_server_create() {
    let a = adapter(JSON_SERVER);
    let request = a.create_request(
        "https://api.example.vn/",
        "bài 1",
        &new_comment(
            "Lan",
            "Trả lời",
            Some(Id {
                text: "7".to_owned(),
                numeric: true,
            }),
        ),
        "k",
        1_705_573_800_123.0,
    );
    assert_eq!(request.url, "https://api.example.vn/comments");
    assert_eq!(
        request.headers,
        [("Content-Type".to_owned(), "application/json".to_owned())]
    );
    let body: serde_json::Value =
        serde_json::from_str(request.body.as_deref().unwrap_or_default()).expect("JSON body");
    assert_eq!(
        body,
        serde_json::json!({
            "threadId": "bài 1",
            "parentId": 7,
            "user": {"name": "Lan"},
            "text": "Trả lời",
            "createdAt": 1_705_573_800_123_i64,
            "note": "sent at 1705573800 by Lan",
            "fixed": [1.5, true, null, -0.25, {"deep": "k"}],
        })
    );
    let top = a.create_request("/", "t", &new_comment("A", "B", None), "k", 0.0);
    assert!(top.body.unwrap_or_default().contains(r#""parentId":null"#));

    let response = json(
        r#"{"id": 8, "threadId": "bài 1", "parentId": 7, "user": {"name": "Lan"}, "text": "Trả lời", "createdAt": 1705573800123}"#,
    );
    match a.read_created(201, Some(&response)) {
        Created::Published(Some(c)) => {
            assert!(c.id.numeric && c.id.text == "8");
            assert_eq!(c.parent.map(|p| p.text), Some("7".to_owned()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        a.read_created(404, Some(&json("{}"))),
        Created::Failed {
            status: 404,
            message: None
        }
    );
}

// ---- a nested forum API ----

const NESTED: &str = r#"{
  "credentials": "include",
  "list": {
    "url": "{api}/topics/{thread}/posts",
    "query": {},
    "headers": {"X-Topic": "{thread}", "Accept": "application/json"},
    "items": "data.items",
    "paging": {"type": "offset", "param": "offset", "size": 3, "sizeParam": "limit"},
    "total": "meta.total"
  },
  "comment": {"id": "id", "parent": null, "author": "author.display_name", "body": "content_html",
              "created": "created", "status": "state", "replies": "children"},
  "bodyFormat": "html",
  "timeFormat": "unix",
  "pendingStatus": ["queued", "0"],
  "error": "errors.0.detail",
  "create": {
    "method": "put",
    "url": "{api}/topics/{thread}/posts",
    "headers": {"Content-Type": "application/vnd.api+json"},
    "body": {"post": {"content": "{body}", "name": "{author}", "reply_to": "{parent}", "at": "{nowIso}"}},
    "idempotencyHeader": "X-Request-Id",
    "created": [201],
    "held": [202],
    "item": "data"
  }
}"#;

const NESTED_PAGE: &str = r#"{"data": {"items": [
  {"id": "p1", "author": {"display_name": "Lan"}, "content_html": "<p>Một</p>", "created": 1705573800,
   "children": [
     {"id": "p2", "author": {"display_name": "Minh"}, "content_html": "<b>Hai</b>", "created": "1705573800.5",
      "children": [{"id": "p3", "content_html": "Ba", "created": 1705573802, "state": 0}]},
     {"id": "p4", "content_html": 4, "children": [{"id": "p5", "content_html": "Năm"}]},
     {"id": "p6", "content_html": "Sáu", "state": "queued"}
   ]},
  {"id": "p7", "content_html": "Bảy", "children": null},
  {"id": "p8", "content_html": "Tám", "children": {"oops": true}}
]}, "meta": {"total": "10"}}"#;

#[test]
fn nested_list() {
    let a = adapter(NESTED);
    assert_eq!(a.credentials(), Credentials::Include);
    let request = a.list_request("https://forum.vn/api", "chủ đề/1", &Page::First);
    assert_eq!(
        request.url,
        "https://forum.vn/api/topics/ch%E1%BB%A7%20%C4%91%E1%BB%81%2F1/posts?offset=0&limit=3"
    );
    let mut headers = request.headers.clone();
    headers.sort();
    assert_eq!(
        headers,
        [
            ("Accept".to_owned(), "application/json".to_owned()),
            ("X-Topic".to_owned(), "chủ đề/1".to_owned()),
        ]
    );
    assert_eq!(
        a.list_request("https://forum.vn/api", "1", &Page::Offset(3))
            .url,
        "https://forum.vn/api/topics/1/posts?offset=3&limit=3"
    );

    let page = list(&a, NESTED_PAGE, &Page::First);
    // p4 is skipped (its body is a number); its reply p5 goes to p4's parent p1,
    // so it is shown in context rather than waiting for a parent that never comes.
    assert_eq!(ids(&page), ["p1", "p2", "p3", "p5", "p6", "p7", "p8"]);
    assert_eq!(
        parents(&page),
        [
            None,
            Some("p1"),
            Some("p2"),
            Some("p1"),
            Some("p1"),
            None,
            None
        ]
    );
    let first = page.comments.first().expect("p1");
    assert_eq!(first.body, Body::Html("<p>Một</p>".to_owned()));
    assert_eq!(first.created_ms, Some(1_705_573_800_000.0));
    assert_eq!(
        page.comments.get(1).and_then(|c| c.created_ms),
        Some(1_705_573_800_500.0)
    );
    let pending: Vec<bool> = page.comments.iter().map(Comment::is_pending).collect();
    assert_eq!(pending, [false, false, true, false, true, false, false]);
    assert_eq!(page.total, Some(10));
    assert_eq!(page.next, Some(Page::Offset(3)));
    let problems: Vec<String> = page.problems.iter().map(ShapeError::describe).collect();
    assert_eq!(
        problems,
        [
            "at data.items[0].children[1].content_html: expected a string, found number",
            "at data.items[2].children: expected an array of replies or null, found object",
        ]
    );

    let last = list(&a, NESTED_PAGE, &Page::Offset(7));
    assert_eq!(last.next, None, "7 + 3 >= total 10");
}

#[test]
fn nested_create_and_errors() {
    let a = adapter(NESTED);
    let request = a.create_request(
        "https://forum.vn/api",
        "1",
        &new_comment("Lan", "<b>x</b>", Some(id("p1"))),
        "req-9",
        1_705_573_800_123.0,
    );
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.headers,
        [
            (
                "Content-Type".to_owned(),
                "application/vnd.api+json".to_owned()
            ),
            ("X-Request-Id".to_owned(), "req-9".to_owned()),
        ]
    );
    let body: serde_json::Value =
        serde_json::from_str(request.body.as_deref().unwrap_or_default()).expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"post": {"content": "<b>x</b>", "name": "Lan", "reply_to": "p1",
                                    "at": "2024-01-18T10:30:00.123Z"}})
    );

    let error = json(r#"{"errors": [{"detail": "Too short"}, {"detail": "second"}]}"#);
    assert_eq!(a.error_message(&error), Some("Too short".to_owned()));
    assert_eq!(
        a.read_created(422, Some(&error)),
        Created::Failed {
            status: 422,
            message: Some("Too short".to_owned())
        }
    );
    let held = json(r#"{"data": {"id": 12, "content_html": "<b>x</b>"}}"#);
    match a.read_created(202, Some(&held)) {
        Created::Held(Some(c)) => {
            assert!(c.is_pending());
            assert_eq!(c.body, Body::Html("<b>x</b>".to_owned()));
            assert_eq!(c.parent, None, "nested APIs don't name the parent");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_or_non_array_items_are_errors() {
    let a = Adapter::default();
    let missing = a
        .read_list(&json(r#"{"data": []}"#), &no_header, &Page::First)
        .expect_err("no comments");
    assert_eq!(
        missing.describe(),
        "at comments: expected an array of comments, found missing"
    );
    let object = a
        .read_list(&json(r#"{"comments": {}}"#), &no_header, &Page::First)
        .expect_err("object");
    assert_eq!(object.found, "object");
    let root = adapter(r#"{"list": {"items": ""}}"#)
        .read_list(&json("{}"), &no_header, &Page::First)
        .expect_err("root object");
    assert_eq!(
        root.describe(),
        "at (root): expected an array of comments, found object"
    );
    let empty = list(
        &a,
        r#"{"comments": [], "next_cursor": null, "total": 0}"#,
        &Page::First,
    );
    assert_eq!(
        empty,
        ListPage {
            total: Some(0),
            ..ListPage::default()
        }
    );
}

#[test]
fn bad_items_are_skipped_and_described() {
    let page = list(
        &Adapter::default(),
        r#"{"comments": [
            {"id": "", "body": "x"},
            {"id": 1.5, "body": "x"},
            {"id": true, "body": "x"},
            {"body": "x"},
            {"id": "ok", "body": null},
            {"id": "ok2"},
            7,
            {"id": 9007199254740993, "body": "too big"},
            {"id": -3, "body": "fine", "parent_id": "", "author": ["x"], "created_at": 5, "status": {}},
            {"id": "p", "body": "x", "parent_id": {"id": 1}, "created_at": "2024-02-30T00:00:00Z", "status": 1}
        ]}"#,
        &Page::First,
    );
    assert_eq!(ids(&page), ["-3", "p"]);
    assert_eq!(parents(&page), [None, None]);
    let problems: Vec<String> = page.problems.iter().map(ShapeError::describe).collect();
    assert_eq!(
        problems,
        [
            "at comments[0].id: expected a non-empty string or an integer id, found empty string",
            "at comments[1].id: expected a non-empty string or an integer id, found number",
            "at comments[2].id: expected a non-empty string or an integer id, found boolean",
            "at comments[3].id: expected a non-empty string or an integer id, found missing",
            "at comments[4].body: expected a string, found null",
            "at comments[5].body: expected a string, found missing",
            "at comments[6]: expected a comment object, found number",
            "at comments[7].id: expected a non-empty string or an integer id, found number",
            "at comments[8].author: expected a string or null, found array",
            "at comments[8].created_at: expected an RFC 3339 time, found number",
            "at comments[8].status: expected a string or integer status, found object",
            "at comments[9].parent_id: expected a parent id or null, found object",
            "at comments[9].created_at: expected an RFC 3339 time, found string",
        ]
    );
}

#[test]
fn problems_are_capped() {
    let items: Vec<String> = (0..10_000).map(|_| r#"{"id": null}"#.to_owned()).collect();
    let body = format!(r#"{{"comments": [{}]}}"#, items.join(","));
    let page = list(&Adapter::default(), &body, &Page::First);
    assert!(page.comments.is_empty());
    assert_eq!(page.problems.len(), 21);
    assert_eq!(
        page.problems.last().map(ShapeError::describe).as_deref(),
        Some(
            "at comments: expected well-formed comments, found 19980 more problems like the above"
        )
    );
}

#[test]
fn duplicate_ids_are_passed_through() {
    let page = list(
        &Adapter::default(),
        r#"{"comments": [{"id": "a", "body": "1"}, {"id": "a", "body": "2"}, {"id": 3, "body": "3"}, {"id": "3", "body": "4"}]}"#,
        &Page::First,
    );
    assert_eq!(ids(&page), ["a", "a", "3", "3"]);
    assert_eq!(
        page.comments.get(2).map(|c| &c.id),
        page.comments.get(3).map(|c| &c.id)
    );
}

/// A JSON backend of shared handles, like the browser's `JsValue`: cloning a value is
/// O(1) and nothing recurses, so deep-nesting tests measure the adapter itself.
/// (`serde_json::Value` deep-clones and drops recursively, which would overflow
/// the test thread's stack at depths the browser handles without effort.)
mod handles {
    use crate::platform::json::Json;
    use std::rc::Rc;

    pub enum Kind {
        Str(String),
        Arr(Vec<Node>),
        Obj(Vec<(String, Node)>),
    }

    #[derive(Clone)]
    pub struct Node(Option<Rc<Kind>>);

    pub fn str(s: &str) -> Node {
        Node(Some(Rc::new(Kind::Str(s.to_owned()))))
    }
    pub fn arr(items: Vec<Node>) -> Node {
        Node(Some(Rc::new(Kind::Arr(items))))
    }
    pub fn obj(members: Vec<(&str, Node)>) -> Node {
        let members = members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        Node(Some(Rc::new(Kind::Obj(members))))
    }

    impl Drop for Node {
        fn drop(&mut self) {
            let mut stack: Vec<Rc<Kind>> = self.0.take().into_iter().collect();
            while let Some(rc) = stack.pop() {
                let children: Vec<Node> = match Rc::try_unwrap(rc) {
                    Ok(Kind::Arr(items)) => items,
                    Ok(Kind::Obj(members)) => members.into_iter().map(|(_, v)| v).collect(),
                    _ => Vec::new(),
                };
                stack.extend(children.into_iter().filter_map(|mut c| c.0.take()));
            }
        }
    }

    impl Json for Node {
        fn member(&self, key: &str) -> Option<Self> {
            match self.0.as_deref()? {
                Kind::Obj(members) => members
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone()),
                _ => None,
            }
        }
        fn string(&self) -> Option<String> {
            match self.0.as_deref()? {
                Kind::Str(s) => Some(s.clone()),
                _ => None,
            }
        }
        fn number(&self) -> Option<f64> {
            None
        }
        fn boolean(&self) -> Option<bool> {
            None
        }
        fn is_null(&self) -> bool {
            self.0.is_none()
        }
        fn items(&self) -> Option<Vec<Self>> {
            match self.0.as_deref()? {
                Kind::Arr(items) => Some(items.clone()),
                _ => None,
            }
        }
        fn index(&self, index: usize) -> Option<Self> {
            self.items()?.get(index).cloned()
        }
        fn entries(&self) -> Option<Vec<(String, Self)>> {
            match self.0.as_deref()? {
                Kind::Obj(members) => Some(members.clone()),
                _ => None,
            }
        }
        fn to_json(&self) -> Option<String> {
            None
        }
        fn kind(&self) -> &'static str {
            match self.0.as_deref() {
                None => "null",
                Some(Kind::Str(_)) => "string",
                Some(Kind::Arr(_)) => "array",
                Some(Kind::Obj(_)) => "object",
            }
        }
    }

    /// `{"comments": [chain, {"id": "last"}]}` where `chain` is `depth` comments,
    /// each the first reply of the one before, each followed by a sibling; the
    /// deepest holds one bad reply.
    pub fn chain(depth: usize) -> Node {
        let comment = |id: String, replies: Vec<Node>| {
            obj(vec![
                ("id", str(&id)),
                ("body", str("x")),
                ("replies", arr(replies)),
            ])
        };
        let mut node = comment(format!("c{}", depth - 1), vec![obj(vec![("id", str(""))])]);
        for level in (0..depth - 1).rev() {
            let sibling = comment(format!("s{level}"), Vec::new());
            node = comment(format!("c{level}"), vec![node, sibling]);
        }
        obj(vec![(
            "comments",
            arr(vec![node, comment("last".to_owned(), Vec::new())]),
        )])
    }
}

#[test]
fn thousand_levels_of_nesting() {
    let a = adapter(r#"{"comment": {"replies": "replies", "parent": null}}"#);
    let depth = 1000;
    let page = a
        .read_list(&handles::chain(depth), &no_header, &Page::First)
        .expect("list");
    assert_eq!(page.comments.len(), 2 * depth);
    // Display order: the whole chain first (each reply right after its parent), then
    // the siblings as the stack unwinds from the deepest level.
    let mut want: Vec<String> = (0..depth).map(|l| format!("c{l}")).collect();
    want.extend((0..depth - 1).rev().map(|l| format!("s{l}")));
    want.push("last".to_owned());
    assert_eq!(
        ids(&page),
        want.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for pair in page.comments.windows(2).take(depth - 1) {
        if let [parent, child] = pair {
            assert_eq!(child.parent.as_ref(), Some(&parent.id));
        }
    }
    let siblings = page.comments.get(depth..2 * depth - 1).unwrap_or_default();
    for (sibling, level) in siblings.iter().zip((0..depth - 1).rev()) {
        assert_eq!(
            sibling.parent.as_ref().map(|p| p.text.clone()),
            Some(format!("c{level}"))
        );
    }
    let deepest = page
        .problems
        .first()
        .map(|p| p.path.clone())
        .unwrap_or_default();
    // Long paths keep their two ends.
    assert_eq!(
        deepest,
        format!(
            "comments[0]{}….replies[0]{}.id",
            ".replies[0]".repeat(9),
            ".replies[0]".repeat(9)
        )
    );
}

#[test]
fn deep_nesting_is_cut_and_linear() {
    // 200,000 levels: read down to MAX_NESTING, the rest cut with one problem noted,
    // and the rest of the page (the top-level "last") still read.
    let a = adapter(r#"{"comment": {"replies": "replies", "parent": null}}"#);
    let body = handles::chain(200_000);
    let started = std::time::Instant::now();
    let page = a.read_list(&body, &no_header, &Page::First).expect("list");
    const {
        assert!(
            read::MAX_NESTING > 1000,
            "the 1,000-level test above reads everything"
        )
    };
    let levels = read::MAX_NESTING;
    // c0…c1023, then their siblings s1022…s0 (s1023 is a reply of c1023, cut), then
    // "last".
    assert_eq!(page.comments.len(), levels + (levels - 1) + 1);
    assert_eq!(
        page.comments.last().map(|c| c.id.text.as_str()),
        Some("last")
    );
    let cut: Vec<&ShapeError> = page
        .problems
        .iter()
        .filter(|p| {
            p.expected
                .contains(&format!("nested at most {levels} levels"))
        })
        .collect();
    assert_eq!(cut.len(), 1, "{:?}", page.problems);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

// ---- paging ----

fn paged(config: &str, body: &str, page: &Page) -> Option<Page> {
    list(&adapter(config), body, page).next
}

#[test]
fn cursor_paging() {
    let cfg = r#"{"list": {"paging": {"next": "meta.next"}}}"#;
    let with = |next: &str| format!(r#"{{"comments": [], "meta": {{"next": {next}}}}}"#);
    assert_eq!(
        paged(cfg, &with(r#""x""#), &Page::First),
        Some(Page::Cursor("x".to_owned()))
    );
    assert_eq!(
        paged(cfg, &with("42"), &Page::First),
        Some(Page::Cursor("42".to_owned()))
    );
    assert_eq!(paged(cfg, &with("null"), &Page::First), None);
    assert_eq!(paged(cfg, &with(r#""""#), &Page::First), None);
    assert_eq!(paged(cfg, r#"{"comments": []}"#, &Page::First), None);
    let same = list(
        &adapter(cfg),
        &with(r#""x""#),
        &Page::Cursor("x".to_owned()),
    );
    assert_eq!(same.next, None);
    assert_eq!(
        same.problems.first().map(|p| p.path.as_str()),
        Some("meta.next")
    );
    let odd = list(&adapter(cfg), &with("{}"), &Page::First);
    assert_eq!(odd.next, None);
    assert_eq!(odd.problems.len(), 1);
    assert_eq!(paged(cfg, &with("1.5"), &Page::First), None);
    let request = adapter(r#"{"list": {"query": {}, "paging": {"param": "after"}}}"#).list_request(
        "/api",
        "t",
        &Page::Cursor("x y".to_owned()),
    );
    assert_eq!(request.url, "/api/threads/t/comments?after=x%20y");
}

#[test]
fn page_paging() {
    let cfg = r#"{"list": {"items": "", "paging": {"type": "page", "size": 2}, "total": null}}"#;
    let a = adapter(cfg);
    assert_eq!(
        a.list_request("/api", "t", &Page::First).url,
        "/api/threads/t/comments?limit=10&page=1&per_page=2"
    );
    let full = r#"[{"id":"a","body":"x"},{"id":"b","body":"x"}]"#;
    let short = r#"[{"id":"a","body":"x"}]"#;
    assert_eq!(paged(cfg, full, &Page::First), Some(Page::Number(2)));
    assert_eq!(paged(cfg, full, &Page::Number(5)), Some(Page::Number(6)));
    assert_eq!(paged(cfg, short, &Page::Number(5)), None);
    assert_eq!(paged(cfg, "[]", &Page::First), None);
    assert_eq!(paged(cfg, full, &Page::Number(u64::MAX)), None);
    // Bad items still count: the API counted them.
    assert_eq!(paged(cfg, "[1, 2]", &Page::First), Some(Page::Number(2)));

    let with_total = r#"{"list": {"items": "c", "paging": {"type": "page", "size": 2, "first": 0, "sizeParam": null}}}"#;
    let body = |total: u64| format!(r#"{{"c": {full}, "total": {total}}}"#);
    assert_eq!(
        paged(with_total, &body(5), &Page::First),
        Some(Page::Number(1))
    );
    assert_eq!(
        paged(with_total, &body(5), &Page::Number(1)),
        Some(Page::Number(2))
    );
    assert_eq!(paged(with_total, &body(4), &Page::Number(1)), None);
    assert_eq!(paged(with_total, &body(2), &Page::First), None);
    assert_eq!(
        adapter(with_total)
            .list_request("/api", "t", &Page::Number(3))
            .url,
        "/api/threads/t/comments?limit=10&page=3"
    );
}

#[test]
fn offset_paging() {
    let cfg = r#"{"list": {"query": {"limit": "50", "sort": "new"}, "paging": {"type": "offset", "size": 2}}}"#;
    let a = adapter(cfg);
    // The paging's own size parameter replaces a fixed one of the same name.
    assert_eq!(
        a.list_request("/api", "t", &Page::First).url,
        "/api/threads/t/comments?sort=new&offset=0&limit=2"
    );
    let body = |n: usize, total: &str| {
        let items: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id":"{i}","body":"x"}}"#))
            .collect();
        format!(r#"{{"comments": [{}], "total": {total}}}"#, items.join(","))
    };
    assert_eq!(
        paged(cfg, &body(2, "null"), &Page::First),
        Some(Page::Offset(2))
    );
    assert_eq!(
        paged(cfg, &body(3, "null"), &Page::Offset(4)),
        Some(Page::Offset(7))
    );
    assert_eq!(paged(cfg, &body(1, "null"), &Page::Offset(4)), None);
    assert_eq!(paged(cfg, &body(0, "null"), &Page::First), None);
    assert_eq!(
        paged(cfg, &body(2, "6"), &Page::Offset(2)),
        Some(Page::Offset(4))
    );
    assert_eq!(paged(cfg, &body(2, "6"), &Page::Offset(4)), None);
    assert_eq!(paged(cfg, &body(2, r#""6""#), &Page::Offset(4)), None);
}

#[test]
fn no_paging() {
    let cfg = r#"{"list": {"paging": {"type": "none"}}}"#;
    assert_eq!(paged(cfg, REFERENCE_PAGE, &Page::First), None);
    assert_eq!(
        adapter(cfg)
            .list_request("/api", "t", &Page::Cursor("x".to_owned()))
            .url,
        "/api/threads/t/comments?limit=10"
    );
    assert_eq!(
        config_error(r#"{"list": {"paging": {"type": "none", "param": "p"}}}"#).field,
        "list.paging.param"
    );
}

#[test]
fn totals_from_body_or_header() {
    let a = adapter(r#"{"list": {"totalHeader": "X-Total-Count"}}"#);
    let header =
        |value: &'static str| move |name: &str| (name == "X-Total-Count").then(|| value.to_owned());
    let read = |body: &str, value: &'static str| {
        a.read_list(&json(body), &header(value), &Page::First)
            .expect("list")
    };
    assert_eq!(read(r#"{"comments": [], "total": 3}"#, "9").total, Some(3));
    assert_eq!(read(r#"{"comments": []}"#, " 9 ").total, Some(9));
    assert_eq!(
        read(r#"{"comments": [], "total": null}"#, "9").total,
        Some(9)
    );
    let bad = read(r#"{"comments": [], "total": -1}"#, "nine");
    assert_eq!(bad.total, None);
    let problems: Vec<String> = bad.problems.iter().map(ShapeError::describe).collect();
    assert_eq!(
        problems,
        [
            "at total: expected a non-negative integer, found number",
            "at header X-Total-Count: expected a non-negative integer, found string",
        ]
    );
    assert_eq!(read(r#"{"comments": [], "total": 2.5}"#, "").total, None);
    assert_eq!(
        read(r#"{"comments": [], "total": "12"}"#, "").total,
        Some(12)
    );
}

// ---- times ----

#[test]
fn timestamps_through_the_adapter() {
    let cases = [
        (
            "iso",
            r#""2024-01-18T10:30:00Z""#,
            Some(1_705_573_800_000.0),
        ),
        (
            "iso",
            r#""2024-01-18T17:30:00.5+07:00""#,
            Some(1_705_573_800_500.0),
        ),
        (
            "iso",
            r#""2024-01-18T05:30:00-0500""#,
            Some(1_705_573_800_000.0),
        ),
        ("iso", r#""2024-01-18 10:30:00""#, Some(1_705_573_800_000.0)),
        ("iso", r#""2023-02-29T10:30:00Z""#, None),
        ("iso", r#""2024-13-18T10:30:00Z""#, None),
        ("iso", "1705573800", None),
        ("unix", "1705573800", Some(1_705_573_800_000.0)),
        ("unix", "1705573800.25", Some(1_705_573_800_250.0)),
        ("unix", r#""1705573800""#, Some(1_705_573_800_000.0)),
        ("unix", r#""2024-01-18T10:30:00Z""#, None),
        ("unix", "1e300", None),
        ("unixMs", "1705573800123", Some(1_705_573_800_123.0)),
        ("unixMs", r#""1705573800123""#, Some(1_705_573_800_123.0)),
        ("unixMs", "-1", Some(-1.0)),
        ("unixMs", "8640000000000001", None),
        ("unixMs", "true", None),
    ];
    for (format, value, want) in cases {
        let a = adapter(&format!(r#"{{"timeFormat": "{format}"}}"#));
        let page = list(
            &a,
            &format!(r#"{{"comments": [{{"id": "a", "body": "x", "created_at": {value}}}]}}"#),
            &Page::First,
        );
        assert_eq!(
            page.comments.first().and_then(|c| c.created_ms),
            want,
            "{format} {value}"
        );
        assert_eq!(
            page.problems.len(),
            usize::from(want.is_none()),
            "{format} {value}"
        );
    }
    for absent in [
        r#"{"id": "a", "body": "x"}"#,
        r#"{"id": "a", "body": "x", "created_at": null}"#,
    ] {
        let page = list(
            &Adapter::default(),
            &format!(r#"{{"comments": [{absent}]}}"#),
            &Page::First,
        );
        assert_eq!(page.comments.len(), 1);
        assert_eq!(page.problems, [], "a missing time is not a problem");
    }
}

#[test]
fn now_placeholders() {
    let a = adapter(
        r#"{"create": {"body": {"iso": "{nowIso}", "ms": "{nowMs}", "s": "{nowS}", "text": "{nowMs}/{nowS}"}}}"#,
    );
    let body = |now: f64| {
        a.create_request("/api", "t", &new_comment("a", "b", None), "k", now)
            .body
            .unwrap_or_default()
    };
    assert_eq!(
        body(1_705_573_800_999.0),
        r#"{"iso":"2024-01-18T10:30:00.999Z","ms":1705573800999,"s":1705573800,"text":"1705573800999/1705573800"}"#
    );
    for bad in [f64::NAN, f64::INFINITY, -1e300] {
        assert!(body(bad).contains(r#""ms":0,"#), "{bad}");
    }
}

// ---- encoding ----

#[test]
fn thread_ids_are_percent_encoded() {
    let a = adapter(r#"{"list": {"query": {"t": "thread:{thread}"}}}"#);
    for (thread, encoded) in [
        ("bài viết 1", "b%C3%A0i%20vi%E1%BA%BFt%201"),
        ("a/b", "a%2Fb"),
        ("a?b#c&d", "a%3Fb%23c%26d"),
        ("100%", "100%25"),
        ("Bình luận", "B%C3%ACnh%20lu%E1%BA%ADn"),
    ] {
        let request = a.list_request("/api/v1", thread, &Page::First);
        assert_eq!(
            request.url,
            format!("/api/v1/threads/{encoded}/comments?t=thread%3A{encoded}")
        );
    }
    let in_query = adapter(r#"{"list": {"url": "{api}/c.json?x=1", "query": {"q": "{thread}"}}}"#);
    assert_eq!(
        in_query.list_request("/api", "a b", &Page::First).url,
        "/api/c.json?x=1&q=a%20b"
    );
    let trailing = adapter(r#"{"list": {"url": "{api}/c?", "query": {"q": "{thread}"}}}"#);
    assert_eq!(
        trailing.list_request("/api", "1", &Page::First).url,
        "/api/c?q=1"
    );
    let fragment = adapter(r#"{"list": {"url": "{api}/c?x#top", "query": {"q": "{thread}"}}}"#);
    assert_eq!(
        fragment.list_request("/api", "1", &Page::First).url,
        "/api/c?x&q=1#top"
    );
    let none = adapter(r#"{"list": {"url": "{api}/c", "query": {}, "paging": {"type": "none"}}}"#);
    assert_eq!(none.list_request("/api", "1", &Page::First).url, "/api/c");
}

#[test]
fn bodies_are_escaped_as_json() {
    let a = Adapter::default();
    for text in [
        r#"She said "hi" \o/"#,
        "line 1\nline 2\r\n\ttab",
        "sep\u{2028}par\u{2029}end",
        "emoji 👍🏽 and 🇻🇳",
        "nul \u{0} bell \u{7} esc \u{1b} del \u{7f}",
        "</script><script>alert(1)</script>",
    ] {
        let request = a.create_request("/api", "t", &new_comment(text, text, None), "k", 0.0);
        let raw = request.body.unwrap_or_default();
        assert!(!raw.contains('\n') && !raw.contains('\u{2028}'), "{raw}");
        let body: serde_json::Value = serde_json::from_str(&raw).expect("JSON");
        assert_eq!(body.get("author").and_then(|v| v.as_str()), Some(text));
        assert_eq!(body.get("body").and_then(|v| v.as_str()), Some(text));
    }
}

#[test]
fn numeric_parent_only_when_valid() {
    let a = Adapter::default();
    let body = |parent: Id| {
        a.create_request("/api", "t", &new_comment("a", "b", Some(parent)), "k", 0.0)
            .body
            .unwrap_or_default()
    };
    let numeric = |text: &str| Id {
        text: text.to_owned(),
        numeric: true,
    };
    assert!(body(numeric("12")).ends_with(r#""parent_id":12}"#));
    assert!(body(numeric("-3")).ends_with(r#""parent_id":-3}"#));
    assert!(body(numeric("1e5")).ends_with(r#""parent_id":"1e5"}"#));
    assert!(body(numeric("12 OR 1")).ends_with(r#""parent_id":"12 OR 1"}"#));
    assert!(body(id("12")).ends_with(r#""parent_id":"12"}"#));
}

#[test]
fn get_create_sends_no_body() {
    let a = adapter(r#"{"create": {"method": "get", "idempotencyHeader": null}}"#);
    let request = a.create_request("/api", "t", &new_comment("a", "b", None), "k", 0.0);
    assert_eq!(request.method, "GET");
    assert_eq!(request.body, None);
    assert_eq!(request.headers, []);
}

// ---- config errors ----

#[test]
fn config_errors_name_the_field() {
    let e = config_error(r#"{"list": {"paging": {"type": "pages"}}}"#);
    assert_eq!(
        e.describe(),
        r#"list.paging.type: expected "cursor", "page", "offset", "keyset", "link" or "none", got "pages""#
    );
    for (config, field, got) in [
        (r#"[]"#, "", Some("an array")),
        (r#""x""#, "", Some(r#""x""#)),
        (r#"{"colour": "red"}"#, "colour", Some("an unknown key")),
        (
            r#"{"list": {"pagng": {}}}"#,
            "list.pagng",
            Some("an unknown key"),
        ),
        (r#"{"list": 5}"#, "list", Some("5")),
        (r#"{"list": {"items": 5}}"#, "list.items", Some("5")),
        (r#"{"list": {"items": null}}"#, "list.items", Some("null")),
        (
            r#"{"list": {"paging": {"type": "page", "next": "x"}}}"#,
            "list.paging.next",
            Some("an unknown key"),
        ),
        (
            r#"{"list": {"paging": {"type": "page", "size": 0}}}"#,
            "list.paging.size",
            Some("0"),
        ),
        (
            r#"{"list": {"paging": {"type": "offset", "size": 1001}}}"#,
            "list.paging.size",
            Some("1001"),
        ),
        (
            r#"{"list": {"paging": {"type": "offset", "size": 2.5}}}"#,
            "list.paging.size",
            Some("2.5"),
        ),
        (
            r#"{"list": {"paging": {"type": "page", "size": "20"}}}"#,
            "list.paging.size",
            Some(r#""20""#),
        ),
        (
            r#"{"list": {"paging": {"param": ""}}}"#,
            "list.paging.param",
            Some(r#""""#),
        ),
        (
            r#"{"list": {"paging": {"type": 1}}}"#,
            "list.paging.type",
            Some("1"),
        ),
        (r#"{"list": {"url": ""}}"#, "list.url", Some(r#""""#)),
        (
            r#"{"list": {"url": "javascript:alert(1)//{api}"}}"#,
            "list.url",
            Some(r#""javascript:alert(1)//{api}""#),
        ),
        (
            r#"{"list": {"url": " data:text/html,x"}}"#,
            "list.url",
            Some(r#"" data:text/html,x""#),
        ),
        (
            r#"{"list": {"url": "{api}/{thred}"}}"#,
            "list.url",
            Some("{thred}"),
        ),
        (
            r#"{"list": {"query": {"q": "{body}"}}}"#,
            "list.query.q",
            Some("{body}"),
        ),
        (
            r#"{"list": {"query": {"q": 1}}}"#,
            "list.query.q",
            Some("1"),
        ),
        (
            r#"{"list": {"headers": {"Bad Name": "x"}}}"#,
            "list.headers.Bad Name",
            Some(r#""Bad Name""#),
        ),
        (
            r#"{"list": {"headers": {"X-A": "a\nb"}}}"#,
            "list.headers.X-A",
            Some(r#""a\nb""#),
        ),
        (
            r#"{"list": {"totalHeader": "X Total"}}"#,
            "list.totalHeader",
            Some(r#""X Total""#),
        ),
        (r#"{"list": {"total": 3}}"#, "list.total", Some("3")),
        (
            r#"{"credentials": "cors"}"#,
            "credentials",
            Some(r#""cors""#),
        ),
        (r#"{"order": null}"#, "order", Some("null")),
        (
            r#"{"bodyFormat": "markdown"}"#,
            "bodyFormat",
            Some(r#""markdown""#),
        ),
        (
            r#"{"timeFormat": "unixms"}"#,
            "timeFormat",
            Some(r#""unixms""#),
        ),
        (
            r#"{"pendingStatus": "pending"}"#,
            "pendingStatus",
            Some(r#""pending""#),
        ),
        (
            r#"{"pendingStatus": ["pending", 0]}"#,
            "pendingStatus",
            Some("0"),
        ),
        (r#"{"error": false}"#, "error", Some("false")),
        (r#"{"comment": {"id": null}}"#, "comment.id", Some("null")),
        (
            r#"{"comment": {"replies": 1}}"#,
            "comment.replies",
            Some("1"),
        ),
        (
            r#"{"comment": {"name": "x"}}"#,
            "comment.name",
            Some("an unknown key"),
        ),
        (
            r#"{"create": {"method": "DELETE"}}"#,
            "create.method",
            Some(r#""DELETE""#),
        ),
        (
            r#"{"create": {"created": [200, "201"]}}"#,
            "create.created",
            Some(r#""201""#),
        ),
        (
            r#"{"create": {"created": [99]}}"#,
            "create.created",
            Some("99"),
        ),
        (
            r#"{"create": {"created": [600]}}"#,
            "create.created",
            Some("600"),
        ),
        (
            r#"{"create": {"created": [201.5]}}"#,
            "create.created",
            Some("201.5"),
        ),
        (
            r#"{"create": {"created": []}}"#,
            "create.created",
            Some("an array"),
        ),
        (r#"{"create": {"held": 202}}"#, "create.held", Some("202")),
        (r#"{"create": {"held": [201]}}"#, "create.held", Some("201")),
        (
            r#"{"create": {"idempotencyHeader": "Idem:Key"}}"#,
            "create.idempotencyHeader",
            Some(r#""Idem:Key""#),
        ),
        (
            r#"{"create": {"url": "ftp://x/{thread}"}}"#,
            "create.url",
            Some(r#""ftp://x/{thread}""#),
        ),
        (
            r#"{"create": {"url": "{api}/{body}"}}"#,
            "create.url",
            Some("{body}"),
        ),
        (
            r#"{"create": {"body": {"a": {"b": "{Body}"}}}}"#,
            "create.body.a.b",
            Some("{Body}"),
        ),
        (
            r#"{"create": {"body": {"a": [1, "{x}"]}}}"#,
            "create.body.a.1",
            Some("{x}"),
        ),
        (
            r#"{"create": {"item": []}}"#,
            "create.item",
            Some("an array"),
        ),
    ] {
        let e = config_error(config);
        assert_eq!(
            (e.field.as_str(), e.got.as_deref()),
            (field, got),
            "{config}: {e:?}"
        );
        assert!(!e.expected.is_empty());
    }
    assert_eq!(
        config_error(r#"{"colour": 1}"#).describe(),
        "colour: expected one of the keys $schema, credentials, order, list, replies, comment, \
         bodyFormat, authorFormat, timeFormat, timeZone, pendingStatus, statusMap, error, create, \
         timeouts, like, unlike, report, edit, delete, sort, count, got an unknown key"
    );
    assert_eq!(
        config_error("[]").describe(),
        "adapter: expected an object, got an array"
    );
    let long = config_error(&format!(r#"{{"order": "{}"}}"#, "x".repeat(200)));
    assert_eq!(long.got.map(|g| g.chars().count()), Some(63));
}

#[test]
fn deep_body_templates_are_refused() {
    let mut body = String::from(r#""{body}""#);
    for _ in 0..40 {
        body = format!(r#"{{"a": {body}}}"#);
    }
    let e = config_error(&format!(r#"{{"create": {{"body": {body}}}}}"#));
    assert!(e.field.starts_with("create.body.a.a"), "{e:?}");
    assert!(e.expected.contains("levels deep"));
}

#[test]
fn paging_keys_merge_per_type() {
    // Changing only the parameter keeps the default `next` path.
    let a = adapter(r#"{"list": {"paging": {"param": "after"}}}"#);
    let page = list(&a, REFERENCE_PAGE, &Page::First);
    assert_eq!(page.next, Some(Page::Cursor("abc".to_owned())));
    // A new type takes that type's documented example values.
    let b = adapter(r#"{"list": {"query": {}, "paging": {"type": "page"}}}"#);
    assert_eq!(
        b.list_request("/api", "t", &Page::First).url,
        "/api/threads/t/comments?page=1&per_page=20"
    );
    let c = adapter(r#"{"list": {"query": {}, "paging": {"type": "offset", "sizeParam": null}}}"#);
    assert_eq!(
        c.list_request("/api", "t", &Page::Offset(40)).url,
        "/api/threads/t/comments?offset=40"
    );
}

#[test]
fn maps_replace_the_default() {
    let a =
        adapter(r#"{"list": {"query": {"per": "10"}}, "create": {"body": {"text": "{body}"}}}"#);
    assert_eq!(
        a.list_request("/api", "t", &Page::First).url,
        "/api/threads/t/comments?per=10"
    );
    let request = a.create_request("/api", "t", &new_comment("a", "b", None), "k", 0.0);
    assert_eq!(request.body.as_deref(), Some(r#"{"text":"b"}"#));
}

#[test]
fn documented_defaults_are_the_default() {
    let doc = include_str!("../../../docs/adapter.md");
    let start = doc
        .find("## The full adapter, with the defaults")
        .and_then(|at| doc.get(at..))
        .and_then(|rest| rest.find("```json\n").map(|i| (rest, i + 8)))
        .and_then(|(rest, i)| rest.get(i..))
        .expect("the defaults block");
    let block = start
        .get(..start.find("```").unwrap_or(0))
        .unwrap_or_default();
    assert_eq!(Adapter::parse(&json(block)), Ok(Adapter::default()));
}

#[test]
fn example_adapters_parse() {
    for (name, text) in [
        (
            "json-server",
            include_str!("../../../adapters/json-server.json"),
        ),
        (
            "nested-offset",
            include_str!("../../../adapters/nested-offset.json"),
        ),
    ] {
        assert!(Adapter::parse(&json(text)).is_ok(), "{name}");
    }
}

// ---- statuses, held comments and timeouts ----

#[test]
fn status_map_gives_every_status_a_meaning() {
    let a = adapter(
        r#"{"statusMap": {"0": "pending", "2": "rejected", "4": "deleted", "1": "published"}}"#,
    );
    let page = list(
        &a,
        r#"{"comments":[
          {"id":"a","body":"x","status":1},{"id":"b","body":"x","status":0},
          {"id":"c","body":"x","status":2},{"id":"d","body":"x","status":4},
          {"id":"e","body":"x","status":"unknown"}],"next_cursor":null}"#,
        &Page::First,
    );
    let statuses: Vec<Status> = page.comments.iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Published,
            Status::Pending,
            Status::Rejected,
            Status::Deleted,
            Status::Published
        ]
    );
    // The reference server's values by default.
    let page = list(
        &Adapter::default(),
        r#"{"comments":[{"id":"r","body":"x","status":"rejected"}],"next_cursor":null}"#,
        &Page::First,
    );
    assert_eq!(
        page.comments.first().map(|c| c.status),
        Some(Status::Rejected)
    );
}

#[test]
fn pending_status_still_names_the_pending_values() {
    // Either key order: pendingStatus adds to (or narrows) the map.
    for config in [
        r#"{"pendingStatus": ["queued"], "statusMap": {"gone": "deleted"}}"#,
        r#"{"statusMap": {"gone": "deleted"}, "pendingStatus": ["queued"]}"#,
    ] {
        let a = adapter(config);
        let page = list(
            &a,
            r#"{"comments":[{"id":"a","body":"x","status":"queued"},{"id":"b","body":"x","status":"gone"},{"id":"c","body":"x","status":"pending"}],"next_cursor":null}"#,
            &Page::First,
        );
        let statuses: Vec<Status> = page.comments.iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            [Status::Pending, Status::Deleted, Status::Published],
            "{config}"
        );
    }
    let e = config_error(r#"{"statusMap": {"x": "hidden"}}"#);
    assert_eq!(e.field, "statusMap.x");
}

#[test]
fn held_tokens_go_back_with_list_requests() {
    let a = Adapter::default();
    assert!(a.tracks_held());
    let tokens = ["t1".to_owned(), "t2".to_owned()];
    assert_eq!(
        a.list_request_with("/api/v1", "demo", &Page::First, &tokens)
            .url,
        "/api/v1/threads/demo/comments?limit=10&pending=t1%2Ct2"
    );
    assert_eq!(
        a.list_request_with("/api/v1", "demo", &Page::First, &[])
            .url,
        "/api/v1/threads/demo/comments?limit=10"
    );
    let body =
        json(r#"{"comment":{"id":"y","body":"Hi","status":"pending"},"pending_token":"abc"}"#);
    assert_eq!(a.created_token(&body).as_deref(), Some("abc"));
    // A token that could not go back in a comma-separated list is not kept.
    let bad = json(r#"{"pending_token":"a,b"}"#);
    assert_eq!(a.created_token(&bad), None);
    let off = adapter(r#"{"list": {"heldParam": null}}"#);
    assert!(!off.tracks_held());
    assert_eq!(
        off.list_request_with("/api", "t", &Page::First, &tokens)
            .url,
        "/api/threads/t/comments?limit=10"
    );
}

#[test]
fn timeouts_are_seconds_and_bounded() {
    let a = adapter(r#"{"timeouts": {"read": 5, "write": 60}}"#);
    assert_eq!(
        a.timeouts(),
        Timeouts {
            read_ms: 5_000,
            write_ms: 60_000
        }
    );
    assert_eq!(Adapter::default().timeouts(), Timeouts::default());
    assert_eq!(
        config_error(r#"{"timeouts": {"read": 0}}"#).field,
        "timeouts.read"
    );
    assert_eq!(
        config_error(r#"{"timeouts": {"list": 5}}"#).field,
        "timeouts.list"
    );
}
