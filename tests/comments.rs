//! Browser tests of the comment section: `wasm-pack test --headless --chrome`.
//!
//! `window.fetch` is replaced by a scripted fake API so each test decides what the
//! server answers (and when), and can assert on exactly what the widget sent.
//! Everything else is real: the widget is mounted through the exported entry point,
//! into a shadow root, and driven with the DOM events a browser would fire.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlTextAreaElement};

mod common;

use common::{doc, platform, sleep, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

/// One request as the fake server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    url: String,
    body: String,
    idempotency_key: Option<String>,
}

enum Reply {
    Json(u16, String),
    /// fetch() rejects, as on a dropped connection.
    NetworkError,
    /// Answered only when the test calls `release()`.
    Held(u16, String),
}

type Handler = Box<dyn Fn(&Seen) -> Reply>;

/// The scripted API. Installed as `window.fetch` until dropped... and since tests
/// in one page run one after another, each test installs its own.
struct FakeApi {
    seen: Rc<RefCell<Vec<Seen>>>,
    gate: Rc<RefCell<Option<js_sys::Function>>>,
    _fetch: Closure<dyn FnMut(JsValue) -> js_sys::Promise>,
}

impl FakeApi {
    fn install(handler: impl Fn(&Seen) -> Reply + 'static) -> FakeApi {
        let handler: Rc<Handler> = Rc::new(Box::new(handler));
        let seen = Rc::new(RefCell::new(Vec::new()));
        let gate: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
        let fetch = {
            let seen = seen.clone();
            let gate = gate.clone();
            Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |request: JsValue| {
                let request: web_sys::Request = request.dyn_into().unwrap();
                let handler = handler.clone();
                let seen = seen.clone();
                let gate = gate.clone();
                future_to_promise(async move {
                    let body = JsFuture::from(request.text().unwrap())
                        .await
                        .unwrap()
                        .as_string()
                        .unwrap_or_default();
                    let entry = Seen {
                        method: request.method(),
                        url: request.url(),
                        body,
                        idempotency_key: request.headers().get("Idempotency-Key").unwrap(),
                    };
                    seen.borrow_mut().push(entry.clone());
                    let (status, text) = match handler(&entry) {
                        Reply::NetworkError => {
                            return Err(js_sys::TypeError::new("Failed to fetch").into())
                        }
                        Reply::Json(status, text) => (status, text),
                        Reply::Held(status, text) => {
                            // Like a real fetch, an aborted request rejects.
                            let signal = request.signal();
                            let released = js_sys::Promise::new(&mut |resolve, reject| {
                                *gate.borrow_mut() = Some(resolve);
                                let _ = signal.add_event_listener_with_callback("abort", &reject);
                            });
                            JsFuture::from(released).await?;
                            (status, text)
                        }
                    };
                    let init = web_sys::ResponseInit::new();
                    init.set_status(status);
                    let headers = web_sys::Headers::new().unwrap();
                    headers.set("Content-Type", "application/json").unwrap();
                    init.set_headers(&headers);
                    let body = (status != 204).then_some(text);
                    Ok(
                        web_sys::Response::new_with_opt_str_and_init(body.as_deref(), &init)?
                            .into(),
                    )
                })
            })
        };
        js_sys::Reflect::set(
            &web_sys::window().unwrap(),
            &"fetch".into(),
            fetch.as_ref().unchecked_ref(),
        )
        .unwrap();
        FakeApi {
            seen,
            gate,
            _fetch: fetch,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.borrow().clone()
    }

    fn posts(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.method == "POST")
            .collect()
    }

    fn release(&self) {
        if let Some(resolve) = self.gate.borrow_mut().take() {
            resolve.call0(&JsValue::NULL).unwrap();
        }
    }
}

fn comment(id: &str, parent: Option<&str>, author: &str, body: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "thread": "t", "parent_id": parent, "author": author, "body": body,
        "created_at": "2024-01-18T10:30:00.123Z", "status": "published",
    })
}

fn list(comments: Vec<serde_json::Value>) -> Reply {
    let total = comments.len();
    Reply::Json(
        200,
        serde_json::json!({"comments": comments, "next_cursor": null, "total": total}).to_string(),
    )
}

