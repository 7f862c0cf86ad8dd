//! The `/api/v1` HTTP API (the widget's default adapter).

pub mod articles;
pub mod comments;
pub mod counts;
pub mod own;
pub mod reports;

use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::error::ApiError;

/// Every API route as (method, OpenAPI path). Used to build nothing but
/// checked by the test suite against `server/openapi.json` and against the
/// live router, so the document cannot silently drift from the code.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/threads/{thread}/comments"),
    ("post", "/api/v1/threads/{thread}/comments"),
    ("get", "/api/v1/counts"),
    ("post", "/api/v1/counts"),
    ("get", "/api/v1/articles/{id}"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/threads/{thread}/comments/{id}/reports"),
    ("get", "/api/v1/report-reasons"),
    ("get", "/api/v1/threads/{thread}/comments/{id}/replies"),
    ("post", "/api/v1/threads/{thread}/comments/{id}/likes"),
    ("delete", "/api/v1/threads/{thread}/comments/{id}/likes"),
    ("patch", "/api/v1/threads/{thread}/comments/{id}"),
    // Last: it deletes the comment the route test uses.
    ("delete", "/api/v1/threads/{thread}/comments/{id}"),
];

/// The OpenAPI 3.0 description served at `/api/v1/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// Routes relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/threads/{thread}/comments",
            get(comments::list).post(comments::create),
        )
        .route(
            "/threads/{thread}/comments/{id}/reports",
            axum::routing::post(reports::create),
        )
        .route(
            "/threads/{thread}/comments/{id}",
            axum::routing::patch(own::edit).delete(own::withdraw),
        )
        .route(
            "/threads/{thread}/comments/{id}/likes",
            axum::routing::post(own::like).delete(own::unlike),
        )
        .route(
            "/threads/{thread}/comments/{id}/replies",
            get(comments::replies),
        )
        .route("/report-reasons", get(reports::reasons))
        .route("/counts", get(counts::get_counts).post(counts::post_counts))
        .route("/articles/{id}", get(articles::get_article))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError::not_found() })
}

async fn openapi() -> Response {
    let mut res = OPENAPI_JSON.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// JSON body extractor with our error shape: 415 unless the content type is
/// `application/json`, 413 above `--max-request-bytes`, 400 for bad JSON.
/// (axum's `Json` would answer those with plain-text bodies.)
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Content-Type must be application/json",
            ));
        }
        let limit = state.cfg.max_request_bytes;
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("Request body exceeds {limit} bytes"),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let bytes = match axum::body::to_bytes(req.into_body(), limit).await {
            Ok(b) => b,
            Err(e) => {
                let inner = e.into_inner();
                if inner
                    .downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
                {
                    return Err(too_large());
                }
                return Err(ApiError::bad_request(
                    "bad_request",
                    "Could not read request body",
                ));
            }
        };
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| ApiError::bad_request("invalid_json", format!("Invalid JSON: {e}")))
    }
}

/// An optional JSON body (e.g. on DELETE): none when the request has no
/// body, otherwise as [`ApiJson`].
pub struct MaybeJson<T>(pub Option<T>);

impl<T: DeserializeOwned> FromRequest<AppState> for MaybeJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
        if declared.unwrap_or(0) == 0 && !chunked {
            return Ok(MaybeJson(None));
        }
        ApiJson::<T>::from_request(req, state)
            .await
            .map(|ApiJson(v)| MaybeJson(Some(v)))
    }
}

/// Thread and article ids: 1..=200 bytes, no control characters or commas
/// (commas separate ids in query strings).
pub fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 200 && !s.chars().any(|c| c.is_control() || c == ',')
}

pub fn check_thread(thread: &str) -> Result<(), ApiError> {
    if valid_id(thread) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_thread",
            "Thread id must be 1-200 bytes without control characters or commas",
        ))
    }
}

/// RFC 3339 UTC with milliseconds, e.g. `2024-01-15T08:30:00.123Z`.
pub fn rfc3339_ms(ms: i64) -> String {
    Rfc3339Ms::new(ms).as_str().to_owned()
}

