//! Reading a declaration's TOML against its kind's fields. Unlike deserialising, which
//! stops at the first problem, this reports every unknown key, wrong type, missing field
//! and malformed value at once, each at its key path; what parses is kept.
//!
//! TOML floats are read from their literal text in the source, never through `f64`, so
//! `0.1` is exactly 0.1 and long decimals keep every digit.

use toml::de::{DeTable, DeValue};

use super::value::{Measure, Paragraphs, Record, Value};
use crate::amount::Amount;
use crate::date::Date;
use crate::finding::{Finding, Text};
use crate::kind::paths::join;
use crate::kind::{Field, FieldType};
use crate::spans::SpanIndex;

/// Reads `table` against `fields`, pushing every problem to `out`.
pub fn table(
    table: &DeTable<'_>,
    path: &str,
    fields: &[Field],
    index: &SpanIndex,
    out: &mut Vec<Finding>,
) -> Record {
    let mut record = Record::new();
    for (key, value) in table.iter() {
        let key = key.get_ref().as_ref();
        let p = join(path, key);
        match fields.iter().find(|f| f.key == key) {
            Some(field) => {
                if let Some(v) = self::value(value.get_ref(), &p, field, index, out) {
                    record.insert(key.to_owned(), v);
                }
            }
            None => out.push(unknown_key(key, &p, fields, index)),
        }
    }
    for field in fields.iter().filter(|f| f.required) {
        if table.get(field.key.as_str()).is_none() {
            let p = join(path, &field.key);
            out.push(
                Finding::error(
                    "missing",
                    p,
                    Text::new(
                        format!("缺少必填项 `{}`（{}）", field.key, field.title),
                        format!("missing required key `{}` ({})", field.key, field.title),
                    ),
                )
                .label(field.title.clone())
                .help(Text::new(
                    format!("添加一行：{} = …", field.key),
                    format!("add a line: {} = …", field.key),
                )),
            );
        }
    }
    record
}

fn value(
    value: &DeValue<'_>,
    path: &str,
    field: &Field,
    index: &SpanIndex,
    out: &mut Vec<Finding>,
) -> Option<Value> {
    let wrong_type = |out: &mut Vec<Finding>| {
        let found = type_name(value);
        let want = expected(field.kind);
        out.push(
            Finding::error(
                "type",
                path,
                Text::new(
                    format!("“{}”应为{}，这里是{}", field.title, want.zh, found.zh),
                    format!("{} must be {}, found {}", field.title, want.en, found.en),
                ),
            )
            .label(field.title.clone()),
        );
        None
    };
    match (field.kind, value) {
        (FieldType::Text, DeValue::String(s)) => Some(Value::Text(s.to_string())),
        (FieldType::Text, DeValue::Integer(i)) => Some(Value::Text(i.as_str().to_owned())),
        (FieldType::Text, DeValue::Float(f)) => Some(Value::Text(f.as_str().to_owned())),
        (FieldType::Paragraphs, DeValue::String(s)) => {
            Some(Value::Paragraphs(Paragraphs(vec![s.to_string()])))
        }
        (FieldType::Paragraphs, DeValue::Array(items))
            if items
                .iter()
                .all(|i| matches!(i.get_ref(), DeValue::String(_))) =>
        {
            let paras = items
                .iter()
                .filter_map(|i| match i.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect();
            Some(Value::Paragraphs(Paragraphs(paras)))
        }
        (FieldType::Boolean, DeValue::Boolean(b)) => Some(Value::Bool(*b)),
        (FieldType::Year, DeValue::Integer(i)) => match i.as_str().replace('_', "").parse() {
            Ok(y) => Some(Value::Year(y)),
            Err(_) => wrong_type(out),
        },
        (FieldType::Date, DeValue::String(s)) => date(s, path, field, out),
        (FieldType::Date, DeValue::Datetime(dt))
            if dt.date.is_some() && dt.time.is_none() && dt.offset.is_none() =>
        {
            date(&dt.to_string(), path, field, out)
        }
        (FieldType::Amount | FieldType::Percent | FieldType::Number, v) => {
            let text = match v {
                DeValue::String(s) => s.to_string(),
                DeValue::Float(f) => f.as_str().to_owned(),
                DeValue::Integer(i) => i.as_str().to_owned(),
                _ => return wrong_type(out),
            };
            number(&text, path, field, out)
        }
        (FieldType::Choice, DeValue::String(s)) => choice(s, path, field, out),
        (FieldType::Table, DeValue::Table(t)) => Some(Value::Table(self::table(
            t,
            path,
            &field.fields,
            index,
            out,
        ))),
        (FieldType::List, DeValue::Array(items)) => {
            let mut records = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                match item.get_ref() {
                    DeValue::Table(t) => {
                        records.push(self::table(t, &p, &field.fields, index, out));
                    }
                    _ => {
                        wrong_type(out);
                    }
                }
            }
            Some(Value::List(records))
        }
        _ => wrong_type(out),
    }
}

