//! The moderation desk and its layers over HTTP: moderation modes, the ban list
//! and blocklist with Vietnamese folding, reports, the desk's sign-in, sessions,
//! CSRF and failed sign-in limits, actions and the readers' view of them, trash
//! purging, and the alerts (a signed webhook with retries; email through a real
//! SMTP sink, Python's aiosmtpd, installed under target/ on first use). Every
//! scenario runs on SQLite and, with YKIEN_TEST_DATABASE_URL, on PostgreSQL.

#[macro_use]
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{error_code, Backend, TestServer};
use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use ykien_server::db::Action;

suite!(
    mode_first_trusts_a_network_after_one_approval,
    mode_links_holds_comments_with_many_links,
    blocklist_file_folds_vietnamese,
    bans_refuse_with_localized_errors,
    reports_one_per_device_and_auto_hide,
    report_errors_and_rate_limit,
    token_holder_sees_rejected_and_deleted,
    actions_invalidate_cached_pages,
    no_raw_ip_is_stored,
    trash_is_purged_after_its_days,
    desk_sign_in_session_and_csrf,
    desk_failed_sign_ins_are_limited,
    desk_queue_views_counts_and_search,
    webhook_signed_and_retried,
    email_alerts_reach_an_smtp_sink,
);

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

const PASSWORD: &str = "mật khẩu đủ dài";

async fn post(s: &TestServer, thread: &str, body: Value) -> (StatusCode, Value) {
    s.comment(thread, body).await
}

