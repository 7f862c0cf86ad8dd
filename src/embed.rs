//! Mounting and unmounting: turns a validated config into shadow-DOM hosts on the
//! page and the article, controls and comment sections inside them, or into an
//! operator notice when it cannot.
//!
//! Nothing here throws to the host page: every DOM failure ends in a notice and a
//! console message, and `Widget::unmount` removes exactly what `mount` added.

use std::rc::Rc;

use web_sys::{Document, Element};

use crate::article::enhance::Enhanced;
use crate::article::render::Rendered;
use crate::comments::slot::Slot;
use crate::config::{self, ArticleSource, Config, ConfigError};
use crate::i18n::Lang;
use crate::notice::Report;
use crate::platform::dom::{page_lang, query, LookupError};
use crate::platform::loader::{retire, Host, Platform, ThemeWatch};

/// Where the widget was asked to appear.
pub enum Place {
    /// `ykien.mount(element, config)`.
    Element(Element),
    /// A script tag's own `data-*` config; its `data-mount` decides, else right after it.
    Script(Element),
}

#[derive(Default)]
pub struct Widget {
    article: Option<Rendered>,
    controls: Option<Enhanced>,
    comments: Option<Slot>,
    /// Hosts this widget inserted into the page, removed on unmount.
    created: Vec<Element>,
    themes: Vec<ThemeWatch>,
}

impl Widget {
    pub fn unmount(self) {
        if let Some(article) = self.article {
            article.unmount();
        }
        if let Some(controls) = self.controls {
            controls.unmount();
        }
        if let Some(comments) = self.comments {
            comments.unmount();
        }
        for watch in self.themes {
            watch.stop();
        }
        for el in self.created {
            el.remove();
        }
    }
}

pub fn mount(place: Place, pairs: &[(String, String)], platform: &Platform) -> Widget {
    let Some(doc) = crate::platform::dom::document() else {
        return Widget::default();
    };
    let widget = mount_in(&doc, place, pairs, platform);
    // A placeholder the configuration did not call for (or one replaced by the
    // operator notice) must not keep saying "loading".
    platform.drop_unused();
    widget
}

fn mount_in(
    doc: &Document,
    place: Place,
    pairs: &[(String, String)],
    platform: &Platform,
) -> Widget {
    let parsed = config::parse(pairs);
    let fallback_lang = pairs
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::from_tag(v))
        .or_else(|| page_lang(doc).and_then(|l| Lang::from_tag(&l)))
        .unwrap_or_default();
    let unknown = parsed.unknown;
    let Some(config) = parsed.config else {
        let anchor = default_anchor(&place);
        return notice(doc, anchor, parsed.errors, unknown, fallback_lang, platform);
    };
    let lang = config.lang.unwrap_or(fallback_lang);
    let mut widget = Widget::default();
    match build(doc, &place, &config, lang, platform, &mut widget) {
        Ok(()) => {
            if !unknown.is_empty() {
                spawn_report(None, Vec::new(), unknown, lang);
            }
            widget
        }
        Err((anchor, errors)) => {
            // Whatever was half built goes; the notice takes the widget's place.
            widget.unmount();
            notice(doc, anchor, errors, unknown, lang, platform)
        }
    }
}

/// Hands the problems to the part of the module that words them (`notice`).
fn spawn_report(root: Option<Element>, errors: Vec<ConfigError>, unknown: Vec<String>, lang: Lang) {
    let report = Box::new(Report {
        root,
        errors,
        unknown,
        lang,
    });
    wasm_bindgen_futures::spawn_local(crate::notice::report_part(report));
}

/// Where new content goes relative to an existing element.
#[derive(Clone)]
enum Anchor {
    Inside(Element),
    After(Element),
    Before(Element),
}

impl Anchor {
    fn attach(&self, host: &Element) -> bool {
        // A placeholder the loader already put in this place stays put: moving it
        // would re-lay it out and drop the reader's focus.
        let in_place = match self {
            Anchor::Inside(el) => host.parent_element().as_ref() == Some(el),
            Anchor::After(el) => el.next_element_sibling().as_ref() == Some(host),
            Anchor::Before(el) => el.previous_element_sibling().as_ref() == Some(host),
        };
        if in_place {
            return true;
        }
        match self {
            Anchor::Inside(el) => el.append_child(host).is_ok(),
            Anchor::After(el) => el.after_with_node_1(host).is_ok(),
            Anchor::Before(el) => el.before_with_node_1(host).is_ok(),
        }
    }
}

fn default_anchor(place: &Place) -> Anchor {
    match place {
        Place::Element(el) => Anchor::Inside(el.clone()),
        Place::Script(script) => Anchor::After(script.clone()),
    }
}