/// An amount, percentage or number; an empty string means left out.
fn number(text: &str, path: &str, field: &Field, out: &mut Vec<Finding>) -> Option<Value> {
    if text.trim().is_empty() {
        return None;
    }
    let parsed = match field.kind {
        FieldType::Percent => percent(text),
        _ => Amount::parse(text).map_err(|e| (e.zh(), e.en())),
    };
    match parsed {
        Ok(amount) => Some(match field.kind {
            FieldType::Amount => Value::Amount(amount),
            FieldType::Percent => Value::Percent(Measure {
                value: amount.value(),
                text: format!(
                    "{}%",
                    tidy_number(text.trim().trim_end_matches(['%', '％']))
                ),
            }),
            _ => Value::Number(Measure {
                value: amount.value(),
                text: tidy_number(text),
            }),
        }),
        Err((zh, en)) => {
            let (what_zh, what_en, help) = match field.kind {
                FieldType::Amount => (
                    "金额",
                    "amount",
                    Text::new(
                        "金额以万元为单位，写成 6686.98 或 \"6,686.98\"，不要带单位或货币符号",
                        "amounts are in 万元: write 6686.98 or \"6,686.98\", without unit or currency sign",
                    ),
                ),
                FieldType::Percent => (
                    "百分比",
                    "percentage",
                    Text::new(
                        "写成 \"95%\" 或 95（表示 95%）",
                        "write \"95%\" or 95 (meaning 95%)",
                    ),
                ),
                _ => (
                    "数值",
                    "number",
                    Text::new("写成数字，如 10 或 8.5", "write a number, e.g. 10 or 8.5"),
                ),
            };
            out.push(
                Finding::error(
                    "amount",
                    path,
                    Text::new(
                        format!("“{}”不是有效{what_zh}：{zh}", field.title),
                        format!("{} is not a valid {what_en}: {en}", field.title),
                    ),
                )
                .label(field.title.clone())
                .help(help),
            );
            None
        }
    }
}

/// `95%`, `95％`, `95` (points), `0.5%`.
fn percent(text: &str) -> Result<Amount, (String, String)> {
    let t = text.trim();
    let digits = t
        .strip_suffix('%')
        .or_else(|| t.strip_suffix('％'))
        .unwrap_or(t);
    Amount::parse(digits).map_err(|e| (e.zh(), e.en()))
}

/// A number as written, with full-width digits and points folded and spaces removed.
fn tidy_number(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            '－' => '-',
            _ => c,
        })
        .collect()
}

fn date(text: &str, path: &str, field: &Field, out: &mut Vec<Finding>) -> Option<Value> {
    if text.trim().is_empty() {
        return None; // an empty string is the same as leaving the date out
    }
    match Date::parse(text) {
        Ok(d) => Some(Value::Date(d)),
        Err(_) => {
            out.push(
                Finding::error(
                    "date",
                    path,
                    Text::new(
                        format!("“{}”不是有效日期：{text}", field.title),
                        format!("{} is not a valid date: {text}", field.title),
                    ),
                )
                .label(field.title.clone())
                .help(Text::new(
                    "写成 2025-01-20（不加引号）或 \"2025年1月20日\"",
                    "write 2025-01-20 (without quotes) or \"2025年1月20日\"",
                )),
            );
            None
        }
    }
}