/// Mounts a comment section; returns the shadow root's host.
fn mount(thread: &str, extra: &[(&str, &str)]) -> (Element, ykien::Handle) {
    let page = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&page).unwrap();
    let config = js_sys::Object::new();
    for (k, v) in [("api", "/fake-api"), ("thread", thread), ("load", "eager")]
        .iter()
        .chain(extra)
    {
        js_sys::Reflect::set(&config, &(*k).into(), &(*v).into()).unwrap();
    }
    let handle = ykien::mount_element(page.clone().into(), config.into(), platform());
    let host = page
        .query_selector("ykien-comments")
        .unwrap()
        .expect("host");
    (host, handle)
}

fn find(host: &Element, selector: &str) -> Option<Element> {
    host.shadow_root()?.query_selector(selector).ok()?
}

fn text_of(host: &Element, selector: &str) -> String {
    find(host, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn textarea(host: &Element) -> HtmlTextAreaElement {
    find(host, "textarea.composer-body")
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn send_button(host: &Element) -> HtmlButtonElement {
    find(host, "button.composer-send")
        .unwrap()
        .dyn_into()
        .unwrap()
}

/// Sets the value and fires `input`, as typing (or an IME commit) does.
async fn type_into(area: &HtmlTextAreaElement, value: &str) {
    area.set_value(value);
    let event = web_sys::InputEvent::new("input").unwrap();
    area.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

fn fire(target: &HtmlTextAreaElement, event: &str) {
    let e = web_sys::CompositionEvent::new(event).unwrap();
    target.dispatch_event(&e).unwrap();
}

fn ctrl_enter(area: &HtmlTextAreaElement) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    area.dispatch_event(&e).unwrap();
}

fn clear_storage() {
    if let Ok(Some(s)) = web_sys::window().unwrap().local_storage() {
        s.clear().unwrap();
    }
}

#[wasm_bindgen_test]
async fn loading_then_the_threaded_list_with_its_count() {
    clear_storage();
    let api = FakeApi::install(|_| {
        let comments = vec![
            comment(
                "a",
                None,
                "Lan",
                "Bài viết hay!\nDòng hai https://example.org/x.",
            ),
            comment("b", Some("a"), "", "Đồng ý"),
            comment("c", None, "Minh", "<b>không phải HTML</b>"),
        ];
        let total = comments.len();
        Reply::Held(
            200,
            serde_json::json!({"comments": comments, "next_cursor": null, "total": total})
                .to_string(),
        )
    });
    let (host, _handle) = mount("t-list", &[]);
    let loading = wait_for("loading state", || find(&host, ".comments-loading")).await;
    assert!(loading
        .text_content()
        .unwrap()
        .contains("Đang tải dữ liệu…"));
    assert_eq!(text_of(&host, "h2.comments-title"), "Ý kiến ()");
    assert_eq!(
        find(&host, "section.comments")
            .unwrap()
            .get_attribute("aria-busy")
            .as_deref(),
        Some("true")
    );
    // The composer is usable before the list arrives.
    assert_eq!(text_of(&host, ".composer-counter"), "0 / 500 ký tự");

    wait_for("the list request", || api.seen().first().cloned()).await;
    // The first page, with the first three replies under each comment (`data-replies`).
    let first = api.seen()[0].url.clone();
    assert!(
        first.ends_with("/fake-api/threads/t-list/comments?limit=10&replies=3"),
        "{first}"
    );
    api.release();
    wait_for("the list", || find(&host, "li.comment[data-id='c']")).await;
    assert_eq!(text_of(&host, "h2.comments-title"), "Ý kiến (3)");
    assert!(find(&host, ".comments-loading").is_none());
    assert!(find(&host, "section.comments")
        .unwrap()
        .get_attribute("aria-busy")
        .is_none());
    let reply = find(
        &host,
        "li.comment[data-id='a'] ol.comment-replies li.comment[data-id='b']",
    )
    .expect("reply nested under its parent");
    let reply_author = reply.query_selector(".comment-author").unwrap().unwrap();
    assert_eq!(
        reply_author.text_content().unwrap(),
        "Khách",
        "empty author is the guest"
    );
    let first = find(&host, "li.comment[data-id='a'] .comment-body").unwrap();
    let link = first.query_selector("a").unwrap().expect("link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://example.org/x")
    );
    assert!(link
        .get_attribute("rel")
        .unwrap()
        .contains("nofollow ugc noopener"));
    let html_text = find(&host, "li.comment[data-id='c'] .comment-body").unwrap();
    assert!(
        html_text.query_selector("b").unwrap().is_none(),
        "text stays text"
    );
    assert_eq!(html_text.text_content().unwrap(), "<b>không phải HTML</b>");
    let time = find(&host, "li.comment[data-id='a'] time.comment-time").unwrap();
    assert_eq!(
        time.get_attribute("datetime").as_deref(),
        Some("2024-01-18T10:30:00.123Z")
    );
    assert!(
        time.text_content().unwrap().contains("trước"),
        "relative time"
    );
    assert!(
        time.get_attribute("title").unwrap().contains("2024"),
        "exact time on hover"
    );
}

#[wasm_bindgen_test]
async fn the_counter_counts_like_the_server_and_never_truncates() {
    clear_storage();
    let _api = FakeApi::install(|_| list(vec![]));
    let (host, _handle) = mount("t-count", &[("maxLength", "10")]);
    wait_for("empty state", || find(&host, ".comments-empty")).await;
    let area = textarea(&host);

    // "Việt" typed with combining marks (e + U+0302 + U+0323) is 4 characters after NFC.
    type_into(&area, "Vie\u{302}\u{323}t").await;
    assert_eq!(text_of(&host, ".composer-counter"), "4 / 10 ký tự");
    type_into(&area, "Việt").await;
    assert_eq!(text_of(&host, ".composer-counter"), "4 / 10 ký tự");
    type_into(&area, "Việt 👍").await;
    assert_eq!(text_of(&host, ".composer-counter"), "6 / 10 ký tự");
    assert!(!send_button(&host).disabled());

    let long = "Người Việt!";
    type_into(&area, long).await;
    assert_eq!(text_of(&host, ".composer-counter"), "11 / 10 ký tự");
    let counter = find(&host, ".composer-counter").unwrap();
    assert!(counter.class_list().contains("is-over"));
    assert_eq!(area.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(send_button(&host).disabled());
    assert!(text_of(&host, ".composer-status").contains("Vượt quá giới hạn 10 ký tự"));
    assert_eq!(
        area.value(),
        long,
        "the text is never cut under the reader's fingers"
    );

    type_into(&area, "").await;
    assert_eq!(text_of(&host, ".composer-counter"), "0 / 10 ký tự");
    assert!(send_button(&host).disabled(), "nothing to send");
}

#[wasm_bindgen_test]
async fn an_open_composition_is_never_sent_or_rewritten() {
    clear_storage();
    let api = FakeApi::install(|s| {
        if s.method == "POST" {
            Reply::Json(
                201,
                serde_json::json!({"comment": comment("n", None, "Khách", "Tiếng Việt")})
                    .to_string(),
            )
        } else {
            list(vec![])
        }
    });
    let (host, _handle) = mount("t-ime", &[]);
    wait_for("empty state", || find(&host, ".comments-empty")).await;
    let area = textarea(&host);
    fire(&area, "compositionstart");
    type_into(&area, "Tiếng Vie").await;
    ctrl_enter(&area);
    sleep(30).await;
    assert!(
        api.posts().is_empty(),
        "Ctrl+Enter inside a composition does not send"
    );
    assert_eq!(
        area.value(),
        "Tiếng Vie",
        "the value is not touched mid-composition"
    );
    type_into(&area, "Tiếng Việt").await;
    fire(&area, "compositionend");
    ctrl_enter(&area);
    wait_for("the post", || api.posts().first().cloned()).await;
    let sent: serde_json::Value = serde_json::from_str(&api.posts()[0].body).unwrap();
    assert_eq!(sent["body"], "Tiếng Việt");
}

#[wasm_bindgen_test]
async fn a_draft_survives_unmount_and_comes_back() {
    clear_storage();
    let _api = FakeApi::install(|_| list(vec![]));
    let (host, mut handle) = mount("t-draft", &[]);
    wait_for("empty state", || find(&host, ".comments-empty")).await;
    type_into(&textarea(&host), "Bản nháp chưa gửi").await;
    sleep(600).await; // past the save debounce
    handle.unmount();
    let (host, _handle) = mount("t-draft", &[]);
    let area = wait_for("restored draft", || {
        find(&host, "textarea.composer-body")
            .and_then(|a| a.dyn_into::<HtmlTextAreaElement>().ok())
            .filter(|a| !a.value().is_empty())
    })
    .await;
    assert_eq!(area.value(), "Bản nháp chưa gửi");
    wait_for("counter", || {
        (text_of(&host, ".composer-counter") == "17 / 500 ký tự").then_some(())
    })
    .await;
    // Another thread has its own draft.
    let (other, _h) = mount("t-draft-other", &[]);
    sleep(50).await;
    assert_eq!(textarea(&other).value(), "");
}

#[wasm_bindgen_test]
async fn a_failed_send_keeps_the_text_and_the_retry_reuses_the_key() {
    clear_storage();
    let attempts = Rc::new(RefCell::new(0));
    let api = {
        let attempts = attempts.clone();
        FakeApi::install(move |s| {
            if s.method != "POST" {
                return list(vec![comment("a", None, "Lan", "Một")]);
            }
            *attempts.borrow_mut() += 1;
            match *attempts.borrow() {
                1 => Reply::NetworkError,
                2 => Reply::Json(
                    503,
                    r#"{"error":{"code":"unavailable","message":"down"}}"#.into(),
                ),
                _ => Reply::Json(
                    201,
                    serde_json::json!({"comment": comment("new", None, "Hà", "Giữ nguyên nhé")})
                        .to_string(),
                ),
            }
        })
    };
    let (host, _handle) = mount("t-retry", &[]);
    wait_for("list", || find(&host, "li.comment[data-id='a']")).await;
    let name: web_sys::HtmlInputElement = find(&host, "input.composer-name")
        .unwrap()
        .dyn_into()
        .unwrap();
    name.set_value("Hà");
    type_into(&textarea(&host), "Giữ nguyên nhé").await;
    send_button(&host).click();

    let error = wait_for("network error", || find(&host, ".composer-error")).await;
    assert!(error.text_content().unwrap().contains("không kết nối được"));
    assert_eq!(
        textarea(&host).value(),
        "Giữ nguyên nhé",
        "nothing typed is lost"
    );
    let retry: HtmlElement = find(&host, "button.composer-retry")
        .unwrap()
        .dyn_into()
        .unwrap();
    retry.click();
    wait_for("server error", || {
        text_of(&host, ".composer-error")
            .contains("Máy chủ")
            .then_some(())
    })
    .await;
    let retry: HtmlElement = find(&host, "button.composer-retry")
        .unwrap()
        .dyn_into()
        .unwrap();
    retry.click();
    wait_for("the new comment", || {
        find(&host, "li.comment[data-id='new']")
    })
    .await;

    let posts = api.posts();
    assert_eq!(posts.len(), 3);
    let key = posts[0]
        .idempotency_key
        .clone()
        .expect("an idempotency key");
    assert!(posts
        .iter()
        .all(|p| p.idempotency_key.as_deref() == Some(&key)));
    let sent: serde_json::Value = serde_json::from_str(&posts[2].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"author": "Hà", "body": "Giữ nguyên nhé", "parent_id": null})
    );
    assert_eq!(textarea(&host).value(), "");
    assert!(find(&host, ".composer-error").is_none());
    assert_eq!(text_of(&host, "h2.comments-title"), "Ý kiến (2)");
    // Newest-first API: the reader's comment is first, right under the composer.
    let first = find(&host, "ol.comment-list > li.comment").unwrap();
    assert_eq!(first.get_attribute("data-id").as_deref(), Some("new"));
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        storage.length().unwrap(),
        1,
        "only the remembered name is left"
    );
}

