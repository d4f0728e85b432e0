//! The arithmetic of a form, from its kind's `[[check]]`s: totals that must agree, parts
//! that add up to a total, rates, scores within their maximum, weights that reach 100.
//! Values a declaration leaves out that a check defines (a total, a rate) are derived
//! and printed; values it gives are checked, on exact decimals.
//!
//! When totals disagree, the finding points at the culprit: of three totals, the one
//! that differs from the two that agree, with its terms underlined.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::amount::Amount;
use crate::declaration::{Declaration, Value};
use crate::diag::Severity;
use crate::finding::{Finding, Text};
use crate::kind::spec::{CheckSpec, Level, SumGroup};
use crate::kind::{FieldType, Kind};
pub use crate::totals::{derive, expand, Derived};
use crate::totals::{rate_of, sum_of, terms};

/// Published figures are rounded to 0.01, so sums may differ by that much.
pub const TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// Runs every arithmetic check of the kind, but those involving a value `unread` says
/// the parser could not read.
pub fn check(decl: &Declaration, unread: &dyn Fn(&str) -> bool, out: &mut Vec<Finding>) {
    let derived = derive(decl);
    let kind = decl.kind();
    for spec in &kind.spec.checks {
        if spec.paths().into_iter().any(unread) {
            continue;
        }
        match spec {
            CheckSpec::EqualSums {
                code,
                level,
                groups,
            } => equal_sums(decl, &derived, code, *level, groups, out),
            CheckSpec::Sum {
                code,
                level,
                total,
                parts,
            } => sum_check(decl, &derived, code, *level, total, parts, out),
            CheckSpec::AtMost {
                code,
                level,
                sum,
                limit,
            } => at_most(decl, &derived, code, *level, sum, limit, out),
            CheckSpec::Rate {
                code,
                level,
                rate,
                numerator,
                denominator,
            } => rate_check(decl, code, *level, rate, numerator, denominator, out),
            CheckSpec::AtMostEach {
                code,
                level,
                value,
                max,
            } => at_most_each(decl, code, *level, value, max, out),
            CheckSpec::SumEquals {
                code,
                level,
                terms,
                equals,
            } => sum_equals(decl, &derived, code, *level, terms, equals, out),
        }
    }
}

/// A finding at the level and with the code a description gives.
fn finding(level: Level, code: &str, path: &str, message: Text) -> Finding {
    let severity = match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
    };
    Finding::new(severity, code.to_owned(), path, message)
}

/// A number as the form prints it for the field at `path`.
fn shown(kind: &Kind, path: &str, value: Decimal) -> String {
    match kind.field_at(path).map(|f| f.kind) {
        Some(FieldType::Amount) => Amount::new(value).to_form_string(),
        Some(FieldType::Percent) => format!("{}%", value.normalize()),
        _ => value.normalize().to_string(),
    }
}

