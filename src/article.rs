//! The article and its reading controls: the site's own article enhanced in place
//! (font controls that scale it whatever its CSS says), or an article fetched as
//! JSON and rendered (render mode).
//!
//! This part is plain DOM, not Yew: every reader downloads it, most never scroll to
//! the comments, and Yew's runtime is then loaded only with the comment section.

pub mod controls;
pub mod enhance;
pub mod font_scale;
pub mod render;
pub mod scaler;
pub mod source;
