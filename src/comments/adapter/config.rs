//! Reading an adapter config (`docs/adapter.md`) over the defaults. Strict on purpose:
//! an unknown key or a wrong type is almost always a typo that would otherwise show
//! up as an empty comment section on a live site, so it is an error naming the field.

mod actions;

use super::template::{self, BodyTemplate, NoParent, Template, MAX_BODY_DEPTH};
use super::{Adapter, AdapterError, Credentials, FieldRule, Fields, Order, Status, Timeouts};
use crate::platform::json::{quote, Json};
use crate::platform::time::Zone;
use crate::sanitize::policy::url_is_http_or_relative;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TimeFormat {
    Iso,
    Unix,
    UnixMs,
}

/// How a text field of a comment is written (`bodyFormat`, `authorFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TextFormat {
    /// Plain text.
    Text,
    /// HTML: a body is sanitized and rendered; an author is reduced to its text.
    Html,
    /// Text written HTML-escaped (`&amp;`, `&lt;`): decoded, then shown as text.
    Escaped,
}

const TEXT_FORMATS: &[(&str, TextFormat)] = &[
    ("text", TextFormat::Text),
    ("html", TextFormat::Html),
    ("escaped", TextFormat::Escaped),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Paging {
    Cursor {
        param: String,
        next: String,
    },
    Page {
        param: String,
        first: u64,
        size: u64,
        size_param: Option<String>,
        /// Path of the number of pages in the answer, when the API gives it.
        pages: Option<String>,
    },
    Offset {
        param: String,
        size: u64,
        size_param: Option<String>,
    },
    /// The next page starts after the last item's `field` (`after=<created of last>`).
    Keyset {
        param: String,
        field: String,
        size: u64,
        size_param: Option<String>,
    },
    /// The next page's URL is in the `Link: <…>; rel="next"` response header.
    Link,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PagingType {
    Cursor,
    Page,
    Offset,
    Keyset,
    Link,
    None,
}

const PAGING_TYPES: &[(&str, PagingType)] = &[
    ("cursor", PagingType::Cursor),
    ("page", PagingType::Page),
    ("offset", PagingType::Offset),
    ("keyset", PagingType::Keyset),
    ("link", PagingType::Link),
    ("none", PagingType::None),
];

impl Paging {
    fn kind(&self) -> PagingType {
        match self {
            Paging::Cursor { .. } => PagingType::Cursor,
            Paging::Page { .. } => PagingType::Page,
            Paging::Offset { .. } => PagingType::Offset,
            Paging::Keyset { .. } => PagingType::Keyset,
            Paging::Link => PagingType::Link,
            Paging::None => PagingType::None,
        }
    }

    /// The values `docs/adapter.md` shows for each shape, for keys a config leaves out.
    fn defaults(kind: PagingType) -> Paging {
        match kind {
            PagingType::Cursor => Paging::Cursor {
                param: "cursor".to_owned(),
                next: "next_cursor".to_owned(),
            },
            PagingType::Page => Paging::Page {
                param: "page".to_owned(),
                first: 1,
                size: 20,
                size_param: Some("per_page".to_owned()),
                pages: None,
            },
            PagingType::Offset => Paging::Offset {
                param: "offset".to_owned(),
                size: 20,
                size_param: Some("limit".to_owned()),
            },
            PagingType::Keyset => Paging::Keyset {
                param: "after".to_owned(),
                field: "created_at".to_owned(),
                size: 20,
                size_param: Some("limit".to_owned()),
            },
            PagingType::Link => Paging::Link,
            PagingType::None => Paging::None,
        }
    }

    /// Query parameter names the paging sets itself.
    pub(super) fn owns(&self, name: &str) -> bool {
        match self {
            Paging::Cursor { param, .. } => param == name,
            Paging::Page {
                param, size_param, ..
            }
            | Paging::Offset {
                param, size_param, ..
            }
            | Paging::Keyset {
                param, size_param, ..
            } => param == name || size_param.as_deref() == Some(name),
            Paging::Link | Paging::None => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct List {
    pub url: Template,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(String, Template)>,
    pub items: String,
    pub paging: Paging,
    pub total: Option<String>,
    pub total_header: Option<String>,
    /// Query parameter for the tokens of the reader's held comments.
    pub held_param: Option<String>,
    /// `fetch` credentials for this request, when not the adapter's own.
    pub credentials: Option<Credentials>,
    /// Query parameter asking for the page that holds a comment (a link to it).
    pub around: Option<String>,
    /// Query parameter limiting the replies sent under each top-level comment
    /// (the rest come from the `replies` request when the reader asks).
    pub replies_param: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CommentPaths {
    pub id: String,
    pub parent: Option<String>,
    pub author: String,
    pub body: String,
    pub created: String,
    pub status: Option<String>,
    pub replies: Option<String>,
    /// Parent values that mean "top level", besides null, missing and `""` (ids
    /// compared as text: `0` matches `0` and `"0"`).
    pub no_parent: Vec<String>,
    /// How many replies a comment has (shown and not), for "Xem N trả lời".
    pub reply_count: Option<String>,
    /// How many likes it has.
    pub likes: Option<String>,
    /// When it was last edited (null if never).
    pub edited: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Create {
    pub method: String,
    pub url: Template,
    pub headers: Vec<(String, Template)>,
    pub body: BodyTemplate,
    pub idempotency_header: Option<String>,
    pub created: Vec<u16>,
    pub held: Vec<u16>,
    pub item: Option<String>,
    /// Path of the created comment's secret token in the answer.
    pub token: Option<String>,
    pub credentials: Option<Credentials>,
    /// `{parent}` / `{root}` of a top-level comment.
    pub no_parent: NoParent,
    /// Length limits the API enforces, in characters (NFC); `data-min-length` and
    /// `data-max-length` override them.
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub fields: Fields,
    /// An API that answers failures with a 2xx status: the answer is a success only
    /// when the value at this path is this JSON value (`{"errno": 0}`).
    pub ok_when: Option<(String, String)>,
    /// Path of the secret token that lets the author edit or delete the comment.
    pub edit_token: Option<String>,
    /// The API knows the author by a cookie it set with the create answer (Isso's
    /// signed cookie): no token to keep, the grant is only the window.
    pub edit_cookie: bool,
    /// Path of the time until which it does.
    pub editable_until: Option<String>,
    /// Seconds it does when the answer does not say.
    pub edit_window_s: u32,
}

/// The reference adapter's own templates (constants, checked by the test that
/// parses the documented defaults back into it).
fn url(text: &str) -> Template {
    Template::parse(text, template::ALL).unwrap_or_default()
}

fn text(text: &str) -> Template {
    Template::parse(text, template::ALL).unwrap_or_default()
}

/// A `replies` request as an adapter that names one starts from.
fn replies_default() -> List {
    List {
        url: Template::default(),
        query: Vec::new(),
        headers: Vec::new(),
        items: "replies".to_owned(),
        paging: Paging::None,
        total: None,
        total_header: None,
        held_param: None,
        credentials: None,
        around: None,
        replies_param: None,
    }
}

const REFERENCE_LIST_URL: &str = "{api}/threads/{thread}/comments";

/// The reference server's API (`server/README.md`).
pub(super) fn reference() -> Adapter {
    Adapter {
        credentials: Credentials::SameOrigin,
        order: Order::Newest,
        list: Box::new(List {
            url: url(REFERENCE_LIST_URL),
            query: vec![("limit".to_owned(), text("10"))],
            headers: Vec::new(),
            items: "comments".to_owned(),
            paging: Paging::defaults(PagingType::Cursor),
            total: Some("total".to_owned()),
            total_header: None,
            held_param: Some("pending".to_owned()),
            credentials: None,
            around: Some("around".to_owned()),
            replies_param: Some("replies".to_owned()),
        }),
        comment: Box::new(CommentPaths {
            id: "id".to_owned(),
            parent: Some("parent_id".to_owned()),
            author: "author".to_owned(),
            body: "body".to_owned(),
            created: "created_at".to_owned(),
            status: Some("status".to_owned()),
            replies: None,
            no_parent: Vec::new(),
            reply_count: Some("reply_count".to_owned()),
            likes: Some("likes".to_owned()),
            edited: Some("edited_at".to_owned()),
        }),
        body_format: TextFormat::Text,
        author_format: TextFormat::Text,
        time_format: TimeFormat::Iso,
        time_zone: Zone::Utc,
        // Sorted by value, as `parse` leaves every map.
        status_map: vec![
            ("deleted".to_owned(), Status::Deleted),
            ("pending".to_owned(), Status::Pending),
            ("rejected".to_owned(), Status::Rejected),
        ],
        error: Some("error.message".to_owned()),
        create: Box::new(Create {
            method: "POST".to_owned(),
            url: url("{api}/threads/{thread}/comments"),
            headers: Vec::new(),
            body: BodyTemplate::Object(vec![
                ("author".to_owned(), BodyTemplate::Text(text("{author}"))),
                ("body".to_owned(), BodyTemplate::Text(text("{body}"))),
                ("parent_id".to_owned(), BodyTemplate::Text(text("{parent}"))),
            ]),
            idempotency_header: Some("Idempotency-Key".to_owned()),
            created: vec![200, 201],
            held: vec![202],
            item: Some("comment".to_owned()),
            token: Some("pending_token".to_owned()),
            credentials: None,
            no_parent: NoParent::Null,
            min_length: None,
            max_length: None,
            fields: Fields::default(),
            ok_when: None,
            edit_token: Some("edit_token".to_owned()),
            edit_cookie: false,
            editable_until: Some("editable_until".to_owned()),
            edit_window_s: DEFAULT_EDIT_WINDOW_S,
        }),
        replies: Some(Box::new(List {
            url: url("{api}/threads/{thread}/comments/{parent}/replies"),
            query: vec![("limit".to_owned(), text("50"))],
            items: "comments".to_owned(),
            paging: Paging::defaults(PagingType::Cursor),
            total: Some("total".to_owned()),
            ..replies_default()
        })),
        timeouts: Timeouts::default(),
        actions: Box::new(actions::reference()),
    }
}

/// What an API that gives an edit token but no end time is assumed to allow.
const DEFAULT_EDIT_WINDOW_S: u32 = 15 * 60;

type Result<T> = std::result::Result<T, AdapterError>;

fn error(field: &str, expected: impl Into<String>, got: Option<String>) -> AdapterError {
    AdapterError {
        field: field.to_owned(),
        expected: expected.into(),
        got,
    }
}

/// The value as the operator wrote it, short: `"pages"`, `7`, `an object`.
fn got<J: Json>(v: &J) -> Option<String> {
    Some(match v.kind() {
        "string" => {
            let s = v.string().unwrap_or_default();
            let mut short: String = s.chars().take(60).collect();
            if short.len() < s.len() {
                short.push('…');
            }
            quote(&short)
        }
        "array" => "an array".to_owned(),
        "object" => "an object".to_owned(),
        _ => v.to_json().unwrap_or_else(|| v.kind().to_owned()),
    })
}

fn wrong<J: Json>(field: &str, expected: &str, v: &J) -> AdapterError {
    error(field, expected, got(v))
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn object<J: Json>(v: &J, field: &str) -> Result<Vec<(String, J)>> {
    v.entries().ok_or_else(|| wrong(field, "an object", v))
}

fn unknown(field: &str, known: &[&str]) -> AdapterError {
    error(
        field,
        format!("one of the keys {}", known.join(", ")),
        Some("an unknown key".to_owned()),
    )
}

fn string<J: Json>(v: &J, field: &str) -> Result<String> {
    v.string().ok_or_else(|| wrong(field, "a string", v))
}

fn non_empty<J: Json>(v: &J, field: &str) -> Result<String> {
    v.string()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| wrong(field, "a non-empty string", v))
}

fn optional_path<J: Json>(v: &J, field: &str) -> Result<Option<String>> {
    if v.is_null() {
        return Ok(None);
    }
    v.string()
        .map(Some)
        .ok_or_else(|| wrong(field, "a path (string) or null", v))
}

fn integer<J: Json>(v: &J, field: &str, min: u64, max: u64) -> Result<u64> {
    v.number()
        .and_then(super::integral)
        .and_then(|n| u64::try_from(n).ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| wrong(field, &format!("an integer from {min} to {max}"), v))
}

fn one_of<J: Json, T: Copy>(v: &J, field: &str, choices: &[(&str, T)]) -> Result<T> {
    let found = v
        .string()
        .and_then(|s| choices.iter().find(|(name, _)| *name == s))
        .map(|(_, value)| *value);
    found.ok_or_else(|| {
        let names: Vec<String> = choices.iter().map(|(name, _)| quote(name)).collect();
        let expected = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.concat(),
        };
        wrong(field, &expected, v)
    })
}

/// An HTTP token (RFC 9110), what `fetch` accepts as a header name.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn optional_header_name<J: Json>(v: &J, field: &str) -> Result<Option<String>> {
    if v.is_null() {
        return Ok(None);
    }
    v.string()
        .filter(|s| is_token(s))
        .map(Some)
        .ok_or_else(|| wrong(field, "a header name or null", v))
}

fn template<J: Json>(v: &J, field: &str, allowed: &[template::Placeholder]) -> Result<Template> {
    let text = string(v, field)?;
    Template::parse(&text, allowed).map_err(|bad| {
        error(
            field,
            format!(
                "a template with placeholders {}",
                template::describe_allowed(allowed)
            ),
            Some(bad),
        )
    })
}

fn url_template<J: Json>(v: &J, field: &str) -> Result<Template> {
    url_template_with(v, field, template::URL)
}

fn url_template_with<J: Json>(
    v: &J,
    field: &str,
    allowed: &[template::Placeholder],
) -> Result<Template> {
    let t = template(v, field, allowed)?;
    // Checked with sample values: the scheme is fixed by the template's own text.
    let sample = t.render(&|s| match s.p {
        template::Placeholder::Api => "https://api.example".to_owned(),
        _ => "t".to_owned(),
    });
    if !url_is_http_or_relative(&sample) {
        return Err(wrong(field, "an http(s) or relative URL template", v));
    }
    Ok(t)
}

fn query<J: Json>(
    v: &J,
    field: &str,
    allowed: &[template::Placeholder],
) -> Result<Vec<(String, Template)>> {
    let mut out = Vec::new();
    for (name, value) in object(v, field)? {
        let f = join(field, &name);
        if name.is_empty() {
            return Err(error(field, "non-empty parameter names", None));
        }
        out.push((name, template(&value, &f, allowed)?));
    }
    Ok(out)
}

fn headers<J: Json>(
    v: &J,
    field: &str,
    allowed: &[template::Placeholder],
) -> Result<Vec<(String, Template)>> {
    let mut out = Vec::new();
    for (name, value) in object(v, field)? {
        let f = join(field, &name);
        if !is_token(&name) {
            return Err(error(&f, "a header name", Some(quote(&name))));
        }
        // fetch() throws on line breaks and other control characters in a value.
        if value
            .string()
            .is_some_and(|s| s.chars().any(|c| c.is_control() && c != '\t'))
        {
            return Err(wrong(
                &f,
                "a header value without control characters",
                &value,
            ));
        }
        out.push((name, template(&value, &f, allowed)?));
    }
    Ok(out)
}

fn statuses<J: Json>(v: &J, field: &str) -> Result<Vec<u16>> {
    const EXPECTED: &str = "an array of HTTP statuses (integers 100 to 599)";
    let items = v.items().ok_or_else(|| wrong(field, EXPECTED, v))?;
    if items.is_empty() && field == "create.created" {
        return Err(wrong(field, "at least one HTTP status", v));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let status = item
            .number()
            .and_then(super::integral)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (100..=599).contains(n))
            .ok_or_else(|| wrong(field, EXPECTED, item))?;
        out.push(status);
    }
    Ok(out)
}

fn body_template<J: Json>(v: &J, field: &str, depth: usize) -> Result<BodyTemplate> {
    body_template_with(v, field, depth, template::BODY)
}

fn body_template_with<J: Json>(
    v: &J,
    field: &str,
    depth: usize,
    allowed: &[template::Placeholder],
) -> Result<BodyTemplate> {
    if depth > MAX_BODY_DEPTH {
        return Err(error(
            field,
            format!("a body template at most {MAX_BODY_DEPTH} levels deep"),
            None,
        ));
    }
    if let Some(members) = v.entries() {
        let mut out = Vec::with_capacity(members.len());
        for (key, value) in members {
            let f = join(field, &key);
            out.push((key, body_template_with(&value, &f, depth + 1, allowed)?));
        }
        return Ok(BodyTemplate::Object(out));
    }
    if let Some(items) = v.items() {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let f = join(field, &i.to_string());
            out.push(body_template_with(item, &f, depth + 1, allowed)?);
        }
        return Ok(BodyTemplate::Array(out));
    }
    if v.string().is_some() {
        return template(v, field, allowed).map(BodyTemplate::Text);
    }
    v.to_json()
        .map(BodyTemplate::Fixed)
        .ok_or_else(|| wrong(field, "a JSON value", v))
}

const TOP_KEYS: &[&str] = &[
    "$schema",
    "credentials",
    "order",
    "list",
    "replies",
    "comment",
    "bodyFormat",
    "authorFormat",
    "timeFormat",
    "timeZone",
    "pendingStatus",
    "statusMap",
    "error",
    "create",
    "timeouts",
    "like",
    "unlike",
    "report",
    "edit",
    "delete",
    "sort",
    "count",
];

const CREDENTIALS: &[(&str, Credentials)] = &[
    ("omit", Credentials::Omit),
    ("same-origin", Credentials::SameOrigin),
    ("include", Credentials::Include),
];

const STATUS_MEANINGS: &[(&str, Status)] = &[
    ("published", Status::Published),
    ("pending", Status::Pending),
    ("rejected", Status::Rejected),
    ("deleted", Status::Deleted),
];

fn status_map<J: Json>(v: &J, field: &str) -> Result<Vec<(String, Status)>> {
    let mut out = Vec::new();
    for (value, meaning) in object(v, field)? {
        let f = join(field, &value);
        out.push((value, one_of(&meaning, &f, STATUS_MEANINGS)?));
    }
    Ok(out)
}

fn timeouts<J: Json>(v: &J, current: Timeouts) -> Result<Timeouts> {
    const FIELD: &str = "timeouts";
    let mut out = current;
    for (key, v) in object(v, FIELD)? {
        let f = join(FIELD, &key);
        // Seconds, like data-timeout; one second to ten minutes.
        let ms = |v: &J| integer(v, &f, 1, 600).map(|s| (s as u32).saturating_mul(1000));
        match key.as_str() {
            "read" => out.read_ms = ms(&v)?,
            "write" => out.write_ms = ms(&v)?,
            _ => return Err(unknown(&f, &["read", "write"])),
        }
    }
    Ok(out)
}

pub(super) fn parse<J: Json + Clone>(config: &J) -> Result<Adapter> {
    let mut a = reference();
    // The reference server's actions, orders, reply pages and the fields they read
    // come with its URLs: an adapter for another API (its own `list.url`) has
    // only what it describes, so no button ever calls an endpoint that API lacks.
    let own_api = config
        .path("list.url")
        .and_then(|u| u.string())
        .is_some_and(|u| u != REFERENCE_LIST_URL);
    if own_api {
        a.actions = Box::default();
        a.replies = None;
        a.list.around = None;
        a.list.replies_param = None;
        a.comment.reply_count = None;
        a.comment.likes = None;
        a.comment.edited = None;
        a.create.edit_token = None;
        a.create.editable_until = None;
    }
    // `statusMap` replaces the default map; `pendingStatus` (the older, narrower
    // form) then names the pending values, whichever order the keys come in.
    let mut map: Option<Vec<(String, Status)>> = None;
    let mut pending: Option<Vec<String>> = None;
    for (key, v) in object(config, "")? {
        let f = key.as_str();
        match f {
            // Where an editor finds the JSON Schema (adapters/schema.json); not read.
            "$schema" => {
                string(&v, f)?;
            }
            "credentials" => a.credentials = one_of(&v, f, CREDENTIALS)?,
            "order" => {
                a.order = one_of(
                    &v,
                    f,
                    &[("newest", Order::Newest), ("oldest", Order::Oldest)],
                )?
            }
            "bodyFormat" => a.body_format = one_of(&v, f, TEXT_FORMATS)?,
            "authorFormat" => a.author_format = one_of(&v, f, TEXT_FORMATS)?,
            "timeZone" => {
                a.time_zone = v.string().and_then(|z| Zone::parse(&z)).ok_or_else(|| {
                    wrong(
                        f,
                        "\"UTC\", an offset such as \"+07:00\" or an IANA zone such as \"Asia/Ho_Chi_Minh\"",
                        &v,
                    )
                })?
            }
            "timeFormat" => {
                a.time_format = one_of(
                    &v,
                    f,
                    &[
                        ("iso", TimeFormat::Iso),
                        ("unix", TimeFormat::Unix),
                        ("unixMs", TimeFormat::UnixMs),
                    ],
                )?
            }
            "pendingStatus" => {
                const EXPECTED: &str = "an array of strings";
                let items = v.items().ok_or_else(|| wrong(f, EXPECTED, &v))?;
                pending = Some(
                    items
                        .iter()
                        .map(|item| item.string().ok_or_else(|| wrong(f, EXPECTED, item)))
                        .collect::<Result<_>>()?,
                );
            }
            "statusMap" => map = Some(status_map(&v, f)?),
            "timeouts" => a.timeouts = timeouts(&v, a.timeouts)?,
            "error" => a.error = optional_path(&v, f)?,
            "list" => parse_list(&mut a.list, &v, "list")?,
            "replies" => {
                a.replies = if v.is_null() {
                    None
                } else {
                    let mut replies = a.replies.take().unwrap_or_else(|| Box::new(replies_default()));
                    parse_list(&mut replies, &v, "replies")?;
                    if replies.url == Template::default() {
                        return Err(error("replies.url", "a URL template for the replies of {parent}", None));
                    }
                    Some(replies)
                }
            }
            "comment" => parse_comment(&mut a.comment, &v)?,
            "create" => parse_create(&mut a.create, &v)?,
            "like" | "unlike" | "report" | "edit" | "delete" | "sort" => {
                actions::parse(&mut a.actions, f, &v)?
            }
            // Read by ykien-count.js (listing pages), not by the widget.
            "count" => {
                if !v.is_null() {
                    object(&v, f)?;
                }
            }
            _ => return Err(unknown(f, TOP_KEYS)),
        }
    }
    if let Some(map) = map {
        a.status_map = map;
    }
    if let Some(values) = pending {
        a.status_map.retain(|(_, s)| *s != Status::Pending);
        a.status_map
            .extend(values.into_iter().map(|v| (v, Status::Pending)));
    }
    // One value, one meaning (the last given wins), in an order that does not
    // depend on how the JSON object was written.
    a.status_map.reverse();
    a.status_map.sort_by(|x, y| x.0.cmp(&y.0));
    a.status_map.dedup_by(|later, earlier| later.0 == earlier.0);
    if let Some(both) = a.create.held.iter().find(|s| a.create.created.contains(s)) {
        return Err(error(
            "create.held",
            "statuses not already in create.created",
            Some(both.to_string()),
        ));
    }
    Ok(a)
}

fn parse_list<J: Json + Clone>(list: &mut List, v: &J, section: &str) -> Result<()> {
    let replies = section == "replies";
    const KEYS: &[&str] = &[
        "url",
        "query",
        "headers",
        "items",
        "paging",
        "total",
        "totalHeader",
        "heldParam",
        "credentials",
        "around",
        "repliesParam",
    ];
    let (url_allowed, query_allowed, header_allowed) = if replies {
        (
            template::REPLIES_URL,
            template::REPLIES_QUERY,
            template::REPLIES_HEADER,
        )
    } else {
        (template::URL, template::QUERY, template::HEADER)
    };
    for (key, v) in object(v, section)? {
        let f = join(section, &key);
        match key.as_str() {
            "url" => list.url = url_template_with(&v, &f, url_allowed)?,
            "query" => list.query = query(&v, &f, query_allowed)?,
            "headers" => list.headers = headers(&v, &f, header_allowed)?,
            "items" => list.items = string(&v, &f)?,
            "paging" => list.paging = parse_paging(&list.paging, &v, &f)?,
            "total" => list.total = optional_path(&v, &f)?,
            "totalHeader" => list.total_header = optional_header_name(&v, &f)?,
            "credentials" => list.credentials = Some(one_of(&v, &f, CREDENTIALS)?),
            "heldParam" if !replies => list.held_param = optional_name(&v, &f)?,
            "around" if !replies => list.around = optional_name(&v, &f)?,
            "repliesParam" if !replies => list.replies_param = optional_name(&v, &f)?,
            _ => return Err(unknown(&f, KEYS)),
        }
    }
    Ok(())
}

/// A query parameter name, or null for none.
fn optional_name<J: Json>(v: &J, field: &str) -> Result<Option<String>> {
    if v.is_null() {
        Ok(None)
    } else {
        non_empty(v, field).map(Some)
    }
}

fn parse_paging<J: Json + Clone>(current: &Paging, v: &J, field: &str) -> Result<Paging> {
    let entries = object(v, field)?;
    let kind = match entries.iter().find(|(k, _)| k == "type") {
        Some((_, t)) => one_of(t, &join(field, "type"), PAGING_TYPES)?,
        None => current.kind(),
    };
    // Keys left out keep the current value when the type is unchanged, and take the
    // documented example value for a newly chosen type.
    let mut paging = if kind == current.kind() {
        current.clone()
    } else {
        Paging::defaults(kind)
    };
    for (key, v) in entries {
        let f = join(field, &key);
        match (key.as_str(), &mut paging) {
            ("type", _) => {}
            (
                "param",
                Paging::Cursor { param, .. }
                | Paging::Page { param, .. }
                | Paging::Offset { param, .. }
                | Paging::Keyset { param, .. },
            ) => *param = non_empty(&v, &f)?,
            ("next", Paging::Cursor { next, .. }) => *next = string(&v, &f)?,
            ("field", Paging::Keyset { field, .. }) => *field = non_empty(&v, &f)?,
            ("first", Paging::Page { first, .. }) => *first = integer(&v, &f, 0, 1_000_000)?,
            ("pages", Paging::Page { pages, .. }) => *pages = optional_path(&v, &f)?,
            (
                "size",
                Paging::Page { size, .. }
                | Paging::Offset { size, .. }
                | Paging::Keyset { size, .. },
            ) => *size = integer(&v, &f, 1, 1000)?,
            (
                "sizeParam",
                Paging::Page { size_param, .. }
                | Paging::Offset { size_param, .. }
                | Paging::Keyset { size_param, .. },
            ) => {
                *size_param = if v.is_null() {
                    None
                } else {
                    Some(non_empty(&v, &f)?)
                }
            }
            _ => {
                let known: &[&str] = match kind {
                    PagingType::Cursor => &["type", "param", "next"],
                    PagingType::Page => &["type", "param", "first", "size", "sizeParam", "pages"],
                    PagingType::Offset => &["type", "param", "size", "sizeParam"],
                    PagingType::Keyset => &["type", "param", "field", "size", "sizeParam"],
                    PagingType::Link | PagingType::None => &["type"],
                };
                return Err(unknown(&f, known));
            }
        }
    }
    Ok(paging)
}

fn parse_comment<J: Json + Clone>(c: &mut CommentPaths, v: &J) -> Result<()> {
    const KEYS: &[&str] = &[
        "id",
        "parent",
        "author",
        "body",
        "created",
        "status",
        "replies",
        "noParent",
        "replyCount",
        "likes",
        "edited",
    ];
    for (key, v) in object(v, "comment")? {
        let f = join("comment", &key);
        match key.as_str() {
            "noParent" => {
                const EXPECTED: &str = "an array of strings and integers";
                let items = v.items().ok_or_else(|| wrong(&f, EXPECTED, &v))?;
                c.no_parent = items
                    .iter()
                    .map(|item| {
                        item.string()
                            .or_else(|| {
                                item.number()
                                    .and_then(super::integral)
                                    .map(|n| n.to_string())
                            })
                            .ok_or_else(|| wrong(&f, EXPECTED, item))
                    })
                    .collect::<Result<_>>()?;
            }
            "replyCount" => c.reply_count = optional_path(&v, &f)?,
            "likes" => c.likes = optional_path(&v, &f)?,
            "edited" => c.edited = optional_path(&v, &f)?,
            "id" => c.id = string(&v, &f)?,
            "parent" => c.parent = optional_path(&v, &f)?,
            "author" => c.author = string(&v, &f)?,
            "body" => c.body = string(&v, &f)?,
            "created" => c.created = string(&v, &f)?,
            "status" => c.status = optional_path(&v, &f)?,
            "replies" => c.replies = optional_path(&v, &f)?,
            _ => return Err(unknown(&f, KEYS)),
        }
    }
    Ok(())
}

fn parse_create<J: Json + Clone>(c: &mut Create, v: &J) -> Result<()> {
    const KEYS: &[&str] = &[
        "method",
        "url",
        "headers",
        "body",
        "idempotencyHeader",
        "created",
        "held",
        "item",
        "token",
        "credentials",
        "noParent",
        "minLength",
        "maxLength",
        "fields",
        "okWhen",
        "editToken",
        "editCookie",
        "editableUntil",
        "editWindow",
    ];
    for (key, v) in object(v, "create")? {
        let f = join("create", &key);
        match key.as_str() {
            "credentials" => c.credentials = Some(one_of(&v, &f, CREDENTIALS)?),
            "noParent" => c.no_parent = no_parent(&v, &f)?,
            "minLength" => c.min_length = optional_length(&v, &f)?,
            "maxLength" => c.max_length = optional_length(&v, &f)?,
            "fields" => c.fields = fields(&v, &f, c.fields)?,
            "okWhen" => c.ok_when = ok_when(&v, &f)?,
            "method" => {
                c.method = v
                    .string()
                    .map(|m| m.to_ascii_uppercase())
                    .filter(|m| ["GET", "POST", "PUT", "PATCH"].contains(&m.as_str()))
                    .ok_or_else(|| wrong(&f, "\"POST\", \"PUT\", \"PATCH\" or \"GET\"", &v))?
            }
            "url" => c.url = url_template(&v, &f)?,
            "headers" => c.headers = headers(&v, &f, template::HEADER)?,
            "body" => c.body = body_template(&v, &f, 0)?,
            "idempotencyHeader" => c.idempotency_header = optional_header_name(&v, &f)?,
            "created" => c.created = statuses(&v, &f)?,
            "held" => c.held = statuses(&v, &f)?,
            "item" => c.item = optional_path(&v, &f)?,
            "token" => c.token = optional_path(&v, &f)?,
            "editToken" => c.edit_token = optional_path(&v, &f)?,
            "editCookie" => {
                c.edit_cookie = v.boolean().ok_or_else(|| wrong(&f, "true or false", &v))?
            }
            "editableUntil" => c.editable_until = optional_path(&v, &f)?,
            // Seconds; a day at most (a longer window is a permanent edit right).
            "editWindow" => c.edit_window_s = integer(&v, &f, 1, 86_400)? as u32,
            _ => return Err(unknown(&f, KEYS)),
        }
    }
    if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
        if min > max {
            return Err(error(
                "create.minLength",
                "a minimum no larger than create.maxLength",
                Some(min.to_string()),
            ));
        }
    }
    Ok(())
}

/// Longest comment any limit may name (as `data-max-length`).
pub const MAX_LENGTH_LIMIT: usize = 100_000;

fn optional_length<J: Json>(v: &J, field: &str) -> Result<Option<usize>> {
    if v.is_null() {
        return Ok(None);
    }
    integer(v, field, 1, MAX_LENGTH_LIMIT as u64).map(|n| Some(n as usize))
}

fn no_parent<J: Json>(v: &J, field: &str) -> Result<NoParent> {
    const EXPECTED: &str = "null, an integer, a string or {\"omit\": true}";
    if v.is_null() {
        return Ok(NoParent::Null);
    }
    if let Some(members) = v.entries() {
        return match members.as_slice() {
            [(key, value)] if key == "omit" && value.boolean() == Some(true) => Ok(NoParent::Omit),
            _ => Err(wrong(field, EXPECTED, v)),
        };
    }
    if let Some(text) = v.string() {
        return Ok(NoParent::Value(quote(&text)));
    }
    match v.number().and_then(super::integral) {
        Some(n) => Ok(NoParent::Value(n.to_string())),
        None => Err(wrong(field, EXPECTED, v)),
    }
}

fn ok_when<J: Json>(v: &J, field: &str) -> Result<Option<(String, String)>> {
    const EXPECTED: &str =
        "null or {\"path\": a path, \"equals\": a string, number, boolean or null}";
    if v.is_null() {
        return Ok(None);
    }
    let members = v.entries().ok_or_else(|| wrong(field, EXPECTED, v))?;
    let (mut path, mut equals) = (None, None);
    for (key, value) in members {
        match key.as_str() {
            "path" => path = Some(string(&value, &join(field, "path"))?),
            "equals" if value.entries().is_none() && value.items().is_none() => {
                equals = value.to_json()
            }
            _ => return Err(wrong(field, EXPECTED, v)),
        }
    }
    match (path, equals) {
        (Some(path), Some(equals)) => Ok(Some((path, equals))),
        _ => Err(wrong(field, EXPECTED, v)),
    }
}

const FIELD_RULES: &[(&str, FieldRule)] = &[
    ("off", FieldRule::Off),
    ("optional", FieldRule::Optional),
    ("required", FieldRule::Required),
];

fn fields<J: Json>(v: &J, field: &str, current: Fields) -> Result<Fields> {
    let mut out = current;
    for (key, value) in object(v, field)? {
        let f = join(field, &key);
        match key.as_str() {
            "email" => out.email = one_of(&value, &f, FIELD_RULES)?,
            "website" => out.website = one_of(&value, &f, FIELD_RULES)?,
            _ => return Err(unknown(&f, &["email", "website"])),
        }
    }
    Ok(out)
}

/// `data-email` / `data-website`: the same words as `create.fields`.
pub fn field_rule(text: &str) -> Option<FieldRule> {
    FIELD_RULES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text.trim()))
        .map(|(_, rule)| *rule)
}
