//! Custom hooks: side effects kept out of the components.

mod use_font_scale;

pub use use_font_scale::use_font_scale;
