//! The grid model: a workbook's sheets, each a sparse map of its non-empty cells with
//! their stored values, number formats, formulas and merged ranges.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::address::{qualified, CellRange, CellRef};
use super::format::NumberFormat;
use super::label::normalize_label;
use super::number::Number;

/// The spreadsheet format a workbook was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Office Open XML workbook (Excel 2007+, WPS, LibreOffice).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 97–2003 (BIFF8).
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

impl FileFormat {
    /// The usual file extension, without a dot.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Xlsb => "xlsb",
            FileFormat::Xls => "xls",
            FileFormat::Ods => "ods",
        }
    }

    /// The MIME type, for an attachment.
    pub fn mime_type(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileFormat::Xlsb => "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
            FileFormat::Xls => "application/vnd.ms-excel",
            FileFormat::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }
}

/// What a cell holds, as stored (for a formula: its cached result).
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Nothing (never stored in a [`Sheet`]; returned for positions without a cell).
    Empty,
    /// Text exactly as typed: spaces, line breaks, `/`, `—`, `□√` kept.
    Text(String),
    /// A number, read exactly (see [`Number`]).
    Number(Number),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// An error value such as `#DIV/0!` or `#REF!`.
    Error(String),
    /// A date, time or duration the file stores as ISO 8601 text (ods, or xlsx
    /// `t="d"`); dates stored as serial numbers are [`CellValue::Number`] with a date
    /// format.
    DateTime(String),
    /// A number a decimal cannot hold (1e28 or more, NaN): the stored double.
    OutOfRange(f64),
}

impl CellValue {
    /// Whether the cell holds nothing (or only an empty text).
    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(t) => t.is_empty(),
            _ => false,
        }
    }
}

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub(crate) pos: CellRef,
    pub(crate) value: CellValue,
    pub(crate) format: Option<NumberFormat>,
    pub(crate) formula: Option<String>,
    pub(crate) merge: Option<CellRange>,
    pub(crate) date: Option<NaiveDate>,
}

impl Cell {
    /// Where the cell is.
    pub fn pos(&self) -> CellRef {
        self.pos
    }

    /// The stored value (a formula's cached result).
    pub fn value(&self) -> &CellValue {
        &self.value
    }

    /// The number format, when the format tells it: always for xlsx (`General` when
    /// none is set); for ods only percentages; never for xls and xlsb (calamine does
    /// not expose their formats).
    pub fn format(&self) -> Option<&NumberFormat> {
        self.format.as_ref()
    }

    /// The formula without its `=` (`SUM(C5:C6)`), when the cell has one.
    pub fn formula(&self) -> Option<&str> {
        self.formula.as_deref()
    }

    /// The date, when the cell holds one: a number in a date format (xlsx, xls; the
    /// workbook's 1900 or 1904 day count, time of day dropped) or an ISO date (ods).
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
    }

    /// The merged range the cell belongs to, if any.
    pub fn merge(&self) -> Option<CellRange> {
        self.merge
    }

    /// Whether the cell is hidden under a merged range whose anchor is another cell
    /// (LibreOffice keeps such content; Excel shows only the anchor).
    pub fn is_covered(&self) -> bool {
        self.merge.is_some_and(|m| m.first != self.pos)
    }

    /// The text, when the cell holds text.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            CellValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The number, when the cell holds one.
    pub fn number(&self) -> Option<&Number> {
        match &self.value {
            CellValue::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Whether the cell is a number in a percentage format (`1` shown as `100%`).
    pub fn is_percent(&self) -> bool {
        self.number().is_some() && self.format.as_ref().is_some_and(NumberFormat::is_percent)
    }

    /// The value as typed, as text: text itself; a number as its exact decimal
    /// (`50000`, `0.95` — not `95%`: see [`Cell::display_text`]); `TRUE`/`FALSE`;
    /// an error's code; an ISO date as stored.
    pub fn plain_text(&self) -> String {
        match &self.value {
            CellValue::Empty => String::new(),
            CellValue::Text(t) => t.clone(),
            CellValue::Number(n) => n.to_string(),
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::Error(e) => e.clone(),
            CellValue::DateTime(d) => d.clone(),
            CellValue::OutOfRange(x) => format!("{x:e}"),
        }
    }

    /// The value as the sheet prints it: a number through its format (`1` in `0%` →
    /// `100%`, `6730` in `0.00` → `6730.00`) when [`NumberFormat::display`] covers the
    /// format; a date as `2023-03-01`; else [`Cell::plain_text`].
    pub fn display_text(&self) -> String {
        if let Some(date) = self.date {
            return date.format("%Y-%m-%d").to_string();
        }
        if let (CellValue::Number(n), Some(format)) = (&self.value, &self.format) {
            if let Some(text) = format.display(n.value()) {
                return text;
            }
        }
        self.plain_text()
    }
}

/// One worksheet: its non-empty cells in reading order, merged ranges, and the column
/// widths and row heights the file sets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub(crate) name: String,
    pub(crate) visible: bool,
    pub(crate) cells: BTreeMap<CellRef, Cell>,
    pub(crate) merges: Vec<CellRange>,
    /// Column spans `(first, last, width)`, zero-based, as the file lists them.
    pub(crate) col_widths: Vec<(u32, u32, f64)>,
    pub(crate) row_heights: BTreeMap<u32, f64>,
}

