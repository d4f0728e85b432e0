//! The form as a grid of placed cells: a kind's sections ([`crate::kind::spec`]) filled
//! with a declaration's values, formatted the way the form prints them.
//!
//! The template draws these cells (`templates/common/grid.typ`); the tests read them to
//! know what each page must show; a spreadsheet export writes them. Every section is a
//! table: label columns on the left (the section's label merged down the whole section,
//! then a block's label), then content columns. Repeated rows come from lists; a task
//! group's 名称 and the 一级/二级 labels of an indicator tree are merged down their rows.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::declaration::{Declaration, Record, Value};
pub use crate::kind::cells::{printed_paths, value_widths};
use crate::kind::paths;
use crate::kind::spec::{
    Align, BlockSpec, CellDetail, CellSpec, EachSpec, LineAt, RowSpec, SectionSpec,
};
use crate::kind::tree::Node;
use crate::kind::{Field, FieldType, Kind};
use crate::text::single_line;

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A field's label or fixed text beside a value.
    Label,
    /// A column heading.
    Heading,
    /// A label merged down rows: a section's or block's label, a task group's name, an
    /// indicator's 一级/二级.
    Group,
    /// A value the declaration gives (or a value derived from it).
    Value,
}

/// The content of a cell: one line of text, or paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Content {
    /// Text (possibly with forced line breaks `\n` in fixed labels).
    Text(String),
    /// Paragraphs.
    Paras(Vec<String>),
}

impl Content {
    /// Whether nothing is printed.
    pub fn is_empty(&self) -> bool {
        match self {
            Content::Text(t) => t.is_empty(),
            Content::Paras(p) => p.is_empty(),
        }
    }

    /// The text, paragraphs joined by newlines.
    pub fn joined(&self) -> String {
        match self {
            Content::Text(t) => t.clone(),
            Content::Paras(p) => p.join("\n"),
        }
    }
}

/// One placed cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// First column (0-based, label columns included).
    pub x: usize,
    /// First row (0-based within the section).
    pub y: usize,
    /// Columns spanned.
    pub colspan: usize,
    /// Rows spanned.
    pub rowspan: usize,
    /// What it shows.
    pub role: Role,
    /// The text.
    pub content: Content,
    /// Horizontal alignment.
    pub align: Align,
    /// Paragraphs set as prose (justified, indented first lines).
    pub prose: bool,
    /// Indentation of the content in characters (其中 lines).
    pub indent: u32,
    /// The key path of the value shown (`budget.basic`), for value cells.
    #[serde(skip)]
    pub path: Option<String>,
    /// The value shown, typed (for spreadsheet export), when the declaration gives one.
    #[serde(skip)]
    pub value: Option<Value>,
    /// The rule above or below the cell is left out: the cell continues the one next
    /// to it (a label merged down a section whose header rows repeat on every page is
    /// two cells, one in the header and one below it, printed as one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<Open>,
}

/// Which rule of a cell is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Open {
    /// The rule above: the cell continues the one above it.
    Above,
    /// The rule below: the cell continues in the one below it.
    Below,
}

/// One section: a table of its own, stacked under the previous one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Column widths in millimetres of the design width, label columns first.
    pub columns: Vec<f64>,
    /// Column-heading rows at the top (kept on the page of the first body row).
    pub header_rows: usize,
    /// Rows in all.
    pub rows: usize,
    /// Whether the section may break across pages (sections of fixed short cells
    /// stay whole).
    pub breakable: bool,
    /// Whether the header rows print again at the top of every page the section
    /// continues on.
    pub repeat_header: bool,
    /// Runs of rows `[first, last]` never split across pages.
    pub keep: Vec<[usize; 2]>,
    /// The minimum height of each row in millimetres (0: none); empty when no row has
    /// one.
    pub heights: Vec<f64>,
    /// The cells, row by row.
    pub cells: Vec<Cell>,
}

impl Section {
    /// The merged labels covering row `y` (section, block, group and tree labels), left
    /// to right: what a continuation page must repeat.
    pub fn labels_over(&self, y: usize) -> Vec<&Cell> {
        self.cells
            .iter()
            .filter(|c| c.rowspan > 1 && c.y <= y && y < c.y + c.rowspan)
            .filter(|c| !c.content.is_empty())
            .collect()
    }
}

