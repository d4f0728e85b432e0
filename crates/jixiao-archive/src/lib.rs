//! # jixiao-archive: finishing a render, and keeping it
//!
//! [`finish::Finishing`] is what happens to a form besides its layout, for one file or a
//! batch alike: the formats it is written in ([`jixiao_core::Format`]: PDF, archival
//! PDF/A-3b with the declaration attached as the document's source, OFD, xlsx — all
//! from one layout), a signature, filing in the append-only [`store`]. Archival files are
//! byte-for-byte reproducible, so [`verify`] renders the attached source again and
//! compares, page by page.
//!
//! ```no_run
//! use jixiao_archive::finish::Finishing;
//! use jixiao_archive::{verify, Verdict};
//! use jixiao_core::{attachment::Attachment, Format, Lang};
//!
//! let bytes = std::fs::read("samples/guangzhou-kexie.toml")?;
//! let decl = jixiao_core::Declaration::from_toml(std::str::from_utf8(&bytes)?)?;
//! let renderer = jixiao_render::Renderer::builtin();
//! let finishing = Finishing {
//!     formats: vec![Format::PdfA, Format::Ofd],
//!     ..Finishing::default()
//! };
//! let Ok(outputs) = finishing.finish(&renderer, &decl, &Attachment::toml(bytes)) else {
//!     panic!("not rendered");
//! };
//! let pdf = outputs.get(Format::PdfA).expect("asked for");
//! assert_eq!(verify(pdf, &renderer, &[], Lang::En).verdict, Verdict::Reproduced);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - the metadata and document date of an archival render live in [`jixiao_core::metadata`]
//!   (the renderer writes them; this module reads and checks them);
//! - [`inspect`]: reading a PDF back (attachments, PDF/A claim, jixiao's PDF/A checks);
//! - [`jixiao_sign::pdf_nesting`] (shared with signing) keeps too deeply nested files from the PDF parsers;
//! - `pages`: page-by-page comparison (text and rasterised pages);
//! - [`verify`]: re-rendering the attached source and comparing;
//! - [`ofd`]: the same for an OFD, with its electronic seals;
//! - [`store`]: the archive directory and its index.

pub mod finish;
pub mod inspect;
pub mod ofd;
mod pages;
pub mod store;
mod verify;

pub use jixiao_core::metadata::{document_date, ArchiveError, ArchiveMeta};
pub use ofd::{verify_ofd, OfdVerifyReport};
pub use verify::{verify, verify_with, SignatureCheck, Verdict, VerifyReport};
