//! Walking a form's layout: the steps a kind mapper takes through a [`Sheet`] —
//! from a label to its value, from a section label to its rows, from a header row to
//! its columns, and down a column of merged group labels (an indicator tree).

use std::ops::RangeInclusive;

use super::address::{CellRange, CellRef};
use super::grid::{Cell, Sheet};
use super::label::normalize_label;

/// One group of rows under a (usually merged) label in one column: a section, an
/// 一级 or a 二级 indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'s> {
    /// The label's cell (its anchor), `None` when the label cell is empty.
    pub label: Option<&'s Cell>,
    /// The label's range (merged, or the single cell).
    pub span: CellRange,
    /// The rows of the group, clipped to the rows that were asked for.
    pub rows: RangeInclusive<u32>,
}

impl Group<'_> {
    /// The label's text, `""` when empty (text as typed, numbers as decimals).
    pub fn label_text(&self) -> String {
        self.label.map(Cell::plain_text).unwrap_or_default()
    }
}

/// A header row that did not hold a label the mapper expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingHeader {
    /// The label that was not found.
    pub label: String,
    /// The first cell of the searched row, `Sheet!A17`.
    pub row_address: String,
}

impl std::fmt::Display for MissingHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} 所在行缺少表头“{}” / the header row at {} has no `{}`",
            self.row_address, self.label, self.row_address, self.label
        )
    }
}

impl std::error::Error for MissingHeader {}

impl Sheet {
    /// The position just right of the range `pos` spans: where a label's value is
    /// (`部门名称` in A2 → B2; a label merged over A2:B2 → C2).
    pub fn right_of(&self, pos: CellRef) -> CellRef {
        CellRef::new(pos.row, self.span(pos).last.col.saturating_add(1))
    }

    /// The position just below the range `pos` spans.
    pub fn below(&self, pos: CellRef) -> CellRef {
        CellRef::new(self.span(pos).last.row.saturating_add(1), pos.col)
    }

    /// The cell showing right of the label's range (see [`Sheet::right_of`]), if not empty.
    pub fn value_right_of(&self, pos: CellRef) -> Option<&Cell> {
        self.visible_cell(self.right_of(pos))
    }

    /// The rows a section label spans (its merged range's rows; its own row if it
    /// is not merged).
    pub fn rows_of(&self, pos: CellRef) -> RangeInclusive<u32> {
        self.span(pos).rows()
    }

    /// Splits `rows` by the ranges in column `col`: each merged range (or single cell)
    /// met going down is one [`Group`], with its label and its rows (clipped to
    /// `rows`). An indicator tree is two calls deep: the 一级 groups of the block's
    /// rows, then the 二级 groups of each 一级's rows.
    pub fn groups(&self, col: u32, rows: RangeInclusive<u32>) -> Vec<Group<'_>> {
        let (start, end) = (*rows.start(), *rows.end());
        let mut out = Vec::new();
        let mut row = start;
        while row <= end {
            let span = self.span(CellRef::new(row, col));
            let last = span.last.row.min(end);
            out.push(Group {
                label: self.cell(span.first),
                span,
                rows: row..=last,
            });
            match last.checked_add(1) {
                Some(next) => row = next,
                None => break,
            }
        }
        out
    }

    /// The column of each expected header label in row `row` (matched after
    /// [`normalize_label`]; a merged header gives its anchor's column). The first
    /// label not found is the error.
    pub fn header_columns(&self, row: u32, labels: &[&str]) -> Result<Vec<u32>, MissingHeader> {
        labels
            .iter()
            .map(|label| {
                let key = normalize_label(label);
                self.row(row)
                    .find(|c| {
                        !c.is_covered() && c.text().is_some_and(|t| normalize_label(t) == key)
                    })
                    .map(|c| c.pos().col)
                    .ok_or_else(|| MissingHeader {
                        label: (*label).to_string(),
                        row_address: self.address(CellRef::new(row, 0)),
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::CellValue;

    #[test]
    fn groups_follow_merges_and_clip() {
        let t = |a1: &str, s: &str| {
            (
                CellRef::parse(a1).expect("a1"),
                CellValue::Text(s.into()),
                None,
                None,
            )
        };
        let sheet = Sheet::new(
            "s",
            [
                t("B2", "产出指标"),
                t("C2", "数量指标"),
                t("C4", "质量指标"),
                t("B5", "效益指标"),
                t("D1", "三级指标"),
                t("B1", "一级指标"),
            ],
            ["B2:B4", "C2:C3", "B5:B6"].map(|r| CellRange::parse(r).expect("range")),
        );
        let level1 = sheet.groups(1, 1..=5);
        let labels: Vec<(String, RangeInclusive<u32>)> = level1
            .iter()
            .map(|g| (g.label_text(), g.rows.clone()))
            .collect();
        assert_eq!(
            labels,
            [
                ("产出指标".to_string(), 1..=3),
                ("效益指标".to_string(), 4..=5)
            ]
        );
        let level2: Vec<String> = sheet
            .groups(2, level1[0].rows.clone())
            .iter()
            .map(Group::label_text)
            .collect();
        assert_eq!(level2, ["数量指标", "质量指标"]);
        // Clipped: asking from row 3 (zero-based 2) starts inside B2:B4.
        assert_eq!(sheet.groups(1, 2..=2)[0].rows, 2..=2);
        // Empty label cells are groups too (a skeleton's blank row).
        assert!(sheet.groups(2, 4..=5).iter().all(|g| g.label.is_none()));
        assert_eq!(
            sheet.header_columns(0, &["三级指标", "一级指标"]),
            Ok(vec![3, 1])
        );
        let err = sheet.header_columns(0, &["指标值"]).expect_err("missing");
        assert_eq!(err.row_address, "s!A1");
        assert_eq!(
            sheet.right_of(CellRef::parse("B2").expect("B2")),
            CellRef::parse("C2").expect("C2")
        );
        assert_eq!(
            sheet.below(CellRef::parse("B2").expect("B2")),
            CellRef::parse("B5").expect("B5")
        );
        assert_eq!(sheet.rows_of(CellRef::parse("B5").expect("B5")), 4..=5);
    }
}
