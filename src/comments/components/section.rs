//! The comment section once its API is known: heading with the count, composer,
//! order, list, paging, and what a reader does to a comment (like, report, copy
//! its link, edit or delete their own, open its replies).
//!
//! Few hooks on purpose: every hook type is code in every reader's download, so
//! the thread is one reducer (`comments::feed`), what the section shows besides
//! it is one more (`Ui`), and its bookkeeping one memo (`Refs`). The list has one
//! click listener: buttons say what they do in `data-action`, their item which
//! comment.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use web_sys::AbortController;
use yew::prelude::*;

use super::comment_list::{comment_list, BodyCache, Collapse, ListView};
use super::comments_app::{heading, loading_view, Ctx, Heading, Posted};
use super::{class, sort_control, Composer, ReportDialog, Shared};
use crate::comments::adapter::{Comment, Features, Id, Page, Sort};
use crate::comments::backend::{Backend, ListQuery};
use crate::comments::feed::{Action, Feed, Load};
use crate::comments::focus::{focus_comment, focus_item, FocusAfter};
use crate::comments::mine::{Mine, Own};
use crate::comments::reader_actions::{self as act, Liking, RepliesNext};
use crate::comments::{held, link, page_count};
use crate::config::CommentsConfig;
use crate::i18n::Lang;
use crate::platform::dom::{console_error, console_warn};
use crate::platform::error::LoadError;
use crate::platform::http::Answer;
use crate::platform::later::Later;
use crate::platform::storage;

/// Where the reader's chosen order is kept (per site: storage is per origin).
pub const SORT_KEY: &str = "ykien:sort";

/// Pages loaded on by themselves while the list shows nothing.
const MAX_BLANK_PAGES: u32 = 10;

/// How long an action's outcome stays in the live region.
const NOTICE_MS: u32 = 8_000;

pub type FirstPage = Rc<RefCell<Option<Later<Result<Answer, LoadError>>>>>;

#[derive(Properties)]
pub struct SectionProps {
    pub backend: Rc<Backend>,
    pub config: Rc<CommentsConfig>,
    pub lang: Lang,
    /// Taken by the first load.
    pub first: FirstPage,
}

impl PartialEq for SectionProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.backend, &other.backend)
            && Rc::ptr_eq(&self.config, &other.config)
            && Rc::ptr_eq(&self.first, &other.first)
            && self.lang == other.lang
    }
}

/// What the section shows besides the thread.
#[derive(Clone, Default, PartialEq)]
struct Ui {
    /// The comment whose reply form is open.
    replying: Option<Id>,
    /// The reader's comment being edited.
    editing: Option<Id>,
    /// The reader's comment whose deletion awaits "Xóa".
    confirming: Option<Id>,
    /// The comment "Vi phạm" was pressed on (the dialog is open).
    reporting: Option<Id>,
    /// Comments whose thread the reader opened ("Xem N trả lời", their own
    /// reply); their top-level comments show every reply.
    expanded: Vec<Id>,
    replies_loading: Option<Id>,
    replies_failed: Option<Id>,
    /// The outcome of the last action, in the live region.
    notice: String,
    /// The comment a link points to.
    target: Option<Id>,
    /// Bumped when a link on the page is followed, to look for its comment.
    link_tick: u32,
}

enum UiAction {
    Reply(Option<Id>),
    Edit(Option<Id>),
    Confirm(Option<Id>),
    Report(Option<Id>),
    Expand(Id, bool),
    /// Another order: nothing of the old list stays open.
    Reset,
    RepliesLoading(Id),
    RepliesDone(Id, bool),
    Notice(String),
    Target(Id),
    LinkTick,
}

impl Reducible for Ui {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        let mut ui = Rc::unwrap_or_clone(self);
        match action {
            UiAction::Reply(id) => ui.replying = id,
            UiAction::Edit(id) => {
                ui.confirming = None;
                ui.editing = id;
            }
            UiAction::Confirm(id) => ui.confirming = id,
            UiAction::Report(id) => ui.reporting = id,
            UiAction::Expand(id, open) => {
                ui.expanded.retain(|e| *e != id);
                if open {
                    ui.expanded.push(id);
                }
            }
            UiAction::Reset => {
                ui.expanded.clear();
                ui.replying = None;
                ui.editing = None;
                ui.confirming = None;
            }
            UiAction::RepliesLoading(id) => {
                ui.replies_failed = None;
                ui.replies_loading = Some(id);
            }
            UiAction::RepliesDone(id, ok) => {
                ui.replies_loading = None;
                ui.replies_failed = (!ok).then_some(id);
            }
            UiAction::Notice(text) => ui.notice = text,
            UiAction::Target(id) => ui.target = Some(id),
            UiAction::LinkTick => ui.link_tick = ui.link_tick.wrapping_add(1),
        }
        Rc::new(ui)
    }
}

