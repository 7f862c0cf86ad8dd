//! Crash safety: the real `ykien-server` binary on a SQLite file is killed
//! with SIGKILL at random moments while concurrent writers post comments, and
//! restarted on the same file each time. Writers retry every unacknowledged
//! POST with the same `Idempotency-Key` (as the widget does) until it is
//! acknowledged. Afterwards every acknowledged comment must be stored exactly
//! once, with all its fields intact, and nothing else may be stored.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use sqlx::{Connection as _, Row as _};
use tokio::sync::watch;

const WRITERS: usize = 6;
const ROUNDS: usize = 10;
const THREADS: usize = 3;
/// Comments acknowledged by each server before its kill can come.
const ACKS_PER_ROUND: usize = 20;

/// The server process; killed (SIGKILL) and reaped when dropped.
struct ServerProc {
    child: Child,
}

impl ServerProc {
    /// Starts the binary on `db_url` at a free port; returns it with its base URL
    /// once it answers HTTP. Readiness is polled, not read from the log: in a
    /// `cargo test --workspace` build, feature unification turns on the widget's
    /// `tracing/max_level_off`, so this binary logs nothing at all.
    async fn start(db_url: &str) -> (Self, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ykien-server"))
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                db_url,
            ])
            .args(["--rate-limit-per-minute", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ykien-server");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let probe = format!("{base}/api/v1/threads/probe/comments?limit=1");
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(&probe).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("server exited before listening: {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "server did not answer within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (Self { child }, base)
    }

    fn kill9(mut self) {
        // Child::kill is SIGKILL on Unix: no shutdown code runs.
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn body_for(w: usize, i: usize) -> String {
    // Long enough to span several pages of the WAL.
    format!(
        "writer {w} comment {i}: {}",
        "Ý kiến về con đường ven sông và ngôi trường mới. ".repeat(1 + (w + i) % 8)
    )
    .trim_end()
    .to_owned()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Clone)]
struct Ack {
    key: String,
    thread: String,
    body: String,
    id: String,
    attempts: usize,
    last_attempt_ms: i64,
}

/// Posts comments until `stop`; each one is retried with the same key until
/// a 201 arrives. A failed attempt waits for the next server (or 100 ms).
async fn writer(
    w: usize,
    mut base: watch::Receiver<String>,
    stop: Arc<AtomicBool>,
    acked: watch::Sender<usize>,
) -> (Vec<Ack>, usize) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut acks = Vec::new();
    let mut failed_attempts = 0;
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        let key = format!("crash-w{w}-{i}");
        let thread = format!("crash-{}", (w + i) % THREADS);
        let body = body_for(w, i);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let url = format!(
                "{}/api/v1/threads/{thread}/comments",
                *base.borrow_and_update()
            );
            let started = now_ms();
            let res = client
                .post(&url)
                .header("Idempotency-Key", &key)
                .json(&json!({"author": format!("Người viết {w}"), "body": body}))
                .send()
                .await;
            let outcome = match res {
                Ok(res) => {
                    let status = res.status().as_u16();
                    // A response cut off by the kill is not an acknowledgement.
                    match res.json::<Value>().await {
                        Ok(v) => Some((status, v)),
                        Err(_) => None,
                    }
                }
                Err(_) => None,
            };
            match outcome {
                Some((201, v)) => {
                    assert_eq!(v["comment"]["body"], body.as_str(), "{key}");
                    acks.push(Ack {
                        key: key.clone(),
                        thread: thread.clone(),
                        body: body.clone(),
                        id: v["comment"]["id"].as_str().expect("id").to_owned(),
                        attempts,
                        last_attempt_ms: started,
                    });
                    acked.send_modify(|n| *n += 1);
                    break;
                }
                Some((status, v)) => panic!("{key}: unexpected {status} {v}"),
                None => {
                    failed_attempts += 1;
                    let _ = tokio::time::timeout(Duration::from_millis(100), base.changed()).await;
                }
            }
        }
        i += 1;
    }
    (acks, failed_attempts)
}

