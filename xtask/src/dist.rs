//! `cargo xtask dist`: the release widget, exactly the files a site hosts:
//! `ykien.js` (loader + glue, minified) and `ykien-<hash>.wasm` (content-hashed so it
//! can be cached forever; the loader names it). The CSS is inside the wasm.
//!
//! Next to each file go `NAME.br` (brotli 11) and `NAME.gz` (gzip -9), so servers
//! send precompressed bytes instead of compressing per request, and
//! `manifest.json` lists every file with its sizes and SRI hash (for
//! `<script integrity=…>`).
//!
//! Everything after `cargo build` (wasm-bindgen, wasm-opt, esbuild, brotli 11)
//! takes most of the time and depends only on the cargo output, the loader, the
//! tools and this file, so a stamp of those in `target/` skips it when none changed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use sha2::{Digest as _, Sha256, Sha384};

use crate::sh::{cargo, output, run};
use crate::{css, tools};

/// Written into `dist/` beside the widget's files.
pub const MANIFEST: &str = "manifest.json";
/// Where the loader wants the wasm file's SRI string, if it verifies it.
const WASM_SRI_MARKER: &str = "__WASM_SRI__";
/// Where the loader wants the widget stylesheet, as a string literal. The sheet
/// travels in the loader: it draws the loading state before the module arrives,
/// and the module adopts the same sheet.
const CSS_MARKER: &str = "\"__WIDGET_CSS__\"";

/// The size budget for everything a reader downloads, gzip -9, in bytes. The one
/// place it is written; `cargo xtask test` fails above it.
///
/// The goal is 120 KiB. The article reader alone was 103.8 KiB; the comment section
/// (adapter, thread, composer, four more Yew components) brought the total to
/// 170.6 KiB, spread over a long tail of generic code rather than one culprit (see
/// "Size" in the README). Until that is cut, the gate holds the line a few KiB above
/// the current figure so that no change grows the download unnoticed.
pub const GZIP_BUDGET: u64 = 176 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    /// Subresource Integrity value: `sha384-<base64>`.
    pub integrity: String,
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
    let dist = root.join("dist");
    let loader = read(&root.join("js/loader.js"))?;
    let styles = css::js_string(&css::minify(&read(&root.join("styles/widget.css"))?));

    let stamp_path = bindgen_out.join("dist.stamp");
    let stamp = input_stamp(
        &fs::read(&raw_wasm).map_err(|e| format!("reading {}: {e}", raw_wasm.display()))?,
        &format!("{loader}\n{styles}"),
        &tool_versions(root),
    );
    if fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str()) {
        if let Some(files) = read_manifest(&dist).filter(|f| dist_matches(&dist, f)) {
            eprintln!(
                "dist/ is up to date (same ykien.wasm, loader and tools): \
                 wasm-bindgen, wasm-opt, esbuild and compression skipped"
            );
            return Ok(Report { files });
        }
    }
    // A run that fails half-way must not leave a stamp that matches.
    let _ = fs::remove_file(&stamp_path);

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
    if !loader.contains("/*__GLUE__*/")
        || !loader.contains("__WASM_FILE__")
        || !loader.contains(CSS_MARKER)
    {
        return Err(
            "js/loader.js lost its __GLUE__, __WASM_FILE__ or __WIDGET_CSS__ marker".into(),
        );
    }
    // Markers are replaced in the loader before the glue goes in, so nothing in
    // the generated glue can be mistaken for one.
    let bundle =
        fill_loader(&loader, &wasm_name, &sri(&wasm), &styles).replace("/*__GLUE__*/", &glue);
    let unminified = target.join("ykien-bindgen/ykien.bundle.js");
    write(&unminified, bundle.as_bytes())?;

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
        let gz = gzip(&bytes)?;
        let br = brotli(&bytes)?;
        write(&dist.join(format!("{name}.gz")), &gz)?;
        write(&dist.join(format!("{name}.br")), &br)?;
        files.push(FileSize {
            raw: bytes.len() as u64,
            gzip: gz.len() as u64,
            brotli: br.len() as u64,
            integrity: sri(&bytes),
            name,
        });
    }
    write(&dist.join(MANIFEST), manifest_json(&files).as_bytes())?;
    write(&stamp_path, stamp.as_bytes())?;
    Ok(Report { files })
}

