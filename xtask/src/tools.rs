//! Idempotent installs of everything the build and tests need. Each `ensure_*`
//! checks first and installs only what is missing, at a pinned version.

use std::path::Path;
use std::process::Command;

use crate::sh::{cargo, output, run};

/// Must equal the `wasm-bindgen` crate version pinned in Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
pub const WASM_PACK: &str = "0.15.1";
/// Must match the `wasm_split_helpers` runtime pinned in Cargo.toml (0.2.x).
pub const WASM_SPLIT_CLI: &str = "0.2.4";

pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

pub fn ensure_wasm_bindgen(root: &Path) -> Result<(), String> {
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(WASM_BINDGEN) {
        return Ok(());
    }
    // No --locked: the CLI's own lockfile wants a crate version this registry lacks.
    run(cargo(root).args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN]))
}

pub fn ensure_wasm_pack(root: &Path) -> Result<(), String> {
    let have = output("wasm-pack", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(WASM_PACK) {
        return Ok(());
    }
    run(cargo(root).args(["install", "wasm-pack", "--locked", "--version", WASM_PACK]))
}

/// `wasm-split-cli`, which cuts the module at the comment section's split point. It
/// prints no version of its own, so cargo's install list says which is there.
pub fn ensure_wasm_split(root: &Path) -> Result<(), String> {
    let list = output("cargo", &["install", "--list"]).unwrap_or_default();
    let want = format!("wasm_split_cli_support v{WASM_SPLIT_CLI}:");
    if list.lines().any(|l| l.trim() == want) && output("wasm-split-cli", &["--help"]).is_some() {
        return Ok(());
    }
    run(cargo(root).args([
        "install",
        "--locked",
        "wasm_split_cli_support",
        "--version",
        WASM_SPLIT_CLI,
        "--features",
        "build-binary",
    ]))
}

/// wasm-opt (binaryen), esbuild and playwright-core, pinned in package-lock.json.
pub fn ensure_node_tools(root: &Path) -> Result<(), String> {
    let bins = ["wasm-opt", "esbuild"];
    let have_bins = bins
        .iter()
        .all(|b| root.join("node_modules/.bin").join(b).exists());
    if have_bins && root.join("node_modules/playwright-core").exists() {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(root))
}

/// Debian's Chromium and ChromeDriver (the only browser this network can install).
pub fn ensure_chromium() -> Result<(), String> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

pub fn ensure_build_tools(root: &Path) -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen(root)?;
    ensure_node_tools(root)
}
