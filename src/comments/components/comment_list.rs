//! The thread: keyed items, replies indented up to the configured depth and shown
//! flat (with "↪ name") below it.
//!
//! Items are plain functions, not components: a Yew component per comment costs a
//! scope, hook state and scheduler work each, which for a 1,000-comment thread was
//! most of the rendering time. The list's only state (which reply form is open) lives
//! in the section; the reply form itself is a component, so typing in it re-renders
//! only the form.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use yew::prelude::*;

use super::comment_body::{comment_body, sanitized};
use super::{class, Composer, EditForm, Shared};
use crate::comments::adapter::{Body, Comment, Features, Id, Status};
use crate::comments::link::anchor;
use crate::comments::mine::Mine;
use crate::comments::thread::Node;
use crate::comments::times::{format_relative, time_strings};
use crate::i18n::{is_guest_name, show_replies, Lang};

/// Sanitized HTML bodies by comment id, with a hash of the HTML each was built from:
/// built once, reused on every render until the body changes (an edit).
pub type BodyCache = Rc<RefCell<HashMap<Id, (u64, Option<web_sys::Element>)>>>;

/// Which replies of the top-level comments are shown.
pub struct Collapse<'a> {
    /// Replies shown under a top-level comment before "Xem N trả lời"; `None`: all.
    pub limit: Option<usize>,
    /// Top-level comments the reader opened.
    pub expanded: &'a [Id],
    /// The one whose replies are loading, and the one whose replies failed to.
    pub loading: Option<&'a Id>,
    pub failed: Option<&'a Id>,
    /// A top-level comment's replies: how many are loaded, and how many it has
    /// (the API's count when it gives one, never fewer than the loaded ones).
    pub replies: &'a dyn Fn(&Id) -> (u64, u64),
}

/// What every item needs; borrowed for one render of the list.
pub struct ListView<'a> {
    pub lang: Lang,
    pub depth: usize,
    /// The comment whose reply form is open.
    pub replying: Option<&'a Id>,
    /// Closes the open reply form.
    pub on_close: &'a Callback<()>,
    pub bodies: &'a BodyCache,
    pub now_ms: f64,
    /// What the API lets the reader do.
    pub features: &'a Features,
    pub mine: &'a Mine,
    /// The reader's comment being edited, and the one whose deletion awaits "Xóa".
    pub editing: Option<&'a Id>,
    pub confirming: Option<&'a Id>,
    /// Closes the edit form, with the comment as it now is when it was saved.
    pub on_edited: &'a Callback<Option<Comment>>,
    pub collapse: Collapse<'a>,
    /// The comment a link points to (highlighted).
    pub target: Option<&'a Id>,
}

/// The list of top-level comments. One listener on the section handles every
/// button, reading the comment's id from the enclosing item's `data-id` and what
/// to do from the button's `data-action`.
pub fn comment_list(roots: &[Rc<Node>], view: &ListView) -> Html {
    if roots.is_empty() {
        return Html::default();
    }
    html! {
        <ol class="comment-list">
            { for roots.iter().map(|root| {
                let budget = Cell::new(replies_shown(root, view));
                item(root, 1, true, root.answers.as_deref(), view, &budget)
            }) }
        </ol>
    }
}

/// How many replies of a top-level comment are shown.
fn replies_shown(root: &Rc<Node>, view: &ListView) -> usize {
    match view.collapse.limit {
        Some(limit) if !view.collapse.expanded.contains(&root.comment.id) => limit,
        _ => usize::MAX,
    }
}

/// The items of one list at `level`: nested below the depth, flattened at it.
/// `budget` is how many more replies of this top-level comment may be shown.
fn items(nodes: &[Rc<Node>], level: usize, view: &ListView, budget: &Cell<usize>) -> Html {
    if level < view.depth {
        return nodes
            .iter()
            .map_while(|n| {
                take(budget).then(|| item(n, level, true, n.answers.as_deref(), view, budget))
            })
            .collect();
    }
    // At the last level every descendant follows its ancestor as a sibling, in
    // reading order, naming whom it answers.
    let mut out = Vec::new();
    let mut stack: Vec<(&Rc<Node>, Option<&Comment>)> =
        nodes.iter().rev().map(|n| (n, None)).collect();
    while let Some((node, answers)) = stack.pop() {
        if !take(budget) {
            break;
        }
        for child in node.children.iter().rev() {
            stack.push((child, Some(&node.comment)));
        }
        // A reply kept beside its parent (very deep threads) names whom it answers.
        out.push(item(
            node,
            level,
            false,
            node.answers.as_deref().or(answers),
            view,
            budget,
        ));
    }
    out.into_iter().collect()
}

/// Takes one reply from the budget; `false` when none is left.
fn take(budget: &Cell<usize>) -> bool {
    let left = budget.get();
    budget.set(left.saturating_sub(1));
    left > 0
}

