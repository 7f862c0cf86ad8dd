//! `GET` and `POST /api/v1/threads/{thread}/comments`, and
//! `GET /api/v1/threads/{thread}/comments/{id}/replies`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::{check_thread, now_ms, rfc3339_ms, ApiJson, Rfc3339Ms};
use crate::app::AppState;
use std::sync::Arc;

use crate::cache::{Body as CachedBody, Encoding, PageKey};
use crate::db::{
    Around, Cursor, InsertOutcome, ListRequest, Listed, NewComment, Sort, SortKey, SortedPage,
    Status, StoredComment, Viewer,
};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::validate;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 100;
/// Pending tokens honoured per request (a reader rarely has more than a few).
const MAX_PENDING_TOKENS: usize = 50;
const MAX_IDEMPOTENCY_KEY: usize = 128;
/// `replies=N` takes 0..=100.
const MAX_REPLIES: usize = 100;
/// `around=` returns at most this many top-level comments.
pub const MAX_AROUND: i64 = 500;
/// Longest cursor accepted (a replies cursor grows with the nesting depth).
const MAX_CURSOR: usize = 8192;

#[derive(Debug, Serialize)]
pub struct CommentView {
    pub id: String,
    pub thread: String,
    pub parent_id: Option<String>,
    pub author: String,
    pub body: String,
    pub created_at: String,
    pub status: &'static str,
    pub likes: i64,
    /// Published replies shown below it, all depths.
    pub reply_count: i64,
    pub edited_at: Option<String>,
}

/// Whether an answer shows the comment without its author's name: guests,
/// and what its author deleted (a placeholder without name or text). Rows
/// written before guest names were stored as "no name" may still hold
/// "Khách" or "Guest"; they answer as newer ones do.
fn hides_author(c: &StoredComment) -> bool {
    c.status == Status::Withdrawn || validate::is_guest_name(&c.author)
}

/// The status an answer shows. Only the author (by pending or edit token,
/// or idempotent replay) ever gets a comment that is pending or rejected:
/// a deleted one is told to them as rejected, like one the desk rejected.
/// `deleted` is what the author deleted themself.
fn status_text(s: Status) -> &'static str {
    match s {
        Status::Published => "published",
        Status::Pending => "pending",
        Status::Rejected | Status::Deleted => "rejected",
        Status::Withdrawn => "deleted",
    }
}

impl From<Listed> for CommentView {
    fn from(l: Listed) -> Self {
        let c = l.comment;
        let withdrawn = c.status == Status::Withdrawn;
        Self {
            author: if hides_author(&c) {
                String::new()
            } else {
                c.author
            },
            id: c.id,
            thread: c.thread,
            parent_id: c.parent_id,
            body: if withdrawn { String::new() } else { c.body },
            created_at: rfc3339_ms(c.created_at),
            status: status_text(c.status),
            likes: c.likes.max(0),
            reply_count: l.reply_count,
            edited_at: c.edited_at.map(rfc3339_ms),
        }
    }
}

/// [`CommentView`] borrowed from the comment, for lists: what
/// [`list_json`] writes, without copying a page's text into new strings
/// before it is copied into the answer.
#[derive(Debug)]
struct ListedView<'a> {
    id: &'a str,
    thread: &'a str,
    parent_id: Option<&'a str>,
    author: &'a str,
    body: &'a str,
    created_at: Rfc3339Ms,
    status: &'static str,
    likes: i64,
    reply_count: i64,
    edited_at: Option<Rfc3339Ms>,
}

impl<'a> ListedView<'a> {
    fn of(l: &'a Listed) -> Self {
        let c = &l.comment;
        let withdrawn = c.status == Status::Withdrawn;
        Self {
            id: &c.id,
            thread: &c.thread,
            parent_id: c.parent_id.as_deref(),
            author: if hides_author(c) { "" } else { &c.author },
            body: if withdrawn { "" } else { &c.body },
            created_at: Rfc3339Ms::new(c.created_at),
            status: status_text(c.status),
            likes: c.likes.max(0),
            reply_count: l.reply_count,
            edited_at: c.edited_at.map(Rfc3339Ms::new),
        }
    }

