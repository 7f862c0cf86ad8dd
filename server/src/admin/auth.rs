//! Sign-in, sessions and CSRF for the desk.
//!
//! - Session: cookie `ykien_desk` = 32 random bytes (hex), `HttpOnly`,
//!   `SameSite=Strict`, `Path=/admin`, `Secure` behind https. The database
//!   keeps only its SHA-256, with the moderator, a CSRF token, and expiry
//!   (absolute `--admin-session-hours`, idle `--admin-idle-minutes`).
//!   Sign-out deletes the row; `admin remove` and `admin passwd` delete the
//!   moderator's rows: the cookie is then worthless everywhere at once.
//! - CSRF: every POST carries the session's token in a hidden field, compared
//!   in constant time; besides, a browser's `Sec-Fetch-Site` must say
//!   same-origin and an `Origin` must be this host. The sign-in form has its
//!   own token, a keyed tag of a pre-session cookie.
//! - Failed sign-ins are counted in the database per account and per network
//!   over 15 minutes (so every process and restart agrees); past the limit,
//!   sign-in is refused without checking the password.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::html::Html;
use super::{
    cookie, lang_of, message_page, password, redirect, render, safe_next, text, Nav, Page,
};
use crate::api::now_ms;
use crate::app::AppState;
use crate::config::SecureCookie;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::iphint::{hex, random_hex};

pub const SESSION_COOKIE: &str = "ykien_desk";
const PRE_COOKIE: &str = "ykien_desk_pre";
const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// A signed-in moderator.
#[derive(Debug, Clone)]
pub struct Signed {
    pub moderator: String,
    pub csrf: String,
    id_hash: String,
}

fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The session the request's cookie names, if it is alive.
pub async fn current(st: &AppState, headers: &HeaderMap) -> Result<Option<Signed>, ApiError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| is_token(t)) else {
        return Ok(None);
    };
    let id_hash = sha256_hex(&token);
    let now = now_ms();
    let Some(s) = st.store.session(&id_hash, now, st.desk.idle_ms).await? else {
        return Ok(None);
    };
    if now - s.last_seen > 60_000 {
        st.store.touch_session(&id_hash, now).await?;
    }
    Ok(Some(Signed {
        moderator: s.moderator,
        csrf: s.csrf,
        id_hash,
    }))
}

/// The browser's own word on where a POST comes from: `Sec-Fetch-Site`
/// same-origin (or none), and an `Origin` naming this host.
fn same_origin(st: &AppState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == "null" {
        return false;
    }
    let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
    let forwarded = st
        .desk
        .trust_forwarded
        .then(|| {
            headers
                .get("x-forwarded-host")
                .and_then(|v| v.to_str().ok())
        })
        .flatten();
    let host = forwarded.or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()));
    host.is_some_and(|h| h.eq_ignore_ascii_case(authority))
}

fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The CSRF check for a POST by a signed-in moderator.
pub fn csrf_ok(st: &AppState, headers: &HeaderMap, signed: &Signed, sent: Option<&str>) -> bool {
    same_origin(st, headers) && sent.is_some_and(|t| tokens_equal(t, &signed.csrf))
}

