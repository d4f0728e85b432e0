//! The rules a finance reviewer applies to a declaration that parses, all following
//! from its kind's description: required and recommended fields, amounts, the year,
//! repeated items, indicators without a value, the indicator tree, the arithmetic
//! ([`super::arith`]), and text that cannot print.

use super::arith;
use crate::declaration::{Declaration, Record, Value};
use crate::finding::{Finding, Text};
use crate::glyphs::missing_glyphs;
use crate::glyphs::Coverage;
use crate::kind::spec::Level;
use crate::kind::tree::{normalise, Placement};
use crate::kind::{common, paths, Field, FieldType};
use crate::text::{is_wide, single_line};

/// Runs every rule, appending findings.
///
/// `unread` says which key paths the parser could not read (see
/// [`crate::finding::Finding::unread`]): an arithmetic check involving one is skipped.
pub fn check(
    decl: &Declaration,
    fonts: &dyn Coverage,
    unread: &dyn Fn(&str) -> bool,
    out: &mut Vec<Finding>,
) {
    fields(decl.values(), &decl.kind().fields, "", out);
    year(decl, out);
    arith::check(decl, unread, out);
    text(decl, fonts, out);
}

fn level_finding(level: Level, code: &'static str, path: &str, message: Text) -> Finding {
    match level {
        Level::Error => Finding::error(code, path, message),
        Level::Warning => Finding::warning(code, path, message),
    }
}

/// Required, recommended and list rules over every field of `record`.
fn fields(record: &Record, fields: &[Field], prefix: &str, out: &mut Vec<Finding>) {
    for field in fields {
        let path = paths::join(prefix, &field.key);
        let value = record.get(&field.key);
        let blank = value.is_none_or(Value::is_blank);
        if blank {
            empty(field, &path, value.is_some(), out);
        }
        match value {
            Some(Value::Table(inner)) => self::fields(inner, &field.fields, &path, out),
            Some(Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self::fields(item, &field.fields, &format!("{path}[{i}]"), out);
                }
                list(field, &path, items, out);
            }
            Some(Value::Amount(a))
                if !field.negative && a.value().is_sign_negative() && !a.value().is_zero() =>
            {
                out.push(
                    Finding::error(
                        "negative",
                        &path,
                        Text::new("金额不能为负数", "an amount must not be negative"),
                    )
                    .label(field.title.clone())
                    .help(Text::new(
                        "检查是否多写了负号",
                        "check for a stray minus sign",
                    )),
                );
            }
            _ => {}
        }
    }
}

/// A field left out or blank.
fn empty(field: &Field, path: &str, present: bool, out: &mut Vec<Finding>) {
    let level = if field.required {
        if !present {
            return; // reported by the parser as a missing key
        }
        Level::Error
    } else {
        match field.empty {
            Some(level) => level,
            None => return,
        }
    };
    let finding = match field.kind {
        FieldType::Amount => level_finding(
            level,
            "amount-blank",
            path,
            Text::new(
                format!("“{}”未填写，表中将留空", field.title),
                format!("{} is left out: it prints blank", field.title),
            ),
        )
        .help(Text::new("金额为零请写 0", "write 0 if the amount is zero")),
        FieldType::List => level_finding(
            level,
            "empty-list",
            path,
            Text::new(
                format!("没有填写{}", field.title),
                format!("no {} is filled in", field.title),
            ),
        )
        .help(Text::new(
            format!("用 [[{}]] 逐项填写", path_tail(path)),
            format!("add them with [[{}]]", path_tail(path)),
        )),
        _ => level_finding(
            level,
            "empty",
            path,
            Text::new(
                format!("“{}”不能为空", field.title),
                format!("{} must not be empty", field.title),
            ),
        )
        .help(Text::new("请填写此栏", "fill in this field")),
    };
    out.push(finding.label(field.title.clone()));
}

/// `tasks[0].rows` → `tasks.rows` (how TOML names the array of tables).
fn path_tail(path: &str) -> String {
    paths::keys(path).collect::<Vec<_>>().join(".")
}