fn item(
    node: &Rc<Node>,
    level: usize,
    nested: bool,
    answers: Option<&Comment>,
    view: &ListView,
    budget: &Cell<usize>,
) -> Html {
    let lang = view.lang;
    let s = lang.comments();
    let comment = &node.comment;
    let id = &comment.id.text;
    let replies = (nested && !node.children.is_empty()).then(|| {
        html! { <ol class="comment-replies">{ items(&node.children, level + 1, view, budget) }</ol> }
    });
    // Only a top-level comment collapses its replies.
    let toggle = (level == 1)
        .then(|| replies_toggle(comment, view))
        .flatten();
    let target = view.target == Some(&comment.id);
    if comment.status == Status::Deleted {
        // Kept only so its replies stay in context; alone it is not shown at all.
        if node.children.is_empty() {
            return Html::default();
        }
        return html! {
            <li key={id.clone()} id={anchor(id)} class={class("comment is-deleted", &[target.then_some("is-target")])} data-id={id.clone()}>
                <p class="comment-deleted">{s.deleted}</p>
                { replies.unwrap_or_default() }
                { toggle.unwrap_or_default() }
            </li>
        };
    }
    let open = view.replying == Some(&comment.id);
    let editing = view.editing == Some(&comment.id);
    let body_html = match &comment.body {
        Body::Text(_) => None,
        Body::Html(_) => cached_body(view.bodies, comment),
    };
    let pending = comment.status == Status::Pending;
    let rejected = comment.status == Status::Rejected;
    let state = match comment.status {
        Status::Pending => Some("is-pending"),
        Status::Rejected => Some("is-rejected"),
        Status::Published | Status::Deleted => None,
    };
    let body = if editing {
        html! { <EditForm comment={Shared(Rc::clone(comment))} on_done={view.on_edited.clone()} /> }
    } else {
        comment_body(&comment.body, body_html)
    };
    html! {
        <li key={id.clone()} id={anchor(id)} class={class("comment", &[state, target.then_some("is-target")])} data-id={id.clone()}>
            // Few wrappers inside the item: a long thread is thousands of elements,
            // and each one costs rendering time. Optional parts are `Option<Html>`
            // defaulting to an empty node, never `{ for … }`, so the children keep
            // their positions.
            <span class="comment-author">{author_name(comment, lang)}</span>
            { answers.map(|to| html! {
                <span class="comment-to">{format!("↪ {}", author_name(to, lang))}</span>
            }).unwrap_or_default() }
            { time_view(comment, lang, view.now_ms) }
            if pending {
                <span class="comment-pending">{s.pending}</span>
            }
            if rejected {
                <span class="comment-pending comment-rejected">{s.rejected}</span>
            }
            { body }
            if pending {
                <p class="comment-pending-note">{s.pending_note}</p>
            }
            if rejected {
                <p class="comment-pending-note">{s.rejected_note}</p>
            }
            { actions(comment, open, editing, view) }
            if open {
                <Composer parent={Some(Shared(comment.clone()))} on_close={view.on_close.clone()} />
            }
            // Always one child, even when empty: Yew matches unkeyed children by
            // position, and a child appearing here would make it rebuild the item
            // (and drop the focus of its buttons).
            { replies.unwrap_or_default() }
            { toggle.unwrap_or_default() }
        </li>
    }
}

/// The buttons under a comment. Not in a form, so no `type`; the section's one
/// listener finds the comment from the item's `data-id`.
fn actions(comment: &Comment, open: bool, editing: bool, view: &ListView) -> Html {
    let s = view.lang.comments();
    let f = view.features;
    let id = &comment.id;
    let published = comment.status == Status::Published;
    let own = view.mine.own(id, view.now_ms);
    let like = (f.like && published).then(|| {
        let liked = view.mine.liked.contains(id);
        // A like that cannot be taken back stays pressed.
        let locked = liked && !f.unlike;
        html! {
            <button class="comment-like" data-action="like"
                aria-pressed={if liked { "true" } else { "false" }}
                aria-disabled={locked.then_some("true")}
                title={locked.then_some(s.liked_one_way)}>
                {s.like}
                if let Some(n) = comment.likes.filter(|n| *n > 0) {
                    <span class="comment-like-count">{n}</span>
                }
            </button>
        }
    });
    // Nobody can answer a rejected comment.
    let reply = (comment.status != Status::Rejected).then(|| html! {
        <button class="comment-reply" data-action="reply" aria-expanded={if open { "true" } else { "false" }}>
            {s.reply}
        </button>
    });
    let link = published.then(|| {
        html! {
            <button class="comment-link" data-action="link">{s.copy_link}</button>
        }
    });
    let report = (f.report && published && own.is_none()).then(|| {
        if view.mine.reported.contains(id) {
            // Inert but focusable, so focus is not lost when it changes under it.
            html! { <button class="comment-report" aria-disabled="true">{s.reported}</button> }
        } else {
            html! { <button class="comment-report" data-action="report" aria-haspopup="dialog">{s.report}</button> }
        }
    });
    let changeable = own.is_some() && !editing && comment.status != Status::Rejected;
    let edit = (changeable && f.edit).then(|| {
        html! {
            <button class="comment-edit" data-action="edit">{s.edit}</button>
        }
    });
    let delete = (changeable && f.delete).then(|| {
        if view.confirming == Some(id) {
            html! {
                <span class="comment-confirm" role="group" aria-label={s.delete_confirm}>
                    <span class="comment-confirm-text">{s.delete_confirm}</span>
                    <button class="comment-delete-yes" data-action="delete-yes">{s.delete}</button>
                    <button class="comment-delete-no" data-action="delete-no">{s.cancel}</button>
                </span>
            }
        } else {
            html! { <button class="comment-delete" data-action="delete">{s.delete}</button> }
        }
    });
    html! {
        <div class="comment-actions">
            { like.unwrap_or_default() }
            { reply.unwrap_or_default() }
            { link.unwrap_or_default() }
            { report.unwrap_or_default() }
            { edit.unwrap_or_default() }
            { delete.unwrap_or_default() }
        </div>
    }
}

