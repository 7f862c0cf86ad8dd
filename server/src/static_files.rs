//! Static files for `--public-dir` (the widget build): content types, cache
//! headers, precompressed variants, CORS for the widget's files and the HTML
//! Content-Security-Policy.
//!
//! The widget's files are meant to be loaded from another origin (a CDN, or
//! this server on a different host than the news site), with
//! `<script crossorigin integrity=…>` and a CORS `fetch` of the `.wasm`. They
//! are public and never depend on credentials, so every non-HTML file gets
//! `Access-Control-Allow-Origin: *` (and `Timing-Allow-Origin: *`, so pages can
//! see transfer sizes in Resource Timing). HTML pages get neither: a page is not
//! something another origin needs to read.
//!
//! `cargo xtask dist` writes `NAME.br` and `NAME.gz` next to each file;
//! `ServeDir` picks the best one the client accepts. Such a response already
//! carries `Content-Encoding`, which the global `CompressionLayer` never touches,
//! so only files without a matching variant are compressed on the fly.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::services::ServeDir;

/// Hashed file names never change content: cache for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed assets may change on deploy: five minutes.
const SHORT: &str = "public, max-age=300";
/// HTML references the hashed assets, so it must always be revalidated.
const HTML: &str = "no-cache";
/// Browsers cap this (Chromium at 2 hours); the answer never changes anyway.
const PREFLIGHT_MAX_AGE: &str = "86400";

struct StaticConfig {
    csp: HeaderValue,
}

/// A router serving `dir` (`/` → `index.html`); other paths 404.
pub fn router(dir: PathBuf, csp: HeaderValue) -> Router {
    let cfg = Arc::new(StaticConfig { csp });
    Router::new()
        .fallback_service(
            ServeDir::new(dir)
                .append_index_html_on_directories(true)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(middleware::from_fn_with_state(cfg, static_headers))
}

/// Content type by extension. mime_guess (used by ServeDir) differs between
/// versions for some of these (e.g. `.js`), so the important ones are pinned.
pub fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

/// True if the file name carries a content hash: a run of 8+ hex digits
/// (with at least one decimal digit, so words like "deadbeef"-ish English
/// don't count) as a `-`, `.` or `_` separated part of the name before the
/// extension, e.g. `ykien-1a2b3c4d.wasm`, `app.0f3e9a7b21.js`,
/// `ykien-1a2b3c4d_bg.wasm`.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    stem.split(['-', '.', '_']).any(|part| {
        part.len() >= 8
            && part.chars().all(|c| c.is_ascii_hexdigit())
            && part.chars().any(|c| c.is_ascii_digit())
    })
}

fn is_html_path(path: &str) -> bool {
    content_type(path).is_some_and(|ct| ct.starts_with("text/html"))
}

/// The answer to a CORS preflight for a (non-HTML) static file. Only GET and
/// HEAD are served; whatever request headers the page wants to send are fine,
/// since the response never depends on them beyond normal HTTP semantics.
fn preflight(req: &Request) -> Response {
    let mut res = StatusCode::NO_CONTENT.into_response();
    let h = res.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD"),
    );
    if let Some(asked) = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        h.insert(
            header::VARY,
            HeaderValue::from_static("Access-Control-Request-Headers"),
        );
    }
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    );
    res
}

async fn static_headers(
    State(cfg): State<Arc<StaticConfig>>,
    req: Request,
    next: Next,
) -> Response {
    let mut path = req.uri().path().to_owned();
    if path.ends_with('/') {
        path.push_str("index.html");
    }
    if req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        && !is_html_path(&path)
    {
        return preflight(&req);
    }
    let mut res = next.run(req).await;
    let ok = res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED;
    if !ok {
        return res;
    }
    let ctype = content_type(&path);
    let headers = res.headers_mut();
    if let Some(ct) = ctype {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let cache = if is_html {
        HTML
    } else if is_hashed(&path) {
        IMMUTABLE
    } else {
        SHORT
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // Every static response may come in another encoding (a precompressed
    // variant or on-the-fly compression), also when this one is identity.
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if is_html {
        headers.insert(header::CONTENT_SECURITY_POLICY, cfg.csp.clone());
    } else {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(
            HeaderName::from_static("timing-allow-origin"),
            HeaderValue::from_static("*"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(is_hashed("/ykien-1a2b3c4d.wasm"));
        assert!(is_hashed("/assets/app.0f3e9a7b21.js"));
        assert!(is_hashed("/ykien-1a2b3c4d_bg.wasm"));
        assert!(!is_hashed("/ykien.wasm"));
        assert!(
            !is_hashed("/ykien-1a2b3c4.wasm"),
            "7 hex digits is not a hash"
        );
        assert!(!is_hashed("/style-deadbeef.css"), "needs a digit");
        assert!(!is_hashed("/12345678"), "no extension");
    }

    #[test]
    fn types() {
        assert_eq!(content_type("/a.wasm"), Some("application/wasm"));
        assert_eq!(
            content_type("/a.JS"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(
            content_type("/index.html"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(content_type("/x"), None);
    }
}
