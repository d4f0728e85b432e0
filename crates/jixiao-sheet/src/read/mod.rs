//! Reading a workbook (xlsx, xls, ods; xlsb values only) into the grid model, with
//! calamine.
//!
//! What calamine 0.38 gives, checked in its source, and what this module adds:
//!
//! | | values | formulas + cached values | number formats | merged ranges | widths/heights |
//! |---|---|---|---|---|---|
//! | xlsx | yes (streamed, sparse) | yes | yes (`styles()` palette) | yes | read here from the sheet XML |
//! | xls | yes | yes | no (only date detection) | yes | no |
//! | ods | yes | yes | no: percentages found here (`office:value-type`) | read here from `content.xml` | no |
//! | xlsb | yes | yes | no | no | no |
//!
//! Numbers: see [`crate::number`]. The format is detected from the bytes, not
//! the file name: a ZIP holding `mimetype` = OpenDocument spreadsheet is ods, another
//! ZIP is tried as xlsx then xlsb; an OLE compound file holding `EncryptedPackage` is
//! an encrypted OOXML workbook, another is tried as xls.
//!
//! Limits: calamine's xls, xlsb and ods readers build a dense grid over each sheet's
//! used rectangle (xlsx is streamed cell by cell here, so a stray cell at XFD1048576
//! costs nothing); text in xlsx `<t>` without `xml:space="preserve"` loses leading and
//! trailing ASCII whitespace as XML says it should (Excel always writes `preserve`
//! when it matters).

mod ods;
mod props;
mod xlsx;

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataRef, Reader, SheetType, SheetVisible};
use chrono::NaiveDate;

use super::address::{CellRange, CellRef};
use super::error::SheetError;
use super::format::NumberFormat;
use super::grid::{CellValue, FileFormat, Sheet, Workbook};
use super::number::Number;

/// One cell as a reader hands it to [`Sheet::new`].
pub(crate) type RawCell = (CellRef, CellValue, Option<NumberFormat>, Option<String>);

/// A sheet's cells as read, and the dates among them.
pub(crate) type SheetCells = (Vec<RawCell>, Vec<(CellRef, NaiveDate)>);

/// Reads the workbook at `path`. Errors name the file as given.
pub fn read_file(path: &Path) -> Result<Workbook, SheetError> {
    let file = path.display().to_string();
    let bytes = jixiao_core::limits::read_limited(path).map_err(|source| SheetError::Io {
        file: file.clone(),
        source,
    })?;
    read_bytes(&file, &bytes)
}