/// The section's bookkeeping: what its callbacks share and nothing renders.
struct Refs {
    features: Features,
    /// The order the load callback asks for when it runs (it may be one made
    /// renders ago).
    sort_now: Cell<Sort>,
    /// Answers to requests made before the order changed are dropped.
    generation: Rc<Cell<u32>>,
    in_flight: Rc<Cell<bool>>,
    controller: RefCell<Option<AbortController>>,
    /// Set when "Xem thêm" asked for a page: the number of comments shown before
    /// it, so focus can go to the first new one if the button goes away.
    more_from: Cell<Option<u32>>,
    replies_next: Rc<RefCell<RepliesNext>>,
    liking: Rc<RefCell<Liking>>,
    notice_timer: RefCell<Option<Timeout>>,
    focus_after: RefCell<Option<FocusAfter>>,
    link: RefCell<LinkSearch>,
    /// The count last written into the page's `data-ykien-count` elements.
    published: Cell<Option<u64>>,
    bodies: BodyCache,
}

/// The linked comment (`#ykien-c-<id>`) being looked for.
#[derive(Clone, Default)]
struct LinkSearch {
    id: Option<Id>,
    /// Pages loaded looking for it.
    pages: u32,
    done: bool,
}

/// The order the reader last chose on this site, if this API offers it.
fn remembered_sort(offered: &[Sort]) -> Option<Sort> {
    storage::get(SORT_KEY)
        .and_then(|k| Sort::from_key(&k))
        .filter(|s| offered.contains(s))
}

