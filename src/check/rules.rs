//! The rules a finance reviewer applies to a declaration that parses: required text,
//! the budget arithmetic, the indicator tree, duplicates, and text that cannot print.

use rust_decimal::Decimal;

use super::finding::{Finding, Text};
use super::shape::label_of;
use crate::amount::Amount;
use crate::declaration::Declaration;
use crate::fonts::FontSet;
use crate::glyphs::missing_glyphs;
use crate::template::Manifest;
use crate::text::{is_wide, single_line};

/// Published figures are rounded to 0.01 万元, so sums may differ by that much.
pub const TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// Runs every rule, appending findings in form order.
pub fn check(decl: &Declaration, manifest: &Manifest, fonts: &FontSet, out: &mut Vec<Finding>) {
    required_text(decl, out);
    year(decl, out);
    budget(decl, out);
    tasks(decl, out);
    indicators(decl, manifest, out);
    text(decl, fonts, out);
    out.extend(crate::form_data::unprinted(decl, manifest));
}

fn labelled(mut f: Finding) -> Finding {
    if f.label.is_none() {
        if let Some(label) = label_of(&f.path) {
            f.label = Some(label.to_owned());
        }
    }
    f
}

fn empty(path: &str, zh_what: &str, en_what: &str) -> Finding {
    labelled(
        Finding::error(
            "empty",
            path,
            Text::new(
                format!("{zh_what}不能为空"),
                format!("{en_what} must not be empty"),
            ),
        )
        .help(Text::new("请填写此栏", "fill in this field")),
    )
}

fn required_text(decl: &Declaration, out: &mut Vec<Finding>) {
    if decl.department.trim().is_empty() {
        out.push(empty("department", "部门名称", "the department name"));
    }
    if decl.goal.is_blank() {
        out.push(empty(
            "goal",
            "总体绩效目标",
            "the overall goal (总体绩效目标)",
        ));
    }
}

fn year(decl: &Declaration, out: &mut Vec<Finding>) {
    if !(2000..=2100).contains(&decl.year) {
        out.push(labelled(
            Finding::error(
                "year",
                "year",
                Text::new(
                    format!("预算年度 {} 不在 2000—2100 之间", decl.year),
                    format!("budget year {} is not between 2000 and 2100", decl.year),
                ),
            )
            .help(Text::new(
                "写四位数年份，如 2025",
                "write a four-digit year, e.g. 2025",
            )),
        ));
    }
}