/// Reads a workbook from its bytes; `file` names it in errors and in
/// [`Workbook::file`].
pub fn read_bytes(file: &str, bytes: &[u8]) -> Result<Workbook, SheetError> {
    let format = detect(file, bytes)?;
    let sheets = match format {
        FileFormat::Xlsx => xlsx::read(file, bytes)?,
        FileFormat::Ods => read_ods(file, bytes)?,
        FileFormat::Xls => read_xls(file, bytes)?,
        FileFormat::Xlsb => read_xlsb(file, bytes)?,
    };
    if sheets.iter().all(|s| s.cells().next().is_none()) {
        return Err(SheetError::Empty {
            file: file.to_string(),
        });
    }
    Ok(Workbook {
        file: file.to_string(),
        format,
        sheets,
        properties: props::read(format, bytes),
    })
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Which reader the bytes are for.
fn detect(file: &str, bytes: &[u8]) -> Result<FileFormat, SheetError> {
    let not = |zh: &str, en: &str| SheetError::NotASpreadsheet {
        file: file.to_string(),
        detail_zh: zh.to_string(),
        detail_en: en.to_string(),
    };
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(EMPTY_ZIP_MAGIC) {
        let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
            return Err(not("ZIP 压缩包已损坏", "a damaged ZIP archive"));
        };
        if ods::is_ods(&mut zip) {
            return Ok(FileFormat::Ods);
        }
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        if names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("xl/workbook.bin"))
        {
            return Ok(FileFormat::Xlsb);
        }
        if names
            .iter()
            .any(|n| n.starts_with("xl/") || n == "[Content_Types].xml")
        {
            return Ok(FileFormat::Xlsx);
        }
        if names.iter().any(|n| n.starts_with("word/")) {
            return Err(not(
                "这是 Word 文档（.docx）",
                "it is a Word document (.docx)",
            ));
        }
        return Err(not(
            "这是一个 ZIP 压缩包，里面没有工作簿",
            "a ZIP archive without a workbook",
        ));
    }
    if bytes.starts_with(CFB_MAGIC) {
        // calamine's xlsx reader recognises an encrypted OOXML package (an OLE file
        // holding `EncryptedPackage`) before it tries to unzip.
        if let Err(calamine::XlsxError::Password) = calamine::Xlsx::new(Cursor::new(bytes)) {
            return Err(SheetError::Encrypted {
                file: file.to_string(),
            });
        }
        return Ok(FileFormat::Xls);
    }
    if bytes.is_empty() {
        return Err(not("文件是空的（0 字节）", "the file is empty (0 bytes)"));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(not("这是 PDF 文件", "it is a PDF file"));
    }
    let head = &bytes[..bytes.len().min(4096)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => Some(t),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    if let Some(text) = text {
        let t = text.trim_start_matches('\u{FEFF}').trim_start();
        if t.starts_with('<') {
            return Err(not(
                "这是 XML/HTML 文本，不是 .xlsx 工作簿（请在表格软件中另存为 .xlsx）",
                "it is XML/HTML text, not an .xlsx workbook (save it as .xlsx)",
            ));
        }
        return Err(not(
            "这是纯文本（CSV？），请在表格软件中另存为 .xlsx",
            "it is plain text (CSV?): save it as .xlsx",
        ));
    }
    Err(not("无法识别的文件格式", "unrecognised file format"))
}

/// Turns a calamine value into the grid's.
pub(crate) fn cell_value(data: &DataRef<'_>) -> CellValue {
    match data {
        DataRef::Empty => CellValue::Empty,
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text((*s).to_string()),
        DataRef::Int(i) => CellValue::Number(Number::from_integer(*i)),
        DataRef::Float(x) => number(*x),
        DataRef::DateTime(d) => number(d.as_f64()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => CellValue::DateTime(s.clone()),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
    }
}

/// The date a calamine value stands for: a serial in a date format (not a duration),
/// or an ISO date text.
pub(crate) fn data_date(data: &DataRef<'_>, is_1904: bool) -> Option<NaiveDate> {
    match data {
        DataRef::DateTime(d) if d.is_datetime() => serial_date(d.as_f64(), is_1904),
        DataRef::DateTimeIso(s) => iso_date(s),
        _ => None,
    }
}

fn owned_date(data: &Data, is_1904: bool) -> Option<NaiveDate> {
    match data {
        Data::DateTime(d) if d.is_datetime() => serial_date(d.as_f64(), is_1904),
        Data::DateTimeIso(s) => iso_date(s),
        _ => None,
    }
}

/// The day of an Excel serial number, time of day dropped: the 1900 system counts
/// 1900-01-01 as 1 and has the fictitious 1900-02-29 as 60 (`None`); the 1904 system
/// counts 1904-01-01 as 0.
pub(crate) fn serial_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (epoch, days) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, days)
    } else if days == 60 || days == 0 {
        return None;
    } else if days < 60 {
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, days)
    };
    epoch.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

/// The date at the start of an ISO 8601 text (`2023-03-01`, `2023-03-01T08:00:00`).
pub(crate) fn iso_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// Sets the dates the reader found on the sheet's cells.
fn apply_dates(sheet: &mut Sheet, dates: Vec<(CellRef, NaiveDate)>) {
    for (pos, date) in dates {
        if let Some(cell) = sheet.cells.get_mut(&pos) {
            cell.date = Some(date);
        }
    }
}

