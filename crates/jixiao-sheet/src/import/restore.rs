//! What a form does not print, and the same declaration as printed.
//!
//! A spreadsheet export (`jixiao export`) shows what the PDF shows. What the form does
//! not print — `date`, `archive`, the year of a kind whose title has none, any field
//! a variant's layout leaves out — is kept in the workbook's custom document
//! properties as TOML ([`UNPRINTED_PROPERTY`]), with the kind ([`KIND_PROPERTY`]) and
//! the totals and rates the export derived ([`DERIVED_PROPERTY`]), so that importing
//! the export gives the declaration back. [`canonical`] is what "the same declaration"
//! means: equal as printed.

use std::collections::BTreeSet;

use toml::de::DeTable;

use jixiao_core::declaration::{parse, Declaration, Paragraphs, Record, Value};
use jixiao_core::kind::{common, paths, Field, FieldType, Kind};
use jixiao_core::layout::printed_paths;
use jixiao_core::spans::SpanIndex;
use jixiao_core::totals;

/// Custom property: the kind's name.
pub const KIND_PROPERTY: &str = "jixiao-kind";
/// Custom property: the values the form does not print, as TOML.
pub const UNPRINTED_PROPERTY: &str = "jixiao-unprinted";
/// Custom property: the key paths of values the export derived (one a line).
pub const DERIVED_PROPERTY: &str = "jixiao-derived";

/// The top-level table printed below the form when no section prints it: the
/// sign-off block (填报人, 联系电话…), as the built-in template prints it.
pub fn footer_field(kind: &Kind) -> Option<&Field> {
    let field = kind
        .field(common::SIGNOFF)
        .filter(|f| f.kind == FieldType::Table)?;
    let prefix = format!("{}.", field.key);
    let printed = printed_paths(kind);
    (!printed.iter().any(|p| p.starts_with(&prefix))).then_some(field)
}

/// The spec paths (`tasks[].rows[].amount`) of every value the form shows: its
/// sections' cells, the tree labels, the year when the title shows it, the footer.
pub fn shown_paths(kind: &Kind) -> BTreeSet<String> {
    let mut shown = printed_paths(kind);
    if kind.spec.title.contains("{year}") || kind.spec.subtitle.contains("{year}") {
        shown.insert(common::YEAR.to_owned());
    }
    if let Some(footer) = footer_field(kind) {
        for f in &footer.fields {
            shown.insert(paths::join(&footer.key, &f.key));
        }
    }
    shown
}

/// The values of `decl` the form does not show, as a record of the same shape (list
/// items kept in place, empty where they hold nothing unshown); `None` when there are
/// none.
pub fn unshown(decl: &Declaration) -> Option<Record> {
    let shown = shown_paths(decl.kind());
    let record = unshown_record(decl.values(), &decl.kind().fields, "", &shown);
    (!record.is_empty()).then_some(record)
}

fn unshown_record(
    record: &Record,
    fields: &[Field],
    spec: &str,
    shown: &BTreeSet<String>,
) -> Record {
    let mut out = Record::new();
    for field in fields.iter().filter(|f| f.key != common::KIND) {
        let Some(value) = record.get(&field.key) else {
            continue;
        };
        let path = paths::join(spec, &field.key);
        match value {
            Value::Table(inner) => {
                let r = unshown_record(inner, &field.fields, &path, shown);
                if !r.is_empty() {
                    out.insert(field.key.clone(), Value::Table(r));
                }
            }
            Value::List(items) => {
                let inner_spec = format!("{path}[]");
                let list: Vec<Record> = items
                    .iter()
                    .map(|item| unshown_record(item, &field.fields, &inner_spec, shown))
                    .collect();
                if list.iter().any(|r| !r.is_empty()) {
                    out.insert(field.key.clone(), Value::List(list));
                }
            }
            v if !shown.contains(&path) && !v.is_blank() => {
                out.insert(field.key.clone(), v.clone());
            }
            _ => {}
        }
    }
    out
}

/// The unshown values as the TOML kept in [`UNPRINTED_PROPERTY`].
pub fn unshown_toml(decl: &Declaration) -> Option<String> {
    let record = unshown(decl)?;
    Some(Declaration::from_values(decl.kind_arc().clone(), record).to_toml())
}

/// Fills what the sheet does not show from the workbook's [`UNPRINTED_PROPERTY`]:
/// only keys the sheet left empty; list items by position.
pub(super) fn restore(
    kind: &Kind,
    properties: &std::collections::BTreeMap<String, String>,
    record: &mut Record,
) {
    let Some(text) = properties.get(UNPRINTED_PROPERTY) else {
        return;
    };
    let Ok(table) = DeTable::parse(text) else {
        return;
    };
    let index = SpanIndex::build(table.get_ref());
    let mut findings = Vec::new();
    let mut kept = parse::table(table.get_ref(), "", &kind.fields, &index, &mut findings);
    kept.remove(common::KIND);
    fill(record, kept);
}

