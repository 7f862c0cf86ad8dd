//! Migrations under concurrent starts: several `ykien-server` processes started
//! at the same moment against one fresh database must all come up, and the
//! schema must be applied once. Also: a database made by the first runner
//! (schema version 1 only) upgrades without re-running 0001.

#[macro_use]
mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{fresh_database_url, Backend};
use sqlx::Connection as _;
use ykien_server::db::migration_versions;
use ykien_server::Store;

const PROCESSES: usize = 4;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts PROCESSES servers on `db_url` at once and waits until each answers
/// HTTP; panics naming any that exited instead.
async fn start_together(db_url: &str) {
    let ports: Vec<u16> = (0..PROCESSES).map(|_| free_port()).collect();
    let mut procs: Vec<Proc> = ports
        .iter()
        .map(|port| {
            Proc(
                Command::new(env!("CARGO_BIN_EXE_ykien-server"))
                    .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
                    .args(["--database-url", db_url])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start ykien-server"),
            )
        })
        .collect();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    for (i, port) in ports.iter().enumerate() {
        let probe = format!("http://127.0.0.1:{port}/api/v1/threads/probe/comments?limit=1");
        loop {
            if let Ok(r) = client.get(&probe).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            if let Ok(Some(status)) = procs[i].0.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = procs[i].0.stderr.take() {
                    use std::io::Read as _;
                    let _ = e.read_to_string(&mut err);
                }
                panic!("server {i} of {PROCESSES} exited ({status}) instead of starting:\n{err}");
            }
            assert!(
                Instant::now() < deadline,
                "server {i} did not answer within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn concurrent_process_starts(backend: Backend) {
    // Several rounds: the race window is a few milliseconds wide.
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let Some(url) = fresh_database_url(backend, dir.path()).await else {
            return;
        };
        start_together(&url).await;
        let store = Store::connect(&url, 1).await.expect("connect");
        assert_eq!(
            store.schema_versions().await.unwrap(),
            migration_versions(),
            "round {round}: every migration recorded once"
        );
        store.close().await;
    }
}

async fn concurrent_in_process_connects(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = fresh_database_url(backend, dir.path()).await else {
        return;
    };
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { Store::connect(&url, 1).await })
        })
        .collect();
    for t in tasks {
        let store = t.await.unwrap().expect("every connect migrates or waits");
        assert_eq!(store.schema_versions().await.unwrap(), migration_versions());
        store.close().await;
    }
}

/// The state the first runner left: 0001 applied, `ykien_schema` = {1}.
async fn legacy_database_upgrades(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = fresh_database_url(backend, dir.path()).await else {
        return;
    };
    sqlx::any::install_default_drivers();
    let raw_url = if backend == Backend::Sqlite {
        format!("{url}?mode=rwc")
    } else {
        url.clone()
    };
    let mut conn = sqlx::AnyConnection::connect(&raw_url).await.unwrap();
    let init = include_str!("../migrations/0001_init.sql");
    let code: String = init
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for stmt in code.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        sqlx::query(stmt).execute(&mut conn).await.unwrap();
    }
    for stmt in [
        "CREATE TABLE ykien_schema (version BIGINT PRIMARY KEY NOT NULL)",
        "INSERT INTO ykien_schema (version) VALUES (1)",
        "INSERT INTO comments (id, thread, parent_id, root_id, author, body, created_at, status) \
         VALUES ('old1', 'cu', NULL, 'old1', 'Lan', 'Bình luận cũ', 1700000000000, 'published')",
    ] {
        sqlx::query(stmt).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = Store::connect(&url, 1)
        .await
        .expect("an old database upgrades (0001 is not re-run)");
    assert_eq!(store.schema_versions().await.unwrap(), migration_versions());
    let old = store
        .comment("old1")
        .await
        .unwrap()
        .expect("old comment kept");
    assert_eq!(old.body, "Bình luận cũ");
    // The stored per-thread count is backfilled for threads that existed.
    assert_eq!(store.published_counts("cu").await.unwrap(), (1, 1));
    store.close().await;
    // And a second start changes nothing.
    let again = Store::connect(&url, 1).await.unwrap();
    assert_eq!(again.schema_versions().await.unwrap(), migration_versions());
    again.close().await;
}

suite!(
    concurrent_process_starts,
    concurrent_in_process_connects,
    legacy_database_upgrades
);

/// `ykien-server moderate …` on a SQLite path that does not exist fails and
/// names the path, and creates nothing; the global flag works before or after
/// the subcommand; `serve` still creates the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderate_never_creates_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/typo.db");
    let url = format!("sqlite://{}", path.display());
    let exe = env!("CARGO_BIN_EXE_ykien-server");
    let run = |args: &[&str]| {
        Command::new(exe)
            .args(args)
            .env_remove("YKIEN_DATABASE_URL")
            .output()
            .expect("run ykien-server")
    };
    for args in [
        vec!["moderate", "list", "--database-url", url.as_str()],
        vec!["--database-url", url.as_str(), "moderate", "list"],
        vec!["moderate", "--database-url", url.as_str(), "approve", "x"],
    ] {
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} must fail");
        assert!(
            err.contains(&path.display().to_string()) && err.contains("does not exist"),
            "{args:?}: the error names the path: {err}"
        );
        assert!(!path.exists(), "{args:?} created {}", path.display());
        assert!(!path.parent().unwrap().exists(), "nor its directory");
    }

    // serve creates it; then moderate works on it, flag on either side.
    let store = Store::connect(&url, 1)
        .await
        .expect("serve's connect creates");
    store.close().await;
    for args in [
        vec!["moderate", "list", "--database-url", url.as_str()],
        vec!["--database-url", url.as_str(), "moderate", "list"],
    ] {
        let out = run(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "no pending comments"
        );
    }
    // A serve flag before another subcommand is an error, not ignored.
    let out = run(&[
        "--addr",
        "127.0.0.1:1",
        "moderate",
        "list",
        "--database-url",
        &url,
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--addr is a flag of `serve`"));
}
