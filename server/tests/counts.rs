//! Stored per-thread counts (`thread_versions.published`): after every kind
//! of write — new comments (published, held, replies, idempotent replays),
//! likes, the desk's approve / reject / delete / restore, the CLI's delete,
//! the trash purge, auto-hiding by reports, an author's held edit and an
//! author's delete — the stored count equals a real `COUNT(*)` of the
//! thread's published rows, and the API's `total` and `/counts` say the
//! same. On SQLite and, with YKIEN_TEST_DATABASE_URL, on PostgreSQL.

#[macro_use]
mod common;

use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use ykien_server::db::Action;

suite!(
    stored_counts_follow_every_write,
    concurrent_moderation_counts_once
);

const T: &str = "dem";

/// The stored count, the real count, the page's `total` and `/counts`
/// all agree, and equal `expect`.
async fn check(s: &TestServer, what: &str, expect: i64) {
    let (stored, real) = s.store().published_counts(T).await.unwrap();
    assert_eq!(stored, real, "{what}: stored count != real count");
    assert_eq!(real, expect, "{what}: published comments");
    let (_, _, page) = s.get(&format!("/api/v1/threads/{T}/comments")).await;
    assert_eq!(page["total"], expect, "{what}: page total");
    let (_, _, counts) = s.get(&format!("/api/v1/counts?threads={T},other")).await;
    assert_eq!(counts["counts"][T], expect, "{what}: /counts");
    assert_eq!(counts["counts"]["other"], 0, "{what}: unknown thread");
}

