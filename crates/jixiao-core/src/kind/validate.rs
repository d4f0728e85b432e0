//! A description must hold together before any declaration is read with it: every path
//! in its layout and checks names a field of the right type, rows fill their section's
//! columns, keys do not repeat.

use super::spec::{BlockSpec, CellSpec, CheckSpec, FieldType, RowSpec, SectionSpec};
use super::{common, paths, Field, Kind, KindError};

fn err(msg: impl Into<String>) -> KindError {
    KindError(msg.into())
}

/// Validates `kind` as a whole.
pub(super) fn validate(kind: &Kind) -> Result<(), KindError> {
    let name = &kind.spec.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(format!(
            "name `{name}`: use lowercase letters, digits and hyphens"
        )));
    }
    for reserved in [common::KIND, common::DATE, common::ARCHIVE] {
        if kind.fields.iter().filter(|f| f.key == reserved).count() > 1 {
            return Err(err(format!(
                "`{reserved}` is a key every kind has; do not declare it"
            )));
        }
    }
    match kind.field(common::YEAR) {
        Some(f) if f.kind == FieldType::Year && f.required => {}
        _ => return Err(err("every kind needs a required field `year` of type year")),
    }
    match kind.field(&kind.spec.filer) {
        Some(f) if f.kind == FieldType::Text => {}
        _ => {
            return Err(err(format!(
                "filer `{}` must name a top-level text field",
                kind.spec.filer
            )))
        }
    }
    fields(&kind.fields, "")?;
    for (i, section) in kind.spec.sections.iter().enumerate() {
        self::section(kind, section).map_err(|e| err(format!("section {}: {}", i + 1, e.0)))?;
    }
    for (i, check) in kind.spec.checks.iter().enumerate() {
        self::check(kind, check).map_err(|e| err(format!("check {}: {}", i + 1, e.0)))?;
    }
    everything_printed(kind)
}

