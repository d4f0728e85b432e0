//! When a worker process trims Typst's caches: by how much the documents it rendered
//! since the last trim weigh, and by how much the next one will.
//!
//! Typst keeps what it laid out in global memoisation caches (`comemo`), and they grow
//! with what was laid out. Trimming after every document keeps a worker's memory at
//! what its largest document needs, but throws away what the next document could reuse
//! (the column headings, the fixed labels, the shaped runs of common characters); on
//! reference-sized forms that costs about a tenth of a batch's time (BENCHMARKS.md).
//! Keeping the caches of several documents costs memory: what they keep comes on top of
//! the next document's own, so keeping them while a large document is laid out raises
//! the peak to the large document's plus theirs (a budget counted only after each
//! document peaked 159 MiB higher on the mixed corpus).
//!
//! So a worker keeps the caches while the documents since the last trim *and* the next
//! one together stay within [`TrimBudget::DEFAULT`]: it trims before a document that
//! would take the total over it (unless nothing is kept), and after a document that
//! reached it. The peak is then the largest single document's, as with a trim after
//! every document, or the budget's worth of small documents, whichever is larger.
//!
//! A document's weight ([`weight`]) is known before it is laid out: the characters its
//! declaration prints, plus a fixed amount per value for the cell around it.

use crate::declaration::{Declaration, Value};

/// What a value costs besides its characters: its cell, borders and shaping run.
const PER_VALUE: usize = 8;

/// The layout weight of `decl`: the characters of every value it prints, plus
/// [`PER_VALUE`] for each value. The reference form (4 pages) weighs 5,332; on the
/// bench's 1,000 mixed declarations a page weighs 760–1,682 (median 1,363).
pub fn weight(decl: &Declaration) -> usize {
    let mut total = 0;
    decl.walk(&mut |_, _, value| {
        total += match value {
            Value::Text(s) | Value::Choice(s) => PER_VALUE + s.chars().count(),
            Value::Paragraphs(p) => p.0.iter().map(|s| PER_VALUE + s.chars().count()).sum(),
            Value::Percent(m) | Value::Number(m) => PER_VALUE + m.text.chars().count(),
            Value::Amount(_) | Value::Year(_) | Value::Date(_) | Value::Bool(_) => PER_VALUE + 10,
            // Their values are visited one by one.
            Value::Table(_) | Value::List(_) => 0,
        }
    });
    total
}

/// The weight of the documents a worker rendered since its last trim, against a budget.
#[derive(Debug, Clone)]
pub struct TrimBudget {
    budget: usize,
    kept: usize,
}

impl TrimBudget {
    /// The budget a worker uses: about three reference-sized forms (12 pages).
    pub const DEFAULT: usize = 18_000;

    /// A budget of `budget` (a weight as [`weight`] counts it); nothing kept yet.
    pub fn new(budget: usize) -> TrimBudget {
        TrimBudget { budget, kept: 0 }
    }

    /// Before a document of `weight`: whether to trim first, because what is kept and
    /// the document together would exceed the budget.
    pub fn trim_before(&mut self, weight: usize) -> bool {
        let trim = self.kept > 0 && self.kept.saturating_add(weight) > self.budget;
        if trim {
            self.kept = 0;
        }
        trim
    }

    /// After a document of `weight` (`None`: it failed, and what it left is unknown):
    /// whether to trim now, because the budget is reached.
    pub fn trim_after(&mut self, weight: Option<usize>) -> bool {
        self.kept = match weight {
            Some(w) => self.kept.saturating_add(w),
            None => self.budget,
        };
        let trim = self.kept >= self.budget;
        if trim {
            self.kept = 0;
        }
        trim
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs documents of these weights through a budget of 100 and records the trims:
    /// 'b' before a document, 'a' after it, '.' a document rendered.
    fn trims(weights: &[Option<usize>]) -> String {
        let mut budget = TrimBudget::new(100);
        let mut out = String::new();
        for w in weights {
            if budget.trim_before(w.unwrap_or(0)) {
                out.push('b');
            }
            out.push('.');
            if budget.trim_after(*w) {
                out.push('a');
            }
        }
        out
    }

    #[test]
    fn small_documents_share_the_budget() {
        // 30 + 30 + 30 = 90 kept; the fourth would make 120: trim before it.
        assert_eq!(trims(&[Some(30); 6]), "...b...");
        // Exactly the budget: trimmed after the document that reached it.
        assert_eq!(trims(&[Some(50), Some(50), Some(50)]), "..a.");
    }

    #[test]
    fn a_large_document_is_laid_out_alone_and_dropped_after() {
        // The small one's caches go before the large one, the large one's after it.
        assert_eq!(trims(&[Some(20), Some(500), Some(20)]), ".b.a.");
        // Nothing kept: no trim before, even for a document over the budget.
        assert_eq!(trims(&[Some(500), Some(500)]), ".a.a");
    }

    #[test]
    fn a_failed_document_counts_as_the_whole_budget() {
        assert_eq!(trims(&[Some(10), None, Some(10)]), "..a.");
    }

    #[test]
    fn weight_grows_with_what_the_form_prints() {
        let kinds = crate::kind::Kinds::builtin();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |name: &str| {
            let text = std::fs::read_to_string(root.join("samples").join(name))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            Declaration::from_toml_with(&text, kinds).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        let reference = weight(&read("guangzhou-kexie.toml"));
        let long = weight(&read("long-declaration.toml"));
        // The reference (4 pages) lies within the range the budget is set by.
        assert!(
            (4_000..=8_000).contains(&reference),
            "reference weighs {reference}"
        );
        assert!(long > reference, "long {long} vs reference {reference}");
    }
}
