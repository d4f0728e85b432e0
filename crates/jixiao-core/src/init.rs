//! `jixiao init`: a blank declaration of a kind with every key, the kind's indicator
//! skeleton and the Chinese form label beside each key — ready to fill in. Generated
//! from the kind's description, so it always matches the parser.

use crate::kind::{common, Field, FieldType, Kind};

/// The name of the JSON Schema file `init` writes beside the declaration.
pub fn schema_file(kind: &Kind) -> String {
    format!("jixiao.{}.schema.json", kind.name())
}

/// Column of the `#` comments.
const COMMENT_COLUMN: usize = 36;

fn line(out: &mut String, text: &str, comment: &str) {
    let width: usize = text
        .chars()
        .map(|c| if crate::text::is_wide(c) { 2 } else { 1 })
        .sum();
    let pad = COMMENT_COLUMN.saturating_sub(width).max(1);
    out.push_str(text);
    out.push_str(&" ".repeat(pad));
    out.push_str("# ");
    out.push_str(comment);
    out.push('\n');
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn blank_value(field: &Field, year: i32) -> String {
    match field.kind {
        FieldType::Year => year.to_string(),
        FieldType::Boolean => "false".to_owned(),
        _ => "\"\"".to_owned(),
    }
}

fn comment(field: &Field) -> String {
    match field.kind {
        FieldType::Choice => format!("{}（{}，选一）", field.label, field.options.join(" / ")),
        FieldType::Amount => format!("{}（万元）", field.label.trim_end_matches("（万元）")),
        _ if field.key == common::DATE => {
            "文档日期（写入 PDF，不打印；归档时必填），如 2025-01-20".to_owned()
        }
        _ if field.key == common::ARCHIVE => "归档：true 则生成 PDF/A-3b 并附上本文件".to_owned(),
        _ => field.label.clone(),
    }
}

/// The value lines of `fields` (scalars only), with `preset` values for some keys.
fn scalars(out: &mut String, fields: &[Field], year: i32, preset: &[(&str, &str)]) {
    for field in fields
        .iter()
        .filter(|f| !f.is_container() && f.key != common::KIND)
    {
        if let Some((_, v)) = preset.iter().find(|(k, _)| *k == field.key) {
            line(
                out,
                &format!("{} = {}", field.key, quoted(v)),
                &comment(field),
            );
        } else if field.kind == FieldType::Paragraphs
            && field.empty == Some(crate::kind::Level::Error)
        {
            // A comment after the opening quotes would be part of the text: put it above.
            out.push_str(&format!(
                "# {}（可分多段，段与段之间空一行）\n{} = \"\"\"\n\n\"\"\"\n",
                field.label, field.key
            ));
        } else {
            line(
                out,
                &format!("{} = {}", field.key, blank_value(field, year)),
                &comment(field),
            );
        }
    }
}

/// The tables and lists of `fields` under the TOML path `prefix`.
fn containers(out: &mut String, fields: &[Field], prefix: &str, year: i32) {
    for field in fields.iter().filter(|f| f.is_container()) {
        let path = crate::kind::paths::join(prefix, &field.key);
        out.push('\n');
        if !field.about.is_empty() {
            out.push_str(&format!("# {}：{}\n", field.label, field.about));
        }
        match (&field.kind, &field.tree) {
            (FieldType::Table, _) => {
                line(out, &format!("[{path}]"), &field.label);
                scalars(out, &field.fields, year, &[]);
                containers(out, &field.fields, &path, year);
            }
            (FieldType::List, Some(tree)) => {
                out.push_str("# 下面按标准框架为每个末级指标各留一条；有多个指标时复制该段，用不到的可删去（表中仍打印空行）。\n");
                for branch in &tree.branches {
                    let leaves: Vec<Option<&str>> = if branch.children.is_empty() {
                        vec![None]
                    } else {
                        branch.children.iter().map(|c| Some(c.as_str())).collect()
                    };
                    for child in leaves {
                        out.push('\n');
                        line(out, &format!("[[{path}]]"), &field.label);
                        let mut preset = vec![(tree.levels[0].as_str(), branch.name.as_str())];
                        if let (Some(key), Some(child)) = (tree.levels.get(1), child) {
                            preset.push((key.as_str(), child));
                        }
                        scalars(out, &field.fields, year, &preset);
                    }
                }
            }
            (FieldType::List, None) => {
                line(out, &format!("[[{path}]]"), &field.label);
                scalars(out, &field.fields, year, &[]);
                containers(out, &field.fields, &path, year);
            }
            _ => {}
        }
    }
}

/// A blank declaration of `kind` for the year `year`.
pub fn blank_declaration(kind: &Kind, year: i32) -> String {
    let mut out = String::new();
    out.push_str(&format!("#:schema ./{}\n", schema_file(kind)));
    out.push_str(&format!("# {} — jixiao 申报文件\n", kind.title(year)));
    out.push_str("# 每个键右侧的注释是它在表中对应的栏目。填好后运行：\n");
    out.push_str(
        "#   jixiao check 本文件.toml    （检查）\n#   jixiao render 本文件.toml   （生成 PDF）\n",
    );
    out.push_str(
        "# 文字用英文双引号括起来；长文字可用三个双引号 \"\"\" … \"\"\" 跨行书写，空一行即分段。\n",
    );
    out.push_str(
        "# 金额单位：万元，写成 6686.98 或 \"6,686.98\"；不填的金额在表中留空，为零请写 0。\n\n",
    );
    line(
        &mut out,
        &format!("kind = {}", quoted(kind.name())),
        &format!("表样：{}", kind.generic_title()),
    );
    scalars(&mut out, &kind.fields, year, &[]);
    containers(&mut out, &kind.fields, "", year);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check, DeclarationSource};
    use crate::kind::Kinds;

    #[test]
    fn every_blank_has_every_key_and_checks_with_only_fill_in_findings() {
        for kind in Kinds::builtin().iter() {
            let text = blank_declaration(kind, 2026);
            for (path, field) in kind.walk() {
                if field.is_container() {
                    continue;
                }
                assert!(
                    text.contains(&format!("\n{} = ", field.key)),
                    "{}: {path} missing from the blank",
                    kind.name()
                );
            }
            let decl = crate::Declaration::from_toml(&text)
                .unwrap_or_else(|e| panic!("{}: the blank parses: {e}", kind.name()));
            assert_eq!(decl.year(), 2026);
            assert_eq!(decl.kind().name(), kind.name());
            let report = check(
                DeclarationSource::from_bytes("blank.toml".into(), text.into_bytes()),
                Kinds::builtin(),
                // The blank holds only characters every font has.
                &|_: char| true,
            );
            for f in &report.findings {
                assert!(
                    matches!(
                        f.code.as_ref(),
                        "empty" | "amount-blank" | "no-value" | "empty-list"
                    ),
                    "{}: unexpected finding {} at {}",
                    kind.name(),
                    f.code,
                    f.path
                );
            }
        }
    }
}
