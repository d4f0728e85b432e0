//! Checking a declaration the way a finance reviewer would, with diagnostics that point
//! at the line: `jixiao check`, and the same checks before every render.
//!
//! The stages, each reporting every problem it finds before the next runs:
//! 1. [`source`]: the file's encoding (UTF-8; GB18030/GBK with a warning);
//! 2. TOML syntax (every syntax error at once);
//! 3. the declaration's kind, then its shape ([`crate::declaration::parse`]): unknown
//!    keys (with "did you mean"), wrong types, missing keys, malformed amounts;
//! 4. [`rules`] — also when stage 3 found errors, on what could be read (a check
//!    involving a value the parser could not read is left out): required and
//!    recommended fields, the arithmetic of the kind
//!    ([`arith`]), the indicator tree, duplicates, control characters, characters no
//!    font has, cells too long for a page.
//!
//! Every rule follows from the kind's description ([`crate::kind`]).

pub mod arith;
pub use crate::finding;
pub mod rules;
pub mod source;
pub use crate::spans;

use serde::Serialize;
use toml::de::DeTable;

use crate::declaration::Declaration;
use crate::diag::{Diagnostic, Severity};
use crate::glyphs::Coverage;
use crate::kind::Kinds;
pub use finding::{Finding, Lang, Text};
pub use source::DeclarationSource;

/// The result of checking one declaration.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The file as read.
    pub source: DeclarationSource,
    /// Every problem found, in source order.
    pub findings: Vec<Finding>,
    /// For each finding, the source spans of the other values it involves.
    pub related: Vec<Vec<(std::ops::Range<usize>, Option<String>)>>,
    /// The declaration, when it could be parsed (it may still have rule errors).
    pub declaration: Option<Declaration>,
}

/// Checks a declaration read from `source`, of one of `kinds`, whose documents may use
/// `fonts`.
pub fn check(source: DeclarationSource, kinds: &Kinds, fonts: &dyn Coverage) -> CheckReport {
    let mut findings: Vec<Finding> = source.encoding.iter().cloned().collect();
    if !source.is_readable() {
        return CheckReport {
            source,
            related: vec![Vec::new(); findings.len()],
            findings,
            declaration: None,
        };
    }
    let text = source.text.clone();
    let (table, syntax_errors) = DeTable::parse_recoverable(&text);
    if !syntax_errors.is_empty() {
        for e in syntax_errors {
            let mut f = Finding::error(
                "syntax",
                "",
                Text::new(format!("TOML 格式错误：{}", e.message().trim_end()), format!("TOML syntax error: {}", e.message().trim_end())),
            )
            .help(Text::new(
                "检查引号是否成对、等号两边是否齐全、[表名] 是否写对",
                "check that quotes are paired, every key has `= value`, and [table] headers are right",
            ));
            if let Some(span) = e.span() {
                let written = text
                    .get(span.clone())
                    .unwrap_or("")
                    .trim()
                    .trim_matches('"');
                let kinds_fields = kinds.iter().map(|k| k.fields.as_slice());
                if let Some(field) = kinds_fields
                    .filter_map(|fields| {
                        crate::declaration::parse::field_for_label(fields, written)
                    })
                    .next()
                {
                    f = f.help(Text::new(
                        format!("键名要用英文：“{}”应写作 `{}`", field.label, field.key),
                        format!(
                            "keys are English: write `{}` for {}",
                            field.key, field.label
                        ),
                    ));
                }
                f = f.span(span);
            }
            findings.push(f);
        }
        return CheckReport {
            source,
            related: vec![Vec::new(); findings.len()],
            findings,
            declaration: None,
        };
    }
    let reading = Declaration::read(table.get_ref(), kinds);
    let unread = Unread::of(&reading.findings);
    findings.extend(reading.findings);
    let shape_ok = !findings.iter().any(|f| f.severity == Severity::Error);
    // A declaration that does not fit its kind (an unknown key, a value of the wrong
    // type) is still checked as far as it could be read, so that every problem is
    // reported at once; what the parser could not read is left to its own finding.
    let read = reading.declaration;
    if let Some(decl) = &read {
        let mut more = Vec::new();
        rules::check(decl, fonts, &|path| unread.covers(path), &mut more);
        findings.extend(more.into_iter().filter(|f| !unread.touches(f)));
    }
    let index = reading.index;
    for f in &mut findings {
        if f.span.is_none() && !f.path.is_empty() {
            // A key missing from the top level has no table to point at: the file's start.
            f.span = index.resolve(&f.path).or(Some(0..0));
        }
        if f.label.is_none() {
            if let Some(decl) = &read {
                if let Some(title) = decl.kind().title_of(&f.path) {
                    f.label = Some(title.to_owned());
                }
            }
        }
    }
    let related: Vec<Vec<(std::ops::Range<usize>, Option<String>)>> = findings
        .iter()
        .map(|f| {
            f.related
                .iter()
                .filter_map(|(path, label)| Some((index.resolve(path)?, label.clone())))
                .collect()
        })
        .collect();
    let mut findings: Vec<(Finding, Vec<_>)> = findings.into_iter().zip(related).collect();
    findings.sort_by_key(|(f, _)| f.span.as_ref().map_or(0, |s| s.start));
    let (findings, related) = findings.into_iter().unzip();
    // Only a declaration that fits its kind is one: a partial reading is for the checks.
    let declaration = read.filter(|_| shape_ok);
    CheckReport {
        source,
        findings,
        related,
        declaration,
    }
}

