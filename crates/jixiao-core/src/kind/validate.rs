//! A description must hold together before any declaration is read with it: every path
//! in its layout, lines and checks names a field of the right type, rows fill their
//! section's columns (cells merged down from the rows above included), keys do not
//! repeat. Every message names the place (`[[section]] 3, row 2, cell 4`) and the key.

use super::spec::{
    BlockSpec, CellDetail, CellSpec, CheckSpec, FieldType, LineSpec, RowSpec, SectionSpec,
};
use super::{common, paths, Field, Kind, KindError};
use crate::text;
use crate::words::Text;

/// Where in the description a problem is, in both languages.
#[derive(Clone)]
struct Place(Text);

impl Place {
    fn new(zh: String, en: String) -> Place {
        Place(Text::new(zh, en))
    }

    /// This place, one step further in.
    fn then(&self, zh: String, en: String) -> Place {
        Place(Text::new(
            format!("{}，{zh}", self.0.zh),
            format!("{}, {en}", self.0.en),
        ))
    }

    /// An error at this place.
    fn err(&self, problem: Text) -> KindError {
        KindError(problem.after(&self.0))
    }
}

fn err(problem: Text) -> KindError {
    KindError(problem)
}

/// Whether `value` is a number of at least `least` (not NaN, not infinite).
fn at_least(value: f64, least: f64) -> bool {
    value.is_finite() && value >= least
}

/// Whether `value` is a positive number (not NaN, not infinite).
fn positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

/// Validates `kind` as a whole.
pub(super) fn validate(kind: &Kind) -> Result<(), KindError> {
    let name = &kind.spec.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(text!(
            "name = \"{name}\"：表样名只能用小写字母、数字和连字符",
            "name = \"{name}\": use lowercase letters, digits and hyphens"
        )));
    }
    for reserved in [common::KIND, common::DATE, common::ARCHIVE] {
        if kind.fields.iter().filter(|f| f.key == reserved).count() > 1 {
            return Err(err(text!(
                "`{reserved}` 是每个表样都有的键，不要在 [[field]] 中声明",
                "`{reserved}` is a key every kind has; do not declare it as a [[field]]"
            )));
        }
    }
    match kind.field(common::YEAR) {
        Some(f) if f.kind == FieldType::Year && f.required => {}
        _ => {
            return Err(err(text!(
                "每个表样都需要一个必填的年度字段：key = \"year\"，type = \"year\"，required = true",
                "every kind needs a required field `year` of type year (key = \"year\", type = \"year\", required = true)"
            )))
        }
    }
    let filer = &kind.spec.filer;
    match kind.field(filer) {
        Some(f) if f.kind == FieldType::Text => {}
        _ => {
            return Err(err(text!(
                "filer = \"{filer}\" 应为顶层的文字字段（填报单位）",
                "filer = \"{filer}\" must name a top-level text field (who files the form)"
            )))
        }
    }
    page(kind)?;
    fields(&kind.fields, "")?;
    for (i, section) in kind.spec.sections.iter().enumerate() {
        let place = Place::new(
            format!("[[section]] 第 {} 个", i + 1),
            format!("[[section]] {}", i + 1),
        );
        self::section(kind, section, &place)?;
    }
    for (i, line) in kind.spec.lines.iter().enumerate() {
        let place = Place::new(
            format!("[[line]] 第 {} 行", i + 1),
            format!("[[line]] {}", i + 1),
        );
        self::line(kind, line, &place)?;
    }
    for (i, check) in kind.spec.checks.iter().enumerate() {
        let place = Place::new(
            format!("[[check]] 第 {} 个", i + 1),
            format!("[[check]] {}", i + 1),
        );
        self::check(kind, check).map_err(|e| place.err(e.0))?;
    }
    everything_printed(kind)
}

