//! `cargo xtask size`: where each part's bytes go, by crate, and inside ykien by
//! module: what `twiggy top` says, summed, without installing twiggy.
//!
//! It reads the parts the last `cargo xtask dist` left (`target/ykien-bindgen`
//! for the main part, `target/ykien-split` for the lazily loaded ones), shrinks
//! each with the same wasm-opt passes as `dist` but keeping the function names,
//! and sums the code bytes of every function under the crate its name starts
//! with. Raw bytes, not gzip: they say what is there; whether taking something
//! out pays is for `cargo xtask dist` to say (repetitive code compresses well:
//! once, 515 B less raw was 62 B more gzip).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use wasmparser::{KnownCustom, Name, Parser, Payload};

use crate::dist::WASM_OPT_PASSES;
use crate::sh::run;

/// Rows printed per part; the rest are summed into one.
const TOP: usize = 14;

/// `args`: none for every part's table; a part (`split_comments`) and an owner
/// (`yew`, `ykien::comments::components`, `other`) for that owner's biggest
/// functions in that part.
pub fn run_report(root: &Path, args: &[String]) -> Result<(), String> {
    let drill = match args {
        [] => None,
        [part, owner] => Some((part.as_str(), owner.as_str())),
        _ => return Err("usage: cargo xtask size [PART OWNER]".into()),
    };
    let split = root.join("target/ykien-split");
    let main = root.join("target/ykien-bindgen/ykien_bg.wasm");
    if !main.exists() || !split.exists() {
        return Err("no parts to measure: run `cargo xtask dist` first".into());
    }
    let mut parts: Vec<(String, PathBuf)> = vec![("main".into(), main)];
    let mut lazy: Vec<PathBuf> = fs::read_dir(&split)
        .map_err(|e| format!("reading {}: {e}", split.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "wasm")
                && p.file_stem().is_some_and(|s| s != "ykien")
        })
        .collect();
    lazy.sort();
    for p in lazy {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
        parts.push((stem.unwrap_or_default(), p));
    }
    let out_dir = root.join("target/ykien-size");
    fs::create_dir_all(&out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    if let Some((part, _)) = drill {
        parts.retain(|(name, _)| name == part);
        if parts.is_empty() {
            return Err(format!("no part named {part} in {}", split.display()));
        }
    }
    for (name, path) in parts {
        let named = out_dir.join(format!("{name}.wasm"));
        run(
            std::process::Command::new(root.join("node_modules/.bin/wasm-opt"))
                .arg(&path)
                .args(WASM_OPT_PASSES)
                .args(["--debuginfo", "-o"])
                .arg(&named),
        )?;
        let bytes = fs::read(&named).map_err(|e| format!("reading {}: {e}", named.display()))?;
        let sizes = measure(&bytes)?;
        match drill {
            Some((_, owner_name)) => print!("{}", functions_of(&sizes, owner_name)),
            None => print!("{}", table(&name, &sizes)),
        }
    }
    Ok(())
}

/// Code bytes per function name, and the data segments' bytes.
pub struct Sizes {
    pub functions: Vec<(String, u64)>,
    pub data: u64,
}