/// The key paths of the values the parser could not read: those of its errors (a value
/// of the wrong type, a required key left out) and the keys that misspelt ones most
/// likely stand for.
struct Unread(Vec<String>);

impl Unread {
    fn of(findings: &[Finding]) -> Unread {
        let mut paths = Vec::new();
        for f in findings.iter().filter(|f| f.severity == Severity::Error) {
            if f.code != "unknown-key" && !f.path.is_empty() {
                paths.push(f.path.clone());
            }
            paths.extend(f.unread.iter().cloned());
        }
        Unread(paths)
    }

    /// Whether `path` (a key path, or a spec path with `[]`) is or lies inside an
    /// unread value, or holds one: `funds.total` covers `funds.total.initial`, and
    /// `indicators[].points` covers `indicators[3].points`.
    fn covers(&self, path: &str) -> bool {
        let path = crate::kind::paths::generic(path);
        self.0.iter().any(|u| {
            let u = crate::kind::paths::generic(u);
            let inside = |a: &str, b: &str| {
                a == b || a.strip_prefix(b).is_some_and(|r| r.starts_with(['.', '[']))
            };
            inside(&path, &u) || inside(&u, &path)
        })
    }

    /// Whether a later check's finding is about an unread value.
    fn touches(&self, f: &Finding) -> bool {
        (!f.path.is_empty() && self.covers(&f.path))
            || f.related.iter().any(|(p, _)| self.covers(p))
    }
}

/// One diagnostic as JSON, for other tools (`jixiao check --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    /// The file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (characters), when known.
    pub column: Option<usize>,
    /// `error` or `warning`.
    pub severity: Severity,
    /// Stable rule code, e.g. `amount-identity`.
    pub code: String,
    /// Key path in the declaration.
    pub path: String,
    /// Form label of the field.
    pub label: Option<String>,
    /// The message, in the chosen language.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl CheckReport {
    /// Whether the declaration may be rendered: no errors (and, with `deny_warnings`, no
    /// warnings).
    pub fn passes(&self, deny_warnings: bool) -> bool {
        !self.findings.iter().any(|f| {
            f.severity == Severity::Error || (deny_warnings && f.severity == Severity::Warning)
        })
    }

    /// Number of errors and of warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        (errors, self.findings.len() - errors)
    }

    /// The findings as diagnostics, pointing at the source; with `deny_warnings`,
    /// warnings are reported as errors.
    pub fn diagnostics(&self, deny_warnings: bool) -> Vec<Diagnostic> {
        self.findings
            .iter()
            .zip(&self.related)
            .map(|(f, related)| {
                let mut d = f.to_diagnostic();
                if deny_warnings {
                    d.severity = Severity::Error;
                }
                if f.span.is_some() {
                    let label = d.label.take();
                    d = d.at(
                        self.source.path.clone(),
                        self.source.text.clone(),
                        f.span.clone(),
                    );
                    d.label = label;
                    d.related = related.clone();
                } else if f.path.is_empty() {
                    d.path = Some(self.source.path.clone());
                }
                d
            })
            .collect()
    }

    /// The findings as JSON records in `lang`.
    pub fn json(&self, lang: Lang, deny_warnings: bool) -> Vec<JsonDiagnostic> {
        self.findings
            .iter()
            .zip(self.diagnostics(deny_warnings))
            .map(|(f, d)| {
                let (line, column) = d.line_column().unzip();
                JsonDiagnostic {
                    file: self.source.path.clone(),
                    line,
                    column,
                    severity: d.severity,
                    code: f.code.to_string(),
                    path: f.path.clone(),
                    label: f.label.clone(),
                    message: f.message.get(lang).to_owned(),
                    help: f.help.as_ref().map(|h| h.get(lang).to_owned()),
                }
            })
            .collect()
    }
}