/// The labels of the fields at `paths`, joined with ` + `: their full titles
/// (`年度资金总额 · 分值`), or with `short` only the labels (where the sum's own name
/// already says which block they are in).
fn labels_of(kind: &Kind, spec_paths: &[String], short: bool) -> String {
    spec_paths
        .iter()
        .map(|p| {
            kind.field_at(p).map_or(p.as_str(), |f| {
                if short {
                    f.label.as_str()
                } else {
                    f.title.as_str()
                }
            })
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The path a finding about a spec path points at: the path itself, or the list it
/// reaches into (`tasks[].rows[].amount` → `tasks`).
fn anchor(spec_path: &str) -> String {
    match spec_path.split_once("[]") {
        Some((head, _)) => head.to_owned(),
        None => spec_path.to_owned(),
    }
}

/// One group's total, with the terms it was made of.
struct Total<'g> {
    group: &'g SumGroup,
    value: Decimal,
    terms: Vec<String>,
}

fn equal_sums(
    decl: &Declaration,
    derived: &Derived,
    code: &str,
    level: Level,
    groups: &[SumGroup],
    out: &mut Vec<Finding>,
) {
    let kind = decl.kind();
    let totals: Vec<Total<'_>> = groups
        .iter()
        .filter_map(|g| {
            let present = terms(decl, derived, &g.terms);
            if present.is_empty() {
                return None;
            }
            let value = present
                .iter()
                .try_fold(Decimal::ZERO, |acc, (_, v)| acc.checked_add(*v))?;
            Some(Total {
                group: g,
                value,
                terms: present.into_iter().map(|(p, _)| p).collect(),
            })
        })
        .collect();
    if totals.len() < 2 {
        return;
    }
    let agree = |a: &Total<'_>, b: &Total<'_>| (a.value - b.value).abs() <= TOLERANCE;
    if totals.iter().all(|t| agree(t, &totals[0])) {
        return;
    }
    // The culprit: the one total that disagrees with all others, when those agree.
    let culprit = (0..totals.len()).find(|&i| {
        let others: Vec<&Total<'_>> = totals
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, t)| t)
            .collect();
        others.len() >= 2
            && others.iter().all(|o| agree(o, others[0]))
            && !agree(&totals[i], others[0])
    });
    let help_all = Text::new(
        format!(
            "各组合计应相等：{}（允许 0.01 的舍入误差）",
            groups
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>()
                .join(" = ")
        ),
        "the totals must agree, within 0.01",
    );
    match culprit {
        Some(i) => {
            let bad = &totals[i];
            let others: Vec<&Total<'_>> = totals
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, t)| t)
                .collect();
            let reference = others[0].value;
            let names: Vec<&str> = others.iter().map(|o| o.group.name.as_str()).collect();
            let diff = (bad.value - reference).abs();
            let (bad_shown, reference_shown, diff_shown) = (
                shown(kind, &bad.terms[0], bad.value),
                shown(kind, &bad.terms[0], reference),
                shown(kind, &bad.terms[0], diff),
            );
            let name = &bad.group.name;
            let mut f = finding(
                level,
                code,
                &bad.terms[0],
                Text::new(
                    format!(
                        "金额不平衡：{name} = {bad_shown}，而{}均为 {reference_shown}，相差 {diff_shown}；请核对{name}的各项（{}）",
                        names.join("和"),
                        labels_of(kind, &bad.group.terms, true),
                    ),
                    format!(
                        "the totals disagree: {name} = {bad_shown}, but {} are both {reference_shown} (difference {diff_shown}); check the terms of {name}",
                        names.join(" and "),
                    ),
                ),
            )
            .help(help_all);
            for t in &bad.terms[1..] {
                f = f.related(t.clone(), None);
            }
            out.push(f);
        }
        None => {
            let listing = |sep: &str| {
                totals
                    .iter()
                    .map(|t| format!("{} = {}", t.group.name, shown(kind, &t.terms[0], t.value)))
                    .collect::<Vec<_>>()
                    .join(sep)
            };
            let last = &totals[totals.len() - 1];
            let mut f = finding(
                level,
                code,
                &last.terms[0],
                Text::new(
                    format!("金额不平衡，各组合计互不相等：{}", listing("；")),
                    format!("the totals all disagree: {}", listing("; ")),
                ),
            )
            .help(help_all);
            for t in &totals[..totals.len() - 1] {
                f = f.related(t.terms[0].clone(), Some(t.group.name.clone()));
            }
            out.push(f);
        }
    }
}

fn sum_check(
    decl: &Declaration,
    derived: &Derived,
    code: &str,
    level: Level,
    total: &str,
    parts: &[String],
    out: &mut Vec<Finding>,
) {
    let kind = decl.kind();
    let Some(given) = decl.get(total).and_then(Value::decimal) else {
        return; // derived, so it adds up
    };
    let present = terms(decl, derived, parts);
    if present.is_empty() {
        return;
    }
    let Some(sum) = present
        .iter()
        .try_fold(Decimal::ZERO, |acc, (_, v)| acc.checked_add(*v))
    else {
        return;
    };
    let diff = (given - sum).abs();
    if diff <= TOLERANCE {
        return;
    }
    let title = kind.title_of(total).unwrap_or(total);
    let mut f = finding(
        level,
        code,
        total,
        Text::new(
            format!(
                "“{title}”为 {}，而各分项（{}）之和为 {}，相差 {}",
                shown(kind, total, given),
                labels_of(kind, parts, false),
                shown(kind, total, sum),
                shown(kind, total, diff)
            ),
            format!(
                "{title} is {}, but its parts add up to {} (difference {})",
                shown(kind, total, given),
                shown(kind, total, sum),
                shown(kind, total, diff)
            ),
        ),
    )
    .help(Text::new(
        "核对合计与各分项；合计不填时由各分项自动求和",
        "check the total and its parts; leave the total out and it is computed",
    ));
    for (p, _) in &present {
        f = f.related(p.clone(), None);
    }
    out.push(f);
}

fn at_most(
    decl: &Declaration,
    derived: &Derived,
    code: &str,
    level: Level,
    sum: &SumGroup,
    limit: &SumGroup,
    out: &mut Vec<Finding>,
) {
    let kind = decl.kind();
    let (Some(s), Some(l)) = (
        sum_of(decl, derived, &sum.terms),
        sum_of(decl, derived, &limit.terms),
    ) else {
        return;
    };
    if s <= l + TOLERANCE {
        return;
    }
    let first = &sum.terms[0];
    out.push(
        finding(
            level,
            code,
            &anchor(first),
            Text::new(
                format!(
                    "{} {} 超过{} {}",
                    sum.name,
                    shown(kind, first, s),
                    limit.name,
                    shown(kind, first, l)
                ),
                format!(
                    "{} ({}) exceeds {} ({})",
                    sum.name,
                    shown(kind, first, s),
                    limit.name,
                    shown(kind, first, l)
                ),
            ),
        )
        .help(Text::new(
            format!("核对{}", labels_of(kind, &sum.terms, true)),
            "check the amounts",
        )),
    );
}

