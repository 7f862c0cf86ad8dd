//! The thread as the section shows it, as a reducer: pages arriving, the
//! reader's own comments, likes and edits changing one comment, deletions, more
//! replies, another order starting the list again. Each action changes the thread
//! in place (path copying, see `comments::thread`), so the list re-renders only
//! the items whose path changed.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::comments::adapter::{Comment, Id, ListPage, Sort, Status};
use crate::comments::components::Posted;
use crate::comments::held;
use crate::comments::thread::Thread;
use crate::platform::dom::{console_error, console_warn};
use crate::platform::error::LoadError;
use crate::platform::json;

#[derive(Clone)]
pub struct Feed {
    /// Shared, not cloned, by each new state: copying a 1,000-comment index on every
    /// action was a measurable part of rendering. Only the reducer mutates it, and
    /// never while calling out of the module.
    pub thread: Rc<RefCell<Thread>>,
    pub status: Load,
    pub sort: Sort,
    /// The thread id, for the held comments remembered on this device.
    pub id: String,
    /// Bumped by every page, so effects can run after it is on screen.
    pub pages: u32,
}

#[derive(Clone, PartialEq)]
pub enum Load {
    Idle,
    Loading,
    Failed(LoadError),
}

pub enum Action {
    Loading,
    Page(ListPage),
    Failed(LoadError),
    Posted(Posted),
    /// Another order: the list starts again.
    Sort(Sort),
    /// A shown comment changed (likes, an edit).
    Update(Id, Box<dyn FnOnce(&mut Comment)>),
    Delete(Id),
    /// More replies of one top-level comment.
    Replies(ListPage),
}

impl Feed {
    pub fn new(thread: &str, sort: Sort) -> Feed {
        Feed {
            thread: Rc::new(RefCell::new(Thread::new())),
            status: Load::Idle,
            sort,
            id: thread.to_owned(),
            pages: 0,
        }
    }
}

impl Reducible for Feed {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut feed = Rc::unwrap_or_clone(self);
        if let Action::Sort(sort) = action {
            feed.sort = sort;
            feed.status = Load::Idle;
            feed.thread = Rc::new(RefCell::new(Thread::new()));
            return Rc::new(feed);
        }
        match action {
            Action::Loading => {
                feed.status = Load::Loading;
                return Rc::new(feed);
            }
            Action::Failed(e) => {
                feed.status = Load::Failed(e);
                return Rc::new(feed);
            }
            _ => {}
        }
        let Ok(mut thread) = feed.thread.try_borrow_mut() else {
            console_error("ykien: internal: the thread was busy; a change was dropped");
            return Rc::new(feed.clone());
        };
        match action {
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
                let first = !thread.is_loaded();
                let dups = thread.add_page(page);
                if dups > 0 {
                    console_warn(&format!("ykien: {dups} duplicate comment id(s) ignored"));
                }
                if first {
                    for c in held::load(&feed.id, now) {
                        // Listed already (the API shows its author a held comment).
                        if !thread.contains(&c.id) {
                            thread.add_own(c, feed.sort.placement(), None);
                        }
                    }
                }
            }
            Action::Posted(posted) => place_own(&mut thread, posted, &feed),
            Action::Update(id, change) => {
                thread.update(&id, change);
            }
            Action::Delete(id) => thread.delete(&id),
            Action::Replies(page) => {
                thread.add_replies(page.comments);
                feed.pages = feed.pages.wrapping_add(1);
            }
            Action::Loading | Action::Failed(_) | Action::Sort(_) => {}
        }
        drop(thread);
        Rc::new(feed)
    }
}

/// The reader's new comment, always shown; what had to change is on the console.
fn place_own(thread: &mut Thread, posted: Posted, feed: &Feed) {
    let Posted {
        comment,
        token,
        replied_to,
        ..
    } = posted;
    if comment.is_pending() {
        held::remember(&feed.id, &comment, token.as_deref(), js_sys::Date::now());
    }
    let placed = thread.add_own(comment, feed.sort.placement(), replied_to.as_ref());
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