static EMPTY: CellValue = CellValue::Empty;

/// Merged ranges as a spreadsheet application shows them when a file lists ranges that
/// overlap (BIFF files written by 中央部门项目库 list `A7:C11` and `A8:C8` …, `B12:Q19`
/// and `B13:Q19` …; Excel for Windows opens them as the largest ones): the largest
/// range is kept and every range that overlaps one kept is dropped. Sorted by anchor.
fn without_overlaps(mut merges: Vec<CellRange>) -> Vec<CellRange> {
    merges.sort();
    merges.dedup();
    let area = |m: &CellRange| u64::from(m.height()) * u64::from(m.last.col - m.first.col + 1);
    let mut by_size = merges.clone();
    by_size.sort_by_key(|m| (std::cmp::Reverse(area(m)), *m));
    let mut kept: Vec<CellRange> = Vec::with_capacity(merges.len());
    for m in by_size {
        let overlaps = kept.iter().any(|k| {
            k.first.row <= m.last.row
                && m.first.row <= k.last.row
                && k.first.col <= m.last.col
                && m.first.col <= k.last.col
        });
        if !overlaps {
            kept.push(m);
        }
    }
    kept.sort();
    kept
}

impl Sheet {
    /// Builds a sheet from its cells and merged ranges (the reader's last step; also
    /// for tests). Empty values without a formula are dropped, each cell learns its merged range, merges
    /// are kept sorted by anchor.
    pub fn new(
        name: impl Into<String>,
        cells: impl IntoIterator<Item = (CellRef, CellValue, Option<NumberFormat>, Option<String>)>,
        merges: impl IntoIterator<Item = CellRange>,
    ) -> Sheet {
        let merges = without_overlaps(merges.into_iter().filter(|m| !m.is_single()).collect());
        let mut map = BTreeMap::new();
        for (pos, value, format, formula) in cells {
            // A formula without a cached result is content too.
            if value.is_empty() && formula.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            map.insert(
                pos,
                Cell {
                    pos,
                    value,
                    format,
                    formula,
                    merge: None,
                    date: None,
                },
            );
        }
        for merge in &merges {
            let range = map.range_mut(merge.first..=merge.last);
            for (pos, cell) in range {
                if merge.contains(*pos) && cell.merge.is_none() {
                    cell.merge = Some(*merge);
                }
            }
        }
        Sheet {
            name: name.into(),
            visible: true,
            cells: map,
            merges,
            ..Sheet::default()
        }
    }

    /// The sheet's name (its tab).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the sheet is visible (a hidden sheet is read all the same).
    pub fn is_visible(&self) -> bool {
        self.visible
    }

    /// `Sheet1!C12`: a cell's address with this sheet's name, for messages.
    pub fn address(&self, pos: CellRef) -> String {
        qualified(&self.name, pos)
    }

    /// The cell at `pos`, if it holds anything.
    pub fn cell(&self, pos: CellRef) -> Option<&Cell> {
        self.cells.get(&pos)
    }

    /// The cell named `a1` (`"C12"`), if it holds anything.
    pub fn cell_a1(&self, a1: &str) -> Option<&Cell> {
        CellRef::parse(a1).and_then(|pos| self.cell(pos))
    }