/// Lays out every section of `decl`'s kind; `derived` holds values the checks derive
/// where the declaration leaves them out (totals, rates), by key path.
pub fn sections(decl: &Declaration, derived: &BTreeMap<String, Value>) -> Vec<Section> {
    let ctx = Context {
        kind: decl.kind(),
        root: decl.values(),
        derived,
        keep_ids: std::cell::Cell::new(0),
    };
    decl.kind()
        .sections()
        .iter()
        .map(|s| ctx.section(s))
        .collect()
}

/// Where a path is looked up: the top level, or a list item (with its key path).
#[derive(Clone, Copy)]
struct Scope<'a> {
    record: &'a Record,
    fields: &'a [Field],
    /// The key path of `record` (`""` at the top level).
    path: &'a str,
    /// A placeholder row printed for an empty list: its cells show nothing and stand
    /// for no value.
    blank: bool,
}

impl<'a> Scope<'a> {
    /// The scope of item `index` of `list` (its `items` with their key paths), or a
    /// blank placeholder when there is no such item.
    fn item(
        list: &'a Field,
        items: &'a [Record],
        item_paths: &'a [String],
        blank: &'a Record,
        index: Option<usize>,
    ) -> Scope<'a> {
        match index.and_then(|i| items.get(i).zip(item_paths.get(i))) {
            Some((record, path)) => Scope {
                record,
                fields: &list.fields,
                path,
                blank: false,
            },
            None => Scope {
                record: blank,
                fields: &list.fields,
                path: "",
                blank: true,
            },
        }
    }
}

struct Context<'a> {
    kind: &'a Kind,
    root: &'a Record,
    derived: &'a BTreeMap<String, Value>,
    /// The next id of a run of rows kept together.
    keep_ids: std::cell::Cell<usize>,
}

/// A row being built: its cells (x relative to the content columns), the run of rows
/// it is kept with, and its minimum height.
#[derive(Debug, Default)]
struct Row {
    cells: Vec<Cell>,
    /// Rows with the same id, one after another, stay on one page.
    keep: Option<usize>,
    /// Minimum height in millimetres.
    height: Option<f64>,
}

impl Row {
    fn of(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            ..Row::default()
        }
    }
}

/// The columns covered by cells merged down (`rowspan`) from the rows above.
struct Covered(Vec<usize>);

impl Covered {
    fn is(&self, x: usize) -> bool {
        self.0.get(x).is_some_and(|n| *n > 0)
    }

    /// Records the cells of a row just placed, then steps to the next row.
    fn row(&mut self, cells: &[Cell]) {
        for n in &mut self.0 {
            *n = n.saturating_sub(1);
        }
        for c in cells.iter().filter(|c| c.rowspan > 1) {
            for x in c.x..c.x + c.colspan {
                if let Some(n) = self.0.get_mut(x) {
                    *n = c.rowspan - 1;
                }
            }
        }
    }
}