/// [`rfc3339_ms`] on the stack: a page formats two hundred of these, and
/// through `format!` they were a tenth of its serialisation.
#[derive(Debug, Clone, Copy)]
pub struct Rfc3339Ms {
    buf: [u8; 32],
    len: usize,
}

impl Rfc3339Ms {
    const EPOCH: &'static [u8; 24] = b"1970-01-01T00:00:00.000Z";

    pub fn new(ms: i64) -> Self {
        let mut out = Self {
            buf: [0; 32],
            len: 24,
        };
        out.buf[..24].copy_from_slice(Self::EPOCH);
        let secs = ms.div_euclid(1000);
        let millis = ms.rem_euclid(1000) as u32;
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp(secs) else {
            return out;
        };
        match u32::try_from(t.year()) {
            Ok(year) if year <= 9999 => {
                let buf = &mut out.buf;
                put(&mut buf[0..4], year);
                put(&mut buf[5..7], u32::from(u8::from(t.month())));
                put(&mut buf[8..10], u32::from(t.day()));
                put(&mut buf[11..13], u32::from(t.hour()));
                put(&mut buf[14..16], u32::from(t.minute()));
                put(&mut buf[17..19], u32::from(t.second()));
                put(&mut buf[20..23], millis);
            }
            // Years before 0 (a sign, maybe five characters): never a
            // comment's, but written as they always were.
            _ => {
                use std::io::Write as _;
                let mut w = std::io::Cursor::new(&mut out.buf[..]);
                let ok = write!(
                    w,
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                    t.year(),
                    u8::from(t.month()),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second(),
                    millis
                )
                .is_ok();
                let len = w.position() as usize;
                if ok {
                    out.len = len;
                } else {
                    out.buf[..24].copy_from_slice(Self::EPOCH);
                }
            }
        }
        out
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("1970-01-01T00:00:00.000Z")
    }
}

/// Writes `n` as zero-padded decimal filling `out`.
fn put(out: &mut [u8], mut n: u32) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Current time in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_timestamps() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_705_307_400_123), "2024-01-15T08:30:00.123Z");
    }

    /// The formatting before [`Rfc3339Ms`], which it must reproduce.
    fn rfc3339_ms_by_format(ms: i64) -> String {
        let secs = ms.div_euclid(1000);
        let millis = ms.rem_euclid(1000);
        match time::OffsetDateTime::from_unix_timestamp(secs) {
            Ok(t) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                millis
            ),
            Err(_) => "1970-01-01T00:00:00.000Z".to_owned(),
        }
    }

    #[test]
    fn timestamps_as_formatted_before() {
        let mut cases = vec![
            0,
            -1,
            999,
            1000,
            -1000,
            1_705_307_400_123,
            951_782_400_000,      // 2000-02-29
            253_402_300_799_999,  // 9999-12-31T23:59:59.999
            -62_167_219_200_000,  // 0000-01-01
            -62_167_219_200_001,  // -0001-12-31T23:59:59.999
            -377_705_116_800_000, // -9999-01-01
            i64::MIN,
            i64::MAX,
        ];
        // Every day of some years (leap and not), at varied times.
        let mut ms = 946_684_800_000i64; // 2000-01-01
        while ms < 1_100_000_000_000 {
            cases.push(ms);
            ms += 86_400_000 + 3_723_456;
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push((x % 800_000_000_000_000) as i64 - 400_000_000_000_000);
        }
        for ms in cases {
            let by_format = rfc3339_ms_by_format(ms);
            assert_eq!(rfc3339_ms(ms), by_format, "{ms}");
        }
    }

    #[test]
    fn ids() {
        assert!(valid_id("demo"));
        assert!(valid_id("bai-viet/2024/01"));
        assert!(!valid_id(""));
        assert!(!valid_id("a,b"));
        assert!(!valid_id("a\nb"));
        assert!(!valid_id(&"x".repeat(201)));
    }
}
