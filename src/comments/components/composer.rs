//! The comment form: name, text, live counter, send. Used for new comments and,
//! inline under a comment, for replies.
//!
//! The textarea is uncontrolled: the widget reads it, and writes it only to restore a
//! draft on mount and to clear it after a send the server accepted. Rewriting the
//! value while an IME composition is open (Telex, VNI, phone keyboards) would break
//! the syllable being composed, so nothing here ever does. The counter and the over-
//! limit state are this component's own state: typing re-renders the form, never the
//! comment list.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::comments_app::{Ctx, Posted};
use super::{class, Shared};
use crate::comments::adapter::{Body, Comment, Created, FieldRule, Id, NewComment, Status};
use crate::comments::backend::Extras;
use crate::comments::components::comment_list::author_name;
use crate::comments::draft::{self, DraftKey};
use crate::comments::text;
use crate::i18n::{counter, over_limit, under_min, Lang};
use crate::platform::dom::console_error;
use crate::platform::error::LoadError;

/// A draft typed but not yet written to storage.
type Unsaved = Rc<RefCell<Option<(DraftKey, String)>>>;

/// Writes the unsaved draft now (the page is going away, or the form is).
fn flush(unsaved: &Unsaved, timer: &Rc<RefCell<Option<Timeout>>>) {
    if let Ok(mut t) = timer.try_borrow_mut() {
        t.take();
    }
    let pending = crate::platform::take(unsaved);
    if let Some((key, body)) = pending {
        draft::save_body(&key, &body);
    }
}

/// How long typing must pause before the draft is written to storage.
const DRAFT_DEBOUNCE_MS: u32 = 400;

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    /// The comment being answered; `None` for a new top-level comment.
    #[prop_or_default]
    pub parent: Option<Shared<Comment>>,
    /// Closes an inline reply form (after sending, or on Cancel/Escape).
    #[prop_or_default]
    pub on_close: Option<Callback<()>>,
}

/// The form's state that shows: one reducer rather than a hook per field, because
/// each distinct hook state type is another copy of Yew's hook code in every
/// commenting reader's download.
#[derive(Clone, Default)]
struct Form {
    /// Characters in the textarea, as the server counts them.
    count: usize,
    sending: bool,
    outcome: Outcome,
    /// Why the email or website cannot be sent, shown under the field.
    field_error: Option<(Field, &'static str)>,
}

enum Change {
    Count(usize),
    /// A send started: the last outcome is cleared.
    Sending,
    /// A send ended, with this outcome.
    Ended(Outcome),
    /// The reader typed after "sent": that line no longer applies.
    ClearOutcome,
    FieldError(Option<(Field, &'static str)>),
}

impl Reducible for Form {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut form = Rc::unwrap_or_clone(self);
        match change {
            Change::Count(n) => form.count = n,
            Change::Sending => {
                form.sending = true;
                form.outcome = Outcome::None;
            }
            Change::Ended(outcome) => {
                form.sending = false;
                form.outcome = outcome;
            }
            Change::ClearOutcome => form.outcome = Outcome::None,
            Change::FieldError(e) => form.field_error = e,
        }
        Rc::new(form)
    }
}

#[derive(Clone, Default)]
enum Outcome {
    #[default]
    None,
    Sent,
    Held,
    /// A failure; `retry` when sending the same text again can help.
    Failed {
        message: String,
        retry: bool,
    },
    /// No answer in time: the comment may have arrived. Sending again repeats the
    /// same request with the same key.
    Unknown {
        message: &'static str,
    },
}

#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let ctx = use_context::<Rc<Ctx>>();
    let body_ref = use_node_ref();
    let name_ref = use_node_ref();
    let form = use_reducer(Form::default);
    let composing = use_mut_ref(|| Rc::new(Cell::new(false)));
    let save_timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None::<Timeout>);
    let unsaved: Unsaved = use_mut_ref(|| None::<(DraftKey, String)>);
    // The prepared text an unanswered send's idempotency key belongs to, mirrored from
    // storage so typing does not read storage on every keystroke.
    let keyed_text = use_mut_ref(|| None::<String>);
    let ids = use_state(unique_ids);
    let email_ref = use_node_ref();
    let website_ref = use_node_ref();

