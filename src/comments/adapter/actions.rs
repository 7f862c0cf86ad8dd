//! What a reader can do to a comment besides answering it, as the adapter
//! describes it: like (and take back), report, edit and delete their own, and the
//! orders the list can be read in. Each is optional: an API that has no such
//! request has no such button (`docs/adapter.md`, "Actions").
//!
//! Requests are built from templates like a create; answers are judged by status
//! (and an optional `okWhen`) and read at the action's paths, with the same rules
//! as a listed comment, so nothing an API returns is trusted more here.

use super::read::{self, ParentFrom, Problems};
use super::template::{ActionValues, BodyTemplate, NoParent, Template, Values};
use super::{render_headers, Adapter, Comment, Context, Credentials, FieldRule, Id, Request, Sort};
use crate::platform::json::Json;

/// One action's request, and where its answer says what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Action {
    pub method: String,
    pub url: Template,
    pub headers: Vec<(String, Template)>,
    /// `None`: no body (and no `Content-Type`).
    pub body: Option<BodyTemplate>,
    /// Statuses that mean it was done; empty: any 2xx.
    pub ok: Vec<u16>,
    pub credentials: Option<Credentials>,
    /// An API that answers failures with a 2xx status (`{"errno": 0}`).
    pub ok_when: Option<(String, String)>,
    /// Path of the comment as it now is (edit, delete).
    pub item: Option<String>,
    /// Path of the like count after the action (like, unlike).
    pub count: Option<String>,
    /// Path of whether the reader likes the comment now (a toggle's answer).
    pub liked: Option<String>,
}

impl Action {
    pub(super) fn new(method: &str, url: Template) -> Action {
        Action {
            method: method.to_owned(),
            url,
            headers: Vec::new(),
            body: None,
            ok: Vec::new(),
            credentials: None,
            ok_when: None,
            item: None,
            count: None,
            liked: None,
        }
    }
}

/// A report reason the API accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Sent as `{reason}`.
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    /// Whether the reader writes something with it (`{note}`).
    pub note: FieldRule,
}

/// The actions an adapter describes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(super) struct Actions {
    pub like: Option<Action>,
    pub unlike: Option<Action>,
    /// `like.toggle`: sending the like request again takes the like back.
    pub toggle: bool,
    pub report: Option<Action>,
    pub reasons: Vec<Reason>,
    /// Longest `{note}` the API takes, in characters.
    pub note_max: usize,
    pub edit: Option<Action>,
    pub delete: Option<Action>,
    /// Orders besides the adapter's `order`, with the query parameters that ask
    /// for each (the default order's own, if listed, are never sent: `list.query`
    /// already asks for it).
    pub sorts: SortParams,
}

/// Each order offered, with the query parameters that ask for it.
pub(super) type SortParams = Vec<(Sort, Vec<(String, Template)>)>;

/// Which action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    Like,
    Unlike,
    Report,
    Edit,
    Delete,
}

/// What the reader can do, for the UI: a feature the adapter does not describe has
/// no control at all.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Features {
    pub like: bool,
    /// A like can be taken back (an `unlike` request, or `like.toggle`).
    pub unlike: bool,
    pub report: bool,
    pub edit: bool,
    pub delete: bool,
    /// The orders offered, the default first; fewer than two means no control.
    pub sorts: Vec<Sort>,
    /// The API answers a page around a comment (`list.around`).
    pub around: bool,
}

/// What an action's answer said.
#[derive(Clone, Debug, PartialEq)]
pub enum Done {
    /// Done; with the comment as it now is, and a like count and state, when the
    /// answer gives them.
    Ok {
        comment: Option<Comment>,
        likes: Option<u64>,
        liked: Option<bool>,
    },
    Failed {
        status: u16,
        message: Option<String>,
    },
}

/// What the reader gave for an action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionInput {
    pub device: String,
    /// The comment's secret token (edit, delete).
    pub token: String,
    /// The new text (edit).
    pub body: String,
    pub reason: String,
    pub note: String,
    /// An idempotency key, for APIs that take one in the body.
    pub key: String,
}

impl Adapter {
    fn action(&self, kind: ActionKind) -> Option<&Action> {
        let a = &self.actions;
        match kind {
            ActionKind::Like => a.like.as_ref(),
            // A toggle takes a like back with the same request.
            ActionKind::Unlike => a.unlike.as_ref().or(a.like.as_ref().filter(|_| a.toggle)),
            ActionKind::Report => a.report.as_ref().filter(|_| !a.reasons.is_empty()),
            // Editing and deleting need a way to know the author: the token a
            // create answer gives, or the API's own cookie.
            ActionKind::Edit => a.edit.as_ref().filter(|_| self.knows_author()),
            ActionKind::Delete => a.delete.as_ref().filter(|_| self.knows_author()),
        }
    }

    fn knows_author(&self) -> bool {
        self.create.edit_token.is_some() || self.create.edit_cookie
    }

    pub fn features(&self) -> Features {
        let has = |k| self.action(k).is_some();
        let mut sorts = vec![Sort::from(self.order)];
        for (sort, _) in &self.actions.sorts {
            if !sorts.contains(sort) {
                sorts.push(*sort);
            }
        }
        Features {
            like: has(ActionKind::Like),
            unlike: has(ActionKind::Like) && has(ActionKind::Unlike),
            report: has(ActionKind::Report),
            edit: has(ActionKind::Edit),
            delete: has(ActionKind::Delete),
            sorts,
            around: self.list.around.is_some(),
        }
    }