/// Repeated items, items missing a value, and the indicator tree.
fn list(field: &Field, path: &str, items: &[Record], out: &mut Vec<Finding>) {
    let text_of = |item: &Record, key: &str| match item.get(key) {
        Some(Value::Text(s)) => single_line(s),
        _ => String::new(),
    };
    if !field.unique.is_empty() {
        for (i, item) in items.iter().enumerate() {
            let key: Vec<String> = field.unique.iter().map(|k| text_of(item, k)).collect();
            if key.last().is_none_or(String::is_empty) {
                continue; // an item without a name is reported as empty, not repeated
            }
            let earlier = items[..i].iter().position(|other| {
                field
                    .unique
                    .iter()
                    .zip(&key)
                    .all(|(k, v)| text_of(other, k) == *v)
            });
            if let Some(first) = earlier {
                let last_key = &field.unique[field.unique.len() - 1];
                let last = field.child(last_key);
                let label = last.map_or(last_key.as_str(), |f| f.label.as_str());
                let value = &key[key.len() - 1];
                let under: Vec<&str> = key[..key.len() - 1]
                    .iter()
                    .map(String::as_str)
                    .filter(|s| !s.is_empty())
                    .collect();
                let (zh, en) = if under.is_empty() {
                    (
                        format!("{label}“{value}”重复（第 {} 项已用过）", first + 1),
                        format!("`{value}` appears twice (first as item {})", first + 1),
                    )
                } else {
                    (
                        format!(
                            "{label}“{value}”在“{}”下重复（第 {} 项已用过）",
                            under.join(" · "),
                            first + 1
                        ),
                        format!(
                            "`{value}` appears twice under `{}` (first as item {})",
                            under.join(" · "),
                            first + 1
                        ),
                    )
                };
                out.push(
                    Finding::error(
                        "duplicate",
                        format!("{path}[{i}].{last_key}"),
                        Text::new(zh, en),
                    )
                    .label(last.map_or(field.title.clone(), |f| f.title.clone()))
                    .help(Text::new(
                        "合并为一项（同一名称下的内容写在同一项中），或改正其中一项",
                        "merge them into one item, or correct one of them",
                    )),
                );
            }
        }
    }
    for set in &field.one_of {
        for (i, item) in items.iter().enumerate() {
            let filled = set
                .iter()
                .any(|k| item.get(k).is_some_and(|v| !v.is_blank()));
            if filled {
                continue;
            }
            let labels: Vec<&str> = set
                .iter()
                .filter_map(|k| field.child(k).map(|f| f.label.as_str()))
                .collect();
            let name_key = field
                .child("name")
                .map_or(set[0].as_str(), |f| f.key.as_str());
            let name = text_of(item, name_key);
            let name_title = field
                .child(name_key)
                .map_or(field.title.clone(), |f| f.title.clone());
            out.push(
                Finding::error(
                    "no-value",
                    format!("{path}[{i}].{name_key}"),
                    Text::new(
                        format!("“{name}”没有填写{}", labels.join("或")),
                        format!("`{name}` has no {}", labels.join(" or ")),
                    ),
                )
                .label(name_title)
                .help(Text::new(
                    format!("填写 {}", set.join(" 或 ")),
                    format!("fill in {}", set.join(" or ")),
                )),
            );
        }
    }
    if let Some(tree) = &field.tree {
        for (i, item) in items.iter().enumerate() {
            let level1 = text_of(item, &tree.levels[0]);
            let level2 = tree.levels.get(1).map(|k| text_of(item, k));
            if level1.is_empty() {
                continue;
            }
            let base = format!("{path}[{i}]");
            let l1_key = &tree.levels[0];
            let l1_label = field.child(l1_key).map_or("一级指标", |f| f.label.as_str());
            match tree.classify(&level1, level2.as_deref()) {
                Placement::Standard => {}
                Placement::UnknownTop { nearest } => out.push(nonstandard(
                    &format!("{base}.{l1_key}"),
                    &level1,
                    l1_label,
                    nearest.as_deref(),
                    None,
                )),
                Placement::Misplaced { home } => {
                    let (key, l2) = (&tree.levels[1], level2.unwrap_or_default());
                    out.push(
                        Finding::warning(
                            "nonstandard-label",
                            format!("{base}.{key}"),
                            Text::new(
                                format!("“{l2}”在标准框架中属于“{home}”，不属于“{level1}”（仍按申报文件的位置打印）"),
                                format!("`{l2}` belongs to `{home}` in the standard tree, not `{level1}` (printed where the declaration puts it)"),
                            ),
                        ),
                    );
                }
                Placement::UnknownChild {
                    stands_for,
                    nearest,
                } => {
                    let key = &tree.levels[1];
                    let l2_label = field.child(key).map_or("二级指标", |f| f.label.as_str());
                    out.push(nonstandard(
                        &format!("{base}.{key}"),
                        &level2.unwrap_or_default(),
                        l2_label,
                        nearest.as_deref(),
                        stands_for.as_deref(),
                    ));
                }
            }
        }
        for wanted in &tree.recommended {
            let n = normalise(wanted);
            let present = items
                .iter()
                .any(|item| normalise(&text_of(item, &tree.levels[0])) == n);
            if !items.is_empty() && !present {
                out.push(
                    Finding::warning(
                        "recommended-missing",
                        path,
                        Text::new(format!("没有{wanted}"), format!("there is no {wanted}")),
                    )
                    .label(field.title.clone())
                    .help(Text::new(
                        format!("通常应设置{wanted}，如 群众满意度 ≥90%"),
                        format!("forms usually include {wanted}"),
                    )),
                );
            }
        }
    }
}

