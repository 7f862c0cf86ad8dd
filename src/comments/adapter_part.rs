//! Reading a site's own adapter (`data-adapter`, inline or a file) is its own
//! lazily loaded part of the module (feature `split`, like the section).
//!
//! The reference server's adapter is built in ([`Adapter::default`]), so a page on
//! ykien-server never needs the parser, with its strict checks and the operator's
//! messages naming each field. A page with its own adapter downloads this part
//! together with the section's part (`comments::slot`), so it costs that page no
//! extra round trip; the section then fetches an adapter file and reads it here
//! (`comments::mount`).

use crate::comments::adapter::Adapter;
use crate::comments::mount::NotLoaded;
use crate::config::{adapter_error, ConfigError};
use crate::platform::json;

/// An adapter, or the console line for the operator that says why there is none.
pub struct Read(pub Result<Adapter, String>);

/// Reads `text`; in the split build, first downloads this part.
// The argument and the answer cross an `extern "C"` boundary between the parts as
// pointers (a `String` is three words, so it travels boxed); both sides are this
// crate, so the layout agrees.
#[allow(
    improper_ctypes_definitions,
    clippy::boxed_local,
    clippy::box_collection
)]
#[cfg_attr(
    feature = "split",
    wasm_split_helpers::wasm_split(adapter, fallible, preload(load_part))
)]
pub fn read(text: Box<String>) -> Result<Box<Read>, NotLoaded> {
    Ok(Box::new(Read(adapter_from_text(&text))))
}

/// Starts downloading this part, so that it arrives with the section's part
/// rather than after it.
pub async fn preload() -> Result<(), NotLoaded> {
    #[cfg(feature = "split")]
    load_part().await?;
    Ok(())
}

/// [`read`], awaited where it is a split point.
pub async fn read_part(text: String) -> Result<Box<Read>, NotLoaded> {
    #[cfg(feature = "split")]
    return read(Box::new(text)).await;
    #[cfg(not(feature = "split"))]
    return read(Box::new(text));
}

/// An adapter from its JSON text (inline in `data-adapter`, or a file's content);
/// `Err` is the console line for the operator, naming the field
/// (`ykien: data-adapter: list.paging.type: expected …`).
pub fn adapter_from_text(text: &str) -> Result<Adapter, String> {
    let value = json::parse(text)
        .map_err(|e| ConfigError::new("adapter", "valid JSON", Some(&e)).operator_message())?;
    Adapter::parse(&value).map_err(|e| adapter_error("adapter", &e).operator_message())
}
