//! # jixiao (绩效)
//!
//! Turns a budget-performance declaration, one TOML file, into the official form as a
//! PDF: the 部门整体预算绩效目标申报表 and the rest of the family (部门整体 and 项目支出,
//! 目标 and 自评), each kind described once, as data ([`kind`]).
//!
//! The path of the data through the crate, one job per module:
//! [`kind`] (what a form holds and how it prints) → [`declaration`] (parsed from TOML
//! against its kind, with exact [`amount`]s) → [`check`] (a reviewer's rules) →
//! [`layout`] and [`form_data`] (arranged as the form prints it) → [`render`] (Typst, in
//! a sealed [`world`] with the bundled [`fonts`] and a [`template`]) → PDF bytes,
//! written by [`output`], optionally signed by [`sign`] (PAdES baseline B-B, and
//! verification).
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
pub mod export;
pub mod filename;
pub mod finding;
pub mod finish;
pub mod fonts;
pub mod form_data;
pub mod glyphs;
pub mod hash;
pub mod import;
pub mod init;
pub mod input;
pub mod kind;
pub mod layout;
pub mod limits;
pub mod metadata;
pub mod ofd;
pub mod output;
pub mod pdf_nesting;
pub mod render;
pub mod schema;
pub mod seal;
pub mod sheet;
pub mod sign;
pub mod spans;
pub mod template;
pub mod text;
pub mod world;

pub use amount::Amount;
pub use declaration::Declaration;
pub use diag::{Diagnostic, Severity};
pub use fonts::FontSet;
pub use form_data::FormData;
pub use kind::{Kind, Kinds};
pub use render::{RenderError, Rendered, Renderer};
pub use template::{Template, Templates};
