//! `cargo xtask test`: every check CI runs, in the order that fails fastest.

use std::path::Path;
use std::process::Command;

use crate::sh::{cargo, run};
use crate::{dist, nginx, postgres, readme, server, site, tools};

pub fn run_all(root: &Path) -> Result<(), String> {
    tools::ensure_build_tools(root)?;
    tools::ensure_wasm_pack(root)?;
    tools::ensure_chromium()?;

    step("format");
    run(cargo(root).args(["fmt", "--all", "--check"]))?;

    step("clippy (native and wasm32)");
    run(cargo(root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo(root).args([
        "clippy",
        "--package",
        "ykien",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("SMTP sink for the email alert test (aiosmtpd in target/smtp-sink-venv)");
    ensure_smtp_sink(root)?;

    step("native tests (the server's against SQLite)");
    run(cargo(root).args(["test", "--workspace"]))?;

    step("reference server tests against PostgreSQL");
    // Kept until the end: the desk's end-to-end test runs on it too.
    let pg = postgres::ensure_postgres()?;
    match &pg {
        Some(pg) => run(cargo(root)
            .args(["test", "--package", "ykien-server", "--test", "api"])
            .args(["--test", "hostile", "--test", "migrate", "--test", "desk"])
            .args([
                "--test",
                "reader",
                "--test",
                "counts",
                "--test",
                "multiprocess",
            ])
            .env("YKIEN_TEST_DATABASE_URL", pg.url()))?,
        None => {
            eprintln!("\n!!! SKIPPED: PostgreSQL tests (PostgreSQL cannot run on this machine)\n")
        }
    }

    step("browser tests (wasm-pack, headless Chromium)");
    run(Command::new("wasm-pack")
        .current_dir(root)
        .args([
            "test",
            "--headless",
            "--chrome",
            "--chromedriver",
            "/usr/bin/chromedriver",
        ])
        .args(["--mode", "no-install"]))?;

    step("release build and size budgets");
    let report = dist::build(root)?;
    report.print();
    report.check_budgets()?;
    readme::check_file(root, &report)?;

    step("nginx snippets from the READMEs (Debian's nginx-light)");
    nginx::check(root)?;

    step("end-to-end (playwright-core, Chromium)");
    ensure_e2e_packages(root)?;
    // The suites install these themselves when run alone; done here first so a
    // failure to install is said once, loudly, before they skip.
    ensure_comment_servers(root);
    let site = site::assemble_site(root)?;
    let exe = server::build(root)?;
    let db_dir = root.join("target/e2e");
    let _ = std::fs::remove_dir_all(&db_dir);
    std::fs::create_dir_all(&db_dir).map_err(|e| format!("creating {}: {e}", db_dir.display()))?;
    let db = format!("sqlite://{}", db_dir.join("ykien.db").display());
    let running = server::start(&exe, root, server::free_addr()?, &site, &db, &[])?;
    run(Command::new("node")
        .current_dir(root)
        .args(["--test", "--test-concurrency=1", "e2e/"])
        .env("YKIEN_BASE_URL", running.base_url())
        // The adapter tests (e2e/adapters.test.mjs) start their own API servers, which
        // serve this same assembled site.
        .env("YKIEN_SITE_DIR", &site)
        // e2e/comments.test.mjs runs its own reference server so it can stop it.
        .env("YKIEN_SERVER_BIN", &exe))?;
    drop(running);

    step("end-to-end: the moderation desk on PostgreSQL");
    match &pg {
        Some(pg) => run(Command::new("node")
            .current_dir(root)
            .args(["--test", "e2e/admin.test.mjs"])
            .env(
                "YKIEN_E2E_DATABASE_URL",
                pg.create_database("ykien_e2e_desk")?,
            )
            .env("YKIEN_SITE_DIR", &site)
            .env("YKIEN_SERVER_BIN", &exe))?,
        None => eprintln!("\n!!! SKIPPED: the desk's PostgreSQL end-to-end run (no PostgreSQL)\n"),
    }
    drop(pg);

    println!("\nall checks passed");
    Ok(())
}

/// Test-only npm packages (pinned in package-lock.json) that the build-tool check in
/// `tools` does not look for: a `node_modules/` installed before one of them was added
/// would lack it, so reinstall from the lockfile then.
const E2E_PACKAGES: &[&str] = &["json-server", "axe-core"];

fn ensure_e2e_packages(root: &Path) -> Result<(), String> {
    let missing = E2E_PACKAGES.iter().any(|p| {
        !root
            .join("node_modules")
            .join(p)
            .join("package.json")
            .exists()
    });
    if !missing {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(root))
}

/// Third-party comment servers for e2e/isso.test.mjs and e2e/waline.test.mjs,
/// pinned (as in e2e/servers/isso.mjs and waline.mjs), in target/e2e-tools.
pub const ISSO: &str = "isso==0.14.0";
pub const WALINE: &str = "@waline/vercel@1.39.3";

fn ensure_comment_servers(root: &Path) {
    let tools = root.join("target/e2e-tools");
    if let Err(e) = ensure_isso(&tools.join("isso-venv")) {
        eprintln!("\n!!! Isso cannot be installed ({e}): e2e/isso.test.mjs will be SKIPPED\n");
    }
    if let Err(e) = ensure_waline(&tools.join("waline")) {
        eprintln!("\n!!! Waline cannot be installed ({e}): e2e/waline.test.mjs will be SKIPPED\n");
    }
}

fn ensure_isso(venv: &Path) -> Result<(), String> {
    let python = venv.join("bin/python");
    let version = ISSO.trim_start_matches("isso==");
    let has = || {
        Command::new(&python)
            .args([
                "-c",
                "import importlib.metadata as m; print(m.version('isso'))",
            ])
            .output()
            .is_ok_and(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == version
            })
    };
    if has() {
        return Ok(());
    }
    make_venv(venv)?;
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", ISSO]))?;
    if has() {
        Ok(())
    } else {
        Err(format!("{ISSO} installed but not importable"))
    }
}

fn ensure_waline(dir: &Path) -> Result<(), String> {
    let manifest = dir.join("node_modules/@waline/vercel/package.json");
    let version = WALINE.rsplit('@').next().unwrap_or_default();
    let has = || {
        std::fs::read_to_string(&manifest)
            .is_ok_and(|t| t.contains(&format!("\"version\": \"{version}\"")))
    };
    if has() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(
        dir.join("package.json"),
        r#"{"private":true,"description":"e2e: Waline server"}"#,
    )
    .map_err(|e| format!("{}: {e}", dir.display()))?;
    // No install scripts: the only one, sqlite3's native build, is for a storage
    // the suite does not use and would download a binary.
    run(Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--no-save",
            WALINE,
        ])
        .current_dir(dir))?;
    if has() {
        Ok(())
    } else {
        Err(format!("{WALINE} installed but not found"))
    }
}

/// `python3 -m venv DIR`, installing Debian's python3-venv first if it must.
fn make_venv(venv: &Path) -> Result<(), String> {
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Ok(());
    }
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "python3-venv"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    let _ = std::fs::remove_dir_all(venv);
    run(Command::new("python3").args(["-m", "venv"]).arg(venv))
}

/// The SMTP sink `server/tests/desk.rs` sends alert emails to: PyPI's
/// aiosmtpd (pinned) in a venv under target/, installed once. The test itself
/// installs it the same way when run alone; here a failure stops the run
/// instead of skipping the test.
pub const AIOSMTPD: &str = "aiosmtpd==1.4.6";

fn ensure_smtp_sink(root: &Path) -> Result<(), String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let venv = target.join("smtp-sink-venv");
    let python = venv.join("bin/python");
    let has = || {
        Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if has() {
        return Ok(());
    }
    let venv_ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success());
    if !venv_ok {
        // Debian splits ensurepip out of python3.
        run(Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "python3-venv"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
        let _ = std::fs::remove_dir_all(&venv);
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", AIOSMTPD]))?;
    if has() {
        Ok(())
    } else {
        Err("aiosmtpd installed but cannot be imported".into())
    }
}

fn step(name: &str) {
    println!("\n==> {name}");
}
