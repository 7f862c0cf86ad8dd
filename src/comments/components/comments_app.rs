//! Comment section root: heading with the count, composer, list, paging. Owns the
//! thread state; the composer owns what the reader types, so typing never re-renders
//! the list.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::AbortController;
use yew::prelude::*;

use super::comment_list::{comment_list, BodyCache, ListView};
use super::Composer;
use crate::comments::adapter::{Adapter, Comment, Id, ListPage, Order, Page, Status};
use crate::comments::backend::{adapter_from_text, Backend};
use crate::comments::held;
use crate::comments::hooks::use_font_scale;
use crate::comments::thread::Thread;
use crate::config::{AdapterSource, CommentsConfig, DEFAULT_TIMEOUT_S};
use crate::i18n::{comments_heading, Lang};
use crate::platform::dom::{console_error, console_warn};
use crate::platform::error::LoadError;
use crate::platform::http::Answer;
use crate::platform::json;
use crate::platform::later::Later;

#[derive(Properties)]
pub struct CommentsAppProps {
    pub config: Rc<CommentsConfig>,
    pub lang: Lang,
    /// The first page, when the main part already asked for it (`comments::slot`);
    /// otherwise the section asks itself.
    pub first: Option<Later<Result<Answer, LoadError>>>,
}

impl PartialEq for CommentsAppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.config, &other.config) && self.lang == other.lang
    }
}

/// The backend, once the adapter is read (an adapter URL is fetched first).
#[derive(Clone, PartialEq)]
enum Setup {
    Pending,
    Ready(Rc<Backend>),
    Broken,
}

/// The reader's own comment as the API accepted it.
pub struct Posted {
    pub comment: Comment,
    /// The API's secret token for it, if it gives one (kept for a held comment).
    pub token: Option<String>,
    /// The comment it answers, as the reader chose it (the API's answer may say
    /// otherwise, or nothing).
    pub replied_to: Option<Id>,
}

/// What every part of the section shares. Created once per backend, so consumers
/// never re-render because of it.
pub struct Ctx {
    pub backend: Rc<Backend>,
    pub lang: Lang,
    pub limit: usize,
    /// The shortest comment the API takes (`data-min-length`, `create.minLength`).
    pub min: usize,
    /// The optional composer fields the API wants.
    pub fields: crate::comments::adapter::Fields,
    pub depth: usize,
    pub on_posted: Callback<Posted>,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.backend, &other.backend) && self.on_posted == other.on_posted
    }
}

#[derive(Clone)]
struct Feed {
    /// Shared, not cloned, by each new state: copying a 1,000-comment index on every
    /// action was a measurable part of rendering. Only the reducer mutates it, and
    /// never while calling out of the module.
    thread: Rc<RefCell<Thread>>,
    status: Load,
    order: Order,
    /// The thread id, for the held comments remembered on this device.
    id: String,
    /// Bumped by every page, so effects can run after it is on screen.
    pages: u32,
}

#[derive(Clone, PartialEq)]
enum Load {
    Idle,
    Loading,
    Failed(LoadError),
}

enum Action {
    Loading,
    Page(ListPage),
    Failed(LoadError),
    Posted(Posted),
}