    /// The reasons a report can give (`report.reasons`).
    pub fn report_reasons(&self) -> &[Reason] {
        &self.actions.reasons
    }

    /// Longest note a report can carry, in characters.
    pub fn report_note_max(&self) -> usize {
        self.actions.note_max
    }

    /// The query parameters that ask for `sort` (none for the default order).
    pub(super) fn sort_params(&self, sort: Option<Sort>) -> &[(String, Template)] {
        match sort {
            Some(s) if s != Sort::from(self.order) => self
                .actions
                .sorts
                .iter()
                .find(|(k, _)| *k == s)
                .map(|(_, params)| params.as_slice())
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// `fetch` credentials of an action's request.
    pub fn action_credentials(&self, kind: ActionKind) -> Credentials {
        self.action(kind)
            .and_then(|a| a.credentials)
            .unwrap_or(self.credentials)
    }

    /// The request for an action on comment `id`; `None` when the adapter has none.
    #[allow(clippy::too_many_arguments)]
    pub fn action_request(
        &self,
        kind: ActionKind,
        api: &str,
        thread: &str,
        id: &Id,
        input: &ActionInput,
        now_ms: f64,
        context: &Context,
    ) -> Option<Request> {
        let action = self.action(kind)?;
        let extra = ActionValues {
            id: Some(id.clone()),
            device: input.device.clone(),
            token: input.token.clone(),
            reason: input.reason.clone(),
            note: input.note.clone(),
        };
        let values = Values {
            api: api.trim_end_matches('/'),
            thread,
            author: "",
            body: &input.body,
            parent: None,
            root: None,
            key: &input.key,
            now_ms: super::clamp_now(now_ms),
            email: "",
            website: "",
            page: &context.page,
            no_parent: &NoParent::Null,
            action: &extra,
        };
        let body = action.body.as_ref().map(|b| {
            let mut out = String::new();
            b.render(&values, &mut out);
            out
        });
        let mut headers = Vec::new();
        if body.is_some()
            && !action
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        headers.extend(render_headers(&action.headers, &values));
        Some(Request {
            method: action.method.clone(),
            url: values.url(&action.url),
            headers,
            body,
        })
    }

    /// Judges an action's answer from its status and text.
    pub fn read_done(&self, kind: ActionKind, status: u16, text: &str) -> Done {
        let Some(action) = self.action(kind) else {
            return Done::Failed {
                status,
                message: None,
            };
        };
        let body = crate::platform::json::parse(text).ok();
        let ok_status = if action.ok.is_empty() {
            (200..300).contains(&status)
        } else {
            action.ok.contains(&status)
        };
        let refused = action.ok_when.as_ref().is_some_and(|(path, equals)| {
            body.as_ref()
                .and_then(|b| b.path(path))
                .and_then(|v| v.to_json())
                .is_none_or(|found| found != *equals)
        });
        if !ok_status || refused {
            let message = body
                .as_ref()
                .and_then(|b| self.error_message(b))
                .or_else(|| self.error_text(text, None));
            return Done::Failed { status, message };
        }
        let Some(body) = body else {
            return Done::Ok {
                comment: None,
                likes: None,
                liked: None,
            };
        };
        let comment = action.item.as_deref().and_then(|path| {
            let item = body.path(path)?;
            let mut ignored = Problems::default();
            read::read_item(
                self,
                &item,
                ParentFrom::Item(None),
                &String::new,
                &mut ignored,
            )
            .comment
        });
        let likes = action
            .count
            .as_deref()
            .and_then(|p| body.path(p))
            .as_ref()
            .and_then(read::count);
        let liked = action
            .liked
            .as_deref()
            .and_then(|p| body.path(p))
            .and_then(|v| v.boolean());
        Done::Ok {
            comment,
            likes,
            liked,
        }
    }

    /// The secret token a create answer gives the author for editing and deleting
    /// (`create.editToken`), and until when it works (`create.editableUntil`, else
    /// `create.editWindow` seconds from `now_ms`). With `create.editCookie` the
    /// token is empty: the browser holds the API's cookie.
    pub fn edit_grant<J: Json + Clone>(&self, body: &J, now_ms: f64) -> Option<(String, f64)> {
        let token = match self.create.edit_token.as_deref() {
            Some(path) => body.path(path)?.string()?,
            None if self.create.edit_cookie => String::new(),
            None => return None,
        };
        let bad = token.len() > 500 || token.chars().any(char::is_control);
        if bad || (token.is_empty() && !self.create.edit_cookie) {
            return None;
        }
        let until = self
            .create
            .editable_until
            .as_deref()
            .and_then(|p| body.path(p))
            .and_then(|v| read::time(self.time_format, &self.time_zone, &v))
            .unwrap_or(now_ms + f64::from(self.create.edit_window_s) * 1000.0);
        Some((token, until))
    }
}

/// The orders a list can be read in, as the adapter's `sort` keys name them.
pub(super) const SORTS: &[(&str, Sort)] = &[
    ("newest", Sort::Newest),
    ("oldest", Sort::Oldest),
    ("top", Sort::Top),
];

impl Sort {
    /// The `sort` key and what is stored on the device (`ykien:sort`).
    pub fn key(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Top => "top",
        }
    }

    pub fn from_key(key: &str) -> Option<Sort> {
        SORTS.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }
}