/// A random number below `n` (uuid v4 is backed by the OS generator).
fn random_below(n: u64) -> u64 {
    (uuid::Uuid::new_v4().as_u128() % u128::from(n)) as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_comments_survive_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("crash.db");
    let db_url = format!("sqlite://{}", db_path.display());

    let (mut server, url) = ServerProc::start(&db_url).await;
    let (base_tx, base_rx) = watch::channel(url);
    let (acked_tx, mut acked_rx) = watch::channel(0usize);
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| tokio::spawn(writer(w, base_rx.clone(), stop.clone(), acked_tx.clone())))
        .collect();

    for _ in 0..ROUNDS {
        // Let this server acknowledge some comments, then kill it at a random
        // moment with writes in flight.
        let target = *acked_rx.borrow() + ACKS_PER_ROUND;
        tokio::time::timeout(Duration::from_secs(20), acked_rx.wait_for(|n| *n >= target))
            .await
            .expect("writers make progress")
            .expect("ack channel open");
        tokio::time::sleep(Duration::from_millis(random_below(250))).await;
        server.kill9();
        let (next, url) = ServerProc::start(&db_url).await;
        server = next;
        base_tx.send_replace(url);
    }
    // The last server stays up until every writer's current comment is in.
    let target = *acked_rx.borrow() + ACKS_PER_ROUND;
    tokio::time::timeout(Duration::from_secs(20), acked_rx.wait_for(|n| *n >= target))
        .await
        .expect("writers make progress")
        .expect("ack channel open");
    stop.store(true, Ordering::SeqCst);
    let mut acks: Vec<Ack> = Vec::new();
    let mut failed_attempts = 0;
    for w in writers {
        let (a, f) = w.await.expect("writer");
        acks.extend(a);
        failed_attempts += f;
    }
    let base = base_tx.borrow().clone();

    // Through the API: every page of every thread.
    let client = reqwest::Client::new();
    let mut listed: Vec<Value> = Vec::new();
    for t in 0..THREADS {
        let mut cursor = String::new();
        let mut total = None;
        let mut in_thread = 0;
        loop {
            let v: Value = client
                .get(format!(
                    "{base}/api/v1/threads/crash-{t}/comments?limit=100&cursor={cursor}"
                ))
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json()
                .await
                .unwrap();
            total = total.or(v["total"].as_u64());
            for c in v["comments"].as_array().unwrap() {
                listed.push(c.clone());
                in_thread += 1;
            }
            match v["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        assert_eq!(total, Some(in_thread), "thread crash-{t}: total vs pages");
    }
    server.kill9();

    // In the database file: every row, and SQLite's own consistency check.
    let mut db = sqlx::SqliteConnection::connect(&db_url).await.unwrap();
    let integrity: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap()
        .get(0);
    assert_eq!(integrity, "ok");
    let rows = sqlx::query(
        "SELECT id, thread, author, body, created_at, status, idempotency_key, parent_id FROM comments",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    db.close().await.unwrap();

    let by_key: HashMap<&str, &Ack> = acks.iter().map(|a| (a.key.as_str(), a)).collect();
    assert_eq!(by_key.len(), acks.len(), "keys are unique per writer");
    let mut stored_keys: HashMap<String, usize> = HashMap::new();
    let mut stored_bodies: HashSet<String> = HashSet::new();
    let mut duplicates = 0;
    let mut replayed = 0;
    for row in &rows {
        let id: String = row.get(0);
        let thread: String = row.get(1);
        let author: String = row.get(2);
        let body: String = row.get(3);
        let created_at: i64 = row.get(4);
        let status: String = row.get(5);
        let key: Option<String> = row.get(6);
        let parent: Option<String> = row.get(7);
        let key = key.unwrap_or_else(|| panic!("row {id} has no idempotency key"));
        *stored_keys.entry(key.clone()).or_default() += 1;
        if !stored_bodies.insert(body.clone()) {
            duplicates += 1;
        }
        // Every stored row is one this test acknowledged, complete.
        let ack = by_key
            .get(key.as_str())
            .unwrap_or_else(|| panic!("row {id} ({key}) was never acknowledged"));
        assert_eq!(id, ack.id, "{key}: stored id is the acknowledged one");
        assert_eq!(thread, ack.thread, "{key}");
        assert_eq!(body, ack.body, "{key}: body complete");
        assert!(author.starts_with("Người viết "), "{key}: {author:?}");
        assert_eq!(status, "published", "{key}");
        assert!(parent.is_none(), "{key}");
        assert!(created_at > 1_600_000_000_000, "{key}: {created_at}");
        if ack.attempts > 1 && created_at < ack.last_attempt_ms {
            // Stored by an attempt whose response the kill swallowed; the
            // retry got the same comment back.
            replayed += 1;
        }
    }
    duplicates += stored_keys.values().filter(|&&n| n > 1).count();
    let lost: Vec<&str> = acks
        .iter()
        .filter(|a| !stored_keys.contains_key(&a.key))
        .map(|a| a.key.as_str())
        .collect();

    // The API shows the same set, each comment once.
    let listed_ids: Vec<&str> = listed.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let listed_set: HashSet<&str> = listed_ids.iter().copied().collect();
    assert_eq!(listed_set.len(), listed_ids.len(), "a comment listed twice");
    let acked_ids: HashSet<&str> = acks.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        listed_set, acked_ids,
        "API lists exactly the acknowledged comments"
    );
    for c in &listed {
        let key_body = acks.iter().find(|a| a.id == c["id"].as_str().unwrap());
        assert_eq!(c["body"].as_str(), key_body.map(|a| a.body.as_str()));
    }

    let _ = writeln!(
        std::io::stderr(),
        "crash-safety: rounds={ROUNDS} writers={WRITERS} acknowledged={} stored={} lost={} \
         duplicates={duplicates} failed_attempts_retried={failed_attempts} \
         stored_before_ack_then_replayed={replayed}",
        acks.len(),
        rows.len(),
        lost.len(),
    );
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert_eq!(duplicates, 0, "comments stored twice");
    assert_eq!(rows.len(), acks.len(), "stored rows vs acknowledged");
    assert!(acks.len() >= (ROUNDS + 1) * ACKS_PER_ROUND);
}
