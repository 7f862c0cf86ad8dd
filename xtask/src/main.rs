//! Project tasks: `cargo xtask demo | test | dist | bench`.
//!
//! Each task installs what a fresh machine of this project's kind lacks (checking
//! first, pinning versions), so the two commands in the README work anywhere the
//! package registries are reachable.

mod dist;
mod serve;
mod sh;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  demo    build the widget and serve the demo at http://127.0.0.1:8080 (Ctrl-C stops)
  test    every check: fmt, clippy, native tests, browser tests, size budget, end-to-end
  dist    build the release widget into dist/ and print file sizes
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&root, &args[1..]),
        Some("test") => test::run_all(&root),
        Some("dist") => dist::build(&root).map(|report| report.print()),
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

fn demo(root: &Path, args: &[String]) -> Result<(), String> {
    let addr = args
        .iter()
        .position(|a| a == "--addr")
        .and_then(|i| args.get(i + 1))
        .map_or("127.0.0.1:8080", String::as_str);
    let report = dist::build(root)?;
    report.print();
    let site = serve::assemble_site(root)?;
    println!("\nykien demo: http://{addr}/   (Ctrl-C stops)");
    serve::serve_forever(&site, addr)
}
