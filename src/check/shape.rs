//! The shape of a declaration — every key, its type, its form label, whether it is
//! required — and the structural check against it. Unlike deserialising, which stops at
//! the first problem, this reports every unknown key, wrong type, missing field and
//! malformed amount at once.

use toml::de::{DeTable, DeValue};

use super::finding::{Finding, Text};
use super::spans::{join, SpanIndex};
use crate::amount::Amount;
use crate::date::Date;

/// What a key holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string.
    Text,
    /// An integer.
    Integer,
    /// An amount in 万元: a number, or a string such as `"6,686.98"`.
    Amount,
    /// Paragraphs: a string, or an array of strings.
    Paragraphs,
    /// A table with these fields.
    Table(&'static [Field]),
    /// An array of tables with these fields (`[[tasks]]`).
    Tables(&'static [Field]),
    /// A table of strings with free keys (`[info]`; the template decides which).
    StringMap,
    /// A date: `2025-01-20` or a string such as `"2025年1月20日"`.
    Date,
    /// `true` or `false`.
    Boolean,
}

/// One key of the declaration.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key.
    pub key: &'static str,
    /// The form label it fills.
    pub label: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether it must be present.
    pub required: bool,
}

const fn f(key: &'static str, label: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        key,
        label,
        kind,
        required,
    }
}

/// `[budget]`
pub const BUDGET: &[Field] = &[
    f("basic", "部门预算支出 · 基本支出", Kind::Amount, false),
    f("project", "部门预算支出 · 项目支出", Kind::Amount, false),
    f(
        "special_fund",
        "事业发展性支出 · 财政专项资金",
        Kind::Amount,
        false,
    ),
    f(
        "other_development",
        "事业发展性支出 · 其他事业发展性支出",
        Kind::Amount,
        false,
    ),
    f("appropriation", "收入来源 · 财政拨款", Kind::Amount, false),
    f("other_funds", "收入来源 · 其他资金", Kind::Amount, false),
    f(
        "city_level",
        "按预算级次划分 · 市本级使用资金",
        Kind::Amount,
        false,
    ),
    f(
        "transfer",
        "按预算级次划分 · 拟用于对下转移支付资金",
        Kind::Amount,
        false,
    ),
];

/// `[[tasks.rows]]`
pub const TASK_ROW: &[Field] = &[
    f(
        "content",
        "年度重点工作任务 · 主要实施内容",
        Kind::Paragraphs,
        false,
    ),
    f(
        "amount",
        "年度重点工作任务 · 拟投入的资金（万元）",
        Kind::Amount,
        false,
    ),
    f(
        "target",
        "年度重点工作任务 · 期望达到的目标（概述）",
        Kind::Paragraphs,
        false,
    ),
];

/// `[[tasks]]`
pub const TASK: &[Field] = &[
    f("name", "年度重点工作任务 · 名称", Kind::Text, false),
    f(
        "rows",
        "年度重点工作任务 · 任务行",
        Kind::Tables(TASK_ROW),
        false,
    ),
];

/// `[[indicators]]`
pub const INDICATOR: &[Field] = &[
    f("level1", "绩效指标 · 一级指标", Kind::Text, true),
    f("level2", "绩效指标 · 二级指标", Kind::Text, true),
    f("name", "绩效指标 · 三级指标", Kind::Text, true),
    f(
        "period_value",
        "绩效指标 · 实施周期指标值",
        Kind::Text,
        false,
    ),
    f("annual_value", "绩效指标 · 年度指标值", Kind::Text, false),
];

/// `[signoff]`
pub const SIGNOFF: &[Field] = &[
    f("preparer", "签署栏 · 填报人", Kind::Text, false),
    f("phone", "签署栏 · 联系电话", Kind::Text, false),
    f("head", "签署栏 · 单位负责人", Kind::Text, false),
    f("date", "签署栏 · 填报日期", Kind::Date, false),
    f("seal", "签署栏 · 单位（盖章）", Kind::Text, false),
];

