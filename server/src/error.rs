//! The one error shape of the API: `{"error":{"code":"...","message":"..."}}`.
//!
//! Handlers return [`ApiError`]; [`json_error_responses`] rewrites every other
//! error response (axum's method-not-allowed, tower-http's timeout, static-file
//! 404s, ...) into the same shape, so a client never sees an HTML error page.

use std::borrow::Cow;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::i18n::Lang;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Cow<'static, str>,
    /// Seconds for a `Retry-After` header (429).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found")
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error",
        )
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many comments from this address; try again later",
        );
        e.retry_after = Some(retry_after.max(1));
        e
    }

    /// [`ApiError::rate_limited`] with the message in the reader's language.
    pub fn rate_limited_in(lang: Lang, retry_after: u64) -> Self {
        let secs = retry_after.max(1);
        let mut e = Self::rate_limited(secs);
        e.message = match lang {
            Lang::Vi => format!("Bạn gửi quá nhanh; vui lòng thử lại sau {secs} giây."),
            Lang::En => format!("Too many requests from this address; try again in {secs} s."),
        }
        .into();
        e
    }

    /// The honeypot was filled in.
    pub fn spam_detected(lang: Lang) -> Self {
        Self::bad_request(
            "spam_detected",
            lang.t(
                "Bình luận có dấu hiệu được gửi tự động nên không được lưu.",
                "Comment looks automated and was not stored",
            )
            .to_owned(),
        )
    }

    /// A word or phrase rule with action `refuse` matched.
    pub fn blocked_content(lang: Lang) -> Self {
        Self::unprocessable(
            "blocked_content",
            lang.t(
                "Bình luận có từ ngữ không được phép đăng. Vui lòng sửa lại rồi gửi.",
                "The comment contains words that are not allowed here. Please edit it and send again.",
            )
            .to_owned(),
        )
    }

    /// A network or name ban with action `refuse` matched.
    pub fn banned(lang: Lang) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "banned",
            lang.t(
                "Bạn không thể bình luận trên trang này.",
                "You cannot comment on this site.",
            )
            .to_owned(),
        )
    }

    /// No comment with this id that the request may act on in this thread.
    pub fn comment_not_found(lang: Lang) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "comment_not_found",
            lang.t(
                "Không tìm thấy bình luận này.",
                "No such comment in this thread.",
            )
            .to_owned(),
        )
    }

    /// A missing or wrong edit token.
    pub fn not_your_comment(lang: Lang) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "not_your_comment",
            lang.t(
                "Bạn chỉ có thể sửa hoặc xoá bình luận của mình, trên thiết bị đã gửi nó.",
                "You can only edit or delete your own comment, from the device that posted it.",
            )
            .to_owned(),
        )
    }

    /// The edit window (`--edit-window-secs`) has passed.
    pub fn edit_window_closed(lang: Lang, window_secs: u64) -> Self {
        let minutes = window_secs.div_ceil(60);
        Self::new(
            StatusCode::FORBIDDEN,
            "edit_window_closed",
            match lang {
                Lang::Vi => {
                    format!("Chỉ có thể sửa hoặc xoá bình luận trong {minutes} phút sau khi gửi.")
                }
                Lang::En => format!(
                    "A comment can only be edited or deleted within {minutes} minutes of posting."
                ),
            },
        )
    }

    /// Generic error for a bare status produced outside our handlers.
    pub fn from_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::BAD_REQUEST => ("bad_request", "Bad request"),
            StatusCode::NOT_FOUND => ("not_found", "Not found"),
            StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Method not allowed"),
            StatusCode::REQUEST_TIMEOUT => ("request_timeout", "Request timed out"),
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "Request body too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "Content-Type must be application/json",
            ),
            StatusCode::RANGE_NOT_SATISFIABLE => ("range_not_satisfiable", "Range not satisfiable"),
            StatusCode::TOO_MANY_REQUESTS => ("rate_limited", "Too many requests"),
            s if s.is_server_error() => ("internal", "Internal server error"),
            _ => ("error", "Request failed"),
        };
        Self::new(status, code, message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
            },
        };
        // Serialising two strings cannot fail; fall back to a fixed body anyway.
        let json = serde_json::to_vec(&body).unwrap_or_else(|_| {
            br#"{"error":{"code":"internal","message":"Internal server error"}}"#.to_vec()
        });
        let mut res = (self.status, json).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        // Logged here, never sent: database errors may contain SQL or data.
        tracing::error!(error = %e, "database error");
        Self::internal()
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Marks a response whose body is meant for people (the desk's HTML error
/// pages): [`json_error_responses`] leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct KeepBody;

/// Middleware body: turns any non-JSON error response into the API error shape,
/// keeping headers such as `Allow`, `Retry-After` and CORS.
pub async fn json_error_responses(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_json(res.headers())
        || res.extensions().get::<KeepBody>().is_some()
    {
        return res;
    }
    let (parts, _) = res.into_parts();
    let mut out = ApiError::from_status(status).into_response();
    for (name, value) in parts.headers.iter() {
        if name == header::CONTENT_TYPE
            || name == header::CONTENT_LENGTH
            || name == header::CONTENT_ENCODING
        {
            continue;
        }
        out.headers_mut().append(name.clone(), value.clone());
    }
    out
}

/// Response for a panicking handler (tower-http `CatchPanicLayer`).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("request handler panicked");
    ApiError::internal().into_response()
}
