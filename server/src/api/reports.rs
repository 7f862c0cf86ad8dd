//! `POST /api/v1/threads/{thread}/comments/{id}/reports` and
//! `GET /api/v1/report-reasons`: readers flag comments for the desk.
//!
//! One report per comment per reader device: the device is the body's
//! `device` token (the widget keeps a random one), or the reader's network
//! when none is sent; only a keyed hash of it is stored. A repeat answers 200
//! with the same body and counts nothing.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{check_thread, now_ms, ApiJson};
use crate::alerts::{Event, EventKind};
use crate::app::AppState;
use crate::db::{ReportOutcome, Status};
use crate::error::ApiError;
use crate::i18n::Lang;

/// The reasons the server accepts: (code, Vietnamese label, English label,
/// whether `text` is required).
pub const REASONS: &[(&str, &str, &str, bool)] = &[
    ("spam", "Spam, quảng cáo", "Spam or advertising", false),
    (
        "offensive",
        "Xúc phạm, thô tục",
        "Offensive or abusive",
        false,
    ),
    (
        "off_topic",
        "Không liên quan đến bài viết",
        "Off-topic",
        false,
    ),
    (
        "false_information",
        "Thông tin sai sự thật",
        "False information",
        false,
    ),
    ("other", "Lý do khác", "Other", true),
];

pub const MAX_TEXT: usize = 300;
const MAX_DEVICE: usize = 128;

#[derive(Debug, Serialize)]
struct Reason {
    code: &'static str,
    label: Labels,
    text: &'static str,
}

#[derive(Debug, Serialize)]
struct Labels {
    vi: &'static str,
    en: &'static str,
}

/// `GET /api/v1/report-reasons`.
pub async fn reasons() -> Response {
    let list: Vec<Reason> = REASONS
        .iter()
        .map(|(code, vi, en, required)| Reason {
            code,
            label: Labels { vi, en },
            text: if *required { "required" } else { "optional" },
        })
        .collect();
    Json(serde_json::json!({ "reasons": list, "max_text": MAX_TEXT })).into_response()
}

#[derive(Debug, Deserialize)]
pub struct ReportRequest {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    device: Option<String>,
}

#[derive(Debug, Serialize)]
struct ReportResponse {
    report: ReportView,
}

#[derive(Debug, Serialize)]
struct ReportView {
    comment_id: String,
    reason: String,
    /// `true` when this device had reported the comment before.
    repeat: bool,
}

fn unprocessable(lang: Lang, code: &'static str, vi: &str, en: &str) -> ApiError {
    ApiError::unprocessable(code, lang.t(vi, en).to_owned())
}

pub async fn create(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((thread, id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ReportRequest>,
) -> Result<Response, ApiError> {
    let lang = Lang::from_headers(&headers);
    check_thread(&thread)?;
    let ip = super::comments::client_ip(&st, peer, &headers);
    st.report_limiter
        .check(ip)
        .map_err(|secs| ApiError::rate_limited_in(lang, secs))?;

    let comment = st
        .store
        .comment_in_thread(&thread, &id)
        .await?
        .filter(|c| c.status == Status::Published)
        .ok_or_else(|| ApiError::comment_not_found(lang))?;

    let reason = input.reason.as_deref().unwrap_or("");
    let Some((code, _, _, text_required)) = REASONS.iter().find(|r| r.0 == reason) else {
        return Err(unprocessable(
            lang,
            "invalid_reason",
            "Lý do báo cáo không hợp lệ.",
            "Unknown report reason.",
        ));
    };
    let text = input
        .text
        .as_deref()
        .map(|t| ykien_text::nfc(&ykien_text::clean(t)))
        .filter(|t| !t.is_empty());
    if *text_required && text.is_none() {
        return Err(unprocessable(
            lang,
            "text_required",
            "Vui lòng ghi rõ lý do.",
            "Please describe the reason.",
        ));
    }
    if text
        .as_deref()
        .is_some_and(|t| ykien_text::count_chars_nfc(t) > MAX_TEXT)
    {
        return Err(unprocessable(
            lang,
            "text_too_long",
            "Lý do dài quá 300 ký tự.",
            "The reason is longer than 300 characters.",
        ));
    }
    let device = input.device.as_deref().map(str::trim).unwrap_or("");
    if device.len() > MAX_DEVICE || device.chars().any(|c| c.is_control()) {
        return Err(ApiError::bad_request(
            "invalid_device",
            "device must be at most 128 characters without control characters",
        ));
    }
    let hint = st.hasher.network(ip);
    let reporter = if device.is_empty() {
        format!("net:{hint}")
    } else {
        format!("dev:{}", st.hasher.device(device))
    };
    let outcome = st
        .store
        .add_report(
            &comment,
            &reporter,
            code,
            text.as_deref(),
            &hint,
            st.cfg.report_hide_threshold,
            now_ms(),
        )
        .await?;
    let (status, repeat) = match outcome {
        ReportOutcome::Created {
            open_reports,
            hidden,
        } => {
            tracing::info!(comment_id = %comment.id, reason = code, open_reports, hidden, "reported");
            if open_reports == 1 || hidden {
                let mut c = comment.clone();
                c.open_reports = open_reports;
                if hidden {
                    c.status = Status::Pending;
                }
                st.alerts.notify(Event {
                    kind: EventKind::Reported,
                    comment: c,
                    reason: Some(code.to_string()),
                });
            }
            (StatusCode::CREATED, false)
        }
        ReportOutcome::Repeat => (StatusCode::OK, true),
    };
    Ok((
        status,
        Json(ReportResponse {
            report: ReportView {
                comment_id: comment.id,
                reason: code.to_string(),
                repeat,
            },
        }),
    )
        .into_response())
}
