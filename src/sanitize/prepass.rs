//! A textual pass over untrusted HTML before the browser parses it.
//!
//! Why: Chromium checks a page's Content-Security-Policy when *any* parser creates an
//! inline event handler or `style` attribute or a `<style>` element, even in an inert
//! `DOMParser` document where nothing can run, and sends a `securitypolicyviolation`
//! report for each. A hostile comment list would flood a newsroom's `report-uri`
//! with hundreds of reports although the sanitizer drops all of it. So those
//! attributes and elements are removed from the text first, and the parser never
//! sees them.
//!
//! This pass is not the security boundary: the DOM allowlist in [`super::policy`]
//! still judges everything that is parsed. It only has to agree with the HTML
//! tokenizer on where tags and attributes are, and where it cannot be sure (foreign
//! content, script escapes) it errs towards removing more: `<script>` and `<style>`
//! go with their content up to the *first* matching end tag, which is never later
//! than where the real tokenizer ends them.

use std::borrow::Cow;

/// `html` without `on*` and `style` attributes, `<script>` and `<style>` elements.
/// Borrowed when there was nothing to remove (the common case for article bodies).
pub fn strip_inline(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    if !bytes.contains(&b'<') {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    // Start of the text not yet copied to `out`.
    let mut copied = 0;
    let mut changed = false;
    let mut i = 0;
    while let Some(at) = find_byte(bytes, b'<', i) {
        i = at + 1;
        match bytes.get(i) {
            Some(b'!') => i = skip_markup_declaration(bytes, i + 1),
            Some(b'?') => i = skip_to_gt(bytes, i + 1),
            Some(b'/') => {
                // An end tag's attributes create nothing, but it is tokenized like a
                // start tag (quoted values may contain `>`).
                i = match bytes.get(i + 1) {
                    Some(c) if c.is_ascii_alphabetic() => scan_tag(bytes, i + 1, &mut |_| {}).end,
                    Some(b'>') => i + 2,
                    _ => skip_to_gt(bytes, i + 1),
                };
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let mut drops: Vec<(usize, usize)> = Vec::new();
                let tag = scan_tag(bytes, i, &mut |range| drops.push(range));
                let name = html.get(i..tag.name_end).unwrap_or_default();
                let raw_text = ["script", "style"]
                    .into_iter()
                    .find(|n| n.eq_ignore_ascii_case(name));
                if let Some(element) = raw_text {
                    // Drop the element with its content, end tag included.
                    out.push_str(html.get(copied..at).unwrap_or_default());
                    // `<script/>` still starts script data: the `/` changes nothing.
                    let end = end_of_raw_text(bytes, tag.end, element);
                    copied = end;
                    i = end;
                    changed = true;
                } else if !drops.is_empty() {
                    for (from, to) in drops {
                        out.push_str(html.get(copied..from).unwrap_or_default());
                        copied = to;
                    }
                    changed = true;
                    i = tag.end;
                } else {
                    i = tag.end;
                }
            }
            // `<` followed by anything else is text.
            _ => {}
        }
    }
    if !changed {
        return Cow::Borrowed(html);
    }
    out.push_str(html.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

fn find_byte(bytes: &[u8], needle: u8, from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|p| p + from)
}

fn find_seq(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay = bytes.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// After `>` (or the end of input).
fn skip_to_gt(bytes: &[u8], from: usize) -> usize {
    find_byte(bytes, b'>', from).map_or(bytes.len(), |p| p + 1)
}

/// `from` is just after `<!`. Comments follow the tokenizer's rules, including the
/// abrupt `<!-->` and `<!--->`; everything else (doctype, CDATA outside foreign
/// content) is a bogus comment ending at the first `>`.
fn skip_markup_declaration(bytes: &[u8], from: usize) -> usize {
    if bytes.get(from..from + 2) != Some(b"--") {
        return skip_to_gt(bytes, from);
    }
    let body = from + 2;
    if bytes.get(body) == Some(&b'>') {
        return body + 1;
    }
    if bytes.get(body..body + 2) == Some(b"->") {
        return body + 2;
    }
    let dashes = find_seq(bytes, b"-->", body).map(|p| p + 3);
    let bang = find_seq(bytes, b"--!>", body).map(|p| p + 4);
    match (dashes, bang) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => bytes.len(),
    }
}

struct Tag {
    /// End of the tag name.
    name_end: usize,
    /// Just after the closing `>` (or the end of input).
    end: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Scans a tag from its name (at `from`) to just after `>`, reporting the byte range
/// of every attribute to drop (name, optional `=` and value).
fn scan_tag(bytes: &[u8], from: usize, drop: &mut dyn FnMut((usize, usize))) -> Tag {
    let at = |k: usize| bytes.get(k).copied();
    let mut i = from;
    while at(i).is_some_and(|b| !is_space(b) && b != b'/' && b != b'>') {
        i += 1;
    }
    let name_end = i;
    loop {
        // Before an attribute name: spaces and `/` separate attributes.
        while at(i).is_some_and(|b| is_space(b) || b == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => {
                return Tag {
                    name_end,
                    end: bytes.len(),
                }
            }
            Some(b'>') => {
                return Tag {
                    name_end,
                    end: i + 1,
                }
            }
            Some(_) => {}
        }
        // The attribute name; a leading `=` belongs to it.
        let start = i;
        i += 1;
        while at(i).is_some_and(|b| !is_space(b) && !matches!(b, b'/' | b'>' | b'=')) {
            i += 1;
        }
        let name = bytes.get(start..i).unwrap_or_default();
        // Spaces may stand between the name and `=`.
        let mut j = i;
        while at(j).is_some_and(is_space) {
            j += 1;
        }
        if at(j) == Some(b'=') {
            j += 1;
            while at(j).is_some_and(is_space) {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j = find_byte(bytes, q, j + 1).map_or(bytes.len(), |p| p + 1);
                }
                Some(b'>') | None => {}
                Some(_) => {
                    while at(j).is_some_and(|b| !is_space(b) && b != b'>') {
                        j += 1;
                    }
                }
            }
            i = j;
        }
        if drops_attribute(name) {
            drop((start, i));
        }
    }
}

/// Event handlers (`on…`, any case) and inline styles.
fn drops_attribute(name: &[u8]) -> bool {
    name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case(b"on"))
        || name.eq_ignore_ascii_case(b"style")
}

/// Just after the first `</name` followed by a space, `/` or `>`, and that tag's `>`.
fn end_of_raw_text(bytes: &[u8], from: usize, name: &str) -> usize {
    let n = name.len();
    let mut i = from;
    while let Some(at) = find_seq(bytes, b"</", i) {
        let name_at = at + 2;
        let matches = bytes
            .get(name_at..name_at + n)
            .is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()));
        let delimited =
            matches!(bytes.get(name_at + n), Some(&b) if is_space(b) || b == b'/' || b == b'>');
        if matches && delimited {
            return scan_tag(bytes, name_at, &mut |_| {}).end;
        }
        i = name_at;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::strip_inline;

    fn s(html: &str) -> String {
        strip_inline(html).into_owned()
    }

    #[test]
    fn text_without_tags_is_borrowed() {
        assert!(matches!(
            strip_inline("a < b && c > d"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            strip_inline("<p>plain <b>x</b></p>"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn handlers_and_styles_go_in_every_spelling() {
        assert_eq!(s(r#"<img src=x onerror=alert(1)>"#), "<img src=x >");
        assert_eq!(s(r#"<p ONCLICK="a>b" class=c>t</p>"#), "<p  class=c>t</p>");
        assert_eq!(s(r#"<p style = 'color:red' title=x>"#), "<p  title=x>");
        assert_eq!(s(r#"<a/onclick=x href=y>"#), "<a/ href=y>");
        assert_eq!(s(r#"<svg onload=alert(1)>"#), "<svg >");
        assert_eq!(s("<p\nonmouseover\n=\n\"x\"\n>"), "<p\n\n>");
        assert_eq!(s(r#"<img src=x onerror>"#), "<img src=x >");
    }

    #[test]
    fn script_and_style_elements_go_with_their_content() {
        assert_eq!(s("a<style>p{color:red}</style>b"), "ab");
        assert_eq!(s("a<SCRIPT>x('</p>')</script >b"), "ab");
        assert_eq!(s("a<style>never closed"), "a");
        // The first end tag ends it, even inside what looks like an attribute.
        assert_eq!(
            s(r#"<svg><style><a title="</style>"><img onerror=x>"#),
            r#"<svg>"><img >"#
        );
    }

    #[test]
    fn text_comments_and_attribute_values_are_not_tags() {
        assert_eq!(s("onclick=1 < onerror=2"), "onclick=1 < onerror=2");
        assert_eq!(
            s(r#"<p title="<img onerror=x>">"#),
            r#"<p title="<img onerror=x>">"#
        );
        assert_eq!(s("<!-- <img onerror=x> -->"), "<!-- <img onerror=x> -->");
        // Abrupt comment ends, as the tokenizer reads them: the img is real.
        assert_eq!(s("<!--><img onerror=x>"), "<!--><img >");
        assert_eq!(s("<!---><img onerror=x>"), "<!---><img >");
        assert_eq!(s("<!-- a --!><img onerror=x>"), "<!-- a --!><img >");
        assert_eq!(s("<!doctype html><img onerror=x>"), "<!doctype html><img >");
        assert_eq!(s("</p onclick=x><b onclick=y>"), "</p onclick=x><b >");
    }

    #[test]
    fn unicode_around_tags_is_kept() {
        assert_eq!(
            s("Tiếng Việt <b onclick=x>đậm</b> ✓"),
            "Tiếng Việt <b >đậm</b> ✓"
        );
    }

    #[test]
    fn never_panics_on_truncated_input() {
        for html in [
            "<", "<a", "<a on", "<a on=", "<a on=\"", "<!", "<!-", "<!--", "</", "<style", "<a b='",
        ] {
            let _ = strip_inline(html);
        }
    }
}
