//! What the subcommands share: reading a declaration, building a renderer, reporting.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use jixiao_core::diag::render_all;
use jixiao_core::{Declaration, Diagnostic, Kinds};
use jixiao_render::{FontSet, Renderer, Template, Templates};

use super::args::{LayoutArgs, ReportArgs};

/// A command that failed: the diagnostics to print.
pub(crate) struct Failure(pub Vec<Diagnostic>);

impl Failure {
    /// Prints the diagnostics to stderr.
    pub(crate) fn print(&self) {
        if !self.0.is_empty() {
            errln!(
                "{}",
                render_all(&self.0, std::io::stderr().is_terminal(), crate::out::lang())
            );
        }
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure(vec![d])
    }
}

/// Prints warnings to stderr.
pub(crate) fn print_warnings(warnings: &[Diagnostic]) {
    if !warnings.is_empty() {
        errln!(
            "{}",
            render_all(
                warnings,
                std::io::stderr().is_terminal(),
                crate::out::lang()
            )
        );
    }
}

/// Reads a PDF given on the command line.
pub(crate) fn read_pdf(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        Failure::from(Diagnostic::error(format!(
            "无法读取 {} / cannot read the PDF: {e}",
            path.display()
        )))
    })
}

/// A declaration read from disk, with its text kept for diagnostics.
pub(crate) struct Loaded {
    /// The parsed declaration.
    pub declaration: Declaration,
}

/// Reads and parses the declaration at `path`, of one of `kinds`. A UTF-8 byte-order
/// mark is fine; any other encoding problem is an error naming the byte offset.
pub(crate) fn load_declaration(path: &Path, kinds: &Kinds) -> Result<Loaded, Failure> {
    let shown = path.display().to_string();
    let bytes = jixiao_sheet::input::read_limited(path).map_err(|e| {
        Diagnostic::error(format!(
            "无法读取申报文件 {shown} / cannot read the declaration: {e}"
        ))
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!(
            "申报文件 {shown} 不是 UTF-8 编码（第 {} 字节处） / not UTF-8 (at byte {})",
            e.valid_up_to(),
            e.valid_up_to()
        ))
        .with_help("请用 UTF-8 编码保存文件 / save the file as UTF-8")
    })?;
    let source: Arc<str> = Arc::from(text);
    let declaration = Declaration::from_toml_with(&source, kinds).map_err(|e| {
        Diagnostic::error(format!(
            "申报文件有误 / invalid declaration: {}",
            e.message.trim_end()
        ))
        .at(shown.clone(), source.clone(), e.span.clone())
    })?;
    Ok(Loaded { declaration })
}

/// A declaration that passed the checks, with the file's bytes as read.
pub(crate) struct Checked {
    /// The declaration.
    pub declaration: Declaration,
}

/// Reads and checks the declaration at `path` (TOML, or a spreadsheet imported in
/// memory) for `renderer`'s templates and fonts. Warnings (and what an import
/// reports) are printed; errors (and, with `--deny-warnings`, warnings) are a failure.
pub(crate) fn load_checked(
    path: &Path,
    renderer: &Renderer,
    report: &ReportArgs,
) -> Result<Checked, Failure> {
    let bytes = jixiao_sheet::input::read_limited(path).map_err(|e| {
        Diagnostic::error(format!(
            "无法读取申报文件 {} / cannot read the declaration: {e}",
            path.display()
        ))
    })?;
    let prepared = jixiao_sheet::input::prepare(
        &path.display().to_string(),
        bytes,
        renderer.kinds(),
        renderer.fonts(),
    )
    .map_err(Failure)?;
    let checked = prepared.report;
    let notes = prepared.notes.len();
    let mut diagnostics = prepared.notes;
    diagnostics.extend(checked.diagnostics(report.deny_warnings));
    let passes = checked.passes(report.deny_warnings) && !(report.deny_warnings && notes > 0);
    match checked.declaration {
        Some(declaration) if passes => {
            print_warnings(&diagnostics);
            Ok(Checked { declaration })
        }
        _ => Err(Failure(diagnostics)),
    }
}

/// The built-in templates plus the user's in `dirs`.
pub(crate) fn load_templates(dirs: &[std::path::PathBuf]) -> Result<Templates, Failure> {
    let mut user = Vec::new();
    for dir in dirs {
        user.push(
            Template::load(dir).map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?,
        );
    }
    Ok(Templates::with(user))
}

/// Builds a renderer for the templates and fonts the user asked for.
pub(crate) fn renderer(layout: &LayoutArgs) -> Result<Renderer, Failure> {
    // The fonts load while the templates are read.
    jixiao_render::fonts::preload();
    let templates = load_templates(&layout.template)?;
    let fonts = FontSet::with_dirs(&layout.font_dirs)
        .map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?;
    let limits = jixiao_core::limits::Limits {
        max_pages: usize::try_from(layout.max_pages).unwrap_or(usize::MAX),
        timeout: (!layout.timeout.is_zero()).then_some(layout.timeout),
    };
    Renderer::new(templates, fonts)
        .map(|r| r.with_limits(limits))
        .map_err(|e| Failure(e.diagnostics()))
}
