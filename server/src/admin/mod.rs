//! The moderation desk at `/admin`: server-rendered HTML with one external
//! stylesheet and one external script (progressive enhancement only: every
//! action is a plain form), under its own strict CSP.
//!
//! - `auth`: sign-in, sessions (server-side, cookie `ykien_desk`), CSRF, the
//!   failed sign-in limits;
//! - `pages`: the queue and its actions, bans, the audit log;
//! - `html`: the escaping builder every page is written with; `text`: strings.

pub mod auth;
pub mod cli;
pub mod html;
pub mod pages;
pub mod password;
pub mod text;

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;
use crate::config::{SecureCookie, ServeArgs};
use crate::error::KeepBody;
use crate::i18n::Lang;
use html::Html;
use text::T;

/// The desk's Content-Security-Policy: nothing inline, nothing from
/// elsewhere, never framed.
pub const DESK_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
base-uri 'none'";

const CSS: &str = include_str!("../../assets/admin.css");
const JS: &str = include_str!("../../assets/admin.js");

/// Every desk route as (method, OpenAPI path), checked against openapi.json
/// and the router like `api::ROUTES`.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/admin"),
    ("post", "/admin/login"),
    ("post", "/admin/logout"),
    ("post", "/admin/actions"),
    ("get", "/admin/bans"),
    ("post", "/admin/bans"),
    ("post", "/admin/bans/remove"),
    ("get", "/admin/audit"),
    ("get", "/admin/lang"),
    ("get", "/admin/assets/{file}"),
];

/// Desk settings from the command line.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    pub session_ms: i64,
    pub idle_ms: i64,
    pub secure_cookie: SecureCookie,
    pub trust_forwarded: bool,
    pub max_failures_account: i64,
    pub max_failures_network: i64,
    pub trash_days: i64,
}

impl DeskConfig {
    pub fn from_args(args: &ServeArgs) -> Self {
        Self {
            session_ms: (args.admin_session_hours.max(1) * 3_600_000) as i64,
            idle_ms: (args.admin_idle_minutes.max(1) * 60_000) as i64,
            secure_cookie: args.admin_secure_cookie,
            trust_forwarded: args.trust_forwarded_for,
            max_failures_account: args.admin_max_failures_per_account.max(1),
            max_failures_network: args.admin_max_failures_per_network.max(1),
            trash_days: args.trash_days.max(1),
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(pages::queue))
        .route("/admin/", get(pages::queue))
        .route("/admin/login", post(auth::login))
        .route("/admin/logout", post(auth::logout))
        .route("/admin/actions", post(pages::actions))
        .route("/admin/bans", get(pages::bans).post(pages::add_ban))
        .route("/admin/bans/remove", post(pages::remove_ban))
        .route("/admin/audit", get(pages::audit))
        .route("/admin/lang", get(set_lang))
        .route("/admin/assets/{file}", get(asset))
        .layer(axum::middleware::map_response(security_headers))
}

/// Headers on every desk response, error pages and redirects included.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DESK_CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res.extensions_mut().insert(KeepBody);
    res
}

/// A short content hash, so asset URLs change when the files do.
fn asset_version() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        // FNV-1a over both files.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in CSS.bytes().chain(JS.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        format!("{h:016x}")
    })
}

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, ctype) = match file.as_str() {
        "admin.css" => (CSS, "text/css; charset=utf-8"),
        "admin.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return crate::error::ApiError::not_found().into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(ctype)),
            // The pages link them with ?v=<content hash>.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        body,
    )
        .into_response()
}

pub const LANG_COOKIE: &str = "ykien_desk_lang";

/// The desk's language: its own cookie, else Vietnamese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

/// `GET /admin/lang?to=en&next=/admin…`: remembers the language (a
/// preference cookie, no server state) and goes back.
async fn set_lang(
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let lang = q.get("to").and_then(|l| Lang::parse(l)).unwrap_or_default();
    let next = q.get("next").map(String::as_str).unwrap_or("/admin");
    let mut res = redirect(safe_next(next));
    let c = format!(
        "{LANG_COOKIE}={}; Path=/admin; Max-Age=31536000; SameSite=Strict",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&c) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A redirect target inside the desk; anything else becomes `/admin`.
pub fn safe_next(next: &str) -> &str {
    let ok = (next == "/admin" || next.starts_with("/admin/") || next.starts_with("/admin?"))
        && !next.contains(['\r', '\n', '\\']);
    if ok {
        next
    } else {
        "/admin"
    }
}

pub fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(safe_next(to)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Which page the header's navigation marks as current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Queue,
    Bans,
    Audit,
    None,
}

/// A whole desk page.
pub struct Page<'a> {
    pub t: &'static T,
    pub title: &'a str,
    pub moderator: Option<&'a str>,
    pub csrf: Option<&'a str>,
    pub nav: Nav,
    /// Path and query of this page (for the language switch).
    pub here: &'a str,
    pub main: Html,
}

