//! Two `ykien-server` processes (the real binary) on one database, requests
//! alternating between them: a change made through one — a comment, a like,
//! the moderation CLI from a third process — is in the very next page read
//! through the other (each keeps its own page cache, warmed before every
//! change), idempotent retries sent to both at once store one comment, and
//! `kill -9` of one under load loses no acknowledged comment while the
//! other keeps serving.
//!
//! PostgreSQL with YKIEN_TEST_DATABASE_URL (the deployment this is for);
//! the same scenarios on one SQLite file shared by two processes on this
//! host, which exercises the WAL-index stamp of `cache.rs` across processes.

#[macro_use]
mod common;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Backend;
use serde_json::{json, Value};

suite!(
    no_stale_page_across_processes,
    idempotent_retries_across_processes_store_once,
    kill9_of_one_process_under_load
);

const EXE: &str = env!("CARGO_BIN_EXE_ykien-server");

/// A server process; killed (SIGKILL) and reaped when dropped.
struct Proc {
    child: Child,
    base: String,
}

impl Proc {
    async fn start(db_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(EXE)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--database-url", db_url])
            .args(["--rate-limit-per-minute", "0"])
            .args(["--like-rate-limit-per-minute", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ykien-server");
        let base = format!("http://127.0.0.1:{port}");
        let probe = format!("{base}/api/v1/counts?threads=probe");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(&probe).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("server exited before listening: {status}");
            }
            assert!(Instant::now() < deadline, "server did not answer in 60 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self { child, base }
    }

    fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh database and two servers on it (the first one migrates it).
async fn two(b: Backend) -> Option<(tempfile::TempDir, String, Proc, Proc)> {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_database_url(b, dir.path()).await?;
    let a = Proc::start(&url).await;
    let b = Proc::start(&url).await;
    Some((dir, url, a, b))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn page(c: &reqwest::Client, base: &str, thread: &str) -> Value {
    let res = c
        .get(format!("{base}/api/v1/threads/{thread}/comments?limit=50"))
        .send()
        .await
        .expect("GET");
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.expect("JSON")
}

fn ids(page: &Value) -> Vec<String> {
    page["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn post(
    c: &reqwest::Client,
    base: &str,
    thread: &str,
    body: &str,
    key: Option<&str>,
) -> reqwest::Result<(u16, Value)> {
    let mut req = c
        .post(format!("{base}/api/v1/threads/{thread}/comments"))
        .json(&json!({"author": "Lan", "body": body}));
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await?))
}

async fn no_stale_page_across_processes(b: Backend) {
    let Some((_dir, url, a, b)) = two(b).await else {
        return;
    };
    let c = client();
    let procs = [&a.base, &b.base];
    let mut posted: Vec<String> = Vec::new();
    for i in 0..40 {
        // Both caches hold the current page before the change.
        for base in procs {
            page(&c, base, "mp").await;
            page(&c, base, "mp").await;
        }
        let (writer, reader) = (procs[i % 2], procs[(i + 1) % 2]);
        let (status, v) = post(&c, writer, "mp", &format!("bình luận {i}"), None)
            .await
            .unwrap();
        assert_eq!(status, 201, "{v}");
        let id = v["comment"]["id"].as_str().unwrap().to_owned();
        posted.push(id.clone());
        let seen = page(&c, reader, "mp").await;
        assert_eq!(
            ids(&seen).first(),
            Some(&id),
            "comment {i} posted through {writer} is the first of the next page read \
             through {reader}"
        );
        assert_eq!(seen["total"], i as i64 + 1);
    }

    // A like through one process is counted in the other's next page.
    let liked = &posted[39];
    for base in procs {
        page(&c, base, "mp").await;
    }
    let res = c
        .post(format!(
            "{}/api/v1/threads/mp/comments/{liked}/likes",
            a.base
        ))
        .json(&json!({"device": "device-aaaaaaaaaaaaaaaa"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let seen = page(&c, &b.base, "mp").await;
    assert_eq!(
        seen["comments"][0]["likes"], 1,
        "like seen through the other process"
    );

    // The moderation CLI, a third process, rejects it: gone from both.
    let out = Command::new(EXE)
        .args(["moderate", "reject", liked, "--database-url", &url])
        .output()
        .expect("moderate reject");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for base in procs {
        let seen = page(&c, base, "mp").await;
        assert!(
            !ids(&seen).contains(liked),
            "rejected comment still listed by {base}"
        );
        assert_eq!(seen["total"], 39);
    }
}

async fn idempotent_retries_across_processes_store_once(b: Backend) {
    let Some((_dir, _url, a, b)) = two(b).await else {
        return;
    };
    let c = client();
    for i in 0..30 {
        let key = format!("retry-{i}");
        let body = format!("một lần thôi {i}");
        // The same request to both processes at the same moment, as a
        // retry through another app server would be.
        let (ra, rb) = tokio::join!(
            post(&c, &a.base, "idem", &body, Some(&key)),
            post(&c, &b.base, "idem", &body, Some(&key))
        );
        let ((sa, va), (sb, vb)) = (ra.unwrap(), rb.unwrap());
        assert_eq!((sa, sb), (201, 201), "{va} {vb}");
        assert_eq!(va["comment"]["id"], vb["comment"]["id"], "{key}");
        assert_eq!(va["edit_token"], vb["edit_token"], "{key}");
    }
    for base in [&a.base, &b.base] {
        let seen = page(&c, base, "idem").await;
        assert_eq!(seen["total"], 30, "{base}");
        assert_eq!(ids(&seen).len(), 30, "{base}");
    }
}

async fn kill9_of_one_process_under_load(b: Backend) {
    let Some((_dir, url, mut a, b)) = two(b).await else {
        return;
    };
    let bases = Arc::new(Mutex::new(vec![a.base.clone(), b.base.clone()]));
    let b_base = b.base.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicBool::new(false));
    let b_errors_after_kill = Arc::new(AtomicUsize::new(0));
    let b_reads_after_kill = Arc::new(AtomicUsize::new(0));
    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();

    let mut tasks = Vec::new();
    for w in 0..4 {
        let (bases, stop, acked) = (bases.clone(), stop.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let c = client();
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let key = format!("k9-{w}-{i}");
                let body = format!("người viết {w}, ý kiến {i}");
                let mut attempt = 0usize;
                // Retry with the same key until acknowledged, alternating
                // between the processes still listed.
                loop {
                    let list = bases.lock().unwrap().clone();
                    let base = &list[(w + i + attempt) % list.len()];
                    attempt += 1;
                    match post(&c, base, "k9", &body, Some(&key)).await {
                        Ok((201, v)) => {
                            let id = v["comment"]["id"].as_str().unwrap().to_owned();
                            acked.lock().unwrap().insert(key.clone(), id);
                            break;
                        }
                        Ok((status, v)) => panic!("{key}: {status} {v}"),
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                }
                i += 1;
            }
        }));
    }
    for _ in 0..2 {
        let (stop, killed) = (stop.clone(), killed.clone());
        let (errors, reads, base) = (
            b_errors_after_kill.clone(),
            b_reads_after_kill.clone(),
            b_base.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let c = client();
            while !stop.load(Ordering::SeqCst) {
                let ok = c
                    .get(format!("{base}/api/v1/threads/k9/comments?limit=50"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if killed.load(Ordering::SeqCst) {
                    reads.fetch_add(1, Ordering::SeqCst);
                    if !ok {
                        errors.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before_kill = acked.lock().unwrap().len();
    a.kill9();
    killed.store(true, Ordering::SeqCst);
    bases.lock().unwrap().retain(|x| *x != a.base);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        before_kill > 10,
        "load before the kill: {before_kill} acknowledged"
    );
    assert!(
        acked.len() > before_kill,
        "writes went on through the other process"
    );
    assert_eq!(
        b_errors_after_kill.load(Ordering::SeqCst),
        0,
        "the other process kept serving"
    );
    assert!(b_reads_after_kill.load(Ordering::SeqCst) > 10);

    // Every acknowledged comment is stored exactly once.
    let store = ykien_server::Store::connect_existing(&url, 1)
        .await
        .unwrap();
    let rows = store.list_by_status(None, 1_000_000).await.unwrap();
    let mut stored: HashMap<String, usize> = HashMap::new();
    for r in rows.iter().filter(|r| r.thread == "k9") {
        *stored.entry(r.id.clone()).or_default() += 1;
    }
    for (key, id) in &acked {
        assert_eq!(stored.get(id), Some(&1), "{key} ({id}) lost or duplicated");
    }
    assert_eq!(
        stored.len(),
        acked.len(),
        "nothing stored that was not acknowledged"
    );
    let (stored_count, real) = store.published_counts("k9").await.unwrap();
    assert_eq!(stored_count, real);
    eprintln!(
        "kill -9 under load: acknowledged={} (before the kill {before_kill}), \
         reads through the survivor after the kill={}, errors=0",
        acked.len(),
        b_reads_after_kill.load(Ordering::SeqCst)
    );
    store.close().await;
}
