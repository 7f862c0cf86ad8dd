//! HTTP: every request the widget makes goes through [`send`], which gives it a
//! timeout, an abort signal and status/content checks, and turns every failure into
//! a [`LoadError`] that tells "could not reach", "took too long" and "reached, but
//! wrong" apart.
//!
//! The browser's `fetch` through web-sys, without a wrapper crate: what the widget
//! needs of one is a few lines, and every byte here is in every reader's download.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestCredentials, RequestInit};

use crate::article::source::{parse_article, Article};
use crate::comments::adapter::{Credentials, Request};
use crate::platform::error::LoadError;

/// A response read to the end.
pub struct Answer {
    pub status: u16,
    pub headers: Headers,
    pub text: String,
}

impl Answer {
    /// A response header (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// "TypeError: Failed to fetch", as the console would show a thrown error.
fn error_text(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
        None => e
            .as_string()
            .unwrap_or_else(|| "an unknown error".to_owned()),
    }
}

/// Sends `request` and reads the whole answer, giving up after `timeout_ms` (the
/// body included: a server that drips its answer is as stuck as one that never
/// answers). `cancel` aborts it early (the widget was unmounted); that ends as a
/// network error the caller ignores. Nothing is left behind: the timer and the
/// listener on `cancel` go when this returns.
///
/// `reads` names the response headers the caller will read: when the request fails
/// without an answer, the error says what another origin must allow for it.
pub async fn send(
    request: &Request,
    credentials: Credentials,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
    reads: &[&str],
) -> Result<Answer, LoadError> {
    let controller =
        AbortController::new().map_err(|_| LoadError::Network("AbortController".into()))?;
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let _linked = cancel.map(|signal| {
        if signal.aborted() {
            controller.abort();
        }
        let controller = controller.clone();
        EventListener::once(signal, "abort", move |_| controller.abort())
    });
    let failed = |detail: String| {
        if timed_out.get() {
            return LoadError::Timeout(timeout_ms.div_ceil(1000));
        }
        // "Failed to fetch" alone sends an operator hunting; name what a
        // cross-origin API must allow for exactly this request.
        let sent: Vec<&str> = request
            .headers
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|n| !is_cors_safelisted(n))
            .collect();
        let hint = cross_origin_hint(&request.url, &sent, reads).unwrap_or_default();
        LoadError::Network(format!("{detail}{hint}"))
    };

    // Headers one by one: the browser refuses some values, and one bad configured
    // header must not take the widget down.
    let headers = Headers::new().map_err(|_| LoadError::Network("Headers".into()))?;
    let _ = headers.set("Accept", "application/json");
    for (name, value) in &request.headers {
        if headers.set(name, value).is_err() {
            crate::platform::dom::console_warn(&format!(
                "ykien: header {name} was refused by the browser and not sent"
            ));
        }
    }
    let init = RequestInit::new();
    init.set_method(&request.method);
    init.set_headers(&headers);
    init.set_credentials(match credentials {
        Credentials::Omit => RequestCredentials::Omit,
        Credentials::SameOrigin => RequestCredentials::SameOrigin,
        Credentials::Include => RequestCredentials::Include,
    });
    init.set_signal(Some(&controller.signal()));
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let built = web_sys::Request::new_with_str_and_init(&request.url, &init)
        .map_err(|e| LoadError::Network(error_text(&e)))?;
    let window = web_sys::window().ok_or_else(|| LoadError::Network("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&built))
        .await
        .map_err(|e| failed(error_text(&e)))?
        .dyn_into()
        .map_err(|_| LoadError::Network("fetch gave no Response".into()))?;
    let status = response.status();
    let headers = response.headers();
    // A body cut off mid-stream is a network failure, not an empty answer.
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|e| failed(error_text(&e)))?
            .as_string()
            .unwrap_or_default(),
        Err(e) => return Err(failed(error_text(&e))),
    };
    Ok(Answer {
        status,
        headers,
        text,
    })
}

/// A GET for JSON text; non-2xx statuses are errors.
pub async fn get_text(
    url: &str,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<String, LoadError> {
    let request = Request {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers: Vec::new(),
        body: None,
    };
    let answer = send(&request, Credentials::SameOrigin, timeout_ms, cancel, &[]).await?;
    // fetch() resolves on 4xx/5xx; only the status says the request failed.
    if !(200..300).contains(&answer.status) {
        return Err(LoadError::Status(answer.status));
    }
    Ok(answer.text)
}

pub async fn fetch_article(
    url: &str,
    timeout_ms: u32,
    signal: Option<&AbortSignal>,
) -> Result<Article, LoadError> {
    let text = get_text(url, timeout_ms, signal).await?;
    parse_article(&text)
}

/// Headers a browser sends cross-origin without asking first (for the values the
/// widget sends): `Content-Type: application/json` is not one of them.
fn is_cors_safelisted(name: &str) -> bool {
    ["accept", "accept-language", "content-language"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// What to check when a request to another origin fails without an answer: the
/// browser says only "Failed to fetch", and CORS is the usual cause.
fn cross_origin_hint(url: &str, sent_headers: &[&str], read_headers: &[&str]) -> Option<String> {
    let window = web_sys::window()?;
    let page = window.location().origin().ok()?;
    let target = web_sys::Url::new_with_base(url, &window.location().href().ok()?).ok()?;
    let origin = target.origin();
    if origin == page {
        return None;
    }
    let mut hint = format!(
        "; {origin} is another origin than this page ({page}): check that it answers with \
         Access-Control-Allow-Origin: {page} (or *)"
    );
    if !sent_headers.is_empty() {
        hint.push_str(&format!(
            ", that its preflight (OPTIONS) allows the request headers {}",
            sent_headers.join(", ")
        ));
    }
    if !read_headers.is_empty() {
        hint.push_str(&format!(
            ", and that Access-Control-Expose-Headers lists {}",
            read_headers.join(", ")
        ));
    }
    Some(hint)
}