fn fill(record: &mut Record, from: Record) {
    for (key, value) in from {
        match (record.get_mut(&key), value) {
            (None, v) => {
                record.insert(key, v);
            }
            (Some(Value::Table(mine)), Value::Table(theirs)) => fill(mine, theirs),
            (Some(Value::List(mine)), Value::List(theirs)) => {
                for (item, from) in mine.iter_mut().zip(theirs) {
                    fill(item, from);
                }
            }
            _ => {}
        }
    }
}

/// Leaves out the totals and rates the export derived ([`DERIVED_PROPERTY`]) when the
/// sheet still shows what they derive to: the declaration did not give them.
pub(super) fn underive(
    kind: &Kind,
    properties: &std::collections::BTreeMap<String, String>,
    record: &mut Record,
) {
    let Some(list) = properties.get(DERIVED_PROPERTY) else {
        return;
    };
    let kind = std::sync::Arc::new(kind.clone());
    for path in list.lines().map(str::trim).filter(|p| !p.is_empty()) {
        let Some(value) = remove_path(record, path) else {
            continue;
        };
        let decl = Declaration::from_values(kind.clone(), record.clone());
        let derived = totals::derive(&decl);
        if derived.get(path) != Some(&value) {
            super::walk::insert_path(record, path, value);
        }
    }
}

/// Removes the value at a path of tables, and a table it leaves empty.
fn remove_path(record: &mut Record, path: &str) -> Option<Value> {
    match path.split_once('.') {
        None => record.remove(path),
        Some((head, rest)) => {
            let Some(Value::Table(inner)) = record.get_mut(head) else {
                return None;
            };
            let removed = remove_path(inner, rest);
            if inner.is_empty() {
                record.remove(head);
            }
            removed
        }
    }
}

/// The declaration as the form prints it, for comparing two declarations: blank
/// values and empty lists and tables left out, paragraphs with their whitespace
/// normalised (as printed), indicators in printed order under the labels the tree
/// prints for them (an indicator with nothing but its labels left out: it prints as a
/// blank skeleton row). Two declarations with the same canonical form print the same.
pub fn canonical(decl: &Declaration) -> Declaration {
    let kind = decl.kind_arc().clone();
    let record = canonical_record(decl.values(), &kind.fields);
    Declaration::from_values(kind, record)
}

fn canonical_record(record: &Record, fields: &[Field]) -> Record {
    let mut out = Record::new();
    for field in fields {
        if let Some(v) = record
            .get(&field.key)
            .and_then(|v| canonical_value(v, field))
        {
            out.insert(field.key.clone(), v);
        }
    }
    out
}

fn canonical_value(value: &Value, field: &Field) -> Option<Value> {
    match value {
        Value::Paragraphs(p) => {
            let n = p.normalised();
            (!n.is_empty()).then_some(Value::Paragraphs(Paragraphs(n)))
        }
        Value::Table(t) => {
            let r = canonical_record(t, &field.fields);
            (!r.is_empty()).then_some(Value::Table(r))
        }
        Value::List(items) => {
            let mut items: Vec<Record> = items
                .iter()
                .map(|i| canonical_record(i, &field.fields))
                .filter(|r| !r.is_empty())
                .collect();
            if let Some(tree) = &field.tree {
                // An indicator of nothing but its labels prints as the skeleton's
                // blank row does.
                items.retain(|r| r.keys().any(|k| !tree.levels.contains(k)));
                items = printed_order(tree, items);
            }
            (!items.is_empty()).then_some(Value::List(items))
        }
        v if v.is_blank() => None,
        v => Some(v.clone()),
    }
}

/// Indicators in the order the tree prints them, each under its node's label.
fn printed_order(tree: &jixiao_core::kind::Tree, items: Vec<Record>) -> Vec<Record> {
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
    let mut out = Vec::with_capacity(items.len());
    let mut place = |i: usize, labels: &[&str]| {
        let mut item = items[i].clone();
        for (key, label) in tree.levels.iter().zip(labels) {
            if label.is_empty() {
                item.remove(key);
            } else {
                item.insert(key.clone(), Value::Text((*label).to_owned()));
            }
        }
        out.push(item);
    };
    for l1 in &nodes {
        if tree.levels.len() == 1 {
            for &i in &l1.items {
                place(i, &[&l1.label]);
            }
        } else {
            for l2 in &l1.children {
                for &i in &l2.items {
                    place(i, &[&l1.label, &l2.label]);
                }
            }
        }
    }
    out
}
