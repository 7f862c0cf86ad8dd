//! Where a comment section waits for its reader (main part of the module).
//!
//! Most readers never scroll to the comments, so until the section comes within
//! 600 px of the viewport (or at once with `data-load="eager"`) nothing is fetched:
//! the loader's placeholder shows the loading state. Then the section's part of
//! the module and its first page are fetched together, and the section is mounted
//! when its code is in (it shows its own loading state until the page arrives).
//!
//! Nothing of the adapter machinery is here: it would be in every reader's
//! download. The reference server's first page has a fixed shape
//! ([`first_page_url`], checked against the default adapter in a test). For a
//! site's own adapter, the part of the module that reads it ([`adapter_part`])
//! downloads with the section's part; the section reads the adapter, then asks for
//! the first page itself.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{AbortController, Document, Element};

use super::adapter::{encode_component, Credentials, Request};
use super::adapter_part;
use super::held;
use super::link::PREFIX;
use super::mount::{self, Args, Mounted};
use crate::config::{AdapterSource, CommentsConfig, LoadWhen};
use crate::i18n::Lang;
use crate::platform::dom::{append, el, set_attrs, text_el, when_near, NearWatch};
use crate::platform::http;
use crate::platform::later::Later;
use crate::platform::loader::retire;
use crate::platform::storage;

/// `comments::components::SORT_KEY`, named here too: the main part must not
/// pull in the section's code to read it.
const SORT_KEY: &str = "ykien:sort";

/// How far below the fold loading starts, so comments are usually there by the
/// time the reader scrolls to them.
const MARGIN: &str = "600px 0px";

pub struct Slot {
    state: Rc<State>,
}

struct State {
    doc: Document,
    root: Element,
    /// The loader's placeholder, shown until the section (or an error) replaces it.
    placeholder: RefCell<Option<Element>>,
    config: Rc<CommentsConfig>,
    lang: Lang,
    near: RefCell<Option<NearWatch>>,
    /// Aborts the first page on unmount.
    controller: RefCell<Option<AbortController>>,
    mounted: RefCell<Option<Box<Mounted>>>,
    retry: RefCell<Option<EventListener>>,
    gone: Cell<bool>,
}

impl Slot {
    pub fn mount(
        doc: &Document,
        host: &Element,
        root: Element,
        placeholder: Option<Element>,
        config: Rc<CommentsConfig>,
        lang: Lang,
    ) -> Slot {
        let state = Rc::new(State {
            doc: doc.clone(),
            root,
            placeholder: RefCell::new(placeholder),
            config,
            lang,
            near: RefCell::new(None),
            controller: RefCell::new(None),
            mounted: RefCell::new(None),
            retry: RefCell::new(None),
            gone: Cell::new(false),
        });
        // A link to one comment: the reader came for it, so no waiting.
        if state.config.load == LoadWhen::Eager || linked_comment() {
            start(&state);
        } else {
            let weak = Rc::downgrade(&state);
            let watch = when_near(host, MARGIN, move || {
                if let Some(state) = weak.upgrade() {
                    start(&state);
                }
            });
            if let Ok(mut near) = state.near.try_borrow_mut() {
                *near = watch;
            }
        }
        Slot { state }
    }

    pub fn unmount(self) {
        let state = self.state;
        state.gone.set(true);
        drop(crate::platform::take(&state.near));
        drop(crate::platform::take(&state.retry));
        if let Some(c) = crate::platform::take(&state.controller) {
            c.abort();
        }
        if let Some(m) = crate::platform::take(&state.mounted) {
            m.unmount();
        }
    }
}

fn start(state: &Rc<State>) {
    let state = Rc::clone(state);
    wasm_bindgen_futures::spawn_local(async move {
        // The section's code downloads while the first page loads.
        let part = Later::spawn(mount::preload());
        let timeout_ms = state.config.read_timeout_ms();
        // A site's own adapter needs the part that reads it, too.
        let adapter_part = (state.config.adapter != AdapterSource::Default)
            .then(|| Later::spawn(adapter_part::preload()));
        // A reader with comments awaiting approval sends their tokens with the first
        // page, one who chose another order asks for it, a link asks for the page
        // around its comment: the section does those itself (it has the code).
        let prefetch = state.config.adapter == AdapterSource::Default
            && !held::any(&state.config.thread)
            && !linked_comment()
            && storage::get(SORT_KEY).is_none_or(|s| s == "newest");
        let first = prefetch.then(|| {
            let controller = AbortController::new().ok();
            let signal = controller.as_ref().map(AbortController::signal);
            if let Ok(mut c) = state.controller.try_borrow_mut() {
                *c = controller;
            }
            let config = &state.config;
            let request = Request {
                method: "GET".to_owned(),
                url: first_page_url(&config.api, &config.thread, &[], config.replies_shown),
                headers: Vec::new(),
                body: None,
            };
            Later::spawn(async move {
                http::send(
                    &request,
                    Credentials::SameOrigin,
                    timeout_ms,
                    signal.as_ref(),
                    &[],
                )
                .await
            })
        });
        let loaded = matches!(part.take().await, Some(Ok(())));
        let adapter_loaded = match adapter_part {
            Some(part) => matches!(part.take().await, Some(Ok(()))),
            None => true,
        };
        if state.gone.get() {
            return;
        }
        if !loaded || !adapter_loaded {
            not_loaded(&state);
            return;
        }
        clear(&state);
        let args = Args {
            root: state.root.clone(),
            config: Rc::clone(&state.config),
            lang: state.lang,
            first,
        };
        match mount::mount_part(Box::new(args)).await {
            Ok(section) if state.gone.get() => section.unmount(),
            Ok(section) => {
                if let Ok(mut m) = state.mounted.try_borrow_mut() {
                    *m = Some(section);
                }
            }
            Err(_) => not_loaded(&state),
        }
    });
}

