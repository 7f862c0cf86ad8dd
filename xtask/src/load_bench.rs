//! `cargo xtask bench load`: two minutes of saturation on loopback against the
//! optimised `ykien-server` (SQLite, rate limit off): 90 % GETs of comment
//! pages of a few threads (first pages and cursor pages), 10 % POSTs to the
//! same threads, so cached pages keep being invalidated and re-rendered.
//! Reports throughput, p50/p99 latency per kind, errors, and the server's
//! resident memory (VmRSS) over the run to show it does not grow.
//!
//! `YKIEN_LOAD_SECS` shortens the run (default 120).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::server_bench::{build, percentile, start_server, Conn};

const DEFAULT_SECS: u64 = 120;
/// Concurrent keep-alive connections (as in the throughput bench).
const CONNECTIONS: usize = 8;
const THREADS: usize = 4;
/// Top-level comments and replies seeded per thread.
const SEED_PER_THREAD: usize = 120;
/// One request in POST_EVERY is a POST.
const POST_EVERY: u64 = 10;
/// RSS and throughput are sampled this often.
const SAMPLE_SECS: u64 = 10;

#[derive(Default)]
struct WorkerResult {
    get_us: Vec<u64>,
    post_us: Vec<u64>,
    rate_limited: u64,
    errors: u64,
    first_error: Option<String>,
}

/// VmRSS of `pid` in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn seed(addr: SocketAddr) -> Result<(), String> {
    let mut conn = Conn::open(addr).map_err(|e| e.to_string())?;
    for t in 0..THREADS {
        let mut last_top = String::new();
        for i in 0..SEED_PER_THREAD {
            let parent = if i % 3 == 2 {
                format!(",\"parent_id\":\"{last_top}\"")
            } else {
                String::new()
            };
            let body = format!(
                "{{\"author\":\"Độc giả {i}\",\"body\":\"Bình luận {i}: {}\"{parent}}}",
                "con đường ven sông và ngôi trường mới "
                    .repeat(1 + i % 4)
                    .trim()
            );
            let (status, resp) = conn
                .request(
                    "POST",
                    &format!("/api/v1/threads/load-{t}/comments"),
                    Some(&body),
                )
                .map_err(|e| format!("seed: {e}"))?;
            if status != 201 {
                return Err(format!(
                    "seed POST returned {status}: {}",
                    String::from_utf8_lossy(&resp)
                ));
            }
            if parent.is_empty() {
                last_top = json_str(&resp, "id").ok_or("seed: no id")?;
            }
        }
    }
    Ok(())
}

/// The string value of the first `"key":"…"` in a JSON response.
fn json_str(body: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let end = start + text[start..].find('"')?;
    Some(text[start..end].to_owned())
}

fn worker(
    w: usize,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
) -> Result<WorkerResult, String> {
    let mut conn = Conn::open(addr).map_err(|e| format!("connect: {e}"))?;
    let mut out = WorkerResult::default();
    let mut cursors: Vec<Option<String>> = vec![None; THREADS];
    // xorshift64: deterministic per worker, no dependency.
    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ (w as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407);
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let r = next();
        let t = (r >> 8) as usize % THREADS;
        let is_post = r % POST_EVERY == 0;
        let (method, path, body) = if is_post {
            (
                "POST",
                format!("/api/v1/threads/load-{t}/comments"),
                Some(format!(
                    "{{\"author\":\"Người đọc {w}\",\"body\":\"Ý kiến {i} từ kết nối {w}: \
                     mong dự án minh bạch và đúng tiến độ.\"}}"
                )),
            )
        } else {
            // One GET in four loads the next page, like "more comments".
            let cursor = match &cursors[t] {
                Some(c) if (r >> 20) % 4 == 0 => format!("&cursor={c}"),
                _ => String::new(),
            };
            (
                "GET",
                format!("/api/v1/threads/load-{t}/comments?limit=20{cursor}"),
                None,
            )
        };
        let start = Instant::now();
        match conn.request(method, &path, body.as_deref()) {
            Ok((status, resp)) if (200..300).contains(&status) => {
                let us = start.elapsed().as_micros() as u64;
                if is_post {
                    out.post_us.push(us);
                } else {
                    out.get_us.push(us);
                    if !path.contains("cursor=") {
                        cursors[t] = json_str(&resp, "next_cursor");
                    }
                }
            }
            Ok((429, _)) => out.rate_limited += 1,
            Ok((status, resp)) => {
                out.errors += 1;
                out.first_error.get_or_insert_with(|| {
                    format!(
                        "{method} {path}: {status} {}",
                        String::from_utf8_lossy(&resp)
                    )
                });
            }
            Err(e) => {
                out.errors += 1;
                out.first_error
                    .get_or_insert_with(|| format!("{method} {path}: {e}"));
                conn = Conn::open(addr).map_err(|e| format!("reconnect: {e}"))?;
            }
        }
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(out)
}

