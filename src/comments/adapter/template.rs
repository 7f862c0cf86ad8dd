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
    /// The top-level comment of the thread a reply belongs to.
    Root,
    Key,
    NowIso,
    NowMs,
    NowS,
    Email,
    Website,
    PageUrl,
    CanonicalUrl,
    PageTitle,
    /// `{meta:NAME}`: the `content` of the page's `<meta name="NAME">`.
    Meta,
    /// `{cookie:NAME}`: the value of the page's cookie `NAME`.
    Cookie,
    /// The comment an action (like, report, edit, delete) is about.
    CommentId,
    /// This browser's opaque id (`crate::comments::mine::device`).
    Device,
    /// The secret token the API gave the author of a comment (edit, delete).
    Token,
    /// The code of the report reason the reader chose.
    Reason,
    /// What the reader wrote with a report.
    Note,
}

const NAMES: [(&str, Placeholder); 22] = [
    ("api", Placeholder::Api),
    ("thread", Placeholder::Thread),
    ("author", Placeholder::Author),
    ("body", Placeholder::Body),
    ("parent", Placeholder::Parent),
    ("root", Placeholder::Root),
    ("key", Placeholder::Key),
    ("nowIso", Placeholder::NowIso),
    ("nowMs", Placeholder::NowMs),
    ("nowS", Placeholder::NowS),
    ("email", Placeholder::Email),
    ("website", Placeholder::Website),
    ("pageUrl", Placeholder::PageUrl),
    ("canonicalUrl", Placeholder::CanonicalUrl),
    ("pageTitle", Placeholder::PageTitle),
    ("meta", Placeholder::Meta),
    ("cookie", Placeholder::Cookie),
    ("id", Placeholder::CommentId),
    ("device", Placeholder::Device),
    ("token", Placeholder::Token),
    ("reason", Placeholder::Reason),
    ("note", Placeholder::Note),
];

const PAGE: [Placeholder; 3] = [
    Placeholder::PageUrl,
    Placeholder::CanonicalUrl,
    Placeholder::PageTitle,
];

pub(super) const URL: &[Placeholder] = &[Placeholder::Api, Placeholder::Thread];
/// A per-parent replies URL also knows the parent.
pub(super) const REPLIES_URL: &[Placeholder] =
    &[Placeholder::Api, Placeholder::Thread, Placeholder::Parent];
/// List query values: the thread and the page's facts.
pub(super) const QUERY: &[Placeholder] = &[Placeholder::Thread, PAGE[0], PAGE[1], PAGE[2]];
pub(super) const REPLIES_QUERY: &[Placeholder] = &[
    Placeholder::Thread,
    Placeholder::Parent,
    PAGE[0],
    PAGE[1],
    PAGE[2],
];
/// Header values: as query values, plus what the page holds (CSRF tokens).
pub(super) const HEADER: &[Placeholder] = &[
    Placeholder::Thread,
    PAGE[0],
    PAGE[1],
    PAGE[2],
    Placeholder::Meta,
    Placeholder::Cookie,
];
pub(super) const REPLIES_HEADER: &[Placeholder] = &[
    Placeholder::Thread,
    Placeholder::Parent,
    PAGE[0],
    PAGE[1],
    PAGE[2],
    Placeholder::Meta,
    Placeholder::Cookie,
];
pub(super) const BODY: &[Placeholder] = &[
    Placeholder::Thread,
    Placeholder::Author,
    Placeholder::Body,
    Placeholder::Parent,
    Placeholder::Root,
    Placeholder::Key,
    Placeholder::NowIso,
    Placeholder::NowMs,
    Placeholder::NowS,
    Placeholder::Email,
    Placeholder::Website,
    PAGE[0],
    PAGE[1],
    PAGE[2],
    Placeholder::Meta,
    Placeholder::Cookie,
];