type BuildError = (Anchor, Vec<ConfigError>);

/// The id of the page's (first) comment section.
const COMMENTS_ID: &str = "ykien-comments";

fn lookup(doc: &Document, key: &str, selector: &str) -> Result<Element, ConfigError> {
    query(doc, selector).map_err(|e| match e {
        LookupError::Invalid => ConfigError::new(key, "a valid CSS selector", Some(selector)),
        LookupError::NotFound => ConfigError::new(
            key,
            "a selector that matches an element on this page",
            Some(selector),
        ),
    })
}

fn build(
    doc: &Document,
    place: &Place,
    config: &Config,
    lang: Lang,
    platform: &Platform,
    widget: &mut Widget,
) -> Result<(), BuildError> {
    let host_at = |tag: &str, anchor: &Anchor, widget: &mut Widget| -> Option<Host> {
        let host = platform.shadow_host(doc, tag).ok()?;
        if !anchor.attach(&host.host) {
            return None;
        }
        widget
            .themes
            .push(platform.watch_theme(&host.host, &config.theme));
        widget.created.push(host.host.clone());
        Some(host)
    };

    // The main area: the given element, data-mount, or right after the script tag.
    let main_anchor = match (place, &config.mount) {
        (Place::Element(el), _) => Anchor::Inside(el.clone()),
        (Place::Script(_), Some(sel)) => match lookup(doc, "mount", sel) {
            Ok(el) => Anchor::Inside(el),
            Err(e) => return Err((default_anchor(place), vec![e])),
        },
        (Place::Script(script), None) => Anchor::After(script.clone()),
    };

    let mut article_host = None;
    match &config.article {
        ArticleSource::None => {}
        ArticleSource::Enhance { selector } => {
            let article = match lookup(doc, "article", selector) {
                Ok(el) => el,
                Err(e) => return Err((main_anchor, vec![e])),
            };
            let controls_anchor = match &config.controls {
                Some(sel) => match lookup(doc, "controls", sel) {
                    Ok(el) => Anchor::Inside(el),
                    Err(e) => return Err((main_anchor, vec![e])),
                },
                None => Anchor::Before(article.clone()),
            };
            let host = host_at("ykien-controls", &controls_anchor, widget)
                .ok_or_else(|| (main_anchor.clone(), vec![dom_failure()]))?;
            widget.controls = Some(Enhanced::mount(doc, &host.root, article, lang));
        }
        ArticleSource::Render { url } => {
            let host = host_at("ykien-article", &main_anchor, widget)
                .ok_or_else(|| (main_anchor.clone(), vec![dom_failure()]))?;
            article_host = Some(host.host.clone());
            // The module's loading state is the placeholder's: swapped in the same
            // task, so nothing is painted in between.
            if let Some(p) = host.placeholder {
                retire(p);
            }
            widget.article =
                Rendered::mount(doc, &host.root, url.clone(), lang, config.read_timeout_ms());
        }
    }

    if let Some(comments) = &config.comments {
        // Comments follow the article when the widget renders both.
        let anchor = match (&main_anchor, article_host) {
            (Anchor::Inside(_), _) | (_, None) => main_anchor.clone(),
            (_, Some(article)) => Anchor::After(article),
        };
        let host = host_at("ykien-comments", &anchor, widget)
            .ok_or_else(|| (main_anchor.clone(), vec![dom_failure()]))?;
        // So a link to "#ykien-comments" (a listing page's count) lands here.
        if doc.get_element_by_id(COMMENTS_ID).is_none() {
            host.host.set_id(COMMENTS_ID);
        }
        widget.comments = Some(Slot::mount(
            doc,
            &host.host,
            host.root,
            host.placeholder,
            Rc::new(comments.clone()),
            lang,
        ));
    }
    Ok(())
}

fn dom_failure() -> ConfigError {
    ConfigError::new(
        "mount",
        "an element that can hold the widget (attaching a shadow root failed)",
        None,
    )
}

/// The operator notice's place, in the widget's: the notice itself (and the
/// console lines) come from the part of the module that words them.
fn notice(
    doc: &Document,
    anchor: Anchor,
    errors: Vec<ConfigError>,
    unknown: Vec<String>,
    lang: Lang,
    platform: &Platform,
) -> Widget {
    let mut widget = Widget::default();
    let host = platform
        .shadow_host(doc, "ykien-notice")
        .ok()
        .filter(|h| anchor.attach(&h.host));
    let root = host.map(|Host { host, root, .. }| {
        widget.created.push(host);
        root
    });
    spawn_report(root, errors, unknown, lang);
    widget
}
