//! Archival PDFs: PDF/A-3b with the declaration attached as the document's source,
//! byte-for-byte reproducible, verifiable later, filed in an append-only store.
//!
//! - the metadata and document date of an archival render live in [`jixiao_core::metadata`]
//!   (the renderer writes them; this module reads and checks them);
//! - [`inspect`]: reading a PDF back (attachments, PDF/A claim, jixiao's PDF/A checks);
//! - [`jixiao_sign::pdf_nesting`] (shared with signing) keeps too deeply nested files from the PDF parsers;
//! - [`pages`]: page-by-page comparison (text and rasterised pages);
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