fn page(kind: &Kind) -> Result<(), KindError> {
    let p = &kind.spec.page;
    for (key, value, least) in [
        ("width", p.width, f64::MIN_POSITIVE),
        ("label_width", p.label_width, f64::MIN_POSITIVE),
        ("text_size", p.text_size, f64::MIN_POSITIVE),
        ("title_size", p.title_size, f64::MIN_POSITIVE),
        ("subtitle_size", p.subtitle_size, f64::MIN_POSITIVE),
        ("row_height", p.row_height, 0.0),
    ] {
        if !at_least(value, least) {
            return Err(err(text!(
                "[page] {key} = {value}：应为正数",
                "[page] {key} = {value}: must be a positive number"
            )));
        }
    }
    Ok(())
}

/// Every value a declaration can hold has a cell in the layout or a line (or is printed
/// by the template itself: the sign-off block), so nothing the user writes is dropped.
fn everything_printed(kind: &Kind) -> Result<(), KindError> {
    let printed = super::cells::printed_paths(kind);
    for (path, field) in kind.walk() {
        // The year goes into the title (when it has `{year}`), the PDF's metadata and
        // the archive; the sign-off block is printed by the template under the table.
        if field.common
            || field.is_container()
            || path == common::YEAR
            || path.starts_with(&format!("{}.", common::SIGNOFF))
        {
            continue;
        }
        if !printed.contains(&path) {
            return Err(err(text!(
                "字段 `{path}` 在版式中没有单元格（[[section]] 的 rows 或 [[line]] 的 parts）：它永远不会被打印",
                "field `{path}` has no cell in the layout (the rows of a [[section]], or the parts of a [[line]]): it would never be printed"
            )));
        }
    }
    Ok(())
}

fn fields(list: &[Field], prefix: &str) -> Result<(), KindError> {
    for (i, f) in list.iter().enumerate() {
        let path = paths::join(prefix, &f.key);
        if f.key.is_empty()
            || !f
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(err(text!(
                "[[field]] key = \"{path}\"：键名用小写英文、数字和下划线（snake_case）",
                "[[field]] key = \"{path}\": keys are lowercase snake_case"
            )));
        }
        if list[..i].iter().any(|g| g.key == f.key) {
            return Err(err(text!(
                "字段 `{path}` 声明了两次",
                "field `{path}` is declared twice"
            )));
        }
        match f.kind {
            FieldType::Table | FieldType::List if f.fields.is_empty() => {
                return Err(err(text!(
                    "字段 `{path}`（type = \"table\" 或 \"list\"）需要内层字段 [[field.field]]",
                    "field `{path}` (a table or list) needs inner fields [[field.field]]"
                )))
            }
            FieldType::Table | FieldType::List => {}
            _ if !f.fields.is_empty() => {
                return Err(err(text!(
                    "字段 `{path}` 不是 table 或 list，不能有内层字段",
                    "field `{path}` is not a table or list; it cannot have fields"
                )))
            }
            FieldType::Choice if f.options.len() < 2 => {
                return Err(err(text!(
                    "选择字段 `{path}` 需要至少两个选项（options）",
                    "choice `{path}` needs two options or more"
                )))
            }
            _ => {}
        }
        if f.kind != FieldType::Choice && !f.options.is_empty() {
            return Err(err(text!(
                "字段 `{path}`：options 只用于 type = \"choice\"",
                "field `{path}`: options are for type = \"choice\""
            )));
        }
        if f.kind != FieldType::List && (!f.unique.is_empty() || !f.one_of.is_empty()) {
            return Err(err(text!(
                "字段 `{path}`：unique 和 one_of 只用于 type = \"list\"",
                "field `{path}`: unique and one_of are for type = \"list\""
            )));
        }
        for key in f.unique.iter().chain(f.one_of.iter().flatten()) {
            if f.child(key).is_none() {
                let known = keys_of(&f.fields);
                return Err(err(text!(
                    "字段 `{path}` 没有内层键 `{key}`（可用：{known}）",
                    "field `{path}` has no item key `{key}` (its keys: {known})"
                )));
            }
        }
        if let Some(tree) = &f.tree {
            if f.kind != FieldType::List {
                return Err(err(text!(
                    "字段 `{path}`：tree 只用于 type = \"list\"",
                    "field `{path}`: a tree is for lists"
                )));
            }
            for level in &tree.levels {
                match f.child(level) {
                    Some(c) if c.kind == FieldType::Text => {}
                    _ => {
                        let known = keys_of(&f.fields);
                        return Err(err(text!(
                            "字段 `{path}` 的 tree：层级 `{level}` 应为文字类型的内层键（可用：{known}）",
                            "tree of `{path}`: level `{level}` must be a text item key (its keys: {known})"
                        )));
                    }
                }
            }
        }
        let inner = if f.kind == FieldType::List {
            format!("{path}[]")
        } else {
            path
        };
        fields(&f.fields, &inner)?;
    }
    Ok(())
}

