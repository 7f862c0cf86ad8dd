//! Custom hooks: side effects (storage, fetch) kept out of the components.

mod use_font_scale;

pub use use_font_scale::{use_font_scale, UseFontScaleHandle};