    let Some(ctx) = ctx else {
        return Html::default();
    };
    let lang = ctx.lang;
    let s = lang.comments();
    let limit = ctx.limit;
    let min = ctx.min;
    let fields = ctx.fields;
    let parent_id = props.parent.as_ref().map(|p| p.0.id.clone());
    let key = DraftKey::new(
        &ctx.backend.thread,
        parent_id.as_ref().map(|p| p.text.as_str()),
    );

    // Yew has no composition listeners; attach them to the textarea directly.
    {
        let body_ref = body_ref.clone();
        let composing = composing.borrow().clone();
        use_effect_with((), move |_| {
            let listeners = body_ref.cast::<web_sys::Element>().map(|area| {
                let start = {
                    let composing = composing.clone();
                    EventListener::new(&area, "compositionstart", move |_| composing.set(true))
                };
                let end =
                    EventListener::new(&area, "compositionend", move |_| composing.set(false));
                (start, end)
            });
            move || drop(listeners)
        });
    }

    // What was typed in the last moments before the page goes away (reload, tab
    // closed, app switched on a phone) must not wait for the debounce: write it
    // when the page is hidden or unloaded, and when the form itself goes.
    {
        let unsaved = unsaved.clone();
        let save_timer = save_timer.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|window| {
                let on_hide = {
                    let unsaved = unsaved.clone();
                    let save_timer = save_timer.clone();
                    EventListener::new(&window, "pagehide", move |_| flush(&unsaved, &save_timer))
                };
                let on_hidden = window.document().map(|doc| {
                    let unsaved = unsaved.clone();
                    let save_timer = save_timer.clone();
                    let target = doc.clone();
                    EventListener::new(&target, "visibilitychange", move |_| {
                        if doc.hidden() {
                            flush(&unsaved, &save_timer);
                        }
                    })
                });
                (on_hide, on_hidden)
            });
            move || {
                flush(&unsaved, &save_timer);
                drop(listeners);
            }
        });
    }

    // Restore the draft and the remembered name once, before the reader types.
    {
        let body_ref = body_ref.clone();
        let name_ref = name_ref.clone();
        let form = form.clone();
        let key = key.clone();
        let keyed_text = keyed_text.clone();
        let is_reply = props.parent.is_some();
        use_effect_with((), move |_| {
            if let Some(area) = body_ref.cast::<HtmlTextAreaElement>() {
                let saved = draft::load(&key);
                if saved.idempotency_key.is_some() {
                    *keyed_text.borrow_mut() = Some(text::prepare(&saved.body));
                }
                if area.value().is_empty() && !saved.body.is_empty() {
                    area.set_value(&saved.body);
                    form.dispatch(Change::Count(text::count(&saved.body)));
                }
                // A reply form opens under the reader's eyes; the main form takes the
                // focus only if the reader was already in the loader's placeholder.
                if is_reply || crate::platform::loader::take_focus("composer-body") {
                    let _ = area.focus();
                    let end = area.value().chars().map(char::len_utf16).sum::<usize>();
                    let end = u32::try_from(end).unwrap_or(u32::MAX);
                    let _ = area.set_selection_range(end, end);
                }
            }
            if let Some(input) = name_ref.cast::<HtmlInputElement>() {
                if input.value().is_empty() {
                    input.set_value(&draft::name());
                }
                if crate::platform::loader::take_focus("composer-name") {
                    let _ = input.focus();
                }
            }
        });
    }

    let oninput = {
        let form = form.clone();
        let save_timer = save_timer.clone();
        let key = key.clone();
        let body_ref = body_ref.clone();
        let keyed_text = keyed_text.clone();
        let unsaved = unsaved.clone();
        Callback::from(move |_: InputEvent| {
            let Some(area) = body_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let value = area.value();
            let n = text::count(&value);
            if n != form.count {
                form.dispatch(Change::Count(n));
            }
            if matches!(form.outcome, Outcome::Sent | Outcome::Held) {
                form.dispatch(Change::ClearOutcome);
            }
            // A different text is a different comment: a key kept for a failed send of
            // the old text must not make the server return that old comment instead.
            let mut keyed = keyed_text.borrow_mut();
            if keyed
                .as_deref()
                .is_some_and(|t| *t != text::prepare(&value))
            {
                *keyed = None;
                draft::save_sent(&key, None);
            }
            if let Ok(mut u) = unsaved.try_borrow_mut() {
                *u = Some((key.clone(), value));
            }
            let unsaved = unsaved.clone();
            let timer_slot = save_timer.clone();
            let timer = Timeout::new(DRAFT_DEBOUNCE_MS, move || {
                let pending = crate::platform::take(&unsaved);
                if let Some((key, body)) = pending {
                    draft::save_body(&key, &body);
                }
                if let Ok(mut t) = timer_slot.try_borrow_mut() {
                    t.take();
                }
            });
            if let Ok(mut t) = save_timer.try_borrow_mut() {
                *t = Some(timer);
            }
        })
    };

    let submit = {
        let ctx = ctx.clone();
        let body_ref = body_ref.clone();
        let name_ref = name_ref.clone();
        let form = form.clone();
        let composing = composing.borrow().clone();
        let save_timer = save_timer.clone();
        let unsaved = unsaved.clone();
        let keyed_text = keyed_text.clone();
        let key = key.clone();
        let parent_id = parent_id.clone();
        let on_close = props.on_close.clone();
        let email_ref = email_ref.clone();
        let website_ref = website_ref.clone();
        Rc::new(move || {
            if form.sending || composing.get() {
                return;
            }
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value().trim().to_owned())
                    .unwrap_or_default()
            };
            let checked = check_fields(
                ctx.fields.email,
                &value(&email_ref),
                ctx.fields.website,
                &value(&website_ref),
                ctx.lang.comments(),
            );
            let extras = match checked {
                Ok(extras) => {
                    if form.field_error.is_some() {
                        form.dispatch(Change::FieldError(None));
                    }
                    extras
                }
                Err((field, reason)) => {
                    let input = match field {
                        Field::Email => &email_ref,
                        Field::Website => &website_ref,
                    };
                    if let Some(i) = input.cast::<HtmlInputElement>() {
                        let _ = i.focus();
                    }
                    form.dispatch(Change::FieldError(Some((field, reason))));
                    return;
                }
            };
            let Some(area) = body_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let raw = area.value();
            let body = text::prepare(&raw);
            let n = ykien_text::count_chars_nfc(&body);
            if n == 0 || n < ctx.min || n > ctx.limit {
                return;
            }
            let name = name_ref
                .cast::<HtmlInputElement>()
                .map(|i| text::prepare(&i.value()))
                .unwrap_or_default();
            let name: String = name.chars().take(ykien_text::DEFAULT_NAME_LIMIT).collect();
            draft::save_name(&name);
            let author = if name.is_empty() {
                ctx.lang.comments().guest.to_owned()
            } else {
                name
            };
            // Written now, so an answer lost to a crash or reload is still recognised.
            flush(&unsaved, &save_timer);
            draft::save_body(&key, &raw);
            let saved = draft::load(&key);
            let new = NewComment {
                author,
                body: body.clone(),
                parent: parent_id.clone(),
            };
            // The same text as a send that may have arrived: the same key and the
            // very same request body, so the server recognises it.
            let same = keyed_text.borrow().as_deref() == Some(body.as_str());
            let (idem, request) = match (same, saved.idempotency_key) {
                (true, Some(idem)) => {
                    let mut request = ctx.backend.create_request_with(&new, &idem, &extras);
                    if let (Some(sent), true) = (saved.request, request.body.is_some()) {
                        request.body = Some(sent);
                    }
                    (idem, request)
                }
                _ => {
                    let idem = draft::new_idempotency_key();
                    let request = ctx.backend.create_request_with(&new, &idem, &extras);
                    (idem, request)
                }
            };
            draft::save_sent(&key, Some((&idem, request.body.as_deref())));
            *keyed_text.borrow_mut() = Some(body.clone());
            form.dispatch(Change::Sending);
            let ctx = ctx.clone();
            let form = form.clone();
            let key = key.clone();
            let body_ref = body_ref.clone();
            let on_close = on_close.clone();
            let keyed_text = keyed_text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = ctx.backend.create(&request).await;
                let s = ctx.lang.comments();
                let (comment, held, token, grant) = match result {
                    Err(LoadError::Timeout(secs)) => {
                        console_error(&format!(
                            "ykien: the comment API did not answer the new comment within {secs} s; the reader can send it again with the same idempotency key"
                        ));
                        form.dispatch(Change::Ended(Outcome::Unknown {
                            message: if ctx.backend.adapter.is_idempotent() {
                                s.send_timeout
                            } else {
                                s.send_timeout_unsure
                            },
                        }));
                        return;
                    }
                    Err(e) => {
                        if let LoadError::Network(detail) = &e {
                            console_error(&format!("ykien: sending the comment failed: {detail}"));
                        }
                        form.dispatch(Change::Ended(Outcome::Failed {
                            message: s.send_network.to_owned(),
                            retry: true,
                        }));
                        return;
                    }
                    Ok(answer) => match answer.created {
                        Created::Failed { status, message } => {
                            console_error(
                                &ctx.backend.describe_failure(status, message.as_deref()),
                            );
                            let failed = match status {
                                429 => Outcome::Failed {
                                    message: s.send_rate_limited.to_owned(),
                                    retry: true,
                                },
                                500.. => Outcome::Failed {
                                    message: s.send_server.to_owned(),
                                    retry: true,
                                },
                                _ => {
                                    // Refused: nothing was stored, the next send is new.
                                    draft::save_sent(&key, None);
                                    *keyed_text.borrow_mut() = None;
                                    Outcome::Failed {
                                        message: match message {
                                            Some(m) => format!("{} {}", s.send_rejected, m),
                                            None => s.send_rejected.to_owned(),
                                        },
                                        retry: false,
                                    }
                                }
                            };
                            form.dispatch(Change::Ended(failed));
                            return;
                        }
                        Created::Published(c) => (c, false, answer.token, answer.grant),
                        Created::Held(c) => (c, true, answer.token, answer.grant),
                    },
                };
                let mut comment = comment.unwrap_or_else(|| Comment {
                    id: Id {
                        text: format!("local-{idem}"),
                        numeric: false,
                    },
                    parent: new.parent.clone(),
                    author: Some(new.author.clone()),
                    body: Body::Text(new.body.clone()),
                    created_ms: Some(js_sys::Date::now()),
                    status: Status::Published,
                    likes: None,
                    edited_ms: None,
                });
                if held {
                    comment.status = Status::Pending;
                }
                if comment.parent.is_none() {
                    comment.parent = new.parent.clone();
                }
                draft::clear(&key);
                *keyed_text.borrow_mut() = None;
                // The reader may have kept typing while it was sent: clear only what
                // was sent, and keep anything newer as the next draft.
                if let Some(area) = body_ref.cast::<HtmlTextAreaElement>() {
                    let now = area.value();
                    if now == raw {
                        area.set_value("");
                        form.dispatch(Change::Count(0));
                    } else {
                        draft::save_body(&key, &now);
                    }
                }
                form.dispatch(Change::Ended(if comment.is_pending() {
                    Outcome::Held
                } else {
                    Outcome::Sent
                }));
                ctx.on_posted.emit(Posted {
                    comment,
                    token,
                    replied_to: new.parent.clone(),
                    grant,
                });
                if let Some(close) = on_close {
                    close.emit(());
                }
            });
        })
    };

    let onsubmit = {
        let submit = submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit();
        })
    };
    let onkeydown = {
        let submit = submit.clone();
        let composing = composing.borrow().clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.is_composing() || composing.get() {
                return;
            }
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                submit();
            } else if e.key() == "Escape" {
                if let Some(close) = &on_close {
                    close.emit(());
                }
            }
        })
    };
    let retry = {
        let submit = submit.clone();
        Callback::from(move |_: MouseEvent| submit())
    };
    let cancel = props
        .on_close
        .clone()
        .map(|close| Callback::from(move |_: MouseEvent| close.emit(())));

    let count = form.count;
    let sending = form.sending;
    let over = count > limit;
    let under = count > 0 && count < min;
    let (counter_id, status_id, name_id, body_id) = &*ids;
    let clear_field_error = {
        let form = form.clone();
        Callback::from(move |_: InputEvent| {
            if form.field_error.is_some() {
                form.dispatch(Change::FieldError(None));
            }
        })
    };
    let field_input = |field: Field, rule: FieldRule, node: &NodeRef| -> Html {
        if rule == FieldRule::Off {
            return Html::default();
        }
        let (label, kind, autocomplete, field_class) = match field {
            Field::Email => (s.email_label, "email", "email", "composer-email"),
            Field::Website => (s.website_label, "url", "url", "composer-website"),
        };
        let id = format!("{name_id}-{field_class}");
        let error_id = format!("{id}-error");
        let reason = form
            .field_error
            .and_then(|(f, r)| (f == field).then_some(r));
        html! {
            <div class={class("composer-field", &[Some(field_class)])}>
                <label for={id.clone()}>
                    {label}
                    if rule == FieldRule::Optional {
                        <span class="composer-optional">{format!(" {}", s.optional)}</span>
                    }
                </label>
                <input id={id} ref={node.clone()} class={field_class} type={kind} autocomplete={autocomplete}
                    maxlength="254" required={rule == FieldRule::Required}
                    aria-invalid={reason.is_some().then_some("true")}
                    aria-describedby={reason.is_some().then(|| error_id.clone())}
                    oninput={clear_field_error.clone()} />
                if let Some(reason) = reason {
                    <p id={error_id} class="composer-field-error" role="alert">{reason}</p>
                }
            </div>
        }
    };
    let is_reply = props.parent.is_some();
    let body_label = match &props.parent {
        Some(p) => format!("{} {}", s.reply_to, author_name(&p.0, lang)),
        None => s.body_label.to_owned(),
    };
    html! {
        <form class={class("composer", &[is_reply.then_some("is-reply")])} {onsubmit} novalidate=true>
            <div class="composer-identity">
                <label class="composer-name-label" for={name_id.clone()}>{s.name_label}</label>
                <input id={name_id.clone()} ref={name_ref} class="composer-name" type="text" autocomplete="nickname"
                    maxlength={ykien_text::DEFAULT_NAME_LIMIT.to_string()} placeholder={s.guest} />
                { field_input(Field::Email, fields.email, &email_ref) }
                { field_input(Field::Website, fields.website, &website_ref) }
            </div>
            <label class={class("composer-body-label", &[is_reply.then_some("visually-hidden")])}
                for={body_id.clone()}>{body_label}</label>
            <textarea id={body_id.clone()} ref={body_ref}
                class={class("composer-body", &[over.then_some("is-over")])}
                rows={if is_reply { "3" } else { "4" }}
                placeholder={if is_reply { s.reply_placeholder } else { s.body_placeholder }}
                aria-describedby={format!("{counter_id} {status_id}")}
                aria-invalid={over.then_some("true")}
                {oninput} {onkeydown} />
            <div class="composer-bar">
                <span id={counter_id.clone()} class={class("composer-counter", &[over.then_some("is-over")])}>
                    {counter(lang, count, limit)}
                </span>
                <span class="composer-hint">{s.shortcut}</span>
                if let Some(cancel) = cancel {
                    <button type="button" class="btn btn-quiet composer-cancel" onclick={cancel}>{s.cancel}</button>
                }
                <button type="submit" class="btn btn-primary composer-send"
                    disabled={count == 0 || over || under || sending}
                    aria-busy={sending.then_some("true")}>
                    { if sending { s.sending } else { s.send } }
                </button>
            </div>
            <p id={status_id.clone()} class="composer-status" role="status" aria-live="polite">
                { status_text(lang, (over, under), (min, limit), &form.outcome) }
            </p>
            { match &form.outcome {
                Outcome::Failed { message, retry: can_retry } => html! {
                    <div class="composer-error" role="alert">
                        <p>{message.clone()}</p>
                        if *can_retry {
                            <button type="button" class="btn composer-retry" onclick={retry}>{lang.strings().retry}</button>
                        }
                    </div>
                },
                Outcome::Unknown { message } => html! {
                    <div class="composer-error" role="alert">
                        <p>{*message}</p>
                        <button type="button" class="btn composer-retry" onclick={retry}>{s.resend}</button>
                    </div>
                },
                _ => Html::default(),
            } }
        </form>
    }
}

