//! # jixiao-core: the declaration, its kind, the checks and the printed layout
//!
//! The model of a budget-performance declaration with no typesetter in it: what a form
//! holds and how it prints ([`kind`], read from `templates/KIND/form.toml`: kinds are
//! data), the declaration read from TOML against its kind with exact [`amount`]s
//! ([`declaration`]), a reviewer's [`check`]s, the totals a form prints where the
//! declaration leaves them out ([`totals`]), and the cells the form is laid out in
//! ([`layout`]), which the PDF, the OFD and the xlsx export all draw. The words jixiao
//! says live in [`words`] (every message in Chinese and English) and [`diag`] (how a
//! problem is shown, rustc-style).
//!
//! The path of one amount: `budget.basic = "6,686.98"` in the TOML → [`Amount`] (a
//! `rust_decimal::Decimal`, never a float) in a [`Declaration`] → checked against the
//! kind's sums ([`check`]) → derived totals ([`totals::derive`]) → a value cell printed
//! `6,686.98` ([`layout::sections`]) → the renderer (`jixiao-render`).
//!
//! ```
//! use jixiao_core::check::{check, DeclarationSource};
//! use jixiao_core::words::Lang;
//! use jixiao_core::{layout, totals, Kinds};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/guangzhou-kexie.toml");
//! let source = DeclarationSource::from_bytes(path.into(), std::fs::read(path)?);
//! // The checks ask which characters the fonts can print; here, all of them.
//! let report = check(source, Kinds::builtin(), &|_: char| true);
//! assert!(report.passes(false), "{}", jixiao_core::diag::render_all(
//!     &report.diagnostics(false), false, Lang::En));
//! let decl = report.declaration.expect("it parses");
//! let sections = layout::sections(&decl, &totals::derive(&decl));
//! let printed: Vec<String> = sections
//!     .iter()
//!     .flat_map(|s| &s.cells)
//!     .map(|c| c.content.joined())
//!     .collect();
//! assert!(printed.iter().any(|text| text == "6,686.98"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
pub mod amount;
pub mod attachment;
pub mod check;
pub mod date;
pub mod declaration;
pub mod diag;
pub mod filename;
pub mod finding;
pub mod format;
pub mod glyphs;
pub mod hash;
pub mod init;
pub mod kind;
pub mod layout;
pub mod limits;
pub mod metadata;
pub mod output;
pub mod schema;
pub mod spans;
pub mod text;
pub mod totals;
pub mod words;

pub use amount::Amount;
pub use declaration::Declaration;
pub use diag::{Diagnostic, Severity};
pub use format::Format;
pub use kind::{Kind, Kinds};
pub use words::{Lang, Localized, Text};