/// An action's URL (like, unlike, report, edit, delete): the comment, and the
/// device for APIs that take it in the query.
pub(super) const ACTION_URL: &[Placeholder] = &[
    Placeholder::Api,
    Placeholder::Thread,
    Placeholder::CommentId,
    Placeholder::Device,
];
/// An action's headers: as a create's, plus the comment and its token
/// (`Authorization: Bearer {token}`).
pub(super) const ACTION_HEADER: &[Placeholder] = &[
    Placeholder::Thread,
    Placeholder::CommentId,
    Placeholder::Token,
    Placeholder::Device,
    PAGE[0],
    PAGE[1],
    PAGE[2],
    Placeholder::Meta,
    Placeholder::Cookie,
];
/// An action's body: what the action is about and what the reader gave for it.
pub(super) const ACTION_BODY: &[Placeholder] = &[
    Placeholder::Thread,
    Placeholder::CommentId,
    Placeholder::Device,
    Placeholder::Token,
    Placeholder::Body,
    Placeholder::Reason,
    Placeholder::Note,
    Placeholder::Key,
    Placeholder::NowIso,
    Placeholder::NowMs,
    Placeholder::NowS,
    PAGE[0],
    PAGE[1],
    PAGE[2],
    Placeholder::Meta,
    Placeholder::Cookie,
];

/// Every placeholder, for the reference adapter's constant templates.
pub(super) const ALL: &[Placeholder] = &[
    Placeholder::Api,
    Placeholder::Thread,
    Placeholder::Author,
    Placeholder::Body,
    Placeholder::Parent,
    Placeholder::Root,
    Placeholder::Key,
    Placeholder::CommentId,
    Placeholder::Device,
    Placeholder::Token,
    Placeholder::Reason,
    Placeholder::Note,
];

/// "{api} and {thread}" for error messages.
pub(super) fn describe_allowed(allowed: &[Placeholder]) -> String {
    let names: Vec<String> = NAMES
        .iter()
        .filter(|(_, p)| allowed.contains(p))
        .map(|(name, p)| match p {
            Placeholder::Meta | Placeholder::Cookie => format!("{{{name}:NAME}}"),
            _ => format!("{{{name}}}"),
        })
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Where `{meta:NAME}` and `{cookie:NAME}` read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageSource {
    Meta,
    Cookie,
}

/// One placeholder as written: `{thread|number}`, `{meta:csrf-token}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Slot {
    pub p: Placeholder,
    /// The NAME of `{meta:NAME}` / `{cookie:NAME}`; empty otherwise.
    pub arg: String,
    /// `|number`: sent as a JSON number when its value is one.
    pub number: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Text(String),
    Slot(Slot),
}

/// A string with placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(super) struct Template(Vec<Segment>);

/// `letters`, `letters|letters` or `letters:name` (name: letters, digits, `-`, `_`,
/// `.`): what counts as a placeholder between braces. Anything else is literal.
fn placeholder_like(inner: &str) -> bool {
    let (head, tail) = match inner.find(['|', ':']) {
        Some(at) => (&inner[..at], Some(&inner[at..])),
        None => (inner, None),
    };
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic());
    letters(head)
        && match tail {
            None => true,
            Some(t) if t.starts_with('|') => letters(&t[1..]),
            Some(t) => {
                let name = &t[1..];
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            }
        }
}

