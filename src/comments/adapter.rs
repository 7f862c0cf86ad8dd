//! The declarative adapter: how one JSON comment API lists and creates comments.
//! Specified for operators in `docs/adapter.md`; this module is pure logic over
//! [`Json`], tested natively (including property tests) and never panics on any input.
//!
//! Why data rather than code: news sites run whatever comment backend they already
//! have, and an operator can describe one in a JSON file without rebuilding the
//! widget. Responses come from servers the widget does not control, so everything
//! read from them is checked, bad items are skipped with a note for the console,
//! and nested replies are walked with an explicit stack (no recursion depth to
//! exhaust).

mod actions;
mod config;
mod read;
mod reading;
mod template;
pub mod text;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_actions;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_apis;

use crate::platform::json::Json;
#[cfg(all(test, not(target_arch = "wasm32")))]
use crate::platform::time;
use config::{CommentPaths, Create, List, Paging, TextFormat, TimeFormat};
use template::{ActionValues, NoParent, Values};

pub use actions::{ActionInput, ActionKind, Done, Features, Reason};
pub use config::{field_rule, MAX_LENGTH_LIMIT};
pub use reading::Reading;
pub use template::{decode_component, encode_component, PageFacts, PageSource};

/// A comment id as the API wrote it. Equality and hashing use the text only, so a
/// parent given as `3` matches an id given as `"3"`.
#[derive(Clone, Debug, Eq)]
pub struct Id {
    pub text: String,
    /// The API sent a JSON number; `{parent}` in a create body is then sent as a number.
    pub numeric: bool,
}

impl PartialEq for Id {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl std::hash::Hash for Id {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Text(String),
    /// Unsanitized HTML from the API; sanitized where it is rendered.
    Html(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub id: Id,
    pub parent: Option<Id>,
    /// `None` or empty: shown as the localized guest name.
    pub author: Option<String>,
    pub body: Body,
    /// Milliseconds since the Unix epoch; `None` when missing or malformed.
    pub created_ms: Option<f64>,
    /// From `statusMap` (or a `held` create status).
    pub status: Status,
    /// `comment.likes`, when the API gives it.
    pub likes: Option<u64>,
    /// When its author last edited it (`comment.edited`), if ever.
    pub edited_ms: Option<f64>,
}

impl Comment {
    /// Awaiting moderation: shown to its author only, marked as such.
    pub fn is_pending(&self) -> bool {
        self.status == Status::Pending
    }
}

/// What a comment's status means to the reader, whatever the API calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Published,
    /// Awaiting moderation.
    Pending,
    /// A moderator refused it; an API shows this only to its author.
    Rejected,
    /// Removed; kept in the list only as a placeholder for its replies.
    Deleted,
}

/// How long a request may take before the widget gives up on it, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Reading: list pages (and the adapter file and article JSON, which use the
    /// page's `data-timeout`).
    pub read_ms: u32,
    /// Writing: creating a comment.
    pub write_ms: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            read_ms: 15_000,
            write_ms: 30_000,
        }
    }
}

/// Which page a list request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    First,
    Cursor(String),
    Number(u64),
    Offset(u64),
    /// A URL the API gave (`Link: <…>; rel="next"`), absolute or relative to the page.
    Url(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Newest,
    Oldest,
}

/// An order the reader can choose ("Mới nhất", "Cũ nhất", "Quan tâm nhất").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sort {
    Newest,
    Oldest,
    /// Most liked first.
    Top,
}

impl From<Order> for Sort {
    fn from(order: Order) -> Sort {
        match order {
            Order::Newest => Sort::Newest,
            Order::Oldest => Sort::Oldest,
        }
    }
}

