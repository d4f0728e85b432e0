//! Writing "the form as printed" to xlsx with rust_xlsxwriter, from a [`Layout`] a
//! kind's exporter describes: placed cells (single or merged) with text or exact
//! numbers and a [`CellStyle`], column widths, row heights, and an A4 print setup.
//!
//! The output is byte-reproducible: rust_xlsxwriter stamps every ZIP entry with the
//! fixed date 1980-01-01 and writes no random ids; the one date it would take from the
//! clock, the document's creation time in `docProps/core.xml`, is set from
//! [`DocInfo::created`] (default 1980-01-01, the same as the ZIP's).
//!
//! Numbers are written as the double nearest to the decimal (through its text, which
//! Rust parses correctly rounded), so [`crate::read_bytes`] gives back the same
//! decimal for every value of at most 15 significant digits; a value with more is an
//! error, never a silently different number.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use super::address::{CellRange, CellRef};
use super::error::SheetError;
use super::number::SIGNIFICANT_DIGITS;

/// What a placed cell shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Nothing (a bordered blank, or a merged blank).
    Empty,
    /// Text as it is (an empty text is written as a blank).
    Text(String),
    /// An exact number (at most 15 significant digits).
    Number(Decimal),
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// The spreadsheet's default (text left, numbers right).
    #[default]
    General,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

/// Vertical alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VAlign {
    /// Top.
    Top,
    /// Centred (the default: form cells are centred vertically).
    #[default]
    Center,
    /// Bottom.
    Bottom,
}

/// How a placed cell looks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellStyle {
    /// Bold text.
    pub bold: bool,
    /// Font size in points (default 11).
    pub font_size: Option<f64>,
    /// Font name (default the workbook's, Calibri).
    pub font_name: Option<String>,
    /// Horizontal alignment.
    pub align: Align,
    /// Vertical alignment.
    pub valign: VAlign,
    /// Wrap long text inside the cell.
    pub wrap: bool,
    /// A thin border on every side (of every cell of a merged range).
    pub border: bool,
    /// The number format code (`#,##0.00`, `0%`); `None` is `General`.
    pub number_format: Option<String>,
    /// Indentation level of the text (each about one character; 0 = none).
    pub indent: u8,
}

impl CellStyle {
    /// The form's title: bold, 16 pt, centred, no border.
    pub fn title() -> Self {
        CellStyle {
            bold: true,
            font_size: Some(16.0),
            align: Align::Center,
            ..CellStyle::default()
        }
    }

    /// A heading or label cell: bold, centred, wrapped, bordered.
    pub fn heading() -> Self {
        CellStyle {
            bold: true,
            align: Align::Center,
            wrap: true,
            border: true,
            ..CellStyle::default()
        }
    }

    /// A label cell: centred, wrapped, bordered.
    pub fn label() -> Self {
        CellStyle {
            align: Align::Center,
            wrap: true,
            border: true,
            ..CellStyle::default()
        }
    }

    /// A text value: left, wrapped, bordered.
    pub fn text() -> Self {
        CellStyle {
            align: Align::Left,
            wrap: true,
            border: true,
            ..CellStyle::default()
        }
    }

    /// An amount: right-aligned, bordered, `#,##0.00`.
    pub fn amount() -> Self {
        CellStyle {
            align: Align::Right,
            border: true,
            number_format: Some("#,##0.00".into()),
            ..CellStyle::default()
        }
    }

    /// The same style with another number format.
    pub fn with_format(mut self, code: impl Into<String>) -> Self {
        self.number_format = Some(code.into());
        self
    }
}

/// One cell or merged range of a layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Where (a merged range when it covers more than one cell).
    pub range: CellRange,
    /// What it shows.
    pub content: Content,
    /// How it looks.
    pub style: CellStyle,
}

/// Print setup: A4 portrait, fitted to the page width, centred; optionally a page
/// header and rows repeated at the top of every page.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintSetup {
    /// Landscape instead of portrait.
    pub landscape: bool,
    /// Fit all columns on the page width (any number of pages tall).
    pub fit_to_width: bool,
    /// Rows (zero-based, inclusive) printed at the top of every page.
    pub repeat_rows: Option<(u32, u32)>,
    /// Text of the page header, centred (`None`: no header).
    pub header: Option<String>,
    /// Text of the page footer, centred, with Excel's codes (`&P` the page number,
    /// `&N` the number of pages); `None`: no footer.
    pub footer: Option<String>,
}

impl Default for PrintSetup {
    fn default() -> Self {
        PrintSetup {
            landscape: false,
            fit_to_width: true,
            repeat_rows: None,
            header: None,
            footer: None,
        }
    }
}

