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
pub use sort_control::sort_control;

use std::rc::Rc;

use yew::AttrValue;

use crate::i18n::Lang;
use crate::platform::error::LoadError;

/// What the reader is told when an action got no answer (or an unusable one):
/// what failed, then why.
pub fn failure_text(e: &LoadError, lang: Lang, what: &str) -> String {
    format!("{what} {}", e.reader_message(lang))
}

/// A class attribute: `base`, then each modifier present. Yew still turns it into
/// its `Classes` set when it renders; what this saves is the code `classes!`
/// expands to at every element, which is in every reader's download (1 KiB gzip
/// for the twelve elements that had it).
pub fn class(base: &'static str, modifiers: &[Option<&str>]) -> AttrValue {
    let mut out: Option<String> = None;
    for m in modifiers.iter().flatten() {
        let s = out.get_or_insert_with(|| base.to_owned());
        s.push(' ');
        s.push_str(m);
    }
    out.map_or(AttrValue::Static(base), AttrValue::from)
}

/// Where an action form's request is (the edit form, the report dialog): on its
/// way, or why the last one failed. One reducer type for both forms, not a `bool`
/// and an `Option<String>` hook in each: every hook state type is another copy of
/// Yew's hook code in the section's part.
#[derive(Clone, Default)]
pub struct Request {
    pub busy: bool,
    pub error: Option<String>,
}

pub enum RequestStep {
    /// Sent: the last error no longer applies.
    Start,
    /// Answered, refused before sending, or its error no longer applies (the
    /// reader changed what it was about): `Some` says why it did not succeed.
    End(Option<String>),
}

impl yew::Reducible for Request {
    type Action = RequestStep;

    fn reduce(self: Rc<Self>, step: RequestStep) -> Rc<Self> {
        Rc::new(match step {
            RequestStep::Start => Request {
                busy: true,
                error: None,
            },
            RequestStep::End(error) => Request { busy: false, error },
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::class;

    #[test]
    fn class_is_the_base_then_the_modifiers_present() {
        assert_eq!(class("comment", &[None, None]).as_str(), "comment");
        assert_eq!(
            class("comment", &[Some("is-rejected"), None, Some("is-target")]).as_str(),
            "comment is-rejected is-target"
        );
        assert_eq!(class("ykien", &[Some("fs-2")]).as_str(), "ykien fs-2");
    }
}
