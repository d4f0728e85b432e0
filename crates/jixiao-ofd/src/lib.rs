//! OFD output (GB/T 33190-2016, 版式文档): the format Chinese archives and e-government
//! keep records in, written from the same Typst layout that makes the PDF.
//!
//! The path through the modules: [`page`] walks Typst's laid-out pages into drawing
//! objects (text runs, paths, images; any template, any page) → [`font`] embeds a
//! TrueType subset of every face used → [`content`] writes each page's `Content.xml` →
//! [`package`] assembles `OFD.xml`, `Document.xml`, the resources and the attached
//! declaration, and [`zip`]s them reproducibly. [`read`] reads packages back and
//! `jixiao_archive::verify_ofd` checks one against what its attached declaration renders to.
//!
//! ```no_run
//! let source = std::fs::read("samples/guangzhou-kexie.toml")?;
//! let decl = jixiao_core::Declaration::from_toml(std::str::from_utf8(&source)?)?;
//! let renderer = jixiao_render::Renderer::builtin();
//! let meta = jixiao_ofd::meta_of(&renderer, &decl, &source, decl.document_date());
//! let alone = jixiao_ofd::render(&renderer, &decl, &meta)?;  // just the OFD
//! jixiao_core::output::write_atomic("form.ofd".as_ref(), &alone.ofd)?;
//! let pdf = renderer.render(&decl, &Default::default())?;   // or a PDF …
//! let same = jixiao_ofd::ofd(&pdf.document, &meta)?;          // … and the OFD of its layout
//! assert_eq!(same.ofd, alone.ofd);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod content;
mod font;
mod image;
pub mod meta;
mod package;
mod page;
pub mod read;
pub mod seal;
mod xml;
pub mod zip;

pub use meta::OfdMeta;
pub use package::DOC_ROOT;

use jixiao_core::date::Date;
use jixiao_core::declaration::Declaration;
use jixiao_core::diag::Diagnostic;
use jixiao_render::render::{RenderError, Renderer};
use typst_layout::PagedDocument;

/// Why an OFD could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfdError {
    /// A font could not be embedded.
    #[error("{0}")]
    Font(#[from] font::FontError),
    /// A package could not be read (not a zip, a part missing or malformed).
    #[error("{0}")]
    Package(String),
}

/// An OFD rendered from a declaration.
#[derive(Debug, Clone)]
pub struct RenderedOfd {
    /// The `.ofd` file's bytes.
    pub ofd: Vec<u8>,
    /// Pages.
    pub pages: usize,
    /// Warnings: Typst's, and anything the OFD draws approximately.
    pub warnings: Vec<Diagnostic>,
}

/// Whether `bytes` look like an OFD package (a zip file) rather than a PDF.
pub fn is_ofd(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn rendered(written: package::Written, mut warnings: Vec<Diagnostic>) -> RenderedOfd {
    warnings.extend(
        written
            .approximations
            .into_iter()
            .map(|note| Diagnostic::warning(format!("OFD: {note}"))),
    );
    RenderedOfd {
        ofd: written.bytes,
        pages: written.pages,
        warnings,
    }
}

/// The OFD of laid-out `document` (a [`Rendered`](jixiao_render::Rendered)'s or a
/// [`Laid`](jixiao_render::render::Laid)'s: the same layout as
/// the PDF, no second layout), with `meta`. The bytes depend only on the pages and
/// `meta`: the declaration file, the date, the template, the fonts and jixiao's version.
pub fn ofd(document: &PagedDocument, meta: &OfdMeta) -> Result<RenderedOfd, OfdError> {
    let written = package::write(document.pages(), meta)?;
    Ok(rendered(written, Vec::new()))
}

/// Lays `decl` out with `renderer` and writes it as an OFD with `meta`, without making a
/// PDF; Typst's warnings come with it.
pub fn render(
    renderer: &Renderer,
    decl: &Declaration,
    meta: &OfdMeta,
) -> Result<RenderedOfd, RenderError> {
    let laid = renderer.layout(decl)?;
    let written = package::write(laid.document.pages(), meta).map_err(export_error)?;
    Ok(rendered(written, laid.warnings))
}

/// The OFD metadata of `decl` as `renderer` prints it, read from the file `source`, dated
/// `date` (the declaration's [`Declaration::document_date`], or `SOURCE_DATE_EPOCH`'s day;
/// `None` leaves the date out — the clock is never used).
pub fn meta_of(
    renderer: &Renderer,
    decl: &Declaration,
    source: &[u8],
    date: Option<Date>,
) -> OfdMeta {
    OfdMeta::new(decl, &renderer.form_data(decl).title, source, date)
}

/// An OFD that could not be written, as a render error (the renderer's callers report
/// one kind of error).
pub fn export_error(e: OfdError) -> RenderError {
    RenderError::Template(vec![Diagnostic::error(e.to_string())])
}
