//! What happens to a form besides laying it out, for one file or a whole batch alike:
//! an archival PDF/A-3b instead of a plain PDF, a digital signature, filing in the
//! archive store.

use std::path::PathBuf;
use std::sync::Arc;

use crate::document_date;
use crate::store::{ArchiveStore, Filed};
use jixiao_core::declaration::Declaration;
use jixiao_core::diag::Diagnostic;
use jixiao_render::render::{Precheck, RenderError, Rendered, Renderer};
use jixiao_sheet::input::Attachment;
use jixiao_sign::{sign_pdf, SignOptions, Signer};

/// Why a document was not finished: the diagnostics, and a short code for the
/// manifest's `codes` column (`template`, `glyphs`, `too-many-pages`, `timeout`,
/// `date`, `sign`).
#[derive(Debug, Clone)]
pub struct Unfinished {
    /// The manifest code.
    pub code: &'static str,
    /// What went wrong.
    pub diagnostics: Vec<Diagnostic>,
}

impl Unfinished {
    fn new(code: &'static str, message: String) -> Unfinished {
        Unfinished {
            code,
            diagnostics: vec![Diagnostic::error(message)],
        }
    }
}

impl From<RenderError> for Unfinished {
    fn from(e: RenderError) -> Unfinished {
        Unfinished {
            code: e.code(),
            diagnostics: e.diagnostics(),
        }
    }
}

/// What to do with each document besides laying it out.
#[derive(Clone, Default)]
pub struct Finishing {
    /// Render an archival PDF/A-3b (`--archive`). A declaration with `archive = true`,
    /// or a `store`, turns it on too.
    pub archive: bool,
    /// `SOURCE_DATE_EPOCH`: the document date of archival PDFs whose declaration has
    /// none.
    pub source_date_epoch: Option<String>,
    /// File every archival PDF in this archive store (`--archive-dir`).
    pub store: Option<PathBuf>,
    /// Sign every PDF with this signer (`--sign`).
    pub signer: Option<Arc<dyn Signer + Send + Sync>>,
    /// The signature's time, reason, location and field name.
    pub sign_options: SignOptions,
    /// What the renderer still checks: [`Precheck::Checked`] when every declaration
    /// rendered has passed [`jixiao_core::check::check`] first (as the CLI and the batch
    /// runner do), so font coverage is not checked twice.
    pub precheck: Precheck,
    /// Which files to write: PDF, OFD or both.
    pub formats: Formats,
}

/// Which files a render writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// The PDF (archival when asked for).
    pub pdf: bool,
    /// The OFD (GB/T 33190), with the declaration attached.
    pub ofd: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            pdf: true,
            ofd: false,
        }
    }
}

/// What a render produced, in the formats asked for.
pub struct Outputs {
    /// The PDF (signed when a signer is set).
    pub pdf: Option<Vec<u8>>,
    /// The OFD.
    pub ofd: Option<Vec<u8>>,
    /// Pages.
    pub pages: usize,
    /// Warnings met on the way.
    pub warnings: Vec<Diagnostic>,
}

impl std::fmt::Debug for Finishing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the signer itself: it holds a private key.
        f.debug_struct("Finishing")
            .field("archive", &self.archive)
            .field("source_date_epoch", &self.source_date_epoch)
            .field("store", &self.store)
            .field("signs", &self.signer.is_some())
            .field("precheck", &self.precheck)
            .field("formats", &self.formats)
            .finish()
    }
}

impl Finishing {
    /// Whether `decl` is rendered as an archival PDF.
    pub fn is_archival(&self, decl: &Declaration) -> bool {
        self.archive || self.store.is_some() || decl.archive()
    }

    /// Renders `decl` (read from the file `source`): archival or plain, then signed if
    /// a signer is set.
    pub fn render(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        source: &[u8],
    ) -> Result<Rendered, Unfinished> {
        self.render_attaching(renderer, decl, &Attachment::toml(source.to_vec()))
    }