impl Template {
    /// `Err` names the first placeholder not in `allowed` (`"{Thread}"`). A brace that
    /// does not open `{letters}`, `{letters|letters}` or `{letters:name}` is literal text.
    pub(super) fn parse(text: &str, allowed: &[Placeholder]) -> Result<Template, String> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = rest.get(open + 1..).unwrap_or_default();
            let inner = after
                .find('}')
                .and_then(|close| after.get(..close))
                .filter(|inner| placeholder_like(inner));
            literal.push_str(rest.get(..open).unwrap_or_default());
            match inner {
                Some(inner) => {
                    let slot = parse_slot(inner, allowed).ok_or_else(|| format!("{{{inner}}}"))?;
                    if !literal.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Slot(slot));
                    rest = after.get(inner.len() + 1..).unwrap_or_default();
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
    #[cfg(test)]
    pub(super) fn exact(&self) -> Option<Placeholder> {
        self.exact_slot().map(|s| s.p)
    }

    fn exact_slot(&self) -> Option<&Slot> {
        match self.0.as_slice() {
            [Segment::Slot(s)] => Some(s),
            _ => None,
        }
    }

    pub(super) fn render(&self, value: &dyn Fn(&Slot) -> String) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Slot(s) => out.push_str(&value(s)),
            }
        }
        out
    }

    /// The `{meta:NAME}` and `{cookie:NAME}` this template reads.
    pub(super) fn reads(&self, out: &mut Vec<(PageSource, String)>) {
        for segment in &self.0 {
            if let Segment::Slot(s) = segment {
                let source = match s.p {
                    Placeholder::Meta => PageSource::Meta,
                    Placeholder::Cookie => PageSource::Cookie,
                    _ => continue,
                };
                if !out.iter().any(|(src, n)| *src == source && *n == s.arg) {
                    out.push((source, s.arg.clone()));
                }
            }
        }
    }
}

fn parse_slot(inner: &str, allowed: &[Placeholder]) -> Option<Slot> {
    let (name, arg, number) = match inner.split_once(':') {
        Some((name, arg)) => (name, arg, false),
        None => match inner.split_once('|') {
            Some((name, "number")) => (name, "", true),
            Some(_) => return None,
            None => (inner, "", false),
        },
    };
    let p = NAMES
        .iter()
        .find(|(n, p)| *n == name && allowed.contains(p))
        .map(|(_, p)| *p)?;
    let reads = matches!(p, Placeholder::Meta | Placeholder::Cookie);
    // `{meta}` alone names nothing; `{thread:x}` is not a thing.
    if reads == arg.is_empty() {
        return None;
    }
    Some(Slot {
        p,
        arg: arg.to_owned(),
        number,
    })
}

/// What `{parent}` (and `{root}`) stand for in a top-level comment's create body.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(super) enum NoParent {
    #[default]
    Null,
    /// The member is left out of the body.
    Omit,
    /// This JSON value (a number or a string), as JSON text.
    Value(String),
}

/// What the page provides to templates, read when a request is made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// `location.href`.
    pub url: String,
    /// `<link rel="canonical">`'s href, else `url`.
    pub canonical_url: String,
    /// `document.title`.
    pub title: String,
    /// The `{meta:NAME}` and `{cookie:NAME}` values, as found (missing ones are empty).
    pub values: Vec<(PageSource, String, String)>,
}

impl PageFacts {
    fn value(&self, source: PageSource, name: &str) -> String {
        self.values
            .iter()
            .find(|(s, n, _)| *s == source && n == name)
            .map(|(_, _, v)| v.clone())
            .unwrap_or_default()
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
    pub root: Option<&'a Id>,
    pub key: &'a str,
    pub now_ms: i64,
    pub email: &'a str,
    pub website: &'a str,
    pub page: &'a PageFacts,
    pub no_parent: &'a NoParent,
    /// What an action request adds.
    pub action: &'a ActionValues,
}

/// The values of an action request's placeholders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionValues {
    pub id: Option<Id>,
    pub device: String,
    pub token: String,
    pub reason: String,
    pub note: String,
}