fn budget(decl: &Declaration, out: &mut Vec<Finding>) {
    for (path, amount) in decl.amounts() {
        if amount.is_some_and(|a| a.value().is_sign_negative() && !a.value().is_zero()) {
            out.push(labelled(
                Finding::error(
                    "negative",
                    &path,
                    Text::new("金额不能为负数", "an amount must not be negative"),
                )
                .help(Text::new(
                    "检查是否多写了负号",
                    "check for a stray minus sign",
                )),
            ));
        }
    }
    let b = &decl.budget;
    for (path, amount) in [
        ("budget.basic", b.basic),
        ("budget.project", b.project),
        ("budget.special_fund", b.special_fund),
        ("budget.other_development", b.other_development),
        ("budget.appropriation", b.appropriation),
        ("budget.other_funds", b.other_funds),
        ("budget.city_level", b.city_level),
        ("budget.transfer", b.transfer),
    ] {
        if amount.is_none() {
            out.push(labelled(
                Finding::warning(
                    "amount-blank",
                    path,
                    Text::new("金额未填写，表中将留空", "amount left out: it prints blank"),
                )
                .help(Text::new("金额为零请写 0", "write 0 if the amount is zero")),
            ));
        }
    }

    let sum = |terms: &[Option<Amount>]| -> Option<Decimal> {
        terms.iter().map(|a| a.map(Amount::value)).sum()
    };
    let spending = sum(&[b.basic, b.project, b.special_fund, b.other_development]);
    let income = sum(&[b.appropriation, b.other_funds]);
    let levels = sum(&[b.city_level, b.transfer]);
    let totals = [
        (
            spending,
            "budget.basic",
            "基本支出 + 项目支出 + 财政专项资金 + 其他事业发展性支出",
            "basic + project + special_fund + other_development",
        ),
        (
            income,
            "budget.appropriation",
            "财政拨款 + 其他资金",
            "appropriation + other_funds",
        ),
        (
            levels,
            "budget.city_level",
            "市本级使用资金 + 拟用于对下转移支付资金",
            "city_level + transfer",
        ),
    ];
    // Compare every available total with the first available one.
    let mut available = totals.iter().filter(|t| t.0.is_some());
    if let Some(&(Some(reference), _, ref_zh, ref_en)) = available.next() {
        for &(total, path, zh, en) in available {
            let Some(total) = total else { continue };
            let diff = (total - reference).abs();
            if diff > TOLERANCE {
                out.push(labelled(
                    Finding::error(
                        "amount-identity",
                        path,
                        Text::new(
                            format!(
                                "金额不平衡：{zh} = {}，而 {ref_zh} = {}，相差 {}",
                                Amount::new(total),
                                Amount::new(reference),
                                Amount::new(diff)
                            ),
                            format!(
                                "the totals disagree: {en} = {}, but {ref_en} = {} (difference {})",
                                Amount::new(total),
                                Amount::new(reference),
                                Amount::new(diff)
                            ),
                        ),
                    )
                    .help(Text::new(
                        "三组合计应相等：支出合计 = 收入来源合计 = 按预算级次合计（允许 0.01 万元的舍入误差）",
                        "the three totals must agree (spending = income sources = budget levels), within 0.01 万元",
                    )),
                ));
            }
        }
    }

    let tasks_total: Decimal = decl
        .tasks
        .iter()
        .flat_map(|g| &g.rows)
        .filter_map(|r| r.amount)
        .map(Amount::value)
        .sum();
    if let Some(spending) = spending {
        if tasks_total > spending + TOLERANCE {
            out.push(labelled(
                Finding::warning(
                    "tasks-exceed-budget",
                    "tasks",
                    Text::new(
                        format!(
                            "重点工作任务的资金合计 {} 超过部门预算支出合计 {}",
                            Amount::new(tasks_total),
                            Amount::new(spending)
                        ),
                        format!(
                            "the key tasks add up to {}, more than the whole budget {}",
                            Amount::new(tasks_total),
                            Amount::new(spending)
                        ),
                    ),
                )
                .help(Text::new(
                    "核对各任务的拟投入资金",
                    "check the amounts of the key tasks",
                )),
            ));
        }
    }
}

fn tasks(decl: &Declaration, out: &mut Vec<Finding>) {
    if decl.tasks.iter().all(|g| g.rows.is_empty()) {
        out.push(labelled(
            Finding::warning(
                "no-tasks",
                "tasks",
                Text::new(
                    "没有填写年度重点工作任务",
                    "no key task (年度重点工作任务) is filled in",
                ),
            )
            .help(Text::new(
                "用 [[tasks]] 和 [[tasks.rows]] 填写",
                "add them with [[tasks]] and [[tasks.rows]]",
            )),
        ));
    }
    for (g, group) in decl.tasks.iter().enumerate() {
        let name = single_line(&group.name);
        if let Some(first) = decl.tasks[..g]
            .iter()
            .position(|other| single_line(&other.name) == name)
        {
            out.push(labelled(
                Finding::error(
                    "duplicate-task-group",
                    format!("tasks[{g}].name"),
                    Text::new(
                        format!("名称“{name}”重复（第 {} 组已用过），同一名称的任务应写在同一组下", first + 1),
                        format!("the task group `{name}` appears twice (first as group {}); put its rows in one group", first + 1),
                    ),
                )
                .help(Text::new("把这一组的 [[tasks.rows]] 移到前一组下，删去重复的 [[tasks]]", "move these rows under the first group")),
            ));
        }
        if name.is_empty() && !group.rows.is_empty() {
            out.push(labelled(Finding::warning(
                "empty",
                format!("tasks[{g}].name"),
                Text::new(
                    "名称为空：该组任务在表中没有名称",
                    "the task group has no name",
                ),
            )));
        }
        if group.rows.is_empty() {
            out.push(labelled(Finding::warning(
                "empty-group",
                format!("tasks[{g}]"),
                Text::new(
                    format!("名称“{name}”下没有任务行"),
                    format!("the task group `{name}` has no rows"),
                ),
            )));
        }
        for (r, row) in group.rows.iter().enumerate() {
            let base = format!("tasks[{g}].rows[{r}]");
            if row.content.is_blank() {
                out.push(empty(
                    &format!("{base}.content"),
                    "主要实施内容",
                    "the content (主要实施内容)",
                ));
            }
            if row.target.is_blank() {
                out.push(labelled(Finding::warning(
                    "empty",
                    format!("{base}.target"),
                    Text::new(
                        "期望达到的目标为空",
                        "the expected target (期望达到的目标) is empty",
                    ),
                )));
            }
            if row.amount.is_none() {
                out.push(labelled(Finding::warning(
                    "amount-blank",
                    format!("{base}.amount"),
                    Text::new(
                        "拟投入的资金未填写，表中将留空",
                        "amount left out: it prints blank",
                    ),
                )));
            }
        }
    }
}

