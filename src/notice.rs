//! What the site's operator is told about a misconfiguration: a notice in the
//! widget's place (so a mistake is never a silent blank area) and a console line
//! for every problem, naming the attribute and what was expected.
//!
//! Readers of a correctly configured page never need this, so it is a separately
//! loaded part of the module (feature `split`, like the comment section): the main
//! part only finds the problems; wording them, with typo suggestions, and drawing
//! the notice load when there is something to say.

use web_sys::Element;

use crate::comments::mount::NotLoaded;
use crate::config::{warnings, ConfigError};
use crate::i18n::Lang;
use crate::platform::dom::{append, console_error, console_warn, el, set_attrs, text_el};

/// What to report, and where.
pub struct Report {
    /// The notice's root (inside its shadow root), when there are errors.
    pub root: Option<Element>,
    pub errors: Vec<ConfigError>,
    /// Unknown attributes (`dataset` keys), reported as warnings.
    pub unknown: Vec<String>,
    pub lang: Lang,
}

/// Says it; in the split build, first downloads this part.
#[allow(improper_ctypes_definitions, clippy::boxed_local)]
#[cfg_attr(feature = "split", wasm_split_helpers::wasm_split(notice, fallible))]
pub fn report(report: Box<Report>) -> Result<(), NotLoaded> {
    for w in warnings(&report.unknown) {
        console_warn(&w);
    }
    for e in &report.errors {
        console_error(&e.operator_message());
    }
    if let Some(root) = &report.root {
        draw(root, &report.errors, report.lang);
    }
    Ok(())
}

/// [`report`], awaited where it is a split point. If the part cannot be loaded the
/// operator still gets a line naming the first problem.
pub async fn report_part(r: Box<Report>) {
    let first = r.errors.first().map(|e| e.attribute.clone());
    #[cfg(feature = "split")]
    let done = report(r).await;
    #[cfg(not(feature = "split"))]
    let done = report(r);
    if let (Err(_), Some(attribute)) = (done, first) {
        console_error(&format!("ykien: {attribute} is not configured correctly"));
    }
}

fn draw(root: &Element, errors: &[ConfigError], lang: Lang) {
    let s = lang.strings();
    let Some(doc) = root.owner_document() else {
        return;
    };
    let Some(card) = el(&doc, "div", "ykien notice") else {
        return;
    };
    set_attrs(&card, &[("role", "alert"), ("lang", lang.code())]);
    let list = el(&doc, "ul", "");
    if let Some(list) = &list {
        for e in errors {
            // Text only: the values echoed here come from page markup.
            let line = e.operator_message();
            append(
                list,
                &[&text_el(&doc, "li", "", line.trim_start_matches("ykien: "))],
            );
        }
    }
    append(
        &card,
        &[
            &text_el(&doc, "p", "notice-title", s.config_title),
            &list,
            &text_el(&doc, "p", "notice-hint", s.config_hint),
        ],
    );
    let _ = root.append_child(&card);
}
