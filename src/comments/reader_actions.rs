//! What a reader does to a comment, performed: Thích (at once on screen, then at
//! the API, undone if it says no), deleting one's own, copying a comment's link,
//! loading a comment's replies. The section's click listener calls these; each
//! ends in a change to the thread and, where the reader should hear of it, a line
//! in the section's live region.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::comments::adapter::{ActionInput, ActionKind, Comment, Done, Features, Id, Page};
use crate::comments::backend::Backend;
use crate::comments::components::{failure_text, Ctx};
use crate::comments::feed::{Action, Feed};
use crate::comments::held;
use crate::comments::link;
use crate::comments::mine::device;
use crate::comments::thread::Thread;
use crate::i18n::Lang;
use crate::platform::dom::console_error;

/// Where a top-level comment's replies stand: the next page to ask for, `None`
/// once all are in.
pub type RepliesNext = Vec<(Id, Option<Page>)>;

/// The likes in flight, so a second press waits for the first.
pub type Liking = Vec<Id>;

/// "Thích", at once on screen and on this device, then at the API; undone with a
/// message if the API says no.
pub fn like(
    ctx: &Rc<Ctx>,
    features: &Features,
    liking: &Rc<std::cell::RefCell<Liking>>,
    feed: &UseReducerDispatcher<Feed>,
    say: &Callback<String>,
    id: Id,
) {
    let Ok(mut busy) = liking.try_borrow_mut() else {
        return;
    };
    let Ok(mut mine) = ctx.mine.try_borrow_mut() else {
        return;
    };
    let was = mine.liked.contains(&id);
    if busy.contains(&id) || (was && !features.unlike) {
        return;
    }
    busy.push(id.clone());
    mine.liked.set(&id, !was);
    drop(mine);
    drop(busy);
    feed.dispatch(Action::Update(id.clone(), step(!was)));
    let kind = if was {
        ActionKind::Unlike
    } else {
        ActionKind::Like
    };
    let input = ActionInput {
        device: device(),
        key: crate::comments::draft::new_idempotency_key(),
        ..ActionInput::default()
    };
    let ctx = ctx.clone();
    let liking = liking.clone();
    let feed = feed.clone();
    let say = say.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let done = ctx.backend.act(kind, &id, &input).await;
        if let Ok(mut busy) = liking.try_borrow_mut() {
            busy.retain(|b| *b != id);
        }
        let s = ctx.lang.comments();
        let failed = if was { s.unlike_failed } else { s.like_failed };
        match done {
            Ok(Done::Ok { likes, liked, .. }) => {
                // The API knows better (a toggle answered the other way).
                if let Some(liked) = liked.filter(|l| *l == was) {
                    if let Ok(mut m) = ctx.mine.try_borrow_mut() {
                        m.liked.set(&id, liked);
                    }
                }
                if let Some(n) = likes {
                    feed.dispatch(Action::Update(
                        id,
                        Box::new(move |c: &mut Comment| c.likes = Some(n)),
                    ));
                }
            }
            failure => {
                if let Ok(mut m) = ctx.mine.try_borrow_mut() {
                    m.liked.set(&id, was);
                }
                feed.dispatch(Action::Update(id, step(was)));
                say.emit(match failure {
                    Err(e) => failure_text(&e, ctx.lang, failed),
                    Ok(Done::Failed {
                        message: Some(m), ..
                    }) => format!("{failed} {m}"),
                    Ok(_) => failed.to_owned(),
                });
            }
        }
    });
}

/// One like more (`up`) or fewer.
fn step(up: bool) -> Box<dyn FnOnce(&mut Comment)> {
    Box::new(move |c: &mut Comment| {
        let n = c.likes.unwrap_or(0);
        c.likes = Some(if up {
            n.saturating_add(1)
        } else {
            n.saturating_sub(1)
        });
    })
}

