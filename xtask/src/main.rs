//! Project tasks: `cargo xtask demo | test | dist | bench`.
//!
//! Each task installs what a fresh machine of this project's kind lacks (checking
//! first, pinning versions), so the two commands in the README work anywhere the
//! package registries are reachable.

mod adapter_check;
mod css;
mod dist;
mod load_bench;
mod nginx;
mod ports;
mod postgres;
mod readme;
mod scale_bench;
mod server;
mod server_bench;
mod sh;
mod site;
mod size;
mod test;
mod tools;
mod widget_bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  demo    build the widget and serve the demo at http://127.0.0.1:8080 (Ctrl-C stops);
          the moderation desk is at /admin (a `demo` moderator is created on first run)
  test    every check: fmt, clippy, native tests, browser tests, size budget, end-to-end
  dist    build the release widget into dist/ (with .br/.gz and manifest.json),
          print file sizes and write them into README.md
  size [PART OWNER]
          where each part of the last `dist` build's module goes, by crate and by
          ykien module (raw code bytes, with the function names kept); with a part
          and an owner, that owner's biggest functions in it
  nginx   serve dist/ with the README's nginx snippet and check its headers
  adapter-check --api URL --thread ID [ADAPTER]
          fetch a thread with an adapter (a file or inline JSON; default the reference
          server's) the way the widget reads it, and print every comment, warning and
          page (docs/adapter.md)
  bench   widget sizes, the widget's rendering/typing cost in Chromium, the
          reference server's throughput and a 2-minute mixed load test with
          memory figures (tables, not tests);
          `bench widget`, `bench server` or `bench load` runs one of them;
          `--baseline REV` (or YKIEN_BENCH_BASELINE) is the revision the widget's
          download is compared with (default 292c027, built once into target/)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&root, &args[1..]),
        Some("test") => test::run_all(&root),
        Some("dist") => dist_task(&root),
        Some("size") => size::run_report(&root, &args[1..]),
        Some("nginx") => dist::build(&root).and_then(|_| nginx::check(&root)),
        Some("bench") => bench(&root, &args[1..]),
        Some("adapter-check") => adapter_check::run(&root, &args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn dist_task(root: &Path) -> Result<(), String> {
    let report = dist::build(root)?;
    report.print();
    if readme::update(root, &report)? {
        println!("README.md: size block updated (commit it with the change that moved it)");
    }
    Ok(())
}

fn demo(root: &Path, args: &[String]) -> Result<(), String> {
    let addr = args
        .iter()
        .position(|a| a == "--addr")
        .and_then(|i| args.get(i + 1))
        .map_or("127.0.0.1:8080", String::as_str);
    let addr = addr.parse().map_err(|e| format!("--addr {addr}: {e}"))?;
    // Before minutes of building, not after.
    ports::ensure_free(addr)?;
    let report = dist::build(root)?;
    report.print();
    let site = site::assemble_site(root)?;
    let exe = server::build(root)?;
    // From here on a signal stops the server instead of orphaning it.
    let signals = server::stop_on_signals()?;
    ports::ensure_free(addr)?;
    // The SQLite default, ./data/ykien.db, seeded with the demo thread on first run.
    let db = "sqlite://data/ykien.db";
    let running = server::start(&exe, root, addr, &site, db, &[])?;
    let desk = demo_moderator(&exe, root, db)?;
    println!("\nykien demo: {}/   (Ctrl-C stops)", running.base_url());
    println!(
        "Bàn kiểm duyệt / moderation desk: {}/admin",
        running.base_url()
    );
    println!("{desk}");
    running.wait(&signals)
}

/// The demo's moderator `demo`, created on first run with a random password
/// that is printed this once (the database keeps only its Argon2id hash).
fn demo_moderator(exe: &Path, root: &Path, db: &str) -> Result<String, String> {
    use std::process::Command;
    let list = Command::new(exe)
        .current_dir(root)
        .args(["admin", "list", "--database-url", db])
        .output()
        .map_err(|e| format!("ykien-server admin list: {e}"))?;
    let listed = String::from_utf8_lossy(&list.stdout);
    if listed
        .lines()
        .any(|l| l.split_whitespace().next() == Some("demo"))
    {
        return Ok(format!(
            "  tên / user: demo (mật khẩu đã in ở lần chạy đầu / printed on the first run; \
             đặt lại / reset: cargo run -p ykien-server -- admin passwd demo --database-url {db})"
        ));
    }
    let password = random_password()?;
    let out = Command::new(exe)
        .current_dir(root)
        .args(["admin", "add", "demo", "--database-url", db])
        .env("YKIEN_ADMIN_PASSWORD", &password)
        .output()
        .map_err(|e| format!("ykien-server admin add: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "creating the demo moderator failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(format!(
        "  tên / user: demo    mật khẩu / password: {password}\n  \
         (chỉ in lần này / shown only now; đổi / change: cargo run -p ykien-server -- admin passwd demo --database-url {db})"
    ))
}

/// 16 characters from the OS's random source, without look-alikes (0/O, 1/l).
fn random_password() -> Result<String, String> {
    use std::io::Read as _;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXYZ23456789";
    let mut bytes = [0u8; 64];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    // Rejection sampling keeps every character equally likely.
    let limit = 256 - 256 % ALPHABET.len();
    let pw: String = bytes
        .iter()
        .filter(|b| usize::from(**b) < limit)
        .take(16)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    if pw.len() < 16 {
        return Err("not enough random bytes".into());
    }
    Ok(pw)
}

fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    let mut which = None;
    let mut baseline = std::env::var(widget_bench::BASELINE_ENV).ok();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--baseline" {
            let rev = rest.next().ok_or("--baseline needs a revision")?;
            baseline = Some(rev.clone());
        } else if let Some(rev) = arg.strip_prefix("--baseline=") {
            baseline = Some(rev.to_owned());
        } else if which.is_none() && !arg.starts_with('-') {
            which = Some(arg.as_str());
        } else {
            return Err(format!("unexpected bench argument `{arg}`\n\n{USAGE}"));
        }
    }
    let baseline = baseline.unwrap_or_else(|| widget_bench::DEFAULT_BASELINE.to_owned());
    let (widget, server, load) = match which {
        None => (true, true, true),
        Some("widget") => (true, false, false),
        Some("server") => (false, true, false),
        Some("load") => (false, false, true),
        Some(other) => {
            return Err(format!(
                "unknown bench `{other}`: expected `widget`, `server` or `load`\n\n{USAGE}"
            ))
        }
    };
    if widget {
        let baseline = widget_bench::resolve(root, &baseline)?;
        let started = std::time::Instant::now();
        let report = dist::build(root)?;
        eprintln!(
            "dist/: `dist::build` took {:.0} s",
            started.elapsed().as_secs_f64()
        );
        report.print();
        println!();
        widget_bench::run(root, &baseline)?;
    }
    if server {
        println!();
        server_bench::run(root)?;
    }
    if load {
        println!();
        load_bench::run(root)?;
    }
    Ok(())
}