#[wasm_bindgen_test]
async fn a_reply_held_for_moderation_shows_only_as_awaiting_approval() {
    clear_storage();
    let api = FakeApi::install(|s| {
        if s.method == "POST" {
            let mut held = comment("r1", Some("a"), "Khách", "Chờ duyệt");
            held["status"] = "pending".into();
            Reply::Json(
                202,
                serde_json::json!({"comment": held, "pending_token": "tok"}).to_string(),
            )
        } else {
            list(vec![comment("a", None, "Lan", "Một")])
        }
    });
    let (host, mut handle) = mount("t-held", &[]);
    let item = wait_for("list", || find(&host, "li.comment[data-id='a']")).await;
    let reply: HtmlElement = item
        .query_selector("button.comment-reply")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    reply.click();
    let form = wait_for("reply form", || {
        item.query_selector("form.composer").ok().flatten()
    })
    .await;
    let area: HtmlTextAreaElement = form
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    type_into(&area, "Chờ duyệt").await;
    let send: HtmlElement = form
        .query_selector("button.composer-send")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    send.click();
    let pending = wait_for("held reply", || {
        find(&host, "li.comment.is-pending[data-id='r1']")
    })
    .await;
    assert_eq!(
        pending
            .query_selector(".comment-pending")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Đang chờ duyệt"
    );
    assert!(
        find(
            &host,
            "li.comment[data-id='a'] ol.comment-replies li[data-id='r1']"
        )
        .is_some(),
        "under its parent"
    );
    let sent: serde_json::Value = serde_json::from_str(&api.posts()[0].body).unwrap();
    assert_eq!(sent["parent_id"], "a");
    assert!(pending
        .text_content()
        .unwrap()
        .contains("sau khi được duyệt"));
    assert!(
        item.query_selector("form.composer").unwrap().is_none(),
        "the reply form closed"
    );
    assert_eq!(
        text_of(&host, "h2.comments-title"),
        "Ý kiến (1)",
        "held comments are not counted"
    );

    // After a reload the API still does not list it, but its author still sees it.
    handle.unmount();
    let (host, _handle) = mount("t-held", &[]);
    wait_for("held reply after remount", || {
        find(
            &host,
            "li.comment[data-id='a'] ol.comment-replies li.is-pending[data-id='r1']",
        )
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_list_that_fails_offers_retry_and_keeps_the_draft() {
    clear_storage();
    let calls = Rc::new(RefCell::new(0));
    let _api = {
        let calls = calls.clone();
        FakeApi::install(move |_| {
            *calls.borrow_mut() += 1;
            if *calls.borrow() == 1 {
                Reply::Json(200, "<html>not json".into())
            } else {
                list(vec![comment("a", None, "Lan", "Một")])
            }
        })
    };
    let (host, _handle) = mount("t-fail", &[]);
    wait_for("composer", || find(&host, "textarea.composer-body")).await;
    type_into(&textarea(&host), "đang viết").await;
    let error = wait_for("error", || find(&host, ".comments-error")).await;
    assert!(error
        .text_content()
        .unwrap()
        .contains("Không tải được ý kiến."));
    let retry: HtmlElement = find(&host, "button.comments-retry")
        .unwrap()
        .dyn_into()
        .unwrap();
    retry.click();
    wait_for("list after retry", || {
        find(&host, "li.comment[data-id='a']")
    })
    .await;
    assert_eq!(textarea(&host).value(), "đang viết");
}

#[wasm_bindgen_test]
async fn text_typed_while_sending_is_kept_and_the_form_cannot_send_twice() {
    clear_storage();
    let api = FakeApi::install(|s| {
        if s.method == "POST" {
            Reply::Held(
                201,
                serde_json::json!({"comment": comment("s1", None, "Khách", "Lần một")}).to_string(),
            )
        } else {
            list(vec![])
        }
    });
    let (host, _handle) = mount("t-typing", &[]);
    wait_for("empty state", || find(&host, ".comments-empty")).await;
    let area = textarea(&host);
    type_into(&area, "Lần một").await;
    send_button(&host).click();
    wait_for("the post", || api.posts().first().cloned()).await;
    yew::scheduler::flush().await;
    assert!(
        send_button(&host).disabled(),
        "no second send while the first is in flight"
    );
    assert_eq!(text_of(&host, "button.composer-send"), "Đang gửi…");
    ctrl_enter(&area);
    type_into(&area, "Lần một, và thêm nữa").await;
    api.release();
    wait_for("the comment", || find(&host, "li.comment[data-id='s1']")).await;
    assert_eq!(api.posts().len(), 1);
    assert_eq!(
        area.value(),
        "Lần một, và thêm nữa",
        "newer text is not cleared"
    );
}

#[wasm_bindgen_test]
async fn after_a_panic_every_widget_says_so_in_its_language() {
    clear_storage();
    let _api = FakeApi::install(|_| list(vec![comment("a", None, "Lan", "Một")]));
    let (vi, _h1) = mount("t-crash-vi", &[]);
    let (en, _h2) = mount("t-crash-en", &[("lang", "en")]);
    wait_for("lists", || {
        find(&en, "li.comment").and(find(&vi, "li.comment"))
    })
    .await;
    // What the panic hook runs (a real panic would abort this test's module too).
    ykien::show_crashed();
    assert_eq!(
        text_of(&vi, "[role=alert]"),
        "Đã xảy ra lỗi. Vui lòng tải lại trang."
    );
    assert_eq!(
        text_of(&en, "[role=alert]"),
        "Something went wrong. Please reload the page."
    );
    assert!(find(&vi, "textarea").is_none(), "the frozen widget is gone");
}

/// Polls like `wait_for`, for up to `ms` (timeouts take seconds).
async fn wait_long<T>(what: &str, ms: i32, mut find: impl FnMut() -> Option<T>) -> T {
    for _ in 0..ms / 20 {
        if let Some(v) = find() {
            return v;
        }
        sleep(20).await;
        yew::scheduler::flush().await;
    }
    panic!("timed out after {ms} ms waiting for {what}");
}

#[wasm_bindgen_test]
async fn a_send_without_an_answer_in_time_can_be_sent_again_as_the_same_request() {
    clear_storage();
    let posts = Rc::new(RefCell::new(0));
    let api = {
        let posts = posts.clone();
        FakeApi::install(move |s| {
            if s.method != "POST" {
                return list(vec![comment("a", None, "Lan", "Một")]);
            }
            *posts.borrow_mut() += 1;
            if *posts.borrow() == 1 {
                // Never answered: the widget must give up after its write timeout.
                return Reply::Held(201, String::new());
            }
            Reply::Json(
                201,
                serde_json::json!({"comment": comment("late", None, "Hà", "Có đến không?")})
                    .to_string(),
            )
        })
    };
    // data-timeout=1: reads 1 s, creates 2 s.
    let (host, _handle) = mount("t-timeout", &[("timeout", "1")]);
    wait_for("list", || find(&host, "li.comment[data-id='a']")).await;
    type_into(&textarea(&host), "Có đến không?").await;
    send_button(&host).click();
    wait_for("sending", || {
        text_of(&host, "button.composer-send")
            .contains("Đang gửi")
            .then_some(())
    })
    .await;
    let error = wait_long("the no-answer message", 4_000, || {
        find(&host, ".composer-error")
    })
    .await;
    assert!(
        error
            .text_content()
            .unwrap()
            .contains("chưa rõ ý kiến đã đến"),
        "{:?}",
        error.text_content()
    );
    assert_eq!(text_of(&host, "button.composer-retry"), "Gửi lại");
    assert_eq!(textarea(&host).value(), "Có đến không?", "the text is kept");
    assert!(!send_button(&host).disabled(), "the form is usable again");

    let resend: HtmlElement = find(&host, "button.composer-retry")
        .unwrap()
        .dyn_into()
        .unwrap();
    resend.click();
    wait_for("the comment", || find(&host, "li.comment[data-id='late']")).await;
    let sent = api.posts();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].idempotency_key, sent[1].idempotency_key);
    assert!(sent[0].idempotency_key.is_some());
    assert_eq!(sent[0].body, sent[1].body, "byte for byte the same request");
    assert_eq!(textarea(&host).value(), "");
}

/// A held comment remembered on this device with its secret token.
fn remember_held(thread: &str, id: &str, token: &str) {
    let key = format!("ykien:held:{}:{thread}", thread.len());
    let value = serde_json::json!([{
        "id": id, "num": false, "parent": null, "author": "Lan", "body": "Chờ duyệt",
        "html": false, "at": 1_700_000_000_000_i64, "saved": js_sys::Date::now() as i64,
        "token": token,
    }]);
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(&key, &value.to_string()).unwrap();
}

#[wasm_bindgen_test]
async fn a_rejected_comment_is_shown_to_its_author_once() {
    clear_storage();
    remember_held("t-rejected", "h1", "tok1");
    let api = FakeApi::install(|s| {
        let mut comments = vec![comment("a", None, "Minh", "Công khai")];
        if s.url.contains("pending=tok1") {
            let mut held = comment("h1", None, "Lan", "Chờ duyệt");
            held["status"] = "rejected".into();
            comments.push(held);
        }
        list(comments)
    });
    let (host, handle) = mount("t-rejected", &[]);
    let item = wait_for("the rejected comment", || {
        find(&host, "li.comment.is-rejected[data-id='h1']")
    })
    .await;
    assert!(item.text_content().unwrap().contains("Không được duyệt"));
    assert!(
        find(&host, "li.comment[data-id='h1'] button.comment-reply").is_none(),
        "nobody answers a rejected comment"
    );
    assert!(api.seen()[0].url.contains("pending=tok1"));
    drop(handle);

    // Forgotten: the next visit neither sends the token nor shows it.
    let (host, _handle) = mount("t-rejected", &[]);
    wait_for("the list", || find(&host, "li.comment[data-id='a']")).await;
    let last = api.seen().last().cloned().unwrap();
    assert!(!last.url.contains("pending="), "{}", last.url);
    assert!(find(&host, "li.comment[data-id='h1']").is_none());
}

#[wasm_bindgen_test]
async fn a_deleted_comment_stays_only_as_the_context_of_its_replies() {
    clear_storage();
    let _api = FakeApi::install(|_| {
        let mut gone = comment("gone", None, "", "");
        gone["status"] = "deleted".into();
        let mut leaf = comment("leaf", None, "", "");
        leaf["status"] = "deleted".into();
        list(vec![
            gone,
            comment("r", Some("gone"), "Hà", "Trả lời vẫn còn"),
            leaf,
            comment("b", None, "Minh", "Bình thường"),
        ])
    });
    let (host, _handle) = mount("t-deleted", &[]);
    wait_for("the list", || find(&host, "li.comment[data-id='b']")).await;
    let placeholder = find(&host, "li.comment.is-deleted[data-id='gone']").expect("placeholder");
    assert_eq!(text_of(&host, ".comment-deleted"), "Bình luận đã bị xóa");
    assert!(
        placeholder
            .query_selector("li.comment[data-id='r']")
            .unwrap()
            .is_some(),
        "its reply keeps its place"
    );
    assert!(find(&host, "li.comment[data-id='leaf']").is_none());
    assert!(find(&host, "li.is-deleted > .comment-reply").is_none());
}

#[wasm_bindgen_test]
async fn guest_names_read_in_the_readers_language() {
    clear_storage();
    let _api = FakeApi::install(|_| {
        list(vec![
            comment("a", None, "", "Không tên"),
            comment("b", None, "Khách", "Tên khách tiếng Việt"),
            comment("c", None, "Guest", "Tên khách tiếng Anh"),
            comment("d", None, "Lan", "Có tên"),
        ])
    });
    let (host, _handle) = mount("t-guests", &[("lang", "en")]);
    wait_for("the list", || find(&host, "li.comment[data-id='d']")).await;
    let names: Vec<String> = ["a", "b", "c", "d"]
        .iter()
        .map(|id| {
            text_of(
                &host,
                &format!("li.comment[data-id='{id}'] .comment-author"),
            )
        })
        .collect();
    assert_eq!(names, ["Guest", "Guest", "Guest", "Lan"]);
}
