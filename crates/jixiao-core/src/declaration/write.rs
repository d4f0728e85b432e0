//! Writing a declaration as TOML, in the layout of the samples: the kind first, then
//! every value in form order, each with its form label as a comment. Amounts are
//! written as strings of their exact digits (`"10891.615675"`), never through `f64`;
//! reading the text back gives the same declaration.
//!
//! [`to_toml_with`] adds notes: comment lines at the top and the end, and a note beside
//! any key (an importer names the cell each value came from).

use std::collections::BTreeMap;

use super::value::{Record, Value};
use super::Declaration;
use crate::kind::{common, paths, Field, FieldType};

/// Column of the `#` comments.
const COMMENT_COLUMN: usize = 36;

/// Extra comments for [`to_toml_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    /// Comment lines at the top (each written as `# …`), in place of the default
    /// title line.
    pub header: Vec<String>,
    /// A note appended to a key's comment, by its key path (`budget.basic`,
    /// `tasks[0].rows[1].amount`), e.g. the spreadsheet cell the value came from.
    pub notes: BTreeMap<String, String>,
    /// Comment lines at the end.
    pub footer: Vec<String>,
}

/// The declaration as TOML, with the form label of each key as a comment.
pub fn to_toml(decl: &Declaration) -> String {
    to_toml_with(decl, &Annotations::default())
}

/// The declaration as TOML, with the form label of each key and the notes of
/// `annotations` as comments.
pub fn to_toml_with(decl: &Declaration, annotations: &Annotations) -> String {
    let mut out = String::new();
    let kind = decl.kind();
    if annotations.header.is_empty() {
        out.push_str(&format!("# {} — jixiao 申报文件\n", decl.title()));
    }
    for line in &annotations.header {
        comment_line(&mut out, line);
    }
    out.push('\n');
    let writer = Writer {
        notes: &annotations.notes,
    };
    line(
        &mut out,
        &format!("kind = {}", string(kind.name())),
        &format!("表样：{}", kind.generic_title()),
    );
    writer.scalars(&mut out, decl.values(), &kind.fields, "");
    writer.containers(&mut out, decl.values(), &kind.fields, "", "");
    if !annotations.footer.is_empty() {
        out.push('\n');
        for line in &annotations.footer {
            comment_line(&mut out, line);
        }
    }
    out
}

/// `# text`, one comment line per line of `text`.
fn comment_line(out: &mut String, text: &str) {
    for l in text.split('\n') {
        let l = l.trim_end();
        if l.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
}

fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if crate::text::is_wide(c) { 2 } else { 1 })
        .sum()
}

/// A line of TOML with its comment aligned at [`COMMENT_COLUMN`]. The comment goes
/// after the last line of `text` (a multi-line string ends there), or after the
/// first line of an array written one item a line (`goal = [`).
fn line(out: &mut String, text: &str, comment: &str) {
    let array = text
        .split_once('\n')
        .filter(|(first, _)| first.ends_with(" = ["));
    let (head, tail) = match array {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    };
    out.push_str(head);
    if !comment.is_empty() {
        let last = head.rsplit('\n').next().unwrap_or(head);
        out.push_str(&" ".repeat(COMMENT_COLUMN.saturating_sub(width(last)).max(1)));
        out.push_str("# ");
        out.push_str(&comment.replace(['\n', '\r'], " "));
    }
    out.push('\n');
    if let Some(rest) = tail {
        out.push_str(rest);
        out.push('\n');
    }
}

/// A TOML basic string.
fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A value as a TOML value (an array of paragraphs one item a line); `None` for
/// containers.
fn scalar(value: &Value) -> Option<String> {
    Some(match value {
        Value::Text(s) | Value::Choice(s) => string(s),
        Value::Paragraphs(p) if p.0.len() == 1 => string(&p.0[0]),
        Value::Paragraphs(p) if p.0.is_empty() => "[]".to_owned(),
        Value::Paragraphs(p) => {
            let items: Vec<String> = p.0.iter().map(|s| format!("  {},", string(s))).collect();
            format!("[\n{}\n]", items.join("\n"))
        }
        Value::Amount(a) => string(&a.value().to_string()),
        Value::Percent(m) | Value::Number(m) => string(&m.text),
        Value::Year(y) => y.to_string(),
        Value::Date(d) => d.iso(),
        Value::Bool(b) => b.to_string(),
        Value::Table(_) | Value::List(_) => return None,
    })
}