/// "Xem N trả lời" under a top-level comment whose replies are not all shown (or
/// not all loaded), "Ẩn bớt trả lời" once the reader has them all open.
fn replies_toggle(root: &Comment, view: &ListView) -> Option<Html> {
    let c = &view.collapse;
    let limit = c.limit? as u64;
    let s = view.lang.comments();
    let (loaded, total) = (c.replies)(&root.id);
    let expanded = c.expanded.contains(&root.id);
    let hidden = if expanded {
        total.saturating_sub(loaded)
    } else {
        total.saturating_sub(loaded.min(limit))
    };
    if hidden == 0 && (!expanded || total <= limit) {
        return None;
    }
    let loading = c.loading == Some(&root.id);
    let label = if loading {
        s.loading_more.to_owned()
    } else if hidden > 0 {
        show_replies(view.lang, hidden)
    } else {
        s.hide_replies.to_owned()
    };
    Some(html! {
        <div class="comment-replies-more">
            if c.failed == Some(&root.id) {
                <p class="comments-error" role="alert">{s.replies_failed}</p>
            }
            <button class="comment-replies-toggle" data-action="replies"
                aria-expanded={if expanded { "true" } else { "false" }}
                aria-busy={loading.then_some("true")}>
                {label}
            </button>
        </div>
    })
}

/// The name shown: a guest (no name, or a guest name in any language) reads as
/// "Khách" to a Vietnamese reader and "Guest" to an English one.
pub fn author_name(comment: &Comment, lang: Lang) -> String {
    match comment.author.as_deref().map(str::trim) {
        Some(name) if !is_guest_name(name) => name.to_owned(),
        _ => lang.comments().guest.to_owned(),
    }
}

/// The sanitized body, built once per comment and again when its HTML changes (the
/// API's copy after an edit). Sanitizing runs outside the cache's borrow: it calls
/// into the DOM, and nothing may hold a borrow across such calls.
fn cached_body(cache: &BodyCache, comment: &Comment) -> Option<web_sys::Element> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    if let Body::Html(html) = &comment.body {
        html.hash(&mut hasher);
    }
    let from = hasher.finish();
    if let Some(hit) = cache.try_borrow().ok().and_then(|c| {
        c.get(&comment.id)
            .filter(|(h, _)| *h == from)
            .map(|(_, el)| el.clone())
    }) {
        return hit;
    }
    let built = sanitized(&comment.body);
    if let Ok(mut c) = cache.try_borrow_mut() {
        c.insert(comment.id.clone(), (from, built.clone()));
    }
    built
}

/// When it was written, as a link to the comment (`#ykien-c-<id>`), and whether
/// it was edited since.
fn time_view(comment: &Comment, lang: Lang, now_ms: f64) -> Html {
    let Some(ms) = comment.created_ms else {
        return Html::default();
    };
    let Some((iso, exact)) = time_strings(ms, lang) else {
        return Html::default();
    };
    let edited = comment
        .edited_ms
        .and_then(|e| time_strings(e, lang))
        .map(|(_, when)| {
            html! {
                <span class="comment-edited" title={when}>{lang.comments().edited}</span>
            }
        });
    html! {
        <>
            <a class="comment-permalink" href={format!("#{}", anchor(&comment.id.text))}>
                <time class="comment-time" datetime={iso} title={exact}>
                    {format_relative(now_ms, ms, lang)}
                </time>
            </a>
            { edited.unwrap_or_default() }
        </>
    }
}
