//! `cargo xtask bench widget`: the widget's cost in a real browser (playwright-core
//! driving Debian's Chromium headless). `bench/widget.mjs` renders a 1,000-comment
//! thread served in one response and types in the composer; `bench/page.mjs` loads the
//! demo page from the reference server at 1× and 4× CPU throttling and runs
//! Lighthouse. The scripts print their own tables; this only prepares what they need:
//! the release build (done by the caller), the assembled site, the server binary and
//! the browser.

use std::path::Path;
use std::process::Command;

use crate::sh::run as run_cmd;
use crate::{server, site, tools};

pub fn run(root: &Path) -> Result<(), String> {
    tools::ensure_node_tools(root)?;
    tools::ensure_chromium()?;
    let site = site::assemble_site(root)?;
    run_cmd(
        Command::new("node")
            .current_dir(root)
            .arg("bench/widget.mjs")
            .env("YKIEN_SITE_DIR", &site),
    )?;
    let exe = server::build(root)?;
    run_cmd(
        Command::new("node")
            .current_dir(root)
            .arg("bench/page.mjs")
            .env("YKIEN_SITE_DIR", &site)
            .env("YKIEN_SERVER_BIN", &exe),
    )
}
