//! One cell as the value of one field, typed the way the field says: text as typed,
//! paragraphs split at line breaks, amounts exact, percentages and numbers as the sheet
//! shows them, dates, choices from their tick marks.
//!
//! Amounts, percentages, numbers, years, dates and choices go through the declaration
//! parser ([`jixiao_core::declaration::parse`]) as the TOML text a person would write for
//! them, so an imported value is exactly what the same text in a TOML file gives, and
//! a bad one is refused with the parser's own message, naming the cell.

use toml::de::DeTable;

use super::Note;
use crate::{normalize_label, Cell, CellValue, SheetError};
use jixiao_core::declaration::parse;
use jixiao_core::declaration::{Paragraphs, Value};
use jixiao_core::kind::{Field, FieldType};
use jixiao_core::spans::SpanIndex;

/// Texts that mean "not applicable" in a cell that holds a number.
const PLACEHOLDERS: [&str; 9] = ["/", "／", "—", "——", "-", "－", "--", "无", "\\"];

/// Tick marks of a checkbox option (`□√` and `☑` are ticked, `□` alone is not).
const TICKS: [char; 6] = ['☑', '√', '✓', '✔', '■', '☒'];

/// Where a value is read, for messages: the file and the cell's `Sheet!A1` address.
pub(super) struct At<'a> {
    pub file: &'a str,
    pub address: &'a str,
}

impl At<'_> {
    fn error(&self, zh: String, en: String) -> SheetError {
        SheetError::cell(self.file, self.address, zh, en)
    }
}

/// The value of `field` in `cell` (`None`: the cell is empty or blank). Notes about
/// what was changed on the way (a placeholder left out, digits rounded) go to `notes`.
pub(super) fn value(
    cell: Option<&Cell>,
    field: &Field,
    at: &At<'_>,
    notes: &mut Vec<Note>,
) -> Result<Option<Value>, SheetError> {
    let Some(cell) = cell else {
        return Ok(None);
    };
    if let CellValue::Error(code) = cell.value() {
        return Err(at.error(
            format!("“{}”的单元格是公式错误 {code}，没有可导入的值", field.title),
            format!(
                "the cell of {} holds the formula error {code}: no value to import",
                field.title
            ),
        ));
    }
    if let CellValue::OutOfRange(x) = cell.value() {
        return Err(at.error(
            format!("“{}”的数值 {x:e} 超出范围", field.title),
            format!("the number {x:e} of {} is out of range", field.title),
        ));
    }
    if let Some(n) = cell.number() {
        if n.was_rounded() {
            let (zh, en) = match cell.formula() {
                Some(f) => (
                    format!("公式 ={f} 的结果"),
                    format!("the result of the formula ={f}"),
                ),
                None => ("数值".to_owned(), "the number".to_owned()),
            };
            notes.push(Note::new(
                at.address,
                format!(
                    "{zh}存为 {:?}，按电子表格的 15 位有效数字读作 {}",
                    n.stored(),
                    n.value()
                ),
                format!(
                    "{en} is stored as {:?}; read as {} (15 significant digits, as spreadsheets keep)",
                    n.stored(),
                    n.value()
                ),
            ));
        }
    }
    match field.kind {
        FieldType::Text => Ok(text_of(cell).map(Value::Text)),
        FieldType::Paragraphs => Ok(paragraphs(cell)),
        FieldType::Boolean => boolean(cell, field, at),
        FieldType::Choice => choice(cell, field, at),
        FieldType::Amount | FieldType::Percent | FieldType::Number => {
            number(cell, field, at, notes)
        }
        FieldType::Year => match cell.number() {
            Some(n) => parsed(&n.value().normalize().to_string(), field, at),
            None => match text_of(cell) {
                Some(t) => parsed(t.trim(), field, at),
                None => Ok(None),
            },
        },
        FieldType::Date => match (cell.date(), text_of(cell)) {
            (Some(d), _) => parsed(&quoted(&d.format("%Y-%m-%d").to_string()), field, at),
            (None, Some(t)) => parsed(&quoted(t.trim()), field, at),
            (None, None) => Ok(None),
        },
        FieldType::Table | FieldType::List => Ok(None),
    }
}