impl Values<'_> {
    /// The placeholder as text, unencoded.
    pub(super) fn text(&self, s: &Slot) -> String {
        let id_text = |id: Option<&Id>| match (id, self.no_parent) {
            (Some(id), _) => id.text.clone(),
            // A given value stands for "no parent" in text too (`0`, `-1`).
            (None, NoParent::Value(json)) => crate::platform::json::parse(json)
                .ok()
                .and_then(|v| {
                    use crate::platform::json::Json;
                    v.string().or_else(|| v.to_json())
                })
                .unwrap_or_default(),
            (None, _) => String::new(),
        };
        match s.p {
            Placeholder::Api => self.api.to_owned(),
            Placeholder::Thread => self.thread.to_owned(),
            Placeholder::Author => self.author.to_owned(),
            Placeholder::Body => self.body.to_owned(),
            Placeholder::Parent => id_text(self.parent),
            Placeholder::Root => id_text(self.root.or(self.parent)),
            Placeholder::Key => self.key.to_owned(),
            Placeholder::NowIso => format_rfc3339(self.now_ms),
            Placeholder::NowMs => self.now_ms.to_string(),
            Placeholder::NowS => self.now_ms.div_euclid(1000).to_string(),
            Placeholder::Email => self.email.to_owned(),
            Placeholder::Website => self.website.to_owned(),
            Placeholder::PageUrl => self.page.url.clone(),
            Placeholder::CanonicalUrl => self.page.canonical_url.clone(),
            Placeholder::PageTitle => self.page.title.clone(),
            Placeholder::Meta => self.page.value(PageSource::Meta, &s.arg),
            Placeholder::Cookie => self.page.value(PageSource::Cookie, &s.arg),
            Placeholder::CommentId => self
                .action
                .id
                .as_ref()
                .map(|id| id.text.clone())
                .unwrap_or_default(),
            Placeholder::Device => self.action.device.clone(),
            Placeholder::Token => self.action.token.clone(),
            Placeholder::Reason => self.action.reason.clone(),
            Placeholder::Note => self.action.note.clone(),
        }
    }

    /// The placeholder as a JSON value, for a body string that is exactly it.
    fn json(&self, s: &Slot) -> String {
        let id_json = |id: Option<&Id>| match id {
            None => match self.no_parent {
                NoParent::Value(json) => json.clone(),
                NoParent::Null | NoParent::Omit => "null".to_owned(),
            },
            Some(id) if (id.numeric || s.number) && is_json_integer(&id.text) => id.text.clone(),
            Some(id) => quote(&id.text),
        };
        match s.p {
            Placeholder::Parent => id_json(self.parent),
            Placeholder::CommentId => match &self.action.id {
                Some(id) if (id.numeric || s.number) && is_json_integer(&id.text) => {
                    id.text.clone()
                }
                _ => quote(&self.text(s)),
            },
            // The root of a reply to a top-level comment is that comment.
            Placeholder::Root => id_json(self.root.or(self.parent)),
            Placeholder::NowMs | Placeholder::NowS => self.text(s),
            _ => {
                let text = self.text(s);
                if s.number && is_json_number(&text) {
                    text
                } else {
                    quote(&text)
                }
            }
        }
    }

    /// A body member left out: `{parent}` or `{root}` of a top-level comment when
    /// the adapter says "omitted".
    fn omitted(&self, s: &Slot) -> bool {
        *self.no_parent == NoParent::Omit
            && self.parent.is_none()
            && matches!(s.p, Placeholder::Parent | Placeholder::Root)
    }

    /// A URL template with `{thread}` and `{parent}` percent-encoded as one path segment.
    pub(super) fn url(&self, template: &Template) -> String {
        template.render(&|s| match s.p {
            Placeholder::Api => self.text(s),
            _ => encode_component(&self.text(s)),
        })
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: what `|number` sends bare.
fn is_json_number(text: &str) -> bool {
    match text.split_once('.') {
        Some((whole, fraction)) => {
            is_json_integer(whole)
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => is_json_integer(text),
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

impl BodyTemplate {
    fn omitted(&self, values: &Values<'_>) -> bool {
        match self {
            BodyTemplate::Text(t) => t.exact_slot().is_some_and(|s| values.omitted(s)),
            _ => false,
        }
    }

    /// The `{meta:NAME}` and `{cookie:NAME}` the body reads.
    pub(super) fn reads(&self, out: &mut Vec<(PageSource, String)>) {
        match self {
            BodyTemplate::Fixed(_) => {}
            BodyTemplate::Text(t) => t.reads(out),
            BodyTemplate::Array(items) => items.iter().for_each(|i| i.reads(out)),
            BodyTemplate::Object(members) => members.iter().for_each(|(_, v)| v.reads(out)),
        }
    }
}

/// Deep enough for any real API body; the bound keeps rendering's recursion bounded.
pub(super) const MAX_BODY_DEPTH: usize = 16;

impl BodyTemplate {
    /// JSON text. Recursion is bounded by [`MAX_BODY_DEPTH`], enforced when parsing.
    pub(super) fn render(&self, values: &Values<'_>, out: &mut String) {
        match self {
            BodyTemplate::Fixed(json) => out.push_str(json),
            BodyTemplate::Text(template) => match template.exact_slot() {
                Some(s) => out.push_str(&values.json(s)),
                None => out.push_str(&quote(&template.render(&|s| values.text(s)))),
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
                let mut first = true;
                for (key, value) in members {
                    if value.omitted(values) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
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

/// The inverse of [`encode_component`]: `None` when a `%` is not followed by two
/// hex digits or the bytes are not UTF-8.
pub fn decode_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
            root: None,
            key: "k",
            now_ms: 1_705_573_800_123,
            email: "",
            website: "",
            page: Box::leak(Box::default()),
            no_parent: &NoParent::Null,
            action: Box::leak(Box::default()),
        }
    }

    #[test]
    fn typed_and_page_placeholders() {
        let t = Template::parse("{thread|number}", BODY).expect("ok");
        let page = PageFacts {
            url: "https://bao.vn/a?x=1".into(),
            canonical_url: "https://bao.vn/a".into(),
            title: "Tiêu đề".into(),
            values: vec![(PageSource::Meta, "csrf-token".into(), "tok".into())],
        };
        let mut v = values();
        v.thread = "123";
        let s = t.exact_slot().expect("slot").clone();
        assert_eq!(v.json(&s), "123");
        v.thread = "12.5";
        assert_eq!(v.json(&s), "12.5");
        v.thread = "abc";
        assert_eq!(v.json(&s), "\"abc\"", "not a number: sent as a string");
        v.page = &page;
        let t = Template::parse("{meta:csrf-token}/{cookie:XSRF-TOKEN}/{pageTitle}", HEADER)
            .expect("ok");
        assert_eq!(t.render(&|s| v.text(s)), "tok//Tiêu đề");
        let mut reads = Vec::new();
        t.reads(&mut reads);
        assert_eq!(
            reads,
            [
                (PageSource::Meta, "csrf-token".to_owned()),
                (PageSource::Cookie, "XSRF-TOKEN".to_owned())
            ]
        );
        // Not allowed where the request cannot know them, and malformed forms.
        assert_eq!(
            Template::parse("{meta:x}", QUERY),
            Err("{meta:x}".to_owned())
        );
        assert_eq!(Template::parse("{meta}", HEADER), Err("{meta}".to_owned()));
        assert_eq!(
            Template::parse("{thread:x}", HEADER),
            Err("{thread:x}".to_owned())
        );
        assert_eq!(
            Template::parse("{thread|text}", BODY),
            Err("{thread|text}".to_owned())
        );
        assert!(Template::parse("{meta: x}", HEADER).is_ok(), "literal");
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
        assert_eq!(describe_allowed(&[Placeholder::Thread]), "{thread}");
        assert_eq!(
            describe_allowed(HEADER),
            "{thread}, {pageUrl}, {canonicalUrl}, {pageTitle}, {meta:NAME} and {cookie:NAME}"
        );
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
        for text in ["a b/c?d#e&f=g+h%i", "Bình luận", "👍", ""] {
            assert_eq!(
                decode_component(&encode_component(text)).as_deref(),
                Some(text)
            );
        }
        assert_eq!(decode_component("%E0%A4"), None, "not UTF-8");
        assert_eq!(decode_component("%2"), None);
        assert_eq!(decode_component("%zz"), None);
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
