//! `cargo xtask` server benchmark: builds `ykien-server` optimised, starts it
//! on loopback with a fresh SQLite database, seeds a 200-comment thread and
//! measures throughput and latency with concurrent keep-alive clients.
//!
//! The load generator is plain std: one thread per connection speaking
//! HTTP/1.1 keep-alive over a `TcpStream`. Client and server share the same
//! 2 cores, so the figures are a lower bound for the server alone.
//!
//! Build profile: the workspace's `[profile.release]` is tuned for the wasm
//! widget (`opt-level = "z"`, `panic = "abort"`), which is wrong for a server
//! (slow, and a panic would kill the process instead of becoming a JSON 500).
//! The bench therefore builds with a `server` profile defined on the command
//! line (see [`SERVER_PROFILE`]); adding the same `[profile.server]` table to
//! the root Cargo.toml makes `cargo build --profile server -p ykien-server`
//! produce the identical binary for deployment.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// `--config` overrides defining the `server` cargo profile.
pub const SERVER_PROFILE: &[&str] = &[
    "profile.server.inherits=\"release\"",
    "profile.server.opt-level=3",
    "profile.server.lto=\"thin\"",
    "profile.server.codegen-units=16",
    "profile.server.panic=\"unwind\"",
];

/// Comments of the seeded thread (100 top-level, 100 replies).
pub(crate) const SEED_COMMENTS: usize = 200;

/// Kills the server when the bench ends, however it ends.
pub(crate) struct ServerProcess {
    child: Child,
    dir: PathBuf,
}

impl ServerProcess {
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

/// Builds `ykien-server` with the `server` profile, or takes the binary
/// named by `YKIEN_BENCH_SERVER_EXE` as it is (to measure another build
/// in alternating runs on this noisy machine).
pub(crate) fn build(root: &Path) -> Result<PathBuf, String> {
    if let Some(exe) = std::env::var_os("YKIEN_BENCH_SERVER_EXE").filter(|e| !e.is_empty()) {
        let exe = PathBuf::from(exe);
        eprintln!(
            "server-bench: measuring {} (YKIEN_BENCH_SERVER_EXE)",
            exe.display()
        );
        return if exe.is_file() {
            Ok(exe)
        } else {
            Err(format!("YKIEN_BENCH_SERVER_EXE: no file {}", exe.display()))
        };
    }
    eprintln!("server-bench: building ykien-server (profile `server`)...");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root).args([
        "build",
        "--quiet",
        "-p",
        "ykien-server",
        "--profile",
        "server",
    ]);
    for c in SERVER_PROFILE {
        cmd.args(["--config", c]);
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building ykien-server failed ({status})"));
    }
    let exe = target_dir(root).join("server").join("ykien-server");
    if exe.is_file() {
        Ok(exe)
    } else {
        Err(format!("built binary not found at {}", exe.display()))
    }
}

fn free_addr() -> Result<SocketAddr, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))
}

pub(crate) fn start_server(exe: &Path) -> Result<(ServerProcess, SocketAddr), String> {
    let dir = fresh_dir("ykien-bench")?;
    let db = format!("sqlite://{}/bench.db", dir.display());
    start_server_on(exe, dir, &db, &[])
}

/// A new empty directory under the system's temp dir.
pub(crate) fn fresh_dir(prefix: &str) -> Result<PathBuf, String> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Starts the server on `db` (rate limit off) with `extra` flags; `dir`
/// holds its log and is removed when the returned process is dropped.
pub(crate) fn start_server_on(
    exe: &Path,
    dir: PathBuf,
    db: &str,
    extra: &[&str],
) -> Result<(ServerProcess, SocketAddr), String> {
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let addr = free_addr()?;
    let log = std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?;
    let child = Command::new(exe)
        .arg("serve")
        .args(["--addr", &addr.to_string()])
        .args(["--database-url", db])
        // Bench POSTs all come from 127.0.0.1: no rate limit.
        .args(["--rate-limit-per-minute", "0"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let server = ServerProcess { child, dir };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(mut c) = Conn::open(addr) {
            if c.request("GET", "/api/v1/counts?threads=x", None)
                .is_ok_and(|(s, _)| s == 200)
            {
                return Ok((server, addr));
            }
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(server.dir.join("server.log")).unwrap_or_default();
            return Err(format!("server did not come up on {addr}:\n{log}"));
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// One HTTP/1.1 keep-alive connection.
pub(crate) struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

impl Conn {
    pub(crate) fn open(addr: SocketAddr) -> std::io::Result<Self> {
        let s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Self {
            writer: s.try_clone()?,
            reader: BufReader::with_capacity(64 * 1024, s),
            host: addr.to_string(),
        })
    }

    /// Sends a request and reads the whole response: (status, body).
    pub(crate) fn request(
        &mut self,
        method: &str,
        path: &str,
        json: Option<&str>,
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if let Some(body) = json {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        self.writer.write_all(req.as_bytes())?;

        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("bad status line"))?;
        let mut len: Option<usize> = None;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(bad("connection closed in headers"));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().ok();
                }
            }
        }
        let len = len.ok_or_else(|| bad("response without Content-Length"))?;
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body)?;
        Ok((status, body))
    }
}

pub(crate) fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// 200 comments: 100 top-level, 100 replies (some replies to replies),
/// bodies of varied length, as the widget would post them.
pub(crate) fn seed(addr: SocketAddr, thread: &str) -> Result<(), String> {
    let mut conn = Conn::open(addr).map_err(|e| e.to_string())?;
    let mut ids: Vec<String> = Vec::new();
    for i in 0..SEED_COMMENTS {
        let text =
            "Bình luận thử nghiệm về con đường ven sông và ngôi trường mới. ".repeat(1 + i % 5);
        let parent = if i % 2 == 1 && !ids.is_empty() {
            // Replies to a recent comment, which may itself be a reply.
            let p = &ids[ids.len() - 1 - (i / 2) % ids.len().min(4)];
            format!(",\"parent_id\":\"{p}\"")
        } else {
            String::new()
        };
        let body = format!(
            "{{\"author\":\"Độc giả {i}\",\"body\":\"{}\"{parent}}}",
            text.trim()
        );
        let (status, resp) = conn
            .request(
                "POST",
                &format!("/api/v1/threads/{thread}/comments"),
                Some(&body),
            )
            .map_err(|e| format!("seed: {e}"))?;
        if status != 201 {
            return Err(format!(
                "seed POST returned {status}: {}",
                String::from_utf8_lossy(&resp)
            ));
        }
        let resp = String::from_utf8_lossy(&resp);
        let id = resp
            .split("\"id\":\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .ok_or("seed: no id in response")?;
        ids.push(id.to_owned());
    }
    Ok(())
}

pub use crate::scale_bench::run;