impl<'a> Context<'a> {
    fn root_scope(&self) -> Scope<'a> {
        Scope {
            record: self.root,
            fields: &self.kind.fields,
            path: "",
            blank: false,
        }
    }

    fn keep_id(&self) -> usize {
        let id = self.keep_ids.get();
        self.keep_ids.set(id + 1);
        id
    }

    fn section(&self, spec: &SectionSpec) -> Section {
        let label = match (&spec.label, &spec.field) {
            (Some(l), _) if l.is_empty() => None,
            // Only spaces: a label column printed blank.
            (Some(l), _) => Some(l.trim().to_owned()),
            (None, Some(f)) => self.kind.field(f).map(|f| f.label.clone()),
            (None, None) => None,
        };
        let blocks: Vec<BlockSpec> = if spec.blocks.is_empty() {
            vec![BlockSpec {
                label: None,
                header: spec.header.clone(),
                rows: spec.rows.clone(),
            }]
        } else {
            spec.blocks.clone()
        };
        let block_labels = blocks.iter().any(|b| b.label.is_some());
        let offset = usize::from(label.is_some()) + usize::from(block_labels);
        let row_height = spec
            .row_height
            .unwrap_or(self.kind.spec.page.row_height)
            .max(0.0);
        let mut cells = Vec::new();
        let mut y = 0;
        let mut header_rows = 0;
        let mut has_lists = false;
        let mut keeps: Vec<Option<usize>> = Vec::new();
        let mut heights: Vec<f64> = Vec::new();
        for (bi, block) in blocks.iter().enumerate() {
            let top = y;
            let mut rows: Vec<Row> = Vec::new();
            let mut covered = Covered(vec![0; spec.columns.len()]);
            for h in &block.header {
                let row = self.fixed_row(self.root_scope(), h, true, &covered);
                covered.row(&row);
                rows.push(Row::of(row));
            }
            if bi == 0 {
                header_rows = block.header.len();
            }
            for r in &block.rows {
                has_lists |= matches!(r, RowSpec::Each(_));
                match r {
                    RowSpec::Cells(fixed) => {
                        let row = self.fixed_row(self.root_scope(), &fixed.cells, false, &covered);
                        covered.row(&row);
                        rows.push(Row {
                            cells: row,
                            keep: fixed.keep.then(|| self.keep_id()),
                            height: fixed.height,
                        });
                    }
                    RowSpec::Each(_) => rows.extend(self.rows(self.root_scope(), r)),
                }
            }
            let count = rows.len().max(1);
            if rows.is_empty() {
                keeps.push(None);
                heights.push(row_height);
            }
            for (dy, row) in rows.into_iter().enumerate() {
                keeps.push(row.keep);
                heights.push(row.height.unwrap_or(row_height));
                for mut c in row.cells {
                    c.x += offset;
                    c.y += top + dy;
                    cells.push(c);
                }
            }
            if block_labels {
                let content = block
                    .label
                    .as_ref()
                    .map(|l| self.cell(self.root_scope(), l, Role::Group).content)
                    .unwrap_or(Content::Text(String::new()));
                cells.push(merged(offset - 1, top, count, Role::Group, content));
            }
            y += count;
        }
        if let Some(label) = label {
            cells.push(merged(0, 0, y, Role::Group, Content::Text(label)));
        }
        let repeat_header = spec.repeat_header && header_rows > 0 && y > header_rows;
        if repeat_header {
            cells = split_at_header(cells, header_rows);
        }
        cells.sort_by_key(|c| (c.y, c.x));
        let label_width = spec.label_width.unwrap_or(self.kind.spec.page.label_width);
        let mut columns = vec![label_width; offset];
        columns.extend(spec.columns.iter().copied());
        let has_paras = cells
            .iter()
            .any(|c| c.role == Role::Value && matches!(c.content, Content::Paras(_)));
        let mut keep = Vec::new();
        let mut run: Option<(usize, usize, usize)> = None; // (id, first, last)
        for (row, id) in keeps.iter().enumerate() {
            match (*id, run) {
                (Some(id), Some((rid, first, _))) if id == rid => run = Some((id, first, row)),
                (id, previous) => {
                    if let Some((_, first, last)) = previous {
                        keep.push([first, last]);
                    }
                    run = id.map(|id| (id, row, row));
                }
            }
        }
        if let Some((_, first, last)) = run {
            keep.push([first, last]);
        }
        if heights.iter().all(|h| *h <= 0.0) {
            heights.clear();
        }
        Section {
            columns,
            header_rows,
            rows: y,
            breakable: spec.breakable.unwrap_or(has_lists || has_paras),
            repeat_header,
            keep,
            heights,
            cells,
        }
    }

    /// The rows of one row spec in `scope`; x and y relative to the spec's first cell.
    fn rows(&self, scope: Scope<'_>, spec: &RowSpec) -> Vec<Row> {
        match spec {
            RowSpec::Cells(fixed) => vec![Row {
                cells: self.fixed_row(scope, &fixed.cells, false, &Covered(Vec::new())),
                keep: fixed.keep.then(|| self.keep_id()),
                height: fixed.height,
            }],
            RowSpec::Each(each) => self.each(scope, each),
        }
    }

    /// A row of fixed cells, placed past the columns `covered` by cells merged down
    /// from the rows above.
    fn fixed_row(
        &self,
        scope: Scope<'_>,
        specs: &[CellSpec],
        heading: bool,
        covered: &Covered,
    ) -> Vec<Cell> {
        let mut x = 0;
        let mut row = Vec::new();
        for spec in specs {
            while covered.is(x) {
                x += 1;
            }
            let mut c = self.cell(
                scope,
                spec,
                if heading { Role::Heading } else { Role::Label },
            );
            c.x = x;
            x += c.colspan;
            row.push(c);
        }
        row
    }

    fn each(&self, scope: Scope<'_>, each: &EachSpec) -> Vec<Row> {
        let Some(list) = field_in(scope.fields, &each.each) else {
            return Vec::new();
        };
        let list_path = paths::join(scope.path, &each.each);
        let items: &[Record] = match get_in(scope.record, &each.each) {
            Some(Value::List(items)) if !scope.blank => items,
            _ => &[],
        };
        let item_paths: Vec<String> = (0..items.len())
            .map(|i| format!("{list_path}[{i}]"))
            .collect();
        if each.tree {
            return self.tree_rows(list, items, &item_paths, each);
        }
        let blank = Record::new();
        let mut out = Vec::new();
        for i in 0..items.len().max(1) {
            let scope = Scope::item(list, items, &item_paths, &blank, Some(i));
            let mut rows: Vec<Row> = if each.row.is_empty() {
                each.rows.iter().flat_map(|r| self.rows(scope, r)).collect()
            } else {
                vec![Row::of(self.value_row(scope, &each.row))]
            };
            if rows.is_empty() {
                rows.push(Row::default());
            }
            if let Some(group) = &each.group {
                for row in &mut rows {
                    for c in row.cells.iter_mut() {
                        c.x += 1;
                    }
                }
                let mut g = self.cell(scope, group, Role::Group);
                g.role = Role::Group;
                g.align = Align::Center;
                g.rowspan = rows.len();
                g.colspan = 1;
                g.x = 0;
                rows[0].cells.insert(0, g);
            }
            if each.keep {
                let id = self.keep_id();
                for row in &mut rows {
                    row.keep = Some(id);
                }
            }
            out.extend(rows);
        }
        out
    }

    /// One row of an item's cells; plain paths print values.
    fn value_row(&self, scope: Scope<'_>, specs: &[CellSpec]) -> Vec<Cell> {
        let mut x = 0;
        let mut row = Vec::new();
        for spec in specs {
            let mut c = self.cell(scope, spec, Role::Value);
            c.x = x;
            x += c.colspan;
            row.push(c);
        }
        row
    }

    fn tree_rows(
        &self,
        list: &Field,
        items: &[Record],
        item_paths: &[String],
        each: &EachSpec,
    ) -> Vec<Row> {
        let rows = self.tree_cells(list, items, item_paths, each);
        if each.keep {
            // Each indicator's row stays whole.
            rows.into_iter()
                .map(|cells| Row {
                    cells,
                    keep: Some(self.keep_id()),
                    height: None,
                })
                .collect()
        } else {
            rows.into_iter().map(Row::of).collect()
        }
    }

    fn tree_cells(
        &self,
        list: &Field,
        items: &[Record],
        item_paths: &[String],
        each: &EachSpec,
    ) -> Vec<Vec<Cell>> {
        let Some(tree) = &list.tree else {
            return Vec::new();
        };
        let levels: Vec<Vec<String>> = items
            .iter()
            .map(|item| {
                tree.levels
                    .iter()
                    .map(|l| match item.get(l) {
                        Some(Value::Text(s)) => s.clone(),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect();
        let nodes = tree.arrange(&levels);
        let depth = tree.levels.len();
        let blank = Record::new();
        // One row of an indicator (or a blank row), shifted past the level columns.
        let leaf_row = |index: Option<usize>| -> Vec<Cell> {
            let scope = Scope::item(list, items, item_paths, &blank, index);
            let mut row = self.value_row(scope, &each.row);
            for c in &mut row {
                c.x += depth;
            }
            row
        };
        // The rows under a leaf-level node: its items, or one blank row.
        let node_rows = |node: &Node| -> Vec<Vec<Cell>> {
            if node.items.is_empty() {
                vec![leaf_row(None)]
            } else {
                node.items.iter().map(|&i| leaf_row(Some(i))).collect()
            }
        };
        let group = |x: usize, rows: usize, label: &str| {
            merged(x, 0, rows, Role::Group, Content::Text(label.to_owned()))
        };
        let mut out: Vec<Vec<Cell>> = Vec::new();
        for l1 in &nodes {
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            if depth == 1 {
                rows = node_rows(l1);
            } else {
                for l2 in &l1.children {
                    let mut sub = node_rows(l2);
                    let g = group(1, sub.len(), &l2.label);
                    sub[0].insert(0, g);
                    rows.extend(sub);
                }
                if rows.is_empty() {
                    let mut row = leaf_row(None);
                    row.insert(0, group(1, 1, ""));
                    rows.push(row);
                }
            }
            let g = group(0, rows.len(), &l1.label);
            rows[0].insert(0, g);
            out.extend(rows);
        }
        if out.is_empty() {
            let mut row = leaf_row(None);
            for level in (0..depth).rev() {
                row.insert(0, group(level, 1, ""));
            }
            out.push(row);
        }
        out
    }

    /// A cell for `spec` in `scope`; `plain` is the role of a bare path (a value in body
    /// rows, a heading's label otherwise).
    fn cell(&self, scope: Scope<'_>, spec: &CellSpec, plain: Role) -> Cell {
        let detail = match spec {
            CellSpec::Path(p) => {
                let d = CellDetail {
                    value: Some(p.clone()),
                    span: 1,
                    ..CellDetail::default()
                };
                return self.detail_cell(scope, &d, plain);
            }
            CellSpec::Full(d) => d,
        };
        self.detail_cell(scope, detail, plain)
    }

    fn detail_cell(&self, scope: Scope<'_>, d: &CellDetail, plain: Role) -> Cell {
        let mut cell = Cell {
            x: 0,
            y: 0,
            colspan: d.span.max(1),
            rowspan: d.rowspan.max(1),
            role: Role::Label,
            content: Content::Text(String::new()),
            align: Align::Center,
            prose: d.prose,
            indent: d.indent,
            path: None,
            value: None,
            open: None,
        };
        let heading = plain == Role::Heading || d.heading;
        if let Some(text) = &d.text {
            cell.content = Content::Text(text.clone());
            cell.role = if heading { Role::Heading } else { Role::Label };
        } else if let Some(path) = &d.label {
            let label = field_in(scope.fields, path)
                .map(|f| f.label.clone())
                .unwrap_or_default();
            cell.content = Content::Text(label);
            cell.role = if heading { Role::Heading } else { Role::Label };
        } else if let Some(path) = &d.group {
            let label = field_in(scope.fields, path)
                .and_then(|f| f.group.clone())
                .unwrap_or_default();
            cell.content = Content::Text(label);
            cell.role = Role::Heading;
        } else if let Some(path) = &d.value {
            let field = field_in(scope.fields, path);
            let full = paths::join(scope.path, path);
            let value = if scope.blank {
                None
            } else {
                get_in(scope.record, path)
                    .cloned()
                    .or_else(|| self.derived.get(&full).cloned())
            };
            cell.role = if plain == Role::Group {
                Role::Group
            } else {
                Role::Value
            };
            cell.align = match field.map(|f| f.kind) {
                Some(FieldType::Amount | FieldType::Number | FieldType::Percent) => Align::Right,
                _ if cell.role == Role::Group => Align::Center,
                _ => Align::Left,
            };
            cell.content = match (&value, field, &d.option) {
                (Some(Value::Choice(chosen)), Some(f), Some(option)) => {
                    Content::Text(if chosen == option {
                        f.mark.clone()
                    } else {
                        String::new()
                    })
                }
                (_, _, Some(_)) => Content::Text(String::new()),
                (Some(v), Some(f), None) => format_value(v, f),
                (None, Some(f), None) if f.kind == FieldType::Paragraphs => {
                    Content::Paras(Vec::new())
                }
                (None, Some(f), None) if f.kind == FieldType::Choice && !scope.blank => {
                    Content::Text(choice_text(f, None))
                }
                _ => Content::Text(String::new()),
            };
            if d.option.is_some() {
                cell.align = Align::Center;
            }
            if !scope.blank {
                cell.path = Some(full);
            }
            cell.value = value;
        }
        if let Some(a) = d.align {
            cell.align = a;
        }
        cell
    }
}

fn merged(x: usize, y: usize, rows: usize, role: Role, content: Content) -> Cell {
    Cell {
        x,
        y,
        colspan: 1,
        rowspan: rows.max(1),
        role,
        content,
        align: Align::Center,
        prose: false,
        indent: 0,
        path: None,
        value: None,
        open: None,
    }
}

/// Cells that reach from the header rows into the body split in two at the header's
/// end (a repeated header holds only its own rows): the part in the header keeps the
/// place and no text, open below; the part in the body has the text, open above.
fn split_at_header(cells: Vec<Cell>, header_rows: usize) -> Vec<Cell> {
    let mut out = Vec::with_capacity(cells.len() + 2);
    for c in cells {
        if c.y < header_rows && c.y + c.rowspan > header_rows {
            let mut top = c.clone();
            top.rowspan = header_rows - c.y;
            top.content = match &c.content {
                Content::Paras(_) => Content::Paras(Vec::new()),
                Content::Text(_) => Content::Text(String::new()),
            };
            top.path = None;
            top.value = None;
            top.open = Some(Open::Below);
            let mut body = c;
            body.rowspan -= header_rows - body.y;
            body.y = header_rows;
            body.open = Some(Open::Above);
            out.push(top);
            out.push(body);
        } else {
            out.push(c);
        }
    }
    out
}

/// The field at a relative path among `fields`.
fn field_in<'f>(fields: &'f [Field], path: &str) -> Option<&'f Field> {
    let mut list = fields;
    let mut found = None;
    for key in paths::keys(path) {
        let f = list.iter().find(|f| f.key == key)?;
        list = &f.fields;
        found = Some(f);
    }
    found
}

/// The value at a relative path (no list indices) in `record`.
fn get_in<'r>(record: &'r Record, path: &str) -> Option<&'r Value> {
    crate::declaration::get(record, path)
}

