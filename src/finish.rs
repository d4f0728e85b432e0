//! What happens to a form besides laying it out, for one file or a whole batch alike:
//! an archival PDF/A-3b instead of a plain PDF, a digital signature, filing in the
//! archive store.

use std::path::PathBuf;
use std::sync::Arc;

use crate::archive::document_date;
use crate::archive::store::{ArchiveStore, Filed};
use crate::declaration::Declaration;
use crate::diag::Diagnostic;
use crate::input::Attachment;
use crate::render::{Rendered, Renderer};
use crate::sign::{sign_pdf, SignOptions, Signer};

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
}

impl std::fmt::Debug for Finishing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the signer itself: it holds a private key.
        f.debug_struct("Finishing")
            .field("archive", &self.archive)
            .field("source_date_epoch", &self.source_date_epoch)
            .field("store", &self.store)
            .field("signs", &self.signer.is_some())
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
    ) -> Result<Rendered, Vec<Diagnostic>> {
        self.render_attaching(renderer, decl, &Attachment::toml(source.to_vec()))
    }

    /// Renders `decl` like [`Finishing::render`]; an archival PDF attaches
    /// `attachment` (the declaration file, or the spreadsheet it was imported from).
    pub fn render_attaching(
        &self,
        renderer: &Renderer,
        decl: &Declaration,
        attachment: &Attachment,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let mut rendered = if self.is_archival(decl) {
            let date = document_date(decl, self.source_date_epoch.as_deref())
                .map_err(|e| vec![Diagnostic::error(e.to_string())])?;
            renderer.render_archival_attaching(decl, attachment, date)
        } else {
            renderer.render(decl)
        }
        .map_err(|e| e.diagnostics())?;
        if let Some(signer) = &self.signer {
            rendered.pdf = sign_pdf(&rendered.pdf, signer.as_ref(), &self.sign_options)
                .map_err(|e| vec![Diagnostic::error(e.to_string())])?;
        }
        Ok(rendered)
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