/// The keys of `fields`, for messages.
fn keys_of(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| format!("`{}`", f.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields a cell path may name: `scope` is the enclosing list item (inside `each`)
/// or the top level.
fn resolve<'a>(scope: &'a [Field], path: &str) -> Result<&'a Field, KindError> {
    let mut fields = scope;
    let mut found = None;
    for key in paths::keys(path) {
        let f = fields.iter().find(|f| f.key == key).ok_or_else(|| {
            let known = keys_of(fields);
            err(text!(
                "`{path}` 不是字段的路径：此处没有键 `{key}`（可用：{known}）",
                "`{path}` names no field: there is no key `{key}` here (keys: {known})"
            ))
        })?;
        fields = &f.fields;
        found = Some(f);
    }
    found.ok_or_else(|| err(text!("路径是空的", "an empty path")))
}

fn section(kind: &Kind, section: &SectionSpec, place: &Place) -> Result<(), KindError> {
    if section.columns.is_empty() || section.columns.iter().any(|w| !positive(*w)) {
        return Err(place.err(text!(
            "columns 应为正数的列宽（毫米）",
            "columns must be positive widths (millimetres)"
        )));
    }
    if let Some(field) = &section.field {
        if kind.field(field).is_none() {
            let known = keys_of(&kind.fields);
            return Err(place.err(text!(
                "field = \"{field}\" 不是顶层字段（可用：{known}）",
                "field = \"{field}\" is not a top-level field (keys: {known})"
            )));
        }
    }
    if let Some(h) = section.row_height {
        if !at_least(h, 0.0) {
            return Err(place.err(text!(
                "row_height = {h}：应为不小于 0 的毫米数",
                "row_height = {h}: must be millimetres, 0 or more"
            )));
        }
    }
    let has_own = !section.header.is_empty() || !section.rows.is_empty();
    if has_own && !section.blocks.is_empty() {
        return Err(place.err(text!(
            "一个 [[section]] 要么写 [[section.block]]，要么直接写 header 和 rows，不能都写",
            "give either [[section.block]]s or header/rows, not both"
        )));
    }
    if !has_own && section.blocks.is_empty() {
        return Err(place.err(text!(
            "[[section]] 需要 rows（或 [[section.block]]）",
            "a section needs rows (or [[section.block]]s)"
        )));
    }
    let width = section.columns.len();
    let blocks: Vec<BlockSpec> = if section.blocks.is_empty() {
        vec![BlockSpec {
            label: None,
            header: section.header.clone(),
            rows: section.rows.clone(),
        }]
    } else {
        section.blocks.clone()
    };
    if section.repeat_header && blocks.first().is_none_or(|b| b.header.is_empty()) {
        return Err(place.err(text!(
            "repeat_header = true 需要表头行（header）",
            "repeat_header = true needs header rows (header)"
        )));
    }
    for (bi, block) in blocks.iter().enumerate() {
        let place = if section.blocks.is_empty() {
            place.clone()
        } else {
            place.then(
                format!("第 {} 个 block", bi + 1),
                format!("block {}", bi + 1),
            )
        };
        if let Some(label) = &block.label {
            let here = place.then("label".into(), "label".into());
            let span = cell(&kind.fields, label, &here)?;
            if let CellSpec::Full(d) = label {
                if d.rowspan != 1 || span != 1 {
                    return Err(here.err(text!(
                        "block 的 label 占满整个 block 的行，不能写 span 或 rowspan",
                        "a block's label fills its block's rows: no span or rowspan"
                    )));
                }
            }
        }
        // Header rows: cells merged down stay inside the header.
        let mut merged = Merged::new(width);
        for (ri, row) in block.header.iter().enumerate() {
            let here = place.then(
                format!("header 第 {} 行", ri + 1),
                format!("header row {}", ri + 1),
            );
            cells(&kind.fields, row, &mut merged, &here)?;
            merged.next_row();
        }
        if merged.pending() {
            return Err(place.err(text!(
                "表头的单元格向下合并（rowspan）超出了表头行",
                "a header cell's rowspan reaches past the header rows"
            )));
        }
        for (ri, row) in block.rows.iter().enumerate() {
            let here = place.then(format!("rows 第 {} 行", ri + 1), format!("row {}", ri + 1));
            match row {
                RowSpec::Cells(fixed) => {
                    if let Some(h) = fixed.height {
                        if !at_least(h, 0.0) {
                            return Err(here.err(text!(
                                "height = {h}：应为不小于 0 的毫米数",
                                "height = {h}: must be millimetres, 0 or more"
                            )));
                        }
                    }
                    cells(&kind.fields, &fixed.cells, &mut merged, &here)?;
                    merged.next_row();
                }
                RowSpec::Each(_) if merged.pending() => {
                    return Err(here.err(text!(
                        "上面的单元格向下合并（rowspan）进入了重复行（each）：合并只能跨固定行",
                        "a cell above is merged down (rowspan) into rows repeated by `each`: merges span fixed rows only"
                    )));
                }
                RowSpec::Each(_) => self::row(&kind.fields, row, width, &here)?,
            }
        }
        if merged.pending() {
            return Err(place.err(text!(
                "单元格向下合并（rowspan）超出了最后一行",
                "a cell's rowspan reaches past the last row"
            )));
        }
    }
    Ok(())
}