/// `__WASM_FILE__` → the hashed file name; `__WASM_SRI__` (optional: only a
/// loader that verifies the module has it) → its SRI string.
fn fill_loader(loader: &str, wasm_name: &str, wasm_sri: &str, styles: &str) -> String {
    loader
        .replace("__WASM_FILE__", wasm_name)
        .replace(WASM_SRI_MARKER, wasm_sri)
        .replace(CSS_MARKER, styles)
}

/// Subresource Integrity value of `bytes`, as `integrity=` and
/// `fetch(…, {integrity})` take it.
pub fn sri(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// `dist/manifest.json`: what a deployment script or a page template needs
/// (names, sizes, SRI) without parsing the build output.
pub fn manifest_json(files: &[FileSize]) -> String {
    // Written by hand rather than through serde_json's map (which sorts keys):
    // one file per line, name first, reads well in a diff or a terminal.
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    let rows: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                "    {{\"name\": {}, \"raw\": {}, \"gzip\": {}, \"brotli\": {}, \"integrity\": {}}}",
                quote(&f.name),
                f.raw,
                f.gzip,
                f.brotli,
                quote(&f.integrity)
            )
        })
        .collect();
    format!("{{\n  \"files\": [\n{}\n  ]\n}}\n", rows.join(",\n"))
}

pub fn parse_manifest(text: &str) -> Option<Vec<FileSize>> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    doc.get("files")?
        .as_array()?
        .iter()
        .map(|f| {
            Some(FileSize {
                name: f.get("name")?.as_str()?.to_owned(),
                raw: f.get("raw")?.as_u64()?,
                gzip: f.get("gzip")?.as_u64()?,
                brotli: f.get("brotli")?.as_u64()?,
                integrity: f.get("integrity")?.as_str()?.to_owned(),
            })
        })
        .collect()
}

fn read_manifest(dist: &Path) -> Option<Vec<FileSize>> {
    parse_manifest(&fs::read_to_string(dist.join(MANIFEST)).ok()?)
}

/// Whether `dist/` still holds exactly what the manifest describes (nobody
/// deleted or edited a file since the last build).
fn dist_matches(dist: &Path, files: &[FileSize]) -> bool {
    let len = |name: &str| fs::metadata(dist.join(name)).map(|m| m.len()).ok();
    !files.is_empty()
        && files.iter().all(|f| {
            len(&format!("{}.gz", f.name)) == Some(f.gzip)
                && len(&format!("{}.br", f.name)) == Some(f.brotli)
                && fs::read(dist.join(&f.name)).is_ok_and(|b| sri(&b) == f.integrity)
        })
}

