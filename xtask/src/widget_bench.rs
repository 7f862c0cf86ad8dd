//! `cargo xtask bench widget`: the widget's cost in a real browser (playwright-core
//! driving Debian's Chromium headless). `bench/widget.mjs` renders a 1,000-comment
//! thread served in one response and types in the composer; `bench/page.mjs` loads the
//! demo page from the reference server at 1× and 4× CPU throttling and runs
//! Lighthouse; `bench/weight.mjs` loads the demo page on a slow phone connection as
//! built now and as an earlier revision built it (the baseline). The scripts print
//! their own tables; this only prepares what they need: the release build (done by
//! the caller), the assembled sites, the server binary and the browser.
//!
//! The baseline is built by that revision's own `cargo xtask dist`, in a git worktree
//! at `target/bench-baseline/worktree` with its own `CARGO_TARGET_DIR`
//! (`target/bench-baseline/target`), both kept between runs; its `dist/` is kept as
//! `target/bench-baseline/dist-<commit>`, and a run that finds it there builds nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::sh::{cargo, output, run as run_cmd};
use crate::{server, site, tools};

/// The last build before the module was split: one `ykien-<hash>.wasm`.
pub const DEFAULT_BASELINE: &str = "292c027";
/// Overrides the default baseline (`--baseline REV` overrides this).
pub const BASELINE_ENV: &str = "YKIEN_BENCH_BASELINE";

/// `baseline` is a commit as [`resolve`] gives it.
pub fn run(root: &Path, baseline: &str) -> Result<(), String> {
    tools::ensure_node_tools(root)?;
    tools::ensure_chromium()?;
    let site = site::assemble_site(root)?;
    let exe = server::build(root)?;
    let baseline_dist = baseline_dist(root, baseline)?;
    let baseline_site =
        site::assemble_site_with(root, &baseline_dist, &root.join("target/site-baseline"))?;
    run_cmd(
        Command::new("node")
            .current_dir(root)
            .arg("bench/widget.mjs")
            .env("YKIEN_SITE_DIR", &site),
    )?;
    run_cmd(
        Command::new("node")
            .current_dir(root)
            .arg("bench/page.mjs")
            .env("YKIEN_SITE_DIR", &site)
            .env("YKIEN_SERVER_BIN", &exe),
    )?;
    run_cmd(
        Command::new("node")
            .current_dir(root)
            .arg("bench/weight.mjs")
            .env("YKIEN_SITE_DIR", &site)
            .env("YKIEN_BASELINE_SITE_DIR", &baseline_site)
            .env("YKIEN_SERVER_BIN", &exe)
            .env("YKIEN_BASELINE_LABEL", short(baseline))
            .env("YKIEN_CURRENT_LABEL", current_label(root)),
    )
}

/// The commit `rev` names, checked before anything is built.
pub fn resolve(root: &Path, rev: &str) -> Result<String, String> {
    let spec = format!("{rev}^{{commit}}");
    output(
        "git",
        &[
            "-C",
            &root.to_string_lossy(),
            "rev-parse",
            "--verify",
            "--quiet",
            &spec,
        ],
    )
    .map(|s| s.trim().to_owned())
    .filter(|s| !s.is_empty())
    .ok_or_else(|| format!("baseline `{rev}` is not a commit of this repository"))
}

