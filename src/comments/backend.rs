//! Performs the requests an [`Adapter`] describes and hands the answers back to it.
//! Everything that can go wrong on the wire ends as a [`LoadError`] or a
//! [`Created::Failed`], never as an exception.
//!
//! It also keeps what the pages read so far tell ([`Reading`]): a reply's root for
//! `{root}`, and the warning for an operator whose list comes out shorter than the
//! API's total. The page's facts (`{pageUrl}`, `{meta:NAME}`, …) and the headers a
//! `ykien.mount()` function gives are read when each request is made, so a token
//! that refreshes is always the current one.

use std::cell::RefCell;

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::comments::adapter::{
    decode_component, ActionInput, ActionKind, Adapter, Context, Created, Credentials, Done, Id,
    ListPage, NewComment, Page, PageExtras, PageFacts, PageSource, Reading, Request, Timeouts,
};
use crate::platform::error::LoadError;
use crate::platform::http::{self, Answer};
use crate::platform::json;

/// The API a comment section talks to: adapter, base URL, thread.
#[derive(Debug)]
pub struct Backend {
    pub adapter: Adapter,
    pub api: String,
    pub thread: String,
    /// The adapter's, unless the page's `data-timeout` overrides them.
    pub timeouts: Timeouts,
    /// `headers` of `ykien.mount()`: called before every request for extra headers.
    headers_fn: Option<js_sys::Function>,
    reading: RefCell<Reading>,
}

impl PartialEq for Backend {
    fn eq(&self, other: &Self) -> bool {
        self.adapter == other.adapter
            && self.api == other.api
            && self.thread == other.thread
            && self.timeouts == other.timeouts
    }
}

/// How the reader is reading the list: the order, a linked comment, how many
/// replies each top-level comment shows at first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    pub sort: Option<crate::comments::adapter::Sort>,
    pub around: Option<Id>,
    pub reply_limit: Option<u32>,
}

/// A create request's outcome with the created comment's secret token, if any,
/// and what lets its author edit or delete it (token, until when).
pub struct CreateAnswer {
    pub created: Created,
    pub token: Option<String>,
    pub grant: Option<(String, f64)>,
}

/// The reader's optional fields (`create.fields`), validated by the composer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    pub email: String,
    pub website: String,
}

thread_local! {
    /// `headers` functions given to `ykien.mount()`, by the API and thread they are
    /// for (see [`provide_headers`]).
    static HEADER_FNS: RefCell<Vec<(String, String, js_sys::Function)>> =
        const { RefCell::new(Vec::new()) };
}