/// The columns still covered by cells merged down from the rows above.
struct Merged {
    /// For each column, how many more rows it is covered.
    left: Vec<usize>,
}

impl Merged {
    fn new(width: usize) -> Merged {
        Merged {
            left: vec![0; width],
        }
    }

    fn covered(&self, x: usize) -> bool {
        self.left.get(x).is_some_and(|n| *n > 0)
    }

    /// Records a cell of the row being read, merged down `rows` rows (this one
    /// included): [`Merged::next_row`] then leaves `rows - 1` for the rows below.
    fn cover(&mut self, x: usize, span: usize, rows: usize) {
        for n in self.left.iter_mut().skip(x).take(span) {
            *n = rows;
        }
    }

    fn next_row(&mut self) {
        for n in &mut self.left {
            *n = n.saturating_sub(1);
        }
    }

    fn pending(&self) -> bool {
        self.left.iter().any(|n| *n > 0)
    }
}

/// Checks the row of a list (`each`), in a layout `width` columns wide.
fn row(scope: &[Field], row: &RowSpec, width: usize, place: &Place) -> Result<(), KindError> {
    match row {
        RowSpec::Cells(fixed) => {
            if fixed.height.is_some() {
                return Err(place.err(text!(
                    "重复行（each）里的固定行不能设 height：用 [[section]] 的 row_height",
                    "a fixed row inside rows repeated by `each` takes no height: use the section's row_height"
                )));
            }
            let mut merged = Merged::new(width);
            cells(scope, &fixed.cells, &mut merged, place)?;
            merged.next_row();
            if merged.pending() {
                return Err(place.err(text!(
                    "rowspan 只用于固定行和表头行，不能用在重复行（each）里",
                    "rowspan is for fixed rows and header rows, not inside rows repeated by `each`"
                )));
            }
            Ok(())
        }
        RowSpec::Each(each) => {
            let place = place.then(
                format!("each = \"{}\"", each.each),
                format!("each = \"{}\"", each.each),
            );
            let list = resolve(scope, &each.each).map_err(|e| place.err(e.0))?;
            if list.kind != FieldType::List {
                return Err(place.err(text!(
                    "each 应为列表字段（type = \"list\"）的路径",
                    "each must name a list field (type = \"list\")"
                )));
            }
            let mut inner = width;
            if let Some(group) = &each.group {
                let here = place.then("group".into(), "group".into());
                if cell(&list.fields, group, &here)? != 1 {
                    return Err(here.err(text!(
                        "group 单元格只占一列",
                        "the group cell takes one column"
                    )));
                }
                inner = inner.checked_sub(1).ok_or_else(|| {
                    place.err(text!(
                        "group 之后没有剩下的列",
                        "no column left for the rows after group"
                    ))
                })?;
            }
            if each.tree {
                let tree = list.tree.as_ref().ok_or_else(|| {
                    place.err(text!(
                        "tree = true，但列表字段没有 [field.tree]",
                        "tree = true, but the list field has no [field.tree]"
                    ))
                })?;
                inner = inner.checked_sub(tree.levels.len()).ok_or_else(|| {
                    place.err(text!(
                        "指标层级之后没有剩下的列",
                        "no column left for the rows after the tree's levels"
                    ))
                })?;
            }
            match (each.row.is_empty(), each.rows.is_empty()) {
                (false, true) => {
                    let mut merged = Merged::new(inner);
                    cells(&list.fields, &each.row, &mut merged, &place)?;
                    merged.next_row();
                    if merged.pending() {
                        return Err(place.err(text!(
                            "rowspan 只用于固定行和表头行，不能用在重复行（each）里",
                            "rowspan is for fixed rows and header rows, not inside rows repeated by `each`"
                        )));
                    }
                    Ok(())
                }
                (true, false) => {
                    for (i, r) in each.rows.iter().enumerate() {
                        let here =
                            place.then(format!("rows 第 {} 行", i + 1), format!("row {}", i + 1));
                        self::row(&list.fields, r, inner, &here)?;
                    }
                    Ok(())
                }
                _ => Err(place.err(text!(
                    "each 要么写 row（每项一行），要么写 rows（每项几行），二者取一",
                    "each takes either row (one row an item) or rows (several), not both or neither"
                ))),
            }
        }
    }
}

