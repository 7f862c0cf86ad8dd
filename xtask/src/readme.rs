//! The dist/ sizes in README.md come from the build, never from a hand: the block
//! between the markers below is written by `cargo xtask dist` and checked by
//! `cargo xtask test`.

use std::fs;
use std::path::Path;

use crate::dist::{
    Report, Totals, BUDGET_BEFORE_COMMENTS, BUDGET_WITH_COMMENTS, BUDGET_WITH_OWN_ADAPTER,
};

const BEGIN: &str = "<!-- sizes:begin";
const END: &str = "<!-- sizes:end -->";
const BEGIN_LINE: &str =
    "<!-- sizes:begin: written by `cargo xtask dist`, checked by `cargo xtask test` -->";

/// How far a committed figure may be from the build before the check fails.
///
/// The same sources do not build to the same bytes everywhere: paths of the cargo
/// home and registry end up in panic-location strings, and a toolchain patch
/// release moves code around; such noise is tens to a few hundred bytes. Any change
/// worth documenting moves the figures by more. So a figure is stale when it is off
/// by more than 512 B *and* more than 1 % (the 1 % keeps the large raw wasm figure
/// from failing on noise; the 512 B keeps the small loader figures from doing so).
pub fn tolerance(built: u64) -> u64 {
    (built / 100).max(512)
}

/// What a reader downloads, as table rows: before the comments, with them, and
/// with them on a page that has its own adapter.
fn group_rows(report: &Report) -> [(&'static str, Totals); 3] {
    [
        ("before the comments", report.totals(false)),
        ("with the comments", report.totals(true)),
        ("with a site's adapter", report.totals_own_adapter()),
    ]
}

/// The Markdown block, markers included.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(BEGIN_LINE);
    out.push('\n');
    out.push_str("| file | loads | raw | gzip -9 | brotli 11 |\n|---|---|---:|---:|---:|\n");
    for f in &report.files {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            label(&f.name),
            f.loads.label(),
            bytes(f.raw),
            bytes(f.gzip),
            bytes(f.brotli)
        ));
    }
    for (name, t) in group_rows(report) {
        out.push_str(&format!(
            "| {name} | | {} | {} | {} |\n",
            bytes(t.raw),
            bytes(t.gzip),
            bytes(t.brotli)
        ));
    }
    let (before, with, own) = (
        report.totals(false),
        report.totals(true),
        report.totals_own_adapter(),
    );
    let count = report
        .files
        .iter()
        .find(|f| f.name == crate::dist::COUNT_SCRIPT)
        .map_or(0, |f| f.gzip);
    out.push_str(&format!(
        "\nA reader of the article downloads {:.1} KiB with gzip ({:.1} KiB with brotli; \
         budget {:.0} KiB gzip); one who reads the comments {:.1} KiB ({:.1} KiB; budget \
         {:.0} KiB), or {:.1} KiB ({:.1} KiB; budget {:.0} KiB) on a page with its own \
         adapter; a listing page's count script {} B. The budgets are in \
         `xtask/src/dist.rs`.\n",
        before.gzip as f64 / 1024.0,
        before.brotli as f64 / 1024.0,
        BUDGET_BEFORE_COMMENTS as f64 / 1024.0,
        with.gzip as f64 / 1024.0,
        with.brotli as f64 / 1024.0,
        BUDGET_WITH_COMMENTS as f64 / 1024.0,
        own.gzip as f64 / 1024.0,
        own.brotli as f64 / 1024.0,
        BUDGET_WITH_OWN_ADAPTER as f64 / 1024.0,
        count
    ));
    out.push_str(END);
    out
}

/// `readme` with its sizes block replaced by `block`.
pub fn replace(readme: &str, block: &str) -> Result<String, String> {
    let (start, end) = block_range(readme)?;
    Ok(format!("{}{}{}", &readme[..start], block, &readme[end..]))
}