/// Keeps the `headers` function of a `ykien.mount(el, config)` config object for the
/// comment section it configures (found by its `api` and `thread`), or forgets an
/// earlier one when this config has none. Called by `mountElement` before mounting:
/// the config's other values are strings by then, and a function cannot be one.
pub fn provide_headers(config: &JsValue) {
    let text = |key: &str| {
        js_sys::Reflect::get(config, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .map(|s| s.trim().to_owned())
    };
    let (Some(api), Some(thread)) = (text("api"), text("thread")) else {
        return;
    };
    let function = js_sys::Reflect::get(config, &JsValue::from_str("headers"))
        .ok()
        .and_then(|v| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(v).ok());
    HEADER_FNS.with(|fns| {
        let Ok(mut fns) = fns.try_borrow_mut() else {
            return;
        };
        fns.retain(|(a, t, _)| !(*a == api && *t == thread));
        if let Some(f) = function {
            fns.push((api, thread, f));
        }
    });
}

fn headers_fn_for(api: &str, thread: &str) -> Option<js_sys::Function> {
    HEADER_FNS.with(|fns| {
        fns.try_borrow().ok().and_then(|fns| {
            fns.iter()
                .find(|(a, t, _)| a == api && t == thread)
                .map(|(_, _, f)| f.clone())
        })
    })
}

impl Backend {
    pub fn new(adapter: Adapter, api: String, thread: String, timeout_s: Option<u32>) -> Backend {
        let timeouts = match timeout_s {
            Some(s) => Timeouts {
                read_ms: s.saturating_mul(1000),
                write_ms: s.saturating_mul(2000),
            },
            None => adapter.timeouts(),
        };
        let headers_fn = headers_fn_for(&api, &thread);
        Backend {
            adapter,
            api,
            thread,
            timeouts,
            headers_fn,
            reading: RefCell::new(Reading::new()),
        }
    }

    /// What the templates may use from the page, read now.
    fn context(&self) -> Context {
        Context {
            page: page_facts(&self.adapter.page_reads()),
            ..Context::default()
        }
    }

    pub async fn list(
        &self,
        page: &Page,
        held_tokens: &[String],
        view: &ListQuery,
        signal: Option<&AbortSignal>,
    ) -> Result<ListPage, LoadError> {
        let request = self.list_request(page, held_tokens, view);
        let credentials = self.adapter.list_credentials();
        let answer = self
            .send(&request, credentials, self.timeouts.read_ms, signal)
            .await?;
        self.read_page(&answer, page)
    }

    fn list_request(&self, page: &Page, held_tokens: &[String], view: &ListQuery) -> Request {
        let context = Context {
            sort: view.sort,
            around: view.around.clone(),
            reply_limit: view.reply_limit,
            ..self.context()
        };
        self.adapter
            .list_request_in(&self.api, &self.thread, page, held_tokens, &context)
    }

    /// Reads an answer to a list request for `page`.
    pub fn read_page(&self, answer: &Answer, page: &Page) -> Result<ListPage, LoadError> {
        let body = self.check(answer)?;
        let header = |name: &str| answer.header(name);
        // What a relative `Link` is resolved against (the held tokens aside).
        let url = self.list_request(page, &[], &ListQuery::default()).url;
        let (page, extras) = self
            .adapter
            .read_list_at(&body, &header, page, &url)
            .map_err(|e| LoadError::Shape(e.describe()))?;
        self.take_in(&page, &extras);
        Ok(page)
    }

    /// The replies of `parent`, a page at a time (`replies` in the adapter; the
    /// "Xem N trả lời" button). `Err(LoadError::Shape)` when the adapter has none.
    pub async fn replies(&self, parent: &Id, page: &Page) -> Result<ListPage, LoadError> {
        let request = self
            .adapter
            .replies_request(&self.api, &self.thread, parent, page, &self.context())
            .ok_or_else(|| LoadError::Shape("the adapter has no \"replies\" request".into()))?;
        let credentials = self.adapter.replies_credentials();
        let answer = self
            .send(&request, credentials, self.timeouts.read_ms, None)
            .await?;
        let body = self.check(&answer)?;
        let header = |name: &str| answer.header(name);
        let (page, extras) = self
            .adapter
            .read_replies(&body, &header, parent, page, &request.url)
            .map_err(|e| LoadError::Shape(e.describe()))?;
        self.take_in(&page, &extras);
        Ok(page)
    }

    /// `comment.replyCount` of a comment, as the API last gave it.
    pub fn reply_count(&self, id: &Id) -> Option<u64> {
        self.reading.try_borrow().ok()?.reply_count(id)
    }

    /// Pages in a row that brought only replies whose parents are not loaded yet:
    /// the section loads on by itself rather than show an empty list.
    pub fn blank_pages(&self) -> u32 {
        self.reading.try_borrow().map_or(0, |r| r.blank_pages())
    }

    /// A 2xx answer's JSON; otherwise the status, with the API's own words on the
    /// console.
    fn check(&self, answer: &Answer) -> Result<json::Value, LoadError> {
        if !(200..300).contains(&answer.status) {
            let content_type = answer.header("Content-Type");
            if let Some(message) = self
                .adapter
                .error_text(&answer.text, content_type.as_deref())
            {
                crate::platform::dom::console_warn(&format!(
                    "ykien: the comment API answered HTTP {}: {message}",
                    answer.status
                ));
            }
            return Err(LoadError::Status(answer.status));
        }
        json::parse(&answer.text).map_err(LoadError::NotJson)
    }

    fn take_in(&self, page: &ListPage, extras: &PageExtras) {
        let own_held = crate::comments::held::load(&self.thread, js_sys::Date::now()).len() as u64;
        let warning = self
            .reading
            .try_borrow_mut()
            .ok()
            .and_then(|mut r| r.add(page, extras, own_held));
        if let Some(w) = warning {
            crate::platform::dom::console_warn(&w);
        }
    }

    /// The create request for a new comment, built once so that a resend after a
    /// timeout repeats exactly the same body with the same idempotency key.
    pub fn create_request(&self, new: &NewComment, key: &str) -> Request {
        self.create_request_with(new, key, &Extras::default())
    }

    /// [`Backend::create_request`] with the reader's optional fields.
    pub fn create_request_with(&self, new: &NewComment, key: &str, extras: &Extras) -> Request {
        let root = new.parent.as_ref().and_then(|p| {
            self.reading
                .try_borrow()
                .ok()
                .and_then(|r| r.root_of(p))
                .filter(|root| root != p)
        });
        let context = Context {
            root,
            email: extras.email.clone(),
            website: extras.website.clone(),
            ..self.context()
        };
        self.adapter.create_request_in(
            &self.api,
            &self.thread,
            new,
            key,
            js_sys::Date::now(),
            &context,
        )
    }

    /// Sends a new comment. `Err` only when no answer arrived (the caller offers a
    /// retry with the same key); every answer, good or bad, is a [`Created`].
    pub async fn create(&self, request: &Request) -> Result<CreateAnswer, LoadError> {
        let credentials = self.adapter.create_credentials();
        let answer = self
            .send(request, credentials, self.timeouts.write_ms, None)
            .await?;
        let content_type = answer.header("Content-Type");
        let created =
            self.adapter
                .read_created_text(answer.status, &answer.text, content_type.as_deref());
        let body = json::parse(&answer.text).ok();
        let token = body.as_ref().and_then(|b| self.adapter.created_token(b));
        let grant = match &created {
            Created::Failed { .. } => None,
            _ => body
                .as_ref()
                .and_then(|b| self.adapter.edit_grant(b, js_sys::Date::now())),
        };
        // Replies to the reader's own comment need its root too.
        if let Created::Published(Some(c)) | Created::Held(Some(c)) = &created {
            if let Ok(mut r) = self.reading.try_borrow_mut() {
                r.note(c);
            }
        }
        Ok(CreateAnswer {
            created,
            token,
            grant,
        })
    }

    /// Likes, reports, edits or deletes comment `id`. `Err` only when no answer
    /// arrived; any answer is a [`Done`].
    pub async fn act(
        &self,
        kind: ActionKind,
        id: &Id,
        input: &ActionInput,
    ) -> Result<Done, LoadError> {
        let request = self
            .adapter
            .action_request(
                kind,
                &self.api,
                &self.thread,
                id,
                input,
                js_sys::Date::now(),
                &self.context(),
            )
            .ok_or_else(|| LoadError::Shape("the adapter has no such request".into()))?;
        let credentials = self.adapter.action_credentials(kind);
        let answer = self
            .send(&request, credentials, self.timeouts.write_ms, None)
            .await?;
        let done = self.adapter.read_done(kind, answer.status, &answer.text);
        if let Done::Failed { status, message } = &done {
            crate::platform::dom::console_warn(&self.describe_failure(*status, message.as_deref()));
        }
        Ok(done)
    }

    /// What an error answer says, for the console (the reader gets a localized line).
    pub fn describe_failure(&self, status: u16, message: Option<&str>) -> String {
        match message {
            Some(m) => format!("ykien: the comment API answered HTTP {status}: {m}"),
            None => format!("ykien: the comment API answered HTTP {status}"),
        }
    }

    pub fn list_url(&self) -> String {
        self.adapter
            .list_request(&self.api, &self.thread, &Page::First)
            .url
    }

    async fn send(
        &self,
        request: &Request,
        credentials: Credentials,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
    ) -> Result<Answer, LoadError> {
        let extra = self.page_headers(request).await;
        let with_extra;
        let request = if extra.is_empty() {
            request
        } else {
            let mut r = request.clone();
            r.headers
                .retain(|(n, _)| !extra.iter().any(|(e, _)| e.eq_ignore_ascii_case(n)));
            r.headers.extend(extra);
            with_extra = r;
            &with_extra
        };
        let reads = self.adapter.headers_read();
        http::send(request, credentials, timeout_ms, signal, &reads).await
    }

    /// Headers from the `ykien.mount()` function, called with `{method, url}`; it may
    /// return an object or a promise of one. A failing function is reported and the
    /// request goes without.
    async fn page_headers(&self, request: &Request) -> Vec<(String, String)> {
        let Some(f) = &self.headers_fn else {
            return Vec::new();
        };
        let info = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&info, &"method".into(), &request.method.as_str().into());
        let _ = js_sys::Reflect::set(&info, &"url".into(), &request.url.as_str().into());
        let mut value = match f.call1(&JsValue::NULL, &info) {
            Ok(v) => v,
            Err(e) => {
                crate::platform::dom::console_error(&format!(
                    "ykien.mount: the headers function threw ({e:?}); the request is sent without its headers"
                ));
                return Vec::new();
            }
        };
        if let Some(promise) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Promise>(&value) {
            match wasm_bindgen_futures::JsFuture::from(promise.clone()).await {
                Ok(v) => value = v,
                Err(e) => {
                    crate::platform::dom::console_error(&format!(
                        "ykien.mount: the headers function's promise was rejected ({e:?}); the request is sent without its headers"
                    ));
                    return Vec::new();
                }
            }
        }
        let Some(obj) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Object>(&value) else {
            return Vec::new();
        };
        js_sys::Object::entries(obj)
            .iter()
            .filter_map(|entry| {
                let entry: js_sys::Array = wasm_bindgen::JsCast::dyn_into(entry).ok()?;
                let name = entry.get(0).as_string()?;
                let value = entry.get(1).as_string()?;
                Some((name, value))
            })
            .collect()
    }
}

