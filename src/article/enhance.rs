//! Enhance mode: the site's own server-rendered article stays where it is and gains
//! the font controls, in their own shadow root, which scale its elements in place.

use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{Document, Element};

use super::controls::FontControls;
use super::font_scale::{self, Subscription};
use super::scaler::Scaler;
use crate::i18n::Lang;
use crate::platform::dom::{el, set_attrs};

/// The controls and the scaler they drive; [`Enhanced::unmount`] gives the site its
/// article back exactly as it rendered it.
pub struct Enhanced {
    scaler: Rc<Scaler>,
    _controls: Option<FontControls>,
    _subscription: Subscription,
    _on_load: Option<EventListener>,
}

impl Enhanced {
    /// Renders the controls into `root` (inside their shadow root) for `article`.
    pub fn mount(doc: &Document, root: &Element, article: Element, lang: Lang) -> Enhanced {
        let scaler = Rc::new(Scaler::new(article));
        let wrapper = el(doc, "div", "ykien ykien-controls");
        let controls = wrapper.as_ref().and_then(|w| {
            set_attrs(w, &[("lang", lang.code())]);
            let _ = root.append_child(w);
            FontControls::mount(doc, w, lang)
        });
        scaler.apply(font_scale::current().factor());
        let subscription = {
            let scaler = Rc::clone(&scaler);
            font_scale::subscribe(move |scale| scaler.apply(scale.factor()))
        };
        // An async script can run before the page's stylesheets apply; sizes measured
        // then are wrong, so measure again once the page has loaded.
        let on_load = (doc.ready_state() != "complete")
            .then(web_sys::window)
            .flatten()
            .map(|window| {
                let scaler = Rc::clone(&scaler);
                EventListener::once(&window, "load", move |_| scaler.reapply())
            });
        Enhanced {
            scaler,
            _controls: controls,
            _subscription: subscription,
            _on_load: on_load,
        }
    }

    pub fn unmount(self) {
        self.scaler.detach();
    }
}
