//! The thread: keyed items, replies indented up to the configured depth and shown
//! flat (with "↪ name") below it.
//!
//! Items are plain functions, not components: a Yew component per comment costs a
//! scope, hook state and scheduler work each, which for a 1,000-comment thread was
//! most of the rendering time. The list's only state (which reply form is open) lives
//! in the section; the reply form itself is a component, so typing in it re-renders
//! only the form.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use yew::prelude::*;

use super::comment_body::{comment_body, sanitized};
use super::{Composer, Shared};
use crate::comments::adapter::{Body, Comment, Id, Status};
use crate::comments::thread::Node;
use crate::comments::times::{format_relative, time_strings};
use crate::i18n::{is_guest_name, Lang};

/// Sanitized HTML bodies by comment id: built once, reused on every render.
pub type BodyCache = Rc<RefCell<HashMap<Id, Option<web_sys::Element>>>>;

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
}

/// The list of top-level comments. One listener on the section handles every Reply
/// button, reading the comment's id from the enclosing item's `data-id`.
pub fn comment_list(roots: &[Rc<Node>], view: &ListView) -> Html {
    if roots.is_empty() {
        return Html::default();
    }
    html! {
        <ol class="comment-list">
            { items(roots, 1, view) }
        </ol>
    }
}

/// The items of one list at `level`: nested below the depth, flattened at it.
fn items(nodes: &[Rc<Node>], level: usize, view: &ListView) -> Html {
    if level < view.depth {
        return nodes
            .iter()
            .map(|n| item(n, level, true, n.answers.as_deref(), view))
            .collect();
    }
    // At the last level every descendant follows its ancestor as a sibling, in
    // reading order, naming whom it answers.
    let mut out = Vec::new();
    let mut stack: Vec<(&Rc<Node>, Option<&Comment>)> =
        nodes.iter().rev().map(|n| (n, None)).collect();
    while let Some((node, answers)) = stack.pop() {
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
        ));
    }
    out.into_iter().collect()
}

fn item(
    node: &Rc<Node>,
    level: usize,
    nested: bool,
    answers: Option<&Comment>,
    view: &ListView,
) -> Html {
    let lang = view.lang;
    let s = lang.comments();
    let comment = &node.comment;
    let id = &comment.id.text;
    let replies = (nested && !node.children.is_empty()).then(|| {
        html! { <ol class="comment-replies">{ items(&node.children, level + 1, view) }</ol> }
    });
    if comment.status == Status::Deleted {
        // Kept only so its replies stay in context; alone it is not shown at all.
        if node.children.is_empty() {
            return Html::default();
        }
        return html! {
            <li key={id.clone()} class="comment is-deleted" data-id={id.clone()}>
                <p class="comment-deleted">{s.deleted}</p>
                { replies.unwrap_or_default() }
            </li>
        };
    }
    let open = view.replying == Some(&comment.id);
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
    html! {
        <li key={id.clone()} class={classes!("comment", state)} data-id={id.clone()}>
            // No wrappers inside the item: a long thread is thousands of elements,
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
            { comment_body(&comment.body, body_html) }
            if pending {
                <p class="comment-pending-note">{s.pending_note}</p>
            }
            if rejected {
                <p class="comment-pending-note">{s.rejected_note}</p>
            }
            // Not in a form, so no `type`; the section's one listener finds the
            // comment from the item's `data-id`. Nobody can answer a rejected one.
            if !rejected {
                <button class="comment-reply" aria-expanded={if open { "true" } else { "false" }}>
                    {s.reply}
                </button>
            }
            if open {
                <Composer parent={Some(Shared(comment.clone()))} on_close={view.on_close.clone()} />
            }
            // Always one child, even when empty: Yew matches unkeyed children by
            // position, and a child appearing here would make it rebuild the item
            // (and drop the focus of its Reply button).
            { replies.unwrap_or_default() }
        </li>
    }
}

/// The name shown: a guest (no name, or a guest name in any language) reads as
/// "Khách" to a Vietnamese reader and "Guest" to an English one.
pub fn author_name(comment: &Comment, lang: Lang) -> String {
    match comment.author.as_deref().map(str::trim) {
        Some(name) if !is_guest_name(name) => name.to_owned(),
        _ => lang.comments().guest.to_owned(),
    }
}

/// The sanitized body, built once per comment. Sanitizing runs outside the cache's
/// borrow: it calls into the DOM, and nothing may hold a borrow across such calls.
fn cached_body(cache: &BodyCache, comment: &Comment) -> Option<web_sys::Element> {
    if let Some(hit) = cache
        .try_borrow()
        .ok()
        .and_then(|c| c.get(&comment.id).cloned())
    {
        return hit;
    }
    let built = sanitized(&comment.body);
    if let Ok(mut c) = cache.try_borrow_mut() {
        c.insert(comment.id.clone(), built.clone());
    }
    built
}

fn time_view(comment: &Comment, lang: Lang, now_ms: f64) -> Html {
    let Some(ms) = comment.created_ms else {
        return Html::default();
    };
    let Some((iso, exact)) = time_strings(ms, lang) else {
        return Html::default();
    };
    html! {
        <time class="comment-time" datetime={iso} title={exact}>
            {format_relative(now_ms, ms, lang)}
        </time>
    }
}