impl Sort {
    /// Where the reader's own new top-level comment goes: the end only when the
    /// list reads oldest first; otherwise the top, where the reader looks.
    pub fn placement(self) -> Order {
        match self {
            Sort::Oldest => Order::Oldest,
            Sort::Newest | Sort::Top => Order::Newest,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Credentials {
    Omit,
    #[default]
    SameOrigin,
    Include,
}

/// An HTTP request described as data; `crate::comments::backend` performs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Possibly relative to the page; resolved by the browser.
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// JSON text.
    pub body: Option<String>,
}

/// One list response, mapped.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListPage {
    /// In display order: a parent before its replies; nested replies flattened with
    /// `parent` set from their container.
    pub comments: Vec<Comment>,
    /// `None`: this was the last page.
    pub next: Option<Page>,
    pub total: Option<u64>,
    /// Items that were skipped or fields that were ignored, for the console.
    pub problems: Vec<ShapeError>,
}

/// What the reader wrote, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct NewComment {
    /// Already defaulted to the localized guest name when empty.
    pub author: String,
    /// NFC-normalized.
    pub body: String,
    pub parent: Option<Id>,
}

/// Whether the composer asks for a field an API wants (`create.fields`,
/// `data-email`, `data-website`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FieldRule {
    #[default]
    Off,
    Optional,
    Required,
}

/// The composer's optional fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Fields {
    pub email: FieldRule,
    pub website: FieldRule,
}

/// What a request carries besides the comment itself: the page's facts, and for a
/// new comment the thread's root and the optional fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    pub page: PageFacts,
    /// The top-level comment of the thread a reply goes to (`{root}`); `None` for a
    /// top-level comment, or when it is the parent itself.
    pub root: Option<Id>,
    pub email: String,
    pub website: String,
    /// The order the reader chose; `None` is the adapter's `order`.
    pub sort: Option<Sort>,
    /// Ask for the page around this comment (`list.around`), for a link to it.
    pub around: Option<Id>,
    /// Replies sent under each top-level comment (`list.repliesParam`).
    pub reply_limit: Option<u32>,
}

/// What a list answer holds beyond the comments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageExtras {
    /// `comment.replyCount` of the comments that have one.
    pub reply_counts: Vec<(Id, u64)>,
}

/// The outcome of a create request, judged from status and body.
#[derive(Clone, Debug, PartialEq)]
pub enum Created {
    /// The comment as the API returned it, or `None` if it returned nothing usable.
    Published(Option<Comment>),
    Held(Option<Comment>),
    /// Any other status; `message` from the adapter's `error` path, else the text
    /// of an HTML or plain-text answer.
    Failed {
        status: u16,
        message: Option<String>,
    },
}

/// A response that does not match the adapter: what was expected where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    /// Where in the response: `data.comments[3].created_at`.
    pub path: String,
    pub expected: String,
    /// The JSON kind found (`"number"`, `"missing"`, …).
    pub found: String,
}

impl ShapeError {
    /// `at data.comments[3].created_at: expected an RFC 3339 time, found number`.
    pub fn describe(&self) -> String {
        format!(
            "at {}: expected {}, found {}",
            if self.path.is_empty() {
                "(root)"
            } else {
                &self.path
            },
            self.expected,
            self.found
        )
    }
}

/// An invalid adapter config: which field, what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterError {
    /// `list.paging.type`.
    pub field: String,
    pub expected: String,
    pub got: Option<String>,
}

impl AdapterError {
    /// `list.paging.type: expected "cursor", "page", "offset" or "none", got "pages"`.
    pub fn describe(&self) -> String {
        let field = if self.field.is_empty() {
            "adapter"
        } else {
            &self.field
        };
        match &self.got {
            Some(got) => format!("{field}: expected {}, got {got}", self.expected),
            None => format!("{field}: expected {}", self.expected),
        }
    }
}

/// A validated adapter. Fields are private to keep the config format the only
/// public contract; [`Adapter::default`] is the reference server's API.
#[derive(Clone, Debug, PartialEq)]
pub struct Adapter {
    credentials: Credentials,
    order: Order,
    // Boxed: an `Adapter` is moved around by value in config and component state.
    list: Box<List>,
    /// Per-parent reply pages, when the API has them.
    replies: Option<Box<List>>,
    comment: Box<CommentPaths>,
    body_format: TextFormat,
    author_format: TextFormat,
    time_format: TimeFormat,
    /// For times written without an offset.
    time_zone: crate::platform::time::Zone,
    /// API status value (numbers as decimal text) → meaning; others are published.
    status_map: Vec<(String, Status)>,
    error: Option<String>,
    create: Box<Create>,
    timeouts: Timeouts,
    actions: Box<actions::Actions>,
}

