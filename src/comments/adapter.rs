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

mod config;
mod read;
mod template;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use crate::platform::json::Json;
#[cfg(all(test, not(target_arch = "wasm32")))]
use crate::platform::time;
use config::{CommentPaths, Create, List, Paging, TimeFormat};
use template::Values;

pub use template::encode_component;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Newest,
    Oldest,
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

/// The outcome of a create request, judged from status and body.
#[derive(Clone, Debug, PartialEq)]
pub enum Created {
    /// The comment as the API returned it, or `None` if it returned nothing usable.
    Published(Option<Comment>),
    Held(Option<Comment>),
    /// Any other status; `message` from the adapter's `error` path.
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
    comment: Box<CommentPaths>,
    body_html: bool,
    time_format: TimeFormat,
    /// API status value (numbers as decimal text) → meaning; others are published.
    status_map: Vec<(String, Status)>,
    error: Option<String>,
    create: Box<Create>,
    timeouts: Timeouts,
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

    /// Response headers the widget reads (a cross-origin API must expose them).
    pub fn headers_read(&self) -> Option<&str> {
        self.list.total_header.as_deref()
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
        let values = Values {
            api: api.trim_end_matches('/'),
            thread,
            author: "",
            body: "",
            parent: None,
            key: "",
            now_ms: 0,
        };
        let mut params: Vec<(String, String)> = self
            .list
            .query
            .iter()
            // The paging's own parameters win over a fixed value of the same name.
            .filter(|(name, _)| !self.list.paging.owns(name))
            .map(|(name, value)| (name.clone(), value.render(&|p| values.text(p))))
            .collect();
        match &self.list.paging {
            Paging::Cursor { param, .. } => {
                if let Page::Cursor(cursor) = page {
                    params.push((param.clone(), cursor.clone()));
                }
            }
            Paging::Page {
                param,
                first,
                size,
                size_param,
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
            Paging::None => {}
        }
        if let (Some(name), false) = (&self.list.held_param, held_tokens.is_empty()) {
            params.push((name.clone(), held_tokens.join(",")));
        }
        let mut url = values.url(&self.list.url);
        append_query(&mut url, &params);
        Request {
            method: "GET".to_owned(),
            url,
            headers: render_headers(&self.list.headers, &values),
            body: None,
        }
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
        read::list(self, body, header, page)
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
        let now_ms = if now_ms.is_finite() && now_ms.abs() <= crate::platform::time::MAX_ABS_MS {
            now_ms as i64
        } else {
            0
        };
        let values = Values {
            api: api.trim_end_matches('/'),
            thread,
            author: &new.author,
            body: &new.body,
            parent: new.parent.as_ref(),
            key: idempotency_key,
            now_ms,
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
    pub fn error_message<J: Json + Clone>(&self, body: &J) -> Option<String> {
        let message = body.path(self.error.as_deref()?)?.string()?;
        let message = message.trim();
        if message.is_empty() {
            return None;
        }
        Some(message.chars().take(MAX_MESSAGE_CHARS).collect())
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

fn render_headers(
    headers: &[(String, template::Template)],
    values: &Values<'_>,
) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.clone(), value.render(&|p| values.text(p))))
        .collect()
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
