//! The comment section's components, one per file. `CommentsApp` is the root that
//! `comments::mount` renders; the rest are its parts (the list's items are plain
//! render functions, see `comment_list`).

mod comment_body;
mod comment_list;
mod comments_app;
mod composer;

pub use comment_list::comment_list;
pub use comments_app::{CommentsApp, CommentsAppProps, Ctx, Posted};
pub use composer::{Composer, ComposerProps};

use std::rc::Rc;

/// Shares a non-comparable value (a DOM measurement, a handle) through props;
/// equality is identity, so children re-render only when it is replaced.
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