/// A cell as text, for a text field: text as typed; a number in a percentage format
/// as its exact percentage (`1` in `0%` → `100%`); a date as `2023-03-01`; any other
/// number as its exact decimal (`50000`). Blank text is no value.
pub(super) fn text_of(cell: &Cell) -> Option<String> {
    let text = match (cell.value(), cell.number()) {
        (_, Some(n)) if cell.is_percent() => n.percent_text(),
        (_, Some(_)) if cell.date().is_some() => cell.display_text(),
        (CellValue::Bool(b), _) => if *b { "是" } else { "否" }.to_owned(),
        _ => cell.plain_text(),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// Spaces in a row inside a line that stand for a line break: clerks pad a wrapped
/// cell with spaces to push the rest of the text onto the next visual line.
const PADDING_BREAK: usize = 8;

/// Paragraphs: one per line of the cell (a run of [`PADDING_BREAK`] or more spaces
/// inside a line breaks it too), blank lines dropped, each line as typed.
fn paragraphs(cell: &Cell) -> Option<Value> {
    let text = text_of(cell)?;
    let lines: Vec<String> = text
        .lines()
        .flat_map(split_padding)
        .filter(|l| !l.trim().is_empty())
        .collect();
    (!lines.is_empty()).then_some(Value::Paragraphs(Paragraphs(lines)))
}

/// A line split where [`PADDING_BREAK`] or more spaces (ASCII or ideographic) stand
/// between two pieces of text; the spaces go.
fn split_padding(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut run = String::new();
    for c in line.chars() {
        if c == ' ' || c == '\u{3000}' || c == '\t' {
            run.push(c);
            continue;
        }
        if run.chars().count() >= PADDING_BREAK && !current.trim().is_empty() {
            out.push(std::mem::take(&mut current));
        } else {
            current.push_str(&run);
        }
        run.clear();
        current.push(c);
    }
    current.push_str(&run);
    out.push(current);
    out
}

fn boolean(cell: &Cell, field: &Field, at: &At<'_>) -> Result<Option<Value>, SheetError> {
    if let CellValue::Bool(b) = cell.value() {
        return Ok(Some(Value::Bool(*b)));
    }
    let Some(text) = text_of(cell) else {
        return Ok(None);
    };
    match normalize_label(&text).as_str() {
        "是" | "true" | "√" | "☑" => Ok(Some(Value::Bool(true))),
        "否" | "false" | "×" => Ok(Some(Value::Bool(false))),
        _ => Err(at.error(
            format!("“{}”应为“是”或“否”，这里是“{text}”", field.title),
            format!(
                "{} must be 是 or 否 (yes or no), found `{text}`",
                field.title
            ),
        )),
    }
}

/// A choice: the option written alone, or the one option ticked among all of them
/// (`1.部门项目 □　2.公共项目 ☑`, `1.部门项目 □ 2.公共项目 □√`).
fn choice(cell: &Cell, field: &Field, at: &At<'_>) -> Result<Option<Value>, SheetError> {
    let Some(text) = text_of(cell) else {
        return Ok(None);
    };
    match ticked(&text, &field.options) {
        Ok(Some(option)) => parsed(&quoted(&option), field, at),
        Ok(None) => Ok(None),
        Err((zh, en)) => Err(at.error(
            format!("“{}”：{zh}（“{text}”）", field.title),
            format!("{}: {en} (`{text}`)", field.title),
        )),
    }
}

/// Whether a cell's text is a tick mark (`✔`, `√`, `☑`, `是`…): what chooses the
/// option of a cell of one option.
pub(super) fn is_tick(text: &str) -> bool {
    let key = normalize_label(text);
    !key.is_empty()
        && (key.chars().all(|c| TICKS.contains(&c) || c == '□')
            && key.chars().any(|c| TICKS.contains(&c))
            || key == "是")
}

/// The option a checkbox text selects among `options` (`1.部门项目 □ 2.公共项目 □√` →
/// `公共项目`; the option written alone is selected too); `None` when nothing is ticked;
/// the error (Chinese, English) when the text names no option or ticks several.
pub fn ticked(text: &str, options: &[String]) -> Result<Option<String>, (String, String)> {
    let key = normalize_label(text);
    if let Some(o) = options.iter().find(|o| normalize_label(o) == key) {
        return Ok(Some(o.clone()));
    }
    // Where each option's name is, longest names first so that one inside another is
    // not found twice.
    let mut order: Vec<&String> = options.iter().collect();
    order.sort_by_key(|o| std::cmp::Reverse(o.chars().count()));
    let mut found: Vec<(usize, usize, &String)> = Vec::new();
    for o in order {
        let name = normalize_label(o);
        if name.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(i) = key[from..].find(&name) {
            let start = from + i;
            let end = start + name.len();
            if !found.iter().any(|(s, e, _)| start < *e && *s < end) {
                found.push((start, end, o));
                break;
            }
            from = end;
        }
    }
    if found.is_empty() {
        return Err((
            format!("不是可选项之一：{}", options.join("、")),
            format!("not one of the options {}", options.join(", ")),
        ));
    }
    found.sort();
    // Marks follow their option (`1.部门项目 □`) unless the text starts with one.
    let marks_first = key
        .chars()
        .next()
        .is_some_and(|c| c == '□' || TICKS.contains(&c));
    let mut chosen = Vec::new();
    for (i, (start, end, option)) in found.iter().enumerate() {
        let segment = if marks_first {
            let from = if i == 0 { 0 } else { found[i - 1].1 };
            &key[from..*start]
        } else {
            let to = found.get(i + 1).map_or(key.len(), |next| next.0);
            &key[*end..to]
        };
        if segment.chars().any(|c| TICKS.contains(&c)) {
            chosen.push((*option).clone());
        }
    }
    match chosen.len() {
        0 => Ok(None),
        1 => Ok(chosen.pop()),
        _ => Err((
            format!("勾选了不止一项：{}", chosen.join("、")),
            format!("more than one option is ticked: {}", chosen.join(", ")),
        )),
    }
}

/// An amount, percentage or number cell.
fn number(
    cell: &Cell,
    field: &Field,
    at: &At<'_>,
    notes: &mut Vec<Note>,
) -> Result<Option<Value>, SheetError> {
    if let Some(n) = cell.number() {
        let text = match field.kind {
            FieldType::Percent if cell.is_percent() => shown_or_exact(cell, &n.percent_text()),
            FieldType::Percent => format!("{}%", n.value().normalize()),
            FieldType::Number => shown_or_exact(cell, &n.value().normalize().to_string()),
            _ => n.value().to_string(),
        };
        return parsed(&quoted(&text), field, at);
    }
    if let CellValue::Bool(_) = cell.value() {
        return Err(at.error(
            format!("“{}”应为数字，这里是 TRUE/FALSE", field.title),
            format!("{} must be a number, found TRUE/FALSE", field.title),
        ));
    }
    let Some(text) = text_of(cell) else {
        return Ok(None);
    };
    let trimmed = text.trim();
    if PLACEHOLDERS.contains(&trimmed) {
        notes.push(Note::new(
            at.address,
            format!("“{trimmed}”表示不适用，“{}”按未填导入", field.title),
            format!(
                "`{trimmed}` means not applicable: {} is imported as left blank",
                field.title
            ),
        ));
        return Ok(None);
    }
    parsed(&quoted(trimmed), field, at).map_err(|_| {
        let (zh, en) = match field.kind {
            FieldType::Amount => ("金额", "an amount"),
            FieldType::Percent => ("百分比", "a percentage"),
            _ => ("数字", "a number"),
        };
        at.error(
            format!(
                "“{}”应为{zh}（数字），这里是文字“{trimmed}”；请在表中改为数字，或留空",
                field.title
            ),
            format!(
                "{} must be {en} (a number), found the text `{trimmed}`: make it a number in the sheet, or leave it blank",
                field.title
            ),
        )
    })
}

/// A number as the sheet shows it when its format has fixed decimals and showing it
/// loses nothing (`95.50%`, `8.0`), else `exact`.
fn shown_or_exact(cell: &Cell, exact: &str) -> String {
    let shown = cell.display_text();
    let digits = |s: &str| {
        s.trim_end_matches('%')
            .replace(',', "")
            .parse::<rust_decimal::Decimal>()
            .ok()
    };
    let fixed = cell.format().and_then(|f| f.decimals()).is_some();
    if fixed && digits(&shown).is_some() && digits(&shown) == digits(exact) {
        shown
    } else {
        exact.to_owned()
    }
}

/// A TOML basic string of `text`.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The value the declaration parser gives for `field = literal`; its first error names
/// the cell.
fn parsed(literal: &str, field: &Field, at: &At<'_>) -> Result<Option<Value>, SheetError> {
    let key = quoted(&field.key);
    let source = format!("{key} = {literal}\n");
    let table = DeTable::parse(&source).map_err(|e| {
        at.error(
            format!("“{}”无法读取：{}", field.title, e.message()),
            format!("{} cannot be read: {}", field.title, e.message()),
        )
    })?;
    let index = SpanIndex::build(table.get_ref());
    let mut findings = Vec::new();
    let mut record = parse::table(
        table.get_ref(),
        "",
        std::slice::from_ref(field),
        &index,
        &mut findings,
    );
    if let Some(f) = findings.first() {
        return Err(at.error(f.message.zh.clone(), f.message.en.clone()));
    }
    Ok(record.remove(&field.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<String> {
        vec!["部门项目".into(), "公共项目".into()]
    }

    #[test]
    fn padding_spaces_break_lines_leading_ones_do_not() {
        assert_eq!(
            split_padding("    明确投向：                         1.举办活动"),
            ["    明确投向：", "1.举办活动"]
        );
        assert_eq!(split_padding("甲 乙  丙"), ["甲 乙  丙"]);
        assert_eq!(split_padding("        缩进"), ["        缩进"]);
    }

    #[test]
    fn checkbox_texts_select_the_ticked_option() {
        let o = options();
        assert_eq!(
            ticked(" 1.部门项目 □          2.公共项目 □√", &o),
            Ok(Some("公共项目".into()))
        );
        assert_eq!(
            ticked("1.部门项目 ☑\u{3000}2.公共项目 □", &o),
            Ok(Some("部门项目".into()))
        );
        assert_eq!(
            ticked("☑部门项目 □公共项目", &o),
            Ok(Some("部门项目".into()))
        );
        assert_eq!(ticked("公共项目", &o), Ok(Some("公共项目".into())));
        assert_eq!(ticked("1.部门项目 □ 2.公共项目 □", &o), Ok(None));
        assert!(ticked("1.部门项目 √ 2.公共项目 √", &o).is_err());
        assert!(ticked("其他项目", &o).is_err());
    }
}
