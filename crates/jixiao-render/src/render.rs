//! The render pipeline: declaration → template data → Typst layout → PDF bytes.
//!
//! A [`Renderer`] holds what every document shares (template, fonts, Typst library), so
//! a batch builds it once and renders many declarations with it.

use std::collections::BTreeMap;
use std::sync::Arc;

use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Element, Selector, Smart, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::fonts::FontSet;
use crate::form_data::FormData;
use crate::template::{Template, Templates};
use crate::world::{ArchiveFiles, DocumentWorld, Workspace};
use jixiao_core::attachment::Attachment;
use jixiao_core::date::Date;
use jixiao_core::declaration::Declaration;
use jixiao_core::diag::{render_all, Diagnostic, Severity};
use jixiao_core::glyphs::{missing_glyphs_in, MissingGlyph};
use jixiao_core::kind::Kinds;
use jixiao_core::limits::Limits;
use jixiao_core::metadata::ArchiveMeta;
use jixiao_core::text;
use jixiao_core::words::{Lang, Localized, Text};

/// The `creator` written into every PDF: pinned to jixiao's version.
pub const CREATOR: &str = concat!("jixiao ", env!("CARGO_PKG_VERSION"));

/// The identifier an archival PDF's `/ID` is derived from: a hash of its content (the
/// declaration's bytes and the date), so it is stable across renders and machines.
fn document_ident(source: &[u8], date: Date) -> String {
    jixiao_core::hash::sha256_hex_of(&[source, date.iso().as_bytes(), CREATOR.as_bytes()])
}

/// What a render checks before laying out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precheck {
    /// Everything: characters no font has.
    #[default]
    All,
    /// The declaration already passed [`jixiao_core::check::check`] with this renderer's
    /// template and fonts (the CLI and the batch runner check every file first), and
    /// those checks include font coverage: it is not checked a second time.
    Checked,
}

/// How [`Renderer::render`] renders: the one set of options of its one entry point.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// An archival PDF/A-3b with this source and date; `None`: a plain PDF.
    pub archival: Option<Archival>,
    /// What is still to be checked before layout.
    pub precheck: Precheck,
}

/// What makes a PDF archival: the file it attaches as its source and its document date.
#[derive(Debug, Clone)]
pub struct Archival {
    /// The declaration file, or the spreadsheet it was imported from, byte for byte.
    pub attachment: Attachment,
    /// The document date (see `jixiao_core::metadata::document_date`).
    pub date: Date,
}

impl RenderOptions {
    /// A plain PDF.
    pub fn plain() -> RenderOptions {
        RenderOptions::default()
    }

    /// An archival PDF/A-3b attaching `attachment`, dated `date`.
    pub fn archival(attachment: Attachment, date: Date) -> RenderOptions {
        RenderOptions {
            archival: Some(Archival { attachment, date }),
            precheck: Precheck::All,
        }
    }

    /// These options, checking only what `precheck` says is still unchecked.
    pub fn with_precheck(mut self, precheck: Precheck) -> RenderOptions {
        self.precheck = precheck;
        self
    }
}

/// Renders declarations of every kind it has a template for, with one set of fonts,
/// within [`Limits`]. Cloning is cheap: the clones share the templates and fonts.
#[derive(Clone)]
pub struct Renderer {
    shared: Arc<Shared>,
    limits: Limits,
}

/// What every clone of a renderer shares.
struct Shared {
    /// One workspace per template, in the order of `kinds`.
    workspaces: Vec<Workspace>,
    /// The kinds declarations may name.
    kinds: Kinds,
    /// The fonts every workspace shares.
    fonts: FontSet,
}

/// Stack of the thread a time-limited render runs on (as a batch's workers: Typst's
/// layout recurses deeply; the space is only reserved).
const RENDER_STACK: usize = 64 << 20;

/// A laid-out form: the pages as Typst laid them out, and the warnings it gave.
pub struct Laid {
    /// The laid-out document.
    pub document: PagedDocument,
    /// Typst's warnings (e.g. from a custom template).
    pub warnings: Vec<Diagnostic>,
}

