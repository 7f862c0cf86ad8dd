//! The widget stylesheet as the loader embeds it: `styles/widget.css` without
//! comments and layout whitespace (those are for people reading the file, not for
//! every reader's download), as a JavaScript string literal.

/// Drops comments and collapses whitespace. Whitespace is removed only next to
/// `{`, `}`, `;` and `,`, where CSS never gives it meaning; everywhere else (descendant
/// selectors, `a :hover`, value lists, `calc()`) one space is kept.
pub fn minify(css: &str) -> String {
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

/// `s` as a double-quoted JavaScript string literal.
pub fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            // So the literal can never end a surrounding <script> or <style>.
            '<' => out.push_str("\\x3c"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minifies_without_changing_meaning() {
        let css = "/* c */\n.a  .b ,\n.c {\n  font: 16px/1.5 \"Segoe  UI\", x;\n}\n";
        assert_eq!(minify(css), ".a .b,.c{font: 16px/1.5 \"Segoe  UI\",x;}");
    }

    #[test]
    fn quotes_for_javascript() {
        assert_eq!(js_string("a\"b\\c\n<"), "\"a\\\"b\\\\c\\n\\x3c\"");
    }
}
