//! The declaration: what a department fills in, one TOML file per form.
//!
//! Every key is short English snake_case; the kind's description ([`crate::kind`])
//! gives each its form label and type, and `samples/` shows the label beside each key.
//! A declaration names its kind (`kind = "project-self-evaluation"`; without it, the
//! 部门整体预算绩效目标申报表). Unknown keys are errors, so a typo never silently drops a
//! field.

pub mod parse;
pub mod value;
pub mod write;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use crate::amount::Amount;
use crate::date::Date;
use crate::diag::Severity;
use crate::finding::{Finding, Text};
use crate::kind::{common, paths, Field, FieldType, Kind, Kinds};
use crate::spans::SpanIndex;
pub use value::{Measure, Paragraphs, Record, Value};

/// One declaration of some kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    kind: Arc<Kind>,
    values: Record,
}

/// A declaration that could not be read: the TOML is malformed or does not fit the
/// kind's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong, Chinese then English.
    pub message: String,
    /// The byte range in the source the problem is at, when known.
    pub span: Option<Range<usize>>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.trim_end())
    }
}

impl std::error::Error for ParseError {}

/// The result of reading a declaration: the declaration, if its kind is known (its
/// fields hold what parsed), and every problem found on the way.
pub struct Reading {
    /// The declaration (possibly incomplete where findings say so).
    pub declaration: Option<Declaration>,
    /// The problems, unordered.
    pub findings: Vec<Finding>,
    /// Where each key is in the source.
    pub index: SpanIndex,
}

impl Declaration {
    /// Parses a declaration of one of the built-in kinds from TOML text; the first
    /// problem is the error. (`jixiao check` reports them all: [`crate::check`].)
    pub fn from_toml(source: &str) -> Result<Declaration, ParseError> {
        Declaration::from_toml_with(source, Kinds::builtin())
    }

    /// Parses a declaration of one of `kinds`.
    pub fn from_toml_with(source: &str, kinds: &Kinds) -> Result<Declaration, ParseError> {
        let table = DeTable::parse(source).map_err(|e| ParseError {
            message: e.message().to_owned(),
            span: e.span(),
        })?;
        let reading = Declaration::read(table.get_ref(), kinds);
        let mut errors: Vec<&Finding> = reading
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        errors.sort_by_key(|f| {
            f.span
                .clone()
                .or_else(|| reading.index.resolve(&f.path))
                .map_or(0, |s| s.start)
        });
        match (errors.first(), reading.declaration) {
            (None, Some(d)) => Ok(d),
            (Some(f), _) => Err(ParseError {
                message: format!("{} / {}", f.message.zh, f.message.en),
                span: f.span.clone().or_else(|| reading.index.resolve(&f.path)),
            }),
            (None, None) => Err(ParseError {
                message: "无法读取申报文件 / cannot read the declaration".into(),
                span: None,
            }),
        }
    }

    /// Reads a parsed TOML table: resolves its kind, then reads every field, collecting
    /// every problem.
    pub fn read(table: &DeTable<'_>, kinds: &Kinds) -> Reading {
        let index = SpanIndex::build(table);
        let mut findings = Vec::new();
        let named = match table.get(common::KIND).map(|v| v.get_ref()) {
            None => None,
            Some(DeValue::String(s)) => Some(s.to_string()),
            Some(_) => {
                findings.push(
                    Finding::error(
                        "type",
                        common::KIND,
                        Text::new(
                            "“表样（kind）”应为文字，如 \"department-target\"",
                            "kind must be a string, e.g. \"department-target\"",
                        ),
                    )
                    .label("表样（kind）"),
                );
                return Reading {
                    declaration: None,
                    findings,
                    index,
                };
            }
        };
        let kind = match kinds.resolve(named.as_deref()) {
            Ok(kind) => kind,
            Err(finding) => {
                findings.push(*finding);
                return Reading {
                    declaration: None,
                    findings,
                    index,
                };
            }
        };
        let mut values = parse::table(table, "", &kind.fields, &index, &mut findings);
        values.remove(common::KIND);
        Reading {
            declaration: Some(Declaration { kind, values }),
            findings,
            index,
        }
    }

    /// A declaration from values already typed (for importers and tests).
    pub fn from_values(kind: Arc<Kind>, values: Record) -> Declaration {
        Declaration { kind, values }
    }

    /// The kind.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The kind, shared.
    pub fn kind_arc(&self) -> &Arc<Kind> {
        &self.kind
    }

    /// The top-level values.
    pub fn values(&self) -> &Record {
        &self.values
    }

    /// The top-level values, to change (tests, importers).
    pub fn values_mut(&mut self) -> &mut Record {
        &mut self.values
    }

