//! Router assembly and the cross-cutting HTTP layers.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::admin::DeskConfig;
use crate::alerts::{AlertConfig, Alerts};
use crate::cache::PageCache;
use crate::config::ServeArgs;
use crate::db::Store;
use crate::error::{json_error_responses, panic_response, ApiError};
use crate::iphint::Hasher;
use crate::owner::EditKeys;
use crate::ratelimit::RateLimiter;
use crate::spam::SpamConfig;

/// Settings the handlers need, taken from [`ServeArgs`].
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub body_limit: usize,
    pub name_limit: usize,
    pub max_request_bytes: usize,
    pub trust_forwarded_for: bool,
    /// Open reports that hide a published comment; 0 never.
    pub report_hide_threshold: i64,
    /// How long after posting its author may edit or delete a comment.
    pub edit_window_secs: u64,
}

/// What the handlers share, behind one `Arc`: axum clones the state for
/// every request, and a dozen reference counts touched from both cores cost
/// more than the rest of a cache hit's bookkeeping (`perf`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub store: Store,
    pub cfg: Arc<AppConfig>,
    /// Per process; see `ratelimit`.
    pub limiter: Arc<RateLimiter>,
    /// Per process; see `cache`.
    pub pages: Arc<PageCache>,
    /// Reports per client IP (per process, like `limiter`).
    pub report_limiter: Arc<RateLimiter>,
    /// Likes and unlikes per client IP (per process, like `limiter`).
    pub like_limiter: Arc<RateLimiter>,
    /// Edit tokens (see `owner`).
    pub edit_keys: Arc<EditKeys>,
    /// Moderation mode, blocklist (see `spam`).
    pub spam: Arc<SpamConfig>,
    /// Network hints and other keyed hashes (see `iphint`).
    pub hasher: Arc<Hasher>,
    pub desk: Arc<DeskConfig>,
    pub alerts: Alerts,
}

impl AppState {
    /// `blocklist`: the rules of `--blocklist-file`, already read. Starts the
    /// alert delivery task, so it must run inside the tokio runtime.
    pub fn new(
        store: Store,
        args: &ServeArgs,
        hasher: Hasher,
        edit_keys: EditKeys,
        blocklist: Vec<crate::db::BanRule>,
    ) -> Self {
        let watch = store
            .sqlite_path()
            .and_then(|p| crate::cache::WalWatch::open(&p));
        Self(Arc::new(Shared {
            store,
            cfg: Arc::new(AppConfig {
                body_limit: args.body_limit,
                name_limit: args.name_limit,
                max_request_bytes: args.max_request_bytes,
                trust_forwarded_for: args.trust_forwarded_for,
                report_hide_threshold: args.report_hide_threshold.max(0),
                edit_window_secs: args.edit_window_secs,
            }),
            limiter: Arc::new(RateLimiter::new(args.rate_limit_per_minute)),
            pages: Arc::new(PageCache::new(args.page_cache_entries, watch)),
            report_limiter: Arc::new(RateLimiter::new(args.report_rate_limit_per_minute)),
            like_limiter: Arc::new(RateLimiter::new(args.like_rate_limit_per_minute)),
            edit_keys: Arc::new(edit_keys),
            spam: Arc::new(SpamConfig {
                mode: args.moderation_mode(),
                max_links: args.moderation_max_links,
                blocklist,
            }),
            hasher: Arc::new(hasher),
            desk: Arc::new(DeskConfig::from_args(args)),
            alerts: Alerts::start(AlertConfig::from_args(args)),
        }))
    }
}

/// Startup configuration errors (bad origin, bad CSP).
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn cors_layer(origins: &[String]) -> Result<Option<CorsLayer>, ConfigError> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .map(|o| HeaderValue::from_str(o).map_err(|_| ConfigError(format!("invalid origin {o:?}"))))
        .collect::<Result<_, _>>()?;
    if origins.is_empty() {
        // No CORS headers at all: browsers then allow same-origin calls only.
        return Ok(None);
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([
                header::CONTENT_TYPE,
                header::ACCEPT_LANGUAGE,
                header::AUTHORIZATION,
                HeaderName::from_static("idempotency-key"),
            ])
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    ))
}

/// Builds the whole application: API, optional static files, and layers.
pub fn build_router(state: AppState, args: &ServeArgs) -> Result<Router, ConfigError> {
    let desk = crate::admin::router().with_state(state.clone());
    let mut api = crate::api::router().with_state(state);
    if let Some(cors) = cors_layer(&args.allowed_origins)? {
        api = api.layer(cors);
    }
    // The desk gets no CORS headers: it is same-origin only.
    let mut app = Router::new().nest("/api/v1", api).merge(desk);
    app = match &args.public_dir {
        Some(dir) => {
            let csp = HeaderValue::from_str(&args.csp)
                .map_err(|_| ConfigError("--csp is not a valid header value".into()))?;
            app.fallback_service(crate::static_files::router(dir.clone(), csp))
        }
        None => app.fallback(|| async { ApiError::not_found() }),
    };

    Ok(with_layers(
        app,
        Duration::from_secs(args.request_timeout_secs.max(1)),
    ))
}

/// The cross-cutting layers, innermost first: panics become JSON 500s,
/// slow requests 408, every error response JSON, then compression, nosniff
/// and request tracing.
pub fn with_layers(app: Router, timeout: Duration) -> Router {
    // Router::layer wraps inside-out: the first call is innermost. Each call
    // converts responses back to axum's body type, which lets the
    // JSON-error rewrite see the timeout's and panic handler's responses.
    app.layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(axum::middleware::map_response(json_error_responses))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Spans carry method and path only: query strings hold pending tokens.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
            }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;

    async fn call(app: Router, path: &str) -> (StatusCode, String, serde_json::Value) {
        let res = app
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let ctype = res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, ctype, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn panics_and_timeouts_are_json() {
        async fn boom() -> &'static str {
            panic!("handler bug")
        }
        async fn slow() -> &'static str {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }
        let app = with_layers(
            Router::new()
                .route("/boom", get(boom))
                .route("/slow", get(slow)),
            Duration::from_millis(100),
        );
        let (status, ctype, v) = call(app.clone(), "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(ctype, "application/json");
        assert_eq!(v["error"]["code"], "internal");
        assert!(!v.to_string().contains("handler bug"), "no details leaked");
        let (status, _, v) = call(app.clone(), "/slow").await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(v["error"]["code"], "request_timeout");
        let (status, _, v) = call(app, "/nope").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(v["error"]["code"], "not_found");
    }
}