fn choice(text: &str, path: &str, field: &Field, out: &mut Vec<Finding>) -> Option<Value> {
    let wanted = crate::kind::tree::normalise(text);
    if wanted.is_empty() {
        return None;
    }
    if let Some(option) = field
        .options
        .iter()
        .find(|o| crate::kind::tree::normalise(o) == wanted)
    {
        return Some(Value::Choice(option.clone()));
    }
    out.push(
        Finding::error(
            "choice",
            path,
            Text::new(
                format!(
                    "“{}”只能填写以下之一：{}；这里是“{text}”",
                    field.title,
                    field.options.join("、")
                ),
                format!(
                    "{} must be one of {}; found `{text}`",
                    field.title,
                    field.options.join(", ")
                ),
            ),
        )
        .label(field.title.clone()),
    );
    None
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

/// What a field of type `kind` must be written as.
pub fn expected(kind: FieldType) -> Text {
    let (zh, en) = match kind {
        FieldType::Text => ("文字（用英文双引号括起来）", "a string (in double quotes)"),
        FieldType::Year => ("整数，如 2025", "an integer, e.g. 2025"),
        FieldType::Amount => (
            "金额，如 6686.98 或 \"6,686.98\"",
            "an amount, e.g. 6686.98 or \"6,686.98\"",
        ),
        FieldType::Percent => ("百分比，如 \"95%\"", "a percentage, e.g. \"95%\""),
        FieldType::Number => ("数字，如 10", "a number, e.g. 10"),
        FieldType::Paragraphs => (
            "文字，或文字数组（每段一项）",
            "a string, or an array of strings (one per paragraph)",
        ),
        FieldType::Table => ("表，如 [budget]", "a table"),
        FieldType::List => ("表数组，如 [[tasks]]", "an array of tables, e.g. [[tasks]]"),
        FieldType::Date => (
            "日期，如 2025-01-20 或 \"2025年1月20日\"",
            "a date, e.g. 2025-01-20",
        ),
        FieldType::Boolean => (
            "是非值（true 或 false，不加引号）",
            "true or false (without quotes)",
        ),
        FieldType::Choice => (
            "选项文字（用英文双引号括起来）",
            "one of the options, as a string",
        ),
    };
    Text::new(zh, en)
}

/// An unknown key, with the closest known key (by spelling, or by its Chinese label).
fn unknown_key(key: &str, path: &str, fields: &[Field], index: &SpanIndex) -> Finding {
    let suggestion = fields
        .iter()
        .map(|f| {
            let by_label = f.label == key || f.title == key;
            let score = if by_label {
                2.0
            } else {
                strsim::jaro_winkler(key, &f.key)
            };
            (score, f)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let known: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
    let help = match suggestion {
        Some((_, f)) => Text::new(
            format!("您是不是想写 `{}`（{}）？", f.key, f.title),
            format!("did you mean `{}` ({})?", f.key, f.title),
        ),
        None => Text::new(
            format!("此处可用的键：{}", known.join(", ")),
            format!("keys allowed here: {}", known.join(", ")),
        ),
    };
    let parent = path.rsplit_once('.').map_or("", |(head, _)| head);
    let mut finding = Finding::error(
        "unknown-key",
        path,
        Text::new(
            format!("未知的键 `{key}`：它不会被打印，请检查拼写"),
            format!("unknown key `{key}`: it would not be printed; check the spelling"),
        ),
    )
    .help(help);
    if let Some((_, f)) = suggestion {
        finding.unread = Some(join(parent, &f.key));
    }
    if let Some(span) = index.key_span(path) {
        finding = finding.span(span);
    }
    finding
}

/// The field whose form label is `label` anywhere in `fields` (a clerk may write the
/// Chinese label as a key).
pub fn field_for_label<'a>(fields: &'a [Field], label: &str) -> Option<&'a Field> {
    for f in fields {
        if f.label == label || f.title == label {
            return Some(f);
        }
        if let Some(inner) = field_for_label(&f.fields, label) {
            return Some(inner);
        }
    }
    None
}
