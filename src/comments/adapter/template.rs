//! URL, header and body templates: parsed and checked once when the adapter is read,
//! so a typo such as `{Thread}` is an operator error at mount time rather than a
//! literal brace sent to the API on every request.

use super::Id;
use crate::platform::json::quote;
use crate::platform::time::format_rfc3339;

/// A `{name}` in a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Placeholder {
    Api,
    Thread,
    Author,
    Body,
    Parent,
    Key,
    NowIso,
    NowMs,
    NowS,
}

const NAMES: [(&str, Placeholder); 9] = [
    ("api", Placeholder::Api),
    ("thread", Placeholder::Thread),
    ("author", Placeholder::Author),
    ("body", Placeholder::Body),
    ("parent", Placeholder::Parent),
    ("key", Placeholder::Key),
    ("nowIso", Placeholder::NowIso),
    ("nowMs", Placeholder::NowMs),
    ("nowS", Placeholder::NowS),
];

pub(super) const URL: &[Placeholder] = &[Placeholder::Api, Placeholder::Thread];
pub(super) const THREAD_ONLY: &[Placeholder] = &[Placeholder::Thread];
pub(super) const BODY: &[Placeholder] = &[
    Placeholder::Thread,
    Placeholder::Author,
    Placeholder::Body,
    Placeholder::Parent,
    Placeholder::Key,
    Placeholder::NowIso,
    Placeholder::NowMs,
    Placeholder::NowS,
];

/// "{api} and {thread}" for error messages.
pub(super) fn describe_allowed(allowed: &[Placeholder]) -> String {
    let names: Vec<String> = NAMES
        .iter()
        .filter(|(_, p)| allowed.contains(p))
        .map(|(name, _)| format!("{{{name}}}"))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Text(String),
    Placeholder(Placeholder),
}

/// A string with placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(super) struct Template(Vec<Segment>);

impl Template {
    /// `Err` names the first placeholder not in `allowed` (`"{Thread}"`). A brace that
    /// does not open `{letters}` is literal text.
    pub(super) fn parse(text: &str, allowed: &[Placeholder]) -> Result<Template, String> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = rest.get(open + 1..).unwrap_or_default();
            let name = after
                .find('}')
                .and_then(|close| after.get(..close))
                .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphabetic()));
            literal.push_str(rest.get(..open).unwrap_or_default());
            match name {
                Some(name) => {
                    let placeholder = NAMES
                        .iter()
                        .find(|(n, p)| *n == name && allowed.contains(p))
                        .map(|(_, p)| *p)
                        .ok_or_else(|| format!("{{{name}}}"))?;
                    if !literal.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Placeholder(placeholder));
                    rest = after.get(name.len() + 1..).unwrap_or_default();
                }
                None => {
                    literal.push('{');
                    rest = after;
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Text(literal));
        }
        Ok(Template(segments))
    }

    /// The placeholder when the template is exactly one, such as `"{parent}"`.
    pub(super) fn exact(&self) -> Option<Placeholder> {
        match self.0.as_slice() {
            [Segment::Placeholder(p)] => Some(*p),
            _ => None,
        }
    }

    pub(super) fn render(&self, value: &dyn Fn(Placeholder) -> String) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Placeholder(p) => out.push_str(&value(*p)),
            }
        }
        out
    }
}

/// What placeholders stand for in one request.
pub(super) struct Values<'a> {
    /// Trailing slashes already trimmed.
    pub api: &'a str,
    pub thread: &'a str,
    pub author: &'a str,
    pub body: &'a str,
    pub parent: Option<&'a Id>,
    pub key: &'a str,
    pub now_ms: i64,
}

impl Values<'_> {
    /// The placeholder as text, unencoded.
    pub(super) fn text(&self, p: Placeholder) -> String {
        match p {
            Placeholder::Api => self.api.to_owned(),
            Placeholder::Thread => self.thread.to_owned(),
            Placeholder::Author => self.author.to_owned(),
            Placeholder::Body => self.body.to_owned(),
            Placeholder::Parent => self.parent.map(|id| id.text.clone()).unwrap_or_default(),
            Placeholder::Key => self.key.to_owned(),
            Placeholder::NowIso => format_rfc3339(self.now_ms),
            Placeholder::NowMs => self.now_ms.to_string(),
            Placeholder::NowS => self.now_ms.div_euclid(1000).to_string(),
        }
    }

    /// The placeholder as a JSON value, for a body string that is exactly it.
    fn json(&self, p: Placeholder) -> String {
        match p {
            Placeholder::Parent => match self.parent {
                None => "null".to_owned(),
                Some(id) if id.numeric && is_json_integer(&id.text) => id.text.clone(),
                Some(id) => quote(&id.text),
            },
            Placeholder::NowMs | Placeholder::NowS => self.text(p),
            _ => quote(&self.text(p)),
        }
    }

    /// A URL template with `{thread}` percent-encoded as one path segment.
    pub(super) fn url(&self, template: &Template) -> String {
        template.render(&|p| match p {
            Placeholder::Thread => encode_component(self.thread),
            other => self.text(other),
        })
    }
}