/// The page's URL, canonical URL, title and the `<meta>` / cookie values `reads`
/// names. Read from the document each time: a single-page site changes them.
#[cfg(target_arch = "wasm32")]
fn page_facts(reads: &[(PageSource, String)]) -> PageFacts {
    let Some(window) = web_sys::window() else {
        return PageFacts::default();
    };
    let doc = window.document();
    let url = window.location().href().unwrap_or_default();
    let canonical_url = doc
        .as_ref()
        .and_then(|d| {
            d.query_selector("link[rel~=\"canonical\"][href]")
                .ok()
                .flatten()
        })
        // The property, not the attribute: resolved against the page.
        .and_then(|l| js_sys::Reflect::get(&l, &"href".into()).ok())
        .and_then(|h| h.as_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| url.clone());
    let title = doc.as_ref().map(|d| d.title()).unwrap_or_default();
    let cookies = doc
        .as_ref()
        .and_then(|d| js_sys::Reflect::get(d, &"cookie".into()).ok())
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    let values = reads
        .iter()
        .map(|(source, name)| {
            let value = match source {
                // Names are letters, digits, `-`, `_` and `.` (checked when the
                // adapter was read), so they are safe inside the quotes.
                PageSource::Meta => doc
                    .as_ref()
                    .and_then(|d| {
                        d.query_selector(&format!("meta[name=\"{name}\"]"))
                            .ok()
                            .flatten()
                    })
                    .and_then(|m| m.get_attribute("content"))
                    .unwrap_or_default(),
                PageSource::Cookie => cookie(&cookies, name),
            };
            (*source, name.clone(), value)
        })
        .collect();
    PageFacts {
        url,
        canonical_url,
        title,
        values,
    }
}

/// Natively there is no page.
#[cfg(not(target_arch = "wasm32"))]
fn page_facts(_reads: &[(PageSource, String)]) -> PageFacts {
    PageFacts::default()
}

/// The value of cookie `name` in `document.cookie` text, percent-decoded when it is
/// valid UTF-8 that way (as frameworks write CSRF cookies).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn cookie(cookies: &str, name: &str) -> String {
    let raw = cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
        .unwrap_or_default();
    decode_component(raw).unwrap_or_else(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_and_decoded() {
        let jar = "a=1; XSRF-TOKEN=ab%2Fc%3D; q=\"x y\"; bad=%E0%A4";
        assert_eq!(cookie(jar, "XSRF-TOKEN"), "ab/c=");
        assert_eq!(cookie(jar, "a"), "1");
        assert_eq!(cookie(jar, "q"), "x y");
        assert_eq!(
            cookie(jar, "bad"),
            "%E0%A4",
            "not UTF-8 decoded: as written"
        );
        assert_eq!(cookie(jar, "missing"), "");
    }
}
