//! The comment section's components, one per file. `CommentsApp` is the root that
//! `comments::mount` renders; the rest are its parts (the list's items are plain
//! render functions, see `comment_list`).

mod comment_body;
mod comment_list;
mod comments_app;
mod composer;
mod edit_form;
mod report_dialog;
mod section;
mod sort_control;

pub use comment_list::comment_list;
pub use comments_app::{CommentsApp, CommentsAppProps, Ctx, Posted, Setup};
pub use composer::{Composer, ComposerProps};
pub use edit_form::EditForm;
pub use report_dialog::ReportDialog;
pub use section::SORT_KEY;

use crate::i18n::Lang;
use crate::platform::error::LoadError;

/// What the reader is told when an action got no answer (or an unusable one):
/// what failed, then why.
pub fn failure_text(e: &LoadError, lang: Lang, what: &str) -> String {
    format!("{what} {}", e.reader_message(lang))
}
pub use sort_control::SortControl;

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
