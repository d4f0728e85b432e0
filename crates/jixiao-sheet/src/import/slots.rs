//! What a kind's layout says about each cell, as an importer needs it: fixed text to
//! find (a label, a heading, a group heading, fixed text) or a value to read (a key
//! path), and how many layout columns it spans. Read straight from the description
//! (`[[section]]` of `form.toml`), the same one the PDF is laid out from.

use jixiao_core::kind::spec::{BlockSpec, CellSpec, RowSpec, SectionSpec};
use jixiao_core::kind::{paths, Field, Kind};

/// One cell of the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot<'a> {
    /// Fixed text the sheet must show (possibly empty: a blank cell).
    Static(String),
    /// Fixed text printed on the form but not looked for (`anchor = false`): a note, a
    /// placeholder.
    Loose(String),
    /// The value at this path, relative to the scope.
    Value(&'a str),
    /// The cell of one option of the choice at this path: ticked when it is chosen.
    Option(&'a str, &'a str),
}

/// The slot of a cell spec in a scope with `fields`, and its column span.
pub(super) fn slot<'a>(spec: &'a CellSpec, fields: &[Field]) -> (Slot<'a>, usize) {
    match spec {
        CellSpec::Path(p) => (Slot::Value(p), 1),
        CellSpec::Full(d) => {
            let span = d.span.max(1);
            let fixed = |text: String| {
                if d.anchor {
                    Slot::Static(text)
                } else {
                    Slot::Loose(text)
                }
            };
            if let Some(t) = &d.text {
                (fixed(t.clone()), span)
            } else if let Some(p) = &d.label {
                let label = field_in(fields, p).map(|f| f.label.clone());
                (fixed(label.unwrap_or_default()), span)
            } else if let Some(p) = &d.group {
                let group = field_in(fields, p).and_then(|f| f.group.clone());
                (fixed(group.unwrap_or_default()), span)
            } else if let Some(p) = &d.value {
                match &d.option {
                    Some(o) => (Slot::Option(p, o), span),
                    None => (Slot::Value(p), span),
                }
            } else {
                (Slot::Static(String::new()), span)
            }
        }
    }
}

/// How many rows a cell spec is merged down.
pub(super) fn rowspan(spec: &CellSpec) -> usize {
    match spec {
        CellSpec::Path(_) => 1,
        CellSpec::Full(d) => d.rowspan.max(1),
    }
}

/// The field at a path relative to `fields` (no list indices).
pub(super) fn field_in<'f>(fields: &'f [Field], path: &str) -> Option<&'f Field> {
    let mut list = fields;
    let mut found = None;
    for key in paths::keys(path) {
        let f = list.iter().find(|f| f.key == key)?;
        list = &f.fields;
        found = Some(f);
    }
    found
}

/// The label of a section: its own, or its field's; `None` for a section without a
/// label column or with one printed blank (`label = " "`).
pub(super) fn section_label(kind: &Kind, spec: &SectionSpec) -> Option<String> {
    match (&spec.label, &spec.field) {
        (Some(l), _) if l.trim().is_empty() => None,
        (Some(l), _) => Some(l.clone()),
        (None, Some(f)) => kind.field(f).map(|f| f.label.clone()),
        (None, None) => None,
    }
}

/// Whether a section has a label column (printed blank or not).
pub(super) fn has_label_column(spec: &SectionSpec) -> bool {
    match (&spec.label, &spec.field) {
        (Some(l), _) => !l.is_empty(),
        (None, Some(_)) => true,
        (None, None) => false,
    }
}

/// The blocks of a section (one unlabelled block for `header` and `rows` given
/// directly).
pub(super) fn blocks(spec: &SectionSpec) -> Vec<BlockSpec> {
    if spec.blocks.is_empty() {
        vec![BlockSpec {
            label: None,
            header: spec.header.clone(),
            rows: spec.rows.clone(),
        }]
    } else {
        spec.blocks.clone()
    }
}

/// The first fixed text of a row, if it has one.
pub(super) fn first_static(cells: &[CellSpec], fields: &[Field]) -> Option<String> {
    cells.iter().find_map(|c| match slot(c, fields).0 {
        Slot::Static(t) if !t.trim().is_empty() => Some(t),
        _ => None,
    })
}

/// Every fixed text of a kind's layout, in layout order: section and block labels,
/// headings, labels, fixed texts (blank ones left out).
pub fn static_texts(kind: &Kind) -> Vec<String> {
    let mut out = Vec::new();
    for section in kind.sections() {
        if let Some(l) = section_label(kind, section) {
            out.push(l);
        }
        for block in blocks(section) {
            if let Some(l) = &block.label {
                push_static(l, &kind.fields, &mut out);
            }
            for row in &block.header {
                for c in row {
                    push_static(c, &kind.fields, &mut out);
                }
            }
            for row in &block.rows {
                row_statics(row, &kind.fields, &mut out);
            }
        }
    }
    out.retain(|t| !t.trim().is_empty());
    out
}

fn push_static(spec: &CellSpec, fields: &[Field], out: &mut Vec<String>) {
    if let Slot::Static(t) = slot(spec, fields).0 {
        out.push(t);
    }
}

fn row_statics(row: &RowSpec, fields: &[Field], out: &mut Vec<String>) {
    match row {
        RowSpec::Cells(fixed) => {
            for c in &fixed.cells {
                push_static(c, fields, out);
            }
        }
        RowSpec::Each(each) => {
            let Some(list) = field_in(fields, &each.each) else {
                return;
            };
            if let Some(g) = &each.group {
                push_static(g, &list.fields, out);
            }
            for c in &each.row {
                push_static(c, &list.fields, out);
            }
            for r in &each.rows {
                row_statics(r, &list.fields, out);
            }
        }
    }
}