/// Checks a row of cells that, with the columns merged down from above, fills its
/// section's columns.
fn cells(
    scope: &[Field],
    row: &[CellSpec],
    merged: &mut Merged,
    place: &Place,
) -> Result<(), KindError> {
    let width = merged.left.len();
    let mut x = 0;
    let mut placed = Vec::new();
    for (i, c) in row.iter().enumerate() {
        while merged.covered(x) {
            x += 1;
        }
        let here = place.then(format!("第 {} 格", i + 1), format!("cell {}", i + 1));
        let span = cell(scope, c, &here)?;
        if (x..x + span).any(|col| merged.covered(col)) {
            return Err(here.err(text!(
                "此格与上面向下合并（rowspan）的单元格重叠",
                "this cell overlaps a cell merged down (rowspan) from a row above"
            )));
        }
        let rows = match c {
            CellSpec::Full(d) => d.rowspan,
            CellSpec::Path(_) => 1,
        };
        placed.push((x, span, rows));
        x += span;
    }
    while merged.covered(x) {
        x += 1;
    }
    if x != width {
        return Err(place.err(text!(
            "这一行占了 {x} 列（连同上面合并下来的），而本节有 {width} 列（columns）",
            "the row fills {x} of the section's {width} columns (with the cells merged down from above)"
        )));
    }
    for (x, span, rows) in placed {
        merged.cover(x, span, rows);
    }
    Ok(())
}