/// A form body as pairs (`application/x-www-form-urlencoded`).
pub fn form(headers: &HeaderMap, body: &Bytes) -> Option<Vec<(String, String)>> {
    let ctype = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ctype
        .split(';')
        .next()?
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    {
        return None;
    }
    Some(
        form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
}

pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn secure(st: &AppState, headers: &HeaderMap) -> bool {
    match st.desk.secure_cookie {
        SecureCookie::Always => true,
        SecureCookie::Never => false,
        SecureCookie::Auto => {
            st.desk.trust_forwarded
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
        }
    }
}

fn set_cookie(res: &mut Response, name: &str, value: &str, max_age: i64, secure: bool) {
    let c = format!(
        "{name}={value}; Path=/admin; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&c) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The sign-in page; sets the pre-session cookie its token is tied to.
pub fn sign_in_page(
    st: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&'static str>,
    next: &str,
) -> Response {
    let lang = lang_of(headers);
    let t = text::t(lang);
    let (pre, fresh) = match cookie(headers, PRE_COOKIE).filter(|c| is_token(c)) {
        Some(c) => (c, false),
        None => (random_hex(32), true),
    };
    let token = st.hasher.tag("desk-login", &pre);
    let mut main = Html::new();
    main.raw(
        "<section class=\"sign-in\" aria-labelledby=\"sign-in-title\"><h1 id=\"sign-in-title\">",
    )
    .raw(t.sign_in)
    .raw("</h1><p>")
    .raw(t.sign_in_intro)
    .raw("</p>");
    if let Some(e) = error {
        main.raw("<p class=\"notice is-error\" role=\"alert\" id=\"sign-in-error\">")
            .raw(e)
            .raw("</p>");
    }
    main.raw("<form method=\"post\" action=\"/admin/login\" class=\"stack\"><input type=\"hidden\" name=\"csrf\" value=\"")
        .text(&token)
        .raw("\"><input type=\"hidden\" name=\"next\" value=\"")
        .text(safe_next(next))
        .raw("\"><label for=\"name\">")
        .raw(t.name)
        .raw("</label><input id=\"name\" name=\"name\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required maxlength=\"64\"");
    if error.is_some() {
        main.raw(" aria-describedby=\"sign-in-error\"");
    }
    main.raw("><label for=\"password\">")
        .raw(t.password)
        .raw("</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"1024\"><button type=\"submit\" class=\"primary\">")
        .raw(t.sign_in)
        .raw("</button></form></section>");
    let mut res = render(
        status,
        Page {
            t,
            title: t.sign_in,
            moderator: None,
            csrf: None,
            nav: Nav::None,
            here: "/admin",
            main,
        },
    );
    if fresh {
        set_cookie(&mut res, PRE_COOKIE, &pre, 86_400, secure(st, headers));
    }
    res
}

/// `POST /admin/login`.
pub async fn login(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    let t = text::t(lang);
    let Some(pairs) = form(&headers, &body) else {
        return Ok(message_page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            lang,
            t.forbidden,
        ));
    };
    let next = field(&pairs, "next").unwrap_or("/admin").to_owned();
    let pre = cookie(&headers, PRE_COOKIE).filter(|c| is_token(c));
    let token_ok = match (&pre, field(&pairs, "csrf")) {
        (Some(pre), Some(sent)) => tokens_equal(sent, &st.hasher.tag("desk-login", pre)),
        _ => false,
    };
    if !token_ok || !same_origin(&st, &headers) {
        return Ok(sign_in_page(
            &st,
            &headers,
            StatusCode::FORBIDDEN,
            Some(t.expired),
            &next,
        ));
    }
    let name = password::normalize_name(field(&pairs, "name").unwrap_or("")).unwrap_or_default();
    let pw = field(&pairs, "password").unwrap_or("").to_owned();
    let ip = crate::api::comments::client_ip(&st, peer, &headers);
    let hint = st.hasher.network(ip);
    let now = now_ms();
    // Unknown and invalid names are counted too: guessing names is limited alike.
    let account = if name.is_empty() { "-" } else { name.as_str() };
    let (by_account, by_network) = st
        .store
        .login_failures(account, &hint, now - FAILURE_WINDOW_MS)
        .await?;
    if by_account >= st.desk.max_failures_account || by_network >= st.desk.max_failures_network {
        tracing::warn!(account, "sign-in refused: too many failures");
        let mut res = sign_in_page(
            &st,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            Some(t.locked),
            &next,
        );
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(FAILURE_WINDOW_MS / 1000),
        );
        return Ok(res);
    }
    let stored = if name.is_empty() {
        None
    } else {
        st.store.moderator_hash(&name).await?
    };
    let known = stored.is_some();
    let hash = stored.unwrap_or_else(|| password::dummy_hash().to_owned());
    let ok = password::verify_async(pw, hash).await && known;
    if !ok {
        st.store.record_login_failure(account, &hint, now).await?;
        tracing::info!(account, "failed sign-in");
        return Ok(sign_in_page(
            &st,
            &headers,
            StatusCode::UNAUTHORIZED,
            Some(t.bad_login),
            &next,
        ));
    }
    st.store.clear_login_failures(&name).await?;
    let token = random_hex(32);
    let csrf = random_hex(32);
    st.store
        .create_session(
            &sha256_hex(&token),
            &name,
            &csrf,
            now,
            now + st.desk.session_ms,
        )
        .await?;
    st.store.audit_event(&name, "sign_in", None, now).await?;
    tracing::info!(moderator = %name, "signed in");
    let mut res = redirect(&next);
    set_cookie(
        &mut res,
        SESSION_COOKIE,
        &token,
        st.desk.session_ms / 1000,
        secure(&st, &headers),
    );
    Ok(res)
}

/// `POST /admin/logout`: ends the session on the server, not just the cookie.
pub async fn logout(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    let Some(signed) = current(&st, &headers).await? else {
        return Ok(redirect("/admin"));
    };
    let pairs = form(&headers, &body).unwrap_or_default();
    if !csrf_ok(&st, &headers, &signed, field(&pairs, "csrf")) {
        return Ok(message_page(
            StatusCode::FORBIDDEN,
            lang,
            text::t(lang).forbidden,
        ));
    }
    st.store.delete_session(&signed.id_hash).await?;
    st.store
        .audit_event(&signed.moderator, "sign_out", None, now_ms())
        .await?;
    let mut res = redirect("/admin");
    set_cookie(&mut res, SESSION_COOKIE, "", 0, secure(&st, &headers));
    Ok(res)
}

/// For pages: the session, or the response to send instead (the sign-in
/// form for GETs; 403 for POSTs, whose form would be lost anyway).
pub async fn require(
    st: &AppState,
    headers: &HeaderMap,
    here: &str,
    is_post: bool,
) -> Result<Result<Signed, Response>, ApiError> {
    match current(st, headers).await? {
        Some(s) => Ok(Ok(s)),
        None if is_post => {
            let lang = lang_of(headers);
            Ok(Err(message_page(
                StatusCode::FORBIDDEN,
                lang,
                text::t(lang).expired,
            )))
        }
        None => {
            let status = if here == "/admin" || here == "/admin/" {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            Ok(Err(sign_in_page(st, headers, status, None, here)))
        }
    }
}

/// The language a refusal is shown in (for callers without headers at hand).
pub fn refusal(lang: Lang) -> Response {
    message_page(StatusCode::FORBIDDEN, lang, text::t(lang).forbidden).into_response()
}