/// One worksheet described as printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// The sheet's tab name.
    pub sheet_name: String,
    /// Column widths in Excel's character units (as its column-width dialog shows),
    /// by zero-based column.
    pub column_widths: BTreeMap<u32, f64>,
    /// Row heights in points, by zero-based row.
    pub row_heights: BTreeMap<u32, f64>,
    /// The cells, in any order; ranges must not overlap.
    pub cells: Vec<Placed>,
    /// Print setup.
    pub print: PrintSetup,
}

impl Layout {
    /// An empty layout for a sheet named `sheet_name`.
    pub fn new(sheet_name: impl Into<String>) -> Self {
        Layout {
            sheet_name: sheet_name.into(),
            ..Layout::default()
        }
    }

    /// Sets a column's width (character units).
    pub fn column_width(&mut self, col: u32, width: f64) -> &mut Self {
        self.column_widths.insert(col, width);
        self
    }

    /// Sets a row's height (points).
    pub fn row_height(&mut self, row: u32, height: f64) -> &mut Self {
        self.row_heights.insert(row, height);
        self
    }

    /// Places content in one cell.
    pub fn put(&mut self, cell: CellRef, content: Content, style: CellStyle) -> &mut Self {
        self.cells.push(Placed {
            range: CellRange::single(cell),
            content,
            style,
        });
        self
    }

    /// Places content in a merged range (or one cell, if the range is one).
    pub fn merge(&mut self, range: CellRange, content: Content, style: CellStyle) -> &mut Self {
        self.cells.push(Placed {
            range,
            content,
            style,
        });
        self
    }

    /// Places a text in one cell.
    pub fn text(&mut self, cell: CellRef, text: impl Into<String>, style: CellStyle) -> &mut Self {
        self.put(cell, Content::Text(text.into()), style)
    }

    /// Places a number in one cell.
    pub fn number(&mut self, cell: CellRef, value: Decimal, style: CellStyle) -> &mut Self {
        self.put(cell, Content::Number(value), style)
    }
}

/// Document properties written into the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct DocInfo {
    /// The document title (`2023年市级部门整体预算绩效目标表`).
    pub title: String,
    /// The author shown in the file's properties (a department).
    pub author: String,
    /// The creation date `(year, month, day)`; fixed so the bytes are reproducible.
    pub created: (u16, u8, u8),
    /// Custom document properties (name, text), in this order: what a program needs
    /// back that the sheet does not show (see [`crate::Workbook::properties`]).
    pub custom: Vec<(String, String)>,
}

impl Default for DocInfo {
    fn default() -> Self {
        DocInfo {
            title: String::new(),
            author: String::new(),
            created: (1980, 1, 1),
            custom: Vec::new(),
        }
    }
}

/// Writes the layouts, one worksheet each, into xlsx bytes. `file` names the output
/// in errors.
pub fn write_xlsx(file: &str, layouts: &[Layout], info: &DocInfo) -> Result<Vec<u8>, SheetError> {
    let fail = |detail: String| SheetError::Write {
        file: file.to_string(),
        detail,
    };
    let xlsx = |e: rust_xlsxwriter::XlsxError| fail(e.to_string());
    let mut book = Workbook::new();
    let created =
        ExcelDateTime::from_ymd(info.created.0, info.created.1, info.created.2).map_err(xlsx)?;
    let mut props = DocProperties::new()
        .set_title(&info.title)
        .set_author(&info.author)
        .set_creation_datetime(&created);
    for (name, value) in &info.custom {
        props = props.set_custom_property(name, value);
    }
    book.set_properties(&props);
    for layout in layouts {
        let sheet = book.add_worksheet();
        sheet.set_name(&layout.sheet_name).map_err(xlsx)?;
        sheet.set_paper_size(9);
        if layout.print.landscape {
            sheet.set_landscape();
        } else {
            sheet.set_portrait();
        }
        if layout.print.fit_to_width {
            sheet.set_print_fit_to_pages(1, 0);
        }
        sheet.set_print_center_horizontally(true);
        if let Some((first, last)) = layout.print.repeat_rows {
            sheet.set_repeat_rows(first, last).map_err(xlsx)?;
        }
        if let Some(header) = &layout.print.header {
            sheet.set_header(format!("&C{}", header.replace('&', "&&")));
        }
        if let Some(footer) = &layout.print.footer {
            sheet.set_footer(format!("&C{footer}"));
        }
        for (col, width) in &layout.column_widths {
            sheet
                .set_column_width(col_num(*col).map_err(&fail)?, *width)
                .map_err(xlsx)?;
        }
        for (row, height) in &layout.row_heights {
            sheet.set_row_height(*row, *height).map_err(xlsx)?;
        }
        for placed in &layout.cells {
            let at = |e: rust_xlsxwriter::XlsxError| fail(format!("{}: {e}", placed.range));
            let format = to_format(&placed.style);
            let (r0, c0) = (
                placed.range.first.row,
                col_num(placed.range.first.col).map_err(&fail)?,
            );
            if !placed.range.is_single() {
                let (r1, c1) = (
                    placed.range.last.row,
                    col_num(placed.range.last.col).map_err(&fail)?,
                );
                let text = match &placed.content {
                    Content::Text(t) => t.as_str(),
                    _ => "",
                };
                sheet
                    .merge_range(r0, c0, r1, c1, text, &format)
                    .map_err(at)?;
            }
            match &placed.content {
                Content::Number(value) => {
                    let double = to_double(*value)
                        .ok_or_else(|| fail(format!("{}: {value} 超过 {SIGNIFICANT_DIGITS} 位有效数字，电子表格存不下 / has more than {SIGNIFICANT_DIGITS} significant digits, which no spreadsheet keeps", placed.range.first)))?;
                    sheet
                        .write_number_with_format(r0, c0, double, &format)
                        .map_err(at)?;
                }
                Content::Text(t) if placed.range.is_single() && !t.is_empty() => {
                    sheet
                        .write_string_with_format(r0, c0, t, &format)
                        .map_err(at)?;
                }
                _ if placed.range.is_single() => {
                    sheet.write_blank(r0, c0, &format).map_err(at)?;
                }
                _ => {}
            }
        }
    }
    book.save_to_buffer().map_err(xlsx)
}

