//! Spreadsheets in and out, independent of any form kind: a grid model of a workbook
//! as stored, a reader (calamine: xlsx, xls, ods, xlsb), label normalisation, a
//! consumption ledger, and an xlsx writer (rust_xlsxwriter) for "the form as printed".
//!
//! A kind's importer maps a [`Sheet`] to a declaration with the lookups below and
//! reports every cell it did not use; a kind's exporter describes the printed form as
//! a [`Layout`] and writes it with [`write_xlsx`].
//!
//! - [`read_file`] / [`read_bytes`] → [`Workbook`] → [`Sheet`]s → [`Cell`]s, each with
//!   its [`CellValue`] (text as typed; a number as an exact [`Number`] — see
//!   [`number`] for why the shortest round-trip digits, rounded to 15 significant
//!   digits, are the stored value), its [`NumberFormat`], its formula and its merged
//!   range. Errors are [`SheetError`]s, Chinese first, exit code 1.
//! - [`normalize_label`]: how labels are compared (spaces, line breaks, full-width
//!   forms); values are never normalised.
//! - [`Ledger`]: which cells a mapper used; [`Ledger::leftovers`] lists the rest with
//!   their address and why — nothing is dropped silently.
//!
//! # How a kind mapper uses it
//!
//! The steps, each a call of this module (the test `tests/sheet_mapper.rs` runs them on
//! the real 湛江 2023 form and reads its whole 绩效指标 block):
//!
//! ```no_run
//! use jixiao_sheet::{read_file, CellRef, Ledger, SheetError};
//! # fn main() -> Result<(), SheetError> {
//! let book = read_file("zhanjiang-2023-department-target.xlsx".as_ref())?;
//! let sheet = &book.sheets()[0];
//! let mut ledger = Ledger::new(sheet);
//! // A label the kind requires and the sheet lacks is an error naming the sheet.
//! let missing = |label: &str| {
//!     SheetError::cell(book.file(), &sheet.address(CellRef::new(0, 0)),
//!         format!("找不到“{label}”"), format!("no `{label}` label"))
//! };
//!
//! // The title: a cell found by a test on its normalised text.
//! let title = sheet.find_label_where(|t| t.ends_with("年市级部门整体预算绩效目标表"));
//! if let Some(t) = title { ledger.mark(t.pos()); }
//!
//! // A key/value pair: the label, then the cell right of its (merged) range.
//! let name_label = ledger.take_label("部门名称").ok_or_else(|| missing("部门名称"))?;
//! let department = ledger.take(sheet.right_of(name_label.pos())).map(|c| c.plain_text());
//!
//! // A section: its label merged down column A gives the section's rows.
//! let section = ledger.take_label("绩效指标").ok_or_else(|| missing("绩效指标"))?;
//! let rows = sheet.rows_of(section.pos());
//!
//! // A sub-table: its header row gives the columns (a missing header is the error).
//! let header = *rows.start();
//! let cols = sheet
//!     .header_columns(header, &["一级指标", "二级指标", "三级指标", "指标值"])
//!     .map_err(|e| SheetError::cell(book.file(), &e.row_address, "缺少表头", "missing header"))?;
//! for col in &cols { ledger.take(CellRef::new(header, *col)); }
//!
//! // An indicator tree: 一级 groups (merged down column B), 二级 groups inside each
//! // (column C), then one indicator per row.
//! for level1 in sheet.groups(cols[0], header + 1..=*rows.end()) {
//!     ledger.mark(level1.span.first);
//!     for level2 in sheet.groups(cols[1], level1.rows.clone()) {
//!         ledger.mark(level2.span.first);
//!         for row in level2.rows.clone() {
//!             let name = ledger.take(CellRef::new(row, cols[2])).map(|c| c.plain_text());
//!             // A number in a `0%` cell is a percentage: the mapper decides the text.
//!             let value = ledger.take(CellRef::new(row, cols[3])).map(|c| {
//!                 if c.is_percent() { c.number().map(|n| n.percent_text()).unwrap_or_default() } else { c.plain_text() }
//!             });
//!             let _ = (level1.label_text(), level2.label_text(), name, value);
//!         }
//!     }
//! }
//!
//! // A merged text cell: the anchor holds the text (`总体绩效目标` → B10:E10).
//! let goal_label = ledger.take_label("总体绩效目标").ok_or_else(|| missing("总体绩效目标"))?;
//! let goal = ledger.take(sheet.right_of(goal_label.pos())).and_then(|c| c.text());
//!
//! // Everything not taken is reported, with its address and why.
//! for left in ledger.leftovers() {
//!     eprintln!("{left}");
//! }
//! # let _ = (department, goal); Ok(()) }
//! ```
//!
//! Rules of thumb for mappers:
//! - compare labels with [`Sheet::find_label`] / [`Sheet::header_columns`] /
//!   [`labels_match`], but import [`Cell::text`] / [`Cell::plain_text`] unchanged;
//! - read through [`Ledger::take`], which resolves a covered position to its merge
//!   anchor (so every row of a merged 二级 label gives the label) and marks it used;
//!   content hidden under a merge stays a leftover, reported as such;
//! - for an amount use [`Number::value`] (exact); when [`Number::was_rounded`] the
//!   file held more digits than a spreadsheet keeps — worth a warning with the
//!   address; a text in an amount cell is a [`SheetError::cell`] naming the cell;
//! - for text fields, a number is its decimal (`50000`), a percentage-formatted number
//!   is [`Number::percent_text`] (`100%`) or [`Cell::display_text`] (`100%`, rounded
//!   to the format's decimals) — the kind decides;
//! - [`Ledger::skip`] a cell with a reason when it is known and deliberately not
//!   imported (a template prompt); every leftover goes into the import report.
//!
//! # Limits
//!
//! - What each format gives is tabled in [`read`]: number formats are complete for xlsx
//!   only (ods: percentages; xls, xlsb: none), so a percentage stored as `1` in an xls
//!   file reads as `1`; widths and heights come from xlsx only.
//! - Numbers beyond 15 significant digits cannot be in a spreadsheet; see [`number`].
//! - [`NumberFormat::display`] covers the codes forms use; `General` prints the decimal
//!   as it is (Excel may switch a long number to `1.23E+11` in a narrow column).
//! - calamine's ods, xls and xlsb readers lay each sheet out densely; an ods sheet
//!   claiming more than [`read::MAX_DENSE_CELLS`] cells (repeats included) is refused
//!   before that, an xls sheet is at most 65,536 × 256 by its format. calamine reads
//!   each ZIP part it needs whole into memory.
//! - ods: a spanned cell that is also repeated gets one merged range, at its first
//!   repeat.
//! - Dates: [`Cell::date`] for numbers in a date format (1900 or 1904 system) and ISO
//!   dates; the time of day is dropped.

mod address;
mod blocks;
mod error;
pub mod export;
pub mod format;
mod grid;
pub mod import;
pub mod input;
pub mod label;
mod ledger;
pub mod number;
pub mod read;
mod write;

pub use address::{column_name, qualified, CellRange, CellRef};
pub use blocks::{Group, MissingHeader};
pub use error::SheetError;
pub use format::NumberFormat;
pub use grid::{Cell, CellValue, FileFormat, Sheet, Workbook};
pub use label::{labels_match, normalize_label};
pub use ledger::{Ledger, Leftover, OUTSIDE_LAYOUT};
pub use number::Number;
pub use read::{read_bytes, read_file};
pub use write::{
    write_xlsx, write_xlsx_file, Align, CellStyle, Content, DocInfo, Layout, Placed, PrintSetup,
    VAlign,
};
