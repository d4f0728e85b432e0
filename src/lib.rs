//! # jixiao (绩效)
//!
//! Turns a budget-performance declaration — one TOML file, or the spreadsheet it is kept
//! in — into the official form as PDF and OFD. This crate is the front door: it
//! re-exports the crates that do the work, one per stage of the data's path.
//!
//! ```no_run
//! let source = std::fs::read_to_string("samples/guangzhou-kexie.toml")?;
//! let decl = jixiao::Declaration::from_toml(&source)?;
//! let pdf = jixiao::Renderer::builtin().render(&decl, &Default::default())?.pdf;
//! jixiao::output::write_atomic("form.pdf".as_ref(), &pdf)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use jixiao_archive as archive;
pub use jixiao_archive::finish;
pub use jixiao_batch as batch;
pub use jixiao_core::{
    amount, attachment, check, date, declaration, diag, filename, finding, format, glyphs, hash,
    init, kind, layout, limits, metadata, output, schema, spans, text, totals, words,
};
pub use jixiao_ofd as ofd;
pub use jixiao_ofd::seal;
pub use jixiao_render::{fonts, form_data, render};
pub use jixiao_sheet as sheet;
pub use jixiao_sheet::{export, import, input};
pub use jixiao_sign as sign;
pub use jixiao_sign::pdf_nesting;

pub use jixiao_core::{Amount, Declaration, Diagnostic, Kind, Kinds, Severity};
pub use jixiao_render::{
    FontSet, FormData, RenderError, RenderOptions, Rendered, Renderer, Template, Templates,
};