/// The polite live region: the over-limit warning while over, then the outcome of
/// the last send. Failures are announced by the alert instead.
fn status_text(
    lang: Lang,
    (over, under): (bool, bool),
    (min, limit): (usize, usize),
    outcome: &Outcome,
) -> String {
    let s = lang.comments();
    if over {
        return over_limit(lang, limit);
    }
    if under {
        return under_min(lang, min);
    }
    match outcome {
        Outcome::Sent => s.sent.to_owned(),
        Outcome::Held => s.pending_note.to_owned(),
        Outcome::None | Outcome::Failed { .. } | Outcome::Unknown { .. } => String::new(),
    }
}

/// An optional field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Email,
    Website,
}

/// The optional fields as the API gets them, or the first one that cannot be sent
/// and why.
fn check_fields(
    email_rule: FieldRule,
    email: &str,
    website_rule: FieldRule,
    website: &str,
    s: &crate::i18n::CommentStrings,
) -> Result<Extras, (Field, &'static str)> {
    let mut extras = Extras::default();
    if email_rule != FieldRule::Off {
        if email.is_empty() {
            if email_rule == FieldRule::Required {
                return Err((Field::Email, s.email_required));
            }
        } else if !is_email(email) {
            return Err((Field::Email, s.email_invalid));
        } else {
            extras.email = email.to_owned();
        }
    }
    if website_rule != FieldRule::Off {
        if website.is_empty() {
            if website_rule == FieldRule::Required {
                return Err((Field::Website, s.website_required));
            }
        } else {
            extras.website = website_url(website).ok_or((Field::Website, s.website_invalid))?;
        }
    }
    Ok(extras)
}