impl Reducible for Feed {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut feed = Rc::unwrap_or_clone(self);
        match action {
            Action::Loading => feed.status = Load::Loading,
            Action::Failed(e) => feed.status = Load::Failed(e),
            Action::Page(page) => {
                feed.status = Load::Idle;
                feed.pages = feed.pages.wrapping_add(1);
                let now = js_sys::Date::now();
                // Held comments the API has decided on: published ones are shown from
                // the list from now on; a rejected one is shown this once.
                held::forget(&feed.id, now, |id| {
                    page.comments
                        .iter()
                        .any(|c| c.id == *id && c.status != Status::Pending)
                });
                let Ok(mut thread) = feed.thread.try_borrow_mut() else {
                    console_error("ykien: internal: the thread was busy; a page was dropped");
                    return Rc::new(feed);
                };
                let first = !thread.is_loaded();
                let dups = thread.add_page(page);
                if dups > 0 {
                    console_warn(&format!("ykien: {dups} duplicate comment id(s) ignored"));
                }
                if first {
                    for c in held::load(&feed.id, now) {
                        // Listed already (the API shows its author a held comment).
                        if !thread.contains(&c.id) {
                            thread.add_own(c, feed.order, None);
                        }
                    }
                }
            }
            Action::Posted(posted) => {
                let Posted {
                    comment,
                    token,
                    replied_to,
                } = posted;
                if comment.is_pending() {
                    held::remember(&feed.id, &comment, token.as_deref(), js_sys::Date::now());
                }
                let Ok(mut thread) = feed.thread.try_borrow_mut() else {
                    console_error(
                        "ykien: internal: the thread was busy; reload to see your comment",
                    );
                    return Rc::new(feed);
                };
                let placed = thread.add_own(comment, feed.order, replied_to.as_ref());
                if let Some(id) = placed.id_taken {
                    console_warn(&format!(
                        "ykien: the comment API answered a new comment with id {}, which is already in the list; it is shown with a local id",
                        json::quote(&id.text)
                    ));
                }
                if let Some((said, shown)) = placed.parent_replaced {
                    console_warn(&format!(
                        "ykien: the comment API answered a new reply with parent {}, which is not on the page; it is shown under the comment replied to, {}",
                        json::quote(&said.text),
                        json::quote(&shown.text)
                    ));
                }
                if let Some(parent) = placed.parent_missing {
                    console_warn(&format!(
                        "ykien: the comment API answered a new reply with parent {}, which is not on the page; it is shown at the top level",
                        json::quote(&parent.text)
                    ));
                }
            }
        }
        Rc::new(feed)
    }
}

#[component]
pub fn CommentsApp(props: &CommentsAppProps) -> Html {
    let scale = use_font_scale();
    let setup = use_setup(&props.config);
    let lang = props.lang;
    let size = props
        .config
        .scale_text
        .then(|| format!("fs-{}", scale.index()));
    let first = use_mut_ref(|| props.first.clone());
    let body = match &*setup {
        Setup::Pending => html! {
            <section class="comments" aria-labelledby="ykien-comments-title" aria-busy="true">
                { heading(lang, Heading::Loading) }
                { loading_view(lang) }
            </section>
        },
        Setup::Broken => html! {
            <section class="comments" aria-labelledby="ykien-comments-title">
                { heading(lang, Heading::Failed) }
                <div class="comments-error" role="alert"><p>{lang.comments().adapter_failed}</p></div>
            </section>
        },
        Setup::Ready(backend) => html! {
            <Section backend={backend.clone()} config={props.config.clone()} {lang} {first} />
        },
    };
    html! {
        <div class={classes!("ykien", size)} lang={lang.code()}>
            { body }
        </div>
    }
}

/// The backend: at once for the default or an inline adapter (so the composer is
/// there from the first paint), after fetching it for an adapter URL.
#[hook]
fn use_setup(config: &Rc<CommentsConfig>) -> UseStateHandle<Setup> {
    let make = {
        let config = config.clone();
        move |adapter: Result<Adapter, String>| match adapter {
            Ok(adapter) => Setup::Ready(Rc::new(Backend::new(
                adapter,
                config.api.clone(),
                config.thread.clone(),
                config.timeout_s,
            ))),
            Err(message) => {
                console_error(&message);
                Setup::Broken
            }
        }
    };
    let setup = {
        let make = make.clone();
        let config = config.clone();
        use_state(move || match &config.adapter {
            AdapterSource::Default => make(Ok(Adapter::default())),
            AdapterSource::Inline(text) => make(adapter_from_text(text)),
            AdapterSource::Url(_) => Setup::Pending,
        })
    };
    {
        let setup = setup.clone();
        let config = config.clone();
        use_effect_with((), move |_| {
            let AdapterSource::Url(url) = &config.adapter else {
                return;
            };
            let url = url.clone();
            let timeout_ms = config
                .timeout_s
                .unwrap_or(DEFAULT_TIMEOUT_S)
                .saturating_mul(1000);
            wasm_bindgen_futures::spawn_local(async move {
                let adapter = crate::platform::http::get_text(&url, timeout_ms, None)
                    .await
                    .map_err(|e| e.operator_message(&url))
                    .and_then(|text| adapter_from_text(&text));
                setup.set(make(adapter));
            });
        });
    }
    setup
}