/// Checks one cell; returns its span.
fn cell(scope: &[Field], cell: &CellSpec, place: &Place) -> Result<usize, KindError> {
    match cell {
        CellSpec::Path(path) => {
            let f = resolve(scope, path).map_err(|e| place.err(e.0))?;
            if f.is_container() {
                return Err(place.err(text!(
                    "`{path}` 是 table 或 list，不是一个值：写它的内层键",
                    "`{path}` is a table or list, not a value: name one of its keys"
                )));
            }
            Ok(1)
        }
        CellSpec::Full(d) => detail(scope, d, place),
    }
}

fn detail(scope: &[Field], d: &CellDetail, place: &Place) -> Result<usize, KindError> {
    let named: Vec<&str> = [
        ("value", d.value.is_some()),
        ("label", d.label.is_some()),
        ("group", d.group.is_some()),
        ("text", d.text.is_some()),
    ]
    .iter()
    .filter(|(_, set)| *set)
    .map(|(k, _)| *k)
    .collect();
    if named.len() != 1 {
        let given = if named.is_empty() {
            "—".to_owned()
        } else {
            named.join(", ")
        };
        return Err(place.err(text!(
            "一个单元格恰好写 value、label、group、text 中的一个（这里：{given}）",
            "a cell names exactly one of value, label, group, text (this one: {given})"
        )));
    }
    if let Some(path) = &d.value {
        let f = resolve(scope, path).map_err(|e| place.err(e.0))?;
        if f.is_container() {
            return Err(place.err(text!(
                "value = \"{path}\" 是 table 或 list，不是一个值",
                "value = \"{path}\" is a table or list, not a value"
            )));
        }
        if let Some(option) = &d.option {
            if f.kind != FieldType::Choice {
                return Err(place.err(text!(
                    "option 只用于选择字段（type = \"choice\"）的 value 单元格",
                    "option is for the value cell of a choice field (type = \"choice\")"
                )));
            }
            if !f.options.contains(option) {
                let known = f.options.join("、");
                return Err(place.err(text!(
                    "option = \"{option}\" 不是 `{path}` 的选项（{known}）",
                    "option = \"{option}\" is not an option of `{path}` ({known})"
                )));
            }
        }
    } else if d.option.is_some() {
        return Err(place.err(text!(
            "option 只用于 value 单元格",
            "option is for value cells"
        )));
    }
    if let Some(path) = &d.label {
        resolve(scope, path).map_err(|e| place.err(e.0))?;
    }
    if let Some(path) = &d.group {
        if resolve(scope, path)
            .map_err(|e| place.err(e.0))?
            .group
            .is_none()
        {
            return Err(place.err(text!(
                "group = \"{path}\"：该字段没有 group（所属标题）",
                "group = \"{path}\": that field has no group heading"
            )));
        }
    }
    if d.span == 0 {
        return Err(place.err(text!("span 至少为 1", "span is one column or more")));
    }
    if d.rowspan == 0 {
        return Err(place.err(text!("rowspan 至少为 1", "rowspan is one row or more")));
    }
    if !d.anchor && d.value.is_some() {
        return Err(place.err(text!(
            "anchor 只用于固定文字（text、label、group），value 单元格总是按位置读取",
            "anchor is for fixed texts (text, label, group); a value cell is always read by its position"
        )));
    }
    Ok(d.span)
}

