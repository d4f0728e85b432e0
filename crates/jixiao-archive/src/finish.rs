//! What happens to a form besides laying it out, for one file or a whole batch alike:
//! the formats it is written in ([`Format`]: PDF, archival PDF/A-3b, OFD, xlsx — each
//! made here by the crate that owns it, from one layout), a digital signature, filing in
//! the archive store.

use std::path::PathBuf;
use std::sync::Arc;

use crate::document_date;
use crate::store::{ArchiveStore, Filed};
use jixiao_core::declaration::Declaration;
use jixiao_core::diag::Diagnostic;
use jixiao_core::format::Format;
use jixiao_core::text;
use jixiao_render::render::{Precheck, RenderError, RenderOptions, Rendered, Renderer};
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
    fn new(code: &'static str, message: impl Into<jixiao_core::words::Text>) -> Unfinished {
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
#[derive(Clone)]
pub struct Finishing {
    /// The formats to write (default: a plain PDF). A PDF is archival (PDF/A-3b) when
    /// [`Format::PdfA`] is asked for, when the declaration says `archive = true`, or
    /// when a `store` is set.
    pub formats: Vec<Format>,
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
}

impl Default for Finishing {
    fn default() -> Self {
        Finishing {
            formats: vec![Format::Pdf],
            source_date_epoch: None,
            store: None,
            signer: None,
            sign_options: SignOptions::default(),
            precheck: Precheck::All,
        }
    }
}

/// What a render produced: one file per format asked for, in the order of
/// [`Format::ALL`].
#[derive(Debug)]
pub struct Outputs {
    /// The files, each with its format (the PDF signed when a signer is set).
    pub files: Vec<(Format, Vec<u8>)>,
    /// Pages.
    pub pages: usize,
    /// Warnings met on the way.
    pub warnings: Vec<Diagnostic>,
}

impl Outputs {
    /// The file of `format`, if it was asked for.
    pub fn get(&self, format: Format) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(f, _)| *f == format)
            .map(|(_, bytes)| bytes.as_slice())
    }

    /// The PDF, plain or archival, if one was asked for.
    pub fn pdf(&self) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(f, _)| f.is_pdf())
            .map(|(_, bytes)| bytes.as_slice())
    }
}

impl std::fmt::Debug for Finishing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the signer itself: it holds a private key.
        f.debug_struct("Finishing")
            .field("formats", &self.formats)
            .field("source_date_epoch", &self.source_date_epoch)
            .field("store", &self.store)
            .field("signs", &self.signer.is_some())
            .field("precheck", &self.precheck)
            .finish()
    }
}

impl Finishing {
    /// Whether the PDF of `decl` is archival.
    pub fn is_archival(&self, decl: &Declaration) -> bool {
        self.formats.contains(&Format::PdfA) || self.store.is_some() || decl.archive()
    }

    /// The formats `decl` is written in, each once, in the order of [`Format::ALL`]: those
    /// asked for, with the PDF archival when [`Finishing::is_archival`] says so.
    pub fn formats_of(&self, decl: &Declaration) -> Vec<Format> {
        let archival = self.is_archival(decl);
        Format::ALL
            .into_iter()
            .filter(|f| match f {
                Format::Pdf => self.formats.contains(f) && !archival,
                Format::PdfA => {
                    archival && (self.formats.contains(f) || self.formats.contains(&Format::Pdf))
                }
                _ => self.formats.contains(f),
            })
            .collect()
    }

    /// Renders `decl` in every format asked for, from one layout: the PDF (archival or
    /// plain, attaching `attachment` — the declaration file, or the spreadsheet it was
    /// imported from — then signed if a signer is set), the OFD (carrying the
    /// declaration file — the file itself, or the declaration a spreadsheet imports to,
    /// as TOML — dated as archival PDFs are, or undated when there is no date: never the
    /// clock), the xlsx of the form as printed.
    pub fn finish(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        attachment: &Attachment,
    ) -> Result<Outputs, Unfinished> {
        let formats = self.formats_of(decl);
        let mut files = Vec::new();
        let mut warnings = Vec::new();
        let pdf_format = formats.iter().copied().find(|f| f.is_pdf());
        let wants_ofd = formats.contains(&Format::Ofd);
        // One layout for the PDF and the OFD.
        let (pages, document) = match pdf_format {
            Some(format) => {
                let rendered = self.pdf(renderer, decl, attachment, format)?;
                warnings.extend(rendered.warnings);
                files.push((format, rendered.pdf));
                (rendered.pages, Some(rendered.document))
            }
            None if wants_ofd => {
                let laid = renderer.layout(decl).map_err(Unfinished::from)?;
                warnings.extend(laid.warnings);
                (laid.document.pages().len(), Some(laid.document))
            }
            None => (0, None),
        };
        if let (true, Some(document)) = (wants_ofd, &document) {
            let ofd = jixiao_ofd::ofd(document, &self.ofd_meta(renderer, decl, attachment)?)
                .map_err(|e| Unfinished::from(jixiao_ofd::export_error(e)))?;
            warnings.extend(ofd.warnings);
            files.push((Format::Ofd, ofd.ofd));
        }
        if formats.contains(&Format::Xlsx) {
            let exported = jixiao_sheet::export::to_xlsx(decl, "form.xlsx")
                .map_err(|e| Unfinished::new("export", e.to_string()))?;
            warnings.extend(
                exported
                    .notes
                    .iter()
                    .map(|n| Diagnostic::warning(n.as_str())),
            );
            files.push((Format::Xlsx, exported.bytes));
        }
        Ok(Outputs {
            files,
            pages,
            warnings,
        })
    }

    /// The PDF of `decl` as `format` (plain or archival), signed if a signer is set.
    fn pdf(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        attachment: &Attachment,
        format: Format,
    ) -> Result<Rendered, Unfinished> {
        let options = if format == Format::PdfA {
            let date = document_date(decl, self.source_date_epoch.as_deref())
                .map_err(|e| Unfinished::new("date", e.to_string()))?;
            RenderOptions::archival(attachment.clone(), date)
        } else {
            RenderOptions::plain()
        };
        let mut rendered = renderer
            .render(decl, &options.with_precheck(self.precheck))
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

    /// The OFD's metadata: the declaration file it carries and its date.
    fn ofd_meta(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        attachment: &Attachment,
    ) -> Result<jixiao_ofd::OfdMeta, Unfinished> {
        let imported;
        let source: &[u8] = if attachment.mime == jixiao_core::attachment::TOML_MIME {
            &attachment.bytes
        } else {
            imported = decl.to_toml().into_bytes();
            &imported
        };
        match document_date(decl, self.source_date_epoch.as_deref()) {
            Ok(date) => Ok(jixiao_ofd::meta_of(renderer, decl, source, Some(date))),
            Err(crate::ArchiveError::NoDate) => {
                Ok(jixiao_ofd::meta_of(renderer, decl, source, None))
            }
            Err(e) => Err(Unfinished::new("date", e.to_string())),
        }
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
                vec![Diagnostic::error(text!(
                    "无法存入归档目录 {}：{e}",
                    "cannot file in the archive store {}: {e}",
                    dir.display()
                ))]
            })
    }
}
