//! SQLite answers a page from two read paths: inline on connections of the
//! server's own (`db/sqlite_read.rs`), and through sqlx as one JSON value
//! built by the database (what PostgreSQL runs, and SQLite's fallback when
//! the database is busy). Both must read exactly the same page, on text
//! that the API would never store too (control characters, as a database
//! written by another tool might hold).

mod common;

use common::{Backend, TestServer};
use ykien_server::db::{ListRequest, NewComment, Sort, SortKey, Status, Store, Viewer};

const TEXTS: &[&str] = &[
    "\"quoted\" and \\backslash\\ and \\\"both\"",
    "\u{0}\u{1}\u{7}\u{8}\t\n\u{b}\u{c}\r\u{e}\u{1b}\u{1f} \u{7f}\u{80}\u{9f}",
    "</script><script>alert('x')</script><!-- & &amp; -->",
    "Bình luận về Hà Nội: đường, phở, cà phê sữa đá. Ừ, được!",
    "Vie\u{302}\u{301}t decomposed: e\u{302}\u{301} a\u{306}\u{300}",
    "emoji 👍🏽 👨‍👩‍👧 🇻🇳 \u{fe0f}",
    "line\u{2028}separator\u{2029}paragraph \u{feff}bom \u{200b}zw",
    "Khách",
    "Guest",
    "",
    "$1 ?1 :name @p '; DROP TABLE comments; --",
];

async fn insert(
    store: &Store,
    n: usize,
    parent: Option<(&str, &str)>,
    status: Status,
    created_at: i64,
) -> String {
    let id = format!("c{n:03}-{}", TEXTS[n % TEXTS.len()].len());
    let token = format!("tok{n}");
    let (parent_id, root_id) = match parent {
        Some((p, r)) => (Some(p), r.to_owned()),
        None => (None, id.clone()),
    };
    store
        .insert_comment(&NewComment {
            id: &id,
            thread: "t",
            parent_id,
            root_id: &root_id,
            author: TEXTS[(n + 3) % TEXTS.len()],
            body: TEXTS[n % TEXTS.len()],
            created_at,
            status,
            pending_token: Some(&token),
            idempotency_key: None,
        })
        .await
        .unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_read_paths_agree() {
    let s = TestServer::start(Backend::Sqlite, |_| {}).await.unwrap();
    let store = s.store();
    let sqlx_only = store.without_inline_reads();
    let statuses = [
        Status::Published,
        Status::Published,
        Status::Pending,
        Status::Published,
        Status::Rejected,
        Status::Published,
        Status::Deleted,
    ];
    // Top-level comments, some in the same millisecond; replies at depth 1
    // to 3, some stored in the same millisecond as their parent.
    let mut roots = Vec::new();
    let mut n = 0;
    for i in 0..40 {
        let at = 1_700_000_000_000 + (i / 3) as i64 * 1000;
        let id = insert(store, n, None, statuses[n % statuses.len()], at).await;
        n += 1;
        let mut parent = id.clone();
        for depth in 0..(i % 4) {
            let reply = insert(
                store,
                n,
                Some((&parent, &id)),
                statuses[(n + depth) % statuses.len()],
                at + (depth as i64 % 2),
            )
            .await;
            n += 1;
            if depth % 2 == 0 {
                parent = reply;
            }
        }
        roots.push(id);
    }
    // Likes for `top`, and withdrawn comments with and without replies.
    for (i, id) in roots.iter().enumerate() {
        store
            .execute_raw(&format!(
                "UPDATE comments SET likes = {} WHERE id = '{id}'",
                (i * 7) % 5
            ))
            .await
            .unwrap();
    }
    for id in roots.iter().step_by(5) {
        store.set_status(id, Status::Published).await.unwrap();
        let c = store.comment(id).await.unwrap().unwrap();
        store.withdraw_comment(&c, 1_700_000_100_000).await.unwrap();
    }

    let anonymous = Viewer::default();
    let holder = Viewer {
        pending_tokens: (0..n).step_by(3).map(|i| format!("tok{i}")).collect(),
        edit_hashes: Vec::new(),
    };
    let mut pages = 0;
    for sort in [Sort::Newest, Sort::Oldest, Sort::Top] {
        for viewer in [&anonymous, &holder] {
            for replies in [None, Some(0), Some(1)] {
                for limit in [1, 7, 100] {
                    let mut after: Option<SortKey> = None;
                    loop {
                        let req = ListRequest {
                            thread: "t",
                            sort,
                            limit,
                            after: after.as_ref(),
                            viewer,
                            replies,
                        };
                        let inline = store.list_sorted(&req).await.unwrap();
                        let through_sqlx = sqlx_only.list_sorted(&req).await.unwrap();
                        assert_eq!(inline.comments, through_sqlx.comments, "{req:?}");
                        assert_eq!(inline.next, through_sqlx.next, "{req:?}");
                        assert_eq!(inline.total, through_sqlx.total, "{req:?}");
                        pages += 1;
                        match inline.next {
                            Some(k) => after = Some(k),
                            None => break,
                        }
                    }
                }
            }
        }
    }
    assert!(pages > 100, "{pages}");
    // An unknown thread: no rows, no stored total.
    let req = ListRequest {
        thread: "nothing here",
        sort: Sort::Newest,
        limit: 50,
        after: None,
        viewer: &anonymous,
        replies: None,
    };
    let inline = store.list_sorted(&req).await.unwrap();
    assert!(inline.comments.is_empty());
    assert_eq!((inline.total, inline.next), (0, None));
    let through_sqlx = sqlx_only.list_sorted(&req).await.unwrap();
    assert_eq!(
        (through_sqlx.comments.len(), through_sqlx.total),
        (0, inline.total)
    );
    s.stop().await;
}

/// A page read inline sees every commit before it, also one made by another
/// connection right before (no read transaction is left open on a pooled
/// connection).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_inline_reads_see_each_commit() {
    let s = TestServer::start(Backend::Sqlite, |_| {}).await.unwrap();
    let store = s.store();
    let viewer = Viewer::default();
    let req = ListRequest {
        thread: "fresh",
        sort: Sort::Newest,
        limit: 100,
        after: None,
        viewer: &viewer,
        replies: None,
    };
    for i in 0..30 {
        let id = s.add("fresh", "An", &format!("số {i}"), None).await;
        let page = store.list_sorted(&req).await.unwrap();
        assert_eq!(page.total, i + 1);
        assert_eq!(page.comments[0].comment.id, id);
        // Another process's write: a connection of its own.
        let other = Store::connect_existing(&s.db_url, 1).await.unwrap();
        other
            .execute_raw(&format!(
                "UPDATE comments SET likes = {i} WHERE id = '{id}'"
            ))
            .await
            .unwrap();
        other.close().await;
        let page = store.list_sorted(&req).await.unwrap();
        assert_eq!(page.comments[0].comment.likes, i);
    }
    s.stop().await;
}
