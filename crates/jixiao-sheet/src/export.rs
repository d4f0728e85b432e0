//! Exporting a declaration as its form, as a spreadsheet laid out like the printed
//! one: the cells [`jixiao_core::layout::sections`] places for the PDF, on one column grid
//! for the whole form, with merged labels, borders, column widths, wrapped text,
//! amounts as numbers in `#,##0.00`, the title (and subtitle) rows, A4 print setup
//! fitted to the page width with the title rows on every page.
//!
//! - **One grid.** Sections have their own column widths (millimetres of the page
//!   width); the sheet's columns are the union of every section's column boundaries
//!   (boundaries closer than [`SNAP_MM`] taken as one), so a section's column becomes a
//!   merge over the sheet columns it covers.
//! - **Values as typed**: text exactly as written, paragraphs one per line (whitespace
//!   normalised, as printed), amounts as numbers (an amount with more than 15
//!   significant digits, which no spreadsheet keeps, is written as text so that no
//!   digit is lost), percentages and numbers as numbers in a format that shows them as
//!   written, choices with their tick marks, dates as printed.
//! - **What the form does not print** (`date`, `archive`, a year the title does not
//!   show…) goes into the workbook's custom properties, with the kind and the totals
//!   the export derived, so `jixiao import` gives the declaration back
//!   ([`crate::import`]).
//! - **Reproducible**: the same declaration gives the same bytes; the document date
//!   (or 1980-01-01) is the file's creation date, never the clock.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::import::{
    footer_field, unshown_toml, DERIVED_PROPERTY, KIND_PROPERTY, UNPRINTED_PROPERTY,
};
use crate::write::storable;
use crate::{
    write_xlsx, Align, CellRange, CellRef, CellStyle, Content, DocInfo, Layout, SheetError, VAlign,
};
use jixiao_core::declaration::{Declaration, Value};
use jixiao_core::kind::spec::{Align as LayoutAlign, LineAt, Orientation};
use jixiao_core::layout::{self, Cell, Content as LayoutContent, Role, Section};
use jixiao_core::totals;

/// Section column boundaries closer than this (millimetres) share one sheet column
/// boundary, so that the grid has no sliver columns.
pub const SNAP_MM: f64 = 2.5;

/// Millimetres per unit of Excel's column width (the width of a `0` in the default
/// font, with padding).
const MM_PER_WIDTH_UNIT: f64 = 1.85;

/// Body font, as the printed form (宋体); the title in 黑体. Sizes are the kind's
/// (`[page]`).
const BODY_FONT: &str = "宋体";
const TITLE_FONT: &str = "黑体";
/// The size [`LINE_HEIGHT`] is measured at.
const BODY_SIZE: f64 = 11.0;
/// Points per line of wrapped 11 pt text, and the padding of a row.
const LINE_HEIGHT: f64 = 14.5;
const ROW_PADDING: f64 = 6.0;

/// A declaration exported: the xlsx bytes, and what the export had to say.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The workbook.
    pub bytes: Vec<u8>,
    /// Notes (e.g. an amount written as text to keep its digits), Chinese / English.
    pub notes: Vec<String>,
}

