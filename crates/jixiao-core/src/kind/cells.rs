//! Where a kind's layout prints each field's value: the width of its cell and the set
//! of printed paths. Read from the description alone (no declaration), so the kind's
//! validation, the checks (cells too long for a line) and the import use it as the
//! layout ([`crate::layout`]) does.

use std::collections::{BTreeMap, BTreeSet};

use super::paths;
use super::spec::{CellSpec, RowSpec};
use super::Kind;

/// The width in millimetres of every value cell of a kind's layout, by the field's spec
/// path (`tasks[].rows[].content`): how much text fits on a line of it.
pub fn value_widths(kind: &Kind) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for section in kind.sections() {
        let content: &[f64] = &section.columns;
        let mut visit_rows = |rows: &[RowSpec], header: &[Vec<CellSpec>]| {
            // Columns covered by cells merged down from the rows above (header rows
            // included): the cells of a fixed row are placed past them.
            let mut covered = vec![0usize; content.len()];
            let mut step = |cells: &[CellSpec], out: &mut BTreeMap<String, f64>| {
                let mut x = 0;
                let mut next = covered
                    .iter()
                    .map(|n| n.saturating_sub(1))
                    .collect::<Vec<_>>();
                for c in cells {
                    while covered.get(x).is_some_and(|n| *n > 0) {
                        x += 1;
                    }
                    let (path, span, rows) = match c {
                        CellSpec::Path(p) => (Some(p.as_str()), 1, 1),
                        CellSpec::Full(d) => (d.value.as_deref(), d.span.max(1), d.rowspan.max(1)),
                    };
                    if let Some(p) = path {
                        out.insert(p.to_owned(), content.iter().skip(x).take(span).sum());
                    }
                    for n in next.iter_mut().skip(x).take(span) {
                        *n = rows - 1;
                    }
                    x += span;
                }
                covered = next;
            };
            for h in header {
                step(h, &mut out);
            }
            for row in rows {
                match row {
                    RowSpec::Cells(fixed) => step(&fixed.cells, &mut out),
                    RowSpec::Each(_) => widths_of_row(kind, row, "", 0, content, &mut out),
                }
            }
        };
        if section.blocks.is_empty() {
            visit_rows(&section.rows, &section.header);
        } else {
            for block in &section.blocks {
                visit_rows(&block.rows, &block.header);
            }
        }
    }
    out
}

fn widths_of_row(
    kind: &Kind,
    row: &RowSpec,
    prefix: &str,
    x0: usize,
    columns: &[f64],
    out: &mut BTreeMap<String, f64>,
) {
    let width = |x: usize, span: usize| -> f64 { columns.iter().skip(x).take(span).sum() };
    let cells_at =
        |cells: &[CellSpec], x0: usize, prefix: &str, out: &mut BTreeMap<String, f64>| {
            let mut x = x0;
            for c in cells {
                let (path, span) = match c {
                    CellSpec::Path(p) => (Some(p.as_str()), 1),
                    CellSpec::Full(d) => (d.value.as_deref(), d.span.max(1)),
                };
                if let Some(p) = path {
                    out.insert(paths::join(prefix, p), width(x, span));
                }
                x += span;
            }
        };
    match row {
        RowSpec::Cells(fixed) => cells_at(&fixed.cells, x0, prefix, out),
        RowSpec::Each(each) => {
            let list = format!("{}[]", paths::join(prefix, &each.each));
            let mut x = x0;
            let group_path = match &each.group {
                Some(CellSpec::Path(p)) => Some(p.as_str()),
                Some(CellSpec::Full(d)) => d.value.as_deref(),
                None => None,
            };
            if let Some(p) = group_path {
                out.insert(paths::join(&list, p), width(x, 1));
            }
            if each.group.is_some() {
                x += 1;
            }
            if each.tree {
                let levels = kind
                    .field_at(&list)
                    .and_then(|f| f.tree.as_ref())
                    .map_or(0, |t| t.levels.len());
                x += levels;
            }
            cells_at(&each.row, x, &list, out);
            for r in &each.rows {
                widths_of_row(kind, r, &list, x, columns, out);
            }
        }
    }
}

/// The spec paths of every value a kind's layout prints (tree levels and the fields
/// of its lines included).
pub fn printed_paths(kind: &Kind) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = value_widths(kind).into_keys().collect();
    for line in &kind.spec.lines {
        out.extend(line.parts.iter().filter_map(|p| p.field.clone()));
    }
    for (path, field) in kind.walk() {
        if let Some(tree) = &field.tree {
            if out.iter().any(|p| p.starts_with(&format!("{path}[]."))) {
                for level in &tree.levels {
                    out.insert(format!("{path}[].{level}"));
                }
            }
        }
    }
    out
}
