//! What a reader does to comments besides posting and reporting:
//!
//! - `POST`/`DELETE /api/v1/threads/{thread}/comments/{id}/likes`: one like
//!   per comment per device token (only a keyed hash of it is stored),
//!   idempotent both ways;
//! - `PATCH`/`DELETE /api/v1/threads/{thread}/comments/{id}` with
//!   `Authorization: Bearer <edit_token>`: the author edits (through the same
//!   text rules and moderation layers as a new comment) or deletes their
//!   comment within `--edit-window-secs`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::comments::{client_ip, CommentView};
use super::{check_thread, now_ms, ApiJson, MaybeJson};
use crate::app::AppState;
use crate::db::{Edit, Status, StoredComment};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::validate;

#[derive(Debug, Deserialize)]
pub struct DeviceBody {
    #[serde(default)]
    device: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DeviceQuery {
    device: Option<String>,
}

#[derive(Debug, Serialize)]
struct LikeResponse {
    likes: i64,
    liked: bool,
}

/// Device tokens: 16-64 of `A-Z a-z 0-9 _ -` (the widget makes a random one).
pub fn valid_device(d: &str) -> bool {
    (16..=64).contains(&d.len())
        && d.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn invalid_device(lang: Lang) -> ApiError {
    ApiError::unprocessable(
        "invalid_device",
        lang.t(
            "Mã thiết bị không hợp lệ (16–64 ký tự: chữ, số, _ và -).",
            "Invalid device token (16-64 characters: letters, digits, _ and -).",
        )
        .to_owned(),
    )
}

async fn set_like(
    st: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    thread: &str,
    id: &str,
    device: Option<&str>,
    like: bool,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(headers);
    check_thread(thread)?;
    let ip = client_ip(st, peer, headers);
    st.like_limiter
        .check(ip)
        .map_err(|secs| ApiError::rate_limited_in(lang, secs))?;
    let device = device.unwrap_or("");
    if !valid_device(device) {
        return Err(invalid_device(lang));
    }
    let comment = st
        .store
        .comment_in_thread(thread, id)
        .await?
        .filter(|c| c.status == Status::Published)
        .ok_or_else(|| ApiError::comment_not_found(lang))?;
    let likes = st
        .store
        .set_like(&comment, &st.hasher.device(device), like, now_ms())
        .await?;
    Ok(Json(LikeResponse {
        likes: likes.max(0),
        liked: like,
    })
    .into_response())
}

/// `POST .../likes` `{"device": "..."}`.
pub async fn like(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((thread, id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DeviceBody>,
) -> Result<Response, ApiError> {
    set_like(
        &st,
        peer,
        &headers,
        &thread,
        &id,
        body.device.as_deref(),
        true,
    )
    .await
}

/// `DELETE .../likes` with `{"device": "..."}` or `?device=`.
pub async fn unlike(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((thread, id)): Path<(String, String)>,
    Query(q): Query<DeviceQuery>,
    headers: HeaderMap,
    MaybeJson(body): MaybeJson<DeviceBody>,
) -> Result<Response, ApiError> {
    let device = body.and_then(|b| b.device).or(q.device);
    set_like(&st, peer, &headers, &thread, &id, device.as_deref(), false).await
}

#[derive(Debug, Deserialize)]
pub struct EditRequest {
    #[serde(default)]
    body: Option<String>,
}

#[derive(Debug, Serialize)]
struct CommentResponse {
    comment: CommentView,
}

fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token.trim())
}

/// The comment, if the request holds its edit token. Comments an editor
/// rejected or deleted are not the author's to change any more.
async fn own_comment(
    st: &AppState,
    headers: &HeaderMap,
    thread: &str,
    id: &str,
    lang: Lang,
) -> Result<StoredComment, ApiError> {
    check_thread(thread)?;
    let c = st
        .store
        .comment_in_thread(thread, id)
        .await?
        .filter(|c| !matches!(c.status, Status::Rejected | Status::Deleted))
        .ok_or_else(|| ApiError::comment_not_found(lang))?;
    if !crate::owner::token_matches(c.edit_token_hash.as_deref(), bearer(headers)) {
        return Err(ApiError::not_your_comment(lang));
    }
    Ok(c)
}

fn check_window(st: &AppState, c: &StoredComment, now: i64, lang: Lang) -> Result<(), ApiError> {
    let window_ms = (st.cfg.edit_window_secs.min(1 << 40) as i64) * 1000;
    if now > c.created_at.saturating_add(window_ms) {
        return Err(ApiError::edit_window_closed(lang, st.cfg.edit_window_secs));
    }
    Ok(())
}

async fn answer(st: &AppState, c: StoredComment) -> Result<Response, ApiError> {
    let listed = st.store.listed(c).await?;
    Ok(Json(CommentResponse {
        comment: listed.into(),
    })
    .into_response())
}

/// `PATCH /api/v1/threads/{thread}/comments/{id}` `{"body": "..."}`.
pub async fn edit(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((thread, id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<EditRequest>,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    let ip = client_ip(&st, peer, &headers);
    // Edits are writes of text, limited with the comment POSTs.
    st.limiter
        .check(ip)
        .map_err(|secs| ApiError::rate_limited_in(lang, secs))?;
    let c = own_comment(&st, &headers, &thread, &id, lang).await?;
    if c.status == Status::Withdrawn {
        return Err(ApiError::comment_not_found(lang));
    }
    let now = now_ms();
    check_window(&st, &c, now, lang)?;
    let body = validate::body(input.body.as_deref().unwrap_or(""), st.cfg.body_limit)?;
    if body == c.body {
        // The same text again: nothing to change (a retried PATCH).
        return answer(&st, c).await;
    }
    let ip_hint = st.hasher.network(ip);
    let verdict = crate::spam::judge(
        &st.store,
        &st.spam,
        &crate::spam::Incoming {
            author: &c.author,
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
    let edited = st
        .store
        .edit_comment(
            &c,
            &Edit {
                body: &body,
                held_reason: held_reason.as_deref(),
                now,
            },
        )
        .await?
        .ok_or_else(|| ApiError::comment_not_found(lang))?;
    tracing::info!(
        comment_id = %edited.id,
        thread = %edited.thread,
        status = edited.status.as_str(),
        chars = ykien_text::count_chars_nfc(&edited.body),
        "comment edited"
    );
    if edited.status == Status::Pending && c.status == Status::Published {
        st.alerts.notify(crate::alerts::Event {
            kind: crate::alerts::EventKind::Pending,
            comment: edited.clone(),
            reason: None,
        });
    }
    answer(&st, edited).await
}

/// `DELETE /api/v1/threads/{thread}/comments/{id}`: the author deletes their
/// comment; a repeat answers the same.
pub async fn withdraw(
    State(st): State<AppState>,
    Path((thread, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    let c = own_comment(&st, &headers, &thread, &id, lang).await?;
    if c.status == Status::Withdrawn {
        return answer(&st, c).await;
    }
    let now = now_ms();
    check_window(&st, &c, now, lang)?;
    let gone = st
        .store
        .withdraw_comment(&c, now)
        .await?
        .ok_or_else(|| ApiError::comment_not_found(lang))?;
    tracing::info!(comment_id = %gone.id, thread = %gone.thread, "comment deleted by its author");
    answer(&st, gone).await
}