fn statuses(v: &Value) -> Vec<(String, String)> {
    v["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["body"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn moderate(s: &TestServer, id: &str, action: Action) {
    let changed = s
        .store()
        .moderate(
            &[id.to_owned()],
            action,
            "test",
            ykien_server::api::now_ms(),
        )
        .await
        .unwrap();
    assert_eq!(changed.len(), 1, "{action:?} {id}");
}

async fn mode_first_trusts_a_network_after_one_approval(b: Backend) {
    let s = server!(b, |a| a.moderation =
        ykien_server::spam::ModerationMode::First);
    let (st, v) = post(&s, "t", json!({"body": "lần đầu"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let id = v["comment"]["id"].as_str().unwrap().to_owned();
    let stored = s.store().comment(&id).await.unwrap().unwrap();
    assert_eq!(stored.held_reason.as_deref(), Some("first"));
    let (st, _) = post(&s, "t", json!({"body": "lần hai, vẫn chờ"})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "no approval yet: still held");
    moderate(&s, &id, Action::Approve).await;
    let (st, v) = post(&s, "t", json!({"body": "đã tin cậy"})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    s.stop().await;
}

async fn mode_links_holds_comments_with_many_links(b: Backend) {
    let s = server!(b, |a| {
        a.moderation = ykien_server::spam::ModerationMode::Links;
        a.moderation_max_links = 1;
    });
    let (st, _) = post(&s, "t", json!({"body": "Nguồn: https://vnexpress.net/a"})).await;
    assert_eq!(st, StatusCode::CREATED, "one link is allowed");
    let (st, _) = post(&s, "t", json!({"body": "TP.HCM, Q.1, v.v. giá 3.5 triệu"})).await;
    assert_eq!(st, StatusCode::CREATED, "abbreviations are not links");
    let (st, v) = post(
        &s,
        "t",
        json!({"body": "mua ngay shop.vn/sale và www.rẻ.com hoặc https://x.co"}),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let id = v["comment"]["id"].as_str().unwrap();
    let c = s.store().comment(id).await.unwrap().unwrap();
    assert_eq!(c.held_reason.as_deref(), Some("links:3"));
    s.stop().await;
}

async fn blocklist_file_folds_vietnamese(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("blocklist.txt");
    std::fs::write(&file, "# từ cấm\nlừa đảo\nrefuse: cá độ bóng đá\n").unwrap();
    let path = file.clone();
    let s = server!(b, move |a| a.blocklist_file = Some(path));
    for body in [
        "Đây là lừa đảo",
        "day la LUA DAO!!!",
        "Lừa  đảo.",
        "lu\u{0300}a đa\u{0309}o (decomposed)",
    ] {
        let (st, v) = post(&s, "t", json!({"body": body})).await;
        assert_eq!(st, StatusCode::ACCEPTED, "{body}: held");
        let c = s
            .store()
            .comment(v["comment"]["id"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.held_reason.as_deref(), Some("word:lừa đảo"), "{body}");
    }
    let (st, _) = post(&s, "t", json!({"body": "đảo Lý Sơn đẹp lắm"})).await;
    assert_eq!(
        st,
        StatusCode::CREATED,
        "a single syllable of the phrase is not a match"
    );
    let (st, v) = post(&s, "t", json!({"body": "Ca do bong da tai day"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&v), "blocked_content");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("không được phép"),
        "{v}"
    );
    s.stop().await;
}

async fn bans_refuse_with_localized_errors(b: Backend) {
    use ykien_server::db::BanRule;
    use ykien_server::spam::{name_key, BanKind, RuleAction};
    let s = server!(b);
    let (_, v) = post(&s, "t", json!({"author": "Kẻ Phá Rối", "body": "xin chào"})).await;
    let id = v["comment"]["id"].as_str().unwrap();
    let c = s.store().comment(id).await.unwrap().unwrap();
    let rule = |kind, value: &str, folded: String| BanRule {
        id: String::new(),
        kind,
        value: value.into(),
        folded,
        action: RuleAction::Refuse,
        created_at: 1,
        created_by: "test".into(),
    };
    assert!(s
        .store()
        .add_ban(
            &rule(BanKind::Name, "Kẻ Phá Rối", name_key("Kẻ Phá Rối")),
            None
        )
        .await
        .unwrap());
    let (st, v) = post(&s, "t", json!({"author": "kẻ phá rối", "body": "lại đây"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&v), "banned");
    assert_eq!(
        v["error"]["message"],
        "Bạn không thể bình luận trên trang này."
    );
    let (st, _) = post(
        &s,
        "t",
        json!({"author": "Kẻ Phá Rối Nhỏ", "body": "khác tên"}),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::CREATED,
        "names match exactly, not as substrings"
    );

    let hint = c.ip_hint.clone().unwrap();
    assert!(s
        .store()
        .add_ban(
            &rule(BanKind::Network, &hint, hint.clone()),
            Some((id, "t"))
        )
        .await
        .unwrap());
    let res = s
        .client
        .post(s.url("/api/v1/threads/t/comments"))
        .header("accept-language", "en-GB,en;q=0.9,vi;q=0.5")
        .json(&json!({"body": "anyone"}))
        .send()
        .await
        .unwrap();
    let (st, _, v) = common::split(res).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(v["error"]["message"], "You cannot comment on this site.");
    // The honeypot and the rate limit speak the reader's language too.
    s.store()
        .remove_ban(&s.store().bans().await.unwrap()[0].id, "t", 2)
        .await
        .unwrap();
    let (st, v) = post(&s, "t", json!({"body": "x", "website": "http://spam"})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("tự động"),
        "{v}"
    );
    s.stop().await;
}

async fn report(s: &TestServer, thread: &str, id: &str, body: Value) -> (StatusCode, Value) {
    let (st, _, v) = s
        .post_json(
            &format!("/api/v1/threads/{thread}/comments/{id}/reports"),
            &body,
        )
        .await;
    (st, v)
}

async fn reports_one_per_device_and_auto_hide(b: Backend) {
    let s = server!(b, |a| a.report_hide_threshold = 3);
    let id = s.add("t", "An", "bị báo cáo", None).await;
    let (st, v) = report(&s, "t", &id, json!({"reason": "spam", "device": "may-1"})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["report"]["repeat"], false);
    let (st, v) = report(
        &s,
        "t",
        &id,
        json!({"reason": "offensive", "device": "may-1"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "the same device again: idempotent");
    assert_eq!(v["report"]["repeat"], true);
    let c = s.store().comment(&id).await.unwrap().unwrap();
    assert_eq!((c.open_reports, c.report_count), (1, 1));
    let (_, _, list) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(list["total"], 1, "still visible below the threshold");

    // Without a device token, the network stands for the device.
    let (st, _) = report(&s, "t", &id, json!({"reason": "off_topic"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = report(&s, "t", &id, json!({"reason": "off_topic"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = report(
        &s,
        "t",
        &id,
        json!({"reason": "other", "text": "Nói sai sự thật về tôi", "device": "may-2"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);

    let (_, _, list) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(list["total"], 0, "hidden at 3 open reports");
    let c = s.store().comment(&id).await.unwrap().unwrap();
    assert_eq!(c.status, ykien_server::db::Status::Pending);
    assert_eq!(c.held_reason.as_deref(), Some("reports:3"));
    let rows = s
        .store()
        .reports_for(std::slice::from_ref(&id))
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>(),
        ["spam", "off_topic", "other"]
    );
    assert_eq!(rows[2].detail.as_deref(), Some("Nói sai sự thật về tôi"));
    let (st, v) = report(&s, "t", &id, json!({"reason": "spam", "device": "may-3"})).await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "hidden: no longer reportable {v}"
    );
    // An editor keeps it: published again, reports dismissed.
    moderate(&s, &id, Action::Approve).await;
    let (_, _, list) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(list["total"], 1);
    assert_eq!(
        s.store().comment(&id).await.unwrap().unwrap().open_reports,
        0
    );

    let (st, _, reasons) = s.get("/api/v1/report-reasons").await;
    assert_eq!(st, StatusCode::OK);
    let codes: Vec<&str> = reasons["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "spam",
            "offensive",
            "off_topic",
            "false_information",
            "other"
        ]
    );
    assert_eq!(reasons["reasons"][4]["text"], "required");
    assert_eq!(reasons["reasons"][0]["label"]["vi"], "Spam, quảng cáo");
    s.stop().await;
}

async fn report_errors_and_rate_limit(b: Backend) {
    let s = server!(b, |a| {
        a.premoderation = false;
        // Every report request counts, refused ones too (no free probing).
        a.report_rate_limit_per_minute = 6;
    });
    let id = s.add("t", "An", "x", None).await;
    let (st, v) = report(&s, "t", "nope", json!({"reason": "spam"})).await;
    assert_eq!(
        (st, error_code(&v)),
        (StatusCode::NOT_FOUND, "comment_not_found")
    );
    let (st, v) = report(&s, "other-thread", &id, json!({"reason": "spam"})).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, v) = report(&s, "t", &id, json!({"reason": "boring"})).await;
    assert_eq!(
        (st, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_reason")
    );
    let (st, v) = report(&s, "t", &id, json!({"reason": "other", "text": "  "})).await;
    assert_eq!(error_code(&v), "text_required", "{st}");
    let (_, v) = report(
        &s,
        "t",
        &id,
        json!({"reason": "other", "text": "ý".repeat(301)}),
    )
    .await;
    assert_eq!(error_code(&v), "text_too_long");
    let (st, _) = report(&s, "t", &id, json!({"reason": "spam", "device": "d"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, v) = report(&s, "t", &id, json!({"reason": "spam", "device": "d2"})).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("thử lại sau"),
        "{v}"
    );
    s.stop().await;
}

async fn token_holder_sees_rejected_and_deleted(b: Backend) {
    let s = server!(b, |a| a.premoderation = true);
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for body in ["chờ", "bị từ chối", "bị xoá"] {
        let (_, v) = post(&s, "t", json!({"body": body})).await;
        tokens.push(v["pending_token"].as_str().unwrap().to_owned());
        ids.push(v["comment"]["id"].as_str().unwrap().to_owned());
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    moderate(&s, &ids[1], Action::Reject).await;
    moderate(&s, &ids[2], Action::Delete).await;
    let (_, _, v) = s
        .get(&format!(
            "/api/v1/threads/t/comments?pending={}",
            tokens.join(",")
        ))
        .await;
    assert_eq!(
        statuses(&v),
        [
            ("bị xoá".to_owned(), "rejected".to_owned()),
            ("bị từ chối".to_owned(), "rejected".to_owned()),
            ("chờ".to_owned(), "pending".to_owned()),
        ]
    );
    assert_eq!(v["total"], 0);
    // Each holder sees only their own.
    let (_, _, v) = s
        .get(&format!("/api/v1/threads/t/comments?pending={}", tokens[1]))
        .await;
    assert_eq!(
        statuses(&v),
        [("bị từ chối".to_owned(), "rejected".to_owned())]
    );
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(statuses(&v), []);
    // Restore brings the deleted one back to where it was (pending).
    moderate(&s, &ids[2], Action::Restore).await;
    let (_, _, v) = s
        .get(&format!("/api/v1/threads/t/comments?pending={}", tokens[2]))
        .await;
    assert_eq!(statuses(&v), [("bị xoá".to_owned(), "pending".to_owned())]);
    s.stop().await;
}

async fn actions_invalidate_cached_pages(b: Backend) {
    let s = server!(b);
    let id = s.add("t", "An", "đã đăng", None).await;
    let other = s.add("t", "Bình", "trả lời", Some(&id)).await;
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 2);
    let (_, _, again) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v, again, "served from the page cache");
    moderate(&s, &id, Action::Delete).await;
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(
        v["comments"],
        json!([]),
        "the deleted comment and the reply under it are gone"
    );
    assert_eq!(
        v["total"], 1,
        "the reply is still published, just not shown without its parent"
    );
    moderate(&s, &id, Action::Restore).await;
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["comments"].as_array().unwrap().len(), 2);
    moderate(&s, &other, Action::Reject).await;
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 1);
    let audit = s.store().audit_log(0, 10).await.unwrap().0;
    assert_eq!(
        audit.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["reject", "restore", "delete"]
    );
    assert_eq!(audit[2].detail.as_deref(), Some("published → deleted"));
    assert_eq!(audit[2].comment_id.as_deref(), Some(id.as_str()));
    s.stop().await;
}

async fn no_raw_ip_is_stored(b: Backend) {
    let s = server!(b);
    let id = s.add("t", "An", "x", None).await;
    s.post_json(
        &format!("/api/v1/threads/t/comments/{id}/reports"),
        &json!({"reason": "spam"}),
    )
    .await;
    let c = s.store().comment(&id).await.unwrap().unwrap();
    let hint = c.ip_hint.unwrap();
    assert_eq!(hint.len(), 32);
    assert!(hint.bytes().all(|b| b.is_ascii_hexdigit()));
    // Dump every text column of the tables that hold hints.
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&s.db_url)
        .await
        .unwrap();
    for sql in [
        "SELECT id || '|' || COALESCE(ip_hint, '') || '|' || author || '|' || body FROM comments",
        "SELECT reporter || '|' || ip_hint FROM reports",
        "SELECT value FROM settings",
    ] {
        let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap();
        assert!(!rows.is_empty(), "{sql}");
        for r in rows {
            assert!(!r.contains("127.0.0"), "raw IP in {sql}: {r}");
        }
    }
    s.stop().await;
}

async fn trash_is_purged_after_its_days(b: Backend) {
    let s = server!(b);
    let old = s.add("t", "An", "cũ", None).await;
    let reply = s.add("t", "Bình", "trả lời cái cũ", Some(&old)).await;
    let recent = s.add("t", "Chi", "mới", None).await;
    let day = 86_400_000;
    let now = ykien_server::api::now_ms();
    s.store()
        .moderate(
            std::slice::from_ref(&old),
            Action::Delete,
            "t",
            now - 31 * day,
        )
        .await
        .unwrap();
    s.store()
        .moderate(
            std::slice::from_ref(&recent),
            Action::Reject,
            "t",
            now - 29 * day,
        )
        .await
        .unwrap();
    s.post_json(
        &format!("/api/v1/threads/t/comments/{reply}/reports"),
        &json!({"reason": "spam"}),
    )
    .await;
    let removed = s.store().purge_trash(now - 30 * day).await.unwrap();
    assert_eq!(removed, 2, "the old one and the reply under it");
    assert!(s.store().comment(&old).await.unwrap().is_none());
    assert!(s.store().comment(&reply).await.unwrap().is_none());
    assert!(s.store().reports_for(&[reply]).await.unwrap().is_empty());
    assert!(
        s.store().comment(&recent).await.unwrap().is_some(),
        "29 days: still restorable"
    );
    s.stop().await;
}

// ---- the desk over HTTP -------------------------------------------------------

/// A browser-like client: keeps cookies, does not follow redirects.
struct Desk {
    base: String,
    http: reqwest::Client,
    cookies: HashMap<String, String>,
    set_cookie: Vec<String>,
}

impl Desk {
    fn new(s: &TestServer) -> Self {
        Self {
            base: s.base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            set_cookie: Vec::new(),
        }
    }

    fn absorb(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap().to_owned();
            let (kv, _) = v.split_once(';').unwrap_or((&v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if val.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
            self.set_cookie.push(v);
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> (StatusCode, HeaderMap, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let (st, h) = (res.status(), res.headers().clone());
        self.absorb(&h);
        (st, h, res.text().await.unwrap())
    }

    async fn post(
        &mut self,
        path: &str,
        pairs: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, String) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(pairs);
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let (st, h) = (res.status(), res.headers().clone());
        self.absorb(&h);
        (st, h, res.text().await.unwrap())
    }

    async fn sign_in(&mut self, name: &str, password: &str) -> StatusCode {
        let (_, _, html) = self.get("/admin").await;
        let token = csrf(&html);
        self.post(
            "/admin/login",
            &[
                ("name", name),
                ("password", password),
                ("csrf", &token),
                ("next", "/admin"),
            ],
            &[],
        )
        .await
        .0
    }
}

fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

async fn add_moderator(s: &TestServer, name: &str) {
    let hash = ykien_server::admin::password::hash(PASSWORD).unwrap();
    assert!(s.store().add_moderator(name, &hash, 1).await.unwrap());
}

async fn desk_sign_in_session_and_csrf(b: Backend) {
    let s = server!(b, |a| a.premoderation = true);
    add_moderator(&s, "lan").await;
    let (_, v) = post(&s, "t", json!({"author": "Độc giả", "body": "chờ duyệt"})).await;
    let id = v["comment"]["id"].as_str().unwrap().to_owned();

    let mut d = Desk::new(&s);
    let (st, h, html) = d.get("/admin").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("action=\"/admin/login\""));
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["cache-control"], "no-store");
    assert!(!html.contains(&id), "no queue without a session");

    // A sign-in form token from another browser is refused.
    let mut other = Desk::new(&s);
    let (_, _, other_html) = other.get("/admin").await;
    let (_, _, _) = d.get("/admin").await;
    let (st, _, _) = d
        .post(
            "/admin/login",
            &[
                ("name", "lan"),
                ("password", PASSWORD),
                ("csrf", &csrf(&other_html)),
            ],
            &[],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "login CSRF");

    let started = std::time::Instant::now();
    assert_eq!(d.sign_in("Lan", PASSWORD).await, StatusCode::SEE_OTHER);
    eprintln!("sign-in with Argon2id verify: {:?}", started.elapsed());
    let session = d
        .set_cookie
        .iter()
        .find(|c| c.starts_with("ykien_desk="))
        .unwrap()
        .clone();
    for attr in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin",
        "Max-Age=43200",
    ] {
        assert!(session.contains(attr), "{session}");
    }
    assert!(!session.contains("Secure"), "plain http: no Secure");
    let (st, _, html) = d.get("/admin").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains(&format!("id=\"c-{id}\"")),
        "the pending comment is listed"
    );
    let token = csrf(&html);

    // CSRF: no token, a wrong token, the right token from another site.
    let action = format!("approve:{id}");
    for (pairs, extra) in [
        (vec![("do", action.as_str())], vec![]),
        (vec![("do", action.as_str()), ("csrf", "0000")], vec![]),
        (
            vec![("do", action.as_str()), ("csrf", token.as_str())],
            vec![("sec-fetch-site", "cross-site")],
        ),
        (
            vec![("do", action.as_str()), ("csrf", token.as_str())],
            vec![("origin", "http://evil.example")],
        ),
    ] {
        let (st, _, _) = d.post("/admin/actions", &pairs, &extra).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{pairs:?} {extra:?}");
    }
    assert_eq!(
        s.store().comment(&id).await.unwrap().unwrap().status,
        ykien_server::db::Status::Pending
    );
    let (st, h, _) = d
        .post(
            "/admin/actions",
            &[
                ("do", &action),
                ("csrf", &token),
                ("back", "/admin?view=pending"),
            ],
            &[
                ("sec-fetch-site", "same-origin"),
                ("origin", &s.base.clone()),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(h["location"], "/admin?view=pending&ok=approve&n=1");
    let (_, _, v) = s.get("/api/v1/threads/t/comments").await;
    assert_eq!(v["total"], 1, "readers see it at once");

    // Sign-out ends the session on the server: the old cookie opens nothing.
    let stolen = d.cookies["ykien_desk"].clone();
    let (st, _, _) = d.post("/admin/logout", &[("csrf", &token)], &[]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let mut replay = Desk::new(&s);
    replay.cookies.insert("ykien_desk".into(), stolen);
    let (st, _, html) = replay.get("/admin/audit").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(!html.contains("class=\"audit\""));

    // Removing the moderator ends their other sessions.
    assert_eq!(d.sign_in("lan", PASSWORD).await, StatusCode::SEE_OTHER);
    assert_eq!(d.get("/admin/bans").await.0, StatusCode::OK);
    assert!(s.store().remove_moderator("lan").await.unwrap());
    assert_eq!(d.get("/admin/bans").await.0, StatusCode::UNAUTHORIZED);
    s.stop().await;
}

async fn desk_failed_sign_ins_are_limited(b: Backend) {
    let s = server!(b, |a| {
        a.admin_max_failures_per_account = 3;
        a.admin_max_failures_per_network = 6;
    });
    add_moderator(&s, "lan").await;
    add_moderator(&s, "minh").await;
    let mut d = Desk::new(&s);
    for _ in 0..3 {
        assert_eq!(
            d.sign_in("lan", "sai mật khẩu").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let (_, _, _) = d.get("/admin").await;
    assert_eq!(
        d.sign_in("lan", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "account locked"
    );
    assert_eq!(
        d.sign_in("minh", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "other accounts are not"
    );
    // Per network: unknown names count as well.
    let mut e = Desk::new(&s);
    for name in ["ai-do", "khong-co", "noname"] {
        assert_eq!(e.sign_in(name, "x").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        e.sign_in("minh", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "network locked"
    );
    s.stop().await;
}

async fn desk_queue_views_counts_and_search(b: Backend) {
    let s = server!(b, |a| a.premoderation = true);
    add_moderator(&s, "lan").await;
    let mut ids = Vec::new();
    for (author, body) in [
        ("Nguyễn Văn A", "Giá xăng TĂNG quá"),
        ("Trần B", "Đường Láng ngập nước"),
        ("Lê C", "<b>không</b> phải HTML"),
    ] {
        let (_, v) = post(&s, "t", json!({"author": author, "body": body})).await;
        ids.push(v["comment"]["id"].as_str().unwrap().to_owned());
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let mut d = Desk::new(&s);
    assert_eq!(d.sign_in("lan", PASSWORD).await, StatusCode::SEE_OTHER);
    let (_, _, html) = d.get("/admin?view=pending").await;
    let pos: Vec<usize> = ids
        .iter()
        .map(|i| html.find(&format!("id=\"c-{i}\"")).unwrap())
        .collect();
    assert!(pos[0] < pos[1] && pos[1] < pos[2], "pending: oldest first");
    assert!(
        html.contains("&lt;b&gt;không&lt;/b&gt; phải HTML"),
        "text, escaped"
    );
    assert!(!html.contains("<b>không</b>"));
    // Search folds accents and case, on text and names.
    let (_, _, html) = d.get("/admin?view=pending&q=gia+xang+tang").await;
    assert!(html.contains(&ids[0]) && !html.contains(&ids[1]));
    let (_, _, html) = d.get("/admin?view=pending&q=tran").await;
    assert!(html.contains(&ids[1]) && !html.contains(&ids[0]));
    // Counts per tab.
    moderate(&s, &ids[0], Action::Approve).await;
    moderate(&s, &ids[2], Action::Reject).await;
    let (_, _, html) = d.get("/admin?view=trash").await;
    for (view, n) in [
        ("pending", 1),
        ("reported", 0),
        ("published", 1),
        ("trash", 1),
    ] {
        let needle = format!("view={view}\"");
        let at = html.find(&needle).unwrap_or_else(|| panic!("tab {view}"));
        let count = &html[at..at + 200];
        assert!(
            count.contains(&format!("<span class=\"count\">{n}</span>")),
            "{view}: {count}"
        );
    }
    // Paging.
    let (_, _, html) = d.get("/admin?view=pending&per=1").await;
    assert!(!html.contains("rel=\"next\""));
    s.stop().await;
}

type Deliveries = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

/// A webhook receiver that fails its first `fail` deliveries.
async fn receiver(fail: usize) -> (String, Deliveries) {
    use axum::routing::post;
    let got: Deliveries = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let seen = seen.clone();
                async move {
                    let mut v = seen.lock().unwrap();
                    let mut h = HeaderMap::new();
                    for (k, val) in &headers {
                        h.insert(
                            reqwest::header::HeaderName::from_bytes(k.as_str().as_bytes()).unwrap(),
                            reqwest::header::HeaderValue::from_bytes(val.as_bytes()).unwrap(),
                        );
                    }
                    v.push((h, body.to_vec()));
                    if v.len() <= fail {
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        axum::http::StatusCode::NO_CONTENT
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

async fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(v) = f() {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn webhook_signed_and_retried(b: Backend) {
    let (url, got) = receiver(1).await;
    let s = server!(b, move |a| {
        a.premoderation = true;
        a.webhook_url = Some(url);
        a.webhook_secret = Some("bí mật".into());
        a.desk_url = Some("https://bao.example.vn/admin".into());
    });
    let started = std::time::Instant::now();
    let (st, v) = post(&s, "bai-1", json!({"author": "Lan", "body": "chờ duyệt"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "the reader does not wait for the hook"
    );
    let id = v["comment"]["id"].as_str().unwrap().to_owned();
    let deliveries = wait_for("two deliveries (one failed, one retried)", || {
        let g = got.lock().unwrap();
        (g.len() >= 2).then(|| g.clone())
    })
    .await;
    assert_eq!(
        deliveries[0].1, deliveries[1].1,
        "the retry sends the same body"
    );
    let (h, body) = &deliveries[1];
    let event: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(event["type"], "comment.pending");
    assert_eq!(event["comment"]["id"], id.as_str());
    assert_eq!(event["comment"]["body"], "chờ duyệt");
    assert_eq!(event["comment"]["held_reason"], "all");
    assert_eq!(
        event["desk_url"],
        "https://bao.example.vn/admin?view=pending&thread=bai-1"
    );
    let ts = event["timestamp"].as_i64().unwrap();
    assert!((ts - ykien_server::api::now_ms() / 1000).abs() < 60);
    assert_eq!(h["x-ykien-event"], "comment.pending");
    assert_eq!(
        h["x-ykien-signature"].to_str().unwrap(),
        ykien_server::alerts::signature("bí mật", body)
    );
    assert_ne!(
        h["x-ykien-signature"].to_str().unwrap(),
        ykien_server::alerts::signature("khác", body)
    );
    // A first report on a published comment is an event too.
    moderate(&s, &id, Action::Approve).await;
    s.post_json(
        &format!("/api/v1/threads/bai-1/comments/{id}/reports"),
        &json!({"reason": "spam"}),
    )
    .await;
    let reported = wait_for("the report event", || {
        got.lock()
            .unwrap()
            .iter()
            .map(|(_, b)| serde_json::from_slice::<Value>(b).unwrap())
            .find(|e| e["type"] == "comment.reported")
    })
    .await;
    assert_eq!(reported["reason"], "spam");
    assert_eq!(reported["comment"]["open_reports"], 1);
    s.stop().await;
}

/// Python with aiosmtpd in a venv under target/ (created on first use).
fn aiosmtpd_python() -> Option<std::path::PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let venv = target.join("smtp-sink-venv");
    let python = venv.join("bin/python");
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let ok = |p: &std::path::Path| {
        std::process::Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if ok(&python) {
        return Some(python);
    }
    let made = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && std::process::Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "aiosmtpd==1.4.6"])
            .status()
            .is_ok_and(|s| s.success());
    (made && ok(&python)).then_some(python)
}

async fn email_alerts_reach_an_smtp_sink(b: Backend) {
    if b == Backend::Postgres {
        // The mail path does not touch the database beyond what sqlite covers.
        return;
    }
    let Some(python) = aiosmtpd_python() else {
        eprintln!("\n!!! SKIPPED: email alert test (cannot install aiosmtpd from PyPI)\n");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sink = Sink(
        std::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .spawn()
            .expect("start aiosmtpd"),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let smtp = format!("smtp://127.0.0.1:{port}");
    let s = server!(b, move |a| {
        a.premoderation = true;
        a.smtp_url = Some(smtp);
        a.alert_email_to = vec![
            "bientap@bao.example.vn".into(),
            "truc@bao.example.vn".into(),
        ];
        a.alert_email_from = "ykien <ykien@bao.example.vn>".into();
        a.desk_url = Some("https://bao.example.vn/admin".into());
    });
    post(
        &s,
        "mail-thread",
        json!({"author": "Lan", "body": "Nội dung cần duyệt: giá vàng"}),
    )
    .await;
    let new_dir = maildir.join("new");
    let file = wait_for("a mail in the sink", || {
        std::fs::read_dir(&new_dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .next()
    })
    .await;
    // Python decodes the MIME message for us.
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg(
            "import email, email.policy, json, sys\n\
             m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
             print(json.dumps({'subject': str(m['subject']), 'to': str(m['to']), 'from': str(m['from']),\n\
             'body': m.get_body().get_content()}))",
        )
        .arg(&file)
        .output()
        .unwrap();
    let mail: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(mail["subject"], "[ykien] Bình luận chờ duyệt: mail-thread");
    assert!(
        mail["to"].as_str().unwrap().contains("truc@bao.example.vn"),
        "{mail}"
    );
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains("> Nội dung cần duyệt: giá vàng"), "{body}");
    assert!(
        body.contains("https://bao.example.vn/admin?view=pending&thread=mail-thread"),
        "{body}"
    );
    s.stop().await;
    drop(sink);
}

/// The SMTP sink process, stopped when dropped (a failed assertion included).
struct Sink(std::process::Child);

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