#[component]
pub fn Section(props: &SectionProps) -> Html {
    let lang = props.lang;
    let s = lang.strings();
    let c = lang.comments();
    let backend = props.backend.clone();
    let refs = {
        let backend = backend.clone();
        use_memo((), move |_| {
            let features = backend.adapter.features();
            let sort = remembered_sort(&features.sorts)
                .unwrap_or_else(|| Sort::from(backend.adapter.order()));
            Refs {
                features,
                sort_now: Cell::new(sort),
                generation: Rc::default(),
                in_flight: Rc::default(),
                controller: RefCell::new(None),
                more_from: Cell::new(None),
                replies_next: Rc::default(),
                liking: Rc::default(),
                notice_timer: RefCell::new(None),
                focus_after: RefCell::new(None),
                link: RefCell::new(LinkSearch {
                    id: current_link(),
                    ..LinkSearch::default()
                }),
                published: Cell::new(None),
                bodies: Rc::new(RefCell::new(HashMap::new())),
            }
        })
    };
    let feed = {
        let thread = backend.thread.clone();
        let sort = refs.sort_now.get();
        use_reducer(move || Feed::new(&thread, sort))
    };
    let ui = use_reducer(Ui::default);
    let list_ref = use_node_ref();

    let say = {
        let ui = ui.dispatcher();
        let refs = refs.clone();
        Callback::from(move |text: String| {
            ui.dispatch(UiAction::Notice(text));
            let ui = ui.clone();
            // Cleared after a while, so an old message never reads as news.
            let timer = Timeout::new(NOTICE_MS, move || {
                ui.dispatch(UiAction::Notice(String::new()))
            });
            *refs.notice_timer.borrow_mut() = Some(timer);
        })
    };

    let ctx = {
        let feed = feed.dispatcher();
        let ui = ui.dispatcher();
        let backend = backend.clone();
        let config = props.config.clone();
        use_memo((), move |_| {
            let (min, limit) = config.length_limits(&backend.adapter);
            let mine = Rc::new(RefCell::new(Mine::load(
                &backend.thread,
                js_sys::Date::now(),
            )));
            let on_posted = {
                let mine = mine.clone();
                Callback::from(move |posted: Posted| {
                    if let (Some((token, until_ms)), Ok(mut m)) =
                        (posted.grant.clone(), mine.try_borrow_mut())
                    {
                        let own = Own {
                            id: posted.comment.id.text.clone(),
                            token,
                            until_ms,
                        };
                        m.add_own(own, js_sys::Date::now());
                    }
                    // A reply under collapsed replies: its thread opens, so the
                    // reader sees what they wrote.
                    if let Some(parent) = &posted.replied_to {
                        ui.dispatch(UiAction::Expand(parent.clone(), true));
                    }
                    feed.dispatch(Action::Posted(posted));
                })
            };
            Ctx {
                fields: config.fields(&backend.adapter),
                backend,
                lang,
                limit,
                min,
                depth: config.depth,
                on_posted,
                mine,
            }
        })
    };

    let load = {
        let feed = feed.dispatcher();
        let backend = backend.clone();
        let refs = refs.clone();
        let say = say.clone();
        let first = props.first.clone();
        let reply_limit = props
            .config
            .replies_shown
            .and_then(|n| u32::try_from(n).ok());
        Callback::from(move |page: Page| {
            if refs.in_flight.replace(true) {
                return;
            }
            let query = ListQuery {
                sort: Some(refs.sort_now.get()),
                // The page around a linked comment, when the API answers one.
                around: match page {
                    Page::First if refs.features.around => refs
                        .link
                        .try_borrow()
                        .ok()
                        .filter(|l| !l.done)
                        .and_then(|l| l.id.clone()),
                    _ => None,
                },
                reply_limit,
            };
            // The first page may already be on its way (asked for by the main part
            // while this code was downloading); only the first load uses it.
            let prefetched = match page {
                Page::First => first.try_borrow_mut().ok().and_then(|mut f| f.take()),
                _ => None,
            };
            feed.dispatch(Action::Loading);
            // Creating the first Intl formatter loads locale data (~10 ms): do it while
            // the network is busy rather than after the answer.
            crate::comments::times::warm_up(lang);
            let abort = AbortController::new().ok();
            let signal = abort.as_ref().map(AbortController::signal);
            *refs.controller.borrow_mut() = abort;
            let feed = feed.clone();
            let backend = backend.clone();
            let refs = refs.clone();
            let say = say.clone();
            let asked_in = refs.generation.get();
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
                    None => match backend.list(&page, &tokens, &query, signal.as_ref()).await {
                        // No such comment to be around: the list as usual, and the
                        // reader is told.
                        Err(LoadError::Status(404)) if query.around.is_some() => {
                            if let Ok(mut l) = refs.link.try_borrow_mut() {
                                l.done = true;
                            }
                            say.emit(lang.comments().link_not_found.to_owned());
                            let plain = ListQuery {
                                around: None,
                                ..query.clone()
                            };
                            backend.list(&page, &tokens, &plain, signal.as_ref()).await
                        }
                        other => other,
                    },
                };
                if refs.generation.get() != asked_in {
                    return;
                }
                refs.in_flight.set(false);
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
                        feed.dispatch(Action::Page(page));
                    }
                    Err(e) => {
                        console_error(&e.operator_message(&backend.list_url()));
                        feed.dispatch(Action::Failed(e));
                    }
                }
            });
        })
    };

    // Another order (or a link to a comment not shown, on an API that answers
    // around one): the list starts again.
    let restart = {
        let feed = feed.dispatcher();
        let ui = ui.dispatcher();
        let refs = refs.clone();
        let load = load.clone();
        Callback::from(move |sort: Sort| {
            refs.generation.set(refs.generation.get().wrapping_add(1));
            refs.in_flight.set(false);
            if let Some(c) = crate::platform::take(&refs.controller) {
                c.abort();
            }
            if let Ok(mut n) = refs.replies_next.try_borrow_mut() {
                n.clear();
            }
            refs.sort_now.set(sort);
            ui.dispatch(UiAction::Reset);
            feed.dispatch(Action::Sort(sort));
            load.emit(Page::First);
        })
    };

    // On mount: the first page (the main part mounts the section when it is near
    // the viewport), and links followed on the page itself (a comment's time is
    // one). On unmount a pending request is aborted.
    {
        let load = load.clone();
        let refs = refs.clone();
        let thread = feed.thread.clone();
        let ui = ui.dispatcher();
        let restart = restart.clone();
        use_effect_with((), move |_| {
            load.emit(Page::First);
            let on_hash = {
                let refs = refs.clone();
                move |_: &Event| {
                    let Some(id) = current_link() else {
                        return;
                    };
                    let shown = thread.try_borrow().is_ok_and(|t| t.contains(&id));
                    if let Ok(mut l) = refs.link.try_borrow_mut() {
                        *l = LinkSearch {
                            id: Some(id),
                            ..LinkSearch::default()
                        };
                    }
                    if !shown && refs.features.around {
                        restart.emit(refs.sort_now.get());
                    } else {
                        ui.dispatch(UiAction::LinkTick);
                    }
                }
            };
            let listener = web_sys::window().map(|w| EventListener::new(&w, "hashchange", on_hash));
            move || {
                drop(listener);
                if let Some(c) = crate::platform::take(&refs.controller) {
                    c.abort();
                }
            }
        });
    }

    let link_tick = ui.link_tick;
    // After each page (and each followed link): load on while the list shows
    // nothing, go to a linked comment or keep looking for it, and put focus on
    // the first comment "Xem thêm" brought once the button is gone.
    {
        let load = load.clone();
        let thread = feed.thread.clone();
        let backend = backend.clone();
        let refs = refs.clone();
        let ui = ui.dispatcher();
        let say = say.clone();
        let list_ref = list_ref.clone();
        use_effect_with((feed.pages, feed.sort, link_tick), move |_| {
            let Ok(t) = thread.try_borrow() else {
                return;
            };
            if !t.is_loaded() {
                return;
            }
            let next = t.next_page().cloned();
            if let (Some(from), None, Some(list)) = (
                refs.more_from.take(),
                &next,
                list_ref.cast::<web_sys::Element>(),
            ) {
                focus_item(&list, from);
            }
            if t.roots().is_empty() && (1..=MAX_BLANK_PAGES).contains(&backend.blank_pages()) {
                if let Some(next) = next {
                    drop(t);
                    load.emit(next);
                }
                return;
            }
            let Ok(mut search) = refs.link.try_borrow_mut() else {
                return;
            };
            let (Some(id), false) = (search.id.clone(), search.done) else {
                return;
            };
            if t.contains(&id) {
                search.done = true;
                // A reply behind "Xem N trả lời": its thread opens.
                if t.root_of(&id).is_some_and(|r| r != id) {
                    ui.dispatch(UiAction::Expand(id.clone(), true));
                }
                ui.dispatch(UiAction::Target(id.clone()));
                *refs.focus_after.borrow_mut() = Some(FocusAfter {
                    id,
                    button: None,
                    scroll: true,
                });
                return;
            }
            match next {
                Some(next) if search.pages < link::MAX_PAGES => {
                    search.pages += 1;
                    drop(search);
                    drop(t);
                    load.emit(next);
                }
                _ => {
                    search.done = true;
                    say.emit(lang.comments().link_not_found.to_owned());
                }
            }
        });
    }

    // After every render: the focus the last action asked for, now that the list
    // shows it; the count on the page's own elements, when it changed.
    {
        let refs = refs.clone();
        let list_ref = list_ref.clone();
        let count = feed.thread.try_borrow().ok().and_then(|t| t.count());
        let thread_id = backend.thread.clone();
        let lang = ctx.lang;
        use_effect(move || {
            let want = crate::platform::take(&refs.focus_after);
            if let (Some(want), Some(list)) = (want, list_ref.cast::<web_sys::Element>()) {
                focus_comment(&list, &want);
            }
            if let Some(n) = count.filter(|n| refs.published.get() != Some(*n)) {
                refs.published.set(Some(n));
                page_count::publish(&thread_id, n, lang);
            }
        });
    }

    // Closing a reply form returns focus to its Reply button, so keyboard users
    // keep their place.
    let close_reply = {
        let replying = ui.replying.clone();
        let ui = ui.dispatcher();
        let refs = refs.clone();
        use_callback(replying, move |_: (), open| {
            ui.dispatch(UiAction::Reply(None));
            if let Some(id) = open.clone() {
                *refs.focus_after.borrow_mut() = Some(FocusAfter {
                    id,
                    button: Some(".comment-reply"),
                    scroll: false,
                });
            }
        })
    };
    let on_edited = {
        let editing = ui.editing.clone();
        let ui = ui.dispatcher();
        let feed = feed.dispatcher();
        let refs = refs.clone();
        let say = say.clone();
        let ctx = ctx.clone();
        use_callback(editing, move |edited: Option<Comment>, open| {
            ui.dispatch(UiAction::Edit(None));
            let Some(id) = open.clone() else {
                return;
            };
            if let Some(comment) = edited {
                // An edit the API holds for moderation stays visible to its author.
                if comment.is_pending() {
                    let now = js_sys::Date::now();
                    let token = ctx
                        .mine
                        .try_borrow()
                        .ok()
                        .and_then(|m| m.own(&comment.id, now).map(|o| o.token.clone()));
                    held::remember(&ctx.backend.thread, &comment, token.as_deref(), now);
                }
                feed.dispatch(Action::Update(
                    id.clone(),
                    Box::new(move |c: &mut Comment| *c = comment),
                ));
                say.emit(ctx.lang.comments().edit_saved.to_owned());
            }
            *refs.focus_after.borrow_mut() = Some(FocusAfter {
                id,
                button: Some(".comment-edit"),
                scroll: false,
            });
        })
    };

    let Ok(thread) = feed.thread.try_borrow() else {
        return loading_view(lang);
    };
    let Ok(mine) = ctx.mine.try_borrow() else {
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
                let refs = refs.clone();
                let shown = u32::try_from(thread.roots().len()).unwrap_or(u32::MAX);
                Callback::from(move |_: MouseEvent| {
                    refs.more_from.set(Some(shown));
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

    // One listener for every button in the list (see `comment_list`).
    let onclick = {
        let ui_now = ui.clone();
        let ui = ui.dispatcher();
        let feed_state = feed.clone();
        let feed = feed.dispatcher();
        let ctx = ctx.clone();
        let refs = refs.clone();
        let say = say.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(button) = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|t| t.closest("button[data-action]").ok().flatten())
            else {
                return;
            };
            let Some(id) = button
                .closest("li.comment")
                .ok()
                .flatten()
                .and_then(|li| li.get_attribute("data-id"))
                .map(|text| Id {
                    text,
                    numeric: false,
                })
            else {
                return;
            };
            let focus = |button: &'static str| {
                *refs.focus_after.borrow_mut() = Some(FocusAfter {
                    id: id.clone(),
                    button: Some(button),
                    scroll: false,
                });
            };
            match button.get_attribute("data-action").as_deref() {
                Some("reply") => {
                    let same = ui_now.replying.as_ref() == Some(&id);
                    ui.dispatch(UiAction::Reply((!same).then(|| id.clone())));
                }
                Some("like") => act::like(&ctx, &refs.features, &refs.liking, &feed, &say, id),
                Some("link") => act::copy_link(&id, lang, &say),
                Some("report") => ui.dispatch(UiAction::Report(Some(id))),
                Some("edit") => ui.dispatch(UiAction::Edit(Some(id))),
                Some("delete") => {
                    focus(".comment-delete-yes");
                    ui.dispatch(UiAction::Confirm(Some(id)));
                }
                Some("delete-no") => {
                    focus(".comment-delete");
                    ui.dispatch(UiAction::Confirm(None));
                }
                Some("delete-yes") => {
                    ui.dispatch(UiAction::Confirm(None));
                    act::delete(&ctx, &feed, &say, id);
                }
                Some("replies") => {
                    let Ok(t) = feed_state.thread.try_borrow() else {
                        return;
                    };
                    let (loaded, total) = refs
                        .replies_next
                        .try_borrow()
                        .map(|n| act::replies_of(&t, &ctx.backend, &n, &id))
                        .unwrap_or_default();
                    // Opened by this button, by the reader's own reply, or by a link.
                    let opened: Vec<Id> = ui_now
                        .expanded
                        .iter()
                        .filter(|e| t.root_of(e).as_ref() == Some(&id))
                        .cloned()
                        .collect();
                    drop(t);
                    if opened.is_empty() || loaded < total {
                        ui.dispatch(UiAction::Expand(id.clone(), true));
                    } else {
                        for e in opened {
                            ui.dispatch(UiAction::Expand(e, false));
                        }
                    }
                    if loaded < total && ui_now.replies_loading.is_none() {
                        ui.dispatch(UiAction::RepliesLoading(id.clone()));
                        let done = {
                            let ui = ui.clone();
                            Callback::from(move |(id, ok)| {
                                ui.dispatch(UiAction::RepliesDone(id, ok))
                            })
                        };
                        act::load_replies(&ctx.backend, &feed, &refs.replies_next, id, done);
                    }
                }
                _ => {}
            }
        })
    };

    let on_sort = {
        let restart = restart.clone();
        let current = feed.sort;
        Callback::from(move |sort: Sort| {
            if sort != current {
                storage::set(SORT_KEY, sort.key());
                restart.emit(sort);
            }
        })
    };

    let now_ms = js_sys::Date::now();
    // The top-level comments whose replies are all shown.
    let expanded: Vec<Id> = ui
        .expanded
        .iter()
        .filter_map(|id| thread.root_of(id))
        .collect();
    let replies_next = refs.replies_next.try_borrow().ok();
    let replies_count = |id: &Id| match &replies_next {
        Some(n) => act::replies_of(&thread, &backend, n, id),
        None => (0, 0),
    };
    let view = ListView {
        lang,
        depth: props.config.depth,
        replying: ui.replying.as_ref(),
        on_close: &close_reply,
        bodies: &refs.bodies,
        now_ms,
        features: &refs.features,
        mine: &mine,
        editing: ui.editing.as_ref(),
        confirming: ui.confirming.as_ref(),
        on_edited: &on_edited,
        collapse: Collapse {
            limit: props.config.replies_shown,
            expanded: &expanded,
            loading: ui.replies_loading.as_ref(),
            failed: ui.replies_failed.as_ref(),
            replies: &replies_count,
        },
        target: ui.target.as_ref(),
    };
    let dialog = ui
        .reporting
        .as_ref()
        .and_then(|id| thread.get(id))
        .map(|comment| {
            let on_close = {
                let ui = ui.dispatcher();
                Callback::from(move |_| ui.dispatch(UiAction::Report(None)))
            };
            let on_sent = {
                let ui = ui.dispatcher();
                let ctx = ctx.clone();
                let say = say.clone();
                let refs = refs.clone();
                let id = comment.id.clone();
                Callback::from(move |_| {
                    if let Ok(mut m) = ctx.mine.try_borrow_mut() {
                        m.reported.set(&id, true);
                    }
                    ui.dispatch(UiAction::Report(None));
                    say.emit(ctx.lang.comments().report_sent.to_owned());
                    *refs.focus_after.borrow_mut() = Some(FocusAfter {
                        id: id.clone(),
                        button: Some(".comment-report"),
                        scroll: false,
                    });
                })
            };
            html! { <ReportDialog comment={Shared(Rc::clone(comment))} {on_sent} {on_close} /> }
        });
    // From the first page on, and kept while another order loads (it holds the
    // focus of the reader who chose it).
    let sort_control = (refs.features.sorts.len() > 1
        && feed.pages > 0
        && !(thread.is_loaded() && thread.is_empty()))
    .then(|| sort_control(&refs.features.sorts, feed.sort, lang, &on_sort));

    html! {
        <ContextProvider<Rc<Ctx>> context={ctx.clone()}>
            <section class="comments" aria-labelledby="ykien-comments-title"
                aria-busy={busy.then_some("true")}>
                { heading(lang, title) }
                <Composer />
                { sort_control.unwrap_or_default() }
                { status }
                <p class={class("comments-notice", &[ui.notice.is_empty().then_some("is-empty")])}
                    role="status" aria-live="polite">{ui.notice.clone()}</p>
                <div class="comments-list-wrap" ref={list_ref} {onclick}>
                    { comment_list(thread.roots(), &view) }
                </div>
                { more }
                { dialog.unwrap_or_default() }
            </section>
        </ContextProvider<Rc<Ctx>>>
    }
}

/// The comment `location.hash` links to.
fn current_link() -> Option<Id> {
    let hash = web_sys::window()?.location().hash().ok()?;
    link::target(&hash).map(|text| Id {
        text,
        numeric: false,
    })
}