/// Deletes the reader's own comment; with replies it stays as "Bình luận đã bị
/// xóa" above them.
pub fn delete(ctx: &Rc<Ctx>, feed: &UseReducerDispatcher<Feed>, say: &Callback<String>, id: Id) {
    let token = ctx
        .mine
        .try_borrow()
        .ok()
        .and_then(|m| m.own(&id, js_sys::Date::now()).map(|o| o.token.clone()))
        .unwrap_or_default();
    let input = ActionInput {
        token,
        ..ActionInput::default()
    };
    let ctx = ctx.clone();
    let feed = feed.clone();
    let say = say.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let done = ctx.backend.act(ActionKind::Delete, &id, &input).await;
        let s = ctx.lang.comments();
        match done {
            Ok(Done::Ok { .. }) => {
                if let Ok(mut m) = ctx.mine.try_borrow_mut() {
                    m.forget_own(&id);
                }
                held::forget(&ctx.backend.thread, js_sys::Date::now(), |held| *held == id);
                feed.dispatch(Action::Delete(id));
                say.emit(s.delete_done.to_owned());
            }
            Ok(Done::Failed { message, .. }) => say.emit(match message {
                Some(m) => format!("{} {m}", s.delete_failed),
                None => s.delete_failed.to_owned(),
            }),
            Err(e) => say.emit(failure_text(&e, ctx.lang, s.delete_failed)),
        }
    });
}

/// Copies the comment's link; where the clipboard is not available (an insecure
/// page, a refusing browser) the link goes to the address bar instead.
pub fn copy_link(id: &Id, lang: Lang, say: &Callback<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let href = window.location().href().unwrap_or_default();
    let url = link::url_of(&href, &id.text);
    let in_address_bar = {
        let url = url.clone();
        let say = say.clone();
        move || {
            if let Ok(history) = window.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
            say.emit(lang.comments().link_in_address.to_owned());
        }
    };
    // `navigator.clipboard` through Reflect: web-sys has it only behind unstable APIs.
    let write = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"clipboard".into()).ok())
        .filter(|c| c.is_object())
        .and_then(|c| {
            let f: js_sys::Function = js_sys::Reflect::get(&c, &"writeText".into())
                .ok()?
                .dyn_into()
                .ok()?;
            f.call1(&c, &url.as_str().into())
                .ok()?
                .dyn_into::<js_sys::Promise>()
                .ok()
        });
    let Some(promise) = write else {
        in_address_bar();
        return;
    };
    let say = say.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => say.emit(lang.comments().link_copied.to_owned()),
            Err(_) => in_address_bar(),
        }
    });
}

/// A top-level comment's replies: (loaded, how many it has). The API's count is
/// trusted only while its replies request can bring the rest.
pub fn replies_of(thread: &Thread, backend: &Backend, next: &RepliesNext, id: &Id) -> (u64, u64) {
    let loaded = thread.replies_loaded(id);
    let all_in = next.iter().any(|(r, page)| r == id && page.is_none());
    let total = match backend.reply_count(id) {
        Some(n) if backend.adapter.has_replies() && !all_in => n.max(loaded),
        _ => loaded,
    };
    (loaded, total)
}

/// The next page of a top-level comment's replies; `done` hears whether it came.
pub fn load_replies(
    backend: &Rc<Backend>,
    feed: &UseReducerDispatcher<Feed>,
    next: &Rc<std::cell::RefCell<RepliesNext>>,
    id: Id,
    done: Callback<(Id, bool)>,
) {
    let page = match next
        .try_borrow()
        .ok()
        .and_then(|n| n.iter().find(|(r, _)| *r == id).map(|(_, p)| p.clone()))
    {
        Some(Some(page)) => page,
        Some(None) => return,
        None => Page::First,
    };
    let backend = backend.clone();
    let feed = feed.clone();
    let next = next.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match backend.replies(&id, &page).await {
            Ok(page) => {
                if let Ok(mut n) = next.try_borrow_mut() {
                    n.retain(|(r, _)| *r != id);
                    n.push((id.clone(), page.next.clone()));
                }
                feed.dispatch(Action::Replies(page));
                done.emit((id, true));
            }
            Err(e) => {
                console_error(&e.operator_message(&backend.list_url()));
                done.emit((id, false));
            }
        }
    });
}
