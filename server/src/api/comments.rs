//! `GET` and `POST /api/v1/threads/{thread}/comments`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::{check_thread, now_ms, rfc3339_ms, ApiJson};
use crate::app::AppState;
use crate::cache::PageKey;
use crate::db::{Cursor, InsertOutcome, NewComment, Status, StoredComment};
use crate::error::ApiError;
use crate::validate;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 100;
/// Pending tokens honoured per request (a reader rarely has more than a few).
const MAX_PENDING_TOKENS: usize = 50;
const MAX_IDEMPOTENCY_KEY: usize = 128;

#[derive(Debug, Serialize)]
pub struct CommentView {
    pub id: String,
    pub thread: String,
    pub parent_id: Option<String>,
    pub author: String,
    pub body: String,
    pub created_at: String,
    pub status: &'static str,
}

impl From<StoredComment> for CommentView {
    fn from(c: StoredComment) -> Self {
        Self {
            id: c.id,
            thread: c.thread,
            parent_id: c.parent_id,
            // Rows written before guest names were stored as "no name" may
            // still hold "Khách" or "Guest"; answer as for newer ones.
            author: if validate::is_guest_name(&c.author) {
                String::new()
            } else {
                c.author
            },
            body: c.body,
            created_at: rfc3339_ms(c.created_at),
            // Only the author (by pending token or idempotent replay) ever
            // gets a comment that is not published: a deleted one is told to
            // them as rejected, like one the desk rejected.
            status: match c.status {
                Status::Published => "published",
                Status::Pending => "pending",
                Status::Rejected | Status::Deleted => "rejected",
            },
        }
    }
}

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

pub async fn list(
    State(st): State<AppState>,
    Path(thread): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    check_thread(&thread)?;
    let limit = match q.limit.as_deref().filter(|s| !s.is_empty()) {
        None => DEFAULT_LIMIT,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_limit", "limit must be an integer from 1 to 100")
            })?,
    };
    let cursor = match q.cursor.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            decode_cursor(s)
                .ok_or_else(|| ApiError::bad_request("invalid_cursor", "Malformed cursor"))?,
        ),
    };
    let tokens: Vec<String> = q
        .pending
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 64)
        .take(MAX_PENDING_TOKENS)
        .map(str::to_owned)
        .collect();

    // Pending tokens make a response personal: never cache those.
    let cache_key = (tokens.is_empty() && st.pages.enabled()).then(|| PageKey {
        thread: thread.clone(),
        limit,
        cursor: q.cursor.clone().filter(|c| !c.is_empty()),
    });
    // Read the version before the page: a page rendered afterwards is at
    // least as new as the version it is stored under.
    let version = match &cache_key {
        Some(key) => {
            let v = st.store.thread_version(&thread).await?;
            if let Some(body) = st.pages.get(key, v) {
                return Ok(json_bytes(body));
            }
            Some(v)
        }
        None => None,
    };

    let page = st
        .store
        .list_page(&thread, limit, cursor.as_ref(), &tokens)
        .await?;
    let out = ListResponse {
        comments: page.comments.into_iter().map(CommentView::from).collect(),
        next_cursor: page.next_cursor.as_ref().map(encode_cursor),
        total: page.total,
    };
    let body = Bytes::from(serde_json::to_vec(&out).map_err(|e| {
        tracing::error!(error = %e, "serialising a page failed");
        ApiError::internal()
    })?);
    if let (Some(key), Some(v)) = (cache_key, version) {
        st.pages.put(key, v, body.clone());
    }
    Ok(json_bytes(body))
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
                .filter(|p| p.status != Status::Rejected)
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
    };
    let stored = match st.store.insert_comment_with(&new, meta).await? {
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
            c
        }
        InsertOutcome::Existing(c) => {
            tracing::info!(comment_id = %c.id, thread = %c.thread, "idempotent replay");
            c
        }
    };

    let (code, token) = match stored.status {
        Status::Published => (StatusCode::CREATED, None),
        Status::Pending | Status::Rejected | Status::Deleted => {
            (StatusCode::ACCEPTED, stored.pending_token.clone())
        }
    };
    let body = CreateResponse {
        comment: stored.into(),
        pending_token: token,
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
}