/// A value as the form prints it.
pub fn format_value(value: &Value, field: &Field) -> Content {
    match value {
        Value::Text(s) => Content::Text(single_line(s)),
        Value::Paragraphs(p) => Content::Paras(p.normalised()),
        Value::Amount(a) => Content::Text(a.to_form_string()),
        Value::Percent(m) | Value::Number(m) => Content::Text(m.text.clone()),
        Value::Year(y) => Content::Text(y.to_string()),
        Value::Date(d) => Content::Text(d.chinese()),
        Value::Bool(b) => Content::Text(if *b { "是" } else { "否" }.to_owned()),
        Value::Choice(c) => Content::Text(choice_text(field, Some(c))),
        Value::Table(_) | Value::List(_) => Content::Text(String::new()),
    }
}

/// A choice as forms print it: every option with a box, the chosen one ticked the way
/// clerks type it, `1.部门项目 □　2.公共项目 □√` (the bundled fonts have no ☑).
pub fn choice_text(field: &Field, chosen: Option<&str>) -> String {
    field
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mark = if chosen == Some(o.as_str()) {
                "□√"
            } else {
                "□"
            };
            format!("{}.{o} {mark}", i + 1)
        })
        .collect::<Vec<_>>()
        .join("\u{3000}")
}

/// A line of text outside the table ([`crate::kind::spec::LineSpec`]), filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// Where it is printed.
    pub at: LineAt,
    /// Its parts, left to right.
    pub parts: Vec<Part>,
}

