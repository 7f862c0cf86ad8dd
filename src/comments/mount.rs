//! The comment section's entry point: the split point between the module's main
//! part and the comment section's part (Yew, the components, reading pages).
//!
//! With the `split` feature (release builds, `cargo xtask dist`), calling [`mount`]
//! first downloads the section's part of the module, which shares the main part's
//! memory and runtime; without it (tests, `cargo build`) it is an ordinary call.
//! Everything only reachable from here is in that part, so nothing in the main
//! part may name a Yew type: the section comes back as an opaque [`Mounted`].

use std::rc::Rc;

use web_sys::Element;

use std::cell::RefCell;

use super::adapter::Adapter;
use super::adapter_part;
use super::components::{CommentsApp, CommentsAppProps, Setup};
use crate::config::{AdapterSource, CommentsConfig};
use crate::i18n::Lang;
use crate::platform::error::LoadError;
use crate::platform::http;
use crate::platform::http::Answer;
use crate::platform::later::Later;

/// What the section starts with.
pub struct Args {
    pub root: Element,
    pub config: Rc<CommentsConfig>,
    pub lang: Lang,
    /// The first page, already on its way (the reference server's; for another
    /// API the section reads its adapter first, then asks).
    pub first: Option<Later<Result<Answer, LoadError>>>,
}

/// A rendered section; [`Mounted::unmount`] removes it.
pub struct Mounted {
    unmount: Box<dyn FnOnce()>,
}

impl Mounted {
    pub fn unmount(self) {
        (self.unmount)();
    }
}

/// The section's part of the module could not be downloaded (offline, blocked).
#[derive(Debug)]
pub struct NotLoaded;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for NotLoaded {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// Downloads the section's part (if not yet loaded) and renders the section. A
/// failed download is an `Err`, and the next call tries again.
// The arguments cross an `extern "C"` boundary between the two parts, as one
// pointer; both sides are this crate, so the layout agrees.
#[allow(improper_ctypes_definitions, clippy::boxed_local)]
#[cfg_attr(
    feature = "split",
    wasm_split_helpers::wasm_split(comments, fallible, preload(load_part))
)]
pub fn mount(args: Box<Args>) -> Result<Box<Mounted>, NotLoaded> {
    let Args {
        root,
        config,
        lang,
        first,
    } = *args;
    let props = {
        let config = Rc::clone(&config);
        move |setup| CommentsAppProps {
            setup,
            config: Rc::clone(&config),
            lang,
            first: first.clone(),
        }
    };
    let Some(reading) = read_own_adapter(&config) else {
        // The built-in adapter renders at once (`data-load="eager"`: with the first
        // paint of the module).
        let app = yew::Renderer::<CommentsApp>::with_root_and_props(
            root,
            props(Setup::new(&config, None)),
        )
        .render();
        return Ok(Box::new(Mounted {
            unmount: Box::new(move || app.destroy()),
        }));
    };
    // Meanwhile the section shows its loading state.
    let app =
        yew::Renderer::<CommentsApp>::with_root_and_props(root, props(Setup::Pending)).render();
    let app = Rc::new(RefCell::new(Some(app)));
    {
        let app = Rc::clone(&app);
        wasm_bindgen_futures::spawn_local(async move {
            let adapter = reading.await;
            // Unmounted meanwhile: nothing to update.
            if let Ok(mut app) = app.try_borrow_mut() {
                if let Some(app) = app.as_mut() {
                    app.update(props(Setup::new(&config, Some(adapter))));
                }
            }
        });
    }
    Ok(Box::new(Mounted {
        unmount: Box::new(move || {
            if let Some(app) = crate::platform::take(&app) {
                app.destroy();
            }
        }),
    }))
}

/// Reads a site's own adapter (`None` for the built-in one): an adapter URL is
/// fetched first, then the text goes to the part that reads it, which the main part
/// has loaded by now (so an inline adapter is read a few microtasks later, before
/// the browser paints). `Err` is the operator's console line.
fn read_own_adapter(
    config: &CommentsConfig,
) -> Option<impl std::future::Future<Output = Result<Adapter, String>>> {
    if config.adapter == AdapterSource::Default {
        return None;
    }
    let source = config.adapter.clone();
    let timeout_ms = config.read_timeout_ms();
    Some(async move {
        let text = match source {
            AdapterSource::Inline(text) => text,
            AdapterSource::Url(url) => http::get_text(&url, timeout_ms, None)
                .await
                .map_err(|e| e.operator_message(&url))?,
            AdapterSource::Default => return Ok(Adapter::default()),
        };
        match adapter_part::read_part(text).await {
            Ok(read) => read.0,
            Err(NotLoaded) => Err(
                "ykien: the part of the widget that reads data-adapter could not be downloaded"
                    .to_owned(),
            ),
        }
    })
}

/// Starts downloading the section's part, so that it arrives while the first page
/// is fetched rather than after it.
pub async fn preload() -> Result<(), NotLoaded> {
    #[cfg(feature = "split")]
    load_part().await?;
    Ok(())
}

/// [`mount`], awaited where it is a split point.
pub async fn mount_part(args: Box<Args>) -> Result<Box<Mounted>, NotLoaded> {
    #[cfg(feature = "split")]
    return mount(args).await;
    #[cfg(not(feature = "split"))]
    return mount(args);
}
