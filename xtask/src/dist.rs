//! `cargo xtask dist`: the release widget, exactly the files a site hosts:
//! `ykien.js` (loader + glue, minified) and `ykien-<hash>.wasm` (content-hashed so it
//! can be cached forever; the loader names it). The CSS is inside the wasm.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::sh::{cargo, run};
use crate::{css, tools};

/// The size budget for everything a reader downloads, gzip -9, in bytes. The one
/// place it is written; `cargo xtask test` fails above it.
///
/// The goal is 120 KiB. The article reader alone was 103.8 KiB; the comment section
/// (adapter, thread, composer, four more Yew components) brought the total to
/// 170.6 KiB, spread over a long tail of generic code rather than one culprit (see
/// "Size" in the README). Until that is cut, the gate holds the line a few KiB above
/// the current figure so that no change grows the download unnoticed.
pub const GZIP_BUDGET: u64 = 176 * 1024;

pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

pub struct Report {
    pub files: Vec<FileSize>,
}

impl Report {
    pub fn gzip_total(&self) -> u64 {
        self.files.iter().map(|f| f.gzip).sum()
    }

    pub fn print(&self) {
        println!(
            "\n{:<28} {:>10} {:>10} {:>10}",
            "dist/", "raw", "gzip -9", "brotli 11"
        );
        let (mut raw, mut gz, mut br) = (0, 0, 0);
        for f in &self.files {
            println!(
                "{:<28} {:>10} {:>10} {:>10}",
                f.name, f.raw, f.gzip, f.brotli
            );
            raw += f.raw;
            gz += f.gzip;
            br += f.brotli;
        }
        println!("{:<28} {:>10} {:>10} {:>10}", "total", raw, gz, br);
        println!(
            "gzip total {:.1} KiB of the {:.0} KiB budget",
            gz as f64 / 1024.0,
            GZIP_BUDGET as f64 / 1024.0
        );
    }
}

pub fn build(root: &Path) -> Result<Report, String> {
    tools::ensure_build_tools(root)?;
    run(cargo(root).args([
        "build",
        "--release",
        "--lib",
        "--package",
        "ykien",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let target = target_dir(root);
    let raw_wasm = target.join("wasm32-unknown-unknown/release/ykien.wasm");
    let bindgen_out = target.join("ykien-bindgen");
    run(Command::new("wasm-bindgen")
        .args(["--target", "no-modules", "--no-typescript", "--out-dir"])
        .arg(&bindgen_out)
        .arg(&raw_wasm))?;

    let opt_wasm = bindgen_out.join("ykien_opt.wasm");
    run(Command::new(root.join("node_modules/.bin/wasm-opt"))
        .arg(bindgen_out.join("ykien_bg.wasm"))
        .args(["-Oz", "--strip-debug", "--strip-producers", "-o"])
        .arg(&opt_wasm))?;

    let wasm = fs::read(&opt_wasm).map_err(|e| format!("reading {}: {e}", opt_wasm.display()))?;
    let wasm_name = format!("ykien-{:08x}.wasm", fnv1a(&wasm) as u32);

    let glue = read(&bindgen_out.join("ykien.js"))?;
    let loader = read(&root.join("js/loader.js"))?;
    const CSS_MARKER: &str = "\"__WIDGET_CSS__\"";
    if !loader.contains("/*__GLUE__*/")
        || !loader.contains("__WASM_FILE__")
        || !loader.contains(CSS_MARKER)
    {
        return Err(
            "js/loader.js lost its __GLUE__, __WASM_FILE__ or __WIDGET_CSS__ marker".into(),
        );
    }
    // The stylesheet travels in the loader: it draws the loading state before the
    // module arrives, and the module adopts the same sheet.
    let styles = css::js_string(&css::minify(&read(&root.join("styles/widget.css"))?));
    let bundle = loader
        .replace("/*__GLUE__*/", &glue)
        .replace("__WASM_FILE__", &wasm_name)
        .replace(CSS_MARKER, &styles);
    let unminified = target.join("ykien-bindgen/ykien.bundle.js");
    write(&unminified, bundle.as_bytes())?;

    let dist = root.join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("cleaning dist/: {e}"))?;
    }
    fs::create_dir_all(&dist).map_err(|e| format!("creating dist/: {e}"))?;
    // es2017 keeps async/await (every browser with WebAssembly has them) and lets
    // esbuild shorten the glue; legal comments stay for licence notices.
    run(Command::new(root.join("node_modules/.bin/esbuild"))
        .arg(&unminified)
        .args([
            "--minify",
            "--target=es2017",
            "--legal-comments=inline",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", dist.join("ykien.js").display())))?;
    write(&dist.join(&wasm_name), &wasm)?;

    let mut files = Vec::new();
    for name in ["ykien.js".to_owned(), wasm_name] {
        let bytes = fs::read(dist.join(&name)).map_err(|e| format!("reading dist/{name}: {e}"))?;
        files.push(FileSize {
            raw: bytes.len() as u64,
            gzip: gzip_len(&bytes),
            brotli: brotli_len(&bytes),
            name,
        });
    }
    Ok(Report { files })
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Content hash for the cache-busting file name (not security-relevant).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(bytes);
    enc.finish().map_or(0, |v| v.len() as u64)
}

fn brotli_len(bytes: &[u8]) -> u64 {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        let _ = w.write_all(bytes);
    }
    out.len() as u64
}
