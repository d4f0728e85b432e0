//! # jixiao (绩效)
//!
//! Turns a budget-performance declaration — one TOML file, or the spreadsheet it is kept
//! in — into the official form as PDF, archival PDF/A-3b, OFD and xlsx, signed, sealed
//! and filed. This crate is the front door: it re-exports the crates that do the work,
//! one per stage of the data's path, and holds the `jixiao` binary (`src/main.rs`, which
//! only calls `jixiao_cli::main`).
//!
//! | crate | its job |
//! |---|---|
//! | `jixiao-core` | the model: kinds (`templates/KIND/form.toml`), the declaration with exact amounts, the checks, totals, the printed layout, words and diagnostics — no typesetter |
//! | `jixiao-render` | the form typeset with Typst: bundled fonts, a sealed world, templates, PDF and PDF/A |
//! | `jixiao-sign` | PAdES signatures on PDFs: signing as an incremental update, verification, certificate paths |
//! | `jixiao-sheet` | spreadsheets: reading xlsx/xls/ods, importing a form sheet, exporting the form as xlsx |
//! | `jixiao-ofd` | OFD (GB/T 33190) from the same layout, GB/T 38540 electronic seals |
//! | `jixiao-archive` | finishing a render in every format asked for, verification by reproduction, the archive store |
//! | `jixiao-batch` | many documents at once: discovery, shards, threads or worker processes, manifests |
//! | `jixiao-cli` | the command line |
//!
//! Each crate depends only on the ones above it in this table (`tests/architecture.rs`
//! holds the layers and fails on an edge that points up).
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

pub use jixiao_core::{Amount, Declaration, Diagnostic, Format, Kind, Kinds, Lang, Severity};
pub use jixiao_render::{
    FontSet, FormData, RenderError, RenderOptions, Rendered, Renderer, Template, Templates,
};
