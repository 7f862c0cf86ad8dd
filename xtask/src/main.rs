//! Project tasks: `cargo xtask demo | test | dist | bench`.
//!
//! Each task installs what a fresh machine of this project's kind lacks (checking
//! first, pinning versions), so the two commands in the README work anywhere the
//! package registries are reachable.

mod css;
mod dist;
mod load_bench;
mod nginx;
mod ports;
mod postgres;
mod readme;
mod server;
mod server_bench;
mod sh;
mod site;
mod test;
mod tools;
mod widget_bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  demo    build the widget and serve the demo at http://127.0.0.1:8080 (Ctrl-C stops)
  test    every check: fmt, clippy, native tests, browser tests, size budget, end-to-end
  dist    build the release widget into dist/ (with .br/.gz and manifest.json),
          print file sizes and write them into README.md
  nginx   serve dist/ with the README's nginx snippet and check its headers
  bench   widget sizes, the widget's rendering/typing cost in Chromium, the
          reference server's throughput and a 2-minute mixed load test with
          memory figures (tables, not tests);
          `bench widget`, `bench server` or `bench load` runs one of them
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&root, &args[1..]),
        Some("test") => test::run_all(&root),
        Some("dist") => dist_task(&root),
        Some("nginx") => dist::build(&root).and_then(|_| nginx::check(&root)),
        Some("bench") => bench(&root, args.get(1).map(String::as_str)),
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
    let running = server::start(&exe, root, addr, &site, "sqlite://data/ykien.db", &[])?;
    println!("\nykien demo: {}/   (Ctrl-C stops)", running.base_url());
    running.wait(&signals)
}

fn bench(root: &Path, which: Option<&str>) -> Result<(), String> {
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
        let report = dist::build(root)?;
        report.print();
        println!();
        widget_bench::run(root)?;
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
