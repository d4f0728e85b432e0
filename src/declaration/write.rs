//! Writing a declaration as TOML, in the layout of the samples: the kind first, then
//! every value in form order, each with its form label as a comment. Amounts are
//! written as strings of their exact digits (`"10891.615675"`), never through `f64`;
//! reading the text back gives the same declaration.

use super::value::{Record, Value};
use super::Declaration;
use crate::kind::{common, paths, Field, FieldType};

/// Column of the `#` comments.
const COMMENT_COLUMN: usize = 36;

/// The declaration as TOML, with the form label of each key as a comment.
pub fn to_toml(decl: &Declaration) -> String {
    let mut out = String::new();
    let kind = decl.kind();
    out.push_str(&format!("# {} — jixiao 申报文件\n\n", decl.title()));
    line(
        &mut out,
        &format!("kind = {}", string(kind.name())),
        &format!("表样：{}", kind.generic_title()),
    );
    scalars(&mut out, decl.values(), &kind.fields);
    containers(&mut out, decl.values(), &kind.fields, "");
    out
}

fn line(out: &mut String, text: &str, comment: &str) {
    let first = text.lines().last().unwrap_or(text);
    let width: usize = first
        .chars()
        .map(|c| if crate::text::is_wide(c) { 2 } else { 1 })
        .sum();
    out.push_str(text);
    if !comment.is_empty() {
        out.push_str(&" ".repeat(COMMENT_COLUMN.saturating_sub(width).max(1)));
        out.push_str("# ");
        out.push_str(&comment.replace('\n', " "));
    }
    out.push('\n');
}

/// A TOML basic string.
fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A value as a TOML value; `None` for containers.
fn scalar(value: &Value) -> Option<String> {
    Some(match value {
        Value::Text(s) | Value::Choice(s) => string(s),
        Value::Paragraphs(p) if p.0.len() == 1 => string(&p.0[0]),
        Value::Paragraphs(p) => {
            let items: Vec<String> = p.0.iter().map(|s| string(s)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Amount(a) => string(&a.value().to_string()),
        Value::Percent(m) | Value::Number(m) => string(&m.text),
        Value::Year(y) => y.to_string(),
        Value::Date(d) => d.iso(),
        Value::Bool(b) => b.to_string(),
        Value::Table(_) | Value::List(_) => return None,
    })
}

fn scalars(out: &mut String, record: &Record, fields: &[Field]) {
    for field in fields
        .iter()
        .filter(|f| !f.is_container() && f.key != common::KIND)
    {
        if let Some(text) = record.get(&field.key).and_then(scalar) {
            line(out, &format!("{} = {text}", field.key), &field.label);
        }
    }
}

fn containers(out: &mut String, record: &Record, fields: &[Field], prefix: &str) {
    for field in fields.iter().filter(|f| f.is_container()) {
        let path = paths::join(prefix, &field.key);
        match (field.kind, record.get(&field.key)) {
            (FieldType::Table, Some(Value::Table(inner))) if !inner.is_empty() => {
                out.push('\n');
                line(out, &format!("[{path}]"), &field.label);
                scalars(out, inner, &field.fields);
                containers(out, inner, &field.fields, &path);
            }
            (FieldType::List, Some(Value::List(items))) => {
                for item in items {
                    out.push('\n');
                    line(out, &format!("[[{path}]]"), &field.label);
                    scalars(out, item, &field.fields);
                    containers(out, item, &field.fields, &path);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_declaration_reads_back_the_same() {
        let source = r#"
department = "测试“部门”\\局"
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
        let decl = Declaration::from_toml(source).expect("valid");
        let written = to_toml(&decl);
        let again = Declaration::from_toml(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(again, decl, "{written}");
        assert!(written.contains("basic = \"10891.615675\""), "{written}");
    }
}