/// Every value a declaration can hold has a cell in the layout (or is printed by the
/// template itself: the sign-off block), so nothing the user writes is dropped.
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
            return Err(err(format!(
                "field `{path}` has no cell in the layout: it would never be printed"
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
            return Err(err(format!(
                "field `{path}`: keys are lowercase snake_case"
            )));
        }
        if list[..i].iter().any(|g| g.key == f.key) {
            return Err(err(format!("field `{path}` is declared twice")));
        }
        match f.kind {
            FieldType::Table | FieldType::List if f.fields.is_empty() => {
                return Err(err(format!("field `{path}` needs inner fields")))
            }
            FieldType::Table | FieldType::List => {}
            _ if !f.fields.is_empty() => {
                return Err(err(format!(
                    "field `{path}` is not a table or list; it cannot have fields"
                )))
            }
            FieldType::Choice if f.options.len() < 2 => {
                return Err(err(format!("choice `{path}` needs two options or more")))
            }
            _ => {}
        }
        if f.kind != FieldType::List && (!f.unique.is_empty() || !f.one_of.is_empty()) {
            return Err(err(format!(
                "field `{path}`: unique and one_of are for lists"
            )));
        }
        for key in f.unique.iter().chain(f.one_of.iter().flatten()) {
            if f.child(key).is_none() {
                return Err(err(format!("field `{path}` has no item key `{key}`")));
            }
        }
        if let Some(tree) = &f.tree {
            if f.kind != FieldType::List {
                return Err(err(format!("field `{path}`: a tree is for lists")));
            }
            for level in &tree.levels {
                match f.child(level) {
                    Some(c) if c.kind == FieldType::Text => {}
                    _ => {
                        return Err(err(format!(
                            "tree of `{path}`: level `{level}` must be a text item key"
                        )))
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

/// The fields a cell path may name: `scope` is the enclosing list item (inside `each`)
/// or the top level.
fn resolve<'a>(scope: &'a [Field], path: &str) -> Result<&'a Field, KindError> {
    let mut fields = scope;
    let mut found = None;
    for key in paths::keys(path) {
        let f = fields
            .iter()
            .find(|f| f.key == key)
            .ok_or_else(|| err(format!("`{path}` names no field")))?;
        fields = &f.fields;
        found = Some(f);
    }
    found.ok_or_else(|| err("an empty path"))
}

fn section(kind: &Kind, section: &SectionSpec) -> Result<(), KindError> {
    if section.columns.is_empty() || section.columns.iter().any(|w| *w <= 0.0) {
        return Err(err("columns must be positive widths"));
    }
    if let Some(field) = &section.field {
        if kind.field(field).is_none() {
            return Err(err(format!("field `{field}` is not a top-level field")));
        }
    }
    let has_own = !section.header.is_empty() || !section.rows.is_empty();
    if has_own && !section.blocks.is_empty() {
        return Err(err("give either blocks or header/rows"));
    }
    if !has_own && section.blocks.is_empty() {
        return Err(err("a section needs rows"));
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
    for block in &blocks {
        if let Some(label) = &block.label {
            cell(&kind.fields, label)?;
        }
        for row in &block.header {
            cells(&kind.fields, row, width)?;
        }
        for row in &block.rows {
            self::row(&kind.fields, row, width)?;
        }
    }
    Ok(())
}

fn row(scope: &[Field], row: &RowSpec, width: usize) -> Result<(), KindError> {
    match row {
        RowSpec::Cells(c) => cells(scope, c, width),
        RowSpec::Each(each) => {
            let list = resolve(scope, &each.each)?;
            if list.kind != FieldType::List {
                return Err(err(format!("each `{}` is not a list", each.each)));
            }
            let mut inner = width;
            if let Some(group) = &each.group {
                cell(&list.fields, group)?;
                inner = inner
                    .checked_sub(1)
                    .ok_or_else(|| err("no column left for the rows"))?;
            }
            if each.tree {
                let tree = list
                    .tree
                    .as_ref()
                    .ok_or_else(|| err(format!("`{}` has no tree", each.each)))?;
                inner = inner
                    .checked_sub(tree.levels.len())
                    .ok_or_else(|| err("no column left for the rows"))?;
            }
            match (each.row.is_empty(), each.rows.is_empty()) {
                (false, true) => cells(&list.fields, &each.row, inner),
                (true, false) => {
                    for r in &each.rows {
                        self::row(&list.fields, r, inner)?;
                    }
                    Ok(())
                }
                _ => Err(err(format!(
                    "each `{}`: give either row or rows",
                    each.each
                ))),
            }
        }
    }
}

fn cells(scope: &[Field], row: &[CellSpec], width: usize) -> Result<(), KindError> {
    let mut used = 0;
    for c in row {
        used += cell(scope, c)?;
    }
    if used != width {
        return Err(err(format!(
            "a row fills {used} of {width} columns: {row:?}"
        )));
    }
    Ok(())
}

/// Checks one cell; returns its span.
fn cell(scope: &[Field], cell: &CellSpec) -> Result<usize, KindError> {
    match cell {
        CellSpec::Path(path) => {
            let f = resolve(scope, path)?;
            if f.is_container() {
                return Err(err(format!("`{path}` is a table or list, not a value")));
            }
            Ok(1)
        }
        CellSpec::Full(d) => {
            let named = [&d.value, &d.label, &d.group, &d.text]
                .iter()
                .filter(|x| x.is_some())
                .count();
            if named != 1 {
                return Err(err("a cell names exactly one of value, label, group, text"));
            }
            if let Some(path) = &d.value {
                let f = resolve(scope, path)?;
                if f.is_container() {
                    return Err(err(format!("`{path}` is a table or list, not a value")));
                }
            }
            if let Some(path) = &d.label {
                resolve(scope, path)?;
            }
            if let Some(path) = &d.group {
                if resolve(scope, path)?.group.is_none() {
                    return Err(err(format!("`{path}` has no group heading")));
                }
            }
            if d.span == 0 {
                return Err(err("a cell spans one column or more"));
            }
            Ok(d.span)
        }
    }
}

fn numeric(kind: &Kind, path: &str) -> Result<(), KindError> {
    let f = kind
        .field_at(path)
        .ok_or_else(|| err(format!("`{path}` names no field")))?;
    match f.kind {
        FieldType::Amount | FieldType::Number | FieldType::Percent => Ok(()),
        _ => Err(err(format!("`{path}` is not a number"))),
    }
}

fn check(kind: &Kind, check: &CheckSpec) -> Result<(), KindError> {
    let all = |ps: &[String]| ps.iter().try_for_each(|p| numeric(kind, p));
    match check {
        CheckSpec::EqualSums { groups, .. } => {
            if groups.len() < 2 {
                return Err(err("equal-sums compares two groups or more"));
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
                _ => return Err(err(format!("rate `{rate}` must be a percent field"))),
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
                .map_err(|_| err(format!("`{equals}` is not a number")))
        }
    }
}
