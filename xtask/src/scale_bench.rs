//! `cargo xtask bench server`: `ykien-server` against nginx serving the same
//! bytes, measured side by side in one run (this machine is shared and
//! noisy, so the figures that matter are the ratios).
//!
//! - nginx (Debian's `nginx-light`, installed if missing) serves the exact
//!   bytes of each page under test as a file: the identity body and, for
//!   `Accept-Encoding: gzip`, the very gzip bytes ykien-server answers with
//!   (`gzip_static`). One worker process with nginx's defaults (no
//!   `sendfile`), as `cargo xtask nginx` runs it; `access_log off`.
//! - The same load generator runs against both: Debian's `wrk` (installed if
//!   missing), `-t2 -c32`, keep-alive, on the same 2 cores as the servers.
//! - Scenarios, on a 200-comment thread (100 top-level, 100 replies) and on a
//!   100,000-comment thread in a database of 1,000,000 comments: the first
//!   page (limit=50, ~46 KB) from the page cache, the same page with the
//!   cache off (`--page-cache-entries 0`, rendered from SQLite every time),
//!   both again with gzip, and POST (`synchronous=FULL`: fsync per commit).
//! - Growth: the cached, cache-off and POST scenarios once more, on the
//!   small and the big database alternately (two rounds), printed as the
//!   big thread's rate in % of the small one's. Every POST runs after every
//!   GET, so the reads measure the same pages throughout.
//! - A write-heavy hot thread: 20 new comments a second while 8 readers
//!   hammer its first page; every reader response is checked to hold every
//!   comment acknowledged before that request was sent.
//!
//! The 1,000,000-comment database is generated once (SQL through Python's
//! `sqlite3` module, one INSERT … SELECT) into `target/bench-data/` and
//! copied for each run. `YKIEN_BENCH_SECS` sets the seconds per scenario (6).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::server_bench::{
    build, fresh_dir, percentile, seed, start_server_on, Conn, SEED_COMMENTS,
};

const NGINX: &str = "/usr/sbin/nginx";
const WRK: &str = "/usr/bin/wrk";
/// The generated database: change the name when the generator changes.
const BIG_DB: &str = "big-1m-v1.db";
const BIG_TOTAL: usize = 1_000_000;
const BIG_THREAD_COMMENTS: usize = 100_000;
const PAGE: &str = "comments?limit=50";
/// Hot-thread scenario: comments per second, readers.
const HOT_WRITES_PER_SEC: u64 = 20;
const HOT_READERS: usize = 8;

#[derive(Debug, Clone, Default)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    errors: u64,
}

fn secs() -> u64 {
    std::env::var("YKIEN_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6)
}

fn apt_install(pkg: &str) -> Result<(), String> {
    let install = |update: bool| -> bool {
        if update {
            let _ = Command::new("apt-get")
                .args(["update", "-q"])
                .stdout(Stdio::null())
                .status();
        }
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends", pkg])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if install(false) || install(true) {
        Ok(())
    } else {
        Err(format!("apt-get install {pkg} failed"))
    }
}

fn ensure_tools() -> Result<(), String> {
    if !Path::new(NGINX).exists() {
        eprintln!("server-bench: installing nginx-light (Debian)...");
        apt_install("nginx-light")?;
    }
    if !Path::new(WRK).exists() {
        eprintln!("server-bench: installing wrk (Debian)...");
        apt_install("wrk")?;
    }
    Ok(())
}

fn ms(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => v / 1000.0,
        "ms" => v,
        "s" => v * 1000.0,
        _ => return None,
    })
}

/// Runs wrk against `url` and reads its summary.
fn wrk(url: &str, gzip: bool, script: Option<&Path>) -> Result<Run, String> {
    let mut cmd = Command::new(WRK);
    cmd.args(["-t2", "-c32", "--latency", "-d"])
        .arg(format!("{}s", secs()));
    if gzip {
        cmd.args(["-H", "Accept-Encoding: gzip"]);
    }
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    let out = cmd
        .arg(url)
        .output()
        .map_err(|e| format!("running wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut run = Run::default();
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("Requests/sec:") => {
                run.rps = words.next().and_then(|v| v.parse().ok()).unwrap_or(0.0)
            }
            Some("50%") => run.p50_ms = words.next().and_then(ms).unwrap_or(0.0),
            Some("99%") => run.p99_ms = words.next().and_then(ms).unwrap_or(0.0),
            Some("Non-2xx") => {
                run.errors += line
                    .rsplit(' ')
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            }
            Some("Socket") => {
                run.errors += line
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|v| v.parse::<u64>().ok())
                    .sum::<u64>()
            }
            _ if line.contains("requests in") => {
                run.requests = line
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            }
            _ => {}
        }
    }
    if run.rps == 0.0 {
        return Err(format!("wrk printed no rate for {url}:\n{text}"));
    }
    Ok(run)
}

