//! What `render`, a batch and `verify` take as a form: a declaration (TOML), or a
//! spreadsheet (xlsx, xls, ods) imported in memory ([`crate::import`]) and then
//! handled exactly like the declaration it imports to. An archival PDF attaches the
//! file as it was given — the spreadsheet's own bytes, with its MIME type — so that
//! `verify` imports it again to reproduce the PDF.
//!
//! A spreadsheet must hold exactly one form sheet here; `jixiao import` splits a
//! workbook of several.

use crate::import::{Imported, Options};
use crate::FileFormat;
use jixiao_core::check::{check, CheckReport, DeclarationSource};
use jixiao_core::declaration::Declaration;
use jixiao_core::diag::Diagnostic;
use jixiao_core::kind::Kinds;

pub use jixiao_core::attachment::{Attachment, TOML_MIME};
use jixiao_core::glyphs::Coverage;
pub use jixiao_core::limits::{read_limited, MAX_INPUT_BYTES};

/// Refuses bytes over [`MAX_INPUT_BYTES`] handed to the library directly.
fn within_limit(shown: &str, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
    jixiao_core::limits::check_input_size(bytes.len())
        .map_err(|message| vec![Diagnostic::error(format!("{shown}：{message}"))])
}

/// The file an archival PDF attaches for a spreadsheet of `format`.
pub fn sheet_attachment(bytes: Vec<u8>, format: FileFormat) -> Attachment {
    let extension = match format {
        FileFormat::Xlsx => ".xlsx",
        FileFormat::Xlsb => ".xlsb",
        FileFormat::Xls => ".xls",
        FileFormat::Ods => ".ods",
    };
    Attachment {
        bytes,
        mime: format.mime_type(),
        extension,
    }
}

/// The extensions of spreadsheet files.
pub const SPREADSHEET_EXTENSIONS: [&str; 4] = ["xlsx", "xls", "ods", "xlsb"];

/// Whether the file `shown` holding `bytes` is a spreadsheet: named like one, or a
/// spreadsheet container whatever its name.
fn is_spreadsheet_file(shown: &str, bytes: &[u8]) -> bool {
    let named = std::path::Path::new(shown)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| {
            SPREADSHEET_EXTENSIONS
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        });
    named || is_spreadsheet(bytes)
}

/// Whether `bytes` are a spreadsheet container (a ZIP or an OLE compound file) rather
/// than a declaration's text.
pub fn is_spreadsheet(bytes: &[u8]) -> bool {
    const ZIP: &[u8] = b"PK\x03\x04";
    const EMPTY_ZIP: &[u8] = b"PK\x05\x06";
    const CFB: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    bytes.starts_with(ZIP) || bytes.starts_with(EMPTY_ZIP) || bytes.starts_with(CFB)
}

/// A form read and checked: the checks' report (its source is the declaration's text:
/// the file itself, or the TOML a spreadsheet imports to), the file to attach, and
/// what the import reports, as warnings.
pub struct Prepared {
    /// The checks, as `jixiao check` runs them.
    pub report: CheckReport,
    /// What an archival PDF attaches.
    pub attachment: Attachment,
    /// What the import of a spreadsheet reports (cells not imported…), as warnings.
    pub notes: Vec<Diagnostic>,
}

/// Reads and checks the form in `bytes`, a file shown as `shown`, of one of `kinds`.
pub fn prepare(
    shown: &str,
    bytes: Vec<u8>,
    kinds: &Kinds,
    fonts: &dyn Coverage,
) -> Result<Prepared, Vec<Diagnostic>> {
    within_limit(shown, &bytes)?;
    if !is_spreadsheet_file(shown, &bytes) {
        let report = check(
            DeclarationSource::from_bytes(shown.to_owned(), bytes),
            kinds,
            fonts,
        );
        let attachment = Attachment::toml(report.source.bytes.clone());
        return Ok(Prepared {
            report,
            attachment,
            notes: Vec::new(),
        });
    }
    let (form, attachment) = import_one(shown, bytes, kinds)?;
    let notes = form
        .notes
        .iter()
        .map(|n| Diagnostic::warning(format!("导入 / import: {n}")))
        .collect();
    let report = check(
        DeclarationSource::from_bytes(
            format!("{shown}（导入的申报 / as imported）"),
            form.to_toml().into_bytes(),
        ),
        kinds,
        fonts,
    );
    Ok(Prepared {
        report,
        attachment,
        notes,
    })
}

/// Reads the form in `bytes` without checking it (a batch's second pass, `verify`):
/// the declaration and the file to attach.
pub fn declaration(
    shown: &str,
    bytes: Vec<u8>,
    kinds: &Kinds,
) -> Result<(Declaration, Attachment), Vec<Diagnostic>> {
    within_limit(shown, &bytes)?;
    if !is_spreadsheet_file(shown, &bytes) {
        let source = DeclarationSource::from_bytes(shown.to_owned(), bytes);
        let decl = Declaration::from_toml_with(&source.text, kinds).map_err(|e| {
            vec![Diagnostic::error(format!(
                "申报文件有误 / invalid declaration: {e}"
            ))]
        })?;
        return Ok((decl, Attachment::toml(source.bytes)));
    }
    let (form, attachment) = import_one(shown, bytes, kinds)?;
    Ok((form.declaration, attachment))
}

/// The one form sheet of a spreadsheet.
fn import_one(
    shown: &str,
    bytes: Vec<u8>,
    kinds: &Kinds,
) -> Result<(Imported, Attachment), Vec<Diagnostic>> {
    let book =
        crate::read_bytes(shown, &bytes).map_err(|e| vec![Diagnostic::error(e.to_string())])?;
    let import = crate::import::import_workbook(&book, kinds, &Options::default())
        .map_err(|e| vec![Diagnostic::error(e.to_string())])?;
    // A form sheet that could not be imported is an error here: rendering the
    // workbook's other form alone would drop it unseen.
    if !import.failed.is_empty() {
        return Err(import
            .failed
            .iter()
            .map(|e| Diagnostic::error(e.to_string()))
            .collect());
    }
    let count = import.forms.len();
    let mut forms = import.forms.into_iter();
    match (forms.next(), count) {
        (Some(form), 1) => Ok((form, sheet_attachment(bytes, book.format()))),
        _ => {
            Err(vec![Diagnostic::error(format!(
                "{shown} 中有 {count} 个表单；生成 PDF 时一个电子表格只能有一个表单，请先用 jixiao import 拆分 / {shown} holds {count} forms; to render, a spreadsheet must hold one: split it with jixiao import first"
            ))])
        }
    }
}