/// Longest API error message passed on to the reader, in characters.
const MAX_MESSAGE_CHARS: usize = 300;

impl Adapter {
    /// Parses an adapter config object; every key optional, merged over the default.
    /// Sections (`list`, `list.paging`, `comment`, `create`) merge key by key; the
    /// free-form maps (`query`, `headers`, `create.body`) replace the default whole.
    pub fn parse<J: Json + Clone>(config: &J) -> Result<Adapter, AdapterError> {
        config::parse(config)
    }

    pub fn order(&self) -> Order {
        self.order
    }

    pub fn credentials(&self) -> Credentials {
        self.credentials
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// `fetch` credentials of list requests.
    pub fn list_credentials(&self) -> Credentials {
        self.list.credentials.unwrap_or(self.credentials)
    }

    /// `fetch` credentials of create requests.
    pub fn create_credentials(&self) -> Credentials {
        self.create.credentials.unwrap_or(self.credentials)
    }

    /// `fetch` credentials of replies requests.
    pub fn replies_credentials(&self) -> Credentials {
        self.replies
            .as_ref()
            .and_then(|r| r.credentials)
            .unwrap_or(self.credentials)
    }

    /// Response headers the widget reads (a cross-origin API must expose them).
    pub fn headers_read(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for list in std::iter::once(&*self.list).chain(self.replies.as_deref()) {
            if let Some(h) = list.total_header.as_deref() {
                out.push(h);
            }
            if list.paging == Paging::Link && !out.contains(&"Link") {
                out.push("Link");
            }
        }
        out
    }

    /// Length limits the API enforces (`create.minLength`, `create.maxLength`).
    pub fn length_limits(&self) -> (Option<usize>, Option<usize>) {
        (self.create.min_length, self.create.max_length)
    }

    /// The optional composer fields the API wants.
    pub fn fields(&self) -> Fields {
        self.create.fields
    }

    /// Whether the API has per-parent reply pages (`replies`).
    pub fn has_replies(&self) -> bool {
        self.replies.is_some()
    }

    /// The `{meta:NAME}` and `{cookie:NAME}` values any request reads, so the
    /// widget can look them up on the page before building one.
    pub fn page_reads(&self) -> Vec<(PageSource, String)> {
        let mut out = Vec::new();
        for list in std::iter::once(&*self.list).chain(self.replies.as_deref()) {
            for (_, t) in list.headers.iter().chain(&list.query) {
                t.reads(&mut out);
            }
        }
        for (_, t) in &self.create.headers {
            t.reads(&mut out);
        }
        self.create.body.reads(&mut out);
        out
    }

    /// Whether a held comment's secret token can be read from a create answer and
    /// sent back with list requests, so that the API shows its author the comment's
    /// fate (still pending, or rejected).
    pub fn tracks_held(&self) -> bool {
        self.create.token.is_some() && self.list.held_param.is_some()
    }

    /// Whether a create can be retried without storing the comment twice.
    pub fn is_idempotent(&self) -> bool {
        self.create.idempotency_header.is_some()
    }

    /// `api` is the `data-api` base (trailing slash trimmed here).
    pub fn list_request(&self, api: &str, thread: &str, page: &Page) -> Request {
        self.list_request_with(api, thread, page, &[])
    }

    /// A list request that also carries the tokens of comments this reader posted
    /// and the API held (`list.heldParam`), so they are listed for their author.
    pub fn list_request_with(
        &self,
        api: &str,
        thread: &str,
        page: &Page,
        held_tokens: &[String],
    ) -> Request {
        self.list_request_in(api, thread, page, held_tokens, &Context::default())
    }

    /// [`Adapter::list_request_with`] with the page's facts for the templates.
    pub fn list_request_in(
        &self,
        api: &str,
        thread: &str,
        page: &Page,
        held_tokens: &[String],
        context: &Context,
    ) -> Request {
        let mut extra = Vec::new();
        if let (Some(name), false) = (&self.list.held_param, held_tokens.is_empty()) {
            extra.push((name.clone(), held_tokens.join(",")));
        }
        if let (Some(name), Some(n)) = (&self.list.replies_param, context.reply_limit) {
            extra.push((name.clone(), n.to_string()));
        }
        if let (Some(name), Some(id), Page::First) = (&self.list.around, &context.around, page) {
            extra.push((name.clone(), id.text.clone()));
        }
        let sort = self.sort_params(context.sort);
        paged_request(
            &self.list,
            api,
            thread,
            None,
            page,
            extra,
            sort,
            context,
            &self.create.no_parent,
        )
    }

    /// A request for the replies of `parent` (`replies`), `None` when the API has
    /// no such request.
    pub fn replies_request(
        &self,
        api: &str,
        thread: &str,
        parent: &Id,
        page: &Page,
        context: &Context,
    ) -> Option<Request> {
        let replies = self.replies.as_deref()?;
        Some(paged_request(
            replies,
            api,
            thread,
            Some(parent),
            page,
            Vec::new(),
            &[],
            context,
            &self.create.no_parent,
        ))
    }

    /// Maps an answer to [`Adapter::replies_request`]: items without a parent of
    /// their own are replies to `parent`.
    pub fn read_replies<J: Json + Clone>(
        &self,
        body: &J,
        header: &dyn Fn(&str) -> Option<String>,
        parent: &Id,
        page: &Page,
        request_url: &str,
    ) -> Result<(ListPage, PageExtras), ShapeError> {
        let replies = self.replies.as_deref().unwrap_or(&self.list);
        read::list(self, replies, body, header, page, Some(parent), request_url)
    }

    /// Maps a list response. `header` reads a response header (case-insensitive).
    /// `Err` when the response as a whole does not match (no items array); single
    /// bad items are skipped and listed in `problems`.
    pub fn read_list<J: Json + Clone>(
        &self,
        body: &J,
        header: &dyn Fn(&str) -> Option<String>,
        page: &Page,
    ) -> Result<ListPage, ShapeError> {
        self.read_list_at(body, header, page, "")
            .map(|(page, _)| page)
    }

    /// [`Adapter::read_list`] for an answer to `request_url` (which a relative
    /// `Link` header is resolved against), with the page's [`PageExtras`].
    pub fn read_list_at<J: Json + Clone>(
        &self,
        body: &J,
        header: &dyn Fn(&str) -> Option<String>,
        page: &Page,
        request_url: &str,
    ) -> Result<(ListPage, PageExtras), ShapeError> {
        read::list(self, &self.list, body, header, page, None, request_url)
    }

    /// `now_ms` is `Date.now()`; it fills `{nowIso}`, `{nowMs}` and `{nowS}`.
    pub fn create_request(
        &self,
        api: &str,
        thread: &str,
        new: &NewComment,
        idempotency_key: &str,
        now_ms: f64,
    ) -> Request {
        self.create_request_in(
            api,
            thread,
            new,
            idempotency_key,
            now_ms,
            &Context::default(),
        )
    }

    /// [`Adapter::create_request`] with the page's facts, the thread's root and the
    /// optional fields.
    pub fn create_request_in(
        &self,
        api: &str,
        thread: &str,
        new: &NewComment,
        idempotency_key: &str,
        now_ms: f64,
        context: &Context,
    ) -> Request {
        let now_ms = clamp_now(now_ms);
        let values = Values {
            api: api.trim_end_matches('/'),
            thread,
            author: &new.author,
            body: &new.body,
            parent: new.parent.as_ref(),
            root: context.root.as_ref(),
            key: idempotency_key,
            now_ms,
            email: &context.email,
            website: &context.website,
            page: &context.page,
            no_parent: &self.create.no_parent,
            action: &ActionValues::default(),
        };
        // fetch() refuses a body on GET; such an API gets the URL and headers only.
        let has_body = self.create.method != "GET";
        let mut headers = Vec::new();
        if has_body
            && !self
                .create
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        headers.extend(render_headers(&self.create.headers, &values));
        if let Some(name) = &self.create.idempotency_header {
            if !idempotency_key.is_empty() {
                headers.push((name.clone(), idempotency_key.to_owned()));
            }
        }
        let body = has_body.then(|| {
            let mut out = String::new();
            self.create.body.render(&values, &mut out);
            out
        });
        Request {
            method: self.create.method.clone(),
            url: values.url(&self.create.url),
            headers,
            body,
        }
    }

    /// Judges a create response. `body` is `None` when it was empty or not JSON.
    /// The comment's `parent` is what the response says; with nested replies it
    /// usually says nothing, and the caller knows what it sent.
    pub fn read_created<J: Json + Clone>(&self, status: u16, body: Option<&J>) -> Created {
        read::created(self, status, body)
    }

    /// The secret token of a created comment (`create.token`), kept on the device.
    pub fn created_token<J: Json + Clone>(&self, body: &J) -> Option<String> {
        let token = body.path(self.create.token.as_deref()?)?.string()?;
        // Sent back in a query string: a sane token is short and printable.
        (!token.is_empty()
            && token.len() <= 200
            && !token.chars().any(|c| c.is_control() || c == ','))
        .then_some(token)
    }

    /// The human-readable message in an error response, if the adapter knows where.
    /// A string is the message; an object or array (field-by-field validation
    /// errors) gives its strings, joined with "; ".
    pub fn error_message<J: Json + Clone>(&self, body: &J) -> Option<String> {
        let found = body.path(self.error.as_deref()?)?;
        if let Some(message) = found.string() {
            return shorten(&message);
        }
        let mut parts = Vec::new();
        let mut stack = vec![(found, 0_usize)];
        while let Some((v, depth)) = stack.pop() {
            if let Some(s) = v.string() {
                parts.push(s.trim().to_owned());
            } else if depth < 4 {
                let children: Vec<J> = match v.entries() {
                    Some(members) => members.into_iter().map(|(_, v)| v).collect(),
                    None => v.items().unwrap_or_default(),
                };
                stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
            }
            if parts.len() >= 10 {
                break;
            }
        }
        parts.retain(|p| !p.is_empty());
        shorten(&parts.join("; "))
    }

    /// The message of an error answer, whatever its body: at the `error` path of
    /// JSON, else the text of an HTML page or of plain text (never JSON shown raw).
    /// `content_type` is the answer's `Content-Type`, when known.
    pub fn error_text(&self, text: &str, content_type: Option<&str>) -> Option<String> {
        let trimmed = text.trim_start();
        let json_type = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("json"));
        if let Ok(value) = crate::platform::json::parse(text) {
            return self.error_message(&value);
        }
        if json_type || trimmed.starts_with(['{', '[']) {
            return None;
        }
        let html = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("html"))
            || trimmed.starts_with('<');
        let message = if html {
            text::error_page_text(text)
        } else {
            text::collapse(text)
        };
        shorten(&message)
    }

    /// Judges a create answer from its status, text and `Content-Type`: what
    /// [`Adapter::read_created`] does, with the message of a failure read from any
    /// body ([`Adapter::error_text`]).
    pub fn read_created_text(
        &self,
        status: u16,
        text: &str,
        content_type: Option<&str>,
    ) -> Created {
        let body = crate::platform::json::parse(text).ok();
        match self.read_created(status, body.as_ref()) {
            Created::Failed { status, message } => Created::Failed {
                status,
                message: message.or_else(|| self.error_text(text, content_type)),
            },
            other => other,
        }
    }
}

