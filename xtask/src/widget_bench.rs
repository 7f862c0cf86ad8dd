//! `cargo xtask bench widget`: the widget's cost in a real browser, measured by
//! `bench/widget.mjs` (playwright-core driving Debian's Chromium headless) against
//! a 1,000-comment thread served in one response. The script prints its own table;
//! this only prepares what it needs: the release build (done by the caller), the
//! assembled site and the browser.

use std::path::Path;
use std::process::Command;

use crate::sh::run as run_cmd;
use crate::{site, tools};

pub fn run(root: &Path) -> Result<(), String> {
    tools::ensure_node_tools(root)?;
    tools::ensure_chromium()?;
    let site = site::assemble_site(root)?;
    run_cmd(
        Command::new("node")
            .current_dir(root)
            .arg("bench/widget.mjs")
            .env("YKIEN_SITE_DIR", &site),
    )
}