/// `dist/` as `commit` built it: from the cache, or built now.
fn baseline_dist(root: &Path, commit: &str) -> Result<PathBuf, String> {
    let cache = root.join("target/bench-baseline");
    let kept = cache.join(format!("dist-{commit}"));
    if kept.is_dir() {
        eprintln!(
            "baseline {}: dist/ from an earlier run ({}), not rebuilt",
            short(commit),
            kept.display()
        );
        return Ok(kept);
    }
    fs::create_dir_all(&cache).map_err(|e| format!("creating {}: {e}", cache.display()))?;
    let worktree = cache.join("worktree");
    if worktree.join(".git").exists() {
        run_cmd(
            Command::new("git")
                .arg("-C")
                .arg(&worktree)
                .args(["checkout", "--quiet", "--force", "--detach", commit]),
        )?;
    } else {
        // --force: the path may still be registered from a worktree deleted by hand.
        run_cmd(
            Command::new("git")
                .arg("-C")
                .arg(root)
                .args(["worktree", "add", "--force", "--detach"])
                .arg(&worktree)
                .arg(commit),
        )?;
    }
    node_modules_for(root, &worktree)?;

    // Its own `cargo xtask dist`, into its own target directory. A revision that
    // pins other tool versions installs them under the cache (first on PATH), not
    // over the ones this tree uses.
    let tools_root = cache.join("tools");
    let path = std::env::join_paths(std::iter::once(tools_root.join("bin")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .map_err(|e| format!("PATH: {e}"))?;
    let started = Instant::now();
    run_cmd(
        cargo(&worktree)
            .args(["xtask", "dist"])
            .env("CARGO_TARGET_DIR", cache.join("target"))
            .env("CARGO_INSTALL_ROOT", &tools_root)
            .env("PATH", path),
    )?;
    eprintln!(
        "baseline {}: `cargo xtask dist` took {:.0} s",
        short(commit),
        started.elapsed().as_secs_f64()
    );

    // Kept under its commit, complete or not at all.
    let partial = cache.join(format!("dist-{commit}.partial"));
    if partial.exists() {
        fs::remove_dir_all(&partial).map_err(|e| format!("cleaning {}: {e}", partial.display()))?;
    }
    site::copy_dir(&worktree.join("dist"), &partial)?;
    precompress(&partial)?;
    fs::rename(&partial, &kept).map_err(|e| format!("renaming {}: {e}", partial.display()))?;
    Ok(kept)
}

/// The baseline builds with the npm tools its own package-lock.json pins: this
/// tree's `node_modules` when the lockfiles are the same, else its own `npm ci`.
fn node_modules_for(root: &Path, worktree: &Path) -> Result<(), String> {
    let link = worktree.join("node_modules");
    let same_lock = fs::read(root.join("package-lock.json")).ok()
        == fs::read(worktree.join("package-lock.json")).ok();
    let is_link = fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink());
    if same_lock {
        if is_link {
            return Ok(());
        }
        if link.exists() {
            fs::remove_dir_all(&link).map_err(|e| format!("cleaning {}: {e}", link.display()))?;
        }
        return symlink_dir(&root.join("node_modules"), &link);
    }
    if is_link {
        fs::remove_file(&link).map_err(|e| format!("removing {}: {e}", link.display()))?;
    }
    run_cmd(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(worktree),
    )
}

#[cfg(unix)]
fn symlink_dir(to: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(to, link).map_err(|e| format!("linking {}: {e}", link.display()))
}

#[cfg(not(unix))]
fn symlink_dir(to: &Path, link: &Path) -> Result<(), String> {
    copy_dir(to, link)
}

/// Builds from before `dist/` had precompressed files get them here, made as
/// `cargo xtask dist` makes them now (brotli 11, gzip -9), so that both builds
/// travel as ykien-server sends a current build and only the files differ.
fn precompress(dist: &Path) -> Result<(), String> {
    use std::io::Write as _;
    let entries = fs::read_dir(dist).map_err(|e| format!("reading {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".js") || name.ends_with(".wasm")) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let gz_path = dist.join(format!("{name}.gz"));
        if !gz_path.exists() {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let gz = enc
                .write_all(&bytes)
                .and_then(|()| enc.finish())
                .map_err(|e| format!("gzip {name}: {e}"))?;
            fs::write(&gz_path, gz).map_err(|e| format!("writing {}: {e}", gz_path.display()))?;
        }
        let br_path = dist.join(format!("{name}.br"));
        if !br_path.exists() {
            let mut br = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
                w.write_all(&bytes)
                    .map_err(|e| format!("brotli {name}: {e}"))?;
            }
            fs::write(&br_path, br).map_err(|e| format!("writing {}: {e}", br_path.display()))?;
        }
    }
    Ok(())
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// HEAD's short hash, marked when the tree has changes beyond it.
fn current_label(root: &Path) -> String {
    let dir = root.to_string_lossy();
    let head = output("git", &["-C", &dir, "rev-parse", "--short=7", "HEAD"])
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "this tree".into());
    let dirty = output(
        "git",
        &["-C", &dir, "status", "--porcelain", "--untracked-files=no"],
    )
    .is_some_and(|s| !s.trim().is_empty());
    if dirty {
        format!("{head}+changes")
    } else {
        head
    }
}