/// The reference server's first page (the default adapter's list request, with the
/// tokens of the reader's held comments and the replies shown at first).
pub fn first_page_url(
    api: &str,
    thread: &str,
    held_tokens: &[String],
    replies: Option<usize>,
) -> String {
    let mut url = format!(
        "{}/threads/{}/comments?limit=10",
        api.trim_end_matches('/'),
        encode_component(thread)
    );
    if !held_tokens.is_empty() {
        url.push_str("&pending=");
        url.push_str(&encode_component(&held_tokens.join(",")));
    }
    if let Some(n) = replies {
        url.push_str(&format!("&replies={n}"));
    }
    url
}

/// Whether the page was opened on a link to one comment (`#ykien-c-…`).
fn linked_comment() -> bool {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h.starts_with(PREFIX))
}

/// Takes away the placeholder (or an earlier error) before new content goes in.
fn clear(state: &State) {
    if let Some(p) = crate::platform::take(&state.placeholder) {
        retire(p);
    }
    state.root.set_text_content(None);
}

fn not_loaded(state: &Rc<State>) {
    let s = state.lang.strings();
    show_error(state, s.comments_failed, s.error_network);
}

/// An error in the section's place, with "Thử lại".
fn show_error(state: &Rc<State>, title: &str, detail: &str) {
    clear(state);
    let doc = &state.doc;
    let s = state.lang.strings();
    let Some(wrapper) = el(doc, "div", "ykien") else {
        return;
    };
    set_attrs(&wrapper, &[("lang", state.lang.code())]);
    let section = el(doc, "section", "comments");
    let alert = el(doc, "div", "comments-error");
    if let Some(alert) = &alert {
        set_attrs(alert, &[("role", "alert")]);
        let retry = text_el(doc, "button", "btn comments-retry", s.retry);
        append(
            alert,
            &[
                &text_el(doc, "p", "error-title", title),
                &text_el(doc, "p", "error-detail", detail),
                &retry,
            ],
        );
        if let Some(button) = retry {
            set_attrs(&button, &[("type", "button")]);
            let weak = Rc::downgrade(state);
            let listener = EventListener::new(&button, "click", move |_| {
                if let Some(state) = weak.upgrade() {
                    start(&state);
                }
            });
            if let Ok(mut r) = state.retry.try_borrow_mut() {
                *r = Some(listener);
            }
        }
    }
    if let Some(section) = &section {
        // No count next to an error: the heading alone.
        append(
            section,
            &[
                &text_el(doc, "h2", "comments-title", s.comments_title),
                &alert,
            ],
        );
    }
    append(&wrapper, &[&section]);
    let _ = state.root.append_child(&wrapper);
}

#[cfg(test)]
mod tests {
    use super::{first_page_url, SORT_KEY};
    use crate::comments::adapter::{Adapter, Context, Page};

    #[test]
    fn the_first_page_is_the_default_adapters_request() {
        for (api, thread, tokens, replies) in [
            ("/api/v1", "demo", vec![], None),
            ("/api/v1", "demo", vec![], Some(3)),
            (
                "https://x.vn/api/",
                "bài 1/2",
                vec!["t1".to_owned(), "t,2".to_owned()],
                Some(0),
            ),
        ] {
            let context = Context {
                reply_limit: replies.map(|n| n as u32),
                ..Context::default()
            };
            assert_eq!(
                first_page_url(api, thread, &tokens, replies),
                Adapter::default()
                    .list_request_in(api, thread, &Page::First, &tokens, &context)
                    .url
            );
        }
        assert_eq!(SORT_KEY, crate::comments::components::SORT_KEY);
    }
}