fn number(x: f64) -> CellValue {
    Number::from_stored(x).map_or(CellValue::OutOfRange(x), CellValue::Number)
}

fn owned_value(data: &Data) -> CellValue {
    match data {
        Data::Empty => CellValue::Empty,
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Int(i) => CellValue::Number(Number::from_integer(*i)),
        Data::Float(x) => number(*x),
        Data::DateTime(d) => number(d.as_f64()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::DateTime(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
    }
}

fn unreadable(file: &str, sheet: &str, detail: impl std::fmt::Display) -> SheetError {
    SheetError::UnreadableSheet {
        file: file.to_string(),
        sheet: sheet.to_string(),
        detail: detail.to_string(),
    }
}

fn damaged(file: &str, part: &str, detail: impl std::fmt::Display) -> SheetError {
    SheetError::UnreadableWorkbook {
        file: file.to_string(),
        part: part.to_string(),
        detail: detail.to_string(),
    }
}

fn dims_to_range(d: &calamine::Dimensions) -> CellRange {
    CellRange::new(
        CellRef::new(d.start.0, d.start.1),
        CellRef::new(d.end.0, d.end.1),
    )
}

/// The worksheets' names and visibility, in tab order.
fn worksheets(meta: &[calamine::Sheet]) -> Vec<(String, bool)> {
    meta.iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect()
}

/// Values and formulas of one sheet from calamine's dense ranges (xls, xlsb, ods).
fn dense_cells<R: std::io::Read + std::io::Seek, W: Reader<R>>(
    book: &mut W,
    file: &str,
    name: &str,
    is_1904: bool,
) -> Result<SheetCells, SheetError>
where
    W::Error: std::fmt::Display,
{
    let values = book
        .worksheet_range(name)
        .map_err(|e| unreadable(file, name, e))?;
    let formulas = book
        .worksheet_formula(name)
        .map_err(|e| unreadable(file, name, e))?;
    let mut cells: Vec<RawCell> = Vec::new();
    let mut dates = Vec::new();
    let (r0, c0) = values.start().unwrap_or((0, 0));
    for (r, c, data) in values.used_cells() {
        let pos = CellRef::new(r0 + r as u32, c0 + c as u32);
        if let Some(date) = owned_date(data, is_1904) {
            dates.push((pos, date));
        }
        let formula = formulas
            .get_value((pos.row, pos.col))
            .filter(|f| !f.is_empty())
            .cloned();
        cells.push((pos, owned_value(data), None, formula));
    }
    // A formula whose cell has no cached value is content too.
    let (f0, g0) = formulas.start().unwrap_or((0, 0));
    for (r, c, f) in formulas.used_cells() {
        let pos = CellRef::new(f0 + r as u32, g0 + c as u32);
        if !f.is_empty()
            && values
                .get_value((pos.row, pos.col))
                .is_none_or(|v| *v == Data::Empty)
        {
            cells.push((pos, CellValue::Empty, None, Some(f.clone())));
        }
    }
    Ok((cells, dates))
}

fn read_xls(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, SheetError> {
    let mut book = match calamine::Xls::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(calamine::XlsError::Password) => {
            return Err(SheetError::Encrypted {
                file: file.to_string(),
            })
        }
        Err(e) => {
            return Err(SheetError::NotASpreadsheet {
                file: file.to_string(),
                detail_zh: "OLE 复合文档，但不是可读的 Excel 97–2003 工作簿".into(),
                detail_en: format!(
                    "an OLE compound file, but no readable Excel 97–2003 workbook ({e})"
                ),
            })
        }
    };
    let is_1904 = book.has_1904_epoch();
    let mut sheets = Vec::new();
    for (name, visible) in worksheets(book.sheets_metadata()) {
        let (cells, dates) = dense_cells(&mut book, file, &name, is_1904)?;
        let merges: Vec<CellRange> = book
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| unreadable(file, &name, e))?
            .iter()
            .map(dims_to_range)
            .collect();
        let mut sheet = Sheet::new(name, cells, merges);
        sheet.visible = visible;
        apply_dates(&mut sheet, dates);
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn read_xlsb(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, SheetError> {
    let mut book = match calamine::Xlsb::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(calamine::XlsbError::Password) => {
            return Err(SheetError::Encrypted {
                file: file.to_string(),
            })
        }
        Err(e) => return Err(damaged(file, "workbook.bin", e)),
    };
    let mut sheets = Vec::new();
    for (name, visible) in worksheets(book.sheets_metadata()) {
        let (cells, dates) = dense_cells(&mut book, file, &name, false)?;
        let mut sheet = Sheet::new(name, cells, []);
        sheet.visible = visible;
        apply_dates(&mut sheet, dates);
        sheets.push(sheet);
    }
    Ok(sheets)
}

/// The most cells of one sheet the readers that lay a sheet out densely (calamine's
/// ods reader) are asked to hold: forms have a few thousand; a 300-byte ods file can
/// claim 1,048,576 × 16,384 repeated cells.
pub const MAX_DENSE_CELLS: u64 = 4_000_000;

fn read_ods(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, SheetError> {
    // Our own pass first: it finds merges and percentages, and refuses a sheet whose
    // repeated cells would not fit in memory before calamine lays them out.
    let extras = ods::read_extras(bytes).map_err(|e| damaged(file, "content.xml", e))?;
    if let Some((name, e)) = extras.iter().find(|(_, e)| e.area() > MAX_DENSE_CELLS) {
        return Err(unreadable(
            file,
            name,
            format!(
                "已用区域有 {} 个单元格，超过上限 {MAX_DENSE_CELLS} / the used area has {} cells, more than the {MAX_DENSE_CELLS} jixiao reads",
                e.area(),
                e.area()
            ),
        ));
    }
    let mut book = match calamine::Ods::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(calamine::OdsError::Password) => {
            return Err(SheetError::Encrypted {
                file: file.to_string(),
            })
        }
        Err(e) => return Err(damaged(file, "content.xml", e)),
    };
    let mut sheets = Vec::new();
    for (name, visible) in worksheets(book.sheets_metadata()) {
        let (mut cells, dates) = dense_cells(&mut book, file, &name, false)?;
        let extra = extras.get(&name);
        if let Some(extra) = extra {
            for (pos, _, format, _) in &mut cells {
                if let Some(decimals) = extra.percent_decimals(*pos) {
                    let code = if decimals == 0 {
                        "0%".to_string()
                    } else {
                        format!("0.{}%", "0".repeat(decimals.min(30)))
                    };
                    *format = Some(NumberFormat::new(code));
                }
            }
        }
        let merges = extra.map(|e| e.merges.clone()).unwrap_or_default();
        let mut sheet = Sheet::new(name, cells, merges);
        sheet.visible = visible;
        apply_dates(&mut sheet, dates);
        sheets.push(sheet);
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn excel_serial_days() {
        // Excel's own table: 1 = 1900-01-01, 59 = 1900-02-28, 60 = the fictitious
        // 1900-02-29, 61 = 1900-03-01, 45000 = 2023-03-15.
        assert_eq!(serial_date(1.0, false), ymd(1900, 1, 1));
        assert_eq!(serial_date(59.0, false), ymd(1900, 2, 28));
        assert_eq!(serial_date(60.0, false), None);
        assert_eq!(serial_date(61.0, false), ymd(1900, 3, 1));
        assert_eq!(serial_date(45000.75, false), ymd(2023, 3, 15));
        assert_eq!(serial_date(0.0, true), ymd(1904, 1, 1));
        assert_eq!(serial_date(43538.0, true), ymd(2023, 3, 15));
        assert_eq!(serial_date(-1.0, false), None);
        assert_eq!(serial_date(f64::NAN, false), None);
        assert_eq!(iso_date("2023-03-01T08:00:00"), ymd(2023, 3, 1));
        assert_eq!(iso_date("2023-3-1"), None);
    }
}