/// The top level of a declaration.
pub const ROOT: &[Field] = &[
    f("department", "部门名称", Kind::Text, true),
    f("year", "预算年度", Kind::Integer, true),
    f("goal", "总体绩效目标", Kind::Paragraphs, false),
    f(
        "other_tasks",
        "其他需完成的任务（可选填）",
        Kind::Paragraphs,
        false,
    ),
    f("budget", "预算整体情况", Kind::Table(BUDGET), false),
    f("tasks", "年度重点工作任务", Kind::Tables(TASK), false),
    f("indicators", "绩效指标", Kind::Tables(INDICATOR), false),
    f("info", "基本信息", Kind::StringMap, false),
    f("date", "文档日期", Kind::Date, false),
    f("archive", "归档", Kind::Boolean, false),
    f("signoff", "签署栏", Kind::Table(SIGNOFF), false),
];

/// The form label of the key at `path` (`tasks[0].rows[1].amount` →
/// `年度重点工作任务 · 拟投入的资金（万元）`).
pub fn label_of(path: &str) -> Option<&'static str> {
    let mut fields = ROOT;
    let mut label = None;
    for segment in path.split('.') {
        let key = segment.split('[').next().unwrap_or(segment);
        let field = fields.iter().find(|f| f.key == key)?;
        label = Some(field.label);
        match field.kind {
            Kind::Table(inner) | Kind::Tables(inner) => fields = inner,
            Kind::StringMap => return Some(field.label),
            _ => fields = &[],
        }
    }
    label
}

fn type_name(value: &DeValue<'_>) -> Text {
    let (zh, en) = match value {
        DeValue::String(_) => ("文字", "a string"),
        DeValue::Integer(_) => ("整数", "an integer"),
        DeValue::Float(_) => ("小数", "a float"),
        DeValue::Boolean(_) => ("true/false", "a boolean"),
        DeValue::Datetime(_) => ("日期时间", "a date-time"),
        DeValue::Array(_) => ("数组 [...]", "an array"),
        DeValue::Table(_) => ("表 {...}", "a table"),
    };
    Text::new(zh, en)
}

fn expected(kind: Kind) -> Text {
    let (zh, en) = match kind {
        Kind::Text => ("文字（用英文双引号括起来）", "a string (in double quotes)"),
        Kind::Integer => ("整数，如 2025", "an integer, e.g. 2025"),
        Kind::Amount => (
            "金额，如 6686.98 或 \"6,686.98\"",
            "an amount, e.g. 6686.98 or \"6,686.98\"",
        ),
        Kind::Paragraphs => (
            "文字，或文字数组（每段一项）",
            "a string, or an array of strings (one per paragraph)",
        ),
        Kind::Table(_) => ("表，如 [budget]", "a table"),
        Kind::Tables(_) => ("表数组，如 [[tasks]]", "an array of tables, e.g. [[tasks]]"),
        Kind::StringMap => ("键值均为文字的表", "a table of strings"),
        Kind::Date => (
            "日期，如 2025-01-20 或 \"2025年1月20日\"",
            "a date, e.g. 2025-01-20",
        ),
        Kind::Boolean => (
            "是非值（true 或 false，不加引号）",
            "true or false (without quotes)",
        ),
    };
    Text::new(zh, en)
}

/// Checks `table` against `fields`, pushing every problem.
pub fn check_table(
    table: &DeTable<'_>,
    path: &str,
    fields: &[Field],
    index: &SpanIndex,
    out: &mut Vec<Finding>,
) {
    for (key, value) in table.iter() {
        let key = key.get_ref().as_ref();
        let p = join(path, key);
        match fields.iter().find(|f| f.key == key) {
            Some(field) => check_value(value.get_ref(), &p, field, index, out),
            None => out.push(unknown_key(key, &p, fields, index)),
        }
    }
    for field in fields.iter().filter(|f| f.required) {
        if table.get(field.key).is_none() {
            let p = join(path, field.key);
            out.push(
                Finding::error(
                    "missing",
                    p.clone(),
                    Text::new(
                        format!("缺少必填项 `{}`（{}）", field.key, field.label),
                        format!("missing required key `{}` ({})", field.key, field.label),
                    ),
                )
                .label(field.label)
                .help(Text::new(
                    format!("添加一行：{} = …", field.key),
                    format!("add a line: {} = …", field.key),
                )),
            );
        }
    }
}