/// The declaration's form as one worksheet, and the workbook's properties.
pub fn layout(decl: &Declaration) -> (Layout, DocInfo, Vec<String>) {
    let derived = totals::derive(decl);
    let sections = layout::sections(decl, &derived);
    let lines = layout::lines(decl);
    let kind = decl.kind();
    let page = &kind.spec.page;
    let size = page.text_size;
    let total = sections
        .iter()
        .map(|s| s.columns.iter().sum::<f64>())
        .fold(page.width, f64::max);
    let grid = Grid::new(&sections, total);
    let mut sheet = Layout::new(sheet_name(&decl.title()));
    let mut notes = Vec::new();
    let last_col = grid.widths.len().saturating_sub(1) as u32;
    for (col, mm) in grid.widths.iter().enumerate() {
        sheet.column_width(col as u32, round2(mm / MM_PER_WIDTH_UNIT));
    }
    let mut row: u32 = 0;
    row = write_lines(&mut sheet, &grid, &lines, LineAt::Top, row, size);
    let title_style = CellStyle {
        font_name: Some(TITLE_FONT.into()),
        font_size: Some(page.title_size),
        bold: true,
        align: Align::Center,
        ..CellStyle::default()
    };
    let year = decl.year();
    let subtitle = kind.subtitle(year);
    for (text, style, height) in [
        (decl.title(), title_style.clone(), page.title_size * 1.8),
        (
            subtitle,
            CellStyle {
                font_size: Some(page.subtitle_size),
                bold: false,
                font_name: Some(BODY_FONT.into()),
                ..title_style
            },
            page.subtitle_size * 1.7,
        ),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        sheet.merge(
            CellRange::new(CellRef::new(row, 0), CellRef::new(row, last_col)),
            Content::Text(text),
            style,
        );
        sheet.row_height(row, round2(height));
        row += 1;
    }
    sheet.print.repeat_rows = (row > 0).then(|| (0, row - 1));
    row = write_lines(&mut sheet, &grid, &lines, LineAt::Head, row, size);
    sheet.print.landscape = page.orientation == Orientation::Landscape;
    sheet.print.fit_to_width = true;
    sheet.print.footer = Some("第 &P 页 共 &N 页".into());
    let mut derived_paths = BTreeSet::new();
    let (line_height, padding) = line_metrics(size);
    for (si, section) in sections.iter().enumerate() {
        let mut heights: BTreeMap<u32, f64> = BTreeMap::new();
        let mut covered: BTreeSet<(u32, u32)> = BTreeSet::new();
        for cell in joined_cells(&section.cells) {
            let (c0, c1) = grid.cols(si, cell.x, cell.colspan);
            let (r0, r1) = (
                row + cell.y as u32,
                row + (cell.y + cell.rowspan.max(1)) as u32 - 1,
            );
            for r in r0..=r1 {
                for c in c0..=c1 {
                    covered.insert((r, c));
                }
            }
            {
                if let (Some(path), Some(_)) = (&cell.path, &cell.value) {
                    if decl.get(path).is_none() {
                        derived_paths.insert(path.clone());
                    }
                }
            }
            let (content, style) = cell_content(&cell, &mut notes, size);
            if r0 == r1 {
                let width: f64 =
                    grid.widths[c0 as usize..=c1 as usize].iter().sum::<f64>() / MM_PER_WIDTH_UNIT;
                let h = text_height(&content, width, size);
                let e = heights.entry(r0).or_insert(0.0);
                *e = e.max(h);
            }
            sheet.merge(
                CellRange::new(CellRef::new(r0, c0), CellRef::new(r1, c1)),
                content,
                style,
            );
        }
        for y in 0..section.rows as u32 {
            for c in 0..=last_col {
                if !covered.contains(&(row + y, c)) {
                    sheet.put(CellRef::new(row + y, c), Content::Empty, bordered(size));
                }
            }
            let least = section
                .heights
                .get(y as usize)
                .map_or(0.0, |mm| mm * POINTS_PER_MM);
            let h = heights.get(&(row + y)).copied().unwrap_or(0.0);
            sheet.row_height(row + y, round2(h.max(line_height + padding).max(least)));
        }
        row += section.rows as u32;
    }
    row = write_lines(&mut sheet, &grid, &lines, LineAt::Foot, row, size);
    // The sign-off block below the table, as the form prints it.
    if let (Some(field), Some(Value::Table(values))) = (
        footer_field(kind),
        footer_field(kind).and_then(|f| decl.get(&f.key)),
    ) {
        if !values.values().all(Value::is_blank) {
            row += 1;
            for f in &field.fields {
                let text = values
                    .get(&f.key)
                    .map(|v| footer_text(v, f))
                    .unwrap_or_default();
                sheet.put(
                    CellRef::new(row, 0),
                    Content::Text(f.label.clone()),
                    CellStyle {
                        border: false,
                        ..label_style(Align::Right, size)
                    },
                );
                sheet.merge(
                    CellRange::new(CellRef::new(row, 1), CellRef::new(row, last_col.max(1))),
                    if text.is_empty() {
                        Content::Empty
                    } else {
                        Content::Text(text)
                    },
                    CellStyle {
                        border: false,
                        ..value_style(Align::Left, false, size)
                    },
                );
                sheet.row_height(row, line_height + padding);
                row += 1;
            }
        }
    }
    let mut custom = vec![(KIND_PROPERTY.to_owned(), kind.name().to_owned())];
    if let Some(toml) = unshown_toml(decl) {
        custom.push((UNPRINTED_PROPERTY.to_owned(), toml));
    }
    if !derived_paths.is_empty() {
        custom.push((
            DERIVED_PROPERTY.to_owned(),
            derived_paths.into_iter().collect::<Vec<_>>().join("\n"),
        ));
    }
    let created = decl
        .document_date()
        .and_then(|d| {
            use chrono::Datelike;
            let (y, m, day) = (d.0.year(), d.0.month(), d.0.day());
            Some((u16::try_from(y).ok()?, m as u8, day as u8))
        })
        .filter(|(y, _, _)| (1980..=9999).contains(y))
        .unwrap_or((1980, 1, 1));
    let info = DocInfo {
        title: decl.title(),
        author: decl.filer(),
        created,
        custom,
    };
    (sheet, info, notes)
}

