//! The comment section: a declarative adapter to any JSON comment API, the thread
//! built from its pages, the composer with drafts and held comments, and the Yew
//! components that show them.
//!
//! The section's code is a separately loaded part of the module (`split`): `slot`
//! (in the main part) waits until the section is near the viewport, then loads that
//! part and the first page of comments at the same time, and `mount` (in the
//! loaded part) renders the section.

pub mod adapter;
pub mod adapter_part;
pub mod backend;
pub mod components;
pub mod draft;
pub mod feed;
pub mod focus;
pub mod held;
pub mod hooks;
pub mod link;
pub mod mine;
pub mod mount;
pub mod page_count;
pub mod reader_actions;
pub mod slot;
pub mod text;
pub mod thread;
pub mod times;