struct Nginx {
    child: Child,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_nginx(work: &Path, root: &Path) -> Result<(Nginx, SocketAddr), String> {
    let addr = crate::server::free_addr()?;
    let w = work.display();
    let conf = format!(
        "daemon off;\nmaster_process off;\npid {w}/nginx.pid;\nerror_log {w}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  default_type application/json;\n  \
         keepalive_requests 1000000;\n  gzip_static on;\n  \
         client_body_temp_path {w}/body;\n  proxy_temp_path {w}/proxy;\n  \
         fastcgi_temp_path {w}/fastcgi;\n  uwsgi_temp_path {w}/uwsgi;\n  scgi_temp_path {w}/scgi;\n  \
         server {{ listen {addr}; root {r}; location / {{ }} }}\n}}\n",
        r = root.display()
    );
    let path = work.join("nginx.conf");
    std::fs::write(&path, conf).map_err(|e| e.to_string())?;
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(work)
        .arg("-e")
        .arg(work.join("error.log"))
        .arg("-c")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting nginx: {e}"))?;
    let nginx = Nginx { child };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok((nginx, addr));
        }
        thread::sleep(Duration::from_millis(50));
    }
    Err("nginx did not listen within 10 s".into())
}

/// The exact bytes a server answers for `path` (and with `Accept-Encoding:
/// gzip`, the gzip body); errors unless 200.
fn fetch(addr: SocketAddr, path: &str, gzip: bool) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--fail", "--raw"]);
    if gzip {
        cmd.args(["-H", "Accept-Encoding: gzip"]);
    }
    let out = cmd
        .arg(format!("http://{addr}{path}"))
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "GET {path}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// The 1,000,000-comment database (one thread of 100,000, 9,000 threads of
/// 100), generated once: the schema by the server itself, the rows by one
/// INSERT … SELECT over a recursive sequence, the stored counts, ANALYZE.
fn big_database(root: &Path, exe: &Path) -> Result<PathBuf, String> {
    let dir = crate::server_bench::target_dir(root).join("bench-data");
    let path = dir.join(BIG_DB);
    if path.is_file() {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let tmp = dir.join(format!("{BIG_DB}.tmp"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
    }
    eprintln!(
        "server-bench: generating {BIG_TOTAL} comments into {} (once)...",
        path.display()
    );
    let started = Instant::now();
    {
        // The schema, exactly as the server migrates it.
        let (server, _) = start_server_on(
            exe,
            fresh_dir("ykien-bench-schema")?,
            &format!("sqlite://{}", tmp.display()),
            &[],
        )?;
        drop(server);
    }
    let sentence = "Bình luận thử nghiệm về con đường ven sông và ngôi trường mới.";
    let script = format!(
        r#"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=DELETE")
db.execute("PRAGMA journal_mode=OFF")
db.execute("PRAGMA synchronous=OFF")
db.execute("PRAGMA cache_size=-500000")
s = {sentence:?}
long = " ".join([s] * 5)
db.execute("BEGIN")
db.execute('''
WITH RECURSIVE n(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM n WHERE g < {last}),
m AS (SELECT g,
  CASE WHEN g < {big} THEN g ELSE (g - {big}) % 100 END AS k,
  CASE WHEN g < {big} THEN 'big' ELSE 'other-' || ((g - {big}) / 100) END AS thread
  FROM n)
INSERT INTO comments (id, thread, parent_id, root_id, author, body, created_at, status,
  search_text, likes)
SELECT printf('%032x', g), thread,
  CASE k % 4 WHEN 1 THEN printf('%032x', g - 1) WHEN 3 THEN printf('%032x', g - 2) END,
  CASE k % 4 WHEN 1 THEN printf('%032x', g - 1) WHEN 3 THEN printf('%032x', g - 3)
    ELSE printf('%032x', g) END,
  'Độc giả ' || k, substr(?1, 1, {len} * (1 + k % 5) + (k % 5)),
  1700000000000 + g * 10, 'published', lower(substr(?1, 1, 40)), k % 7
FROM m''', (long,))
db.execute('''INSERT INTO thread_versions (thread, version, published)
  SELECT thread, 1, COUNT(*) FROM comments GROUP BY thread''')
db.execute("COMMIT")
db.execute("ANALYZE")
db.close()
"#,
        last = BIG_TOTAL - 1,
        big = BIG_THREAD_COMMENTS,
        len = sentence.chars().count(),
    );
    let status = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .arg(&tmp)
        .status()
        .map_err(|e| format!("python3: {e}"))?;
    if !status.success() {
        return Err(format!("generating the database failed ({status})"));
    }
    std::fs::rename(&tmp, &path).map_err(|e| e.to_string())?;
    eprintln!(
        "server-bench: generated in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(path)
}

struct Row {
    name: String,
    run: Run,
    nginx: f64,
}

/// One database: cached and uncached (gzip and identity), each against nginx
/// serving the same bytes.
fn scenarios(
    label: &str,
    thread: &str,
    cached: SocketAddr,
    uncached: SocketAddr,
    www: &Path,
    nginx: SocketAddr,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let path = format!("/api/v1/threads/{thread}/{PAGE}");
    let plain = fetch(cached, &path, false)?;
    let gz = fetch(cached, &path, true)?;
    let name = format!("{thread}.json");
    std::fs::write(www.join(&name), &plain).map_err(|e| e.to_string())?;
    std::fs::write(www.join(format!("{name}.gz")), &gz).map_err(|e| e.to_string())?;
    if fetch(uncached, &path, false)? != plain {
        return Err(format!("{label}: the uncached server answers other bytes"));
    }
    eprintln!(
        "server-bench: {label}: page {} B (gzip {} B)",
        plain.len(),
        gz.len()
    );
    let ngx_url = format!("http://{nginx}/{name}");
    for gzip in [false, true] {
        let enc = if gzip { "gzip" } else { "identity" };
        let n = wrk(&ngx_url, gzip, None)?;
        let c = wrk(&format!("http://{cached}{path}"), gzip, None)?;
        let u = wrk(&format!("http://{uncached}{path}"), gzip, None)?;
        rows.push(Row {
            name: format!("{label}: nginx, the page as a file ({enc})"),
            nginx: n.rps,
            run: n.clone(),
        });
        rows.push(Row {
            name: format!("{label}: GET page, cached ({enc})"),
            nginx: n.rps,
            run: c,
        });
        rows.push(Row {
            name: format!("{label}: GET page, cache off ({enc})"),
            nginx: n.rps,
            run: u,
        });
    }
    Ok(())
}

/// POST (fsync per commit) into `thread`, as a row after its GET rows. Run after
/// every GET of the bench, growth rounds included: the thousands of comments it
/// posts would otherwise change the very page those measure.
fn post_row(
    label: &str,
    thread: &str,
    addr: SocketAddr,
    post_script: &Path,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let prefix = format!("{label}: ");
    let nginx = rows
        .iter()
        .find(|r| r.name.starts_with(&prefix) && r.name.contains("nginx"))
        .map_or(0.0, |r| r.nginx);
    let at = rows
        .iter()
        .rposition(|r| r.name.starts_with(&prefix))
        .map_or(rows.len(), |i| i + 1);
    let run = wrk(
        &format!("http://{addr}/api/v1/threads/{thread}/comments"),
        false,
        Some(post_script),
    )?;
    rows.insert(
        at,
        Row {
            name: format!("{label}: POST comment (fsync per commit)"),
            nginx,
            run,
        },
    );
    Ok(())
}

/// 20 comments a second into `thread` while readers hammer its first page.
/// Returns the readers' figures, the writes acknowledged and the reads that
/// missed a comment acknowledged before they were sent.
fn hot_thread(addr: SocketAddr, thread: &str) -> Result<(Run, usize, usize, u64), String> {
    let secs = secs() + 4;
    let stop = Arc::new(AtomicBool::new(false));
    // Acknowledged ids, newest last (the first page holds the 50 newest).
    let acked: Arc<Mutex<VecDeque<String>>> = Arc::default();
    let writer = {
        let (stop, acked, thread) = (stop.clone(), acked.clone(), thread.to_owned());
        thread::spawn(move || -> Result<usize, String> {
            let mut conn = Conn::open(addr).map_err(|e| e.to_string())?;
            let period = Duration::from_millis(1000 / HOT_WRITES_PER_SEC);
            let start = Instant::now();
            let mut n = 0u32;
            while !stop.load(Ordering::SeqCst) {
                let body = format!(
                    "{{\"author\":\"Phóng viên\",\"body\":\"Cập nhật trực tiếp số {n}: diễn biến mới.\"}}"
                );
                let (status, resp) = conn
                    .request(
                        "POST",
                        &format!("/api/v1/threads/{thread}/comments"),
                        Some(&body),
                    )
                    .map_err(|e| e.to_string())?;
                if status != 201 {
                    return Err(format!("hot POST {status}"));
                }
                let resp = String::from_utf8_lossy(&resp);
                let id = resp
                    .split("\"id\":\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .ok_or("no id")?
                    .to_owned();
                {
                    let mut a = acked.lock().unwrap();
                    a.push_back(id);
                    if a.len() > 40 {
                        a.pop_front();
                    }
                }
                n += 1;
                let next = start + period * n;
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    thread::sleep(wait);
                }
            }
            Ok(n as usize)
        })
    };
    let started = Instant::now();
    let readers: Vec<_> = (0..HOT_READERS)
        .map(|_| {
            let (stop, acked, thread) = (stop.clone(), acked.clone(), thread.to_owned());
            thread::spawn(move || -> Result<(Vec<u64>, usize, u64), String> {
                let mut conn = Conn::open(addr).map_err(|e| e.to_string())?;
                let mut lat = Vec::new();
                let mut missed = 0;
                let mut errors = 0;
                let path = format!("/api/v1/threads/{thread}/{PAGE}");
                while !stop.load(Ordering::SeqCst) {
                    let expect: Vec<String> = acked.lock().unwrap().iter().cloned().collect();
                    let t = Instant::now();
                    match conn.request("GET", &path, None) {
                        Ok((200, body)) => {
                            lat.push(t.elapsed().as_micros() as u64);
                            let body = String::from_utf8_lossy(&body);
                            if expect
                                .iter()
                                .any(|id| !body.contains(&format!("\"id\":\"{id}\"")))
                            {
                                missed += 1;
                            }
                        }
                        _ => {
                            errors += 1;
                            conn = Conn::open(addr).map_err(|e| e.to_string())?;
                        }
                    }
                }
                Ok((lat, missed, errors))
            })
        })
        .collect();
    thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::SeqCst);
    let writes = writer.join().map_err(|_| "writer panicked")??;
    let mut all = Vec::new();
    let (mut missed, mut errors) = (0, 0);
    for r in readers {
        let (lat, m, e) = r.join().map_err(|_| "reader panicked")??;
        all.extend(lat);
        missed += m;
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let run = Run {
        rps: all.len() as f64 / elapsed,
        p50_ms: percentile(&all, 0.5) as f64 / 1000.0,
        p99_ms: percentile(&all, 0.99) as f64 / 1000.0,
        requests: all.len() as u64,
        errors,
    };
    Ok((run, writes, missed, errors))
}

/// Runs the benchmark and prints the table.
pub fn run(root: &Path) -> Result<Vec<(String, String)>, String> {
    let bench_started = Instant::now();
    ensure_tools()?;
    let exe = build(root)?;
    let big_src = big_database(root, &exe)?;
    let work = fresh_dir("ykien-scale-bench")?;
    let _cleanup = Cleanup(work.clone());
    let www = work.join("www");
    std::fs::create_dir_all(&www).map_err(|e| e.to_string())?;
    let post_script = work.join("post.lua");
    std::fs::write(
        &post_script,
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
         wrk.body = '{\"author\":\"Người đọc\",\"body\":\"Ý kiến từ kết nối này: mong dự án \
         minh bạch và đúng tiến độ.\"}'\n",
    )
    .map_err(|e| e.to_string())?;

    // Small thread: seeded through the API, as readers would post it.
    let small_db = format!("sqlite://{}/small.db", work.display());
    let (small_cached, a1) = start_server_on(&exe, work.join("s1"), &small_db, &[])?;
    seed(a1, "bench")?;
    let (small_uncached, a2) = start_server_on(
        &exe,
        work.join("s2"),
        &small_db,
        &["--page-cache-entries", "0"],
    )?;
    let (nginx, ngx) = start_nginx(&work, &www)?;
    let mut rows = Vec::new();
    let small_label = format!("{SEED_COMMENTS}-comment thread");
    scenarios(&small_label, "bench", a1, a2, &www, ngx, &mut rows)?;
    seed(a1, "hot")?;
    let (hot, hot_writes, hot_missed, _) = hot_thread(a1, "hot")?;

    // The 100,000-comment thread in 1,000,000 comments.
    let big_copy = work.join("big.db");
    std::fs::copy(&big_src, &big_copy).map_err(|e| format!("copying the big database: {e}"))?;
    let big_db = format!("sqlite://{}", big_copy.display());
    let (big_cached, b1) = start_server_on(&exe, work.join("b1"), &big_db, &[])?;
    let (big_uncached, b2) = start_server_on(
        &exe,
        work.join("b2"),
        &big_db,
        &["--page-cache-entries", "0"],
    )?;
    let big_label = format!("{BIG_THREAD_COMMENTS}-comment thread of {BIG_TOTAL}");
    scenarios(&big_label, "big", b1, b2, &www, ngx, &mut rows)?;
    drop(nginx);
    // Growth, measured head to head: each scenario on the small and the
    // big database alternately, twice (all four servers are up), so both
    // see the same machine; the growth figure is big ÷ small. The same pages
    // as the rows above: nothing has been posted to either thread yet.
    let small_page = format!("/api/v1/threads/bench/{PAGE}");
    let big_page = format!("/api/v1/threads/big/{PAGE}");
    let mut growth = Vec::new();
    let alternate = |small_url: &str, big_url: &str, gzip, script| -> Result<(f64, f64), String> {
        let (mut small, mut big) = (0.0, 0.0);
        for _ in 0..2 {
            small += wrk(small_url, gzip, script)?.rps;
            big += wrk(big_url, gzip, script)?.rps;
        }
        Ok((small / 2.0, big / 2.0))
    };
    for (what, small, big, gzip) in [
        ("GET page, cached (identity)", a1, b1, false),
        ("GET page, cache off (identity)", a2, b2, false),
        ("GET page, cached (gzip)", a1, b1, true),
    ] {
        let (s, b) = alternate(
            &format!("http://{small}{small_page}"),
            &format!("http://{big}{big_page}"),
            gzip,
            None,
        )?;
        growth.push((what, s, b));
    }
    // The writes come last: the thousands of comments they post would change
    // the pages the reads above measure.
    post_row(&small_label, "bench", a1, &post_script, &mut rows)?;
    post_row(&big_label, "big", b1, &post_script, &mut rows)?;
    let (s, b) = alternate(
        &format!("http://{a1}/api/v1/threads/bench/comments"),
        &format!("http://{b1}/api/v1/threads/big/comments"),
        false,
        Some(post_script.as_path()),
    )?;
    growth.push(("POST comment", s, b));
    drop(big_uncached);
    drop(big_cached);
    drop(small_uncached);
    drop(small_cached);

    println!(
        "\nykien-server vs nginx serving the same bytes: wrk -t2 -c32 keep-alive, {} s per \
         scenario, SQLite (WAL, synchronous=FULL), loopback, all on this machine's 2 cores;\n\
         nginx: 1 worker, defaults (no sendfile), access_log off. ratio = req/s ÷ nginx's req/s \
         for the same page and encoding, measured just before it",
        secs()
    );
    println!(
        "{:<70} {:>9} {:>8} {:>8} {:>7} {:>6}",
        "scenario", "req/s", "p50 ms", "p99 ms", "ratio", "errors"
    );
    let mut out = Vec::new();
    for r in &rows {
        println!(
            "{:<70} {:>9.0} {:>8.2} {:>8.2} {:>7.3} {:>6}",
            r.name,
            r.run.rps,
            r.run.p50_ms,
            r.run.p99_ms,
            r.run.rps / r.nginx.max(1.0),
            r.run.errors
        );
        out.push((r.name.clone(), format!("{:.0}", r.run.rps)));
    }
    let small_n = rows[0].nginx;
    println!(
        "{:<70} {:>9.0} {:>8.2} {:>8.2} {:>7.3} {:>6}",
        format!(
            "hot thread: {HOT_READERS} readers of page 1 while {HOT_WRITES_PER_SEC} comments/s are posted"
        ),
        hot.rps,
        hot.p50_ms,
        hot.p99_ms,
        hot.rps / small_n.max(1.0),
        hot.errors
    );
    println!(
        "hot thread: {hot_writes} comments acknowledged, {} reads, {hot_missed} reads missing a \
         comment acknowledged before they were sent",
        hot.requests
    );
    for (what, small, big) in &growth {
        println!(
            "growth, {what}: 200-comment thread {small:.0}/s, 100k thread {big:.0}/s \
             (alternating runs, mean of 2 each): {:.0} %",
            100.0 * big / small.max(1.0)
        );
        out.push((
            format!("growth {what}"),
            format!("{:.3}", big / small.max(1.0)),
        ));
    }
    println!(
        "targets: cached >= 0.5 of nginx, cache off >= 0.1, 100k within 20 %, 0 stale reads; \
         bench took {:.0} s",
        bench_started.elapsed().as_secs_f64()
    );
    out.push(("hot thread stale reads".into(), hot_missed.to_string()));
    Ok(out)
}

struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
