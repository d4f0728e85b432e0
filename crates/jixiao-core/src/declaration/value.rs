//! The values a declaration holds, typed by its kind's description: exact amounts and
//! numbers (never `f64`), text as written, paragraphs, dates.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::amount::Amount;
use crate::date::Date;

/// A table of values by key (a declaration's top level, a `[budget]`, one list item).
pub type Record = BTreeMap<String, Value>;

/// One value, of the type its field declares.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// One line of text, as written (normalised only when printed).
    Text(String),
    /// Paragraphs, as written.
    Paragraphs(Paragraphs),
    /// Money in 万元.
    Amount(Amount),
    /// A percentage.
    Percent(Measure),
    /// An exact number (a score, a weight).
    Number(Measure),
    /// A year.
    Year(i32),
    /// A calendar day.
    Date(Date),
    /// True or false.
    Bool(bool),
    /// One of a choice's options, as the description spells it.
    Choice(String),
    /// A table.
    Table(Record),
    /// A list of tables.
    List(Vec<Record>),
}

impl Value {
    /// The exact number of an amount, percentage (in points) or number.
    pub fn decimal(&self) -> Option<Decimal> {
        match self {
            Value::Amount(a) => Some(a.value()),
            Value::Percent(m) | Value::Number(m) => Some(m.value),
            _ => None,
        }
    }

    /// Whether there is nothing in it (blank text, no paragraphs, an empty table or
    /// list).
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Text(s) | Value::Choice(s) => s.trim().is_empty(),
            Value::Paragraphs(p) => p.is_blank(),
            Value::Table(r) => r.values().all(Value::is_blank),
            Value::List(items) => items.is_empty(),
            _ => false,
        }
    }
}

/// An exact number with the text it was written as: `88%`, `97.6`, `10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// The value (for a percentage, in percentage points: `88%` is 88).
    pub value: Decimal,
    /// How it prints: as written, tidied (`８８％` → `88%`).
    pub text: String,
}

/// Free text of one or more paragraphs. In TOML it is a string, where a blank line
/// separates paragraphs, or an array of strings, one paragraph each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Paragraphs(pub Vec<String>);

impl Paragraphs {
    /// The paragraphs with whitespace normalised (see [`crate::text::paragraphs`]);
    /// empty paragraphs are dropped.
    pub fn normalised(&self) -> Vec<String> {
        self.0
            .iter()
            .flat_map(|p| crate::text::paragraphs(p))
            .collect()
    }

    /// Whether there is no visible text at all.
    pub fn is_blank(&self) -> bool {
        self.0.iter().all(|p| p.trim().is_empty())
    }
}

impl From<&str> for Paragraphs {
    fn from(text: &str) -> Self {
        Paragraphs(vec![text.to_owned()])
    }
}