/// Reads a module's function bodies and names.
pub fn measure(wasm: &[u8]) -> Result<Sizes, String> {
    let err = |e: wasmparser::BinaryReaderError| format!("reading the module: {e}");
    let mut imported = 0u32;
    let mut bodies = Vec::new();
    let mut names = BTreeMap::new();
    let mut data = 0u64;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(err)? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if matches!(
                        import.map_err(err)?.ty,
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_)
                    ) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let r = body.range();
                bodies.push(r.end - r.start);
            }
            Payload::DataSection(segments) => {
                for s in segments {
                    data += s.map_err(err)?.data.len() as u64;
                }
            }
            Payload::CustomSection(c) => {
                if let KnownCustom::Name(reader) = c.as_known() {
                    for sub in reader {
                        if let Ok(Name::Function(map)) = sub {
                            for n in map.into_iter().flatten() {
                                names.insert(n.index, n.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let functions = bodies
        .into_iter()
        .enumerate()
        .map(|(i, size)| {
            let index = imported + i as u32;
            let name = names
                .remove(&index)
                .unwrap_or_else(|| format!("function {index}"));
            // The parts wasm-split-cli writes keep the linker's mangled names, and
            // name its stubs for calls across parts "<name> indirect_call_shim".
            let (base, shim) = match name.strip_suffix(" indirect_call_shim") {
                Some(base) => (base, " (shim)"),
                None => (name.as_str(), ""),
            };
            let name = format!("{:#}{shim}", rustc_demangle::demangle(base));
            (name, size)
        })
        .collect();
    Ok(Sizes { functions, data })
}

/// The crate a function's name starts with, and for ykien's own code its module
/// under `ykien::` (two levels: `comments::components`): `<yew::html::… as …>`
/// is yew's, `<T as core::any::Any>::type_id` core's (names demangled first).
pub fn owner(name: &str) -> String {
    // A split point's entry, with all that was inlined into it.
    if let Some(rest) = name.strip_prefix("__wasm_split_00") {
        let point = rest.split("00").next().unwrap_or(rest);
        return format!("split point {point}");
    }
    let mut s = name.trim_start_matches(['<', '&']);
    s = s.trim_start_matches("mut ").trim_start_matches("dyn ");
    // A generic parameter's impl belongs to the trait's crate.
    if let Some((param, rest)) = s.split_once(" as ") {
        if param.len() <= 2 && param.chars().all(|c| c.is_ascii_uppercase()) {
            s = rest;
        }
    }
    // `core[c5930c85a12de822]::str` (a crate's disambiguator) is core.
    let path: Vec<&str> = s
        .split("::")
        .map(|seg| seg.split(['[', '<', ' ', '(']).next().unwrap_or(seg))
        .collect();
    let is_ident = |x: &str| {
        !x.is_empty()
            && x.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !x.starts_with(|c: char| c.is_ascii_digit())
    };
    match path.as_slice() {
        ["ykien", a, b, ..] if is_ident(a) && is_ident(b) && path.len() > 3 => {
            format!("ykien::{a}::{b}")
        }
        ["ykien", a, ..] if is_ident(a) && path.len() > 2 => format!("ykien::{a}"),
        [first, _, ..] if is_ident(first) => (*first).to_owned(),
        _ => "other".to_owned(),
    }
}

/// One part's table: owners by bytes, the biggest first.
pub fn table(part: &str, sizes: &Sizes) -> String {
    let mut by_owner: BTreeMap<String, u64> = BTreeMap::new();
    for (name, size) in &sizes.functions {
        *by_owner.entry(owner(name)).or_default() += size;
    }
    let code: u64 = by_owner.values().sum();
    let mut rows: Vec<(String, u64)> = by_owner.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out = format!(
        "\n{part}: {code} B of code in {} functions, {} B of data\n",
        sizes.functions.len(),
        sizes.data
    );
    let rest: u64 = rows.iter().skip(TOP).map(|r| r.1).sum();
    for (owner, bytes) in rows.iter().take(TOP) {
        out.push_str(&format!(
            "  {bytes:>8} B {:>5.1} %  {owner}\n",
            share(*bytes, code)
        ));
    }
    if rest > 0 {
        out.push_str(&format!(
            "  {rest:>8} B {:>5.1} %  ({} more)\n",
            share(rest, code),
            rows.len() - TOP
        ));
    }
    out
}

/// The biggest functions of one owner, with their bytes.
pub fn functions_of(sizes: &Sizes, wanted: &str) -> String {
    let mut rows: Vec<&(String, u64)> = sizes
        .functions
        .iter()
        .filter(|(name, _)| owner(name) == wanted)
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    let total: u64 = rows.iter().map(|r| r.1).sum();
    let mut out = format!("{wanted}: {total} B in {} functions\n", rows.len());
    for (name, bytes) in rows.iter().take(40) {
        out.push_str(&format!("  {bytes:>8} B  {name}\n"));
    }
    out
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_is_the_crate_or_ykiens_module() {
        let cases = [
            ("yew::dom_bundle::bnode::reconcile", "yew"),
            ("<yew::html::component::lifecycle::CompStateInner<COMP> as yew::html::component::lifecycle::Stateful>::view", "yew"),
            ("<T as core::any::Any>::type_id", "core"),
            ("<core[c5930c85a12de822]::str::Chars>::next", "core"),
            ("ykien::comments::components::comment_list::item", "ykien::comments::components"),
            ("<ykien::comments::components::section::Section as yew::functional::FunctionProvider>::run", "ykien::comments::components"),
            ("ykien::comments::held::save", "ykien::comments::held"),
            ("ykien::i18n::counter", "ykien::i18n"),
            ("&mut dyn core::fmt::Write", "core"),
            ("function 17", "other"),
            (
                "__wasm_split_00comments00_export_1888656c311c8f41_mount",
                "split point comments",
            ),
        ];
        for (name, want) in cases {
            assert_eq!(owner(name), want, "{name}");
        }
    }

    #[test]
    fn mangled_names_are_read_as_their_paths() {
        let sizes = measure(&module_with_names(&[
            "_ZN5ykien8platform4json5quote17hd4a5ea0fae13cb13E",
            "_RNvMsa_NtCs86o9dxWySvj_9hashbrown3rawNtB5_13RawTableInner5erase",
            "_ZN5ykien8platform4json5quote17hd4a5ea0fae13cb13E indirect_call_shim",
        ]))
        .unwrap();
        let owners: Vec<String> = sizes.functions.iter().map(|(n, _)| owner(n)).collect();
        assert_eq!(
            owners,
            [
                "ykien::platform::json",
                "hashbrown",
                "ykien::platform::json"
            ]
        );
        assert_eq!(sizes.functions[2].0, "ykien::platform::json::quote (shim)");
    }

    #[test]
    fn the_table_sums_by_owner_biggest_first() {
        let sizes = Sizes {
            functions: vec![
                ("yew::a::b".into(), 30),
                ("ykien::comments::held::save".into(), 50),
                ("yew::c::d".into(), 40),
            ],
            data: 7,
        };
        let t = table("comments", &sizes);
        assert!(
            t.contains("comments: 120 B of code in 3 functions, 7 B of data"),
            "{t}"
        );
        let yew = t.find("yew").unwrap();
        let ykien = t.find("ykien::comments").unwrap();
        assert!(yew < ykien, "yew (70 B) before ykien (50 B): {t}");
        assert!(t.contains("70 B  58.3 %  yew"), "{t}");
    }

    #[test]
    fn a_module_with_names_is_measured() {
        let sizes = measure(&module_with_names(&["a", "yb"])).unwrap();
        // Each body (no locals, i nops, end) without its size prefix; the names
        // are found past the imported function's index.
        assert_eq!(
            sizes.functions,
            vec![("a".to_owned(), 3), ("yb".to_owned(), 4)]
        );
    }

    /// A module importing one function and defining one per name, the i-th with
    /// i + 1 `nop`s, and a name section naming them.
    fn module_with_names(names: &[&str]) -> Vec<u8> {
        fn leb(mut n: usize, out: &mut Vec<u8>) {
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    return;
                }
                out.push(byte | 0x80);
            }
        }
        fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
            out.push(id);
            leb(body.len(), out);
            out.extend_from_slice(body);
        }
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        section(1, &[1, 0x60, 0, 0], &mut m);
        section(2, &[1, 1, b'm', 1, b'f', 0, 0], &mut m);
        let mut funcs = Vec::new();
        leb(names.len(), &mut funcs);
        funcs.extend(std::iter::repeat_n(0, names.len()));
        section(3, &funcs, &mut m);
        let mut code = Vec::new();
        leb(names.len(), &mut code);
        for i in 0..names.len() {
            let body: Vec<u8> = std::iter::once(0)
                .chain(std::iter::repeat_n(0x01, i + 1))
                .chain([0x0b])
                .collect();
            leb(body.len(), &mut code);
            code.extend(body);
        }
        section(10, &code, &mut m);
        let mut map = Vec::new();
        leb(names.len(), &mut map);
        for (i, name) in names.iter().enumerate() {
            leb(i + 1, &mut map);
            leb(name.len(), &mut map);
            map.extend_from_slice(name.as_bytes());
        }
        let mut custom = vec![4];
        custom.extend_from_slice(b"name");
        section(1, &map, &mut custom);
        section(0, &custom, &mut m);
        m
    }
}
