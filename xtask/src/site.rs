//! The demo site: the public parts of the repo assembled the way a news site
//! would deploy them, for the reference server's `--public-dir`.

use std::fs;
use std::path::{Path, PathBuf};

/// Copies the public parts of the repo into `target/site/`: what a real site would
/// serve, and nothing else (no source, no data).
pub fn assemble_site(root: &Path) -> Result<PathBuf, String> {
    assemble_site_with(root, &root.join("dist"), &root.join("target/site"))
}

/// The same page files into `site`, with the widget's files from `dist` (the
/// widget bench's baseline build, so that only the widget differs).
pub fn assemble_site_with(root: &Path, dist: &Path, site: &Path) -> Result<PathBuf, String> {
    if site.exists() {
        fs::remove_dir_all(site).map_err(|e| format!("cleaning {}: {e}", site.display()))?;
    }
    for dir in ["styles", "demo"] {
        copy_dir(&root.join(dir), &site.join(dir))?;
    }
    copy_dir(dist, &site.join("dist"))?;
    fs::copy(root.join("index.html"), site.join("index.html"))
        .map_err(|e| format!("copying index.html: {e}"))?;
    Ok(site.to_path_buf())
}

pub fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            fs::copy(&path, &dest).map_err(|e| format!("copying {}: {e}", path.display()))?;
        }
    }
    Ok(())
}
