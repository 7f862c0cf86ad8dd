//! A tiny HTML builder for the desk's server-rendered pages. Markup can only
//! be added as `&'static str` (written in this crate), every dynamic value
//! goes through [`Html::text`], which escapes it for both text and quoted
//! attribute positions. Comments are hostile input here as much as anywhere.

use std::fmt::Write as _;

#[derive(Debug, Default, Clone)]
pub struct Html(String);

/// Escapes `& < > " '` (enough for text and double- or single-quoted attributes).
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

impl Html {
    pub fn new() -> Self {
        Self(String::with_capacity(16 * 1024))
    }

    /// Literal markup from this crate.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Any value, escaped.
    pub fn text(&mut self, value: &str) -> &mut Self {
        escape(value, &mut self.0);
        self
    }

    pub fn num(&mut self, n: i64) -> &mut Self {
        let _ = write!(self.0, "{n}");
        self
    }

    /// Another fragment built the same way.
    pub fn html(&mut self, other: &Html) -> &mut Self {
        self.0.push_str(&other.0);
        self
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A query string from pairs, percent-encoded (put it in an attribute with
/// [`Html::text`], which turns `&` into `&amp;`).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            ser.append_pair(k, v);
        }
    }
    ser.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_dynamic() {
        let mut h = Html::new();
        h.raw("<p title=\"")
            .text("\"><script>alert(1)</script>'")
            .raw("\">")
            .text("<img src=x onerror=alert(1)> & ")
            .num(-3)
            .raw("</p>");
        assert_eq!(
            h.as_str(),
            "<p title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;\">\
             &lt;img src=x onerror=alert(1)&gt; &amp; -3</p>"
        );
        assert_eq!(
            query(&[("q", "a&b c"), ("x", ""), ("t", "đ")]),
            "q=a%26b+c&t=%C4%91"
        );
    }
}
