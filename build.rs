//! Minifies the widget stylesheet that `src/dom.rs` embeds: comments and layout
//! whitespace are for people reading `styles/widget.css`, not for every reader's
//! download.

use std::path::Path;
use std::{env, fs};

fn main() {
    let src = "styles/widget.css";
    println!("cargo:rerun-if-changed={src}");
    let css = fs::read_to_string(src).unwrap_or_default();
    let out = env::var_os("OUT_DIR").unwrap_or_default();
    let _ = fs::write(Path::new(&out).join("widget.min.css"), minify(&css));
}

/// Drops comments and collapses whitespace. Whitespace is removed only next to
/// `{`, `}`, `;` and `,`, where CSS never gives it meaning; everywhere else (descendant
/// selectors, `a :hover`, value lists, `calc()`) one space is kept.
fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote: Option<char> = None;
    let mut space = false;
    let tight = |c: char| matches!(c, '{' | '}' | ';' | ',');
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut prev = ' ';
            for d in chars.by_ref() {
                if prev == '*' && d == '/' {
                    break;
                }
                prev = d;
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !tight(c) && out.chars().last().is_some_and(|l| !tight(l)) {
            out.push(' ');
        }
        space = false;
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}