/// [`write_xlsx`] to a file, atomically (temporary file, then rename): on any error
/// no file is left at `path`.
pub fn write_xlsx_file(path: &Path, layouts: &[Layout], info: &DocInfo) -> Result<(), SheetError> {
    let file = path.display().to_string();
    let bytes = write_xlsx(&file, layouts, info)?;
    jixiao_core::output::write_atomic(path, &bytes)
        .map_err(|source| SheetError::Io { file, source })
}

fn col_num(col: u32) -> Result<u16, String> {
    u16::try_from(col).map_err(|_| format!("列号 {col} 超出范围 / column {col} is out of range"))
}

/// Whether a spreadsheet can store `value` as a number without losing a digit (at
/// most 15 significant digits).
pub(crate) fn storable(value: Decimal) -> bool {
    to_double(value).is_some()
}

/// The double to store for `value`, or `None` when the value has more significant
/// digits than a spreadsheet keeps.
fn to_double(value: Decimal) -> Option<f64> {
    let n = value.normalize();
    let digits = n.mantissa().unsigned_abs().to_string();
    let significant = digits.trim_end_matches('0').len().max(1);
    if significant > SIGNIFICANT_DIGITS {
        return None;
    }
    n.to_string().parse::<f64>().ok()
}

fn to_format(style: &CellStyle) -> Format {
    let mut f = Format::new();
    if style.bold {
        f = f.set_bold();
    }
    if let Some(size) = style.font_size {
        f = f.set_font_size(size);
    }
    if let Some(name) = &style.font_name {
        f = f.set_font_name(name);
    }
    f = match style.align {
        Align::General => f,
        Align::Left => f.set_align(FormatAlign::Left),
        Align::Center => f.set_align(FormatAlign::Center),
        Align::Right => f.set_align(FormatAlign::Right),
    };
    f = match style.valign {
        VAlign::Top => f.set_align(FormatAlign::Top),
        VAlign::Center => f.set_align(FormatAlign::VerticalCenter),
        VAlign::Bottom => f,
    };
    if style.wrap {
        f = f.set_text_wrap();
    }
    if style.border {
        f = f.set_border(FormatBorder::Thin);
    }
    if let Some(code) = &style.number_format {
        f = f.set_num_format(code);
    }
    if style.indent > 0 {
        f = f.set_indent(style.indent);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn doubles_only_for_what_a_spreadsheet_keeps() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        assert_eq!(to_double(d("0.1")), Some(0.1));
        assert_eq!(to_double(d("10891.615675")), Some(10891.615675));
        assert_eq!(to_double(d("6730.00")), Some(6730.0));
        assert_eq!(to_double(d("100000000000000000000")), Some(1e20));
        assert_eq!(to_double(d("123456789012345")), Some(123_456_789_012_345.0));
        assert_eq!(to_double(d("1234567890123456")), None);
        assert_eq!(to_double(d("0.1234567890123456")), None);
    }
}