fn nonstandard(
    path: &str,
    value: &str,
    what: &str,
    nearest: Option<&str>,
    stands_for: Option<&str>,
) -> Finding {
    let finding = Finding::warning(
        "nonstandard-label",
        path,
        Text::new(
            format!("“{value}”不是标准的{what}名称（仍会打印，位置同申报文件）"),
            format!(
                "`{value}` is not a standard {what} label (it is printed where the declaration puts it)"
            ),
        ),
    );
    match (stands_for, nearest) {
        (Some(s), _) => finding.help(Text::new(
            format!("视同标准的“{s}”（不再另印空行）；标准写法为“{s}”"),
            format!("taken as the standard `{s}` (no empty row printed for it)"),
        )),
        (None, Some(n)) => finding.help(Text::new(
            format!("您是不是想写“{n}”？"),
            format!("did you mean `{n}`?"),
        )),
        (None, None) => finding,
    }
}

fn year(decl: &Declaration, out: &mut Vec<Finding>) {
    let Some(Value::Year(y)) = decl.get(common::YEAR) else {
        return;
    };
    if !(2000..=2100).contains(y) {
        let title = decl
            .kind()
            .title_of(common::YEAR)
            .unwrap_or("年度")
            .to_owned();
        out.push(
            Finding::error(
                "year",
                common::YEAR,
                Text::new(
                    format!("{title} {y} 不在 2000—2100 之间"),
                    format!("the year {y} is not between 2000 and 2100"),
                ),
            )
            .label(title)
            .help(Text::new(
                "写四位数年份，如 2025",
                "write a four-digit year, e.g. 2025",
            )),
        );
    }
}

/// Characters per line of a cell `width_mm` wide at the kind's text size.
fn chars_per_line(width_mm: f64, text_size: f64) -> f64 {
    let char_mm = text_size * 0.3528;
    ((width_mm - 2.5) / char_mm).max(4.0)
}

/// Lines of body text on one A4 page at `text_size` (about 250 mm of table height).
fn lines_per_page(text_size: f64) -> f64 {
    250.0 / (text_size * 0.3528 * 1.55)
}

fn text(decl: &Declaration, fonts: &dyn Coverage, out: &mut Vec<Finding>) {
    let widths = crate::layout::value_widths(decl.kind());
    let size = decl.kind().spec.page.text_size;
    for field in decl.text_fields() {
        if let Some(c) = field
            .text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            out.push(
                Finding::error(
                    "control-char",
                    &field.path,
                    Text::new(
                        format!("含有不可见的控制字符 U+{:04X}（多为从其他系统复制粘贴带入）", c as u32),
                        format!("contains the invisible control character U+{:04X} (often pasted from another system)", c as u32),
                    ),
                )
                .label(field.label.clone())
                .help(Text::new("删除该字符后重新输入这段文字", "delete it and retype the text around it")),
            );
        }
        let Some(width_mm) = widths.get(&paths::generic(strip_paragraph(&field.path))) else {
            continue;
        };
        let width: f64 = field
            .text
            .chars()
            .map(|c| if is_wide(c) { 1.0 } else { 0.5 })
            .sum();
        let lines = width / chars_per_line(*width_mm, size);
        if lines > lines_per_page(size) {
            out.push(
                Finding::warning(
                    "cell-too-long",
                    &field.path,
                    Text::new(
                        format!("这一栏约 {} 字，一页放不下，将跨页打印", field.text.chars().count()),
                        format!("this cell has about {} characters and cannot fit on one page; it will run over pages", field.text.chars().count()),
                    ),
                )
                .label(field.label.clone())
                .help(Text::new("考虑精简内容，或拆成多行任务", "consider shortening it or splitting it into several rows")),
            );
        }
    }
    for missing in missing_glyphs(decl, fonts) {
        out.push(
            Finding::error(
                "missing-glyph",
                &missing.path,
                Text::new(
                    format!(
                        "字符“{}”（U+{:04X}）没有任何可用字体能显示",
                        missing.ch, missing.ch as u32
                    ),
                    format!(
                        "no available font can print “{}” (U+{:04X})",
                        missing.ch, missing.ch as u32
                    ),
                ),
            )
            .label(missing.label.clone())
            .help(Text::new(
                "换成常用字或同义写法；或用 --font-dir 提供含该字的字体",
                "replace the character, or add a font that has it with --font-dir",
            )),
        );
    }
}

/// `goal[1]` (a paragraph of `goal`) → `goal`; other paths unchanged.
fn strip_paragraph(path: &str) -> &str {
    match path.rfind('[') {
        Some(i) if path.ends_with(']') && !path[i..].contains('.') && !path[..i].ends_with(']') => {
            // A trailing index after a key is a paragraph index only for paragraph
            // fields; list items are always followed by `.key`.
            &path[..i]
        }
        _ => path,
    }
}