enum Heading {
    /// Before the first page: "Ý kiến ()", the seed page's own loading state,
    /// styled as a placeholder.
    Loading,
    /// The first page failed: no empty "()" next to the error.
    Failed,
    Count(Option<u64>),
}

fn heading(lang: Lang, state: Heading) -> Html {
    let (text, placeholder) = match state {
        Heading::Loading => (comments_heading(lang, None), true),
        Heading::Failed => (lang.strings().comments_title.to_owned(), false),
        Heading::Count(n) => (comments_heading(lang, n), n.is_none()),
    };
    html! {
        <h2 class={classes!("comments-title", placeholder.then_some("is-placeholder"))}
            id="ykien-comments-title">{text}</h2>
    }
}

fn loading_view(lang: Lang) -> Html {
    html! {
        <div class="comments-loading">
            <p class="status" role="status">{lang.strings().loading}</p>
            <div class="skeleton" aria-hidden="true">
                { for (0..3).map(|_| html! {
                    <div class="sk-comment">
                        <span class="sk-line sk-name"></span>
                        <span class="sk-line"></span>
                        <span class="sk-line sk-short"></span>
                    </div>
                }) }
            </div>
        </div>
    }
}

type FirstPage = Rc<RefCell<Option<Later<Result<Answer, LoadError>>>>>;

#[derive(Properties)]
struct SectionProps {
    backend: Rc<Backend>,
    config: Rc<CommentsConfig>,
    lang: Lang,
    /// Taken by the first load.
    first: FirstPage,
}

impl PartialEq for SectionProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.backend, &other.backend)
            && Rc::ptr_eq(&self.config, &other.config)
            && Rc::ptr_eq(&self.first, &other.first)
            && self.lang == other.lang
    }
}