/// `-?(0|[1-9][0-9]*)`: ids marked numeric are only sent bare when they are valid
/// JSON numbers, whoever built the [`Id`].
fn is_json_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

/// A create body: JSON whose strings are templates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum BodyTemplate {
    /// A number, boolean or null, as JSON text.
    Fixed(String),
    Text(Template),
    Array(Vec<BodyTemplate>),
    Object(Vec<(String, BodyTemplate)>),
}

/// Deep enough for any real API body; the bound keeps rendering's recursion bounded.
pub(super) const MAX_BODY_DEPTH: usize = 16;

impl BodyTemplate {
    /// JSON text. Recursion is bounded by [`MAX_BODY_DEPTH`], enforced when parsing.
    pub(super) fn render(&self, values: &Values<'_>, out: &mut String) {
        match self {
            BodyTemplate::Fixed(json) => out.push_str(json),
            BodyTemplate::Text(template) => match template.exact() {
                Some(p) => out.push_str(&values.json(p)),
                None => out.push_str(&quote(&template.render(&|p| values.text(p)))),
            },
            BodyTemplate::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.render(values, out);
                }
                out.push(']');
            }
            BodyTemplate::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(key));
                    out.push(':');
                    value.render(values, out);
                }
                out.push('}');
            }
        }
    }
}

/// Like `encodeURIComponent`: everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )` as
/// UTF-8 `%XX`.
pub fn encode_component(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0xf] {
                out.push(char::from(
                    HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values<'static> {
        Values {
            api: "/api",
            thread: "a b",
            author: "Lan",
            body: "Hi",
            parent: None,
            key: "k",
            now_ms: 1_705_573_800_123,
        }
    }

    #[test]
    fn placeholders_and_literal_braces() {
        let t = Template::parse("{api}/t/{thread}?x={}&y={ thread}&z={9}", URL).expect("ok");
        assert_eq!(values().url(&t), "/api/t/a%20b?x={}&y={ thread}&z={9}");
        assert_eq!(
            Template::parse("{api}/{Thread}", URL),
            Err("{Thread}".to_owned())
        );
        assert_eq!(Template::parse("{body}", URL), Err("{body}".to_owned()));
        assert_eq!(
            Template::parse("{{thread}}", URL).map(|t| values().url(&t)),
            Ok("{a%20b}".to_owned())
        );
        assert_eq!(
            Template::parse("{", URL).map(|t| values().url(&t)),
            Ok("{".to_owned())
        );
        assert_eq!(
            Template::parse("Ý{thread", URL).map(|t| values().url(&t)),
            Ok("Ý{thread".to_owned())
        );
        assert_eq!(
            Template::parse("{nowMs}", BODY).map(|t| t.exact()),
            Ok(Some(Placeholder::NowMs))
        );
        assert_eq!(
            Template::parse("x{nowMs}", BODY).map(|t| t.exact()),
            Ok(None)
        );
        assert_eq!(describe_allowed(URL), "{api} and {thread}");
        assert_eq!(describe_allowed(THREAD_ONLY), "{thread}");
    }

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(
            encode_component("a b/c?d#e&f=g+h%i"),
            "a%20b%2Fc%3Fd%23e%26f%3Dg%2Bh%25i"
        );
        assert_eq!(encode_component("Bình luận"), "B%C3%ACnh%20lu%E1%BA%ADn");
        assert_eq!(encode_component("-_.!~*'()azAZ09"), "-_.!~*'()azAZ09");
        assert_eq!(encode_component("👍"), "%F0%9F%91%8D");
    }

    #[test]
    fn json_integers() {
        for good in ["0", "-0", "12", "-3", "9007199254740993"] {
            assert!(is_json_integer(good), "{good}");
        }
        for bad in ["", "-", "01", "1.0", "1e3", " 1", "+1", "abc"] {
            assert!(!is_json_integer(bad), "{bad}");
        }
    }
}
