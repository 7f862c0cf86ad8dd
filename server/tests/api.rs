//! HTTP integration suite. Every scenario runs twice: against SQLite and,
//! when `YKIEN_TEST_DATABASE_URL` is set, against PostgreSQL (each test in
//! its own fresh database, so the suite runs in parallel).

#[macro_use]
mod common;

use std::time::Duration;

use common::{error_code, Backend, TestServer};
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

suite!(
    list_paging_cursor_total,
    replies_tree_order_and_visibility,
    invalid_list_params,
    create_published,
    body_length_limits,
    body_empty_or_whitespace,
    nfc_counting,
    control_chars_stripped,
    author_rules_and_guest_name,
    guest_names_stored_as_no_name,
    legacy_guest_rows_read_as_no_name,
    seeded_guests_have_no_name,
    parent_must_exist_in_thread,
    idempotent_retry,
    premoderation_and_moderation,
    honeypot,
    cors_preflight,
    rate_limited,
    bad_json_and_content_type,
    oversized_body,
    unknown_routes_are_json,
    counts_endpoint,
    article_endpoint,
    openapi_covers_routes,
    static_files,
    precompressed_and_cross_origin_static_files,
    durability_configured,
    cache_sees_other_process_writes,
);

/// Starts a server or returns from the test when PostgreSQL is not configured.
macro_rules! server {
    ($backend:expr) => {
        server!($backend, |_| {})
    };
    ($backend:expr, $tweak:expr) => {
        match TestServer::start($backend, $tweak).await {
            Some(s) => s,
            None => return,
        }
    };
}

