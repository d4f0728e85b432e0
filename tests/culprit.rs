//! When the three budget totals of the 部门整体 form disagree, the error points at the
//! group that is wrong — its terms underlined, its name said — and never at the values
//! of the groups that agree. When all three differ, one error shows all three totals.
//! The same for the equal-sums check of every kind that has one.

mod common;

use jixiao::check::{check, DeclarationSource};
use jixiao::kind::spec::CheckSpec;
use jixiao::{FontSet, Kinds, Severity};

use common::all_samples;

/// The three groups of the Guangzhou form, as its description declares them.
const SPENDING: &[&str] = &[
    "budget.basic",
    "budget.project",
    "budget.special_fund",
    "budget.other_development",
];
const INCOME: &[&str] = &["budget.appropriation", "budget.other_funds"];
const LEVELS: &[&str] = &["budget.city_level", "budget.transfer"];

/// The sample with `key` of `[budget]` set to `value`.
fn with_budget(key: &str, value: &str) -> String {
    let text = std::fs::read_to_string(common::root().join("samples/guangzhou-kexie.toml"))
        .expect("sample");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("the sample has no {key}"));
    let old = line.split('#').next().expect("a value").trim_end();
    text.replacen(old, &format!("{key} = \"{value}\""), 1)
}

/// The `amount-identity` errors of `text`: (main path, related paths, message zh).
fn identity_errors(text: &str) -> Vec<(String, Vec<String>, String)> {
    let report = check(
        DeclarationSource::from_bytes("decl.toml".into(), text.as_bytes().to_vec()),
        Kinds::builtin(),
        &FontSet::bundled(),
    );
    report
        .findings
        .iter()
        .filter(|f| f.code == "amount-identity" && f.severity == Severity::Error)
        .map(|f| {
            (
                f.path.clone(),
                f.related.iter().map(|(p, _)| p.clone()).collect(),
                f.message.zh.clone(),
            )
        })
        .collect()
}

#[test]
fn the_sample_balances() {
    assert!(identity_errors(&with_budget("basic", "6,686.98")).is_empty());
}

#[test]
fn a_mistyped_term_is_blamed_on_its_own_group_only() {
    for (group, name, key, wrong) in [
        (SPENDING, "部门预算支出合计", "basic", "6,868.98"),
        (INCOME, "收入来源合计", "appropriation", "26,411.61"),
        (LEVELS, "按预算级次合计", "city_level", "19,756.66"),
    ] {
        let errors = identity_errors(&with_budget(key, wrong));
        assert_eq!(
            errors.len(),
            1,
            "{key}: one error, not one per pair: {errors:?}"
        );
        let (path, related, message) = &errors[0];
        let mut underlined = vec![path.clone()];
        underlined.extend(related.iter().cloned());
        for p in &underlined {
            assert!(
                group.contains(&p.as_str()),
                "{key}: {p} is underlined but is not a term of {name}: {errors:?}"
            );
        }
        // Every term the group has is underlined (so the mistyped one is among them).
        for term in group {
            assert!(
                underlined.iter().any(|p| p == term),
                "{key}: {term} not underlined"
            );
        }
        assert!(
            message.starts_with(&format!("金额不平衡：{name} =")),
            "{key}: the message names the wrong group first: {message}"
        );
    }
}

#[test]
fn three_different_totals_give_one_error_showing_all_three() {
    let text = with_budget("basic", "6,868.98").replace(
        "appropriation = \"26,141.61\"",
        "appropriation = \"26,411.61\"",
    );
    assert!(
        text.contains("26,411.61"),
        "the sample changed: fix the test"
    );
    let errors = identity_errors(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = &errors[0].2;
    for shown in [
        "部门预算支出合计 = 26,323.61",
        "收入来源合计 = 26,411.61",
        "按预算级次合计 = 26,141.61",
    ] {
        assert!(message.contains(shown), "{shown} missing from: {message}");
    }
}

/// Every sample whose kind has an equal-sums check with three groups filled in:
/// breaking one term of each group in turn blames that group alone (its first term gets
/// 1,000 more).
#[test]
fn every_equal_sums_check_of_every_kind_blames_the_group_that_differs() {
    let mut checked = 0;
    for (name, _, decl) in all_samples() {
        for spec in &decl.kind().spec.checks {
            let CheckSpec::EqualSums { groups, code, .. } = spec else {
                continue;
            };
            // A culprit needs two totals that agree against one: three groups filled in.
            let filled = groups
                .iter()
                .filter(|g| g.terms.iter().any(|t| decl.get(t).is_some()))
                .count();
            if filled < 3 {
                continue;
            }
            for (g, group) in groups.iter().enumerate() {
                let mut broken = decl.clone();
                let Some(first) = group.terms.first() else {
                    continue;
                };
                let Some(value) = broken.get(first).and_then(|v| v.decimal()) else {
                    continue;
                };
                broken.set(
                    first,
                    jixiao::declaration::Value::Amount(jixiao::Amount::new(
                        value + rust_decimal::Decimal::from(1000),
                    )),
                );
                let toml = broken.to_toml();
                let report = check(
                    DeclarationSource::from_bytes(name.clone(), toml.into_bytes()),
                    Kinds::builtin(),
                    &FontSet::bundled(),
                );
                let found: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|f| f.code == code.as_str())
                    .collect();
                assert_eq!(found.len(), 1, "{name} group {g}: {found:?}");
                let f = found[0];
                for p in std::iter::once(&f.path).chain(f.related.iter().map(|(p, _)| p)) {
                    assert!(
                        group.terms.contains(p),
                        "{name}: breaking {first} underlines {p}, a term of another group"
                    );
                }
                assert!(
                    f.message.zh.contains(&group.name),
                    "{name}: {}",
                    f.message.zh
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 3, "only {checked} groups checked");
}