fn rate_check(
    decl: &Declaration,
    code: &str,
    level: Level,
    rate: &str,
    numerator: &str,
    denominator: &str,
    out: &mut Vec<Finding>,
) {
    let kind = decl.kind();
    let Some(Value::Percent(given)) = decl.get(rate) else {
        return;
    };
    let derived = Derived::new();
    let Some(computed) = rate_of(decl, &derived, numerator, denominator) else {
        return;
    };
    let scale = given.value.normalize().scale();
    let half_unit = Decimal::new(5, scale + 1);
    if (given.value - computed).abs() <= half_unit {
        return;
    }
    let decimals = kind.field_at(rate).map_or(2, |f| f.decimals);
    let shown_rate = format!(
        "{:.*}%",
        decimals as usize,
        computed.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
    );
    let (n, d) = (
        kind.field_at(numerator)
            .map_or(numerator, |f| f.label.as_str()),
        kind.field_at(denominator)
            .map_or(denominator, |f| f.label.as_str()),
    );
    let title = kind.title_of(rate).unwrap_or(rate);
    out.push(
        finding(
            level,
            code,
            rate,
            Text::new(
                format!(
                    "“{title}”应为 {n} ÷ {d} = {shown_rate}，这里填的是 {}",
                    given.text
                ),
                format!(
                    "{title} should be {n} / {d} = {shown_rate}, found {}",
                    given.text
                ),
            ),
        )
        .help(Text::new(
            "改正执行率，或删去它由 jixiao 计算",
            "correct the rate, or leave it out and jixiao computes it",
        ))
        .related(numerator.to_owned(), None)
        .related(denominator.to_owned(), None),
    );
}

/// The list indices in a key path: `indicators[3].score` → [3].
fn indices(path: &str) -> Vec<String> {
    path.split('[')
        .skip(1)
        .filter_map(|s| s.split(']').next())
        .map(str::to_owned)
        .collect()
}

/// A spec path with its `[]` filled from `indices`.
fn instantiate(spec_path: &str, indices: &[String]) -> String {
    let mut out = String::new();
    let mut parts = spec_path.split("[]");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        out.push_str(&format!("[{}]", indices.get(i).map_or("0", String::as_str)));
        out.push_str(part);
    }
    out
}

fn at_most_each(
    decl: &Declaration,
    code: &str,
    level: Level,
    value: &str,
    max: &str,
    out: &mut Vec<Finding>,
) {
    let kind = decl.kind();
    for path in expand(decl, value) {
        let max_path = instantiate(max, &indices(&path));
        let (Some(v), Some(m)) = (
            decl.get(&path).and_then(Value::decimal),
            decl.get(&max_path).and_then(Value::decimal),
        ) else {
            continue;
        };
        if v > m {
            let (vl, ml) = (
                kind.field_at(value).map_or(value, |f| f.label.as_str()),
                kind.field_at(max).map_or(max, |f| f.label.as_str()),
            );
            out.push(
                finding(
                    level,
                    code,
                    &path,
                    Text::new(
                        format!("{vl} {} 超过{ml} {}", v.normalize(), m.normalize()),
                        format!("{vl} {} exceeds {ml} {}", v.normalize(), m.normalize()),
                    ),
                )
                .help(Text::new(
                    format!("{vl}不能高于{ml}"),
                    "a score cannot exceed its maximum",
                ))
                .related(max_path, None),
            );
        }
    }
}

fn sum_equals(
    decl: &Declaration,
    derived: &Derived,
    code: &str,
    level: Level,
    spec_terms: &[String],
    equals: &str,
    out: &mut Vec<Finding>,
) {
    let kind = decl.kind();
    let Ok(target) = equals.parse::<Decimal>() else {
        return;
    };
    let Some(sum) = sum_of(decl, derived, spec_terms) else {
        return;
    };
    if (sum - target).abs() <= TOLERANCE {
        return;
    }
    let first = &spec_terms[0];
    let label = labels_of(kind, spec_terms, false);
    out.push(
        finding(
            level,
            code,
            &anchor(first),
            Text::new(
                format!(
                    "（{label}）合计为 {}，应为 {}",
                    sum.normalize(),
                    target.normalize()
                ),
                format!(
                    "({label}) add up to {}, not {}",
                    sum.normalize(),
                    target.normalize()
                ),
            ),
        )
        .help(Text::new(format!("核对各项{label}"), "check the values")),
    );
}