impl Default for Adapter {
    fn default() -> Self {
        config::reference()
    }
}

/// The integer an f64 holds exactly, within ±(2^53 − 1): beyond that `JSON.parse`
/// has already rounded, and two ids could collapse into one.
fn integral(x: f64) -> Option<i64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    (x.is_finite() && x.trunc() == x && x.abs() <= MAX_SAFE).then_some(x as i64)
}

/// Trimmed, at most [`MAX_MESSAGE_CHARS`]; `None` when empty.
fn shorten(message: &str) -> Option<String> {
    let message = message.trim();
    if message.is_empty() {
        return None;
    }
    Some(message.chars().take(MAX_MESSAGE_CHARS).collect())
}

/// `Date.now()` as the templates' `{nowMs}`; 0 when it is not a sane time.
fn clamp_now(now_ms: f64) -> i64 {
    if now_ms.is_finite() && now_ms.abs() <= crate::platform::time::MAX_ABS_MS {
        now_ms as i64
    } else {
        0
    }
}

fn render_headers(
    headers: &[(String, template::Template)],
    values: &Values<'_>,
) -> Vec<(String, String)> {
    headers
        .iter()
        // fetch() throws on line breaks in a value; what the page holds could have one.
        .map(|(name, value)| {
            let text = value.render(&|s| values.text(s));
            (name.clone(), text.replace(['\r', '\n'], " "))
        })
        .collect()
}

