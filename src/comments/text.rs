//! Comment text: counting characters the way the server does, and finding links in
//! plain text so they can be rendered as anchors without ever parsing it as HTML.

/// What the server will store and count: cleaned (line endings, control characters,
/// surrounding whitespace; shared rule in `ykien-text`) and NFC-normalized.
pub fn prepare(raw: &str) -> String {
    nfc(&ykien_text::clean(raw))
}

/// Characters as the server counts them: Unicode scalar values of [`prepare`]d text.
/// A decomposed "ế" (e + two combining marks) counts once; an emoji such as 👍 once,
/// a ZWJ family sequence as its scalars, exactly like the server.
pub fn count(raw: &str) -> usize {
    ykien_text::count_chars_nfc(&prepare(raw))
}

/// NFC through the browser's `String.prototype.normalize`: the normalization tables
/// are already in every browser, and would be tens of kilobytes in the download.
#[cfg(target_arch = "wasm32")]
pub fn nfc(s: &str) -> String {
    js_sys::JsString::from(s).normalize("NFC").into()
}

/// Native builds (unit tests) have no browser; the NFC path is covered by the
/// browser tests.
#[cfg(not(target_arch = "wasm32"))]
pub fn nfc(s: &str) -> String {
    s.to_owned()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// Splits plain text into text and `http(s)://` links. A link ends at whitespace or
/// at characters that cannot be part of a bare URL in prose; trailing punctuation
/// ("xem https://a.vn/x." or "(https://a.vn)") stays text.
pub fn linkify(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = find_scheme(rest) {
        let (before, from) = rest.split_at(start);
        let end = from
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`'))
            .unwrap_or(from.len());
        let candidate = from.get(..end).unwrap_or(from);
        let trimmed = trim_trailing(candidate);
        let host_len = trimmed.find("://").map_or(0, |i| trimmed.len() - i - 3);
        if host_len == 0 {
            // "https://" alone is not a link.
            let (t, r) = from.split_at(scheme_len(from));
            push_text(&mut out, before);
            push_text(&mut out, t);
            rest = r;
            continue;
        }
        push_text(&mut out, before);
        out.push(Segment::Link(trimmed));
        // Trailing punctuation is text again, joined with what follows.
        rest = from.get(trimmed.len()..).unwrap_or("");
    }
    push_text(&mut out, rest);
    out
}

fn push_text<'a>(out: &mut Vec<Segment<'a>>, s: &'a str) {
    if !s.is_empty() {
        out.push(Segment::Text(s));
    }
}

/// Byte index of the next `http://` or `https://`, case-insensitively, at a word start.
fn find_scheme(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower
        .get(from..)
        .and_then(|t| t.find("http"))
        .map(|i| i + from)
    {
        let tail = lower.get(i..).unwrap_or("");
        let at_word_start = lower
            .get(..i)
            .and_then(|b| b.chars().next_back())
            .is_none_or(|c| !c.is_alphanumeric());
        if at_word_start && (tail.starts_with("http://") || tail.starts_with("https://")) {
            return Some(i);
        }
        from = i + 4;
    }
    None
}

fn scheme_len(s: &str) -> usize {
    if s.get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        8
    } else {
        7
    }
}

/// Drops punctuation that ends a sentence rather than a URL; a closing bracket stays
/// when the URL opened one (`https://vi.wikipedia.org/wiki/Huế_(thành_phố)`).
fn trim_trailing(url: &str) -> &str {
    let mut end = url;
    loop {
        let Some(last) = end.chars().next_back() else {
            return end;
        };
        let strip = match last {
            '.' | ',' | ':' | ';' | '!' | '?' => true,
            ')' => end.matches('(').count() < end.matches(')').count(),
            ']' => end.matches('[').count() < end.matches(']').count(),
            _ => false,
        };
        if !strip {
            return end;
        }
        end = end.get(..end.len() - last.len_utf8()).unwrap_or("");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::{Link, Text};

    #[test]
    fn links_are_found_in_prose() {
        assert_eq!(
            linkify("Xem https://baomoi.vn/a?b=1. Hay!"),
            vec![
                Text("Xem "),
                Link("https://baomoi.vn/a?b=1"),
                Text(". Hay!")
            ]
        );
        assert_eq!(
            linkify("(http://a.vn) và HTTPS://B.VN/x"),
            vec![
                Text("("),
                Link("http://a.vn"),
                Text(") và "),
                Link("HTTPS://B.VN/x")
            ]
        );
        assert_eq!(
            linkify("https://vi.wikipedia.org/wiki/Huế_(thành_phố)"),
            vec![Link("https://vi.wikipedia.org/wiki/Huế_(thành_phố)")]
        );
    }

    #[test]
    fn other_schemes_and_fragments_stay_text() {
        for s in [
            "javascript:alert(1)",
            "xhttps://a.vn",
            "data:text/html,<b>",
            "https://",
            "ftp://a.vn",
        ] {
            assert!(
                linkify(s).iter().all(|seg| matches!(seg, Text(_))),
                "{s}: {:?}",
                linkify(s)
            );
        }
        assert_eq!(linkify(""), vec![]);
    }

    #[test]
    fn quotes_and_angle_brackets_end_a_link() {
        assert_eq!(
            linkify("https://a.vn\"onmouseover=x"),
            vec![Link("https://a.vn"), Text("\"onmouseover=x")]
        );
    }

    #[test]
    fn text_is_reassembled_exactly() {
        for s in [
            "a https://b.c/d, e",
            "https://x.y.",
            "ơ http://ế.vn/ư!",
            "https://",
        ] {
            let joined: String = linkify(s)
                .iter()
                .map(|seg| match seg {
                    Text(t) | Link(t) => *t,
                })
                .collect();
            assert_eq!(joined, s);
        }
    }

    #[test]
    fn counting_follows_the_server_rule() {
        assert_eq!(count("  Xin chào\r\n "), 8);
        assert_eq!(count("👍🏽"), 2);
    }
}
