//! Hostile input: SQL injection strings, oversized and deeply nested bodies,
//! invalid UTF-8, wrong content types, header floods and slow (slowloris)
//! clients. Every case must end in a 4xx (or be stored verbatim), never a 500
//! or a hang, and the server must keep serving normal requests afterwards.

mod common;

use std::io::Write as _;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{error_code, Backend, TestServer};
use reqwest::header;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

const INJECTIONS: &[&str] = &[
    "' OR '1'='1",
    "'; DROP TABLE comments; --",
    "\"; DROP TABLE comments; --",
    "1; DELETE FROM comments WHERE 1=1",
    "x' UNION SELECT id, thread, body, author FROM comments --",
    "') ON CONFLICT DO NOTHING; --",
    "$1 $2 ?1 ? :name @p",
    "%' AND SLEEP(5) AND '%'='",
    "\\'; SELECT pg_sleep(5); --",
    "Robert'); DROP TABLE thread_versions;--",
];

/// Percent-encodes everything but unreserved characters, for a path segment.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A normal read and a normal write still work, and the stored data is intact.
async fn assert_serves(s: &TestServer) {
    let (st, _, v) = s.get("/api/v1/threads/healthy/comments").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let before = v["total"].as_i64().unwrap();
    let (st, v) = s
        .comment("healthy", json!({"author": "An", "body": "vẫn chạy"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, _, v) = s.get("/api/v1/threads/healthy/comments").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["total"].as_i64().unwrap(), before + 1);
}

fn assert_4xx(st: StatusCode, what: &str, v: &Value) {
    assert!(st.is_client_error(), "{what}: {st} {v}");
    assert!(
        v["error"]["code"].is_string(),
        "{what}: error body is JSON: {v}"
    );
}

/// Raw bytes on a fresh connection; returns everything the server sends
/// until it closes (or 5 s pass).
async fn raw(s: &TestServer, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(s.base.trim_start_matches("http://"))
        .await
        .unwrap();
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn status_of(raw: &str) -> u16 {
    raw.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {raw:?}"))
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sql_injection_is_stored_verbatim_or_rejected() {
        super::sql_injection(super::Backend::Sqlite).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sql_injection_is_stored_verbatim_or_rejected() {
        super::sql_injection(super::Backend::Postgres).await
    }
}

async fn sql_injection(b: Backend) {
    let s = server!(b);
    let mut posted = 0;
    // In thread ids, bodies, authors and idempotency keys: stored as data.
    for (i, inj) in INJECTIONS.iter().enumerate() {
        let thread = enc(inj);
        let path = format!("/api/v1/threads/{thread}/comments");
        let post = || {
            s.client
                .post(s.url(&path))
                .header("Idempotency-Key", *inj)
                .json(&json!({"author": inj, "body": inj}))
                .send()
        };
        let (st, _, v) = common::split(post().await.unwrap()).await;
        if inj.contains(',') {
            // Commas separate thread ids in queries, so they are not allowed.
            assert_eq!(st, StatusCode::BAD_REQUEST, "{inj}: {v}");
            assert_eq!(error_code(&v), "invalid_thread");
        } else {
            assert_eq!(st, StatusCode::CREATED, "{inj}: {v}");
            assert_eq!(v["comment"]["body"], *inj);
            assert_eq!(v["comment"]["author"], *inj);
            assert_eq!(v["comment"]["thread"], *inj);
            let id = v["comment"]["id"].as_str().unwrap().to_owned();
            // The same key replays the same comment (the key reached the
            // UNIQUE constraint as a value).
            let (st, _, v) = common::split(post().await.unwrap()).await;
            assert_eq!(st, StatusCode::CREATED, "{inj}: {v}");
            assert_eq!(v["comment"]["id"], id.as_str());
            let (st, _, v) = s.get(&path).await;
            assert_eq!(st, StatusCode::OK, "{inj}: {v}");
            assert_eq!(v["total"], 1, "{inj}: {v}");
            assert_eq!(v["comments"][0]["body"], *inj);
        }

        // Everything in the shared thread `t` too.
        let (st, v) = s
            .comment("t", json!({"author": inj, "body": format!("{i}: {inj}")}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{inj}: {v}");
        posted += 1;

        // As a parent id: not found, nothing stored.
        let (st, v) = s.comment("t", json!({"body": "x", "parent_id": inj})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{inj}: {v}");
        assert_eq!(error_code(&v), "parent_not_found");

        // In query parameters.
        let q = enc(inj);
        let (st, _, v) = s
            .get(&format!("/api/v1/threads/t/comments?limit={q}"))
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{inj}: {v}");
        assert_eq!(error_code(&v), "invalid_limit");
        let (st, _, v) = s
            .get(&format!("/api/v1/threads/t/comments?cursor={q}"))
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{inj}: {v}");
        assert_eq!(error_code(&v), "invalid_cursor");
        // A well-formed cursor carrying the string as its id: just a position.
        let cursor = URL_SAFE_NO_PAD.encode(format!("99999999999999:{inj}"));
        let (st, _, v) = s
            .get(&format!("/api/v1/threads/t/comments?cursor={cursor}"))
            .await;
        assert_eq!(st, StatusCode::OK, "{inj}: {v}");
        assert_eq!(v["total"], posted);
        // As pending tokens: match nothing.
        let (st, _, v) = s
            .get(&format!("/api/v1/threads/t/comments?pending={q}"))
            .await;
        assert_eq!(st, StatusCode::OK, "{inj}: {v}");
        assert_eq!(v["total"], posted);
        assert_eq!(v["comments"].as_array().unwrap().len(), posted as usize);
        // Counts and articles.
        let (st, _, v) = s.get(&format!("/api/v1/counts?threads={q}")).await;
        assert_eq!(st, StatusCode::OK, "{inj}: {v}");
        if !inj.contains(',') {
            assert_eq!(v["counts"][*inj], 1, "{inj}: {v}");
        }
        let (st, _, v) = s
            .post_json("/api/v1/counts", &json!({"threads": [inj, "t"]}))
            .await;
        assert!(st == StatusCode::OK || st.is_client_error(), "{inj}: {st}");
        if st == StatusCode::OK {
            assert_eq!(v["counts"]["t"], posted);
        }
        let (st, _, v) = s.get(&format!("/api/v1/articles/{q}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{inj}: {v}");
    }

    // The database is intact: every comment is there, verbatim, in order.
    let (st, _, v) = s.get("/api/v1/threads/t/comments?limit=100").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["total"], INJECTIONS.len());
    let bodies: Vec<&str> = v["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    for (i, inj) in INJECTIONS.iter().enumerate() {
        assert!(bodies.contains(&format!("{i}: {inj}").as_str()), "{inj}");
    }
    if b == Backend::Sqlite {
        assert_eq!(
            s.store().sqlite_pragma("integrity_check").await.unwrap(),
            "ok"
        );
    }
    assert_serves(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_413() {
    // Default --max-request-bytes (16 KiB).
    let s = server!(Backend::Sqlite);
    let limit = ykien_server::ServeArgs::defaults().max_request_bytes;
    let just_over = format!("{{\"body\":\"{}\"}}", "a".repeat(limit));
    assert!(just_over.len() > limit);
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(just_over)
        .send()
        .await
        .unwrap();
    let (st, _, v) = common::split(res).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(error_code(&v), "payload_too_large");

    // A declared 100 MB body is refused from its headers, without reading it.
    let t = Instant::now();
    let out = raw(
        &s,
        b"POST /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 100000000\r\n\r\n{\"body\":\"",
    )
    .await;
    assert_eq!(status_of(&out), 413, "{out}");
    assert!(out.contains("payload_too_large"), "{out}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

    // Chunked, no length declared: 1 MB streamed is cut off at the limit.
    let chunk = "b".repeat(64 * 1024);
    let mut req = String::from(
        "POST /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    );
    req.push_str("9\r\n{\"body\":\"\r\n");
    for _ in 0..16 {
        req.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    req.push_str("2\r\n\"}\r\n0\r\n\r\n");
    let out = raw(&s, req.as_bytes()).await;
    assert_eq!(status_of(&out), 413, "{out}");

    // Counts take the same limit.
    let threads: Vec<String> = (0..5000).map(|i| format!("thread-{i}")).collect();
    let (st, _, v) = s
        .post_json("/api/v1/counts", &json!({ "threads": threads }))
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{v}");

    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 0, "nothing stored");
    assert_serves(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_json_is_4xx_fast() {
    // A limit big enough for the nesting to reach the parser.
    let s = server!(Backend::Sqlite, |a| a.max_request_bytes = 1 << 20);
    let depth = 100_000;
    let cases = [
        "[".repeat(depth),
        format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        format!("{{\"body\":{}", "[".repeat(depth)),
        // Well-formed: serde_json skips the unknown field without recursing,
        // so this one fails only for its missing `body` (422).
        format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
        format!("{{\"body\":\"x\",\"extra\":{}}}", "[".repeat(depth)),
    ];
    for (i, body) in cases.iter().enumerate() {
        for path in ["/api/v1/threads/t/comments", "/api/v1/counts"] {
            let t = Instant::now();
            let res = s
                .client
                .post(s.url(path))
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let (st, _, v) = common::split(res).await;
            assert_4xx(st, &format!("case {i} {path}"), &v);
            if i != 3 {
                assert_eq!(error_code(&v), "invalid_json", "case {i} {path}");
            }
            assert!(
                t.elapsed() < Duration::from_secs(1),
                "case {i} {path}: {:?}",
                t.elapsed()
            );
        }
    }
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 0, "nothing stored");
    assert_serves(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_is_4xx() {
    let s = server!(Backend::Sqlite);
    for body in [
        &b"{\"body\":\"\xff\xfe\"}"[..],
        b"{\"body\":\"ok\",\"author\":\"\xc3\x28\"}",
        b"{\"body\":\"\xed\xa0\x80\"}", // a UTF-16 surrogate in UTF-8
        b"\xef\xbb\xbf\xff{\"body\":\"x\"}",
    ] {
        let res = s
            .client
            .post(s.url("/api/v1/threads/t/comments"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let (st, _, v) = common::split(res).await;
        assert!(
            st == StatusCode::BAD_REQUEST || st == StatusCode::UNPROCESSABLE_ENTITY,
            "{body:?}: {st} {v}"
        );
        assert_eq!(error_code(&v), "invalid_json");
    }
    // Lone surrogates as JSON escapes.
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"body":"\ud800"}"#)
        .send()
        .await
        .unwrap();
    let (st, _, v) = common::split(res).await;
    assert_4xx(st, "lone surrogate escape", &v);

    // Invalid UTF-8 in the path, the query and a header.
    for path in [
        "/api/v1/threads/%FF%FE/comments",
        "/api/v1/threads/t/comments?cursor=%FF",
        "/api/v1/threads/t/comments?pending=%C3%28",
        "/api/v1/counts?threads=%FF",
        "/api/v1/articles/%FF",
    ] {
        let (st, _, v) = s.get(path).await;
        assert!(st.is_client_error() || st == StatusCode::OK, "{path}: {st}");
        assert!(!st.is_server_error(), "{path}: {st} {v}");
        if st.is_client_error() {
            assert!(v["error"]["code"].is_string(), "{path}: {v}");
        }
    }
    let out = raw(
        &s,
        b"POST /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Idempotency-Key: \xff\xfe\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"body\":\"x\"}",
    )
    .await;
    let st = status_of(&out);
    assert!((400..500).contains(&st), "{out}");
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 0, "nothing stored");
    assert_serves(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_content_types_are_415() {
    let s = server!(Backend::Sqlite);
    let long = format!("application/{}", "x".repeat(4000));
    for ct in [
        "text/json",
        "application/jsonx",
        "application/json-patch+json",
        "application/javascript",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "text/html",
        "",
        long.as_str(),
    ] {
        for path in ["/api/v1/threads/t/comments", "/api/v1/counts"] {
            let res = s
                .client
                .post(s.url(path))
                .header(header::CONTENT_TYPE, ct)
                .body(r#"{"body":"x","threads":["t"]}"#)
                .send()
                .await
                .unwrap();
            let (st, _, v) = common::split(res).await;
            assert_eq!(
                st,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{ct:.40} {path}: {v}"
            );
            assert_eq!(error_code(&v), "unsupported_media_type");
        }
    }
    // Parameters and case do not matter for the real thing.
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header(header::CONTENT_TYPE, "Application/JSON; charset=utf-8")
        .body(r#"{"body":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 1);
    assert_serves(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_floods_are_rejected() {
    let s = server!(Backend::Sqlite);
    // Hundreds of headers.
    let mut req = String::from("GET /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\n");
    for i in 0..500 {
        req.push_str(&format!("X-Flood-{i}: {}\r\n", "v".repeat(20)));
    }
    req.push_str("Connection: close\r\n\r\n");
    let out = raw(&s, req.as_bytes()).await;
    assert_eq!(status_of(&out), 431, "{out:.200}");

    // One 1 MB header.
    let req = format!(
        "GET /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        "c".repeat(1 << 20)
    );
    let t = Instant::now();
    let out = raw(&s, req.as_bytes()).await;
    assert_eq!(status_of(&out), 431, "{out:.200}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

    // A 1 MB request line.
    let req = format!(
        "GET /api/v1/threads/t/comments?pending={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "p".repeat(1 << 20)
    );
    let out = raw(&s, req.as_bytes()).await;
    let st = status_of(&out);
    assert!((400..500).contains(&st), "{out:.200}");

    // Many at once, in parallel with normal traffic.
    let mut floods = Vec::new();
    for _ in 0..20 {
        let base = s.base.clone();
        let mut req = String::from("GET /api/v1/counts?threads=t HTTP/1.1\r\nHost: x\r\n");
        for i in 0..300 {
            req.push_str(&format!("X-F{i}: {}\r\n", "w".repeat(200)));
        }
        req.push_str("Connection: close\r\n\r\n");
        floods.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(base.trim_start_matches("http://"))
                .await
                .unwrap();
            let _ = stream.write_all(req.as_bytes()).await;
            let mut out = Vec::new();
            let _ =
                tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
            String::from_utf8_lossy(&out).into_owned()
        }));
    }
    assert_serves(&s).await;
    for f in floods {
        let out = f.await.unwrap();
        assert_eq!(status_of(&out), 431, "{out:.200}");
    }
    // Fewer headers than hyper's limit (100) are fine.
    let mut req = s.client.get(s.url("/api/v1/threads/t/comments"));
    for i in 0..80 {
        req = req.header(format!("x-many-{i}"), "v".repeat(100));
    }
    assert_eq!(req.send().await.unwrap().status(), StatusCode::OK);
    assert_serves(&s).await;
    s.stop().await;
}

/// Reads until the server closes the connection; returns what it sent.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_do_not_block_others_and_are_cut_off() {
    const SLOW: usize = 50;
    let header_timeout = Duration::from_secs(2);
    let s = server!(Backend::Sqlite, |a| {
        a.header_read_timeout_secs = header_timeout.as_secs();
        a.request_timeout_secs = 2;
    });
    let addr = s.base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let (opened_tx, mut opened_rx) = tokio::sync::mpsc::channel::<()>(SLOW);

    // Slowloris: each connection sends a partial request and then one header
    // byte every 100 ms, never finishing its headers. Returns how long the
    // server let it live.
    let mut slow = Vec::new();
    for i in 0..SLOW {
        let addr = addr.clone();
        let opened = opened_tx.clone();
        slow.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let t = Instant::now();
            let kind = i % 3;
            let head = match kind {
                // Headers dribbled forever.
                0 => "GET /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\nX-Slow: ".to_owned(),
                // Connects and says nothing.
                1 => String::new(),
                // Headers complete, body dribbled.
                _ => "POST /api/v1/threads/t/comments HTTP/1.1\r\nHost: x\r\n\
                      Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"body\":\""
                    .to_owned(),
            };
            stream.write_all(head.as_bytes()).await.unwrap();
            opened.send(()).await.unwrap();
            let (mut rd, mut wr) = stream.into_split();
            let dribble = async {
                loop {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if kind != 1 && wr.write_all(b"a").await.is_err() {
                        // Server closed: wait for the read side to notice.
                        std::future::pending::<()>().await;
                    }
                }
            };
            let mut out = Vec::new();
            let mut buf = [0u8; 1024];
            let read = async {
                loop {
                    match rd.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => out.extend_from_slice(&buf[..n]),
                    }
                }
            };
            let res = tokio::time::timeout(Duration::from_secs(15), async {
                tokio::select! {
                    _ = read => {},
                    _ = dribble => {},
                }
            })
            .await;
            assert!(
                res.is_ok(),
                "slow connection {i} (kind {kind}) never cut off"
            );
            (
                kind,
                t.elapsed(),
                String::from_utf8_lossy(&out).into_owned(),
            )
        }));
    }
    drop(opened_tx);
    for _ in 0..SLOW {
        opened_rx.recv().await.expect("slow connection opened");
    }

    // With all 50 open and dribbling, normal clients are served at once.
    let fresh = reqwest::Client::new();
    let mut slowest_get = Duration::ZERO;
    for _ in 0..5 {
        let t = Instant::now();
        let res = fresh
            .get(s.url("/api/v1/threads/t/comments"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let took = t.elapsed();
        assert!(took < Duration::from_secs(1), "normal GET took {took:?}");
        slowest_get = slowest_get.max(took);
    }
    assert!(
        started.elapsed() < header_timeout,
        "the check ran while the slow connections were open"
    );
    assert_serves(&s).await;

    let mut lifetimes = Vec::new();
    for h in slow {
        let (kind, lived, out) = h.await.unwrap();
        lifetimes.push(lived);
        // Cut off by the header read timeout (kinds 0, 1) or answered 408 by
        // the request timeout (kind 2), not held open indefinitely.
        assert!(
            lived >= header_timeout - Duration::from_millis(200),
            "kind {kind} closed early after {lived:?}: {out}"
        );
        assert!(
            lived < header_timeout + Duration::from_secs(3),
            "kind {kind} lived {lived:?}"
        );
        if kind == 2 {
            assert!(out.starts_with("HTTP/1.1 408"), "{out}");
            assert!(out.contains("request_timeout"), "{out}");
        } else {
            assert!(!out.starts_with("HTTP/1.1 2"), "kind {kind}: {out}");
        }
    }
    lifetimes.sort();
    let _ = writeln!(
        std::io::stderr(),
        "slowloris: {SLOW} slow connections open, slowest normal GET {:.1} ms; \
         slow connections cut off after {:.2}-{:.2} s (header/request timeout {} s)",
        slowest_get.as_secs_f64() * 1000.0,
        lifetimes[0].as_secs_f64(),
        lifetimes[SLOW - 1].as_secs_f64(),
        header_timeout.as_secs()
    );
    // An idle keep-alive connection is closed after the same timeout.
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    stream
        .write_all(b"GET /api/v1/counts?threads=t HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let t = Instant::now();
    let out = tokio::time::timeout(Duration::from_secs(10), read_until_closed(&mut stream))
        .await
        .expect("idle keep-alive connection closed");
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"));
    assert!(t.elapsed() >= header_timeout - Duration::from_millis(200));
    assert_serves(&s).await;
    s.stop().await;
}