#[component]
fn Section(props: &SectionProps) -> Html {
    let lang = props.lang;
    let s = lang.strings();
    let c = lang.comments();
    let feed = use_reducer(|| Feed {
        thread: Rc::new(RefCell::new(Thread::new())),
        status: Load::Idle,
        order: props.backend.adapter.order(),
        id: props.backend.thread.clone(),
        pages: 0,
    });
    // Set when "Xem thêm" asked for a page: the number of comments shown before it,
    // so focus can go to the first new one if the button goes away.
    let more_from = use_mut_ref(|| None::<u32>);
    let in_flight = use_mut_ref(|| Rc::new(Cell::new(false)));
    let replying = use_state(|| None::<Id>);
    let bodies: BodyCache = use_mut_ref(HashMap::new);
    let list_ref = use_node_ref();
    // Closing a reply form returns focus to its Reply button, so keyboard users keep
    // their place.
    let close_reply = {
        let replying = replying.clone();
        let list_ref = list_ref.clone();
        use_callback((*replying).clone(), move |_: (), open| {
            let open = open.clone();
            replying.set(None);
            let (Some(open), Some(list)) = (open, list_ref.cast::<web_sys::Element>()) else {
                return;
            };
            let Ok(items) = list.query_selector_all("li.comment") else {
                return;
            };
            for i in 0..items.length() {
                let Some(li) = items
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                if li.get_attribute("data-id").as_deref() == Some(open.text.as_str()) {
                    // The item's own button, not one of its replies'.
                    let button = li
                        .query_selector(":scope > button.comment-reply")
                        .ok()
                        .flatten()
                        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(b) = button {
                        let _ = b.focus();
                    }
                    break;
                }
            }
        })
    };
    let controller = use_mut_ref(|| None::<AbortController>);

    let ctx = {
        let dispatcher = feed.dispatcher();
        let backend = props.backend.clone();
        let config = props.config.clone();
        use_memo((), move |_| {
            let (min, limit) = config.length_limits(&backend.adapter);
            Ctx {
                fields: config.fields(&backend.adapter),
                backend,
                lang,
                limit,
                min,
                depth: config.depth,
                on_posted: Callback::from(move |c| dispatcher.dispatch(Action::Posted(c))),
            }
        })
    };

    let load = {
        let dispatcher = feed.dispatcher();
        let backend = props.backend.clone();
        let in_flight = in_flight.borrow().clone();
        let controller = controller.clone();
        let first = props.first.clone();
        Callback::from(move |page: Page| {
            if in_flight.replace(true) {
                return;
            }
            // The first page may already be on its way (asked for by the main part
            // while this code was downloading); only the first load uses it.
            let prefetched = match page {
                Page::First => first.try_borrow_mut().ok().and_then(|mut f| f.take()),
                _ => None,
            };
            dispatcher.dispatch(Action::Loading);
            // Creating the first Intl formatter loads locale data (~10 ms): do it while
            // the network is busy rather than after the answer.
            crate::comments::times::warm_up(lang);
            let abort = AbortController::new().ok();
            let signal = abort.as_ref().map(AbortController::signal);
            *controller.borrow_mut() = abort;
            let dispatcher = dispatcher.clone();
            let backend = backend.clone();
            let in_flight = in_flight.clone();
            let tokens = if backend.adapter.tracks_held() {
                held::tokens(&backend.thread, js_sys::Date::now())
            } else {
                Vec::new()
            };
            wasm_bindgen_futures::spawn_local(async move {
                let answer = match prefetched {
                    Some(first) => first.take().await,
                    None => None,
                };
                let result = match answer {
                    Some(answer) => answer.and_then(|a| backend.read_page(&a, &page)),
                    None => backend.list(&page, &tokens, signal.as_ref()).await,
                };
                in_flight.set(false);
                if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                    return;
                }
                match result {
                    Ok(page) => {
                        for p in &page.problems {
                            console_warn(&format!(
                                "ykien: comment skipped or partly read, {}",
                                p.describe()
                            ));
                        }
                        dispatcher.dispatch(Action::Page(page));
                    }
                    Err(e) => {
                        console_error(&e.operator_message(&backend.list_url()));
                        dispatcher.dispatch(Action::Failed(e));
                    }
                }
            });
        })
    };

    // The first page at once (the main part mounts the section when it is near the
    // viewport); a pending request is aborted when the widget is unmounted.
    {
        let load = load.clone();
        let controller = controller.clone();
        use_effect_with((), move |_| {
            load.emit(Page::First);
            move || {
                if let Some(c) = controller.borrow_mut().take() {
                    c.abort();
                }
            }
        });
    }

    // A page of replies whose parents are on later pages shows nothing yet: load
    // on at once (a few pages at most) rather than leave the list empty.
    {
        let load = load.clone();
        let thread = feed.thread.clone();
        let backend = props.backend.clone();
        use_effect_with(feed.pages, move |_| {
            let next = thread
                .try_borrow()
                .ok()
                .filter(|t| t.is_loaded() && t.roots().is_empty())
                .and_then(|t| t.next_page().cloned());
            if let (Some(next), true) =
                (next, (1..=MAX_BLANK_PAGES).contains(&backend.blank_pages()))
            {
                load.emit(next);
            }
        });
    }

    // After "Xem thêm" loaded the last page the button is gone: focus moves to the
    // first comment it brought instead of falling to the page's body.
    {
        let more_from = more_from.clone();
        let list_ref = list_ref.clone();
        let thread = feed.thread.clone();
        use_effect_with(feed.pages, move |_| {
            let from = more_from.borrow_mut().take();
            let done = thread.try_borrow().is_ok_and(|t| t.next_page().is_none());
            if let (Some(from), true, Some(list)) =
                (from, done, list_ref.cast::<web_sys::Element>())
            {
                focus_item(&list, from);
            }
        });
    }

    let Ok(thread) = feed.thread.try_borrow() else {
        return loading_view(lang);
    };
    let next = thread.next_page().cloned();
    let status = match (&feed.status, thread.is_loaded()) {
        (Load::Loading, false) | (Load::Idle, false) => loading_view(lang),
        (Load::Failed(e), false) => {
            let retry = {
                let load = load.clone();
                Callback::from(move |_: MouseEvent| load.emit(Page::First))
            };
            html! {
                <div class="comments-error" role="alert">
                    <p class="error-title">{s.comments_failed}</p>
                    <p class="error-detail">{e.reader_message(lang)}</p>
                    <button type="button" class="btn comments-retry" onclick={retry}>{s.retry}</button>
                </div>
            }
        }
        (_, true) if thread.is_empty() && next.is_none() => html! {
            <p class="comments-empty">{c.comments_empty}</p>
        },
        _ => Html::default(),
    };
    // The button stays the same element while its page loads (busy, ignoring
    // presses), so a keyboard reader pressing Enter page after page keeps focus.
    let more = match (&feed.status, next, thread.is_loaded()) {
        (_, None, _) | (_, _, false) => Html::default(),
        (status, Some(page), true) => {
            let failed = matches!(status, Load::Failed(_));
            let loading = matches!(status, Load::Loading);
            let onclick = {
                let load = load.clone();
                let more_from = more_from.clone();
                let shown = u32::try_from(thread.roots().len()).unwrap_or(u32::MAX);
                Callback::from(move |_: MouseEvent| {
                    *more_from.borrow_mut() = Some(shown);
                    load.emit(page.clone())
                })
            };
            let label = if loading {
                c.loading_more
            } else if failed {
                s.retry
            } else {
                c.load_more
            };
            html! {
                <div class="comments-more-wrap">
                    if failed {
                        <p class="comments-error" role="alert">{c.more_failed}</p>
                    }
                    <button type="button" class="btn comments-more" {onclick}
                        aria-busy={loading.then_some("true")} aria-disabled={loading.then_some("true")}>
                        {label}
                    </button>
                    if loading {
                        <p class="comments-more-status visually-hidden" role="status">{c.loading_more}</p>
                    }
                </div>
            }
        }
    };
    let busy = matches!(feed.status, Load::Loading) || !thread.is_loaded();
    let title = match (&feed.status, thread.is_loaded()) {
        (Load::Failed(_), false) => Heading::Failed,
        (_, false) => Heading::Loading,
        (_, true) => Heading::Count(thread.count()),
    };

    // One listener for every Reply button in the list (see `comment_list`).
    let onclick = {
        let replying = replying.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(button) = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|t| t.closest("button.comment-reply").ok().flatten())
            else {
                return;
            };
            let Some(id) = button
                .closest("li.comment")
                .ok()
                .flatten()
                .and_then(|li| li.get_attribute("data-id"))
            else {
                return;
            };
            let same = replying.as_ref().is_some_and(|open| open.text == id);
            replying.set((!same).then_some(Id {
                text: id,
                numeric: false,
            }));
        })
    };
    let view = ListView {
        lang,
        depth: props.config.depth,
        replying: replying.as_ref(),
        on_close: &close_reply,
        bodies: &bodies,
        now_ms: js_sys::Date::now(),
    };

    html! {
        <ContextProvider<Rc<Ctx>> context={ctx.clone()}>
            <section class="comments" aria-labelledby="ykien-comments-title"
                aria-busy={busy.then_some("true")}>
                { heading(lang, title) }
                <Composer />
                { status }
                <div class="comments-list-wrap" ref={list_ref} {onclick}>
                    { comment_list(thread.roots(), &view) }
                </div>
                { more }
            </section>
        </ContextProvider<Rc<Ctx>>>
    }
}

/// Pages loaded on by themselves while the list shows nothing.
const MAX_BLANK_PAGES: u32 = 10;

/// Focuses the top-level comment at `index` (made focusable for this: it is not a
/// control, so it leaves the tab order again on blur).
fn focus_item(list: &web_sys::Element, index: u32) {
    let Ok(items) = list.query_selector_all(":scope > ol > li.comment") else {
        return;
    };
    let Some(li) = items
        .item(index)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let _ = li.set_attribute("tabindex", "-1");
    let _ = li.focus();
}
