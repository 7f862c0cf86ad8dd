//! Text out of HTML, for fields an API writes HTML-escaped or as HTML that the widget
//! shows as text (authors, error pages). Not a sanitizer: its output is only ever set
//! as text, never parsed, so a tag it misreads can garble a name but not run.

/// Decodes the character references an HTML-escaping function writes: `&amp;`
/// `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;`, decimal `&#39;` and hex `&#x27;`. Other
/// named references are left as written (the full table would cost every reader
/// 30 KB for names no escaping function produces).
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let code = if let Some(hex) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = name.strip_prefix('#') {
                        dec.parse::<u32>().ok()
                    } else {
                        None
                    };
                    // NUL and surrogates are not characters; U+FFFD as browsers do.
                    code.map(|n| match n {
                        0 => '\u{fffd}',
                        n => char::from_u32(n).unwrap_or('\u{fffd}'),
                    })
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Elements whose content is never text a reader should see.
const HIDDEN: &[&str] = &["head", "title", "script", "style", "template", "noscript"];

/// Elements that end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "hr",
    "pre",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "center",
    "body",
    "html",
    "dt",
    "dd",
];

/// The visible text of an HTML fragment or page, as blocks (paragraphs, headings,
/// list items), each with its whitespace collapsed; comments, `<head>`, `<title>`,
/// scripts and styles are left out, character references decoded.
pub fn html_blocks(html: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut hidden: Option<String> = None;
    let mut rest = html;
    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        let text = collapse(&decode_entities(current));
        if !text.is_empty() {
            blocks.push(text);
        }
        current.clear();
    };
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            if hidden.is_none() {
                current.push_str(rest);
            }
            break;
        };
        if hidden.is_none() {
            current.push_str(&rest[..open]);
        }
        rest = &rest[open..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else {
            // A lone `<` is text.
            if hidden.is_none() {
                current.push('<');
            }
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            // `<!doctype …>`, `<?xml …>`, or `a < b` that happens to meet a `>`.
            if !tag.starts_with(['!', '?']) && hidden.is_none() {
                current.push('<');
                current.push_str(tag);
                current.push('>');
            }
            continue;
        }
        match &hidden {
            Some(h) if closing && *h == name => hidden = None,
            Some(_) => {}
            None if HIDDEN.contains(&name.as_str()) && !closing && !tag.ends_with('/') => {
                flush(&mut current, &mut blocks);
                hidden = Some(name);
            }
            None if BLOCKS.contains(&name.as_str()) => flush(&mut current, &mut blocks),
            None => {}
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

/// The visible text of HTML on one line: blocks joined with a space.
pub fn html_text(html: &str) -> String {
    html_blocks(html).join(" ")
}

/// Whitespace runs (including no-break spaces) as one space, trimmed.
pub fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An error page's message: its blocks (`<h1>Bad Request</h1><p>text is too
/// short</p>`) read as one line, "Bad Request: text is too short".
pub fn error_page_text(html: &str) -> String {
    let mut out = String::new();
    for block in html_blocks(html) {
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', '!', '?', ':', ';']) {
                " "
            } else {
                ": "
            });
        }
        out.push_str(&block);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_an_escaper_writes_are_decoded() {
        assert_eq!(decode_entities("Lê &amp; &lt;Hà&gt;"), "Lê & <Hà>");
        assert_eq!(
            decode_entities("&quot;x&quot; &#39;y&#x27; &apos;z&#X27;"),
            "\"x\" 'y' 'z'"
        );
        assert_eq!(decode_entities("a&nbsp;b"), "a\u{a0}b");
        assert_eq!(decode_entities("&#8364; &#x1F44D;"), "€ 👍");
        // Not references: kept as written.
        for same in [
            "AT&T", "a & b", "&copy;", "&;", "&#;", "&#xZZ;", "&amp", "&",
        ] {
            assert_eq!(decode_entities(same), same, "{same}");
        }
        assert_eq!(decode_entities("&#0;&#xD800;"), "\u{fffd}\u{fffd}");
        assert_eq!(decode_entities("&amp;lt;"), "&lt;", "decoded once");
    }

    #[test]
    fn visible_text_of_html() {
        assert_eq!(html_text("<b>Lan</b> &amp; <i>Hà</i>"), "Lan & Hà");
        assert_eq!(
            html_blocks("<p>Một</p><p>Hai<br>ba</p>"),
            ["Một", "Hai", "ba"]
        );
        assert_eq!(
            html_text("<script>alert(1)</script><style>p{}</style>x<!-- c -->y"),
            "xy"
        );
        assert_eq!(html_text("a < b > c"), "a < b > c");
        assert_eq!(html_text("1 < 2"), "1 < 2");
        assert_eq!(html_text("<p>unclosed"), "unclosed");
    }

    #[test]
    fn error_pages_read_as_one_line() {
        // Werkzeug's (Isso's) 400 page.
        let werkzeug = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>text is too short (minimum length: 3)</p>\n";
        assert_eq!(
            error_page_text(werkzeug),
            "Bad Request: text is too short (minimum length: 3)"
        );
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";
        assert_eq!(error_page_text(nginx), "502 Bad Gateway: nginx");
        assert_eq!(
            error_page_text("<p>Xong.</p><p>Thử lại</p>"),
            "Xong. Thử lại"
        );
    }
}