/// A list or replies request for `page`.
#[allow(clippy::too_many_arguments)]
fn paged_request(
    list: &List,
    api: &str,
    thread: &str,
    parent: Option<&Id>,
    page: &Page,
    extra: Vec<(String, String)>,
    sort: &[(String, template::Template)],
    context: &Context,
    no_parent: &NoParent,
) -> Request {
    let values = Values {
        api: api.trim_end_matches('/'),
        thread,
        author: "",
        body: "",
        parent,
        root: None,
        key: "",
        now_ms: 0,
        email: "",
        website: "",
        page: &context.page,
        no_parent,
        action: &ActionValues::default(),
    };
    let headers = render_headers(&list.headers, &values);
    // A next page's URL as the API gave it carries its own query.
    if let Page::Url(url) = page {
        return Request {
            method: "GET".to_owned(),
            url: url.clone(),
            headers,
            body: None,
        };
    }
    let mut params: Vec<(String, String)> = list
        .query
        .iter()
        // The paging's own parameters win over a fixed value of the same name, and
        // the chosen order's over the default's.
        .filter(|(name, _)| !list.paging.owns(name) && !sort.iter().any(|(n, _)| n == name))
        .chain(sort.iter().filter(|(name, _)| !list.paging.owns(name)))
        .map(|(name, value)| (name.clone(), value.render(&|s| values.text(s))))
        .collect();
    match &list.paging {
        Paging::Cursor { param, .. } => {
            if let Page::Cursor(cursor) = page {
                params.push((param.clone(), cursor.clone()));
            }
        }
        Paging::Keyset {
            param,
            size,
            size_param,
            ..
        } => {
            if let Page::Cursor(key) = page {
                params.push((param.clone(), key.clone()));
            }
            if let Some(name) = size_param {
                params.push((name.clone(), size.to_string()));
            }
        }
        Paging::Page {
            param,
            first,
            size,
            size_param,
            ..
        } => {
            let number = match page {
                Page::Number(n) => *n,
                _ => *first,
            };
            params.push((param.clone(), number.to_string()));
            if let Some(name) = size_param {
                params.push((name.clone(), size.to_string()));
            }
        }
        Paging::Offset {
            param,
            size,
            size_param,
        } => {
            let offset = match page {
                Page::Offset(n) => *n,
                _ => 0,
            };
            params.push((param.clone(), offset.to_string()));
            if let Some(name) = size_param {
                params.push((name.clone(), size.to_string()));
            }
        }
        Paging::Link | Paging::None => {}
    }
    params.extend(extra);
    let mut url = values.url(&list.url);
    append_query(&mut url, &params);
    Request {
        method: "GET".to_owned(),
        url,
        headers,
        body: None,
    }
}

/// Adds `name=value` pairs, encoded like `encodeURIComponent`, to a URL that may
/// already have a query (and a fragment, which stays last).
fn append_query(url: &mut String, params: &[(String, String)]) {
    if params.is_empty() {
        return;
    }
    let fragment = url.find('#').map(|at| url.split_off(at));
    let mut separator = match url.find('?') {
        None => "?",
        Some(_) if url.ends_with('?') || url.ends_with('&') => "",
        Some(_) => "&",
    };
    for (name, value) in params {
        url.push_str(separator);
        url.push_str(&encode_component(name));
        url.push('=');
        url.push_str(&encode_component(value));
        separator = "&";
    }
    if let Some(fragment) = fragment {
        url.push_str(&fragment);
    }
}
