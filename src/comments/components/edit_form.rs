//! Editing one's own comment in place, within the API's window. Like the composer,
//! the textarea is uncontrolled (an IME composition is never disturbed) and the
//! counter is this form's own state, so typing re-renders nothing else. A failed
//! save keeps the text and says why.

use std::rc::Rc;

use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::comments_app::Ctx;
use super::{class, Request, RequestStep, Shared};
use crate::comments::adapter::{ActionInput, ActionKind, Body, Comment, Done};
use crate::comments::link::anchor;
use crate::comments::text;
use crate::i18n::{counter, over_limit, under_min};

#[derive(Properties, PartialEq)]
pub struct EditFormProps {
    pub comment: Shared<Comment>,
    /// Closes the form: with the comment as it now is after a save, `None` on
    /// Cancel (or a save that changed nothing).
    pub on_done: Callback<Option<Comment>>,
}

#[component]
pub fn EditForm(props: &EditFormProps) -> Html {
    let ctx = use_context::<Rc<Ctx>>();
    let area_ref = use_node_ref();
    let original = match &props.comment.0.body {
        Body::Text(t) => t.clone(),
        // An API that lists only its rendered HTML (Isso renders Markdown): the
        // reader edits its text, a paragraph a block, rather than an empty box.
        Body::Html(html) => crate::comments::adapter::text::html_blocks(html).join("\n\n"),
    };
    let count = {
        let original = original.clone();
        use_state(move || text::count(&original))
    };
    let request = use_reducer(Request::default);

    // The text to change, with the caret at its end.
    {
        let area_ref = area_ref.clone();
        let original = original.clone();
        use_effect_with((), move |_| {
            if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                area.set_value(&original);
                let _ = area.focus();
                let end = original.chars().map(char::len_utf16).sum::<usize>();
                let end = u32::try_from(end).unwrap_or(u32::MAX);
                let _ = area.set_selection_range(end, end);
            }
        });
    }

    let Some(ctx) = ctx else {
        return Html::default();
    };
    let lang = ctx.lang;
    let s = lang.comments();
    let (min, limit) = (ctx.min, ctx.limit);

    let oninput = {
        let count = count.clone();
        let area_ref = area_ref.clone();
        Callback::from(move |_: InputEvent| {
            if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                let n = text::count(&area.value());
                if n != *count {
                    count.set(n);
                }
            }
        })
    };

    let save = {
        let ctx = ctx.clone();
        let area_ref = area_ref.clone();
        let request = request.clone();
        let comment = props.comment.0.clone();
        let on_done = props.on_done.clone();
        Rc::new(move || {
            if request.busy {
                return;
            }
            let Some(area) = area_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let body = text::prepare(&area.value());
            let n = ykien_text::count_chars_nfc(&body);
            if n == 0 || n < ctx.min || n > ctx.limit {
                return;
            }
            if Body::Text(body.clone()) == comment.body {
                on_done.emit(None);
                return;
            }
            let token = ctx
                .mine
                .try_borrow()
                .ok()
                .and_then(|m| {
                    m.own(&comment.id, js_sys::Date::now())
                        .map(|o| o.token.clone())
                })
                .unwrap_or_default();
            let input = ActionInput {
                token,
                body: body.clone(),
                key: crate::comments::draft::new_idempotency_key(),
                ..ActionInput::default()
            };
            request.dispatch(RequestStep::Start);
            let ctx = ctx.clone();
            let request = request.clone();
            let comment = comment.clone();
            let on_done = on_done.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let done = ctx.backend.act(ActionKind::Edit, &comment.id, &input).await;
                let s = ctx.lang.comments();
                let failed = match done {
                    Ok(Done::Ok { comment: now, .. }) => {
                        // The API's copy when it sends one (it may hold the edit for
                        // moderation); otherwise what was sent.
                        let mut edited = now.unwrap_or_else(|| Comment {
                            body: Body::Text(body),
                            edited_ms: Some(js_sys::Date::now()),
                            ..Comment::clone(&comment)
                        });
                        edited.id = comment.id.clone();
                        edited.parent = comment.parent.clone();
                        request.dispatch(RequestStep::End(None));
                        on_done.emit(Some(edited));
                        return;
                    }
                    Ok(Done::Failed { message, .. }) => match message {
                        Some(m) => format!("{} {m}", s.edit_failed),
                        None => s.edit_failed.to_owned(),
                    },
                    Err(e) => super::failure_text(&e, ctx.lang, s.edit_failed),
                };
                request.dispatch(RequestStep::End(Some(failed)));
            });
        })
    };
    let onsubmit = {
        let save = save.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save();
        })
    };
    let onkeydown = {
        let save = save.clone();
        let on_done = props.on_done.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.is_composing() {
                return;
            }
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                save();
            } else if e.key() == "Escape" {
                on_done.emit(None);
            }
        })
    };
    let cancel = {
        let on_done = props.on_done.clone();
        Callback::from(move |_: MouseEvent| on_done.emit(None))
    };

    let saving = request.busy;
    let over = *count > limit;
    let under = *count > 0 && *count < min;
    let base = format!("{}-edit", anchor(&props.comment.0.id.text));
    let status = if over {
        over_limit(lang, limit)
    } else if under {
        under_min(lang, min)
    } else {
        String::new()
    };
    html! {
        <form class="comment-edit-form" {onsubmit} novalidate=true>
            <label class="visually-hidden" for={base.clone()}>{s.edit_label}</label>
            <textarea id={base.clone()} ref={area_ref}
                class={class("composer-body", &[over.then_some("is-over")])} rows="3"
                aria-describedby={format!("{base}-count {base}-status")}
                aria-invalid={over.then_some("true")}
                {oninput} {onkeydown} />
            <div class="composer-bar">
                <span id={format!("{base}-count")} class={class("composer-counter", &[over.then_some("is-over")])}>
                    {counter(lang, *count, limit)}
                </span>
                <button type="button" class="btn btn-quiet comment-edit-cancel" onclick={cancel}>{s.cancel}</button>
                <button type="submit" class="btn btn-primary comment-edit-save"
                    disabled={*count == 0 || over || under || saving}
                    aria-busy={saving.then_some("true")}>
                    { if saving { s.saving } else { s.save } }
                </button>
            </div>
            <p id={format!("{base}-status")} class="composer-status" role="status" aria-live="polite">{status}</p>
            if let Some(message) = &request.error {
                <div class="composer-error" role="alert"><p>{message.clone()}</p></div>
            }
        </form>
    }
}