fn check_value(
    value: &DeValue<'_>,
    path: &str,
    field: &Field,
    index: &SpanIndex,
    out: &mut Vec<Finding>,
) {
    let wrong_type = |out: &mut Vec<Finding>| {
        let found = type_name(value);
        let want = expected(field.kind);
        out.push(
            Finding::error(
                "type",
                path,
                Text::new(
                    format!("“{}”应为{}，这里是{}", field.label, want.zh, found.zh),
                    format!("{} must be {}, found {}", field.label, want.en, found.en),
                ),
            )
            .label(field.label),
        );
    };
    match (field.kind, value) {
        (Kind::Text, DeValue::String(_)) | (Kind::Integer, DeValue::Integer(_)) => {}
        (Kind::Paragraphs, DeValue::String(_)) => {}
        (Kind::Paragraphs, DeValue::Array(items))
            if items
                .iter()
                .all(|i| matches!(i.get_ref(), DeValue::String(_))) => {}
        (Kind::Boolean, DeValue::Boolean(_)) => {}
        (Kind::Date, DeValue::String(s)) => check_date(s, path, field, out),
        (Kind::Date, DeValue::Datetime(dt))
            if dt.date.is_some() && dt.time.is_none() && dt.offset.is_none() =>
        {
            check_date(&dt.to_string(), path, field, out)
        }
        (Kind::Amount, DeValue::String(s)) => check_amount(s, path, field, out),
        (Kind::Amount, DeValue::Float(f)) => check_amount(f.as_str(), path, field, out),
        (Kind::Amount, DeValue::Integer(i)) => check_amount(i.as_str(), path, field, out),
        (Kind::Table(inner), DeValue::Table(t)) => check_table(t, path, inner, index, out),
        (Kind::Tables(inner), DeValue::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                match item.get_ref() {
                    DeValue::Table(t) => check_table(t, &p, inner, index, out),
                    _ => wrong_type(out),
                }
            }
        }
        (Kind::StringMap, DeValue::Table(t)) => {
            for (key, v) in t.iter() {
                if !matches!(v.get_ref(), DeValue::String(_)) {
                    let p = join(path, key.get_ref());
                    let inner = Field {
                        key: "",
                        label: field.label,
                        kind: Kind::Text,
                        required: false,
                    };
                    check_value(v.get_ref(), &p, &inner, index, out);
                }
            }
        }
        _ => wrong_type(out),
    }
}

fn check_amount(text: &str, path: &str, field: &Field, out: &mut Vec<Finding>) {
    if text.trim().is_empty() {
        return; // an empty string is the same as leaving the amount out
    }
    if let Err(e) = Amount::parse(text) {
        out.push(
            Finding::error(
                "amount",
                path,
                Text::new(
                    format!("“{}”不是有效金额：{}", field.label, e.zh()),
                    format!("{} is not a valid amount: {}", field.label, e.en()),
                ),
            )
            .label(field.label)
            .help(Text::new(
                "金额以万元为单位，写成 6686.98 或 \"6,686.98\"，不要带单位或货币符号",
                "amounts are in 万元: write 6686.98 or \"6,686.98\", without unit or currency sign",
            )),
        );
    }
}

fn check_date(text: &str, path: &str, field: &Field, out: &mut Vec<Finding>) {
    if text.trim().is_empty() {
        return; // an empty string is the same as leaving the date out
    }
    if Date::parse(text).is_err() {
        out.push(
            Finding::error(
                "date",
                path,
                Text::new(
                    format!("“{}”不是有效日期：{text}", field.label),
                    format!("{} is not a valid date: {text}", field.label),
                ),
            )
            .label(field.label)
            .help(Text::new(
                "写成 2025-01-20（不加引号）或 \"2025年1月20日\"",
                "write 2025-01-20 (without quotes) or \"2025年1月20日\"",
            )),
        );
    }
}