fn indicators(decl: &Declaration, manifest: &Manifest, out: &mut Vec<Finding>) {
    let standard_level2: Vec<(&str, &str)> = manifest
        .indicator_skeleton
        .iter()
        .flat_map(|l1| {
            l1.level2
                .iter()
                .map(move |l2| (l1.level1.as_str(), l2.as_str()))
        })
        .collect();
    if decl.indicators.is_empty() {
        out.push(labelled(Finding::warning(
            "no-indicators",
            "indicators",
            Text::new("没有填写绩效指标", "no indicator (绩效指标) is filled in"),
        )));
    }
    for (i, ind) in decl.indicators.iter().enumerate() {
        let base = format!("indicators[{i}]");
        let (level1, level2, name) = (
            single_line(&ind.level1),
            single_line(&ind.level2),
            single_line(&ind.name),
        );
        if !manifest
            .indicator_skeleton
            .iter()
            .any(|l| l.level1 == level1)
        {
            let nearest = nearest(
                &level1,
                manifest
                    .indicator_skeleton
                    .iter()
                    .map(|l| l.level1.as_str()),
            );
            out.push(labelled(nonstandard(
                &format!("{base}.level1"),
                &level1,
                "一级指标",
                nearest,
            )));
        } else if !standard_level2.contains(&(level1.as_str(), level2.as_str())) {
            let home = standard_level2
                .iter()
                .find(|(_, l2)| *l2 == level2)
                .map(|(l1, _)| *l1);
            let finding = match home {
                Some(home) => Finding::warning(
                    "nonstandard-label",
                    format!("{base}.level2"),
                    Text::new(
                        format!("二级指标“{level2}”在标准框架中属于“{home}”，不属于“{level1}”"),
                        format!("the 二级 indicator `{level2}` belongs to `{home}` in the standard tree, not `{level1}`"),
                    ),
                ),
                None => {
                    let options = standard_level2.iter().filter(|(l1, _)| *l1 == level1).map(|(_, l2)| *l2);
                    nonstandard(&format!("{base}.level2"), &level2, "二级指标", nearest(&level2, options))
                }
            };
            out.push(labelled(finding));
        }
        if name.is_empty() {
            out.push(empty(
                &format!("{base}.name"),
                "三级指标",
                "the indicator name (三级指标)",
            ));
        }
        let (period, annual) = (ind.period_value.trim(), ind.annual_value.trim());
        if period.is_empty() && annual.is_empty() {
            out.push(labelled(
                Finding::error(
                    "indicator-no-value",
                    format!("{base}.name"),
                    Text::new(
                        format!("三级指标“{name}”没有指标值"),
                        format!("the indicator `{name}` has no value"),
                    ),
                )
                .help(Text::new(
                    "填写 period_value（实施周期指标值）和 annual_value（年度指标值）",
                    "fill in period_value and annual_value",
                )),
            ));
        }
        let duplicate = decl.indicators[..i].iter().any(|o| {
            single_line(&o.level1) == level1
                && single_line(&o.level2) == level2
                && single_line(&o.name) == name
        });
        if duplicate && !name.is_empty() {
            out.push(labelled(Finding::error(
                "duplicate-indicator",
                format!("{base}.name"),
                Text::new(
                    format!("三级指标“{name}”在“{level2}”下重复"),
                    format!("the indicator `{name}` appears twice under `{level2}`"),
                ),
            )));
        }
    }
    if !decl.indicators.is_empty()
        && !decl
            .indicators
            .iter()
            .any(|i| single_line(&i.level1) == "满意度指标")
    {
        out.push(labelled(
            Finding::warning(
                "no-satisfaction",
                "indicators",
                Text::new(
                    "没有满意度指标",
                    "there is no satisfaction indicator (满意度指标)",
                ),
            )
            .help(Text::new(
                "通常应设置“满意度指标 · 服务对象满意度指标”，如 群众满意度 ≥90%",
                "forms usually include 满意度指标 · 服务对象满意度指标, e.g. 群众满意度 ≥90%",
            )),
        ));
    }
}

