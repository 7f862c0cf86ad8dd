//! "Quan tâm nhất · Mới nhất · Cũ nhất": the orders the API offers, as a group of
//! toggle buttons above the list. Choosing one keeps focus on it (the same
//! element, now pressed); the section reloads the list in that order and
//! remembers the choice for the site.

use yew::prelude::*;

use crate::comments::adapter::Sort;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct SortControlProps {
    pub offered: Vec<Sort>,
    pub current: Sort,
    pub lang: Lang,
    pub on_change: Callback<Sort>,
}

/// The order shown, whatever order the adapter lists them in.
const SHOWN: [Sort; 3] = [Sort::Top, Sort::Newest, Sort::Oldest];

#[component]
pub fn SortControl(props: &SortControlProps) -> Html {
    let s = props.lang.comments();
    html! {
        <div class="comments-sort" role="group" aria-label={s.sort_label}>
            { for SHOWN.iter().filter(|o| props.offered.contains(o)).map(|&sort| {
                let on_change = props.on_change.clone();
                let label = match sort {
                    Sort::Top => s.sort_top,
                    Sort::Newest => s.sort_newest,
                    Sort::Oldest => s.sort_oldest,
                };
                let pressed = sort == props.current;
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
