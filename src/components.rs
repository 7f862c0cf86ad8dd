//! One component per file. `ArticleApp`, `ControlsApp` and `CommentsApp` are the roots
//! the embed code renders; the rest are their parts.

mod article_app;
mod article_view;
mod comment_body;
mod comment_list;
mod comments_app;
mod composer;
mod controls_app;
mod font_controls;

pub use article_app::{ArticleApp, ArticleAppProps};
pub use article_view::{ArticleView, ArticleViewProps};
pub use comment_list::comment_list;
pub use comments_app::{CommentsApp, CommentsAppProps, Ctx};
pub use composer::{Composer, ComposerProps};
pub use controls_app::{ControlsApp, ControlsAppProps};
pub use font_controls::{FontControls, FontControlsProps};

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