fn nearest<'a>(word: &str, options: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    options
        .map(|o| (strsim::normalized_levenshtein(word, o), o))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

fn nonstandard(path: &str, value: &str, what: &str, nearest: Option<&str>) -> Finding {
    let finding = Finding::warning(
        "nonstandard-label",
        path,
        Text::new(
            format!("“{value}”不是标准的{what}名称（仍会打印，排在标准指标之后）"),
            format!(
                "`{value}` is not a standard {what} label (it is printed after the standard ones)"
            ),
        ),
    );
    match nearest {
        Some(n) => finding.help(Text::new(
            format!("您是不是想写“{n}”？"),
            format!("did you mean `{n}`?"),
        )),
        None => finding,
    }
}

/// Characters per line of each long-text column in the default template, at 10.5 pt.
fn chars_per_line(path: &str) -> f64 {
    if path.starts_with("goal") || path.starts_with("other_tasks") {
        40.0
    } else if path.ends_with(".content") || path.contains(".content[") {
        12.5
    } else if path.ends_with(".target") || path.contains(".target[") {
        14.5
    } else if path.starts_with("indicators") {
        9.0
    } else {
        30.0
    }
}

/// Lines of body text on one A4 page of the default template.
const LINES_PER_PAGE: f64 = 44.0;

fn text(decl: &Declaration, fonts: &FontSet, out: &mut Vec<Finding>) {
    for field in decl.text_fields() {
        if let Some(c) = field
            .text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            out.push(labelled(
                Finding::error(
                    "control-char",
                    &field.path,
                    Text::new(
                        format!("含有不可见的控制字符 U+{:04X}（多为从其他系统复制粘贴带入）", c as u32),
                        format!("contains the invisible control character U+{:04X} (often pasted from another system)", c as u32),
                    ),
                )
                .label(field.label)
                .help(Text::new("删除该字符后重新输入这段文字", "delete it and retype the text around it")),
            ));
        }
        let width: f64 = field
            .text
            .chars()
            .map(|c| if is_wide(c) { 1.0 } else { 0.5 })
            .sum();
        let lines = width / chars_per_line(&field.path);
        if lines > LINES_PER_PAGE {
            out.push(labelled(
                Finding::warning(
                    "cell-too-long",
                    &field.path,
                    Text::new(
                        format!("这一栏约 {} 字，一页放不下，将跨页打印", field.text.chars().count()),
                        format!("this cell has about {} characters and cannot fit on one page; it will run over pages", field.text.chars().count()),
                    ),
                )
                .label(field.label)
                .help(Text::new("考虑精简内容，或拆成多行任务", "consider shortening it or splitting it into several rows")),
            ));
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
            .label(missing.label)
            .help(Text::new(
                "换成常用字或同义写法；或用 --font-dir 提供含该字的字体",
                "replace the character, or add a font that has it with --font-dir",
            )),
        );
    }
}