pub fn run(root: &Path) -> Result<(), String> {
    let secs = std::env::var("YKIEN_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&s: &u64| s > 0)
        .unwrap_or(DEFAULT_SECS);
    let exe = build(root)?;
    let (server, addr) = start_server(&exe)?;
    let pid = server.pid();
    seed(addr)?;
    let rss_start = rss_kib(pid).ok_or("cannot read the server's VmRSS")?;
    eprintln!(
        "load-bench: {secs} s, {CONNECTIONS} connections, {}% GET / {}% POST over {THREADS} threads",
        100 - 100 / POST_EVERY,
        100 / POST_EVERY
    );

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|w| {
            let (stop, done) = (stop.clone(), done.clone());
            thread::spawn(move || worker(w, addr, stop, done))
        })
        .collect();

    // (elapsed s, requests in the window per second, RSS KiB)
    let mut samples: Vec<(u64, f64, u64)> = Vec::new();
    let mut last = 0;
    let mut at = 0;
    while at < secs {
        let step = SAMPLE_SECS.min(secs - at);
        thread::sleep(Duration::from_secs(step));
        at += step;
        let now = done.load(Ordering::Relaxed);
        let rss = rss_kib(pid).unwrap_or(0);
        samples.push((at, (now - last) as f64 / step as f64, rss));
        eprintln!(
            "load-bench: {at:>4} s  {:>7.0} req/s  RSS {:.1} MiB",
            (now - last) as f64 / step as f64,
            rss as f64 / 1024.0
        );
        last = now;
    }
    stop.store(true, Ordering::Relaxed);
    let mut total = WorkerResult::default();
    for h in workers {
        let r = h.join().map_err(|_| "load thread panicked".to_owned())??;
        total.get_us.extend(r.get_us);
        total.post_us.extend(r.post_us);
        total.rate_limited += r.rate_limited;
        total.errors += r.errors;
        if total.first_error.is_none() {
            total.first_error = r.first_error;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rss_end = rss_kib(pid).unwrap_or(0);
    drop(server);

    let rss_mid = samples
        .iter()
        .find(|s| s.0 >= secs / 2)
        .map_or(rss_end, |s| s.2);
    let rss_max = samples.iter().map(|s| s.2).max().unwrap_or(rss_end);
    total.get_us.sort_unstable();
    total.post_us.sort_unstable();
    let mut all: Vec<u64> = total.get_us.iter().chain(&total.post_us).copied().collect();
    all.sort_unstable();
    let ms = |us: u64| us as f64 / 1000.0;
    let mib = |kib: u64| kib as f64 / 1024.0;

    println!(
        "\nykien-server load test: {elapsed:.0} s at saturation, {CONNECTIONS} keep-alive \
         connections, loopback, SQLite (WAL, synchronous=FULL), rate limit off"
    );
    println!(
        "{:<8} {:>10} {:>9} {:>10} {:>10} {:>10}",
        "kind", "requests", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    for (name, lat) in [
        ("GET", &total.get_us),
        ("POST", &total.post_us),
        ("all", &all),
    ] {
        println!(
            "{name:<8} {:>10} {:>9.0} {:>10.2} {:>10.2} {:>10.2}",
            lat.len(),
            lat.len() as f64 / elapsed,
            ms(percentile(lat, 0.50)),
            ms(percentile(lat, 0.99)),
            ms(lat.last().copied().unwrap_or(0))
        );
    }
    println!(
        "errors: {} (rate-limited 429s: {})",
        total.errors, total.rate_limited
    );
    let window: Vec<String> = samples.iter().map(|s| format!("{:.0}", s.1)).collect();
    println!("req/s per {SAMPLE_SECS} s window: {}", window.join(" "));
    println!(
        "server RSS: start {:.1} MiB, middle {:.1} MiB, end {:.1} MiB (max {:.1} MiB)",
        mib(rss_start),
        mib(rss_mid),
        mib(rss_end),
        mib(rss_max)
    );
    if total.errors > 0 {
        return Err(format!(
            "{} failed requests under load; first: {}",
            total.errors,
            total.first_error.unwrap_or_default()
        ));
    }
    Ok(())
}
