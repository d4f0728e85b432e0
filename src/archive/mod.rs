//! Archival PDFs: PDF/A-3b with the declaration attached as the document's source,
//! byte-for-byte reproducible, verifiable later, filed in an append-only store.
//!
//! - [`meta`]: the metadata and document date of an archival render;
//! - [`inspect`]: reading a PDF back (attachments, PDF/A claim, jixiao's PDF/A checks);
//! - [`nesting`]: the guard that keeps too deeply nested files from the PDF parsers;
//! - [`pages`]: page-by-page comparison (text and rasterised pages);
//! - [`verify`]: re-rendering the attached source and comparing;
//! - [`store`]: the archive directory and its index.

pub mod inspect;
pub mod meta;
pub mod nesting;
pub mod pages;
pub mod store;
pub mod verify;

pub use meta::{document_date, ArchiveError, ArchiveMeta};
pub use verify::{verify, Verdict, VerifyReport};
