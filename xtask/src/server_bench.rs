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

/// Seconds per scenario.
const SCENARIO_SECS: u64 = 10;
/// Concurrent keep-alive connections per scenario.
const CONNECTIONS: usize = 8;
const SEED_THREAD: &str = "bench";
const SEED_COMMENTS: usize = 200;

/// Throughput targets on the reference 2-core machine.
const TARGET_GET_RPS: f64 = 5_000.0;
const TARGET_POST_RPS: f64 = 500.0;

struct Stats {
    name: &'static str,
    requests: usize,
    errors: usize,
    secs: f64,
    p50_us: u64,
    p99_us: u64,
    max_us: u64,
}

impl Stats {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.secs
    }
}

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

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

pub(crate) fn build(root: &Path) -> Result<PathBuf, String> {
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
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("ykien-bench-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let addr = free_addr()?;
    let log = std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?;
    let child = Command::new(exe)
        .arg("serve")
        .args(["--addr", &addr.to_string()])
        .arg("--database-url")
        .arg(format!("sqlite://{}/bench.db", dir.display()))
        // Bench POSTs all come from 127.0.0.1: no rate limit.
        .args(["--rate-limit-per-minute", "0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let server = ServerProcess { child, dir };
    let deadline = Instant::now() + Duration::from_secs(15);
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

/// Runs `make_request(worker, i)` on CONNECTIONS threads for `secs`.
fn scenario(
    name: &'static str,
    addr: SocketAddr,
    secs: u64,
    make_request: fn(usize, usize) -> (&'static str, String, Option<String>),
) -> Result<Stats, String> {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let handles: Vec<_> = (0..CONNECTIONS)
        .map(|w| {
            thread::spawn(move || -> Result<(Vec<u64>, usize), String> {
                let mut conn = Conn::open(addr).map_err(|e| format!("connect: {e}"))?;
                let mut lat = Vec::with_capacity(100_000);
                let mut errors = 0;
                let mut i = 0;
                while Instant::now() < deadline {
                    let (method, path, body) = make_request(w, i);
                    i += 1;
                    let t = Instant::now();
                    match conn.request(method, &path, body.as_deref()) {
                        Ok((status, _)) if (200..300).contains(&status) => {
                            lat.push(t.elapsed().as_micros() as u64)
                        }
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            conn = Conn::open(addr).map_err(|e| format!("reconnect: {e}"))?;
                        }
                    }
                }
                Ok((lat, errors))
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (lat, e) = h.join().map_err(|_| "load thread panicked".to_owned())??;
        all.extend(lat);
        errors += e;
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort_unstable();
    Ok(Stats {
        name,
        requests: all.len(),
        errors,
        secs,
        p50_us: percentile(&all, 0.50),
        p99_us: percentile(&all, 0.99),
        max_us: all.last().copied().unwrap_or(0),
    })
}

/// 200 comments: 100 top-level, 100 replies (some replies to replies),
/// bodies of varied length, as the widget would post them.
fn seed(addr: SocketAddr) -> Result<(), String> {
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
                &format!("/api/v1/threads/{SEED_THREAD}/comments"),
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

fn get_list(_w: usize, _i: usize) -> (&'static str, String, Option<String>) {
    (
        "GET",
        format!("/api/v1/threads/{SEED_THREAD}/comments?limit=50"),
        None,
    )
}

/// A pending token (here a dummy) makes the response personal, so it skips
/// the page cache: this measures rendering from the database every time.
fn get_list_uncached(_w: usize, _i: usize) -> (&'static str, String, Option<String>) {
    (
        "GET",
        format!("/api/v1/threads/{SEED_THREAD}/comments?limit=50&pending=bench"),
        None,
    )
}

fn get_counts(_w: usize, _i: usize) -> (&'static str, String, Option<String>) {
    ("GET", "/api/v1/counts?threads=bench,a,b,c,d".into(), None)
}

fn post_create(w: usize, i: usize) -> (&'static str, String, Option<String>) {
    (
        "POST",
        format!("/api/v1/threads/bench-post-{}/comments", w % 4),
        Some(format!(
            "{{\"author\":\"Người đọc {w}\",\"body\":\"Ý kiến số {i} từ kết nối {w}: \
             mong dự án minh bạch và đúng tiến độ.\"}}"
        )),
    )
}

/// Runs the benchmark; returns (metric, value) rows and prints a table.
pub fn run(root: &Path) -> Result<Vec<(String, String)>, String> {
    let exe = build(root)?;
    let (server, addr) = start_server(&exe)?;
    seed(addr)?;
    // Short warm-up so page cache and statement caches are hot.
    scenario("warm-up", addr, 1, get_list)?;

    let results = [
        scenario("GET thread (limit=50)", addr, SCENARIO_SECS, get_list)?,
        scenario(
            "GET thread, uncached",
            addr,
            SCENARIO_SECS / 2,
            get_list_uncached,
        )?,
        scenario("POST comment", addr, SCENARIO_SECS, post_create)?,
        scenario(
            "GET counts (5 threads)",
            addr,
            SCENARIO_SECS / 2,
            get_counts,
        )?,
    ];
    drop(server);

    println!(
        "\nykien-server benchmark: SQLite (WAL, synchronous=FULL), {CONNECTIONS} keep-alive \
         connections, loopback, client and server on the same machine"
    );
    println!(
        "{:<24} {:>10} {:>9} {:>7} {:>10} {:>10} {:>10}",
        "scenario", "req/s", "requests", "errors", "p50 ms", "p99 ms", "max ms"
    );
    let mut rows = Vec::new();
    for s in &results {
        println!(
            "{:<24} {:>10.0} {:>9} {:>7} {:>10.2} {:>10.2} {:>10.2}",
            s.name,
            s.rps(),
            s.requests,
            s.errors,
            s.p50_us as f64 / 1000.0,
            s.p99_us as f64 / 1000.0,
            s.max_us as f64 / 1000.0
        );
        rows.push((format!("{} req/s", s.name), format!("{:.0}", s.rps())));
        rows.push((
            format!("{} p50/p99 ms", s.name),
            format!(
                "{:.2}/{:.2}",
                s.p50_us as f64 / 1000.0,
                s.p99_us as f64 / 1000.0
            ),
        ));
        rows.push((format!("{} errors", s.name), s.errors.to_string()));
    }
    let get_ok = results[0].rps() >= TARGET_GET_RPS;
    let post_ok = results[2].rps() >= TARGET_POST_RPS;
    println!(
        "targets: GET >= {TARGET_GET_RPS:.0}/s {}, POST >= {TARGET_POST_RPS:.0}/s {}",
        if get_ok { "MET" } else { "MISSED" },
        if post_ok { "MET" } else { "MISSED" }
    );
    rows.push(("targets met".into(), (get_ok && post_ok).to_string()));
    Ok(rows)
}