impl Laid {
    /// Number of pages.
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }

    /// For templates that mark their table rows as the default one does
    /// (`templates/common/rows.typ`: a `metadata(id)` labelled `<jx-row-start:ID>` at the
    /// start of a body cell and one labelled `<jx-row-end:ID>` at its end): each marked
    /// row id with the first and last page (1-based) the row reaches. The default
    /// template marks every row only in a [`Renderer::layout_marked`] layout (else just
    /// the rows its merged labels look for). Used to test pagination and to debug
    /// templates.
    pub fn row_pages(&self) -> BTreeMap<String, (usize, usize)> {
        let introspector = self.document.introspector();
        let mut rows: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let metadata = Selector::Elem(Element::of::<MetadataElem>(), None);
        for content in introspector.query(&metadata) {
            let Some(label) = content.label() else {
                continue;
            };
            let name = label.resolve();
            let is_start = match name.as_str() {
                n if n.starts_with("jx-row-start:") => true,
                n if n.starts_with("jx-row-end:") => false,
                _ => continue,
            };
            let Some(meta) = content.to_packed::<MetadataElem>() else {
                continue;
            };
            let Value::Str(id) = &meta.value else {
                continue;
            };
            let Some(page) = content.location().and_then(|l| introspector.position(l)) else {
                continue;
            };
            let page = page.page.get();
            let entry = rows.entry(id.to_string()).or_insert((page, page));
            if is_start {
                entry.0 = entry.0.min(page);
            } else {
                entry.1 = entry.1.max(page);
            }
        }
        rows
    }
}

/// A rendered form.
pub struct Rendered {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// Warnings met on the way; the PDF is still good.
    pub warnings: Vec<Diagnostic>,
    /// The layout the PDF was exported from (for other formats of the same pages,
    /// e.g. [`Rendered::ofd`]).
    pub document: PagedDocument,
}

/// Why a form could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// No template prints the declaration's kind.
    NoTemplate(String),
    /// The declaration fills in fields the template does not print.
    Unprinted(Vec<Diagnostic>),
    /// Characters no available font can print.
    MissingGlyphs(Vec<MissingGlyph>),
    /// The template failed to compile or export: Typst's errors, with file and line.
    Template(Vec<Diagnostic>),
    /// The document has (or certainly would have) more pages than the limit.
    TooManyPages {
        /// The pages laid out, or `None` when refused before layout.
        pages: Option<usize>,
        /// The limit.
        max: usize,
    },
    /// The render took longer than the time limit.
    TimedOut(std::time::Duration),
}

impl Localized for RenderError {
    fn text(&self) -> Text {
        let reports = |diags: &[Diagnostic]| {
            Text::new(
                render_all(diags, false, Lang::Zh),
                render_all(diags, false, Lang::En),
            )
        };
        match self {
            RenderError::NoTemplate(kind) => {
                text!("没有表样 {kind} 的模板", "no template for the kind {kind}")
            }
            RenderError::Unprinted(diags) | RenderError::Template(diags) => reports(diags),
            RenderError::MissingGlyphs(_) => reports(&self.diagnostics()),
            RenderError::TooManyPages { pages: Some(pages), max } => text!(
                "表格排出 {pages} 页，超过 {max} 页的上限，未生成（可用 --max-pages 调整）",
                "the form has {pages} pages, more than the limit of {max} pages; not rendered (see --max-pages)"
            ),
            RenderError::TooManyPages { pages: None, max } => text!(
                "表格内容过多，必然超过 {max} 页的上限，未生成（可用 --max-pages 调整）",
                "the form would certainly have more than the limit of {max} pages; not rendered (see --max-pages)"
            ),
            RenderError::TimedOut(limit) => text!(
                "排版超过 {} 秒的时间上限，已放弃（可用 --timeout 调整）",
                "the layout took longer than the limit of {} s; given up (see --timeout)",
                limit.as_secs()
            ),
        }
    }
}

/// In Chinese, the default language; see [`Localized::text`] for both.
impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().zh)
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    /// The problems as diagnostics.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            RenderError::MissingGlyphs(missing) => {
                missing.iter().map(MissingGlyph::to_diagnostic).collect()
            }
            RenderError::Template(diags) | RenderError::Unprinted(diags) => diags.clone(),
            RenderError::NoTemplate(_)
            | RenderError::TooManyPages { .. }
            | RenderError::TimedOut(_) => vec![Diagnostic::error(self.text())],
        }
    }

    /// A short code for the manifest's `codes` column: `template`, `glyphs`,
    /// `too-many-pages` or `timeout`.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::NoTemplate(_) | RenderError::Unprinted(_) | RenderError::Template(_) => {
                "template"
            }
            RenderError::MissingGlyphs(_) => "glyphs",
            RenderError::TooManyPages { .. } => "too-many-pages",
            RenderError::TimedOut(_) => "timeout",
        }
    }
}