pub fn render(status: StatusCode, page: Page<'_>) -> Response {
    let t = page.t;
    let mut h = Html::new();
    h.raw("<!doctype html>\n<html lang=\"")
        .raw(t.lang_attr)
        .raw("\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        .text(page.title)
        .raw(" · ")
        .raw(t.title)
        .raw("</title><meta name=\"robots\" content=\"noindex, nofollow\"><link rel=\"stylesheet\" href=\"/admin/assets/admin.css?v=")
        .text(asset_version())
        .raw("\"><script src=\"/admin/assets/admin.js?v=")
        .text(asset_version())
        .raw("\" defer></script></head><body><a class=\"skip\" href=\"#main\">")
        .raw(t.skip)
        .raw("</a><header class=\"top\"><p class=\"brand\"><a href=\"/admin\">ykien · ")
        .raw(t.title)
        .raw("</a></p>");
    if let Some(name) = page.moderator {
        h.raw("<nav class=\"nav\" aria-label=\"")
            .raw(t.nav_label)
            .raw("\"><ul>");
        for (nav, href, label) in [
            (Nav::Queue, "/admin", t.nav_queue),
            (Nav::Bans, "/admin/bans", t.nav_bans),
            (Nav::Audit, "/admin/audit", t.nav_audit),
        ] {
            h.raw("<li><a href=\"").raw(href).raw("\"");
            if nav == page.nav {
                h.raw(" aria-current=\"page\"");
            }
            h.raw(">").raw(label).raw("</a></li>");
        }
        h.raw("</ul></nav><div class=\"who\"><span>")
            .raw(t.signed_in_as)
            .raw(" <strong>")
            .text(name)
            .raw("</strong></span><form method=\"post\" action=\"/admin/logout\"><input type=\"hidden\" name=\"csrf\" value=\"")
            .text(page.csrf.unwrap_or(""))
            .raw("\"><button type=\"submit\" class=\"link\">")
            .raw(t.sign_out)
            .raw("</button></form>");
    } else {
        h.raw("<div class=\"who\">");
    }
    h.raw("<a class=\"lang\" lang=\"")
        .raw(t.other_lang_code)
        .raw("\" href=\"/admin/lang?")
        .text(&html::query(&[
            ("to", t.other_lang_code),
            ("next", page.here),
        ]))
        .raw("\">")
        .raw(t.other_lang)
        .raw("</a></div></header><main id=\"main\" tabindex=\"-1\">")
        .html(&page.main)
        .raw("</main></body></html>\n");
    let mut res = (status, h.into_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

/// A page with one message (errors, refusals) and a link back.
pub fn message_page(status: StatusCode, lang: Lang, message: &'static str) -> Response {
    let t = text::t(lang);
    let mut main = Html::new();
    main.raw("<h1>")
        .raw(t.title)
        .raw("</h1><p class=\"notice is-error\" role=\"alert\">")
        .raw(message)
        .raw("</p><p><a href=\"/admin\">")
        .raw(t.reload)
        .raw("</a></p>");
    render(
        status,
        Page {
            t,
            title: message,
            moderator: None,
            csrf: None,
            nav: Nav::None,
            here: "/admin",
            main,
        },
    )
}

/// Times in the desk: Vietnam time (UTC+7, no daylight saving), e.g.
/// `14:05 18/01/2024`, with the exact UTC instant in `datetime`.
pub fn time_html(h: &mut Html, ms: i64) {
    let local = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    let shown = format!(
        "{:02}:{:02} {:02}/{:02}/{}",
        local.hour(),
        local.minute(),
        local.day(),
        u8::from(local.month()),
        local.year()
    );
    h.raw("<time datetime=\"")
        .text(&crate::api::rfc3339_ms(ms))
        .raw("\" title=\"GMT+7\">")
        .text(&shown)
        .raw("</time>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_in_the_desk() {
        assert_eq!(safe_next("/admin?view=trash"), "/admin?view=trash");
        assert_eq!(safe_next("/admin/bans"), "/admin/bans");
        assert_eq!(safe_next("//evil.example/admin"), "/admin");
        assert_eq!(safe_next("https://evil.example/"), "/admin");
        assert_eq!(safe_next("/administrator"), "/admin");
        assert_eq!(safe_next("/admin?x=\r\nSet-Cookie:a"), "/admin");
    }

    #[test]
    fn times_in_vietnam() {
        let mut h = Html::new();
        time_html(&mut h, 1_705_546_800_000); // 2024-01-18T03:00:00Z
        assert!(h.as_str().contains(">10:00 18/01/2024<"), "{}", h.as_str());
    }
}