/// `local@domain.tld`, as most APIs check it: one `@`, no spaces, a dot in a domain
/// that neither starts nor ends with one, at most 254 characters.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    text.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// An http(s) URL; a bare host (`example.vn/x`) gets `https://`.
fn website_url(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let url = if lower.starts_with("http://") || lower.starts_with("https://") {
        text.to_owned()
    } else if text.contains("://") || text.starts_with('/') {
        return None;
    } else {
        format!("https://{text}")
    };
    let host = url.split("://").nth(1)?.split(['/', '?', '#']).next()?;
    let ok = url.len() <= 254
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(url)
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// Ids for label/description links, unique within the page's widgets.
fn unique_ids() -> (String, String, String, String) {
    let n = NEXT_ID.with(|c| {
        let n = c.get();
        c.set(n.wrapping_add(1));
        n
    });
    (
        format!("ykc{n}-count"),
        format!("ykc{n}-status"),
        format!("ykc{n}-name"),
        format!("ykc{n}-body"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn optional_fields_are_checked_with_a_reason() {
        let s = Lang::Vi.comments();
        let (off, opt, req) = (FieldRule::Off, FieldRule::Optional, FieldRule::Required);
        assert_eq!(check_fields(off, "x", off, "y", s), Ok(Extras::default()));
        assert_eq!(check_fields(opt, "", opt, "", s), Ok(Extras::default()));
        assert_eq!(
            check_fields(req, "", off, "", s),
            Err((Field::Email, s.email_required))
        );
        assert_eq!(
            check_fields(opt, "lan@", off, "", s),
            Err((Field::Email, s.email_invalid))
        );
        assert_eq!(
            check_fields(opt, "lan@bao.vn", opt, "bao.vn/lan", s),
            Ok(Extras {
                email: "lan@bao.vn".into(),
                website: "https://bao.vn/lan".into()
            })
        );
        assert_eq!(
            check_fields(off, "", req, "javascript:alert(1)", s),
            Err((Field::Website, s.website_invalid))
        );
        for bad in [
            "a b@c.vn", "a@b", "a@.vn", "a@b.", "@b.vn", "a@b@c.vn", "a@b..vn",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        for (given, want) in [
            ("https://x.vn", Some("https://x.vn")),
            ("HTTP://x.vn/a?b", Some("HTTP://x.vn/a?b")),
            ("x.vn", Some("https://x.vn")),
            ("ftp://x.vn", None),
            ("/x", None),
            ("localhost", None),
            ("x .vn", None),
        ] {
            assert_eq!(website_url(given).as_deref(), want, "{given}");
        }
    }
}