/// What the post-cargo steps depend on. This file's own text is in it, so a
/// change to the steps or their flags invalidates old stamps by itself.
fn input_stamp(raw_wasm: &[u8], loader: &str, tools: &str) -> String {
    const RECIPE: &str = include_str!("dist.rs");
    let mut h = Sha256::new();
    for part in [
        raw_wasm,
        loader.as_bytes(),
        tools.as_bytes(),
        RECIPE.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The versions of wasm-bindgen, wasm-opt (binaryen) and esbuild. npm packages
/// are read from their package.json: starting node just to ask costs more
/// than the check saves.
fn tool_versions(root: &Path) -> String {
    let bindgen = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    let npm_version = |pkg: &str| {
        fs::read_to_string(root.join("node_modules").join(pkg).join("package.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("version")?.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    format!(
        "wasm-bindgen={}\nbinaryen={}\nesbuild={}\n",
        bindgen.trim(),
        npm_version("binaryen"),
        npm_version("esbuild")
    )
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

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)
        .and_then(|()| enc.finish())
        .map_err(|e| format!("gzip: {e}"))
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).map_err(|e| format!("brotli: {e}"))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_is_sha384_base64() {
        // Known answers (`openssl dgst -sha384 -binary | base64`).
        assert_eq!(
            sri(b""),
            "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
        );
        assert_eq!(
            sri(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
    }

    fn sample() -> Vec<FileSize> {
        vec![
            FileSize {
                name: "ykien.js".into(),
                raw: 30_000,
                gzip: 8_000,
                brotli: 7_000,
                integrity: sri(b"js"),
            },
            FileSize {
                name: "ykien-1a2b3c4d.wasm".into(),
                raw: 500_000,
                gzip: 160_000,
                brotli: 140_000,
                integrity: sri(b"wasm"),
            },
        ]
    }

    #[test]
    fn manifest_lists_names_sizes_and_integrity() {
        let text = manifest_json(&sample());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["files"][1]["name"], "ykien-1a2b3c4d.wasm");
        assert_eq!(v["files"][1]["raw"], 500_000);
        assert_eq!(v["files"][1]["gzip"], 160_000);
        assert_eq!(v["files"][1]["brotli"], 140_000);
        let integrity = v["files"][0]["integrity"].as_str().unwrap();
        assert!(integrity.starts_with("sha384-"), "{integrity}");
        // 48 bytes of SHA-384 are 64 base64 characters, no padding needed.
        assert_eq!(integrity.len(), "sha384-".len() + 64);
        assert!(text.ends_with('\n'));
        assert!(
            text.contains("{\"name\": \"ykien.js\", \"raw\": 30000, \"gzip\": 8000, \"brotli\": 7000, \"integrity\": \"sha384-"),
            "{text}"
        );
        // Names are JSON-escaped.
        let mut odd = sample();
        odd[0].name = "a\"b".into();
        assert_eq!(parse_manifest(&manifest_json(&odd)), Some(odd));
        assert_eq!(parse_manifest(&text), Some(sample()));
        assert_eq!(parse_manifest("{\"files\": [{\"name\": 1}]}"), None);
        assert_eq!(parse_manifest("not json"), None);
    }

    #[test]
    fn loader_markers() {
        let loader = r#"var f = "__WASM_FILE__"; var i = "__WASM_SRI__"; var c = "__WIDGET_CSS__"; /*__GLUE__*/"#;
        assert_eq!(
            fill_loader(loader, "ykien-1a2b3c4d.wasm", "sha384-xyz", "\"a{b:c}\""),
            r#"var f = "ykien-1a2b3c4d.wasm"; var i = "sha384-xyz"; var c = "a{b:c}"; /*__GLUE__*/"#
        );
        // A loader without the SRI marker is left as it is.
        assert_eq!(
            fill_loader("a(\"__WASM_FILE__\")", "w.wasm", "sha384-xyz", "\"css\""),
            "a(\"w.wasm\")"
        );
    }

    #[test]
    fn stamp_changes_with_every_input() {
        let base = input_stamp(b"wasm", "loader", "tools");
        assert_eq!(base, input_stamp(b"wasm", "loader", "tools"));
        assert_ne!(base, input_stamp(b"wasm2", "loader", "tools"));
        assert_ne!(base, input_stamp(b"wasm", "loader2", "tools"));
        assert_ne!(base, input_stamp(b"wasm", "loader", "tools2"));
        // Length prefixes: moving a byte from one part to the next changes it.
        assert_ne!(base, input_stamp(b"wasml", "oader", "tools"));
    }

    #[test]
    fn precompressed_files_round_trip() {
        use std::io::Read as _;
        let data = "Ý kiến bạn đọc ".repeat(500);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gzip(data.as_bytes()).unwrap()[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, data);
        let mut out = String::new();
        brotli::Decompressor::new(&brotli(data.as_bytes()).unwrap()[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn dist_check_sees_missing_or_edited_files() {
        let dir = tempdir();
        let files = vec![FileSize {
            name: "a.js".into(),
            raw: 3,
            gzip: 2,
            brotli: 1,
            integrity: sri(b"abc"),
        }];
        fs::write(dir.join("a.js"), "abc").unwrap();
        fs::write(dir.join("a.js.gz"), "gz").unwrap();
        fs::write(dir.join("a.js.br"), "b").unwrap();
        assert!(dist_matches(&dir, &files));
        fs::write(dir.join("a.js"), "abd").unwrap();
        assert!(!dist_matches(&dir, &files), "edited");
        fs::write(dir.join("a.js"), "abc").unwrap();
        fs::remove_file(dir.join("a.js.br")).unwrap();
        assert!(!dist_matches(&dir, &files), "variant missing");
        assert!(!dist_matches(&dir, &[]), "empty manifest");
        let _ = fs::remove_dir_all(&dir);
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-dist-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }
}
