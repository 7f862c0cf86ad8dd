//! The small platform layer every part of the widget stands on: DOM and console
//! helpers, storage that never throws, JSON through the browser's parser, HTTP with
//! timeouts, times, and what the loader script hands the module.

pub mod dom;
pub mod error;
pub mod http;
pub mod json;
pub mod later;
pub mod loader;
pub mod storage;
pub mod time;

use std::cell::RefCell;

/// Takes what a slot holds, or nothing if it is busy: never a panic, and no borrow
/// left behind for what is done with the value (aborting, dropping, calling out).
pub fn take<T>(slot: &RefCell<Option<T>>) -> Option<T> {
    slot.try_borrow_mut().ok().and_then(|mut s| s.take())
}