/// The key whose form label is `label` (a clerk may write the Chinese label as a key).
pub fn key_for_label(label: &str) -> Option<&'static Field> {
    [ROOT, BUDGET, TASK, TASK_ROW, INDICATOR, SIGNOFF]
        .into_iter()
        .flatten()
        .find(|f| f.label == label || f.label.rsplit(" · ").next() == Some(label))
}

/// An unknown key, with the closest known key (by spelling, or by its Chinese label).
fn unknown_key(key: &str, path: &str, fields: &[Field], index: &SpanIndex) -> Finding {
    let suggestion = fields
        .iter()
        .filter(|f| !f.key.is_empty())
        .map(|f| {
            let by_label = f
                .label
                .rsplit(" · ")
                .next()
                .is_some_and(|l| l == key || f.label == key);
            let score = if by_label {
                2.0
            } else {
                strsim::jaro_winkler(key, f.key)
            };
            (score, f)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let known: Vec<&str> = fields.iter().map(|f| f.key).collect();
    let help = match suggestion {
        Some((_, f)) => Text::new(
            format!("您是不是想写 `{}`（{}）？", f.key, f.label),
            format!("did you mean `{}` ({})?", f.key, f.label),
        ),
        None => Text::new(
            format!("此处可用的键：{}", known.join(", ")),
            format!("keys allowed here: {}", known.join(", ")),
        ),
    };
    let mut finding = Finding::error(
        "unknown-key",
        path,
        Text::new(
            format!("未知的键 `{key}`：它不会被打印，请检查拼写"),
            format!("unknown key `{key}`: it would not be printed; check the spelling"),
        ),
    )
    .help(help);
    if let Some(span) = index.key_span(path) {
        finding = finding.span(span);
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str) -> Vec<Finding> {
        let table = DeTable::parse(src).expect("toml");
        let index = SpanIndex::build(table.get_ref());
        let mut out = Vec::new();
        check_table(table.get_ref(), "", ROOT, &index, &mut out);
        out
    }

    #[test]
    fn reports_every_problem_at_once() {
        let found = check(
            "year = \"2025\"\ngoal = 3\n[budget]\nbasik = 1\nproject = \"1,23\"\n[[indicators]]\nlevel1 = \"产出指标\"\n",
        );
        let mut codes: Vec<(&str, &str)> =
            found.iter().map(|f| (f.code, f.path.as_str())).collect();
        codes.sort();
        let mut expected = [
            ("type", "year"),
            ("type", "goal"),
            ("unknown-key", "budget.basik"),
            ("amount", "budget.project"),
            ("missing", "indicators[0].level2"),
            ("missing", "indicators[0].name"),
            ("missing", "department"),
        ];
        expected.sort();
        assert_eq!(codes, expected);
        let typo = found
            .iter()
            .find(|f| f.code == "unknown-key")
            .expect("typo");
        assert!(typo.help.as_ref().expect("help").zh.contains("`basic`"));
    }

    #[test]
    fn a_chinese_label_used_as_a_key_gets_its_key_suggested() {
        let found = check("department = \"x\"\nyear = 2025\n\"部门名称\" = \"y\"\n");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .help
                .as_ref()
                .expect("help")
                .zh
                .contains("`department`"),
            "{found:?}"
        );
    }

    #[test]
    fn labels_follow_the_key_path() {
        assert_eq!(
            label_of("tasks[2].rows[0].amount"),
            Some("年度重点工作任务 · 拟投入的资金（万元）")
        );
        assert_eq!(
            label_of("budget.transfer"),
            Some("按预算级次划分 · 拟用于对下转移支付资金")
        );
        assert_eq!(label_of("nope"), None);
    }
}
