//! OFD output (GB/T 33190-2016, 版式文档): the format Chinese archives and e-government
//! keep records in, written from the same Typst layout that makes the PDF.
//!
//! The path through the modules: [`page`] walks Typst's laid-out pages into drawing
//! objects (text runs, paths, images; any template, any page) → [`font`] embeds a
//! TrueType subset of every face used → [`content`] writes each page's `Content.xml` →
//! [`package`] assembles `OFD.xml`, `Document.xml`, the resources and the attached
//! declaration, and [`zip`]s them reproducibly. [`read`] reads packages back and
//! [`crate::archive::verify_ofd`] checks one against what its attached declaration renders to.
//!
//! ```no_run
//! let source = std::fs::read("samples/guangzhou-kexie.toml")?;
//! let decl = jixiao::Declaration::from_toml(std::str::from_utf8(&source)?)?;
//! let renderer = jixiao::Renderer::builtin();
//! let meta = renderer.ofd_meta(&decl, &source, decl.document_date());
//! let ofd = renderer.render_ofd(&decl, &meta)?;         // just the OFD
//! jixiao::output::write_atomic("form.ofd".as_ref(), &ofd.ofd)?;
//! let pdf = renderer.render(&decl)?;                     // or a PDF …
//! let same = pdf.ofd(&meta)?;                            // … and the OFD of the same layout
//! assert_eq!(same.ofd, ofd.ofd);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod content;
pub mod font;
pub mod image;
pub mod meta;
pub mod package;
pub mod page;
pub mod read;
pub mod xml;
pub mod zip;

pub use meta::OfdMeta;

use crate::date::Date;
use crate::declaration::Declaration;
use crate::diag::Diagnostic;
use crate::render::{RenderError, Rendered, Renderer};

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

impl Renderer {
    /// The OFD metadata of `decl`, read from the file `source`, dated `date` (the
    /// declaration's [`Declaration::document_date`], or `SOURCE_DATE_EPOCH`'s day; `None`
    /// leaves the date out — the clock is never used).
    pub fn ofd_meta(&self, decl: &Declaration, source: &[u8], date: Option<Date>) -> OfdMeta {
        OfdMeta::new(decl, &self.form_data(decl).title, source, date)
    }

    /// Renders `decl` as an OFD with `meta`. The bytes depend only on the declaration
    /// file, the date, the template, the fonts and jixiao's version.
    pub fn render_ofd(
        &self,
        decl: &Declaration,
        meta: &OfdMeta,
    ) -> Result<RenderedOfd, RenderError> {
        let laid = self.layout(decl)?;
        let written = package::write(laid.document.pages(), meta).map_err(export_error)?;
        Ok(rendered(written, laid.warnings))
    }
}

impl Rendered {
    /// The OFD of the same layout as this PDF (no second layout), with `meta`.
    pub fn ofd(&self, meta: &OfdMeta) -> Result<RenderedOfd, RenderError> {
        let written = package::write(self.document.pages(), meta).map_err(export_error)?;
        Ok(rendered(written, Vec::new()))
    }
}

fn export_error(e: OfdError) -> RenderError {
    RenderError::Template(vec![Diagnostic::error(e.to_string())])
}
