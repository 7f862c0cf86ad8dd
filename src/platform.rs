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