/// The comment of a key: its label (under its heading, if it has one) and any note.
fn label_of(field: &Field) -> String {
    match &field.group {
        Some(g) if !g.is_empty() => format!("{g} · {}", field.label),
        _ => field.label.clone(),
    }
}

struct Writer<'a> {
    notes: &'a BTreeMap<String, String>,
}

impl Writer<'_> {
    fn comment(&self, label: String, path: &str) -> String {
        match self.notes.get(path) {
            Some(note) if !note.is_empty() => format!("{label}（{note}）"),
            _ => label,
        }
    }

    /// The scalar values of `record`; `at` is the record's key path with indices.
    fn scalars(&self, out: &mut String, record: &Record, fields: &[Field], at: &str) {
        for field in fields
            .iter()
            .filter(|f| !f.is_container() && f.key != common::KIND)
        {
            if let Some(text) = record.get(&field.key).and_then(scalar) {
                let path = paths::join(at, &field.key);
                line(
                    out,
                    &format!("{} = {text}", field.key),
                    &self.comment(label_of(field), &path),
                );
            }
        }
    }

    /// The tables and lists of `record`: `prefix` is the TOML table path (no indices),
    /// `at` the key path with indices.
    fn containers(
        &self,
        out: &mut String,
        record: &Record,
        fields: &[Field],
        prefix: &str,
        at: &str,
    ) {
        for field in fields.iter().filter(|f| f.is_container()) {
            let path = paths::join(prefix, &field.key);
            let here = paths::join(at, &field.key);
            match (field.kind, record.get(&field.key)) {
                (FieldType::Table, Some(Value::Table(inner))) if !inner.is_empty() => {
                    out.push('\n');
                    line(
                        out,
                        &format!("[{path}]"),
                        &self.comment(label_of(field), &here),
                    );
                    self.scalars(out, inner, &field.fields, &here);
                    self.containers(out, inner, &field.fields, &path, &here);
                }
                (FieldType::List, Some(Value::List(items))) => {
                    for (i, item) in items.iter().enumerate() {
                        let item_at = format!("{here}[{i}]");
                        out.push('\n');
                        line(
                            out,
                            &format!("[[{path}]]"),
                            &self.comment(label_of(field), &item_at),
                        );
                        self.scalars(out, item, &field.fields, &item_at);
                        self.containers(out, item, &field.fields, &path, &item_at);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
department = "测试“部门”\\局\n第二行"
year = 2025
goal = ["一段", "二段\n续"]
[budget]
basic = 10891.615675
project = "0.1"
[[tasks]]
name = "甲"
[[tasks.rows]]
content = "内容"
amount = 5
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "乙"
annual_value = "≥4场"
[signoff]
date = 2025-01-20
"#;

    #[test]
    fn a_written_declaration_reads_back_the_same() {
        let decl = Declaration::from_toml(SOURCE).expect("valid");
        let written = to_toml(&decl);
        let again = Declaration::from_toml(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(again, decl, "{written}");
        assert!(written.contains("basic = \"10891.615675\""), "{written}");
        assert!(
            written.contains("goal = [                            # 总体绩效目标\n  \"一段\",\n"),
            "{written}"
        );
    }

    #[test]
    fn notes_go_beside_their_keys_and_around_the_file() {
        let decl = Declaration::from_toml(SOURCE).expect("valid");
        let mut notes = Annotations {
            header: vec!["导入自 a.xlsx".into()],
            footer: vec!["未导入：Sheet1!A40".into()],
            ..Annotations::default()
        };
        notes
            .notes
            .insert("budget.basic".into(), "Sheet1!C5".into());
        notes
            .notes
            .insert("tasks[0].rows[0].amount".into(), "Sheet1!D12".into());
        let written = to_toml_with(&decl, &notes);
        assert!(
            written.starts_with("# 导入自 a.xlsx\n\nkind = "),
            "{written}"
        );
        assert!(
            written.contains("# 部门预算支出 · 基本支出（Sheet1!C5）"),
            "{written}"
        );
        assert!(
            written.contains("amount = \"5\"")
                && written.contains("拟投入的资金（万元）（Sheet1!D12）"),
            "{written}"
        );
        assert!(written.ends_with("\n# 未导入：Sheet1!A40\n"), "{written}");
        let again = Declaration::from_toml(&written).expect("valid");
        assert_eq!(again, decl);
    }
}
