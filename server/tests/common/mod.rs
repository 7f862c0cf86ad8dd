//! Test harness: starts a real server on 127.0.0.1:0 in-process against a
//! fresh SQLite file or a fresh PostgreSQL database, and talks HTTP to it.

#![allow(dead_code)]

use std::io::Write as _;
use std::sync::Once;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection as _;
use ykien_server::{RunningServer, ServeArgs, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const PG_ENV: &str = "YKIEN_TEST_DATABASE_URL";

pub fn pg_admin_url() -> Option<String> {
    std::env::var(PG_ENV).ok().filter(|s| !s.trim().is_empty())
}

/// Printed straight to the terminal (not through the test output capture)
/// so a skipped PostgreSQL run cannot go unnoticed.
pub fn pg_skip_notice() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let mut err = std::io::stderr();
        let _ = writeln!(
            err,
            "\n**********************************************************************\n\
             SKIPPED: PostgreSQL tests ({PG_ENV} unset)\n\
             **********************************************************************\n"
        );
    });
}

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub db_url: String,
    server: Option<RunningServer>,
    _dir: tempfile::TempDir,
}

/// `postgres://u@h:p/db?x` -> `postgres://u@h:p/NAME?x`
fn with_database(url: &str, name: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = main.find("://").map_or(0, |i| i + 3);
    let base = match main[scheme_end..].find('/') {
        Some(i) => &main[..scheme_end + i],
        None => main,
    };
    format!("{base}/{name}{query}")
}

/// A URL for a fresh, empty database of `backend` (a file in `dir` for
/// SQLite); `None` when PostgreSQL is not configured.
pub async fn fresh_database_url(backend: Backend, dir: &std::path::Path) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}/test.db", dir.display())),
        Backend::Postgres => match pg_admin_url() {
            Some(admin) => Some(fresh_pg_database(&admin).await),
            None => {
                pg_skip_notice();
                None
            }
        },
    }
}

pub async fn fresh_pg_database(admin: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("ykien_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::AnyConnection::connect(admin)
        .await
        .expect("connect to YKIEN_TEST_DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    with_database(admin, &name)
}

impl TestServer {
    /// Starts a server; `None` when the backend is PostgreSQL and no
    /// database URL is configured (the caller then skips).
    pub async fn start(backend: Backend, tweak: impl FnOnce(&mut ServeArgs)) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let db_url = match backend {
            Backend::Sqlite => format!("sqlite://{}/test.db", dir.path().display()),
            Backend::Postgres => match pg_admin_url() {
                Some(admin) => fresh_pg_database(&admin).await,
                None => {
                    pg_skip_notice();
                    return None;
                }
            },
        };
        let mut args = ServeArgs::defaults();
        args.addr = "127.0.0.1:0".parse().unwrap();
        args.database_url = db_url.clone();
        args.rate_limit_per_minute = 0;
        args.db_max_connections = 4;
        tweak(&mut args);
        let server = ykien_server::start(&args).await.expect("server starts");
        let base = format!("http://{}", server.addr);
        Some(Self {
            base,
            client: reqwest::Client::new(),
            db_url,
            server: Some(server),
            _dir: dir,
        })
    }

    pub fn store(&self) -> &Store {
        &self.server.as_ref().expect("running").store
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, HeaderMap, Value) {
        let res = self.client.get(self.url(path)).send().await.expect("GET");
        split(res).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, HeaderMap, Value) {
        let res = self
            .client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST");
        split(res).await
    }

    /// POST a comment to `thread`, returning status and JSON.
    pub async fn comment(&self, thread: &str, body: Value) -> (StatusCode, Value) {
        let (s, _, v) = self
            .post_json(&format!("/api/v1/threads/{thread}/comments"), &body)
            .await;
        (s, v)
    }

    /// POST a published comment and return its id.
    pub async fn add(
        &self,
        thread: &str,
        author: &str,
        body: &str,
        parent: Option<&str>,
    ) -> String {
        let mut v = serde_json::json!({"author": author, "body": body});
        if let Some(p) = parent {
            v["parent_id"] = p.into();
        }
        let (s, v) = self.comment(thread, v).await;
        assert!(
            s == StatusCode::CREATED || s == StatusCode::ACCEPTED,
            "{s} {v}"
        );
        v["comment"]["id"].as_str().expect("id").to_owned()
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await.expect("clean shutdown");
        }
    }
}

pub async fn split(res: reqwest::Response) -> (StatusCode, HeaderMap, Value) {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.expect("body");
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "non-JSON body for {status}: {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    (status, headers, value)
}

pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// Each named `async fn name(backend: Backend)` of the test file as two tests,
/// `sqlite::name` and `postgres::name` (skipped with a notice without PostgreSQL).
#[allow(unused_macros)]
macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Sqlite).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Postgres).await }
        )* }
    };
}