    /// Renders `decl` like [`Finishing::render`]; an archival PDF attaches
    /// `attachment` (the declaration file, or the spreadsheet it was imported from).
    pub fn render_attaching(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        attachment: &Attachment,
    ) -> Result<Rendered, Unfinished> {
        let mut rendered = if self.is_archival(decl) {
            let date = document_date(decl, self.source_date_epoch.as_deref())
                .map_err(|e| Unfinished::new("date", e.to_string()))?;
            renderer.render_archival_attaching_with(decl, attachment, date, self.precheck)
        } else {
            renderer.render_with(decl, self.precheck)
        }
        .map_err(Unfinished::from)?;
        if let Some(signer) = &self.signer {
            rendered.pdf =
                sign_pdf(&rendered.pdf, signer.as_ref(), &self.sign_options).map_err(|e| {
                    Unfinished {
                        code: "sign",
                        diagnostics: vec![Diagnostic::error(jixiao_core::words::Localized::text(
                            &e,
                        ))],
                    }
                })?;
        }
        Ok(rendered)
    }

    /// Renders `decl` (read from the file `source`) in the formats asked for: the PDF as
    /// [`Finishing::render`] does, the OFD from the same layout (dated as archival PDFs
    /// are, or undated when there is no date — never the clock).
    pub fn render_formats(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        source: &[u8],
    ) -> Result<Outputs, Unfinished> {
        self.render_formats_attaching(renderer, decl, &Attachment::toml(source.to_vec()))
    }

    /// Renders `decl` in the formats asked for, like [`Finishing::render_formats`]: an
    /// archival PDF attaches `attachment` (the declaration file, or the spreadsheet it
    /// was imported from); the OFD carries a declaration file — the file itself, or the
    /// declaration a spreadsheet imports to, as TOML.
    pub fn render_formats_attaching(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        attachment: &Attachment,
    ) -> Result<Outputs, Unfinished> {
        let imported;
        let source: &[u8] = if attachment.mime == jixiao_core::attachment::TOML_MIME {
            &attachment.bytes
        } else {
            imported = decl.to_toml().into_bytes();
            &imported
        };
        let ofd_meta = || match document_date(decl, self.source_date_epoch.as_deref()) {
            Ok(date) => Ok(jixiao_ofd::meta_of(renderer, decl, source, Some(date))),
            Err(crate::ArchiveError::NoDate) => {
                Ok(jixiao_ofd::meta_of(renderer, decl, source, None))
            }
            Err(e) => Err(Unfinished::new("date", e.to_string())),
        };
        if !self.formats.pdf {
            let ofd = jixiao_ofd::render(renderer, decl, &ofd_meta()?).map_err(Unfinished::from)?;
            return Ok(Outputs {
                pdf: None,
                pages: ofd.pages,
                warnings: ofd.warnings,
                ofd: Some(ofd.ofd),
            });
        }
        let rendered = self.render_attaching(renderer, decl, attachment)?;
        let mut warnings = rendered.warnings.clone();
        let ofd = if self.formats.ofd {
            let ofd = jixiao_ofd::ofd(&rendered.document, &ofd_meta()?)
                .map_err(|e| Unfinished::from(jixiao_ofd::export_error(e)))?;
            warnings.extend(ofd.warnings);
            Some(ofd.ofd)
        } else {
            None
        };
        Ok(Outputs {
            pages: rendered.pages,
            pdf: Some(rendered.pdf),
            ofd,
            warnings,
        })
    }

    /// Files `pdf` (rendered from `decl`, read from `source`) in the archive store, if
    /// one is set.
    pub fn file(
        &self,
        decl: &Declaration,
        source: &[u8],
        pdf: &[u8],
    ) -> Result<Option<Filed>, Vec<Diagnostic>> {
        let Some(dir) = &self.store else {
            return Ok(None);
        };
        ArchiveStore::new(dir)
            .file(decl.year(), &decl.filer(), source, pdf)
            .map(Some)
            .map_err(|e| {
                vec![Diagnostic::error(format!(
                    "无法存入归档目录 {} / cannot file in the archive store: {e}",
                    dir.display()
                ))]
            })
    }
}