pub fn check(readme: &str, report: &Report) -> Result<(), String> {
    let (start, end) = block_range(readme)?;
    let committed = parse_rows(&readme[start..end]);
    let mut built: Vec<(String, [u64; 3])> = report
        .files
        .iter()
        .map(|f| (label(&f.name), [f.raw, f.gzip, f.brotli]))
        .collect();
    for (name, t) in group_rows(report) {
        built.push((name.to_owned(), [t.raw, t.gzip, t.brotli]));
    }

    let mut stale = Vec::new();
    for (name, sizes) in &built {
        match committed.iter().find(|(n, _)| n == name) {
            None => stale.push(format!("{name}: missing")),
            Some((_, old)) => {
                for (i, column) in ["raw", "gzip", "brotli"].iter().enumerate() {
                    let (old, new) = (old[i], sizes[i]);
                    if old.abs_diff(new) > tolerance(new) {
                        stale.push(format!(
                            "{name} {column}: {} in README.md, {} built",
                            bytes(old),
                            bytes(new)
                        ));
                    }
                }
            }
        }
    }
    for (name, _) in &committed {
        if !built.iter().any(|(n, _)| n == name) {
            stale.push(format!("{name}: no longer built"));
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "README.md's dist/ sizes are stale (allowed: 1 % or 512 B, whichever is \
             more): {}. Run `cargo xtask dist` and commit README.md.",
            stale.join("; ")
        ))
    }
}

/// Rewrites README.md's block from `report` (`cargo xtask dist`).
pub fn update(root: &Path, report: &Report) -> Result<bool, String> {
    let path = root.join("README.md");
    let text = fs::read_to_string(&path).map_err(|e| format!("reading README.md: {e}"))?;
    let new = replace(&text, &render(report))?;
    if new == text {
        return Ok(false);
    }
    fs::write(&path, new).map_err(|e| format!("writing README.md: {e}"))?;
    Ok(true)
}

/// Checks README.md's block against `report` (`cargo xtask test`).
pub fn check_file(root: &Path, report: &Report) -> Result<(), String> {
    let text = fs::read_to_string(root.join("README.md"))
        .map_err(|e| format!("reading README.md: {e}"))?;
    check(&text, report)
}

/// Byte range of the block, markers included.
fn block_range(readme: &str) -> Result<(usize, usize), String> {
    let missing = || {
        format!(
            "README.md has no sizes block (`{BEGIN_LINE}` … `{END}`); add the two \
             markers under \"Size\" and run `cargo xtask dist`"
        )
    };
    let start = readme.find(BEGIN).ok_or_else(missing)?;
    let end = readme[start..].find(END).ok_or_else(missing)? + start + END.len();
    Ok((start, end))
}

/// `(label, [raw, gzip, brotli])` of each table row in a block.
fn parse_rows(block: &str) -> Vec<(String, [u64; 3])> {
    block
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split('|')
                .map(str::trim)
                .collect();
            let [name, _loads, raw, gz, br] = cells[..] else {
                return None;
            };
            let num = |s: &str| -> Option<u64> {
                let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                digits.parse().ok()
            };
            Some((
                name.trim_matches('`').to_owned(),
                [num(raw)?, num(gz)?, num(br)?],
            ))
        })
        .collect()
}

/// The row label: the hashed name changes with every build, its role does not
/// (`ykien-1a2b3c4d.wasm` → `ykien-<hash>.wasm`, `ykien-comments-…` likewise).
fn label(name: &str) -> String {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return name.to_owned();
    };
    match stem.rsplit_once('-') {
        Some((role, hash)) if hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            format!("{role}-<hash>.{ext}")
        }
        _ => name.to_owned(),
    }
}