    /// The value at `pos` ([`CellValue::Empty`] when there is no cell).
    pub fn value(&self, pos: CellRef) -> &CellValue {
        self.cell(pos).map_or(&EMPTY, |c| &c.value)
    }

    /// The cell that shows at `pos`: the anchor of the merged range covering `pos`, or
    /// the cell itself.
    pub fn visible_cell(&self, pos: CellRef) -> Option<&Cell> {
        self.cell(self.anchor(pos))
    }

    /// Every non-empty cell in reading order (row by row, left to right), covered
    /// cells included.
    pub fn cells(&self) -> impl Iterator<Item = &Cell> {
        self.cells.values()
    }

    /// The non-empty cells of one row (zero-based), left to right.
    pub fn row(&self, row: u32) -> impl Iterator<Item = &Cell> {
        self.cells
            .range(CellRef::new(row, 0)..=CellRef::new(row, u32::MAX))
            .map(|(_, c)| c)
    }

    /// The smallest range holding every non-empty cell and merged range.
    pub fn used_range(&self) -> Option<CellRange> {
        let mut corners = self
            .cells
            .keys()
            .copied()
            .chain(self.merges.iter().flat_map(|m| [m.first, m.last]));
        let first = corners.next()?;
        Some(corners.fold(CellRange::single(first), |r, c| {
            CellRange::new(
                CellRef::new(r.first.row.min(c.row), r.first.col.min(c.col)),
                CellRef::new(r.last.row.max(c.row), r.last.col.max(c.col)),
            )
        }))
    }

    /// The merged ranges, sorted by anchor.
    pub fn merges(&self) -> &[CellRange] {
        &self.merges
    }

    /// The merged range covering `pos`, if any.
    pub fn merge_at(&self, pos: CellRef) -> Option<CellRange> {
        self.merges
            .iter()
            .take_while(|m| m.first.row <= pos.row)
            .find(|m| m.contains(pos))
            .copied()
    }

    /// The range `pos` spans: its merged range, or the cell alone.
    pub fn span(&self, pos: CellRef) -> CellRange {
        self.merge_at(pos).unwrap_or(CellRange::single(pos))
    }

    /// The anchor (top-left cell) of the range `pos` spans.
    pub fn anchor(&self, pos: CellRef) -> CellRef {
        self.span(pos).first
    }

    /// The first cell in reading order whose text matches `label` after
    /// [`normalize_label`]. Covered cells are skipped: they are not visible.
    pub fn find_label(&self, label: &str) -> Option<&Cell> {
        let key = normalize_label(label);
        self.cells()
            .find(|c| !c.is_covered() && c.text().is_some_and(|t| normalize_label(t) == key))
    }

    /// Every visible cell whose text matches `label`, in reading order.
    pub fn find_labels(&self, label: &str) -> Vec<&Cell> {
        let key = normalize_label(label);
        self.cells()
            .filter(|c| !c.is_covered() && c.text().is_some_and(|t| normalize_label(t) == key))
            .collect()
    }

    /// The first visible cell inside `range` whose text matches `label`.
    pub fn find_label_in(&self, range: CellRange, label: &str) -> Option<&Cell> {
        let key = normalize_label(label);
        self.cells
            .range(range.first..=range.last)
            .map(|(_, c)| c)
            .filter(|c| range.contains(c.pos) && !c.is_covered())
            .find(|c| c.text().is_some_and(|t| normalize_label(t) == key))
    }

    /// The first visible cell in reading order whose normalised text satisfies `test`
    /// (for a title like `{year}年市级部门整体预算绩效目标表`).
    pub fn find_label_where(&self, test: impl Fn(&str) -> bool) -> Option<&Cell> {
        self.cells()
            .find(|c| !c.is_covered() && c.text().is_some_and(|t| test(&normalize_label(t))))
    }

    /// The width the file sets for a column (zero-based), in Excel's character units,
    /// as stored (xlsx only).
    pub fn col_width(&self, col: u32) -> Option<f64> {
        self.col_widths
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&col))
            .map(|(_, _, w)| *w)
    }

    /// The height the file sets for a row (zero-based), in points (xlsx only).
    pub fn row_height(&self, row: u32) -> Option<f64> {
        self.row_heights.get(&row).copied()
    }
}