/// The warning for a document whose layout Typst stopped after five passes without the
/// passes agreeing (its "document did not converge within five attempts"): the PDF is
/// written from the last pass, so a label repeated on a continuation page or the footer's
/// 共N页 may be wrong (BENCHMARKS.md, "first run on an idle machine").
pub fn unsettled() -> Text {
    text!(
        "排版五遍后仍未稳定：续页重复的标签或页脚“共N页”可能有误，请逐页核对 PDF",
        "the layout did not settle after five passes: a repeated label or the page total may be wrong, check the PDF page by page"
    )
}

/// Whether `diag` is jixiao's warning for an unsettled layout ([`unsettled`]).
pub fn is_unsettled(diag: &Diagnostic) -> bool {
    diag.message.en.starts_with(&unsettled().en)
}

/// Typst's own warning for a layout that did not converge.
fn is_typst_unsettled(d: &SourceDiagnostic) -> bool {
    matches!(d.severity, TypstSeverity::Warning)
        && d.message.starts_with("document did not converge")
}

impl Renderer {
    /// A renderer for every kind of `templates`, with `fonts`.
    pub fn new(templates: Templates, fonts: FontSet) -> Result<Renderer, RenderError> {
        let kinds = templates.kinds();
        let mut workspaces = Vec::new();
        for template in templates.iter() {
            let workspace = Workspace::new(template.clone(), fonts.clone()).map_err(|e| {
                RenderError::Template(vec![Diagnostic::error(format!(
                    "{}: {e}",
                    template.kind.name()
                ))])
            })?;
            workspaces.push(workspace);
        }
        Ok(Renderer {
            shared: Arc::new(Shared {
                workspaces,
                kinds,
                fonts,
            }),
            limits: Limits::default(),
        })
    }

    /// This renderer with `limits` (pages, time) instead of [`Limits::default`].
    pub fn with_limits(mut self, limits: Limits) -> Renderer {
        self.limits = limits;
        self
    }

    /// The limits every render is held to.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// A renderer for the built-in kinds and a user's `template` (which is also the
    /// kind of declarations that name none).
    pub fn with_template(template: Template, fonts: FontSet) -> Result<Renderer, RenderError> {
        Renderer::new(Templates::with(vec![template]), fonts)
    }

    /// A renderer with the built-in templates and the bundled fonts.
    pub fn builtin() -> Renderer {
        Renderer::new(Templates::builtin(), FontSet::bundled())
            .unwrap_or_else(|e| panic!("the built-in templates are broken: {e}"))
    }

    /// The fonts documents can use.
    pub fn fonts(&self) -> &FontSet {
        &self.shared.fonts
    }

    /// The kinds this renderer prints.
    pub fn kinds(&self) -> &Kinds {
        &self.shared.kinds
    }

    fn workspace(&self, decl: &Declaration) -> Result<&Workspace, RenderError> {
        let name = decl.kind().name();
        self.shared
            .workspaces
            .iter()
            .find(|w| w.template().kind.name() == name)
            .ok_or_else(|| RenderError::NoTemplate(name.to_owned()))
    }

    /// The template that prints `decl`.
    pub fn template(&self, decl: &Declaration) -> Result<&Template, RenderError> {
        self.workspace(decl).map(Workspace::template)
    }

    /// The data the template receives for `decl`.
    pub fn form_data(&self, decl: &Declaration) -> FormData {
        FormData::new(decl)
    }

    /// Refuses (unless already checked) characters no font has, and starts loading the
    /// font half a rare character in `decl` needs ([`crate::fonts::prefetch_rare_halves`]).
    fn precheck(&self, decl: &Declaration, precheck: Precheck) -> Result<(), RenderError> {
        let (rows, chars) = size_of(decl);
        if self.limits.certainly_exceeded(rows, chars) {
            return Err(RenderError::TooManyPages {
                pages: None,
                max: self.limits.max_pages,
            });
        }
        // The declaration is about to be laid out: a rare character in it starts loading
        // the font half that has it (src/fonts.rs).
        let fields = decl.text_fields();
        crate::fonts::prefetch_rare_halves(fields.iter().flat_map(|f| f.text.chars()));
        if precheck == Precheck::Checked {
            return Ok(());
        }
        let missing = missing_glyphs_in(&fields, &self.shared.fonts);
        if !missing.is_empty() {
            return Err(RenderError::MissingGlyphs(missing));
        }
        Ok(())
    }

