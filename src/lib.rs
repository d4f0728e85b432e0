//! # jixiao (绩效)
//!
//! Turns a department's budget-performance declaration, one TOML file, into the official
//! 部门整体预算绩效目标申报表 as a PDF.
//!
//! The path of the data through the crate, one job per module:
//! [`declaration`] (the model, parsed from TOML, with exact [`amount`]s) →
//! [`form_data`] (arranged as the form prints it) → [`render`] (Typst, in a sealed
//! [`world`] with the bundled [`fonts`] and a [`template`]) → PDF bytes, written by
//! [`output`], optionally signed by [`sign`] (PAdES baseline B-B, and verification).
//!
//! ```no_run
//! let source = std::fs::read_to_string("samples/guangzhou-kexie.toml")?;
//! let decl = jixiao::Declaration::from_toml(&source)?;
//! let pdf = jixiao::Renderer::builtin().render(&decl)?.pdf;
//! jixiao::output::write_atomic("form.pdf".as_ref(), &pdf)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod amount;
pub mod archive;
pub mod batch;
pub mod check;
pub mod date;
pub mod declaration;
pub mod diag;
pub mod filename;
pub mod finish;
pub mod fonts;
pub mod form_data;
pub mod glyphs;
pub mod hash;
pub mod init;
pub mod ofd;
pub mod output;
pub mod render;
pub mod seal;
pub mod sign;
pub mod template;
pub mod text;
pub mod world;

pub use amount::Amount;
pub use declaration::Declaration;
pub use diag::{Diagnostic, Severity};
pub use fonts::FontSet;
pub use form_data::FormData;
pub use render::{RenderError, Rendered, Renderer};
pub use template::Template;
