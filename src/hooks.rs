//! Custom hooks: side effects (storage, observers) kept out of the components.

mod use_font_scale;
mod use_near_viewport;

pub use use_font_scale::{use_font_scale, UseFontScaleHandle};
pub use use_near_viewport::use_near_viewport;
