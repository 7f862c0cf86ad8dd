//! Render mode: the article fetched as JSON and rendered by the widget, with a
//! loading state, an error with retry in the reader's language, and the body passed
//! through the allowlist sanitizer. Plain DOM: this is in every reader's download.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{AbortController, Document, Element};

use super::controls::FontControls;
use super::font_scale::{self, Subscription};
use super::source::{published_line, Article};
use crate::i18n::Lang;
use crate::platform::dom::{append, console_error, el, set_attrs, text_el};
use crate::platform::error::LoadError;
use crate::platform::http::fetch_article;
use crate::sanitize::sanitize_html;

/// A rendered (or loading) article; [`Rendered::unmount`] stops everything it
/// started.
pub struct Rendered {
    state: Rc<State>,
}

struct State {
    doc: Document,
    /// The `.ykien` wrapper inside the shadow root; its content is replaced as the
    /// article loads, fails or arrives.
    wrapper: Element,
    url: String,
    lang: Lang,
    timeout_ms: u32,
    /// The fetch in flight, aborted by a retry or unmount so a late answer never
    /// lands in an article that is gone.
    controller: RefCell<Option<AbortController>>,
    /// What the current content needs kept alive (the retry button, the controls,
    /// the size subscription).
    live: RefCell<Live>,
    gone: std::cell::Cell<bool>,
}

#[derive(Default)]
struct Live {
    listeners: Vec<EventListener>,
    _controls: Option<FontControls>,
    _size: Option<Subscription>,
}

impl Rendered {
    pub fn mount(
        doc: &Document,
        root: &Element,
        url: String,
        lang: Lang,
        timeout_ms: u32,
    ) -> Option<Rendered> {
        let wrapper = el(doc, "div", "ykien")?;
        set_attrs(&wrapper, &[("lang", lang.code())]);
        root.append_child(&wrapper).ok()?;
        let state = Rc::new(State {
            doc: doc.clone(),
            wrapper,
            url,
            lang,
            timeout_ms,
            controller: RefCell::new(None),
            live: RefCell::new(Live::default()),
            gone: std::cell::Cell::new(false),
        });
        load(&state);
        Some(Rendered { state })
    }

    pub fn unmount(self) {
        self.state.gone.set(true);
        abort(&self.state);
        if let Ok(mut live) = self.state.live.try_borrow_mut() {
            *live = Live::default();
        }
    }
}

fn abort(state: &State) {
    if let Some(c) = crate::platform::take(&state.controller) {
        c.abort();
    }
}

/// Replaces the wrapper's content with `node` and what it needs kept alive.
fn show(state: &State, node: Option<Element>, live: Live) {
    state.wrapper.set_text_content(None);
    if let Some(node) = node {
        let _ = state.wrapper.append_child(&node);
    }
    if let Ok(mut slot) = state.live.try_borrow_mut() {
        *slot = live;
    }
}

fn load(state: &Rc<State>) {
    abort(state);
    show(state, loading(&state.doc, state.lang), Live::default());
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    if let Ok(mut slot) = state.controller.try_borrow_mut() {
        *slot = controller;
    }
    let state = Rc::clone(state);
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch_article(&state.url, state.timeout_ms, signal.as_ref()).await;
        if state.gone.get() || signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
            return;
        }
        match result {
            Ok(article) => ready(&state, &article),
            Err(err) => {
                console_error(&err.operator_message(&state.url));
                failed(&state, &err);
            }
        }
    });
}

/// The same markup as the loader's placeholder, so taking it over moves nothing.
fn loading(doc: &Document, lang: Lang) -> Option<Element> {
    let box_ = el(doc, "div", "article-state loading")?;
    set_attrs(&box_, &[("aria-busy", "true")]);
    let status = text_el(doc, "p", "status", lang.strings().loading);
    if let Some(s) = &status {
        set_attrs(s, &[("role", "status")]);
    }
    let skeleton = el(doc, "div", "skeleton");
    if let Some(sk) = &skeleton {
        set_attrs(sk, &[("aria-hidden", "true")]);
        for class in ["sk-line sk-title", "sk-line", "sk-line", "sk-line sk-short"] {
            append(sk, &[&el(doc, "span", class)]);
        }
    }
    append(&box_, &[&status, &skeleton]);
    Some(box_)
}

fn failed(state: &Rc<State>, err: &LoadError) {
    let doc = &state.doc;
    let s = state.lang.strings();
    let Some(box_) = el(doc, "div", "article-state failed") else {
        return;
    };
    set_attrs(&box_, &[("role", "alert")]);
    let retry = text_el(doc, "button", "btn", s.retry);
    append(
        &box_,
        &[
            &text_el(doc, "p", "error-title", s.article_failed),
            &text_el(doc, "p", "error-detail", err.reader_message(state.lang)),
            &retry,
        ],
    );
    let mut live = Live::default();
    if let Some(button) = &retry {
        set_attrs(button, &[("type", "button")]);
        let again = Rc::downgrade(state);
        live.listeners
            .push(EventListener::new(button, "click", move |_| {
                if let Some(state) = again.upgrade() {
                    load(&state);
                }
            }));
    }
    show(state, Some(box_), live);
}

fn ready(state: &Rc<State>, article: &Article) {
    let doc = &state.doc;
    let lang = state.lang;
    let s = lang.strings();
    let size = |scale: font_scale::FontScale| format!("article fs-{}", scale.index());
    let Some(node) = el(doc, "article", &size(font_scale::current())) else {
        return;
    };
    let meta = el(doc, "div", "article-meta");
    if let (Some(meta), Some(iso)) = (&meta, &article.published_at) {
        // As the newsroom printed it, in the article's own offset.
        if let Some(text) = published_line(iso, lang) {
            let time = text_el(doc, "time", "", &text);
            if let Some(t) = &time {
                set_attrs(t, &[("datetime", iso)]);
            }
            append(meta, &[&time]);
        }
    }
    let controls = meta
        .as_ref()
        .and_then(|m| FontControls::mount(doc, m, lang));
    let body = el(doc, "div", "article-body");
    if let (Some(body), Some(clean)) = (&body, sanitize_html(doc, &article.body_html)) {
        let _ = body.append_child(&clean);
    }
    let byline = article.author.as_ref().and_then(|a| {
        text_el(
            doc,
            "p",
            "article-byline",
            &format!("{} {}", s.byline_prefix, a),
        )
    });
    append(
        &node,
        &[
            &text_el(doc, "h2", "article-title", &article.title),
            &meta,
            &body,
            &byline,
        ],
    );
    let target = node.clone();
    let live = Live {
        listeners: Vec::new(),
        _controls: controls,
        _size: Some(font_scale::subscribe(move |scale| {
            target.set_class_name(&size(scale))
        })),
    };
    show(state, Some(node), live);
}
