//! `jixiao init`: a blank declaration with every key, the template's indicator skeleton
//! and the Chinese form label beside each key — ready to fill in. Generated from the
//! declaration's shape ([`crate::check::shape`]), so it always matches the model.

use crate::check::shape::{Field, Kind, BUDGET, INDICATOR, ROOT, SIGNOFF, TASK, TASK_ROW};
use crate::template::Manifest;

/// The name of the JSON Schema file `init` writes beside the declaration.
pub const SCHEMA_FILE: &str = "jixiao.schema.json";

fn line(out: &mut String, text: &str, label: &str) {
    let width: usize = text
        .chars()
        .map(|c| if crate::text::is_wide(c) { 2 } else { 1 })
        .sum();
    let pad = 36usize.saturating_sub(width).max(1);
    out.push_str(text);
    out.push_str(&" ".repeat(pad));
    out.push_str("# ");
    out.push_str(label);
    out.push('\n');
}

fn value_line(out: &mut String, field: &Field, value: &str) {
    let label = field.label.rsplit(" · ").next().unwrap_or(field.label);
    line(out, &format!("{} = {value}", field.key), label);
}

fn blank_value(field: &Field) -> &'static str {
    match field.kind {
        Kind::Amount | Kind::Text | Kind::Paragraphs | Kind::Date => "\"\"",
        _ => "",
    }
}

fn fields(out: &mut String, fields: &[Field]) {
    for field in fields.iter().filter(|f| {
        matches!(
            f.kind,
            Kind::Text | Kind::Amount | Kind::Paragraphs | Kind::Date
        )
    }) {
        value_line(out, field, blank_value(field));
    }
}

/// A blank declaration for the form `manifest` describes, for budget year `year`.
pub fn blank_declaration(manifest: &Manifest, year: i32) -> String {
    let mut out = String::new();
    out.push_str(&format!("#:schema ./{SCHEMA_FILE}\n"));
    out.push_str("# 部门整体预算绩效目标申报表 — jixiao 申报文件\n");
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
    for field in ROOT {
        match field.key {
            "year" => value_line(&mut out, field, &year.to_string()),
            "goal" => {
                // A comment after the opening quotes would be part of the text: put it above.
                out.push_str(
                    "# 总体绩效目标（可分多段，段与段之间空一行）\ngoal = \"\"\"\n\n\"\"\"\n",
                );
            }
            "date" => line(
                &mut out,
                "date = \"\"",
                "文档日期（写入 PDF，不打印；归档时必填），如 2025-01-20",
            ),
            "archive" => line(
                &mut out,
                "archive = false",
                "归档：true 则生成 PDF/A-3b 并附上本文件",
            ),
            _ if matches!(field.kind, Kind::Text | Kind::Paragraphs) => {
                value_line(&mut out, field, "\"\"")
            }
            _ => {}
        }
    }
    out.push('\n');
    line(&mut out, "[budget]", "预算整体情况（万元）");
    for field in BUDGET {
        line(&mut out, &format!("{} = \"\"", field.key), field.label);
    }
    out.push_str("\n# 年度重点工作任务：每个“名称”写一个 [[tasks]]，其下每一行写一个 [[tasks.rows]]；\n# 需要更多行或更多名称时，复制相应的段落。\n\n");
    line(&mut out, "[[tasks]]", "年度重点工作任务");
    fields(&mut out, TASK);
    out.push('\n');
    line(&mut out, "[[tasks.rows]]", "任务行");
    fields(&mut out, TASK_ROW);
    out.push_str(
        "\n# 绩效指标：每个三级指标写一个 [[indicators]]。下面按标准框架为每个二级指标各留一条；\n",
    );
    out.push_str("# 同一二级指标下有多个三级指标时复制该段，没有三级指标的二级指标可删去该段（表中仍打印空行）。\n");
    for level1 in &manifest.indicator_skeleton {
        for level2 in &level1.level2 {
            out.push('\n');
            line(&mut out, "[[indicators]]", "绩效指标");
            for field in INDICATOR {
                let value = match field.key {
                    "level1" => format!("\"{}\"", level1.level1),
                    "level2" => format!("\"{level2}\""),
                    _ => "\"\"".to_owned(),
                };
                value_line(&mut out, field, &value);
            }
        }
    }
    out.push_str("\n# 签署栏（可选）：填写后打印在表格下方；全部留空则不打印。\n");
    line(&mut out, "[signoff]", "签署栏");
    fields(&mut out, SIGNOFF);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check, DeclarationSource};
    use crate::fonts::FontSet;
    use crate::template::Template;

    #[test]
    fn the_blank_declaration_has_every_key_and_parses() {
        let manifest = Template::builtin().manifest;
        let text = blank_declaration(&manifest, 2026);
        for field in ROOT
            .iter()
            .chain(BUDGET)
            .chain(TASK)
            .chain(TASK_ROW)
            .chain(INDICATOR)
            .chain(SIGNOFF)
        {
            if field.key != "info"
                && field.key != "rows"
                && field.key != "tasks"
                && field.key != "indicators"
                && field.key != "budget"
                && field.key != "signoff"
            {
                assert!(
                    text.contains(&format!("\n{} = ", field.key)),
                    "{} missing",
                    field.key
                );
            }
        }
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("[[indicators]]"))
                .count(),
            10,
            "the standard skeleton"
        );
        let decl = crate::Declaration::from_toml(&text).expect("the blank parses");
        assert_eq!(decl.year, 2026);
        assert!(
            decl.goal.is_blank(),
            "no comment may leak into the goal: {:?}",
            decl.goal
        );
        // Only "fill this in" problems: nothing structural.
        let report = check(
            DeclarationSource::from_bytes("blank.toml".into(), text.into_bytes()),
            &manifest,
            &FontSet::bundled(),
        );
        for f in &report.findings {
            assert!(
                matches!(f.code, "empty" | "amount-blank" | "indicator-no-value"),
                "unexpected finding {} at {}",
                f.code,
                f.path
            );
        }
    }
}
