//! Checking a declaration the way a finance reviewer would, with diagnostics that point
//! at the line: `jixiao check`, and the same checks before every render.
//!
//! The stages, each reporting every problem it finds before the next runs:
//! 1. [`source`]: the file's encoding (UTF-8; GB18030/GBK with a warning);
//! 2. TOML syntax (every syntax error at once);
//! 3. [`shape`]: unknown keys (with "did you mean"), wrong types, missing keys, malformed
//!    amounts;
//! 4. [`rules`]: required text, the budget arithmetic, the indicator tree, duplicates,
//!    control characters, characters no font has, cells too long for a page.

pub mod finding;
pub mod rules;
pub mod shape;
pub mod source;
pub mod spans;

use serde::Serialize;
use toml::de::DeTable;

use crate::declaration::Declaration;
use crate::diag::{Diagnostic, Severity};
use crate::fonts::FontSet;
use crate::template::Manifest;
pub use finding::{Finding, Lang, Text};
pub use source::DeclarationSource;
use spans::SpanIndex;

/// The result of checking one declaration.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The file as read.
    pub source: DeclarationSource,
    /// Every problem found, in source order.
    pub findings: Vec<Finding>,
    /// The declaration, when it could be parsed (it may still have rule errors).
    pub declaration: Option<Declaration>,
}

/// Checks a declaration read from `source` for a template described by `manifest`,
/// whose documents may use `fonts`.
pub fn check(source: DeclarationSource, manifest: &Manifest, fonts: &FontSet) -> CheckReport {
    let mut findings: Vec<Finding> = source.encoding.iter().cloned().collect();
    if !source.is_readable() {
        return CheckReport {
            source,
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
                if let Some(field) = shape::key_for_label(written) {
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
            findings,
            declaration: None,
        };
    }
    let index = SpanIndex::build(table.get_ref());
    let before = findings.len();
    shape::check_table(table.get_ref(), "", shape::ROOT, &index, &mut findings);
    let declaration = if findings[before..]
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        None
    } else {
        match Declaration::from_toml(&text) {
            Ok(decl) => {
                rules::check(&decl, manifest, fonts, &mut findings);
                Some(decl)
            }
            Err(e) => {
                let mut f = Finding::error(
                    "parse",
                    "",
                    Text::new(
                        format!("申报文件有误：{e}"),
                        format!("invalid declaration: {e}"),
                    ),
                );
                f.span = e.span;
                findings.push(f);
                None
            }
        }
    };
    for f in &mut findings {
        if f.span.is_none() && !f.path.is_empty() {
            // A key missing from the top level has no table to point at: the file's start.
            f.span = index.resolve(&f.path).or(Some(0..0));
        }
    }
    findings.sort_by_key(|f| f.span.as_ref().map_or(0, |s| s.start));
    CheckReport {
        source,
        findings,
        declaration,
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
    pub code: &'static str,
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

    /// The findings as diagnostics in `lang`, pointing at the source; with
    /// `deny_warnings`, warnings are reported as errors.
    pub fn diagnostics(&self, lang: Lang, deny_warnings: bool) -> Vec<Diagnostic> {
        self.findings
            .iter()
            .map(|f| {
                let mut d = f.to_diagnostic(Some(lang));
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
            .zip(self.diagnostics(lang, deny_warnings))
            .map(|(f, d)| {
                let (line, column) = d.line_column().unzip();
                JsonDiagnostic {
                    file: self.source.path.clone(),
                    line,
                    column,
                    severity: d.severity,
                    code: f.code,
                    path: f.path.clone(),
                    label: f.label.clone(),
                    message: f.message.get(lang).to_owned(),
                    help: f.help.as_ref().map(|h| h.get(lang).to_owned()),
                }
            })
            .collect()
    }
}
