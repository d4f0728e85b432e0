//! Where each key of a declaration is in its source: key path → byte ranges of the key
//! and of its value, so every finding can point at a line.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// Key path (`tasks[0].rows[1].amount`) → spans.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    values: HashMap<String, Range<usize>>,
    keys: HashMap<String, Range<usize>>,
}

/// Joins a table path and a key: `""` + `budget` → `budget`, `budget` + `basic` →
/// `budget.basic`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl SpanIndex {
    /// Indexes every key and value of `table`.
    pub fn build(table: &DeTable<'_>) -> SpanIndex {
        let mut index = SpanIndex::default();
        index.table("", table);
        index
    }

    fn table(&mut self, path: &str, table: &DeTable<'_>) {
        for (key, value) in table.iter() {
            let p = join(path, key.get_ref());
            self.keys.insert(p.clone(), key.span());
            self.values.insert(p.clone(), value.span());
            self.value(&p, value.get_ref());
        }
    }

    fn value(&mut self, path: &str, value: &DeValue<'_>) {
        match value {
            DeValue::Table(t) => self.table(path, t),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    self.values.insert(p.clone(), item.span());
                    self.value(&p, item.get_ref());
                }
            }
            _ => {}
        }
    }

    /// The span of the value at `path`.
    pub fn value_span(&self, path: &str) -> Option<Range<usize>> {
        self.values.get(path).cloned()
    }

    /// The span of the key at `path`.
    pub fn key_span(&self, path: &str) -> Option<Range<usize>> {
        self.keys.get(path).cloned()
    }

    /// The best span for a finding at `path`: its value, or else the nearest enclosing
    /// key or value that exists (e.g. a missing field points at its table).
    pub fn resolve(&self, path: &str) -> Option<Range<usize>> {
        let mut p = path.to_owned();
        loop {
            if let Some(span) = self.values.get(&p).or_else(|| self.keys.get(&p)) {
                return Some(span.clone());
            }
            let cut = p.rfind(['.', '['])?;
            p.truncate(cut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_array_items() {
        let src = "department = \"x\"\n[budget]\nbasic = 1\n[[tasks]]\nname = \"a\"\n[[tasks.rows]]\namount = \"2\"\n";
        let table = DeTable::parse(src).expect("toml");
        let index = SpanIndex::build(table.get_ref());
        assert_eq!(&src[index.value_span("budget.basic").expect("basic")], "1");
        assert_eq!(
            &src[index.key_span("tasks[0].rows[0].amount").expect("key")],
            "amount"
        );
        assert_eq!(
            &src[index.value_span("tasks[0].rows[0].amount").expect("v")],
            "\"2\""
        );
        assert!(
            index.resolve("tasks[0].rows[0].content").is_some(),
            "falls back to the row"
        );
    }
}
