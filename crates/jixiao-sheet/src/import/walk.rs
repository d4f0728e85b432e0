//! Reading one sheet along a kind's layout: the sections found by their labels, inside
//! each its header row and fixed labels, and every value at the cell its layout
//! position implies relative to those anchors — right of its label, or under its
//! column heading. The sheet's own column grid does not matter: a label merged over
//! two columns moves its value one column on; merged 一级/二级 labels and task names
//! give the rows of their group.
//!
//! The walk marks every cell it uses in a [`Ledger`]; what is left is reported.

use std::collections::BTreeMap;

use super::slots::{
    blocks, field_in, first_static, has_label_column, rowspan, section_label, slot, Slot,
};
use super::typed::{self, At};
use super::Note;
use crate::{normalize_label, Cell, CellRange, CellRef, Ledger, Sheet, SheetError};
use jixiao_core::declaration::{Record, Value};
use jixiao_core::kind::spec::{CellSpec, EachSpec, RowSpec};
use jixiao_core::kind::tree::Placement;
use jixiao_core::kind::{paths, Field, FieldType, Kind};

/// Layout column (content-relative) → sheet column, from a header row.
type Columns = BTreeMap<usize, u32>;

/// The layout columns (content-relative) covered by cells merged down (`rowspan`) from
/// the rows above: for each, how many more rows.
#[derive(Debug, Clone, Default)]
struct Covered(Vec<usize>);

impl Covered {
    fn is(&self, x: usize) -> bool {
        self.0.get(x).is_some_and(|n| *n > 0)
    }

    /// Records the row of `cells` (placed from layout column `x0`) just read, and steps
    /// to the next row.
    fn after(&mut self, cells: &[CellSpec], fields: &[Field], x0: usize) {
        let mut placed = Vec::new();
        let mut x = x0;
        for spec in cells {
            while self.is(x) {
                x += 1;
            }
            let span = slot(spec, fields).1;
            placed.push((x, span, rowspan(spec)));
            x += span;
        }
        for n in &mut self.0 {
            *n = n.saturating_sub(1);
        }
        for (x, span, rows) in placed.into_iter().filter(|p| p.2 > 1) {
            if self.0.len() < x + span {
                self.0.resize(x + span, 0);
            }
            for n in &mut self.0[x..x + span] {
                *n = rows - 1;
            }
        }
    }
}

/// Rows `first..=last` of a sheet whose content starts at column `col`.
#[derive(Debug, Clone, Copy)]
struct Region {
    first: u32,
    last: u32,
    col: u32,
}

/// Where a section was found.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    /// The section's label cell, if it has one.
    pub label: Option<CellRef>,
    /// Its first and last rows.
    pub first: u32,
    /// Its last row.
    pub last: u32,
    /// Its first content column.
    pub col: u32,
}

/// Values read, with the cell each came from, relative to a record.
#[derive(Debug, Default)]
pub(super) struct Out {
    pub record: Record,
    pub cells: Vec<(String, String)>,
}

impl Out {
    fn set(&mut self, path: &str, value: Value, address: String) {
        insert_path(&mut self.record, path, value);
        self.cells.push((path.to_owned(), address));
    }

    fn set_list(&mut self, path: &str, items: Vec<Out>) {
        if items.is_empty() {
            return;
        }
        let mut records = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            for (p, a) in item.cells {
                self.cells.push((format!("{path}[{i}].{p}"), a));
            }
            records.push(item.record);
        }
        insert_path(&mut self.record, path, Value::List(records));
    }

    fn is_blank(&self) -> bool {
        self.record.values().all(Value::is_blank)
    }
}

