//! # jixiao-render: a declaration typeset as the official form, with Typst
//!
//! A [`Renderer`] holds what every render shares — the bundled CJK [`fonts`] (compressed
//! in the binary by `build.rs`, unpacked once per machine), the templates of every kind
//! (`templates/common/*.typ` with each kind's `form.toml`) — and lays a declaration out in
//! a sealed Typst world: no file outside the template, no package, no clock, no network.
//! The declaration reaches the template only as data (`/data.json`, [`FormData`]), never
//! as Typst source. [`Renderer::render`] makes a PDF, plain or archival (PDF/A-3b with the
//! source attached, [`RenderOptions::archival`]); [`Renderer::layout`] gives the laid-out
//! pages that other formats (OFD, in `jixiao-ofd`) draw from.
//!
//! ```no_run
//! use jixiao_render::{RenderOptions, Renderer};
//!
//! let source = std::fs::read_to_string("samples/guangzhou-kexie.toml")?;
//! let decl = jixiao_core::Declaration::from_toml(&source)?;
//! let renderer = Renderer::builtin(); // build once, render many
//! let rendered = renderer.render(&decl, &RenderOptions::default())?;
//! jixiao_core::output::write_atomic("form.pdf".as_ref(), &rendered.pdf)?;
//! println!("{} pages", rendered.pages);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
pub mod fonts;
pub mod form_data;
pub mod render;
mod template;
mod world;

pub use fonts::FontSet;
pub use form_data::FormData;
pub use render::{Archival, RenderError, RenderOptions, Rendered, Renderer};
pub use template::{Template, Templates};
