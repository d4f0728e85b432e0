//! Which kind of form a sheet is: every kind's title and fixed texts (section labels,
//! headings, labels) are looked for in the sheet, compared after
//! [`crate::normalize_label`]; the kind with the title found and most of its
//! texts present wins.

use std::collections::HashSet;
use std::sync::Arc;

use super::slots::static_texts;
use crate::{normalize_label, CellRef, Sheet};
use jixiao_core::kind::{Kind, Kinds};

/// A kind is taken when its title is found and this share of its fixed texts…
const WITH_TITLE: f64 = 0.3;
/// … or, without its title, this share.
const WITHOUT_TITLE: f64 = 0.6;

/// How well a sheet fits one kind.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The kind.
    pub kind: Arc<Kind>,
    /// The cell holding the kind's title, and the year it names (for titles with
    /// `{year}`).
    pub title: Option<(CellRef, Option<i32>)>,
    /// The cell holding the kind's subtitle, and the year it names.
    pub subtitle: Option<(CellRef, Option<i32>)>,
    /// Fixed texts of the kind found in the sheet.
    pub found: usize,
    /// Fixed texts of the kind.
    pub total: usize,
    /// The first fixed text not found.
    pub first_missing: Option<String>,
}

impl Fit {
    /// The share of the kind's fixed texts the sheet has.
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.found as f64 / self.total as f64
        }
    }

    /// Whether the sheet is taken to be of this kind.
    pub fn accepted(&self) -> bool {
        let share = self.share();
        if self.title.is_some() {
            share >= WITH_TITLE
        } else {
            share >= WITHOUT_TITLE
        }
    }

    fn score(&self, hinted: bool) -> f64 {
        self.share()
            + if self.title.is_some() { 0.5 } else { 0.0 }
            + if hinted { 0.25 } else { 0.0 }
    }

    /// The year the title (or the subtitle) names.
    pub fn year(&self) -> Option<i32> {
        self.title
            .and_then(|(_, y)| y)
            .or_else(|| self.subtitle.and_then(|(_, y)| y))
    }
}

/// How `sheet` fits `kind`.
pub fn fit(sheet: &Sheet, kind: &Arc<Kind>) -> Fit {
    let texts: HashSet<String> = sheet
        .cells()
        .filter(|c| !c.is_covered())
        .filter_map(|c| c.text().map(normalize_label))
        .collect();
    let mut labels: Vec<String> = static_texts(kind)
        .iter()
        .map(|t| normalize_label(t))
        .collect();
    let mut seen = HashSet::new();
    labels.retain(|l| seen.insert(l.clone()));
    let found = labels.iter().filter(|l| texts.contains(*l)).count();
    let first_missing = static_texts(kind)
        .into_iter()
        .find(|t| !texts.contains(&normalize_label(t)));
    let title = find_title(sheet, &kind.spec.title);
    let subtitle = (!kind.spec.subtitle.trim().is_empty())
        .then(|| find_title(sheet, &kind.spec.subtitle))
        .flatten();
    Fit {
        kind: kind.clone(),
        title,
        subtitle,
        found,
        total: labels.len(),
        first_missing,
    }
}

/// The best fitting kind of `kinds` for `sheet`, or the best fit found when none is
/// good enough. `hint` is a kind the workbook names (jixiao's own exports do).
pub fn detect(sheet: &Sheet, kinds: &Kinds, hint: Option<&str>) -> Result<Fit, Option<Fit>> {
    let mut fits: Vec<(f64, Fit)> = kinds
        .iter()
        .map(|k| {
            let f = fit(sheet, k);
            (f.score(hint == Some(k.name())), f)
        })
        .collect();
    fits.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut fits = fits.into_iter();
    match fits.next() {
        Some((_, best)) if best.accepted() => Ok(best),
        Some((_, best)) => Err(Some(best)),
        None => Err(None),
    }
}

/// The first visible cell whose text is `template` (`{year}` standing for four
/// digits), and the year it names.
pub fn find_title(sheet: &Sheet, template: &str) -> Option<(CellRef, Option<i32>)> {
    let (head, tail) = match template.split_once("{year}") {
        Some((h, t)) => (normalize_label(h), Some(normalize_label(t))),
        None => (normalize_label(template), None),
    };
    if head.is_empty() && tail.as_deref().is_none_or(str::is_empty) {
        return None;
    }
    sheet.cells().filter(|c| !c.is_covered()).find_map(|c| {
        let text = normalize_label(c.text()?);
        match &tail {
            None => (text == head).then_some((c.pos(), None)),
            Some(tail) => {
                let middle = text
                    .strip_prefix(head.as_str())?
                    .strip_suffix(tail.as_str())?;
                let year = middle
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|_| middle.len() == 4)?;
                Some((c.pos(), Some(year)))
            }
        }
    })
}