/// `12345` → `12,345 B` (grouped for reading; the check ignores the commas).
fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(" B");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::{FileSize, Loads};

    /// The loader, the main part (`wasm_name`) and a fixed comment-section part.
    fn report(js: [u64; 3], wasm: [u64; 3], wasm_name: &str) -> Report {
        let file = |name: &str, s: [u64; 3], loads| FileSize {
            name: name.into(),
            raw: s[0],
            gzip: s[1],
            brotli: s[2],
            integrity: String::new(),
            loads,
        };
        Report {
            files: vec![
                file("ykien.js", js, Loads::AtOnce),
                file(wasm_name, wasm, Loads::AtOnce),
                file(
                    "ykien-comments-5e6f7a8b.wasm",
                    [200_000, 60_000, 50_000],
                    Loads::WithComments,
                ),
            ],
        }
    }

    fn sample() -> Report {
        report(
            [29_876, 8_397, 7_420],
            [512_000, 166_301, 140_002],
            "ykien-0a1b2c3d.wasm",
        )
    }

    const README: &str =
        "# x\n\n## Size\n\nBefore.\n\n<!-- sizes:begin -->\nold\n<!-- sizes:end -->\n\nAfter.\n";

    #[test]
    fn renders_a_table_with_grouped_bytes() {
        let block = render(&sample());
        assert!(block.starts_with(BEGIN_LINE), "{block}");
        assert!(block.ends_with(END), "{block}");
        assert!(
            block.contains("| `ykien.js` | at once | 29,876 B | 8,397 B | 7,420 B |"),
            "{block}"
        );
        assert!(
            block.contains("| `ykien-<hash>.wasm` | at once | 512,000 B | 166,301 B | 140,002 B |"),
            "{block}"
        );
        assert!(
            block.contains(
                "| `ykien-comments-<hash>.wasm` | with the comments | 200,000 B | 60,000 B | 50,000 B |"
            ),
            "{block}"
        );
        assert!(
            block.contains("| before the comments | | 541,876 B | 174,698 B | 147,422 B |"),
            "{block}"
        );
        assert!(
            block.contains("| with the comments | | 741,876 B | 234,698 B | 197,422 B |"),
            "{block}"
        );
        assert!(block.contains("downloads 170.6 KiB with gzip"), "{block}");
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1_000), "1,000 B");
        assert_eq!(bytes(1_234_567), "1,234,567 B");
    }

    #[test]
    fn replace_keeps_everything_around_the_block() {
        let out = replace(README, &render(&sample())).unwrap();
        assert!(out.starts_with("# x\n\n## Size\n\nBefore.\n\n<!-- sizes:begin"));
        assert!(out.ends_with("<!-- sizes:end -->\n\nAfter.\n"), "{out}");
        assert!(!out.contains("old"));
        // Idempotent: a second rewrite with the same report changes nothing.
        assert_eq!(replace(&out, &render(&sample())).unwrap(), out);
        assert!(replace("# no block\n", "x").is_err());
        assert!(replace("<!-- sizes:begin -->\nunterminated", "x").is_err());
    }

    #[test]
    fn check_passes_on_its_own_output_and_within_tolerance() {
        let readme = replace(README, &render(&sample())).unwrap();
        check(&readme, &sample()).unwrap();
        // Another machine: a few hundred bytes off, and another wasm hash.
        let close = report(
            [29_876 + 300, 8_397 - 200, 7_420],
            [512_000 + 5_000, 166_301 + 1_500, 140_002 - 900],
            "ykien-99887766.wasm",
        );
        check(&readme, &close).unwrap();
    }

    #[test]
    fn check_fails_on_stale_or_missing_figures() {
        let readme = replace(README, &render(&sample())).unwrap();
        // The loader grew by 1 KiB gzip: over 512 B and over 1 %.
        let grown = report(
            [29_876, 8_397 + 1_024, 7_420],
            [512_000, 166_301, 140_002],
            "ykien-0a1b2c3d.wasm",
        );
        let err = check(&readme, &grown).unwrap_err();
        assert!(
            err.contains("ykien.js gzip: 8,397 B in README.md, 9,421 B built"),
            "{err}"
        );
        assert!(
            err.contains("Run `cargo xtask dist` and commit README.md"),
            "{err}"
        );
        // The wasm shrank by 2 %: over 1 % of it.
        let shrunk = report(
            [29_876, 8_397, 7_420],
            [512_000, 162_000, 140_002],
            "ykien-0a1b2c3d.wasm",
        );
        let err = check(&readme, &shrunk).unwrap_err();
        assert!(err.contains("ykien-<hash>.wasm gzip"), "{err}");
        assert!(err.contains("before the comments gzip"), "{err}");
        // Hand-edited block without a row, and no block at all.
        let edited = readme.replace("| with the comments | |", "| all | |");
        let err = check(&edited, &sample()).unwrap_err();
        assert!(
            err.contains("with the comments: missing") && err.contains("all: no longer built"),
            "{err}"
        );
        assert!(check("# README\n", &sample())
            .unwrap_err()
            .contains("no sizes block"));
    }

    #[test]
    fn tolerance_is_one_percent_with_a_512_byte_floor() {
        assert_eq!(tolerance(8_000), 512);
        assert_eq!(tolerance(51_200), 512);
        assert_eq!(tolerance(166_301), 1_663);
    }

    #[test]
    fn labels() {
        assert_eq!(label("ykien.js"), "ykien.js");
        assert_eq!(label("ykien-0a1b2c3d.wasm"), "ykien-<hash>.wasm");
        assert_eq!(label("ykien-extra.wasm"), "ykien-extra.wasm");
    }
}