fn line(kind: &Kind, line: &LineSpec, place: &Place) -> Result<(), KindError> {
    if line.parts.is_empty() {
        return Err(place.err(text!("parts 不能为空", "parts must not be empty")));
    }
    for (i, part) in line.parts.iter().enumerate() {
        let here = place.then(format!("第 {} 段", i + 1), format!("part {}", i + 1));
        if part.text.is_none() && part.field.is_none() {
            return Err(here.err(text!(
                "每段写 text（固定文字）或 field（字段的值），或两者都写",
                "a part has text (fixed text), field (a field's value), or both"
            )));
        }
        if !positive(part.width) {
            return Err(here.err(text!(
                "width 应为正数（各段所占宽度的比例）",
                "width must be positive (the part's share of the line)"
            )));
        }
        if let Some(path) = &part.field {
            if path.contains("[]") {
                return Err(here.err(text!(
                    "field = \"{path}\"：表外的文字不能取列表中的值",
                    "field = \"{path}\": a line cannot show a value inside a list"
                )));
            }
            let f = resolve(&kind.fields, path).map_err(|e| here.err(e.0))?;
            if f.is_container() {
                return Err(here.err(text!(
                    "field = \"{path}\" 是 table 或 list，不是一个值",
                    "field = \"{path}\" is a table or list, not a value"
                )));
            }
            let keys: Vec<&str> = paths::keys(path).collect();
            for n in 1..keys.len() {
                if kind
                    .field_at(&keys[..n].join("."))
                    .is_some_and(|f| f.kind == FieldType::List)
                {
                    return Err(here.err(text!(
                        "field = \"{path}\"：表外的文字不能取列表中的值",
                        "field = \"{path}\": a line cannot show a value inside a list"
                    )));
                }
            }
        } else if !part.blank.is_empty() {
            return Err(here.err(text!(
                "blank 只用于有 field 的段",
                "blank is for parts with a field"
            )));
        }
    }
    Ok(())
}

fn numeric(kind: &Kind, path: &str) -> Result<(), KindError> {
    let f = kind
        .field_at(path)
        .ok_or_else(|| err(text!("`{path}` 不是字段的路径", "`{path}` names no field")))?;
    match f.kind {
        FieldType::Amount | FieldType::Number | FieldType::Percent => Ok(()),
        _ => Err(err(text!(
            "`{path}` 不是数值字段（amount、number、percent）",
            "`{path}` is not a number (amount, number, percent)"
        ))),
    }
}

fn check(kind: &Kind, check: &CheckSpec) -> Result<(), KindError> {
    let all = |ps: &[String]| ps.iter().try_for_each(|p| numeric(kind, p));
    match check {
        CheckSpec::EqualSums { groups, .. } => {
            if groups.len() < 2 {
                return Err(err(text!(
                    "equal-sums 比较两组或更多组（groups）",
                    "equal-sums compares two groups or more"
                )));
            }
            groups.iter().try_for_each(|g| all(&g.terms))
        }
        CheckSpec::Sum { total, parts, .. } => {
            numeric(kind, total)?;
            all(parts)
        }
        CheckSpec::AtMost { sum, limit, .. } => {
            all(&sum.terms)?;
            all(&limit.terms)
        }
        CheckSpec::Rate {
            rate,
            numerator,
            denominator,
            ..
        } => {
            match kind.field_at(rate).map(|f| f.kind) {
                Some(FieldType::Percent) => {}
                _ => {
                    return Err(err(text!(
                        "rate = \"{rate}\" 应为百分比字段（type = \"percent\"）",
                        "rate = \"{rate}\" must be a percent field"
                    )))
                }
            }
            numeric(kind, numerator)?;
            numeric(kind, denominator)
        }
        CheckSpec::AtMostEach { value, max, .. } => {
            numeric(kind, value)?;
            numeric(kind, max)
        }
        CheckSpec::SumEquals { terms, equals, .. } => {
            all(terms)?;
            equals
                .parse::<rust_decimal::Decimal>()
                .map(|_| ())
                .map_err(|_| {
                    err(text!(
                        "equals = \"{equals}\" 不是数字",
                        "equals = \"{equals}\" is not a number"
                    ))
                })
        }
    }
}