    /// The value at a key path (`budget.basic`, `tasks[0].rows[1].amount`).
    pub fn get(&self, path: &str) -> Option<&Value> {
        get(&self.values, path)
    }

    /// Sets the value at a key path whose tables and list items exist (for tests and
    /// importers); returns false if the path does not reach.
    pub fn set(&mut self, path: &str, value: Value) -> bool {
        set(&mut self.values, path, value)
    }

    /// The text at `path`, if it is text.
    pub fn text(&self, path: &str) -> Option<&str> {
        match self.get(path) {
            Some(Value::Text(s)) | Some(Value::Choice(s)) => Some(s),
            _ => None,
        }
    }

    /// Who files the form (部门名称, 实施单位…), on one line.
    pub fn filer(&self) -> String {
        crate::text::single_line(self.text(&self.kind.spec.filer).unwrap_or(""))
    }

    /// The department or unit that files the form (same as [`Declaration::filer`]).
    pub fn department(&self) -> String {
        self.filer()
    }

    /// The year the form declares.
    pub fn year(&self) -> i32 {
        match self.get(common::YEAR) {
            Some(Value::Year(y)) => *y,
            _ => 0,
        }
    }

    /// Whether `archive = true`.
    pub fn archive(&self) -> bool {
        matches!(self.get(common::ARCHIVE), Some(Value::Bool(true)))
    }

    /// The document's date: `date`, else the sign-off block's 填报日期.
    pub fn document_date(&self) -> Option<Date> {
        let date = |path: &str| match self.get(path) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        date(common::DATE).or_else(|| date(&format!("{}.date", common::SIGNOFF)))
    }

    /// The declaration as TOML (see [`write::to_toml`]).
    pub fn to_toml(&self) -> String {
        write::to_toml(self)
    }

    /// The title of the form, for this declaration's year.
    pub fn title(&self) -> String {
        self.kind.title(self.year())
    }

    /// Every amount of the declaration with its key path, in form order.
    pub fn amounts(&self) -> Vec<(String, Amount)> {
        let mut out = Vec::new();
        self.walk(&mut |path, field, value| {
            if let (FieldType::Amount, Value::Amount(a)) = (field.kind, value) {
                out.push((path.to_owned(), *a));
            }
        });
        out
    }

    /// Every text the user wrote, in form order, with its key path and form label.
    pub fn text_fields(&self) -> Vec<TextField<'_>> {
        let mut out = Vec::new();
        walk_values(
            &self.values,
            &self.kind.fields,
            "",
            &mut |path, field, value| match value {
                Value::Text(s) if field.key != common::KIND => out.push(TextField {
                    path: path.to_owned(),
                    label: field.title.clone(),
                    text: s.as_str(),
                }),
                Value::Paragraphs(p) => {
                    for (i, text) in p.0.iter().enumerate() {
                        out.push(TextField {
                            path: paragraph_path(path, i, p.0.len()),
                            label: field.title.clone(),
                            text: text.as_str(),
                        });
                    }
                }
                _ => {}
            },
        );
        out
    }

    /// Calls `f` with every value present, in form order, with its key path and field.
    pub fn walk(&self, f: &mut dyn FnMut(&str, &Field, &Value)) {
        walk_values(&self.values, &self.kind.fields, "", &mut |p, field, v| {
            f(p, field, v)
        });
    }
}

fn walk_values<'v>(
    record: &'v Record,
    fields: &[Field],
    prefix: &str,
    f: &mut dyn FnMut(&str, &Field, &'v Value),
) {
    for field in fields {
        let Some(value) = record.get(&field.key) else {
            continue;
        };
        let path = paths::join(prefix, &field.key);
        f(&path, field, value);
        match value {
            Value::Table(inner) => walk_values(inner, &field.fields, &path, f),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk_values(item, &field.fields, &format!("{path}[{i}]"), f);
                }
            }
            _ => {}
        }
    }
}

/// The value at `path` in `record` (`budget.basic`, `tasks[0].rows[1].amount`).
pub fn get<'a>(record: &'a Record, path: &str) -> Option<&'a Value> {
    let (head, rest) = split_first(path);
    let (key, index) = segment(head)?;
    let value = record.get(key)?;
    match (index, rest) {
        (None, None) => Some(value),
        (None, Some(rest)) => match value {
            Value::Table(t) => get(t, rest),
            _ => None,
        },
        (Some(i), Some(rest)) => match value {
            Value::List(items) => get(items.get(i)?, rest),
            _ => None,
        },
        (Some(_), None) => None,
    }
}