/// Points per millimetre.
const POINTS_PER_MM: f64 = 72.0 / 25.4;

/// The height of a line of wrapped text of `size` points, and a row's padding.
fn line_metrics(size: f64) -> (f64, f64) {
    (size * LINE_HEIGHT / BODY_SIZE, ROW_PADDING)
}

/// The cells of a section with the two halves of a label split at a repeated header
/// ([`layout::Open`]) joined again: a spreadsheet merge has no header to respect.
fn joined_cells(cells: &[Cell]) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len());
    for c in cells {
        match c.open {
            Some(layout::Open::Above) => {
                let top = out.iter_mut().find(|t| {
                    t.open == Some(layout::Open::Below)
                        && t.x == c.x
                        && t.colspan == c.colspan
                        && t.y + t.rowspan == c.y
                });
                match top {
                    Some(top) => {
                        let mut whole = c.clone();
                        whole.y = top.y;
                        whole.rowspan += top.rowspan;
                        whole.open = None;
                        *top = whole;
                    }
                    None => out.push(c.clone()),
                }
            }
            _ => out.push(c.clone()),
        }
    }
    out
}

/// Writes the lines of the kind printed at `at` from row `row` on, each part merged
/// over its share of the sheet's columns, without borders; returns the next row.
fn write_lines(
    sheet: &mut Layout,
    grid: &Grid,
    lines: &[layout::Line],
    at: LineAt,
    mut row: u32,
    size: f64,
) -> u32 {
    let (line_height, padding) = line_metrics(size);
    for line in lines.iter().filter(|l| l.at == at) {
        let spans = grid.shares(&line.parts.iter().map(|p| p.width).collect::<Vec<_>>());
        for (part, (c0, c1)) in line.parts.iter().zip(spans) {
            let style = CellStyle {
                border: false,
                ..value_style(align(part.align), false, size)
            };
            let content = if part.text.is_empty() {
                Content::Empty
            } else {
                Content::Text(part.text.clone())
            };
            sheet.merge(
                CellRange::new(CellRef::new(row, c0), CellRef::new(row, c1)),
                content,
                style,
            );
        }
        sheet.row_height(row, round2(line_height + padding));
        row += 1;
    }
    row
}