    /// Compiles the document of `world`.
    fn compile(
        &self,
        workspace: &Workspace,
        world: &DocumentWorld<'_>,
    ) -> Result<Laid, RenderError> {
        let result = typst::compile::<PagedDocument>(world);
        let warnings = self.convert(workspace, world, &result.warnings);
        match result.output {
            Ok(document) if document.pages().len() > self.limits.max_pages => {
                Err(RenderError::TooManyPages {
                    pages: Some(document.pages().len()),
                    max: self.limits.max_pages,
                })
            }
            Ok(document) => Ok(Laid { document, warnings }),
            Err(errors) => {
                let mut diags = self.convert(workspace, world, &errors);
                diags.extend(warnings);
                Err(RenderError::Template(diags))
            }
        }
    }

    /// Runs `job` within the time limit: on this thread when there is none, else on a
    /// thread of its own, given up when the time is up (see [`Limits::timeout`]). A
    /// panic in `job` is passed on to the caller.
    fn within_time<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Renderer) -> Result<T, RenderError> + Send + 'static,
    ) -> Result<T, RenderError> {
        let Some(timeout) = self.limits.timeout else {
            return job(self);
        };
        let renderer = self.clone();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("jixiao-render".to_owned())
            .stack_size(RENDER_STACK)
            .spawn(move || {
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&renderer)));
                let _ = sender.send(result);
            })
            .map_err(|e| {
                RenderError::Template(vec![Diagnostic::error(format!(
                    "无法启动排版线程 / cannot start the layout thread: {e}"
                ))])
            })?;
        match receiver.recv_timeout(timeout) {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => Err(RenderError::TimedOut(timeout)),
        }
    }

    /// Lays out `decl` without exporting it: for tests and previews.
    pub fn layout(&self, decl: &Declaration) -> Result<Laid, RenderError> {
        let decl = decl.clone();
        self.within_time(move |r| r.layout_with(&decl, false))
    }

    /// [`Renderer::layout`] with every table row marked ([`FormData::mark_rows`]), so
    /// that [`Laid::row_pages`] has the pages of every row: the same pages, laid out a
    /// little slower. For pagination tests and debugging templates.
    pub fn layout_marked(&self, decl: &Declaration) -> Result<Laid, RenderError> {
        let decl = decl.clone();
        self.within_time(move |r| r.layout_with(&decl, true))
    }

    /// Lays `decl` out now, on this thread; every table row marked when `mark_rows`.
    fn layout_with(&self, decl: &Declaration, mark_rows: bool) -> Result<Laid, RenderError> {
        self.precheck(decl, Precheck::All)?;
        let workspace = self.workspace(decl)?;
        let data = FormData {
            mark_rows,
            ..self.form_data(decl)
        };
        let data = Bytes::new(data.to_json());
        self.compile(workspace, &workspace.document(data, None))
    }

    /// Renders `decl` as `options` say: a plain PDF by default, or an archival PDF/A-3b
    /// ([`RenderOptions::archival`]); within the renderer's [`Limits`].
    ///
    /// ```no_run
    /// # use jixiao_render::{Renderer, RenderOptions};
    /// # let decl: jixiao_core::Declaration = unimplemented!();
    /// let renderer = Renderer::builtin();
    /// let pdf = renderer.render(&decl, &RenderOptions::default())?.pdf;
    /// # Ok::<(), jixiao_render::RenderError>(())
    /// ```
    pub fn render(
        &self,
        decl: &Declaration,
        options: &RenderOptions,
    ) -> Result<Rendered, RenderError> {
        let (decl, options) = (decl.clone(), options.clone());
        self.within_time(move |r| match &options.archival {
            None => r.render_now(&decl, options.precheck),
            Some(archival) => {
                r.render_archival_now(&decl, &archival.attachment, archival.date, options.precheck)
            }
        })
    }

    fn render_now(&self, decl: &Declaration, precheck: Precheck) -> Result<Rendered, RenderError> {
        self.precheck(decl, precheck)?;
        let workspace = self.workspace(decl)?;
        let data = Bytes::new(self.form_data(decl).to_json());
        let world = workspace.document(data, None);
        let options = PdfOptions {
            creator: Smart::Custom(Some(CREATOR.to_owned())),
            ..PdfOptions::default()
        };
        self.export(workspace, &world, &options)
    }

    /// An archival PDF/A-3b: `attachment` (the declaration file, byte for byte, or the
    /// spreadsheet it was imported from) attached as the document's source under its own
    /// MIME type, metadata from the declaration, dated `date`. The bytes depend only on
    /// the attachment, the date, the template, the fonts and jixiao's version: never on
    /// the clock, the time zone or the machine.
    fn render_archival_now(
        &self,
        decl: &Declaration,
        attachment: &Attachment,
        date: Date,
        precheck: Precheck,
    ) -> Result<Rendered, RenderError> {
        self.precheck(decl, precheck)?;
        let workspace = self.workspace(decl)?;
        let data = self.form_data(decl);
        let meta = ArchiveMeta::attaching(
            decl,
            &data.title,
            &workspace.main_path(),
            date,
            attachment.extension,
            attachment.mime,
        );
        let source = attachment.bytes.as_slice();
        let files = ArchiveFiles {
            meta: Bytes::new(meta.to_json()),
            source: Bytes::new(source.to_vec()),
        };
        let world = workspace.archival_document(Bytes::new(data.to_json()), files);
        let standards = PdfStandards::new(&[PdfStandard::A_3b]).map_err(|e| {
            RenderError::Template(vec![Diagnostic::error(format!(
                "PDF/A-3b: {}",
                e.message()
            ))])
        })?;
        let options = PdfOptions {
            ident: Smart::Custom(document_ident(source, date)),
            creator: Smart::Custom(Some(CREATOR.to_owned())),
            standards,
            ..PdfOptions::default()
        };
        self.export(workspace, &world, &options)
    }

    /// Lays out and exports the document of `world`.
    fn export(
        &self,
        workspace: &Workspace,
        world: &DocumentWorld<'_>,
        options: &PdfOptions,
    ) -> Result<Rendered, RenderError> {
        let laid = self.compile(workspace, world)?;
        let pdf = typst_pdf::pdf(&laid.document, options)
            .map_err(|errors| RenderError::Template(self.convert(workspace, world, &errors)))?;
        Ok(Rendered {
            pdf,
            pages: laid.document.pages().len(),
            warnings: laid.warnings,
            document: laid.document,
        })
    }

    /// Turns Typst's diagnostics into ours, with the template file, line and source.
    fn convert(
        &self,
        workspace: &Workspace,
        world: &DocumentWorld<'_>,
        diags: &[SourceDiagnostic],
    ) -> Vec<Diagnostic> {
        diags
            .iter()
            .map(|d| {
                let severity = match d.severity {
                    TypstSeverity::Error => Severity::Error,
                    TypstSeverity::Warning => Severity::Warning,
                };
                let message = if is_typst_unsettled(d) {
                    let typst = Text::untranslated(format!("(Typst: {})", d.message));
                    let unsettled = unsettled();
                    Text::new(
                        format!("{} {}", unsettled.zh, typst.zh),
                        format!("{} {}", unsettled.en, typst.en),
                    )
                } else {
                    Text::untranslated(d.message.to_string()).after(&text!("模板", "template"))
                };
                let mut diag = Diagnostic::new(severity, message);
                if let Some(id) = d.span.id() {
                    let path = workspace.display_path(id);
                    let source = typst::World::source(world, id).ok();
                    match source {
                        Some(source) => {
                            let text: Arc<str> = Arc::from(source.text());
                            diag = diag.at(path, text, world.range(d.span));
                        }
                        None => diag.path = Some(path),
                    }
                }
                for hint in &d.hints {
                    diag = diag.with_help(hint.v.to_string());
                }
                for point in &d.trace {
                    let at = point
                        .span
                        .id()
                        .zip(world.range(point.span))
                        .and_then(|(id, range)| {
                            let source = typst::World::source(world, id).ok()?;
                            let line = source.lines().byte_to_line(range.start)? + 1;
                            Some(format!(" ({}:{line})", workspace.display_path(id)))
                        })
                        .unwrap_or_default();
                    diag = diag.with_help(format!("{}{at}", point.v));
                }
                diag
            })
            .collect()
    }
}

/// The table rows and characters of text of `decl`, for [`Limits::certainly_exceeded`].
/// Rows are the innermost list items (an item holding a list of its own prints as a cell
/// merged down its items' rows, not as a row of its own), so the count never exceeds
/// the rows printed.
fn size_of(decl: &Declaration) -> (usize, usize) {
    use jixiao_core::declaration::Value;
    let (mut rows, mut chars) = (0usize, 0usize);
    decl.walk(&mut |_, _, value| match value {
        Value::List(items) => {
            let leaves = items
                .iter()
                .filter(|item| !item.values().any(|v| matches!(v, Value::List(_))))
                .count();
            rows = rows.saturating_add(leaves);
        }
        Value::Text(t) => chars = chars.saturating_add(t.chars().count()),
        Value::Paragraphs(p) => {
            for para in &p.0 {
                chars = chars.saturating_add(para.chars().count());
            }
        }
        _ => {}
    });
    (rows, chars)
}
