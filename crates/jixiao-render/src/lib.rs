//! jixiao-render
pub mod fonts;
pub mod form_data;
pub mod render;
mod template;
mod world;

pub use fonts::FontSet;
pub use form_data::FormData;
pub use render::{Archival, RenderError, RenderOptions, Rendered, Renderer};
pub use template::{Template, Templates};