async fn post(s: &TestServer, body: Value, key: Option<&str>) -> (StatusCode, Value) {
    let mut req = s
        .client
        .post(s.url(&format!("/api/v1/threads/{T}/comments")))
        .json(&body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let (st, _, v) = common::split(req.send().await.unwrap()).await;
    assert!(
        st == StatusCode::CREATED || st == StatusCode::ACCEPTED,
        "{st} {v}"
    );
    (st, v)
}

fn id(v: &Value) -> String {
    v["comment"]["id"].as_str().unwrap().to_owned()
}

fn token(v: &Value) -> String {
    v["edit_token"].as_str().unwrap().to_owned()
}

async fn send(
    s: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> StatusCode {
    let mut req = s.client.request(method, s.url(path)).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().status()
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
    assert_eq!(changed.len(), 1, "{action:?} changed nothing");
}

async fn stored_counts_follow_every_write(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("blocklist.txt");
    std::fs::write(&list, "hold: vay tiền\n").unwrap();
    let Some(s) = TestServer::start(b, |a| {
        a.blocklist_file = Some(list.clone());
        a.report_hide_threshold = 2;
        a.report_rate_limit_per_minute = 0;
        a.like_rate_limit_per_minute = 0;
    })
    .await
    else {
        return;
    };
    check(&s, "empty thread", 0).await;

    let (_, a) = post(&s, json!({"author": "An", "body": "một"}), Some("k-a")).await;
    let a_id = id(&a);
    check(&s, "published top-level", 1).await;
    let (_, r) = post(&s, json!({"body": "trả lời", "parent_id": a_id}), None).await;
    let r_id = id(&r);
    let (_, rr) = post(&s, json!({"body": "trả lời nữa", "parent_id": r_id}), None).await;
    check(&s, "published replies", 3).await;
    let (st, again) = post(&s, json!({"author": "An", "body": "một"}), Some("k-a")).await;
    assert_eq!((st, id(&again)), (StatusCode::CREATED, a_id.clone()));
    check(&s, "idempotent replay stores nothing", 3).await;

    let (st, held) = post(&s, json!({"body": "cần vay tiền"}), None).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let held_id = id(&held);
    check(&s, "held comment", 3).await;
    moderate(&s, &held_id, Action::Approve).await;
    check(&s, "approve", 4).await;
    moderate(&s, &held_id, Action::Reject).await;
    check(&s, "reject", 3).await;
    moderate(&s, &held_id, Action::Restore).await;
    check(&s, "restore to published", 4).await;
    moderate(&s, &held_id, Action::Delete).await;
    check(&s, "desk delete", 3).await;
    moderate(&s, &held_id, Action::Restore).await;
    check(&s, "restore from delete", 4).await;

    // Likes change no count.
    let like = format!("/api/v1/threads/{T}/comments/{a_id}/likes");
    let device = json!({"device": "device-aaaaaaaaaaaaaaaa"});
    assert_eq!(
        send(&s, Method::POST, &like, None, device.clone()).await,
        StatusCode::OK
    );
    assert_eq!(
        send(&s, Method::DELETE, &like, None, device).await,
        StatusCode::OK
    );
    check(&s, "like and unlike", 4).await;

    // Auto-hide after two reports (published -> pending), then approve.
    let report = format!("/api/v1/threads/{T}/comments/{r_id}/reports");
    for d in ["reporter-one-aaaaaaaa", "reporter-two-bbbbbbbb"] {
        let st = send(
            &s,
            Method::POST,
            &report,
            None,
            json!({"reason": "spam", "device": d}),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED);
    }
    check(&s, "hidden by reports", 3).await;
    moderate(&s, &r_id, Action::Approve).await;
    check(&s, "kept after reports", 4).await;

    // An author's edit that is held: published -> pending; approve again.
    let edit_path = format!("/api/v1/threads/{T}/comments/{a_id}");
    let st = send(
        &s,
        Method::PATCH,
        &edit_path,
        Some(&token(&a)),
        json!({"body": "vay tiền nhé"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    check(&s, "held edit", 3).await;
    // Editing a pending comment keeps it pending.
    let st = send(
        &s,
        Method::PATCH,
        &edit_path,
        Some(&token(&a)),
        json!({"body": "vay tiền thôi"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    check(&s, "edit of a pending comment", 3).await;
    moderate(&s, &a_id, Action::Approve).await;
    check(&s, "approve the edit", 4).await;
    // A plain edit changes no count.
    let st = send(
        &s,
        Method::PATCH,
        &edit_path,
        Some(&token(&a)),
        json!({"body": "một nữa"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    check(&s, "plain edit", 4).await;

    // The author deletes a published reply (twice: the second answers 200
    // and changes nothing), and a held comment.
    let rr_path = format!("/api/v1/threads/{T}/comments/{}", id(&rr));
    for _ in 0..2 {
        let st = send(&s, Method::DELETE, &rr_path, Some(&token(&rr)), Value::Null).await;
        assert_eq!(st, StatusCode::OK);
        check(&s, "author delete", 3).await;
    }
    let (_, held2) = post(&s, json!({"body": "vay tiền lần hai"}), None).await;
    let st = send(
        &s,
        Method::DELETE,
        &format!("/api/v1/threads/{T}/comments/{}", id(&held2)),
        Some(&token(&held2)),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    check(&s, "author deletes a held comment", 3).await;

    // Rejecting a top-level comment hides its replies but leaves them
    // published rows (the count is of published rows, as before); the
    // purge removes the rejected tree and its published replies with it.
    let (_, top) = post(&s, json!({"body": "sẽ bị gỡ"}), None).await;
    let top_id = id(&top);
    post(&s, json!({"body": "con", "parent_id": top_id}), None).await;
    post(&s, json!({"body": "con hai", "parent_id": top_id}), None).await;
    check(&s, "a tree", 6).await;
    moderate(&s, &top_id, Action::Reject).await;
    check(&s, "rejected root", 5).await;
    s.store()
        .purge_trash(ykien_server::api::now_ms() + 1)
        .await
        .unwrap();
    assert!(s.store().comment(&top_id).await.unwrap().is_none());
    check(&s, "purged tree", 3).await;

    // The CLI's delete removes a tree for good.
    let n = ykien_server::moderation::delete(s.store(), &a_id)
        .await
        .unwrap();
    assert_eq!(n, 3, "a, r and the withdrawn rr");
    check(&s, "CLI delete of a tree", 1).await;
    ykien_server::moderation::reject(s.store(), &held_id)
        .await
        .unwrap();
    check(&s, "CLI reject", 0).await;
    ykien_server::moderation::approve(s.store(), &held_id)
        .await
        .unwrap();
    check(&s, "CLI approve", 1).await;
    s.stop().await;
}

/// Two desks approve and reject the same comments at the same moment: each
/// status change is counted once (the row is locked between reading its
/// status and writing the new one).
async fn concurrent_moderation_counts_once(b: Backend) {
    let Some(s) = TestServer::start(b, |a| a.premoderation = true).await else {
        return;
    };
    let mut ids = Vec::new();
    for i in 0..20 {
        let (_, v) = post(&s, json!({"body": format!("chờ {i}")}), None).await;
        ids.push(id(&v));
    }
    check(&s, "all held", 0).await;
    for round in 0..3 {
        let mut tasks = Vec::new();
        for w in 0..4 {
            let store = s.store().clone();
            let ids = ids.clone();
            let action = if (w + round) % 2 == 0 {
                Action::Approve
            } else {
                Action::Reject
            };
            tasks.push(tokio::spawn(async move {
                for id in &ids {
                    // SQLite may refuse one of two racing processes' writes
                    // (busy); what matters is that what commits is counted once.
                    let _ = store
                        .moderate(
                            std::slice::from_ref(id),
                            action,
                            "test",
                            ykien_server::api::now_ms(),
                        )
                        .await;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let (stored, real) = s.store().published_counts(T).await.unwrap();
        assert_eq!(stored, real, "round {round}");
    }
    s.stop().await;
}