fn set(record: &mut Record, path: &str, new: Value) -> bool {
    let (head, rest) = split_first(path);
    let Some((key, index)) = segment(head) else {
        return false;
    };
    match (index, rest) {
        (None, None) => {
            record.insert(key.to_owned(), new);
            true
        }
        (None, Some(rest)) => match record.get_mut(key) {
            Some(Value::Table(t)) => set(t, rest, new),
            _ => false,
        },
        (Some(i), Some(rest)) => match record.get_mut(key) {
            Some(Value::List(items)) => items.get_mut(i).is_some_and(|item| set(item, rest, new)),
            _ => false,
        },
        (Some(_), None) => false,
    }
}

fn split_first(path: &str) -> (&str, Option<&str>) {
    match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    }
}

/// `rows[2]` → (`rows`, Some(2)); `budget` → (`budget`, None).
fn segment(segment: &str) -> Option<(&str, Option<usize>)> {
    match segment.split_once('[') {
        None => Some((segment, None)),
        Some((key, rest)) => Some((key, Some(rest.strip_suffix(']')?.parse().ok()?))),
    }
}

/// A piece of text the user wrote: its key path, the form label it fills, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextField<'a> {
    /// Key path in the declaration, e.g. `tasks[0].rows[1].content`.
    pub path: String,
    /// The label on the form, e.g. `年度重点工作任务 · 主要实施内容`.
    pub label: String,
    /// The text as written.
    pub text: &'a str,
}

/// `goal` for a single string, `goal[1]` for the second of an array of paragraphs.
fn paragraph_path(base: &str, index: usize, count: usize) -> String {
    if count == 1 {
        base.to_owned()
    } else {
        format!("{base}[{index}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
department = "测试部门"
year = 2025
goal = "目标"
[budget]
basic = 0.1
project = "13,078.68"
appropriation = 12345678901234.123456789
"#;

    fn amount(d: &Declaration, path: &str) -> Option<String> {
        match d.get(path) {
            Some(Value::Amount(a)) => Some(a.value().to_string()),
            _ => None,
        }
    }

    #[test]
    fn float_amounts_are_read_from_their_literal_text() {
        let d = Declaration::from_toml(MINIMAL).expect("valid");
        assert_eq!(amount(&d, "budget.basic"), Some("0.1".into()));
        assert_eq!(
            amount(&d, "budget.appropriation"),
            Some("12345678901234.123456789".into())
        );
        assert_eq!(amount(&d, "budget.project"), Some("13078.68".into()));
        assert_eq!(d.get("budget.transfer"), None);
        assert_eq!(d.kind().name(), "department-target");
        assert_eq!(d.filer(), "测试部门");
        assert_eq!(d.year(), 2025);
    }

    #[test]
    fn unknown_keys_are_errors_with_a_span() {
        let src = "department = \"x\"\nyear = 2025\ngoal = \"g\"\n[budget]\nbasik = 1\n";
        let err = Declaration::from_toml(src).expect_err("typo must fail");
        assert!(err.message.contains("basik"), "{err}");
        let span = err.span.expect("span");
        assert_eq!(&src[span], "basik");
    }

    #[test]
    fn missing_department_is_an_error() {
        let err = Declaration::from_toml("year = 2025").expect_err("must fail");
        assert!(err.message.contains("department"), "{err}");
    }

    #[test]
    fn an_unknown_kind_is_an_error_that_suggests_the_closest() {
        let err = Declaration::from_toml("kind = \"project-target2\"\nyear = 2025")
            .expect_err("must fail");
        assert!(err.message.contains("project-target"), "{err}");
    }

    #[test]
    fn paths_reach_into_tables_and_lists() {
        let d = Declaration::from_toml(
            "department = \"x\"\nyear = 2025\ngoal = [\"一\", \"二\"]\n[[tasks]]\nname = \"甲\"\n[[tasks.rows]]\ncontent = \"内容\"\namount = 5\n",
        )
        .expect("valid");
        assert_eq!(d.text("tasks[0].name"), Some("甲"));
        assert!(matches!(
            d.get("tasks[0].rows[0].amount"),
            Some(Value::Amount(_))
        ));
        assert_eq!(d.get("tasks[1].name"), None);
        let mut d = d;
        assert!(d.set("tasks[0].name", Value::Text("乙".into())));
        assert_eq!(d.text("tasks[0].name"), Some("乙"));
        let paths: Vec<String> = d.text_fields().iter().map(|t| t.path.clone()).collect();
        assert_eq!(
            paths,
            [
                "department",
                "goal[0]",
                "goal[1]",
                "tasks[0].name",
                "tasks[0].rows[0].content"
            ]
        );
    }
}