/// A workbook as read: the file's name (for messages), its format and its worksheets
/// in tab order.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub(crate) file: String,
    pub(crate) format: FileFormat,
    pub(crate) sheets: Vec<Sheet>,
    pub(crate) properties: BTreeMap<String, String>,
}

impl Workbook {
    /// A workbook of `sheets` read from `file` (for tests and mappers that build
    /// sheets themselves): xlsx, without properties.
    pub fn new(file: impl Into<String>, sheets: Vec<Sheet>) -> Workbook {
        Workbook {
            file: file.into(),
            format: FileFormat::Xlsx,
            sheets,
            properties: BTreeMap::new(),
        }
    }

    /// The file name given to the reader.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The format detected from the bytes.
    pub fn format(&self) -> FileFormat {
        self.format
    }

    /// The worksheets in tab order (chart sheets and macro sheets are not worksheets).
    pub fn sheets(&self) -> &[Sheet] {
        &self.sheets
    }

    /// The custom document properties (name → text) of an xlsx or ods file (xls and
    /// xlsb: none). jixiao's export keeps there what the form does not print.
    pub fn properties(&self) -> &BTreeMap<String, String> {
        &self.properties
    }

    /// The worksheet with this exact name.
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(
        row: u32,
        col: u32,
        t: &str,
    ) -> (CellRef, CellValue, Option<NumberFormat>, Option<String>) {
        (
            CellRef::new(row, col),
            CellValue::Text(t.into()),
            None,
            None,
        )
    }

    #[test]
    fn overlapping_merges_read_as_the_largest() {
        let r = |a: &str| CellRange::parse(a).expect("range");
        // As the 北京大学 执行监控表 lists them: A7:C11 over A8:C8 … A11:C11, and
        // B12:Q19 over B13:Q19 … B19:Q19.
        let merges = vec![
            r("A7:C11"),
            r("A8:C8"),
            r("A11:C11"),
            r("B12:Q19"),
            r("B13:Q19"),
            r("B19:Q19"),
            r("D8:G8"),
        ];
        let sheet = Sheet::new("监控", [text(6, 0, "项目资金（万元）")], merges);
        assert_eq!(sheet.merges(), [r("A7:C11"), r("D8:G8"), r("B12:Q19")]);
        assert_eq!(sheet.span(CellRef::new(9, 1)), r("A7:C11"));
        assert_eq!(sheet.anchor(CellRef::new(15, 5)), CellRef::new(11, 1));
    }

    #[test]
    fn merges_labels_and_reading_order() {
        let sheet = Sheet::new(
            "表1",
            [
                text(3, 0, "预算整体情况"),
                text(4, 0, "藏在合并区域里"),
                text(3, 1, "部门预算支出"),
                text(0, 0, "标题"),
                text(5, 1, ""),
            ],
            [
                CellRange::parse("A4:A9").expect("range"),
                CellRange::parse("C1").expect("single"),
            ],
        );
        let order: Vec<String> = sheet.cells().map(|c| c.pos().a1()).collect();
        assert_eq!(order, ["A1", "A4", "B4", "A5"]);
        assert_eq!(sheet.merges().len(), 1, "single-cell merges are no merges");
        let a5 = sheet.cell_a1("A5").expect("A5");
        assert!(a5.is_covered());
        assert_eq!(sheet.anchor(CellRef::new(8, 0)), CellRef::new(3, 0));
        assert_eq!(
            sheet.visible_cell(CellRef::new(6, 0)).and_then(Cell::text),
            Some("预算整体情况")
        );
        assert_eq!(
            sheet.span(CellRef::new(3, 1)),
            CellRange::single(CellRef::new(3, 1))
        );
        assert_eq!(
            sheet.find_label("预算 整体\n情况").map(Cell::pos),
            Some(CellRef::new(3, 0))
        );
        assert!(
            sheet.find_label("藏在合并区域里").is_none(),
            "covered cells are not labels"
        );
        assert_eq!(sheet.address(CellRef::new(11, 2)), "表1!C12");
        assert_eq!(sheet.used_range().map(|r| r.a1()), Some("A1:B9".into()));
        assert_eq!(sheet.row(3).count(), 2);
    }
}