/// Sets `value` at a relative path of tables (`budget.basic`), creating the tables.
pub(super) fn insert_path(record: &mut Record, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            record.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = record
                .entry(head.to_owned())
                .or_insert_with(|| Value::Table(Record::new()));
            if !matches!(entry, Value::Table(_)) {
                *entry = Value::Table(Record::new());
            }
            if let Value::Table(inner) = entry {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// The walk over one sheet.
pub(super) struct Walk<'s> {
    pub file: &'s str,
    pub sheet: &'s Sheet,
    pub kind: &'s Kind,
    pub ledger: Ledger<'s>,
    pub notes: Vec<Note>,
    /// Notes of the steps that only look ([`Walk::place_sections`]), moved to `notes`
    /// by the next step that reads.
    notes_later: std::cell::RefCell<Vec<Note>>,
    /// The last column any cell of the sheet uses.
    last_col: u32,
}

impl<'s> Walk<'s> {
    pub(super) fn new(file: &'s str, sheet: &'s Sheet, kind: &'s Kind) -> Self {
        Walk {
            file,
            sheet,
            kind,
            ledger: Ledger::new(sheet),
            notes: Vec::new(),
            notes_later: std::cell::RefCell::new(Vec::new()),
            last_col: sheet.used_range().map_or(0, |r| r.last.col),
        }
    }

    fn address(&self, pos: CellRef) -> String {
        self.sheet.address(pos)
    }

    fn error(&self, pos: CellRef, zh: String, en: String) -> SheetError {
        SheetError::cell(self.file, &self.address(pos), zh, en)
    }

    /// The visible cell at or after (`row`, `from`) in row `row` whose text is `text`
    /// (normalised): cells merged down from a row above count as in the row.
    fn find_in_row(&self, row: u32, from: u32, text: &str) -> Option<CellRef> {
        let key = normalize_label(text);
        let mut col = from;
        while col <= self.last_col {
            let anchor = self.sheet.anchor(CellRef::new(row, col));
            if let Some(c) = self.sheet.cell(anchor) {
                if c.text().is_some_and(|t| normalize_label(t) == key) {
                    return Some(anchor);
                }
            }
            col = self.sheet.span(anchor).last.col.max(col) + 1;
        }
        None
    }

    /// The first row in `first..=last` holding `text` at column `from` or right of it.
    fn find_row(&self, first: u32, last: u32, from: u32, text: &str) -> Option<(u32, CellRef)> {
        (first..=last).find_map(|row| self.find_in_row(row, from, text).map(|c| (row, c)))
    }

    /// The first visible cell at or below `row` with this text, in column `col` when
    /// given, else anywhere.
    fn find_below(&self, row: u32, col: Option<u32>, text: &str) -> Option<&'s Cell> {
        let key = normalize_label(text);
        self.sheet.cells().find(|c| {
            c.pos().row >= row
                && !c.is_covered()
                && col.is_none_or(|col| c.pos().col == col)
                && c.text().is_some_and(|t| normalize_label(t) == key)
        })
    }

    /// The first fixed text of a section's header or fixed rows: what finds a section
    /// without a label.
    fn first_text(&self, spec: &jixiao_core::kind::spec::SectionSpec) -> Option<String> {
        blocks(spec).into_iter().find_map(|b| {
            b.header
                .first()
                .and_then(|h| first_static(h, &self.kind.fields))
                .or_else(|| {
                    b.rows.iter().find_map(|r| match r {
                        RowSpec::Cells(c) => first_static(&c.cells, &self.kind.fields),
                        RowSpec::Each(_) => None,
                    })
                })
        })
    }

    /// Finds every section's label (or first fixed text) in order, below `start`; the
    /// last section ends at `end`.
    pub(super) fn place_sections(&self, start: u32, end: u32) -> Result<Vec<Placed>, SheetError> {
        let mut placed: Vec<Placed> = Vec::new();
        let mut table_col: Option<u32> = None;
        let mut cursor = start;
        let mut merged_end: Vec<Option<u32>> = Vec::new();
        for spec in self.kind.sections() {
            let here = CellRef::new(cursor, table_col.unwrap_or(0));
            let label = section_label(self.kind, spec);
            let found = label.as_ref().and_then(|label| {
                self.find_below(cursor, table_col, label)
                    .or_else(|| self.find_below(cursor, None, label))
            });
            // A section whose label column the sheet leaves blank (or the form prints
            // blank) is found by its first fixed text, its label column left of it.
            if let (None, Some(col), Some(text)) = (found, table_col, self.first_text(spec)) {
                if has_label_column(spec) {
                    if let Some((row, _)) = self.find_row(cursor, end.max(cursor), col, &text) {
                        let at = self.sheet.anchor(CellRef::new(row, col));
                        let blank = self
                            .sheet
                            .cell(at)
                            .is_none_or(|c| c.text().is_none_or(|t| t.trim().is_empty()));
                        if blank {
                            if let Some(label) = &label {
                                self.notes_later.borrow_mut().push(Note::new(
                                    &self.address(at),
                                    format!("栏目“{label}”的标签在表中为空；按其表头“{text}”找到"),
                                    format!("the label of the `{label}` section is blank in the sheet; found by its heading `{text}`"),
                                ));
                            }
                            let span = self.sheet.span(at);
                            placed.push(Placed {
                                label: None,
                                first: span.first.row.min(row),
                                last: row,
                                col: span.last.col + 1,
                            });
                            // A blank label merged over the header rows only (as the
                            // 中央 exports have it) does not say where the section ends.
                            merged_end.push(None);
                            cursor = row + 1;
                            continue;
                        }
                    }
                }
            }
            if let Some(label) = label {
                let cell = found.ok_or_else(|| {
                    self.error(
                        here,
                        format!(
                            "找不到栏目“{label}”（应在此处或其下方，表样 {}）",
                            self.kind.name()
                        ),
                        format!(
                            "no `{label}` section here or below (kind {})",
                            self.kind.name()
                        ),
                    )
                })?;
                let span = self.sheet.span(cell.pos());
                table_col.get_or_insert(cell.pos().col);
                placed.push(Placed {
                    label: Some(cell.pos()),
                    first: cell.pos().row,
                    last: cell.pos().row,
                    col: span.last.col + 1,
                });
                merged_end.push((!span.is_single()).then_some(span.last.row));
                cursor = cell.pos().row + 1;
            } else {
                let first = self.first_text(spec);
                let (row, col) = match first {
                    Some(text) => {
                        let (row, cell) = self
                            .find_row(cursor, end.max(cursor), table_col.unwrap_or(0), &text)
                            .ok_or_else(|| {
                                self.error(
                                    here,
                                    format!("找不到“{text}”（应在此处或其下方）"),
                                    format!("no `{text}` here or below"),
                                )
                            })?;
                        (row, table_col.unwrap_or(cell.col))
                    }
                    None => (cursor, table_col.unwrap_or(0)),
                };
                table_col.get_or_insert(col);
                // A label column printed blank (`label = " "`): the content starts
                // right of it.
                let col = if has_label_column(spec) {
                    let at = self.sheet.anchor(CellRef::new(row, col));
                    self.sheet.span(at).last.col.max(col) + 1
                } else {
                    col
                };
                placed.push(Placed {
                    label: None,
                    first: row,
                    last: row,
                    col,
                });
                merged_end.push(None);
                cursor = row + 1;
            }
        }
        let starts: Vec<u32> = placed.iter().map(|p| p.first).collect();
        for (i, p) in placed.iter_mut().enumerate() {
            let next = starts.get(i + 1).map_or(end, |s| s.saturating_sub(1));
            p.last = match merged_end[i] {
                Some(m) => m.min(next.max(p.first)),
                None => next.max(p.first),
            };
        }
        Ok(placed)
    }

    /// Reads every section into `out`.
    pub(super) fn read_sections(
        &mut self,
        placed: &[Placed],
        out: &mut Out,
    ) -> Result<(), SheetError> {
        let kind = self.kind;
        let later = std::mem::take(&mut *self.notes_later.borrow_mut());
        self.notes.extend(later);
        for (spec, place) in kind.sections().iter().zip(placed) {
            if let Some(label) = place.label {
                self.ledger.mark(label);
            }
            let region = Region {
                first: place.first,
                last: place.last,
                col: place.col,
            };
            let blocks = blocks(spec);
            let labelled = blocks.iter().any(|b| b.label.is_some());
            let mut cursor = region.first;
            for (bi, block) in blocks.iter().enumerate() {
                if cursor > region.last && block.header.is_empty() && block.rows.is_empty() {
                    continue;
                }
                let block_region = if labelled {
                    let (label_pos, span) = match &block.label {
                        Some(l) => {
                            let (s, _) = slot(l, &kind.fields);
                            match s {
                                Slot::Static(text) if !text.trim().is_empty() => {
                                    let cell = (cursor..=region.last)
                                        .find_map(|r| self.find_in_row(r, region.col, &text))
                                        .filter(|p| p.col == region.col)
                                        .ok_or_else(|| {
                                            self.error(
                                                CellRef::new(cursor, region.col),
                                                format!("找不到“{text}”（应在此处或其下方）"),
                                                format!("no `{text}` here or below"),
                                            )
                                        })?;
                                    (cell, self.sheet.span(cell))
                                }
                                _ => {
                                    let pos = CellRef::new(cursor, region.col);
                                    (pos, self.sheet.span(pos))
                                }
                            }
                        }
                        None => {
                            let pos = CellRef::new(cursor, region.col);
                            (pos, self.sheet.span(pos))
                        }
                    };
                    if let Some(Slot::Value(p)) =
                        block.label.as_ref().map(|l| slot(l, &kind.fields).0)
                    {
                        let field = field_in(&kind.fields, p);
                        if let Some(field) = field {
                            self.read_value(label_pos, p, field, out)?;
                        }
                    } else {
                        self.ledger.mark(label_pos);
                    }
                    Region {
                        first: span.first.row.max(cursor),
                        last: span.last.row.min(region.last),
                        col: span.last.col + 1,
                    }
                } else {
                    // Unlabelled blocks follow one another: each ends where the next
                    // one's first fixed text is.
                    let next_start = blocks[bi + 1..].iter().find_map(|b| {
                        let text = b
                            .header
                            .first()
                            .and_then(|h| first_static(h, &kind.fields))?;
                        self.find_row(cursor + 1, region.last, region.col, &text)
                            .map(|(r, _)| r)
                    });
                    Region {
                        first: cursor,
                        last: next_start.map_or(region.last, |r| r.saturating_sub(1)),
                        col: region.col,
                    }
                };
                let mut columns = Columns::new();
                let mut row = block_region.first;
                let mut covered = Covered::default();
                for header in &block.header {
                    let found = self.fixed_row(header, &kind.fields, row, block_region)?;
                    self.read_row(
                        header,
                        &kind.fields,
                        found,
                        block_region.col,
                        0,
                        &Columns::new(),
                        Some(&mut columns),
                        true,
                        &covered,
                        out,
                    )?;
                    covered.after(header, &kind.fields, 0);
                    row = found + 1;
                }
                let inner = Region {
                    first: row,
                    ..block_region
                };
                self.read_rows(
                    &block.rows,
                    &kind.fields,
                    inner,
                    &columns,
                    0,
                    &mut covered,
                    out,
                )?;
                cursor = block_region.last + 1;
            }
        }
        Ok(())
    }

    /// The row of `cells` at or after `region.first`: the one holding its first fixed
    /// text, or the first row when it has none.
    fn fixed_row(
        &self,
        cells: &[CellSpec],
        fields: &[Field],
        from: u32,
        region: Region,
    ) -> Result<u32, SheetError> {
        match first_static(cells, fields) {
            Some(text) => self
                .find_row(from, region.last.max(from), region.col, &text)
                .map(|(row, _)| row)
                .ok_or_else(|| {
                    self.error(
                        CellRef::new(from.min(region.last), region.col),
                        format!("找不到“{text}”所在的行（应在此处或其下方）"),
                        format!("no row with `{text}` here or below"),
                    )
                }),
            None => Ok(from),
        }
    }

    /// Reads rows of the layout in `region`; `covered` are the columns merged down into
    /// them from the rows above.
    #[allow(clippy::too_many_arguments)]
    fn read_rows(
        &mut self,
        rows: &[RowSpec],
        fields: &[Field],
        region: Region,
        columns: &Columns,
        x0: usize,
        covered: &mut Covered,
        out: &mut Out,
    ) -> Result<(), SheetError> {
        let mut cursor = region.first;
        for (i, row) in rows.iter().enumerate() {
            match row {
                RowSpec::Cells(fixed) => {
                    let cells = &fixed.cells;
                    if cursor > region.last {
                        if first_static(cells, fields).is_some() {
                            return Err(self.missing_row(cells, fields, region));
                        }
                        continue;
                    }
                    let found = self.fixed_row(cells, fields, cursor, region)?;
                    self.read_row(
                        cells, fields, found, region.col, x0, columns, None, true, covered, out,
                    )?;
                    covered.after(cells, fields, x0);
                    cursor = found + 1;
                }
                RowSpec::Each(each) => {
                    // The list ends where the next fixed row of the layout is.
                    let next = rows[i + 1..].iter().find_map(|r| match r {
                        RowSpec::Cells(c) => first_static(&c.cells, fields)
                            .and_then(|t| self.find_row(cursor, region.last, region.col, &t))
                            .map(|(row, _)| row),
                        RowSpec::Each(_) => None,
                    });
                    let last = next.map_or(region.last, |n| n.saturating_sub(1));
                    if cursor <= last {
                        let body = Region {
                            first: cursor,
                            last,
                            col: region.col,
                        };
                        self.read_each(each, fields, body, columns, x0, out)?;
                    }
                    cursor = last + 1;
                }
            }
        }
        Ok(())
    }

    fn missing_row(&self, cells: &[CellSpec], fields: &[Field], region: Region) -> SheetError {
        let text = first_static(cells, fields).unwrap_or_default();
        self.error(
            CellRef::new(region.last, region.col),
            format!("栏目在此结束，缺少“{text}”所在的行"),
            format!("the section ends here without the row of `{text}`"),
        )
    }

    /// Reads one row of cells at sheet row `row`, from column `col` on: fixed texts
    /// are found (with `strict`, a missing one is the error), values read at their
    /// column heading's column, else right of the previous cell. With `header`, the
    /// columns of the fixed texts are recorded.
    #[allow(clippy::too_many_arguments)]
    fn read_row(
        &mut self,
        cells: &[CellSpec],
        fields: &[Field],
        row: u32,
        col: u32,
        x0: usize,
        columns: &Columns,
        mut header: Option<&mut Columns>,
        strict: bool,
        covered: &Covered,
        out: &mut Out,
    ) -> Result<(), SheetError> {
        let mut col = col;
        let mut x = x0;
        for spec in cells {
            // Columns merged down from a row above: the sheet's cell there (merged down
            // too, or left blank) is stepped over.
            while covered.is(x) {
                let at = self.sheet.anchor(CellRef::new(
                    row,
                    columns.get(&x).copied().unwrap_or(col).max(col),
                ));
                col = self.sheet.span(at).last.col.max(at.col) + 1;
                x += 1;
            }
            let (s, span) = slot(spec, fields);
            match s {
                Slot::Loose(text) => {
                    // Printed, not looked for: used if it is there.
                    let at = self.sheet.anchor(CellRef::new(
                        row,
                        columns.get(&x).copied().unwrap_or(col).max(col),
                    ));
                    let same = self
                        .sheet
                        .cell(at)
                        .and_then(|c| c.text())
                        .is_some_and(|t| normalize_label(t) == normalize_label(&text));
                    if same && at.row == row {
                        self.ledger.mark(at);
                    }
                    col = self.sheet.span(at).last.col.max(at.col) + 1;
                }
                Slot::Option(path, option) => {
                    let target = columns
                        .get(&x)
                        .copied()
                        .filter(|c| *c >= col)
                        .unwrap_or(col);
                    let at = self.sheet.anchor(CellRef::new(row, target));
                    if let Some(h) = header.as_deref_mut() {
                        h.insert(x, at.col);
                    }
                    if let Some(field) = field_in(fields, path) {
                        self.read_option(at, path, option, field, out)?;
                    }
                    col = self.sheet.span(at).last.col.max(at.col) + 1;
                }
                Slot::Static(text) if text.trim().is_empty() => {
                    let at = self.sheet.anchor(CellRef::new(
                        row,
                        columns.get(&x).copied().unwrap_or(col).max(col),
                    ));
                    col = self.sheet.span(at).last.col.max(at.col) + 1;
                }
                Slot::Static(text) => match self.find_in_row(row, col, &text) {
                    Some(at) => {
                        self.ledger.mark(at);
                        if let Some(h) = header.as_deref_mut() {
                            h.insert(x, at.col);
                        }
                        col = self.sheet.span(at).last.col.max(at.col) + 1;
                    }
                    None => {
                        let at = self.sheet.anchor(CellRef::new(row, col));
                        let empty = self.sheet.cell(at).is_none();
                        if strict && !(empty && x > x0) {
                            return Err(self.error(
                                CellRef::new(row, col),
                                format!("此行缺少“{text}”（应在此处或其右侧；这是表样说明中的固定文字，导入时不必查找的可写 anchor = false）"),
                                format!("this row lacks `{text}` (here or to the right; it is a fixed text of the form description — give its cell anchor = false if an import need not look for it)"),
                            ));
                        }
                        if strict {
                            // A heading or label the sheet leaves blank where the
                            // layout has it: its column is still taken to be here.
                            self.notes.push(Note::new(
                                &self.address(at),
                                format!("此处应为“{text}”，表中为空；按其位置读取"),
                                format!("`{text}` belongs here but the cell is blank; read by its position"),
                            ));
                            if let Some(h) = header.as_deref_mut() {
                                h.insert(x, at.col);
                            }
                        }
                        col = self.sheet.span(at).last.col.max(at.col) + 1;
                    }
                },
                Slot::Value(path) => {
                    let target = columns
                        .get(&x)
                        .copied()
                        .filter(|c| *c >= col)
                        .unwrap_or(col);
                    let at = self.sheet.anchor(CellRef::new(row, target));
                    if let Some(h) = header.as_deref_mut() {
                        h.insert(x, at.col);
                    }
                    if let Some(field) = field_in(fields, path) {
                        self.read_value(at, path, field, out)?;
                    }
                    col = self.sheet.span(at).last.col.max(at.col) + 1;
                }
            }
            x += span;
        }
        Ok(())
    }

    /// Reads the cell at `at` as `field` into `out` at `path`.
    fn read_value(
        &mut self,
        at: CellRef,
        path: &str,
        field: &Field,
        out: &mut Out,
    ) -> Result<(), SheetError> {
        let cell = self.ledger.take(at);
        let address = self.address(at);
        let value = typed::value(
            cell,
            field,
            &At {
                file: self.file,
                address: &address,
            },
            &mut self.notes,
        )?;
        if let Some(v) = value {
            out.set(path, v, address);
        }
        Ok(())
    }

    /// Reads the cell of one option of a choice: a tick mark chooses it; a second
    /// option ticked, or a text that is no tick, is the error naming the cell.
    fn read_option(
        &mut self,
        at: CellRef,
        path: &str,
        option: &str,
        field: &Field,
        out: &mut Out,
    ) -> Result<(), SheetError> {
        let Some(cell) = self.ledger.take(at) else {
            return Ok(());
        };
        let Some(text) = typed::text_of(cell) else {
            return Ok(());
        };
        if !typed::is_tick(&text) {
            return Err(self.error(
                at,
                format!(
                    "“{} · {option}”应为勾选符号（✔ √ ☑）或留空，这里是“{}”",
                    field.title,
                    text.trim()
                ),
                format!(
                    "{} · {option} must be a tick (✔ √ ☑) or blank, found `{}`",
                    field.title,
                    text.trim()
                ),
            ));
        }
        if let Some(Value::Choice(other)) = jixiao_core::declaration::get(&out.record, path) {
            return Err(self.error(
                at,
                format!(
                    "“{}”只能勾选一项，这里勾选了“{other}”和“{option}”",
                    field.title
                ),
                format!(
                    "{} takes one tick; both `{other}` and `{option}` are ticked",
                    field.title
                ),
            ));
        }
        out.set(path, Value::Choice(option.to_owned()), self.address(at));
        Ok(())
    }

    /// The sheet column of layout column `x`: its heading's, else `fallback`.
    fn column(columns: &Columns, x: usize, fallback: u32) -> u32 {
        columns.get(&x).copied().unwrap_or(fallback)
    }

    /// Reads a repeated row: one list item per row, per group (a merged 名称), or per
    /// indicator of a tree.
    fn read_each(
        &mut self,
        each: &EachSpec,
        fields: &[Field],
        body: Region,
        columns: &Columns,
        x0: usize,
        out: &mut Out,
    ) -> Result<(), SheetError> {
        let Some(list) = field_in(fields, &each.each).filter(|f| f.kind == FieldType::List) else {
            return Ok(());
        };
        let items = if each.tree {
            self.read_tree(each, list, body, columns, x0)?
        } else if let Some(group) = &each.group {
            let mut items = Vec::new();
            let col = Self::column(columns, x0, body.col);
            for g in self.sheet.groups(col, body.first..=body.last) {
                let mut item = Out::default();
                let anchor = g.span.first;
                match slot(group, &list.fields).0 {
                    Slot::Value(p) => {
                        if let Some(f) = field_in(&list.fields, p) {
                            self.read_value(anchor, p, f, &mut item)?;
                        }
                    }
                    Slot::Option(p, o) => {
                        if let Some(f) = field_in(&list.fields, p) {
                            self.read_option(anchor, p, o, f, &mut item)?;
                        }
                    }
                    Slot::Static(_) | Slot::Loose(_) => self.ledger.mark(anchor),
                }
                let inner = Region {
                    first: *g.rows.start(),
                    last: *g.rows.end(),
                    col: g.span.last.col + 1,
                };
                if each.row.is_empty() {
                    self.read_rows(
                        &each.rows,
                        &list.fields,
                        inner,
                        columns,
                        x0 + 1,
                        &mut Covered::default(),
                        &mut item,
                    )?;
                } else {
                    self.read_row(
                        &each.row,
                        &list.fields,
                        inner.first,
                        inner.col,
                        x0 + 1,
                        columns,
                        None,
                        false,
                        &Covered::default(),
                        &mut item,
                    )?;
                }
                if !item.is_blank() {
                    items.push(item);
                }
            }
            items
        } else if !each.row.is_empty() {
            let mut items = Vec::new();
            for row in body.first..=body.last {
                let mut item = Out::default();
                let col = Self::column(columns, x0, body.col);
                self.read_row(
                    &each.row,
                    &list.fields,
                    row,
                    col,
                    x0,
                    columns,
                    None,
                    false,
                    &Covered::default(),
                    &mut item,
                )?;
                if !item.is_blank() {
                    items.push(item);
                }
            }
            items
        } else {
            // Items of several fixed rows each (a nested list makes the body one item).
            let nested = each.rows.iter().any(|r| matches!(r, RowSpec::Each(_)));
            let height = if nested {
                body.last - body.first + 1
            } else {
                (each.rows.len() as u32).max(1)
            };
            let mut items = Vec::new();
            let mut first = body.first;
            while first <= body.last {
                let mut item = Out::default();
                let region = Region {
                    first,
                    last: (first + height - 1).min(body.last),
                    col: body.col,
                };
                self.read_rows(
                    &each.rows,
                    &list.fields,
                    region,
                    columns,
                    x0,
                    &mut Covered::default(),
                    &mut item,
                )?;
                if !item.is_blank() {
                    items.push(item);
                }
                first = region.last + 1;
            }
            items
        };
        out.set_list(&each.each, items);
        Ok(())
    }

    /// An indicator tree: 一级 groups down their column, 二级 groups inside each, one
    /// indicator per row. Rows without any value are the skeleton's blank rows.
    fn read_tree(
        &mut self,
        each: &EachSpec,
        list: &Field,
        body: Region,
        columns: &Columns,
        x0: usize,
    ) -> Result<Vec<Out>, SheetError> {
        let Some(tree) = list.tree.clone() else {
            return Ok(Vec::new());
        };
        let depth = tree.levels.len();
        let mut items = Vec::new();
        let col1 = Self::column(columns, x0, body.col);
        let mut previous: Vec<String> = vec![String::new(); depth];
        for g1 in self.sheet.groups(col1, body.first..=body.last) {
            let a1 = g1.span.first;
            let mut l1 = label_text(self.sheet.cell(a1));
            if l1.is_empty() && g1.span.is_single() {
                l1 = previous[0].clone();
            }
            let before = items.len();
            let groups2: Vec<(CellRange, std::ops::RangeInclusive<u32>)> = if depth >= 2 {
                let col2 = Self::column(columns, x0 + 1, g1.span.last.col + 1);
                self.sheet
                    .groups(col2, g1.rows.clone())
                    .into_iter()
                    .map(|g| (g.span, g.rows))
                    .collect()
            } else {
                vec![(g1.span, g1.rows.clone())]
            };
            for (span2, rows2) in groups2 {
                let mut labels = vec![l1.clone()];
                if depth >= 2 {
                    let mut l2 = label_text(self.sheet.cell(span2.first));
                    if l2.is_empty() && span2.is_single() && previous[0] == l1 {
                        l2 = previous.get(1).cloned().unwrap_or_default();
                    }
                    labels.push(l2);
                }
                let under = items.len();
                for row in rows2.clone() {
                    let mut item = Out::default();
                    let start = span2.last.col + 1;
                    self.read_row(
                        &each.row,
                        &list.fields,
                        row,
                        Self::column(columns, x0 + depth, start),
                        x0 + depth,
                        columns,
                        None,
                        false,
                        &Covered::default(),
                        &mut item,
                    )?;
                    if item.is_blank() {
                        continue;
                    }
                    for (level, (key, label)) in tree.levels.iter().zip(&labels).enumerate() {
                        if label.is_empty() {
                            continue;
                        }
                        let pos = if level == 0 { a1 } else { span2.first };
                        item.set(key, Value::Text(label.clone()), self.address(pos));
                        self.ledger.mark(pos);
                    }
                    items.push(item);
                }
                previous = labels.clone();
                if depth >= 2 && items.len() == under {
                    self.skeleton_label(span2.first, &tree, &l1, Some(&labels[1]));
                }
            }
            if items.len() == before {
                self.skeleton_label(a1, &tree, &l1, None);
            }
        }
        Ok(items)
    }

    /// A 一级/二级 label with no indicator under it: the skeleton's standard label
    /// (printed again from the kind's tree: used), or one a declaration cannot hold.
    fn skeleton_label(
        &mut self,
        pos: CellRef,
        tree: &jixiao_core::kind::Tree,
        l1: &str,
        l2: Option<&str>,
    ) {
        let label = l2.unwrap_or(l1);
        if label.trim().is_empty() || self.sheet.cell(pos).is_none() {
            return;
        }
        let standard = match l2 {
            None => tree.branch(l1).is_some(),
            Some(l2) => tree.classify(l1, Some(l2)) == Placement::Standard,
        };
        if standard {
            self.ledger.mark(pos);
        } else {
            self.ledger.skip(
                pos,
                format!(
                    "“{label}”下没有指标：它不是标准栏目，申报文件无法记录空的栏目 / no indicator under `{label}`: it is not a standard label, and a declaration cannot hold an empty one"
                ),
            );
        }
    }

    /// Reads the kind's lines outside the table ([`jixiao_core::kind::spec::LineSpec`]):
    /// those above it in the rows before `table_first`, those below it in the rows after
    /// `last_start` (the first row of the last section). Each part is the cell whose text
    /// starts with its fixed text (or its field's label and `：`); the value follows in
    /// the same cell, or in the cell to its right. Returns the first row of the lines
    /// below the table, which ends the last section.
    pub(super) fn read_lines(
        &mut self,
        table_first: u32,
        last_start: u32,
        out: &mut Out,
    ) -> Result<Option<u32>, SheetError> {
        use jixiao_core::kind::spec::LineAt;
        let kind = self.kind;
        let year = out
            .record
            .get(jixiao_core::kind::common::YEAR)
            .and_then(|v| match v {
                Value::Year(y) => Some(y.to_string()),
                _ => None,
            });
        let mut first_foot: Option<u32> = None;
        for line in &kind.spec.lines {
            for part in &line.parts {
                let field = part.field.as_deref().and_then(|p| kind.field_at(p));
                let prefix = match (&part.text, field) {
                    (Some(t), _) => match &year {
                        Some(y) => t.replace("{year}", y),
                        None => t.clone(),
                    },
                    (None, Some(f)) => format!("{}：", f.label),
                    (None, None) => continue,
                };
                let key = normalize_label(&prefix);
                let wanted = |c: &Cell| {
                    let row = c.pos().row;
                    let here = match line.at {
                        LineAt::Top | LineAt::Head => row < table_first,
                        LineAt::Foot => row > last_start,
                    };
                    here && !c.is_covered()
                        && !self.ledger.is_used(c.pos())
                        && c.text().is_some_and(|t| {
                            let n = normalize_label(t);
                            if key.contains("{year}") {
                                let (head, tail) = key.split_once("{year}").unwrap_or((&key, ""));
                                n.starts_with(head) && n.contains(tail)
                            } else {
                                n.starts_with(&key)
                            }
                        })
                };
                let Some(cell) = self.sheet.cells().find(|c| wanted(c)) else {
                    continue;
                };
                let pos = cell.pos();
                self.ledger.mark(pos);
                if line.at == LineAt::Foot {
                    first_foot = Some(first_foot.map_or(pos.row, |f| f.min(pos.row)));
                }
                let (Some(path), Some(field)) = (part.field.as_deref(), field) else {
                    continue;
                };
                let text = cell.text().unwrap_or_default();
                let rest = after_prefix(text, &key).unwrap_or("").trim();
                let blank = normalize_label(&part.blank);
                if !rest.is_empty() && normalize_label(rest) != blank {
                    let value =
                        typed_text(self.file, &self.address(pos), rest, field, &mut self.notes)?;
                    if let Some(value) = value {
                        out.set(path, value, self.address(pos));
                    }
                } else if rest.is_empty() {
                    let right = self.sheet.anchor(self.sheet.right_of(pos));
                    let filled = right != pos
                        && !self.ledger.is_used(right)
                        && self
                            .sheet
                            .cell(right)
                            .and_then(typed::text_of)
                            .is_some_and(|t| normalize_label(&t) != blank);
                    if filled {
                        self.read_value(right, path, field, out)?;
                    }
                }
            }
        }
        Ok(first_foot)
    }

    /// Reads the footer fields of `table` (e.g. 签署栏: 填报人, 联系电话…) at or below
    /// row `from`: a label cell with its value to the right, or `label：value` in one
    /// cell. Returns the first row of the footer.
    pub(super) fn read_footer(
        &mut self,
        table: &Field,
        from: u32,
        out: &mut Out,
    ) -> Result<Option<u32>, SheetError> {
        let mut first: Option<u32> = None;
        let mut inner = Out::default();
        for field in &table.fields {
            let key = normalize_label(&field.label);
            let found = self.sheet.cells().find(|c| {
                c.pos().row >= from
                    && !c.is_covered()
                    && !self.ledger.is_used(c.pos())
                    && c.text().is_some_and(|t| {
                        let n = normalize_label(t);
                        n == key
                            || n.strip_prefix(key.as_str())
                                .is_some_and(|r| r.starts_with(':'))
                    })
            });
            let Some(cell) = found else {
                continue;
            };
            let pos = cell.pos();
            first = Some(first.map_or(pos.row, |f| f.min(pos.row)));
            self.ledger.mark(pos);
            let text = cell.text().unwrap_or_default();
            let after_colon = text
                .split_once(['：', ':'])
                .map(|(_, v)| v.trim())
                .filter(|_| normalize_label(text) != key);
            match after_colon {
                Some(v) if !v.is_empty() => {
                    let value =
                        typed_text(self.file, &self.address(pos), v, field, &mut self.notes)?;
                    if let Some(value) = value {
                        inner.set(&field.key, value, self.address(pos));
                    }
                }
                Some(_) => {}
                None => {
                    let at = self.sheet.anchor(self.sheet.right_of(pos));
                    self.read_value(at, &field.key, field, &mut inner)?;
                }
            }
        }
        if !inner.is_blank() {
            for (p, a) in inner.cells {
                out.cells.push((paths::join(&table.key, &p), a));
            }
            out.record
                .insert(table.key.clone(), Value::Table(inner.record));
        }
        Ok(first)
    }
}

/// The text after the part of `text` whose comparison key is `key` (`填报单位（盖章）：
/// 某局` after `填报单位(盖章):` → `某局`).
fn after_prefix<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    if key.is_empty() {
        return Some(text);
    }
    text.char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .find(|&end| normalize_label(&text[..end]) == key)
        .map(|end| &text[end..])
}

/// A group label's text as typed (`""` for an empty cell).
fn label_text(cell: Option<&Cell>) -> String {
    cell.and_then(typed::text_of).unwrap_or_default()
}

/// A value given as text inside a `label：value` cell, typed as `field`.
fn typed_text(
    file: &str,
    address: &str,
    text: &str,
    field: &Field,
    notes: &mut Vec<Note>,
) -> Result<Option<Value>, SheetError> {
    let sheet = Sheet::new(
        "",
        [(
            CellRef::new(0, 0),
            crate::CellValue::Text(text.to_owned()),
            None,
            None,
        )],
        [],
    );
    typed::value(
        sheet.cell(CellRef::new(0, 0)),
        field,
        &At { file, address },
        notes,
    )
}
