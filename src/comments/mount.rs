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

use super::components::{CommentsApp, CommentsAppProps};
use crate::config::CommentsConfig;
use crate::i18n::Lang;
use crate::platform::error::LoadError;
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
    let props = CommentsAppProps {
        config,
        lang,
        first,
    };
    let app = yew::Renderer::<CommentsApp>::with_root_and_props(root, props).render();
    Ok(Box::new(Mounted {
        unmount: Box::new(move || app.destroy()),
    }))
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
