//! The consumption ledger: "nothing is dropped silently". A mapper marks every cell it
//! imports (labels included); every other non-empty cell is a [`Leftover`], reported
//! with its address, its text and why it was not imported.

use std::collections::{BTreeMap, BTreeSet};

use super::address::{CellRange, CellRef};
use super::grid::{Cell, Sheet};

/// Which cells of one sheet a mapper has used.
#[derive(Debug, Clone)]
pub struct Ledger<'s> {
    sheet: &'s Sheet,
    used: BTreeSet<CellRef>,
    skipped: BTreeMap<CellRef, String>,
}

/// A non-empty cell that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Where it is.
    pub pos: CellRef,
    /// `Sheet1!C12`.
    pub address: String,
    /// Its value as typed ([`Cell::plain_text`]).
    pub text: String,
    /// Why it was not imported, Chinese first, then English.
    pub reason: String,
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}：“{}”未导入 / not imported: {}",
            self.address, self.text, self.reason
        )
    }
}

/// The default reason for a cell nobody looked at.
pub const OUTSIDE_LAYOUT: &str = "不在已识别的表格区域内 / outside the recognised layout";

impl<'s> Ledger<'s> {
    /// An empty ledger for `sheet`.
    pub fn new(sheet: &'s Sheet) -> Self {
        Ledger {
            sheet,
            used: BTreeSet::new(),
            skipped: BTreeMap::new(),
        }
    }

    /// The sheet this ledger is about.
    pub fn sheet(&self) -> &'s Sheet {
        self.sheet
    }

    /// Reads the cell showing at `pos` (the anchor of a merged range covering it) and
    /// marks it used; `None` when that cell is empty.
    pub fn take(&mut self, pos: CellRef) -> Option<&'s Cell> {
        let anchor = self.sheet.anchor(pos);
        self.used.insert(anchor);
        self.sheet.cell(anchor)
    }

    /// Finds a label ([`Sheet::find_label`]) and marks it used.
    pub fn take_label(&mut self, label: &str) -> Option<&'s Cell> {
        let cell = self.sheet.find_label(label)?;
        self.used.insert(cell.pos());
        Some(cell)
    }

    /// Marks the cell at `pos` used (itself, not its anchor).
    pub fn mark(&mut self, pos: CellRef) {
        self.used.insert(pos);
    }

    /// Marks every cell inside `range` used.
    pub fn mark_range(&mut self, range: CellRange) {
        let inside: Vec<CellRef> = self
            .sheet
            .cells
            .range(range.first..=range.last)
            .map(|(p, _)| *p)
            .filter(|p| range.contains(*p))
            .collect();
        self.used.extend(inside);
    }

    /// Records that the cell at `pos` is deliberately not imported, and why (a
    /// template's prompt, a value the kind has no field for). It stays a leftover.
    pub fn skip(&mut self, pos: CellRef, reason: impl Into<String>) {
        self.skipped.insert(pos, reason.into());
    }

    /// Whether the cell at `pos` was given a reason with [`Ledger::skip`].
    pub fn is_skipped(&self, pos: CellRef) -> bool {
        self.skipped.contains_key(&pos)
    }

    /// Whether the cell at `pos` was marked used.
    pub fn is_used(&self, pos: CellRef) -> bool {
        self.used.contains(&pos)
    }

    /// Every non-empty cell not marked used, in reading order, with its reason: the
    /// one given to [`Ledger::skip`]; for a cell hidden under a merged range, that
    /// range; else [`OUTSIDE_LAYOUT`].
    pub fn leftovers(&self) -> Vec<Leftover> {
        self.sheet
            .cells()
            .filter(|c| !self.used.contains(&c.pos()))
            .map(|c| Leftover {
                pos: c.pos(),
                address: self.sheet.address(c.pos()),
                text: c.plain_text(),
                reason: match (self.skipped.get(&c.pos()), c.merge()) {
                    (Some(reason), _) => reason.clone(),
                    (None, Some(m)) if c.is_covered() => {
                        format!(
                            "被合并区域 {m} 遮盖，表格中看不到 / hidden under the merged range {m}"
                        )
                    }
                    _ => OUTSIDE_LAYOUT.to_string(),
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::CellValue;

    #[test]
    fn leftovers_name_every_unused_cell_and_why() {
        let t = |a1: &str, s: &str| {
            (
                CellRef::parse(a1).expect("a1"),
                CellValue::Text(s.into()),
                None,
                None,
            )
        };
        let sheet = Sheet::new(
            "表",
            [
                t("A1", "标题"),
                t("A2", "部门名称"),
                t("B2", "某局"),
                t("C2", "藏起来的"),
                t("A3", "请在此处填写"),
            ],
            [CellRange::parse("B2:C2").expect("range")],
        );
        let mut ledger = Ledger::new(&sheet);
        assert_eq!(
            ledger.take_label("部门名称").map(Cell::pos),
            CellRef::parse("A2")
        );
        // Reading C2 gives the anchor B2: the hidden C2 stays a leftover.
        assert_eq!(
            ledger
                .take(CellRef::parse("C2").expect("C2"))
                .and_then(Cell::text),
            Some("某局")
        );
        ledger.skip(
            CellRef::parse("A3").expect("A3"),
            "模板提示语 / a template prompt",
        );
        let left: Vec<String> = ledger.leftovers().iter().map(ToString::to_string).collect();
        assert_eq!(
            left,
            [
                format!("表!A1：“标题”未导入 / not imported: {OUTSIDE_LAYOUT}"),
                "表!C2：“藏起来的”未导入 / not imported: 被合并区域 B2:C2 遮盖，表格中看不到 / hidden under the merged range B2:C2".to_string(),
                "表!A3：“请在此处填写”未导入 / not imported: 模板提示语 / a template prompt".to_string(),
            ]
        );
        ledger.mark_range(CellRange::parse("A1:C3").expect("range"));
        assert!(ledger.leftovers().is_empty());
    }
}