/// The declaration's form as xlsx bytes; `file` names the output in errors.
pub fn to_xlsx(decl: &Declaration, file: &str) -> Result<Exported, SheetError> {
    let (sheet, info, notes) = layout(decl);
    let bytes = write_xlsx(file, &[sheet], &info)?;
    Ok(Exported { bytes, notes })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A worksheet name from the title: at most 31 characters, without `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_matches('\'');
    let name: String = trimmed.chars().take(31).collect();
    if name.is_empty() {
        "Sheet1".to_owned()
    } else {
        name
    }
}

fn bordered(size: f64) -> CellStyle {
    CellStyle {
        font_name: Some(BODY_FONT.into()),
        font_size: Some(size),
        border: true,
        wrap: true,
        ..CellStyle::default()
    }
}

fn label_style(align: Align, size: f64) -> CellStyle {
    CellStyle {
        align,
        valign: VAlign::Center,
        ..bordered(size)
    }
}

fn value_style(align: Align, prose: bool, size: f64) -> CellStyle {
    CellStyle {
        align,
        valign: if prose { VAlign::Top } else { VAlign::Center },
        ..bordered(size)
    }
}

fn align(a: LayoutAlign) -> Align {
    match a {
        LayoutAlign::Left => Align::Left,
        LayoutAlign::Center => Align::Center,
        LayoutAlign::Right => Align::Right,
    }
}

/// What a placed cell shows in the sheet, and how.
fn cell_content(cell: &Cell, notes: &mut Vec<String>, size: f64) -> (Content, CellStyle) {
    let printed = |c: &LayoutContent| {
        let t = c.joined();
        if t.is_empty() {
            Content::Empty
        } else {
            Content::Text(t)
        }
    };
    let indent = u8::try_from(cell.indent).unwrap_or(u8::MAX);
    // A group cell may show a value too (a task's 名称 merged down its rows).
    if cell.role != Role::Value && cell.path.is_none() {
        let style = CellStyle {
            indent,
            ..label_style(align(cell.align), size)
        };
        return (printed(&cell.content), style);
    }
    let style = CellStyle {
        indent,
        ..value_style(align(cell.align), cell.prose, size)
    };
    let number = |value: Decimal, format: String, style: CellStyle| {
        (Content::Number(value), style.with_format(format))
    };
    match &cell.value {
        Some(Value::Amount(a)) if storable(a.value()) => {
            number(a.value(), "#,##0.00".into(), style)
        }
        Some(Value::Amount(a)) => {
            notes.push(format!(
                "{}：金额 {} 超过 15 位有效数字，以文字写入以保留每一位 / the amount {} has more than 15 significant digits: written as text to keep every digit",
                cell.path.clone().unwrap_or_default(),
                a.value(),
                a.value()
            ));
            (Content::Text(a.value().to_string()), style)
        }
        Some(Value::Percent(m)) => match plain_decimals(m.text.strip_suffix('%').unwrap_or("")) {
            Some(d) if storable(m.value / Decimal::ONE_HUNDRED) => number(
                m.value / Decimal::ONE_HUNDRED,
                format!("{}%", decimal_format(d)),
                style,
            ),
            _ => (Content::Text(m.text.clone()), style),
        },
        Some(Value::Number(m)) => match plain_decimals(&m.text) {
            Some(d) if storable(m.value) => number(m.value, decimal_format(d), style),
            _ => (Content::Text(m.text.clone()), style),
        },
        Some(Value::Year(y)) => number(Decimal::from(*y), "0".into(), style),
        Some(Value::Text(s)) if !s.is_empty() => (Content::Text(s.clone()), style),
        Some(Value::Paragraphs(p)) => {
            let text = p.normalised().join("\n");
            if text.is_empty() {
                (Content::Empty, style)
            } else {
                (Content::Text(text), style)
            }
        }
        _ => (printed(&cell.content), style),
    }
}

/// The number of decimals of a plain decimal text (`-12.50` → 2), or `None` when the
/// text is not one (grouping commas, signs, words).
fn plain_decimals(text: &str) -> Option<usize> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    ok.then_some(frac.len())
}

/// `0`, `0.0`, `0.00`, … for `decimals` places.
fn decimal_format(decimals: usize) -> String {
    if decimals == 0 {
        "0".into()
    } else {
        format!("0.{}", "0".repeat(decimals))
    }
}

/// A footer value as the form prints it (text as written).
fn footer_text(value: &Value, field: &jixiao_core::kind::Field) -> String {
    match value {
        Value::Text(s) => s.clone(),
        v => layout::format_value(v, field).joined(),
    }
}

/// The height in points wrapped `content` of `size` points needs in a column `width`
/// units wide.
fn text_height(content: &Content, width: f64, size: f64) -> f64 {
    let Content::Text(text) = content else {
        return 0.0;
    };
    let usable = ((width - 1.0) * BODY_SIZE / size.max(1.0)).max(1.0);
    let lines: usize = text
        .split('\n')
        .map(|line| {
            let units: f64 = line
                .chars()
                .map(|c| {
                    if jixiao_core::text::is_wide(c) {
                        2.1
                    } else {
                        1.1
                    }
                })
                .sum();
            ((units / usable).ceil() as usize).max(1)
        })
        .sum();
    let (line_height, padding) = line_metrics(size);
    lines as f64 * line_height + padding
}

/// The sheet's column grid: every section's column boundaries, in hundredths of a
/// millimetre of the common width, merged when closer than [`SNAP_MM`].
struct Grid {
    /// Widths of the sheet's columns in millimetres.
    widths: Vec<f64>,
    /// For each section, the sheet column of each of its boundaries.
    bounds: Vec<Vec<usize>>,
}

impl Grid {
    fn new(sections: &[Section], total: f64) -> Grid {
        let positions: Vec<Vec<i64>> = sections
            .iter()
            .map(|s| {
                let sum: f64 = s.columns.iter().sum();
                let scale = if sum > 0.0 { total / sum } else { 1.0 };
                let mut at = 0.0;
                let mut out = vec![0];
                for w in &s.columns {
                    at += w * scale;
                    out.push((at * 100.0).round() as i64);
                }
                out
            })
            .collect();
        Grid::snapped(&positions, (SNAP_MM * 100.0) as i64).unwrap_or_else(|| {
            Grid::snapped(&positions, 0).unwrap_or_else(|| Grid::single(sections))
        })
    }

    /// The grid with boundaries within `snap` merged; `None` if that would merge two
    /// boundaries of one section.
    fn snapped(positions: &[Vec<i64>], snap: i64) -> Option<Grid> {
        let all: BTreeSet<i64> = positions.iter().flatten().copied().collect();
        let end = *all.iter().max()?;
        // Clusters: each starts at a position more than `snap` after the previous start.
        let mut starts: Vec<i64> = Vec::new();
        for &p in &all {
            match starts.last() {
                Some(&s) if p - s <= snap => {}
                _ => starts.push(p),
            }
        }
        let cluster = |p: i64| starts.iter().rposition(|&s| s <= p).unwrap_or(0);
        let mut reps: Vec<i64> = starts.clone();
        if let Some(last) = reps.last_mut() {
            *last = end;
        }
        if reps.len() < 2 {
            return None;
        }
        let mut bounds = Vec::with_capacity(positions.len());
        for section in positions {
            let idx: Vec<usize> = section.iter().map(|&p| cluster(p)).collect();
            if idx.windows(2).any(|w| w[1] <= w[0]) {
                return None;
            }
            bounds.push(idx);
        }
        let widths = reps
            .windows(2)
            .map(|w| (w[1] - w[0]) as f64 / 100.0)
            .collect();
        Some(Grid { widths, bounds })
    }

    /// A degenerate grid (sections without widths): one column per section column.
    fn single(sections: &[Section]) -> Grid {
        let n = sections
            .iter()
            .map(|s| s.columns.len())
            .max()
            .unwrap_or(1)
            .max(1);
        Grid {
            widths: vec![20.0; n],
            bounds: sections
                .iter()
                .map(|s| (0..=s.columns.len()).collect())
                .collect(),
        }
    }

    /// The columns of a line's parts: each part's share of the width (`weights`),
    /// rounded to whole columns, at least one each (the last ones share the last
    /// column when there are more parts than columns).
    fn shares(&self, weights: &[f64]) -> Vec<(u32, u32)> {
        let n = self.widths.len().max(1);
        let total: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let mut out = Vec::with_capacity(weights.len());
        let mut from = 0usize;
        let mut acc = 0.0;
        for (i, w) in weights.iter().enumerate() {
            acc += w;
            let left = weights.len() - i - 1;
            let mut to = ((acc / total) * n as f64).round() as usize;
            to = to.clamp(
                (from + 1).min(n),
                n.saturating_sub(left).max((from + 1).min(n)),
            );
            if i + 1 == weights.len() {
                to = n;
            }
            let first = from.min(n - 1);
            out.push((first as u32, (to.max(first + 1) - 1) as u32));
            from = to;
        }
        out
    }

    /// The first and last sheet column of a section's cell at `x` spanning `span`.
    fn cols(&self, section: usize, x: usize, span: usize) -> (u32, u32) {
        let b = &self.bounds[section];
        let first = b.get(x).copied().unwrap_or(0);
        let last = b
            .get(x + span.max(1))
            .copied()
            .unwrap_or(self.widths.len())
            .saturating_sub(1)
            .max(first);
        (first as u32, last as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_get_formats_that_show_them_as_written() {
        assert_eq!(plain_decimals("95"), Some(0));
        assert_eq!(plain_decimals("-12.50"), Some(2));
        assert_eq!(plain_decimals("1,234"), None);
        assert_eq!(plain_decimals("12."), None);
        assert_eq!(plain_decimals(""), None);
        assert_eq!(decimal_format(2), "0.00");
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
    }

    #[test]
    fn the_grid_is_the_union_of_section_columns_without_slivers() {
        // Two sections of 174 mm: 19 + 155, and 19 + 22 + 133; and one with a
        // boundary 1 mm from another's.
        let positions = vec![
            vec![0, 1900, 17400],
            vec![0, 1900, 4100, 17400],
            vec![0, 1900, 4000, 17400],
        ];
        let g = Grid::snapped(&positions, 250).expect("snaps");
        assert_eq!(g.widths, vec![19.0, 21.0, 134.0]);
        assert_eq!(g.bounds[0], vec![0, 1, 3]);
        assert_eq!(g.bounds[1], vec![0, 1, 2, 3]);
        assert_eq!(g.bounds[2], vec![0, 1, 2, 3]);
        // Two boundaries of one section within the snap: no snapping.
        assert!(Grid::snapped(&[vec![0, 100, 200, 17400]], 250).is_none());
        assert!(Grid::snapped(&[vec![0, 100, 200, 17400]], 0).is_some());
    }
}
