//! "Quan tâm nhất · Mới nhất · Cũ nhất": the orders the API offers, as a group of
//! toggle buttons above the list. Choosing one keeps focus on it (the same
//! element, now pressed); the section reloads the list in that order and
//! remembers the choice for the site.
//!
//! A plain render function, not a component: three buttons cost nothing to
//! rebuild with the section, and a component type costs its own copy of Yew's
//! lifecycle code in every reader's download (about 1 KiB gzip).

use yew::prelude::*;

use crate::comments::adapter::Sort;
use crate::i18n::Lang;

/// The order shown, whatever order the adapter lists them in.
const SHOWN: [Sort; 3] = [Sort::Top, Sort::Newest, Sort::Oldest];

/// The group of order buttons: those `offered`, `current` pressed; a press
/// calls `on_change`.
pub fn sort_control(
    offered: &[Sort],
    current: Sort,
    lang: Lang,
    on_change: &Callback<Sort>,
) -> Html {
    let s = lang.comments();
    html! {
        <div class="comments-sort" role="group" aria-label={s.sort_label}>
            { for SHOWN.iter().filter(|o| offered.contains(o)).map(|&sort| {
                let on_change = on_change.clone();
                let label = match sort {
                    Sort::Top => s.sort_top,
                    Sort::Newest => s.sort_newest,
                    Sort::Oldest => s.sort_oldest,
                };
                let pressed = sort == current;
                html! {
                    <button type="button" class="comments-sort-option" data-sort={sort.key()}
                        aria-pressed={if pressed { "true" } else { "false" }}
                        onclick={Callback::from(move |_: MouseEvent| on_change.emit(sort))}>
                        {label}
                    </button>
                }
            }) }
        </div>
    }
}