fn ids(v: &Value) -> Vec<String> {
    v["comments"]
        .as_array()
        .expect("comments array")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn tick() {
    // Distinct millisecond timestamps make "newest first" observable.
    tokio::time::sleep(Duration::from_millis(3)).await;
}

async fn list_paging_cursor_total(b: Backend) {
    let s = server!(b);
    let mut roots = Vec::new();
    for i in 0..7 {
        roots.push(s.add("t1", "An", &format!("gốc {i}"), None).await);
        tick().await;
    }
    // Two replies under root 5 and one under root 1.
    let r5a = s.add("t1", "Bình", "trả lời 5a", Some(&roots[5])).await;
    tick().await;
    let r5b = s.add("t1", "Bình", "trả lời 5b", Some(&roots[5])).await;
    let r1 = s.add("t1", "Bình", "trả lời 1", Some(&roots[1])).await;
    s.add("other", "X", "khác luồng", None).await;

    let (st, _, p1) = s.get("/api/v1/threads/t1/comments?limit=3").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(p1["total"], 10);
    assert_eq!(
        ids(&p1),
        vec![
            roots[6].clone(),
            roots[5].clone(),
            r5a.clone(),
            r5b.clone(),
            roots[4].clone()
        ]
    );
    let c1 = p1["next_cursor"].as_str().expect("cursor").to_owned();

    // A comment posted while paging must not shift later pages.
    tick().await;
    let newest = s.add("t1", "Chi", "mới chen vào", None).await;

    let (_, _, p2) = s
        .get(&format!("/api/v1/threads/t1/comments?limit=3&cursor={c1}"))
        .await;
    assert_eq!(
        ids(&p2),
        vec![
            roots[3].clone(),
            roots[2].clone(),
            roots[1].clone(),
            r1.clone()
        ]
    );
    assert_eq!(p2["total"], 11);
    let c2 = p2["next_cursor"].as_str().expect("cursor").to_owned();
    let (_, _, p3) = s
        .get(&format!("/api/v1/threads/t1/comments?limit=3&cursor={c2}"))
        .await;
    assert_eq!(ids(&p3), vec![roots[0].clone()]);
    assert!(p3["next_cursor"].is_null());

    // Default limit (50) returns everything, newest first.
    let (_, _, all) = s.get("/api/v1/threads/t1/comments").await;
    assert_eq!(ids(&all)[0], newest);
    assert_eq!(ids(&all).len(), 11);
    assert!(all["next_cursor"].is_null());

    // Comment shape.
    let c = &p1["comments"][2];
    assert_eq!(c["thread"], "t1");
    assert_eq!(c["parent_id"], roots[5].as_str());
    assert_eq!(c["author"], "Bình");
    assert_eq!(c["body"], "trả lời 5a");
    assert_eq!(c["status"], "published");
    let ts = c["created_at"].as_str().unwrap();
    assert_eq!(ts.len(), 24, "RFC 3339 with millis: {ts}");
    assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.');
    assert!(p1["comments"][0]["parent_id"].is_null());

    // Empty thread.
    let (_, _, empty) = s.get("/api/v1/threads/nothing/comments").await;
    assert_eq!(
        empty,
        json!({"comments": [], "next_cursor": null, "total": 0})
    );
    s.stop().await;
}

async fn replies_tree_order_and_visibility(b: Backend) {
    let s = server!(b);
    let a = s.add("t", "A", "gốc", None).await;
    tick().await;
    let b1 = s.add("t", "B", "trả lời A", Some(&a)).await;
    tick().await;
    let d = s.add("t", "D", "trả lời A lần hai", Some(&a)).await;
    tick().await;
    let c = s.add("t", "C", "trả lời B", Some(&b1)).await;
    tick().await;
    let e = s.add("t", "E", "trả lời C", Some(&c)).await;
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    // Depth first, oldest first among siblings.
    assert_eq!(
        ids(&v),
        vec![a.clone(), b1.clone(), c.clone(), e.clone(), d.clone()]
    );
    assert_eq!(v["total"], 5);

    // Rejecting a mid-level reply hides its subtree (no orphans).
    ykien_server::moderation::reject(s.store(), &c)
        .await
        .unwrap();
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(ids(&v), vec![a.clone(), b1.clone(), d.clone()]);
    assert_eq!(
        v["total"], 4,
        "total counts published comments at all depths"
    );
    s.stop().await;
}

async fn invalid_list_params(b: Backend) {
    let s = server!(b);
    for q in ["limit=0", "limit=101", "limit=abc", "limit=-1"] {
        let (st, _, v) = s.get(&format!("/api/v1/threads/t/comments?{q}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(error_code(&v), "invalid_limit");
    }
    let (st, _, v) = s.get("/api/v1/threads/t/comments?limit=100").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _, v) = s.get("/api/v1/threads/t/comments?cursor=%21%21").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "invalid_cursor");
    s.stop().await;
}

async fn create_published(b: Backend) {
    let s = server!(b);
    let (st, v) = s
        .comment("t", json!({"author": "Lan", "body": "Bài viết hay!"}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let c = &v["comment"];
    assert_eq!(c["author"], "Lan");
    assert_eq!(c["body"], "Bài viết hay!");
    assert_eq!(c["status"], "published");
    assert_eq!(c["thread"], "t");
    assert!(c["parent_id"].is_null());
    assert!(v.get("pending_token").is_none());
    let (_, _, list) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(list["comments"][0], *c);
    s.stop().await;
}

async fn body_length_limits(b: Backend) {
    let s = server!(b);
    let (st, _) = s.comment("t", json!({"body": "a".repeat(500)})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, v) = s.comment("t", json!({"body": "a".repeat(501)})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&v), "body_too_long");
    // Surrounding whitespace does not count.
    let (st, _) = s
        .comment("t", json!({"body": format!("  {}\n\n", "ư".repeat(500))}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    s.stop().await;
}

async fn body_empty_or_whitespace(b: Backend) {
    let s = server!(b);
    for body in [
        json!({"body": ""}),
        json!({"body": " \n\t\r\n "}),
        json!({}),
    ] {
        let (st, v) = s.comment("t", body.clone()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_code(&v), "body_empty");
    }
    s.stop().await;
}

async fn nfc_counting(b: Backend) {
    let s = server!(b);
    // 500 × (e + combining circumflex + combining acute) = 1500 scalars,
    // but 500 characters after NFC: accepted and stored composed.
    let decomposed = "e\u{0302}\u{0301}".repeat(500);
    let (st, v) = s.comment("t", json!({"body": decomposed})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["comment"]["body"], "\u{1EBF}".repeat(500));
    let composed = "\u{1EBF}".repeat(501);
    let (st, v) = s.comment("t", json!({"body": composed})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&v), "body_too_long");
    // Emoji count by scalar value: 👍🏽 is 2.
    let (st, _) = s
        .comment("t", json!({"body": format!("{}👍🏽", "a".repeat(498))}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = s
        .comment("t", json!({"body": format!("{}👍🏽", "a".repeat(499))}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    s.stop().await;
}

async fn control_chars_stripped(b: Backend) {
    let s = server!(b);
    let (st, v) = s
        .comment(
            "t",
            json!({"author": "\u{7}Minh\u{0}", "body": "  a\u{0}b\u{1b}c\r\nd\te\u{7f}  "}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(v["comment"]["body"], "abc\nde");
    assert_eq!(v["comment"]["author"], "Minh");
    s.stop().await;
}

async fn author_rules_and_guest_name(b: Backend) {
    let s = server!(b);
    let (st, v) = s
        .comment("t", json!({"author": "a".repeat(61), "body": "x"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&v), "name_too_long");
    let (st, v) = s
        .comment("t", json!({"author": "ơ".repeat(60), "body": "x"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    // No name is stored as no name: each reader's widget localizes it.
    let (_, v) = s.comment("t", json!({"body": "x"})).await;
    assert_eq!(v["comment"]["author"], "");
    let (_, v) = s.comment("t", json!({"author": "   ", "body": "x"})).await;
    assert_eq!(v["comment"]["author"], "");
    // The language of the poster no longer decides what others read.
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,vi;q=0.5")
        .json(&json!({"body": "hello"}))
        .send()
        .await
        .unwrap();
    let (st, _, v) = common::split(res).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(v["comment"]["author"], "");
    s.stop().await;
}

async fn guest_names_stored_as_no_name(b: Backend) {
    let s = server!(b);
    // What a widget sends when the reader left the name empty, in either
    // language, after cleaning and NFC (the second is a decomposed "á").
    let guests = ["Khách", "Kha\u{0301}ch", " Guest ", "Guest\n"];
    let mut ids = Vec::new();
    for g in guests {
        let (st, v) = s.comment("g", json!({"author": g, "body": "x"})).await;
        assert_eq!(st, StatusCode::CREATED, "{g:?}: {v}");
        assert_eq!(v["comment"]["author"], "", "{g:?}");
        ids.push(v["comment"]["id"].as_str().unwrap().to_owned());
        tick().await;
    }
    // Real names that only resemble a guest name are kept.
    for name in ["khách", "Guest 2", "Khách quen"] {
        let (_, v) = s.comment("g", json!({"author": name, "body": "x"})).await;
        assert_eq!(v["comment"]["author"], name);
        tick().await;
    }
    // Stored as the empty string, and listed as such.
    for id in &ids {
        let row = s.store().comment_in_thread("g", id).await.unwrap().unwrap();
        assert_eq!(row.author, "", "{id}");
    }
    let (_, _, list) = s.get("/api/v1/threads/g/comments").await;
    let authors: Vec<&str> = list["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"].as_str().unwrap())
        .collect();
    assert_eq!(
        authors,
        ["Khách quen", "Guest 2", "khách", "", "", "", ""],
        "{list}"
    );
    s.stop().await;
}

async fn legacy_guest_rows_read_as_no_name(b: Backend) {
    let s = server!(b);
    // A row stored before guests were stored without a name.
    s.store()
        .insert_comment(&ykien_server::db::NewComment {
            id: "legacy1",
            thread: "old",
            parent_id: None,
            root_id: "legacy1",
            author: "Khách",
            body: "cũ",
            created_at: 1_705_573_800_000,
            status: ykien_server::db::Status::Published,
            pending_token: None,
            idempotency_key: None,
        })
        .await
        .unwrap();
    let (_, _, v) = s.get("/api/v1/threads/old/comments").await;
    assert_eq!(v["comments"][0]["id"], "legacy1");
    assert_eq!(v["comments"][0]["author"], "", "{v}");
    s.stop().await;
}

async fn seeded_guests_have_no_name(b: Backend) {
    let s = server!(b);
    ykien_server::seed::seed_demo(s.store()).await.unwrap();
    let (_, _, v) = s.get("/api/v1/threads/demo/comments?limit=100").await;
    let comments = v["comments"].as_array().unwrap();
    assert!(comments.len() >= 40);
    assert!(comments.iter().any(|c| c["author"] == ""), "{v}");
    assert!(
        comments
            .iter()
            .all(|c| c["author"] != "Khách" && c["author"] != "Guest"),
        "{v}"
    );
    s.stop().await;
}

async fn parent_must_exist_in_thread(b: Backend) {
    let s = server!(b);
    let other = s.add("other", "A", "ở luồng khác", None).await;
    for pid in ["does-not-exist", other.as_str()] {
        let (st, v) = s
            .comment("t", json!({"body": "trả lời", "parent_id": pid}))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_code(&v), "parent_not_found");
    }
    let root = s.add("t", "A", "gốc", None).await;
    let (st, v) = s
        .comment("t", json!({"body": "trả lời", "parent_id": root}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(v["comment"]["parent_id"], root.as_str());
    s.stop().await;
}

async fn idempotent_retry(b: Backend) {
    let s = server!(b);
    let post = |key: &'static str, body: &'static str| {
        s.client
            .post(s.url("/api/v1/threads/t/comments"))
            .header("Idempotency-Key", key)
            .json(&json!({"body": body}))
            .send()
    };
    let (st1, _, v1) = common::split(post("key-1", "một lần thôi").await.unwrap()).await;
    let (st2, _, v2) = common::split(post("key-1", "một lần thôi").await.unwrap()).await;
    assert_eq!(st1, StatusCode::CREATED);
    assert_eq!(st2, StatusCode::CREATED);
    assert_eq!(v1["comment"]["id"], v2["comment"]["id"]);
    assert_eq!(v1, v2);

    // Concurrent retries race on the unique constraint; still one row.
    let futs: Vec<_> = (0..8).map(|_| post("key-2", "đồng thời")).collect();
    let mut seen = std::collections::HashSet::new();
    for f in futs {
        let (st, _, v) = common::split(f.await.unwrap()).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        seen.insert(v["comment"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 1);

    // Keys are per thread.
    let res = s
        .client
        .post(s.url("/api/v1/threads/t2/comments"))
        .header("Idempotency-Key", "key-1")
        .json(&json!({"body": "luồng khác"}))
        .send()
        .await
        .unwrap();
    let (_, _, v3) = common::split(res).await;
    assert_ne!(v3["comment"]["id"], v1["comment"]["id"]);

    let (_, _, list) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(list["total"], 2);

    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header("Idempotency-Key", "k".repeat(129))
        .json(&json!({"body": "x"}))
        .send()
        .await
        .unwrap();
    let (st, _, v) = common::split(res).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "invalid_idempotency_key");
    s.stop().await;
}

async fn premoderation_and_moderation(b: Backend) {
    use ykien_server::moderation;
    let s = server!(b, |a| a.premoderation = true);
    let (st, v) = s
        .comment("t", json!({"author": "Hoa", "body": "chờ duyệt"}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(v["comment"]["status"], "pending");
    let token = v["pending_token"]
        .as_str()
        .expect("pending_token")
        .to_owned();
    let id = v["comment"]["id"].as_str().unwrap().to_owned();

    let (_, _, anon) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(ids(&anon), Vec::<String>::new());
    assert_eq!(anon["total"], 0);
    let (_, _, mine) = s
        .get(&format!("/api/v1/threads/t/comments?pending=bogus,{token}"))
        .await;
    assert_eq!(ids(&mine), vec![id.clone()]);
    assert_eq!(mine["comments"][0]["status"], "pending");
    assert_eq!(mine["total"], 0, "total counts published only");

    let pending = moderation::list(s.store(), "pending", 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, id);

    moderation::approve(s.store(), &id).await.unwrap();
    moderation::approve(s.store(), &id)
        .await
        .expect("approving twice is no error");
    let audit = s.store().audit_log(0, 10).await.unwrap().0;
    assert_eq!(
        audit.len(),
        1,
        "the CLI's action is in the desk's audit log, once"
    );
    assert_eq!(
        (audit[0].moderator.as_str(), audit[0].action.as_str()),
        ("cli", "approve")
    );
    assert_eq!(audit[0].comment_id.as_deref(), Some(id.as_str()));
    let (_, _, anon) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(ids(&anon), vec![id.clone()]);
    assert_eq!(anon["comments"][0]["status"], "published");
    assert_eq!(anon["total"], 1);

    // Reject: its author (the token holder) is told, nobody else sees it.
    let (_, v) = s.comment("t", json!({"body": "spam"})).await;
    let spam = v["comment"]["id"].as_str().unwrap().to_owned();
    let spam_token = v["pending_token"].as_str().unwrap().to_owned();
    moderation::reject(s.store(), &spam).await.unwrap();
    let (_, _, v) = s
        .get(&format!("/api/v1/threads/t/comments?pending={spam_token}"))
        .await;
    assert_eq!(ids(&v), vec![spam.clone(), id.clone()]);
    assert_eq!(v["comments"][0]["status"], "rejected");
    assert_eq!(v["total"], 1, "a rejected comment never counts");
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(ids(&v), vec![id.clone()]);

    // Delete removes the comment and its replies.
    let (_, v) = s
        .comment("t", json!({"body": "trả lời", "parent_id": id}))
        .await;
    let reply = v["comment"]["id"].as_str().unwrap().to_owned();
    moderation::approve(s.store(), &reply).await.unwrap();
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(ids(&v), vec![id.clone(), reply.clone()]);
    assert_eq!(moderation::delete(s.store(), &id).await.unwrap(), 2);
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 0);
    assert!(moderation::approve(s.store(), &id).await.is_err());
    assert!(moderation::delete(s.store(), "nope").await.is_err());

    // The CLI entry point renders a listing.
    let out = moderation::run(
        s.store(),
        &ykien_server::config::ModerateAction::List {
            status: "rejected".into(),
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert!(out.contains(&spam), "{out}");
    s.stop().await;
}

async fn honeypot(b: Backend) {
    let s = server!(b);
    let (st, v) = s
        .comment(
            "t",
            json!({"body": "mua ngay", "website": "http://spam.example"}),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "spam_detected");
    let (st, _) = s.comment("t", json!({"body": "thật", "website": ""})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 1);
    s.stop().await;
}

async fn cors_preflight(b: Backend) {
    let s = server!(b, |a| a.allowed_origins =
        vec!["https://news.example".into()]);
    let preflight = |origin: &'static str| {
        s.client
            .request(Method::OPTIONS, s.url("/api/v1/threads/t/comments"))
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "content-type,idempotency-key",
            )
            .send()
    };
    let ok = preflight("https://news.example").await.unwrap();
    assert!(ok.status().is_success());
    assert_eq!(
        ok.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://news.example"
    );
    let allowed_headers = ok.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed_headers.contains("idempotency-key"));
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    // Simple GET from the allowed origin carries the header too.
    let res = s
        .client
        .get(s.url("/api/v1/counts?threads=t"))
        .header(header::ORIGIN, "https://news.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://news.example"
    );
    s.stop().await;

    // Default (no origins): no CORS headers at all.
    let s = server!(b);
    let res = s
        .client
        .get(s.url("/api/v1/counts?threads=t"))
        .header(header::ORIGIN, "https://news.example")
        .send()
        .await
        .unwrap();
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    s.stop().await;
}

async fn rate_limited(b: Backend) {
    let s = server!(b, |a| a.rate_limit_per_minute = 3);
    for i in 0..3 {
        let (st, _) = s.comment("t", json!({"body": format!("số {i}")})).await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let (st, h, v) = s
        .post_json("/api/v1/threads/t/comments", &json!({"body": "thêm"}))
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(&v), "rate_limited");
    let retry: u64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Reads are not limited.
    let (st, _, _) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(st, StatusCode::OK);
    s.stop().await;
}

async fn bad_json_and_content_type(b: Backend) {
    let s = server!(b);
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"body\": ")
        .send()
        .await
        .unwrap();
    let (st, h, v) = common::split(res).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "invalid_json");
    assert_eq!(h[header::CONTENT_TYPE], "application/json");
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"body\": 42}")
        .send()
        .await
        .unwrap();
    let (st, _, v) = common::split(res).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "invalid_json");

    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = s
            .client
            .post(s.url("/api/v1/threads/t/comments"))
            .body("{\"body\":\"x\"}");
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let (st, _, v) = common::split(req.send().await.unwrap()).await;
        assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        assert_eq!(error_code(&v), "unsupported_media_type");
    }
    // charset parameter is fine.
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body("{\"body\":\"x\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    s.stop().await;
}

async fn oversized_body(b: Backend) {
    let s = server!(b, |a| a.max_request_bytes = 4096);
    let big = json!({"body": "x".repeat(5000)});
    let (st, _, v) = s.post_json("/api/v1/threads/t/comments", &big).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&v), "payload_too_large");
    // Without Content-Length (chunked), the streaming limit applies.
    let raw = raw_http(
        &s.base,
        &format!(
            "POST /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{{\"body\":\"{}\"}}\r\n0\r\n\r\n",
            5000 + 11,
            "y".repeat(5000)
        ),
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(raw.contains("payload_too_large"), "{raw}");
    s.stop().await;
}

/// Sends raw bytes and returns the whole response (server closes).
async fn raw_http(base: &str, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

async fn unknown_routes_are_json(b: Backend) {
    let s = server!(b);
    for path in [
        "/api/v1/nope",
        "/api/v2/threads/t/comments",
        "/index.html",
        "/",
    ] {
        let (st, h, v) = s.get(path).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(&v), "not_found");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    let res = s
        .client
        .delete(s.url("/api/v1/threads/t/comments"))
        .send()
        .await
        .unwrap();
    let (st, h, v) = common::split(res).await;
    assert_eq!(st, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&v), "method_not_allowed");
    assert!(h.get(header::ALLOW).is_some());
    s.stop().await;
}

async fn counts_endpoint(b: Backend) {
    let s = server!(b);
    s.add("a", "X", "1", None).await;
    let root = s.add("a", "X", "2", None).await;
    s.add("a", "X", "3", Some(&root)).await;
    s.add("b", "X", "1", None).await;
    let (st, _, v) = s.get("/api/v1/counts?threads=a,b,c").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v, json!({"counts": {"a": 3, "b": 1, "c": 0}}));
    let (st, _, v) = s
        .post_json("/api/v1/counts", &json!({"threads": ["b", "zz"]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v, json!({"counts": {"b": 1, "zz": 0}}));
    let (_, _, v) = s.get("/api/v1/counts").await;
    assert_eq!(v, json!({"counts": {}}));
    let many: Vec<String> = (0..101).map(|i| format!("t{i}")).collect();
    let (st, _, v) = s
        .post_json("/api/v1/counts", &json!({"threads": many}))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "too_many_threads");
    let hundred: Vec<String> = (0..100).map(|i| format!("t{i}")).collect();
    let (st, _, v) = s
        .get(&format!("/api/v1/counts?threads={}", hundred.join(",")))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["counts"].as_object().unwrap().len(), 100);
    s.stop().await;
}

async fn article_endpoint(b: Backend) {
    let s = server!(b, |a| a.seed_demo = true);
    let (st, _, v) = s.get("/api/v1/articles/demo").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["id"], "demo");
    assert_eq!(v["thread"], "demo");
    assert_eq!(v["published_at"], "2024-01-18T10:30:00.000Z");
    let html = v["body_html"].as_str().unwrap();
    assert!(html.contains("<figcaption>") && html.contains("trường tiểu học"));
    assert!(v["title"].as_str().unwrap().contains("ven sông"));
    let (st, _, v) = s.get("/api/v1/articles/missing").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "not_found");

    // The seeded thread: ~40 threaded comments, all published.
    let (_, _, t) = s.get("/api/v1/threads/demo/comments?limit=100").await;
    assert_eq!(t["total"], 40);
    assert_eq!(t["comments"].as_array().unwrap().len(), 40);
    let replies = t["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["parent_id"].is_null())
        .count();
    assert!(replies > 10, "{replies}");
    s.stop().await;
}

async fn openapi_covers_routes(b: Backend) {
    let s = server!(b, |a| a.seed_demo = true);
    let (st, _, doc) = s.get("/api/v1/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
    let paths = doc["paths"].as_object().unwrap();
    let documented: Vec<(&str, &str)> = ykien_server::api::ROUTES
        .iter()
        .chain(ykien_server::admin::ROUTES)
        .copied()
        .collect();
    for (method, path) in &documented {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} missing from openapi.json"
        );
    }
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            assert!(
                documented.contains(&(method.as_str(), path.as_str())),
                "openapi.json documents {method} {path}, which is not in api::ROUTES or admin::ROUTES"
            );
        }
    }
    // Every listed API route is really served (not 404 / 405).
    let (_, created) = s
        .comment("demo", json!({"author": "An", "body": "để báo cáo"}))
        .await;
    let comment = created["comment"]["id"].as_str().unwrap().to_owned();
    let edit_token = created["edit_token"].as_str().unwrap().to_owned();
    let payload =
        json!({"body": "x", "threads": [], "reason": "spam", "device": "route-test-device-1"});
    for (method, path) in ykien_server::api::ROUTES {
        let path = path
            .replace("/comments/{id}", &format!("/comments/{comment}"))
            .replace("{thread}", "demo")
            .replace("{id}", "demo");
        let req = match *method {
            "get" => s.client.get(s.url(&path)),
            "post" => s.client.post(s.url(&path)).json(&payload),
            // The author's own routes (edit, delete) and unlike.
            "patch" => s.client.patch(s.url(&path)).json(&payload),
            "delete" => s.client.delete(s.url(&path)).json(&payload),
            m => panic!("unexpected method {m}"),
        }
        .bearer_auth(&edit_token);
        let st = req.send().await.unwrap().status();
        assert!(st.is_success(), "{method} {path} -> {st}");
    }
    // The desk's routes exist too (without a session: the sign-in form, 401
    // or 403, never 404 / 405).
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (method, path) in ykien_server::admin::ROUTES {
        let url = s.url(&path.replace("{file}", "admin.css"));
        let req = match *method {
            "get" => no_redirects.get(url),
            _ => no_redirects.post(url).form(&[("csrf", "x")]),
        };
        let st = req.send().await.unwrap().status();
        assert!(
            st != StatusCode::NOT_FOUND
                && st != StatusCode::METHOD_NOT_ALLOWED
                && !st.is_server_error(),
            "{method} {path} -> {st}"
        );
    }
    s.stop().await;
}

async fn static_files(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("index.html"), "<!doctype html><title>ykien</title>").unwrap();
    std::fs::write(p.join("ykien-1a2b3c4d.wasm"), vec![0u8; 2048]).unwrap();
    std::fs::write(p.join("ykien-1a2b3c4d.js"), "export {};\n".repeat(200)).unwrap();
    std::fs::write(p.join("ykien.js"), "export {};").unwrap();
    std::fs::write(p.join("style.css"), "body{margin:0}").unwrap();
    std::fs::write(p.join("data.json"), "{}").unwrap();
    std::fs::write(p.join("logo.svg"), "<svg/>").unwrap();
    std::fs::write(p.join("a.png"), b"\x89PNG").unwrap();
    std::fs::write(p.join("a.jpg"), b"\xff\xd8").unwrap();
    std::fs::write(p.join("a.webp"), b"RIFF").unwrap();
    let public = p.to_owned();
    let s = server!(b, move |a| a.public_dir = Some(public));

    let expect = [
        ("/", "text/html; charset=utf-8", "no-cache"),
        ("/index.html", "text/html; charset=utf-8", "no-cache"),
        (
            "/ykien-1a2b3c4d.wasm",
            "application/wasm",
            "public, max-age=31536000, immutable",
        ),
        (
            "/ykien-1a2b3c4d.js",
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        (
            "/ykien.js",
            "text/javascript; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "/style.css",
            "text/css; charset=utf-8",
            "public, max-age=300",
        ),
        ("/data.json", "application/json", "public, max-age=300"),
        ("/logo.svg", "image/svg+xml", "public, max-age=300"),
        ("/a.png", "image/png", "public, max-age=300"),
        ("/a.jpg", "image/jpeg", "public, max-age=300"),
        ("/a.webp", "image/webp", "public, max-age=300"),
    ];
    for (path, ctype, cache) in expect {
        let res = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let h = res.headers();
        assert_eq!(h[header::CONTENT_TYPE], ctype, "{path}");
        assert_eq!(h[header::CACHE_CONTROL], cache, "{path}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        let csp = h.get(header::CONTENT_SECURITY_POLICY);
        if ctype.starts_with("text/html") {
            assert_eq!(
                csp.unwrap(),
                HeaderValue::from_static(ykien_server::config::DEFAULT_CSP)
            );
        } else {
            assert!(csp.is_none(), "{path}");
        }
    }
    // Compression on request.
    for enc in ["gzip", "br"] {
        let res = s
            .client
            .get(s.url("/ykien-1a2b3c4d.js"))
            .header(header::ACCEPT_ENCODING, enc)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()[header::CONTENT_ENCODING], enc);
    }
    // Missing file: JSON 404, and the API still wins over static files.
    let (st, _, v) = s.get("/missing.js").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "not_found");
    let (st, _, _) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(st, StatusCode::OK);
    let (st, _, v) = s.get("/../../etc/passwd").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    s.stop().await;
}

async fn precompressed_and_cross_origin_static_files(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // The variants are not real compressions of the file: serving them byte
    // for byte proves they were picked, and that nothing compressed again.
    let wasm: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let wasm_br = b"BROTLI-VARIANT-OF-THE-WASM".repeat(20);
    let wasm_gz = b"GZIP-VARIANT-OF-THE-WASM".repeat(20);
    std::fs::write(p.join("index.html"), "<!doctype html><title>ykien</title>").unwrap();
    std::fs::write(p.join("ykien.js"), "var ykien = {};\n".repeat(100)).unwrap();
    std::fs::write(p.join("ykien-1a2b3c4d.wasm"), &wasm).unwrap();
    std::fs::write(p.join("ykien-1a2b3c4d.wasm.br"), &wasm_br).unwrap();
    std::fs::write(p.join("ykien-1a2b3c4d.wasm.gz"), &wasm_gz).unwrap();
    std::fs::write(p.join("manifest.json"), "{\"files\": []}").unwrap();
    let public = p.to_owned();
    let s = server!(b, move |a| a.public_dir = Some(public));

    let get = |path: &'static str, enc: Option<&'static str>| {
        let mut req = s
            .client
            .get(s.url(path))
            .header(header::ORIGIN, "https://news.example");
        if let Some(enc) = enc {
            req = req.header(header::ACCEPT_ENCODING, enc);
        }
        req.send()
    };
    let cases: [(Option<&str>, Option<&str>, &[u8]); 6] = [
        (Some("br"), Some("br"), &wasm_br),
        (Some("gzip"), Some("gzip"), &wasm_gz),
        (Some("gzip, deflate, br"), Some("br"), &wasm_br),
        (Some("br;q=0.5, gzip"), Some("gzip"), &wasm_gz),
        (Some("identity"), None, &wasm),
        (None, None, &wasm),
    ];
    for (accept, encoding, expected) in cases {
        let res = get("/ykien-1a2b3c4d.wasm", accept).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accept:?}");
        let h = res.headers().clone();
        assert_eq!(
            h.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(h[header::CONTENT_TYPE], "application/wasm", "{accept:?}");
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(h[header::VARY], "Accept-Encoding", "{accept:?}");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{accept:?}");
        assert_eq!(h["timing-allow-origin"], "*", "{accept:?}");
        assert!(h.get(header::CONTENT_SECURITY_POLICY).is_none());
        let body = res.bytes().await.unwrap();
        assert!(body[..] == expected[..], "{accept:?}: wrong bytes");
        if let Some(len) = h.get(header::CONTENT_LENGTH) {
            assert_eq!(len.to_str().unwrap(), expected.len().to_string());
        }
    }

    // HEAD and revalidation carry the same headers (a 304 must too, or a
    // cross-origin revalidation fails).
    let res = s
        .client
        .head(s.url("/ykien-1a2b3c4d.wasm"))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let last_modified = res.headers()[header::LAST_MODIFIED].clone();
    let res = s
        .client
        .get(s.url("/ykien-1a2b3c4d.wasm"))
        .header(header::IF_MODIFIED_SINCE, last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");

    // A file without variants is still compressed on the fly, and shared too.
    for (path, ctype, cache) in [
        (
            "/ykien.js",
            "text/javascript; charset=utf-8",
            "public, max-age=300",
        ),
        ("/manifest.json", "application/json", "public, max-age=300"),
    ] {
        let res = get(path, Some("gzip")).await.unwrap();
        let h = res.headers();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(h[header::CONTENT_TYPE], ctype, "{path}");
        assert_eq!(h[header::CACHE_CONTROL], cache, "{path}");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{path}");
        assert_eq!(h["timing-allow-origin"], "*", "{path}");
        assert_eq!(h[header::VARY], "Accept-Encoding", "{path}");
    }
    let res = get("/ykien.js", Some("gzip")).await.unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");

    // HTML: the CSP, and no CORS or timing headers.
    for path in ["/", "/index.html"] {
        let res = get(path, Some("gzip")).await.unwrap();
        let h = res.headers();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(
            h[header::CONTENT_SECURITY_POLICY],
            HeaderValue::from_static(ykien_server::config::DEFAULT_CSP)
        );
        assert!(
            h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
            "{path}"
        );
        assert!(h.get("timing-allow-origin").is_none(), "{path}");
    }

    // Preflights: answered for the widget's files, not for pages.
    let preflight = |path: &'static str| {
        s.client
            .request(Method::OPTIONS, s.url(path))
            .header(header::ORIGIN, "https://news.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "range,x-trace")
            .send()
    };
    for path in ["/ykien-1a2b3c4d.wasm", "/ykien.js", "/manifest.json"] {
        let res = preflight(path).await.unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
        let h = res.headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        let methods = h[header::ACCESS_CONTROL_ALLOW_METHODS].to_str().unwrap();
        assert!(
            methods.contains("GET") && methods.contains("HEAD"),
            "{methods}"
        );
        assert!(!methods.contains("POST"), "{methods}");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_HEADERS], "range,x-trace");
        assert!(h.contains_key(header::ACCESS_CONTROL_MAX_AGE));
    }
    let res = preflight("/index.html").await.unwrap();
    assert!(!res.status().is_success(), "{}", res.status());
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    // Writes are still refused.
    let res = s
        .client
        .post(s.url("/ykien.js"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    s.stop().await;
}

async fn durability_configured(b: Backend) {
    let s = server!(b);
    if b == Backend::Sqlite {
        let store = s.store();
        assert_eq!(store.sqlite_pragma("journal_mode").await.unwrap(), "wal");
        // 2 = FULL: every commit is fsynced before the response.
        assert_eq!(store.sqlite_pragma("synchronous").await.unwrap(), "2");
    }
    // A 201 is visible to a brand new process-level connection right away.
    let id = s.add("t", "A", "bền", None).await;
    let other = ykien_server::Store::connect(&s.db_url, 1).await.unwrap();
    assert!(other.comment(&id).await.unwrap().is_some());
    other.close().await;
    s.stop().await;
}

async fn cache_sees_other_process_writes(b: Backend) {
    let s = server!(b);
    let first = s.add("t", "A", "một", None).await;
    let (_, _, v1) = s.get("/api/v1/threads/t/comments").await;
    let (_, _, v2) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v1, v2, "served from the page cache");
    assert_eq!(v1["total"], 1);

    // Another process (here: another Store on the same database) writes.
    let other = ykien_server::Store::connect(&s.db_url, 1).await.unwrap();
    other
        .insert_comment(&ykien_server::db::NewComment {
            id: "from-other-process",
            thread: "t",
            parent_id: None,
            root_id: "from-other-process",
            author: "B",
            body: "hai",
            created_at: ykien_server::api::now_ms() + 10,
            status: ykien_server::db::Status::Published,
            pending_token: None,
            idempotency_key: None,
        })
        .await
        .unwrap();
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(
        ids(&v),
        vec!["from-other-process".to_owned(), first.clone()]
    );
    assert_eq!(v["total"], 2);

    // The moderation CLI (another process too) invalidates as well.
    ykien_server::moderation::reject(&other, "from-other-process")
        .await
        .unwrap();
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(ids(&v), vec![first.clone()]);
    ykien_server::moderation::delete(&other, &first)
        .await
        .unwrap();
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 0);
    other.close().await;
    s.stop().await;
}
