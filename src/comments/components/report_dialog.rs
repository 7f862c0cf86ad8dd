//! "Vi phạm": a small modal dialog with the reasons the API accepts and a note.
//! A native `<dialog>` opened with `showModal()`: the browser keeps focus inside
//! it, closes it on Escape and returns focus to the button that opened it.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::comment_list::author_name;
use super::comments_app::Ctx;
use super::Shared;
use super::{failure_text, Request, RequestStep};
use crate::comments::adapter::{ActionInput, ActionKind, Comment, Done, FieldRule};
use crate::comments::link::anchor;
use crate::comments::mine::device;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct ReportDialogProps {
    pub comment: Shared<Comment>,
    /// The report was taken.
    pub on_sent: Callback<()>,
    /// Closed without sending (Cancel, Escape).
    pub on_close: Callback<()>,
}

#[component]
pub fn ReportDialog(props: &ReportDialogProps) -> Html {
    let ctx = use_context::<Rc<Ctx>>();
    let dialog_ref = use_node_ref();
    let note_ref = use_node_ref();
    let chosen = use_state(|| None::<usize>);
    let request = use_reducer(Request::default);

    {
        let dialog_ref = dialog_ref.clone();
        use_effect_with((), move |_| {
            if let Some(d) = dialog_ref.cast::<HtmlDialogElement>() {
                let _ = d.show_modal();
            }
            move || {
                if let Some(d) = dialog_ref.cast::<HtmlDialogElement>() {
                    d.close();
                }
            }
        });
    }

    let Some(ctx) = ctx else {
        return Html::default();
    };
    let lang = ctx.lang;
    let s = lang.comments();
    let reasons = ctx.backend.adapter.report_reasons();
    let note_max = ctx.backend.adapter.report_note_max();
    let comment = &props.comment.0;
    let base = format!("{}-report", anchor(&comment.id.text));
    let note_rule = chosen
        .and_then(|i| reasons.get(i))
        .map_or(FieldRule::Optional, |r| r.note);

    let onsubmit = {
        let ctx = ctx.clone();
        let chosen = chosen.clone();
        let request = request.clone();
        let note_ref = note_ref.clone();
        let id = comment.id.clone();
        let on_sent = props.on_sent.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if request.busy {
                return;
            }
            let s = ctx.lang.comments();
            let reasons = ctx.backend.adapter.report_reasons();
            let Some(reason) = chosen.and_then(|i| reasons.get(i)) else {
                request.dispatch(RequestStep::End(Some(s.report_pick.to_owned())));
                return;
            };
            let note_area = note_ref.cast::<HtmlTextAreaElement>();
            let note = note_area
                .as_ref()
                .map(|a| crate::comments::text::prepare(&a.value()))
                .unwrap_or_default();
            if reason.note == FieldRule::Required && note.is_empty() {
                request.dispatch(RequestStep::End(Some(s.report_note_required.to_owned())));
                if let Some(a) = note_area {
                    let _ = a.focus();
                }
                return;
            }
            let input = ActionInput {
                device: device(),
                reason: reason.code.clone(),
                note: if reason.note == FieldRule::Off {
                    String::new()
                } else {
                    note
                },
                key: crate::comments::draft::new_idempotency_key(),
                ..ActionInput::default()
            };
            request.dispatch(RequestStep::Start);
            let ctx = ctx.clone();
            let request = request.clone();
            let id = id.clone();
            let on_sent = on_sent.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let done = ctx.backend.act(ActionKind::Report, &id, &input).await;
                let s = ctx.lang.comments();
                let failed = match done {
                    Ok(Done::Ok { .. }) => None,
                    Ok(Done::Failed { message, .. }) => Some(match message {
                        Some(m) => format!("{} {m}", s.report_failed),
                        None => s.report_failed.to_owned(),
                    }),
                    Err(e) => Some(failure_text(&e, ctx.lang, s.report_failed)),
                };
                let sent = failed.is_none();
                request.dispatch(RequestStep::End(failed));
                if sent {
                    on_sent.emit(());
                }
            });
        })
    };
    let on_close = props.on_close.clone();
    let cancel = {
        let on_close = on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    // Escape closes a modal dialog by itself; the section then forgets it.
    let onclose = Callback::from(move |_: Event| on_close.emit(()));
    let choose = {
        let chosen = chosen.clone();
        let request = request.clone();
        Callback::from(move |e: Event| {
            let index = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.value().parse::<usize>().ok());
            chosen.set(index);
            if request.error.is_some() {
                request.dispatch(RequestStep::End(None));
            }
        })
    };

    html! {
        <dialog class="ykien-dialog report-dialog" ref={dialog_ref} lang={lang.code()}
            aria-labelledby={format!("{base}-title")} {onclose}>
            <form class="report-form" {onsubmit} novalidate=true>
                <h3 id={format!("{base}-title")} class="report-title">{s.report_title}</h3>
                <p class="report-about">{about(comment, lang)}</p>
                <fieldset class="report-reasons">
                    <legend>{s.report_reason}</legend>
                    { for reasons.iter().enumerate().map(|(i, r)| html! {
                        <label class="report-reason">
                            <input type="radio" name={format!("{base}-reason")} value={i.to_string()}
                                checked={*chosen == Some(i)} onchange={choose.clone()} />
                            {match lang { Lang::Vi => r.label_vi.clone(), Lang::En => r.label_en.clone() }}
                        </label>
                    }) }
                </fieldset>
                if note_rule != FieldRule::Off {
                    <label class="report-note-label" for={format!("{base}-note")}>
                        {s.report_note}
                        if note_rule == FieldRule::Optional {
                            <span class="composer-optional">{format!(" {}", s.optional)}</span>
                        }
                    </label>
                    <textarea id={format!("{base}-note")} ref={note_ref} class="report-note" rows="2"
                        maxlength={note_max.to_string()} required={note_rule == FieldRule::Required} />
                }
                if let Some(message) = &request.error {
                    <p class="composer-error report-error" role="alert">{message.clone()}</p>
                }
                <div class="composer-bar">
                    <button type="button" class="btn btn-quiet report-cancel" onclick={cancel}>{s.cancel}</button>
                    <button type="submit" class="btn btn-primary report-send"
                        disabled={request.busy} aria-busy={request.busy.then_some("true")}>
                        { if request.busy { s.sending } else { s.report_send } }
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// "Lan: Bài viết rất hay…": which comment is being reported.
fn about(comment: &Comment, lang: Lang) -> String {
    let text = match &comment.body {
        crate::comments::adapter::Body::Text(t) => t.clone(),
        crate::comments::adapter::Body::Html(h) => crate::comments::adapter::text::html_text(h),
    };
    let mut excerpt: String = text.chars().take(80).collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }
    format!("{}: {excerpt}", author_name(comment, lang))
}