    /// The comment as `serde_json` writes a [`CommentView`]: the same keys
    /// in the same order, no whitespace.
    fn write(&self, out: &mut Vec<u8>) {
        let opt = |out: &mut Vec<u8>, v: Option<&str>| match v {
            Some(s) => json_str(out, s),
            None => out.extend_from_slice(b"null"),
        };
        out.extend_from_slice(b"{\"id\":");
        json_str(out, self.id);
        out.extend_from_slice(b",\"thread\":");
        json_str(out, self.thread);
        out.extend_from_slice(b",\"parent_id\":");
        opt(out, self.parent_id);
        out.extend_from_slice(b",\"author\":");
        json_str(out, self.author);
        out.extend_from_slice(b",\"body\":");
        json_str(out, self.body);
        out.extend_from_slice(b",\"created_at\":");
        json_str(out, self.created_at.as_str());
        out.extend_from_slice(b",\"status\":");
        json_str(out, self.status);
        out.extend_from_slice(b",\"likes\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.likes).as_bytes());
        out.extend_from_slice(b",\"reply_count\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.reply_count).as_bytes());
        out.extend_from_slice(b",\"edited_at\":");
        opt(out, self.edited_at.as_ref().map(Rfc3339Ms::as_str));
        out.push(b'}');
    }
}

/// What `serde_json` writes for a byte of a string: 0 (itself), `u`
/// (`\u00XX`) or the letter after a backslash.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Whether any of the 8 bytes of `w` is below 0x20, `"` or `\` (the
/// classic word-at-a-time zero-byte test, exact for the answer "any").
fn any_special(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let control = below(w, 0x20);
    let quote = below(w ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(w ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
}

/// `s` as a JSON string exactly as `serde_json` escapes it (only `"`, `\`
/// and control characters below 0x20; `\u00XX` in lower case). Skips
/// eight bytes at a time while none needs escaping: a page is mostly text
/// that needs none, and serde_json looks at every byte.
fn json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            if !any_special(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let esc = ESCAPE[usize::from(b)];
        if esc != 0 {
            out.extend_from_slice(&bytes[start..i]);
            if esc == b'u' {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            } else {
                out.push(b'\\');
                out.push(esc);
            }
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A list answer's JSON (`{"comments", "next_cursor", "total"}`, as
/// `serde_json` wrote it from [`CommentView`]s), written straight into one
/// buffer sized for it up front.
fn list_json(
    comments: &[Listed],
    next_cursor: Option<String>,
    total: i64,
) -> Result<Bytes, ApiError> {
    // The text fields, plus the keys, the two timestamps and the numbers of
    // each comment (about 150 bytes), plus a little for escapes.
    let text: usize = comments
        .iter()
        .map(|l| {
            let c = &l.comment;
            c.id.len()
                + c.thread.len()
                + c.parent_id.as_ref().map_or(0, String::len)
                + c.author.len()
                + c.body.len()
        })
        .sum();
    let mut out = Vec::with_capacity(text + text / 32 + comments.len() * 192 + 128);
    out.extend_from_slice(b"{\"comments\":[");
    for (i, l) in comments.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        ListedView::of(l).write(&mut out);
    }
    out.extend_from_slice(b"],\"next_cursor\":");
    match next_cursor.as_deref() {
        Some(c) => json_str(&mut out, c),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"total\":");
    out.extend_from_slice(itoa::Buffer::new().format(total).as_bytes());
    out.push(b'}');
    Ok(Bytes::from(out))
}

impl From<StoredComment> for CommentView {
    /// A comment without replies (a new one).
    fn from(c: StoredComment) -> Self {
        Listed {
            comment: c,
            reply_count: 0,
        }
        .into()
    }
}

/// A list answer as it was serialised before [`list_json`] (owned views),
/// which `list_json` must reproduce byte for byte.
#[cfg(test)]
#[derive(Debug, Serialize)]
pub struct ListResponse {
    pub comments: Vec<CommentView>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// All fields are strings so that odd input yields our own 400, not a
/// deserialisation rejection.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    limit: Option<String>,
    cursor: Option<String>,
    pending: Option<String>,
    sort: Option<String>,
    replies: Option<String>,
    around: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RepliesQuery {
    limit: Option<String>,
    cursor: Option<String>,
    pending: Option<String>,
}

fn encode_cursor(c: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", c.created_at, c.id))
}

fn decode_cursor(s: &str) -> Option<Cursor> {
    let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (ts, id) = text.split_once(':')?;
    Some(Cursor {
        created_at: ts.parse().ok()?,
        id: id.to_owned(),
    })
}

/// A cursor of the main list: the sort it belongs to and the key of the
/// last top-level comment. `newest` keeps the original format (`TS:ID`), so
/// cursors handed out before sorting existed stay valid; `oldest` is
/// `o:TS:ID`, `top` `t:LIKES:TS:ID`; all base64url.
pub fn encode_sorted(sort: Sort, k: &SortKey) -> String {
    match sort {
        Sort::Newest => encode_cursor(&Cursor {
            created_at: k.created_at,
            id: k.id.clone(),
        }),
        Sort::Oldest => URL_SAFE_NO_PAD.encode(format!("o:{}:{}", k.created_at, k.id)),
        Sort::Top => URL_SAFE_NO_PAD.encode(format!("t:{}:{}:{}", k.likes, k.created_at, k.id)),
    }
}

pub fn decode_sorted(s: &str) -> Option<(Sort, SortKey)> {
    if s.len() > MAX_CURSOR {
        return None;
    }
    let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
    let text = String::from_utf8(raw).ok()?;
    if let Some(rest) = text.strip_prefix("o:") {
        let (ts, id) = rest.split_once(':')?;
        return Some((
            Sort::Oldest,
            SortKey {
                likes: 0,
                created_at: ts.parse().ok()?,
                id: id.to_owned(),
            },
        ));
    }
    if let Some(rest) = text.strip_prefix("t:") {
        let mut parts = rest.splitn(3, ':');
        let likes = parts.next()?.parse().ok()?;
        let ts = parts.next()?.parse().ok()?;
        let id = parts.next()?;
        return Some((
            Sort::Top,
            SortKey {
                likes,
                created_at: ts,
                id: id.to_owned(),
            },
        ));
    }
    let c = decode_cursor(s)?;
    Some((
        Sort::Newest,
        SortKey {
            likes: 0,
            created_at: c.created_at,
            id: c.id,
        },
    ))
}

/// A cursor of the replies endpoint: `r:` and the position of the last
/// reply (see `db::Tree::position`) as JSON, base64url.
fn encode_replies_cursor(pos: &[(i64, String)]) -> String {
    let json = serde_json::to_string(pos).unwrap_or_else(|_| "[]".into());
    URL_SAFE_NO_PAD.encode(format!("r:{json}"))
}

fn decode_replies_cursor(s: &str) -> Option<Vec<(i64, String)>> {
    if s.len() > MAX_CURSOR {
        return None;
    }
    let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let pos: Vec<(i64, String)> = serde_json::from_str(text.strip_prefix("r:")?).ok()?;
    (!pos.is_empty()).then_some(pos)
}

fn parse_limit(raw: Option<&str>) -> Result<i64, ApiError> {
    match raw.filter(|s| !s.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_limit", "limit must be an integer from 1 to 100")
            }),
    }
}

/// The reader's own comments they hold a token for: `pending=` takes
/// pending tokens and edit tokens alike.
fn viewer_of(pending: Option<&str>) -> Viewer {
    let tokens: Vec<String> = pending
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 64)
        .take(MAX_PENDING_TOKENS)
        .map(str::to_owned)
        .collect();
    Viewer {
        edit_hashes: tokens.iter().map(|t| crate::owner::token_hash(t)).collect(),
        pending_tokens: tokens,
    }
}

fn bad(lang: Lang, code: &'static str, vi: &str, en: &str) -> ApiError {
    ApiError::bad_request(code, lang.t(vi, en).to_owned())
}

/// Serves a personal-free answer from the page cache, or renders and caches
/// it. `variant` is everything but thread and limit that selects the answer.
/// A cached answer goes out in the coding the client prefers (gzip, brotli),
/// compressed once per version of the page.
async fn cached(
    st: &AppState,
    thread: &str,
    limit: i64,
    variant: Option<String>,
    viewer: &Viewer,
    headers: &HeaderMap,
    render: impl std::future::Future<Output = Result<Bytes, ApiError>>,
) -> Result<Response, ApiError> {
    // Tokens make a response personal: never cache those.
    if !viewer.is_anonymous() || !st.pages.enabled() {
        return Ok(json_bytes(render.await?));
    }
    let key = PageKey {
        thread: thread.to_owned(),
        limit,
        cursor: variant,
    };
    let enc = Encoding::negotiate(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    // The version before the page: a page rendered afterwards is at least
    // as new as the version it is stored under. On SQLite the version is
    // known without a query while nothing has committed (see `cache`); the
    // stamp is read before the version, never after.
    let stamp = st.pages.stamp();
    let version = match st.pages.known_version(thread, stamp.as_ref()) {
        Some(v) => v,
        None => {
            let v = st.store.thread_version(thread).await?;
            st.pages.note_version(thread, v, stamp);
            v
        }
    };
    if let Some(body) = st.pages.get(&key, version) {
        return Ok(encoded(&body, enc));
    }
    let body = Arc::new(CachedBody::new(render.await?));
    st.pages.put(key, version, body.clone());
    Ok(encoded(&body, enc))
}

/// A cached page in `enc`, with the headers the compression layer would
/// have set (it leaves a response that has a `Content-Encoding` alone).
fn encoded(body: &CachedBody, enc: Encoding) -> Response {
    let mut res = json_bytes(body.get(enc));
    if let Some(coding) = enc.header() {
        let h = res.headers_mut();
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

pub async fn list(
    State(st): State<AppState>,
    Path(thread): Path<String>,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    check_thread(&thread)?;
    let limit = parse_limit(q.limit.as_deref())?;
    let sort = match q.sort.as_deref().filter(|s| !s.is_empty()) {
        None => Sort::Newest,
        Some(s) => Sort::parse(s).ok_or_else(|| {
            bad(
                lang,
                "invalid_sort",
                "Cách sắp xếp phải là newest, oldest hoặc top.",
                "sort must be newest, oldest or top.",
            )
        })?,
    };
    let replies = match q.replies.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse::<usize>()
                .ok()
                .filter(|n| *n <= MAX_REPLIES)
                .ok_or_else(|| {
                    bad(
                        lang,
                        "invalid_replies",
                        "replies phải là số nguyên từ 0 đến 100.",
                        "replies must be an integer from 0 to 100.",
                    )
                })?,
        ),
    };
    let cursor_text = q.cursor.clone().filter(|c| !c.is_empty());
    let after = match cursor_text.as_deref() {
        None => None,
        Some(s) => {
            let (of, key) = decode_sorted(s)
                .ok_or_else(|| ApiError::bad_request("invalid_cursor", "Malformed cursor"))?;
            if of != sort {
                return Err(bad(
                    lang,
                    "invalid_cursor",
                    "Con trỏ trang này thuộc về một cách sắp xếp khác.",
                    "This cursor belongs to another sort order.",
                ));
            }
            Some(key)
        }
    };
    let around = q.around.clone().filter(|a| !a.is_empty());
    if around.is_some() && after.is_some() {
        return Err(bad(
            lang,
            "invalid_cursor",
            "Không dùng cursor cùng với around.",
            "cursor cannot be combined with around.",
        ));
    }
    let viewer = viewer_of(q.pending.as_deref());

    // The default answer keeps its original cache key.
    let variant = if sort == Sort::Newest && replies.is_none() && around.is_none() {
        cursor_text.clone()
    } else {
        Some(format!(
            "sort={}&replies={}&around={}&cursor={}",
            sort.as_str(),
            replies.map_or("all".to_owned(), |n| n.to_string()),
            around.as_deref().unwrap_or(""),
            cursor_text.as_deref().unwrap_or("")
        ))
    };
    let render = async {
        let req = ListRequest {
            thread: &thread,
            sort,
            limit,
            after: after.as_ref(),
            viewer: &viewer,
            replies,
        };
        let page: SortedPage = match around.as_deref() {
            None => st.store.list_sorted(&req).await?,
            Some(target) => match st.store.list_around(&req, target, MAX_AROUND).await? {
                Around::Page(p) => p,
                Around::NotFound => {
                    return Err(ApiError::new(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        lang.t(
                            "Không tìm thấy bình luận này.",
                            "No such comment in this thread.",
                        )
                        .to_owned(),
                    ))
                }
                Around::TooFar => {
                    return Err(ApiError::new(
                        StatusCode::NOT_FOUND,
                        "too_far",
                        match lang {
                            Lang::Vi => format!(
                            "Bình luận này nằm quá xa đầu danh sách (quá {MAX_AROUND} bình luận)."
                        ),
                            Lang::En => format!(
                            "This comment is too far down the list (beyond {MAX_AROUND} comments)."
                        ),
                        },
                    ))
                }
            },
        };
        list_json(
            &page.comments,
            page.next.as_ref().map(|k| encode_sorted(sort, k)),
            page.total,
        )
    };
    cached(&st, &thread, limit, variant, &viewer, &headers, render).await
}

/// `GET /api/v1/threads/{thread}/comments/{id}/replies`: the replies of a
/// top-level comment in display order (depth first, oldest first among
/// siblings: the order of the main list), paged by cursor.
pub async fn replies(
    State(st): State<AppState>,
    Path((thread, id)): Path<(String, String)>,
    Query(q): Query<RepliesQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    check_thread(&thread)?;
    let limit = parse_limit(q.limit.as_deref())?;
    let cursor_text = q.cursor.clone().filter(|c| !c.is_empty());
    let after = match cursor_text.as_deref() {
        None => None,
        Some(s) => Some(
            decode_replies_cursor(s)
                .ok_or_else(|| ApiError::bad_request("invalid_cursor", "Malformed cursor"))?,
        ),
    };
    let viewer = viewer_of(q.pending.as_deref());
    let variant = Some(format!(
        "replies-of={id}&cursor={}",
        cursor_text.as_deref().unwrap_or("")
    ));
    let render = async {
        let tree = st
            .store
            .replies_tree(&thread, &id, &viewer)
            .await?
            .ok_or_else(|| ApiError::comment_not_found(lang))?;
        let total = tree.nodes[0].reply_count;
        let positions: Vec<Vec<(i64, String)>> =
            (1..tree.nodes.len()).map(|i| tree.position(i)).collect();
        let mut items: Vec<(Listed, Vec<(i64, String)>)> = tree
            .nodes
            .into_iter()
            .skip(1)
            .zip(positions)
            .filter(|(_, pos)| after.as_ref().is_none_or(|a| pos > a))
            .take(limit as usize + 1)
            .collect();
        let next_cursor = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|(_, pos)| encode_replies_cursor(pos))
        } else {
            None
        };
        let comments: Vec<Listed> = items.into_iter().map(|(l, _)| l).collect();
        list_json(&comments, next_cursor, total)
    };
    cached(&st, &thread, limit, variant, &viewer, &headers, render).await
}

fn json_bytes(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct CreateRequest {
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    parent_id: Option<String>,
    /// Honeypot: hidden in the widget's form, so only bots fill it.
    #[serde(default)]
    website: Option<String>,
}

#[derive(Debug, Serialize)]
struct CreateResponse {
    comment: CommentView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_token: Option<String>,
    /// Lets the author edit or delete the comment (`Authorization: Bearer`)
    /// until `editable_until`; also honoured by `?pending=`.
    #[serde(skip_serializing_if = "Option::is_none")]
    edit_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    editable_until: Option<String>,
}

/// The client address used for rate limiting and network hints.
pub(crate) fn client_ip(st: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if st.cfg.trust_forwarded_for {
        // The right-most entry was appended by our own proxy; anything to its
        // left is client-supplied and spoofable.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|s| s.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    peer.ip()
}

pub async fn create(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(thread): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<CreateRequest>,
) -> Result<Response, ApiError> {
    check_thread(&thread)?;
    let lang = crate::i18n::Lang::from_headers(&headers);
    let ip = client_ip(&st, peer, &headers);
    st.limiter
        .check(ip)
        .map_err(|secs| ApiError::rate_limited_in(lang, secs))?;

    if input
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        tracing::info!(thread = %thread, "honeypot field filled; comment refused");
        return Err(ApiError::spam_detected(lang));
    }

    let idempotency_key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let key = v
                .to_str()
                .ok()
                .map(str::trim)
                .filter(|k| k.len() <= MAX_IDEMPOTENCY_KEY)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_idempotency_key",
                        "Idempotency-Key must be at most 128 visible ASCII characters",
                    )
                })?;
            (!key.is_empty()).then(|| key.to_owned())
        }
    };

    let body = validate::body(input.body.as_deref().unwrap_or(""), st.cfg.body_limit)?;
    let author = validate::author(input.author.as_deref(), st.cfg.name_limit)?;

    let mut created_at = now_ms();
    let (parent_id, root_id) = match input.parent_id.as_deref().map(str::trim) {
        None | Some("") => (None, None),
        Some(pid) => {
            let parent = st
                .store
                .comment_in_thread(&thread, pid)
                .await?
                // A comment its author deleted takes no new replies.
                .filter(|p| !matches!(p.status, Status::Rejected | Status::Withdrawn))
                .ok_or_else(|| {
                    ApiError::unprocessable(
                        "parent_not_found",
                        "parent_id does not name a comment in this thread",
                    )
                })?;
            // Keep "a reply is never older than its parent" even across
            // processes with slightly different clocks.
            created_at = created_at.max(parent.created_at);
            (Some(parent.id), Some(parent.root_id))
        }
    };

    // Moderation layers (spam.rs): bans and blocklist (may refuse), then the mode.
    let ip_hint = st.hasher.network(ip);
    let verdict = crate::spam::judge(
        &st.store,
        &st.spam,
        &crate::spam::Incoming {
            author: &author,
            body: &body,
            ip_hint: &ip_hint,
        },
        lang,
    )
    .await?;
    let held_reason = match &verdict {
        crate::spam::Verdict::Hold(r) => Some(r.encode()),
        crate::spam::Verdict::Publish => None,
    };

    let id = uuid::Uuid::new_v4().simple().to_string();
    let edit_hash = crate::owner::token_hash(&st.edit_keys.token(&id));
    let (status, pending_token) = if held_reason.is_some() {
        (
            Status::Pending,
            Some(uuid::Uuid::new_v4().simple().to_string()),
        )
    } else {
        (Status::Published, None)
    };
    let new = NewComment {
        id: &id,
        thread: &thread,
        parent_id: parent_id.as_deref(),
        root_id: root_id.as_deref().unwrap_or(&id),
        author: &author,
        body: &body,
        created_at,
        status,
        pending_token: pending_token.as_deref(),
        idempotency_key: idempotency_key.as_deref(),
    };
    let meta = crate::db::CommentMeta {
        ip_hint: Some(&ip_hint),
        held_reason: held_reason.as_deref(),
        edit_token_hash: Some(&edit_hash),
    };
    let (stored, replay) = match st.store.insert_comment_with(&new, meta).await? {
        InsertOutcome::Created(c) => {
            if c.status == Status::Pending {
                st.alerts.notify(crate::alerts::Event {
                    kind: crate::alerts::EventKind::Pending,
                    comment: c.clone(),
                    reason: None,
                });
            }
            // Ids and sizes only: comment bodies stay out of info-level logs.
            tracing::info!(
                comment_id = %c.id,
                thread = %c.thread,
                status = c.status.as_str(),
                chars = ykien_text::count_chars_nfc(&c.body),
                "comment stored"
            );
            (c, false)
        }
        InsertOutcome::Existing(c) => {
            tracing::info!(comment_id = %c.id, thread = %c.thread, "idempotent replay");
            (c, true)
        }
    };

    let (code, token) = match stored.status {
        Status::Published => (StatusCode::CREATED, None),
        // Deleted by its author since (an idempotent replay): as first answered.
        Status::Withdrawn if stored.pending_token.is_none() => (StatusCode::CREATED, None),
        Status::Pending | Status::Rejected | Status::Deleted | Status::Withdrawn => {
            (StatusCode::ACCEPTED, stored.pending_token.clone())
        }
    };
    // The token is derived from the id, so a replay answers with the same one;
    // comments stored before edit tokens existed have none.
    let edit_token = Some(st.edit_keys.token(&stored.id))
        .filter(|t| crate::owner::token_matches(stored.edit_token_hash.as_deref(), t));
    let editable_until = edit_token.as_ref().map(|_| {
        rfc3339_ms(stored.created_at + (st.cfg.edit_window_secs.min(1 << 40) as i64) * 1000)
    });
    // A replay shows the comment as it is now (e.g. edited, liked).
    let listed = if replay {
        st.store.listed(stored).await?
    } else {
        Listed {
            comment: stored,
            reply_count: 0,
        }
    };
    let body = CreateResponse {
        comment: listed.into(),
        pending_token: token,
        edit_token,
        editable_until,
    };
    Ok((code, Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip() {
        let c = Cursor {
            created_at: 1_705_307_400_123,
            id: "abc:def".into(),
        };
        assert_eq!(decode_cursor(&encode_cursor(&c)), Some(c));
        assert_eq!(decode_cursor("!!!"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("x:y")), None);
    }

    /// Text no answer may change by a byte: JSON's specials, every control
    /// character, HTML, emoji, Vietnamese (composed and not), separators.
    pub(crate) const HOSTILE: &[&str] = &[
        "",
        "\"quoted\" and \\backslash\\ and \\\"both\"",
        "\u{0}\u{1}\u{7}\u{8}\t\n\u{b}\u{c}\r\u{e}\u{1b}\u{1f} \u{7f}\u{80}\u{9f}",
        "</script><script>alert('x')</script><!-- & &amp; -->",
        "Bình luận về Hà Nội: đường, phở, cà phê sữa đá. Ừ, được!",
        "Vie\u{302}\u{301}t decomposed: e\u{302}\u{301} a\u{306}\u{300}",
        "emoji 👍🏽 👨‍👩‍👧 🇻🇳 \u{fe0f}",
        "line\u{2028}separator\u{2029}paragraph \u{feff}bom \u{200b}zw",
        "Khách",
        "Guest",
        "/slashes/ and {braces} [brackets] :colons, commas",
        "12345678\"2345678\\2345678\n2345678ươ345678\u{1f}",
        "a\"",
        "\\",
        "abcdefg\u{1}",
        "abcdefgh",
        "abcdefghi\u{7f}",
    ];

    /// Every character below 0x80, alone and at every offset of a word.
    fn every_ascii() -> Vec<String> {
        let mut out = Vec::new();
        for b in 0u8..0x80 {
            let c = char::from(b);
            for pad in 0..9 {
                out.push(format!("{}{c}{}", "x".repeat(pad), "ệ".repeat(pad % 3)));
            }
        }
        out.push((0u8..0x80).map(char::from).collect());
        out
    }

    fn hostile_page() -> Vec<Listed> {
        let statuses = [
            Status::Published,
            Status::Pending,
            Status::Rejected,
            Status::Deleted,
            Status::Withdrawn,
        ];
        let mut out = Vec::new();
        for (i, text) in HOSTILE.iter().enumerate() {
            for (j, status) in statuses.iter().enumerate() {
                let n = (i * statuses.len() + j) as i64;
                out.push(Listed {
                    comment: StoredComment {
                        id: format!("id-{n}-{text}"),
                        thread: format!("thread {text}"),
                        parent_id: (n % 2 == 1).then(|| format!("parent {text}")),
                        root_id: "root".into(),
                        author: HOSTILE[(i + j) % HOSTILE.len()].to_owned(),
                        body: (*text).to_owned(),
                        created_at: 1_705_307_400_123 + n * 86_399_999,
                        status: *status,
                        pending_token: Some("tok".into()),
                        ip_hint: None,
                        held_reason: None,
                        open_reports: 0,
                        report_count: 0,
                        moderated_at: None,
                        prev_status: None,
                        likes: n - 10,
                        edited_at: (n % 3 == 0).then_some(-n * 1_000_003),
                        edit_token_hash: None,
                    },
                    reply_count: n * 7,
                });
            }
        }
        out
    }

    #[test]
    fn json_str_escapes_as_serde_json() {
        let mut cases: Vec<String> = HOSTILE.iter().map(|s| (*s).to_owned()).collect();
        cases.extend(every_ascii());
        for s in cases {
            let mut out = Vec::new();
            json_str(&mut out, &s);
            assert_eq!(out, serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn list_json_is_the_owned_views_serialised() {
        let page = hostile_page();
        for (next, total) in [
            (None, 0),
            (Some("b2xkOjE3MDU6aWQ".to_owned()), 42),
            (Some("\"</script>\\".to_owned()), -1),
        ] {
            let new = list_json(&page, next.clone(), total).unwrap();
            let old = serde_json::to_vec(&ListResponse {
                comments: page.iter().cloned().map(CommentView::from).collect(),
                next_cursor: next,
                total,
            })
            .unwrap();
            assert_eq!(String::from_utf8_lossy(&new), String::from_utf8_lossy(&old));
            assert_eq!(&new[..], &old[..]);
        }
        let empty = list_json(&[], None, 0).unwrap();
        assert_eq!(
            &empty[..],
            br#"{"comments":[],"next_cursor":null,"total":0}"#
        );
    }
}
