//! The values a form prints that its declaration may leave out: totals of parts and
//! rates, from the kind's `[[check]]`s. Printing (the PDF, the xlsx export) and the
//! import take them from here; the checks ([`crate::check`]) compare the values a
//! declaration does give against the same sums.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::amount::Amount;
use crate::declaration::{Declaration, Measure, Value};
use crate::kind::spec::CheckSpec;
use crate::kind::FieldType;

/// Values derived where the declaration leaves them out, by key path.
pub type Derived = BTreeMap<String, Value>;

/// The values the checks derive for `decl`: totals of parts, rates.
pub fn derive(decl: &Declaration) -> Derived {
    let mut derived = Derived::new();
    let kind = decl.kind();
    // Sums first, rates of them next, then sums of derived rates or totals.
    for pass in 0..2 {
        for check in &kind.spec.checks {
            match check {
                CheckSpec::Sum { total, parts, .. } => {
                    if lookup(decl, &derived, total).is_some() {
                        continue;
                    }
                    let Some(field) = kind.field_at(total) else {
                        continue;
                    };
                    if let Some(sum) = sum_of(decl, &derived, parts) {
                        derived.insert(total.clone(), typed(field.kind, sum));
                    }
                }
                CheckSpec::Rate {
                    rate,
                    numerator,
                    denominator,
                    ..
                } if pass == 0 || lookup(decl, &derived, rate).is_none() => {
                    if lookup(decl, &derived, rate).is_some() {
                        continue;
                    }
                    let decimals = kind.field_at(rate).map_or(2, |f| f.decimals);
                    if let Some(r) = rate_of(decl, &derived, numerator, denominator) {
                        let rounded = r.round_dp_with_strategy(
                            decimals,
                            RoundingStrategy::MidpointAwayFromZero,
                        );
                        derived.insert(
                            rate.clone(),
                            Value::Percent(Measure {
                                value: rounded,
                                text: format!("{:.*}%", decimals as usize, rounded),
                            }),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    derived
}

/// The value at `path`: given, else derived.
pub(crate) fn lookup<'a>(
    decl: &'a Declaration,
    derived: &'a Derived,
    path: &str,
) -> Option<&'a Value> {
    decl.get(path).or_else(|| derived.get(path))
}

/// Every key path a spec path stands for: `tasks[].rows[].amount` → each row's amount.
pub fn expand(decl: &Declaration, spec_path: &str) -> Vec<String> {
    let Some((head, rest)) = spec_path.split_once("[]") else {
        return vec![spec_path.to_owned()];
    };
    let count = match decl.get(head) {
        Some(Value::List(items)) => items.len(),
        _ => 0,
    };
    (0..count)
        .flat_map(|i| expand(decl, &format!("{head}[{i}]{rest}")))
        .collect()
}

/// The terms of `paths` that have a value, with their values.
pub(crate) fn terms(
    decl: &Declaration,
    derived: &Derived,
    spec_paths: &[String],
) -> Vec<(String, Decimal)> {
    spec_paths
        .iter()
        .flat_map(|p| expand(decl, p))
        .filter_map(|p| {
            let v = lookup(decl, derived, &p)?.decimal()?;
            Some((p, v))
        })
        .collect()
}

/// The sum of the terms present, or `None` when none is.
pub(crate) fn sum_of(
    decl: &Declaration,
    derived: &Derived,
    spec_paths: &[String],
) -> Option<Decimal> {
    let present = terms(decl, derived, spec_paths);
    if present.is_empty() {
        return None;
    }
    present
        .iter()
        .try_fold(Decimal::ZERO, |acc, (_, v)| acc.checked_add(*v))
}

pub(crate) fn rate_of(
    decl: &Declaration,
    derived: &Derived,
    numerator: &str,
    denominator: &str,
) -> Option<Decimal> {
    let n = lookup(decl, derived, numerator)?.decimal()?;
    let d = lookup(decl, derived, denominator)?.decimal()?;
    if d.is_zero() {
        return None;
    }
    n.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(d)
}

/// `value` as a value of a field of type `kind`.
pub(crate) fn typed(kind: FieldType, value: Decimal) -> Value {
    match kind {
        FieldType::Amount => Value::Amount(Amount::new(value)),
        FieldType::Percent => Value::Percent(Measure {
            value,
            text: format!("{}%", value.normalize()),
        }),
        _ => Value::Number(Measure {
            value,
            text: value.normalize().to_string(),
        }),
    }
}