/// One part of a line, as printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// What is printed: the prefix, then the value (or the part's `blank`).
    pub text: String,
    /// Alignment within the part's share of the line.
    pub align: Align,
    /// The part's share of the line's width.
    pub width: f64,
    /// The fixed text before the value (`label：` or the part's `text`); all of
    /// `text` for a part without a field.
    #[serde(skip)]
    pub prefix: String,
    /// The key path of the value shown, for parts with a field.
    #[serde(skip)]
    pub path: Option<String>,
    /// The value shown, when the declaration gives one.
    #[serde(skip)]
    pub value: Option<Value>,
}

/// The lines of `decl`'s kind, filled in with its values.
pub fn lines(decl: &Declaration) -> Vec<Line> {
    let year = decl.year().to_string();
    decl.kind()
        .spec
        .lines
        .iter()
        .map(|line| Line {
            at: line.at,
            parts: line
                .parts
                .iter()
                .map(|part| {
                    let field = part.field.as_deref().and_then(|p| decl.kind().field_at(p));
                    let prefix = match (&part.text, field) {
                        (Some(t), _) => t.replace("{year}", &year),
                        (None, Some(f)) => format!("{}：", f.label),
                        (None, None) => String::new(),
                    };
                    let value = part.field.as_deref().and_then(|p| decl.get(p)).cloned();
                    let shown = match (&value, field) {
                        (Some(v), Some(f)) if !v.is_blank() => format_value(v, f).joined(),
                        _ if part.field.is_some() => part.blank.clone(),
                        _ => String::new(),
                    };
                    Part {
                        text: format!("{prefix}{shown}"),
                        align: part.align,
                        width: part.width,
                        prefix,
                        path: part.field.clone(),
                        value,
                    }
                })
                .collect(),
        })
        .collect()
}
