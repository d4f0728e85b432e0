//! A finding of the checker: one problem, in Chinese and English, at a key path.

use std::borrow::Cow;
use std::ops::Range;

use crate::diag::Severity;

pub use crate::words::{Lang, Text};

/// One problem found in a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error (blocks the render) or warning.
    pub severity: Severity,
    /// A stable code for tools, e.g. `unknown-key`, `amount-identity`.
    pub code: Cow<'static, str>,
    /// The key path in the declaration, e.g. `tasks[0].rows[1].amount`; empty for the
    /// whole file.
    pub path: String,
    /// The form label of the field, e.g. `年度重点工作任务 · 拟投入的资金（万元）`.
    pub label: Option<String>,
    /// What is wrong.
    pub message: Text,
    /// What to do.
    pub help: Option<Text>,
    /// Where in the source, when the rule knows better than the key path (e.g. a key
    /// rather than its value). Otherwise resolved from `path`.
    pub span: Option<Range<usize>>,
    /// Other values the problem involves (the terms of a sum that does not add up),
    /// underlined beside the main one: key path and an optional label.
    pub related: Vec<(String, Option<String>)>,
    /// The key path of a value this problem leaves unread, besides `path`: the key a
    /// misspelt one most likely stands for (`basic` for `basik`). The checks after the
    /// parser say nothing about an unread value, so that what it would have held is not
    /// reported as missing or as an error of arithmetic.
    pub unread: Option<String>,
}

impl Finding {
    /// A finding at `path`.
    pub fn new(
        severity: Severity,
        code: impl Into<Cow<'static, str>>,
        path: impl Into<String>,
        message: Text,
    ) -> Finding {
        Finding {
            severity,
            code: code.into(),
            path: path.into(),
            label: None,
            message,
            help: None,
            span: None,
            related: Vec::new(),
            unread: None,
        }
    }

    /// An error at `path`.
    pub fn error(
        code: impl Into<Cow<'static, str>>,
        path: impl Into<String>,
        message: Text,
    ) -> Finding {
        Self::new(Severity::Error, code, path, message)
    }

    /// A warning at `path`.
    pub fn warning(
        code: impl Into<Cow<'static, str>>,
        path: impl Into<String>,
        message: Text,
    ) -> Finding {
        Self::new(Severity::Warning, code, path, message)
    }

    /// Underlines another value the problem involves.
    pub fn related(mut self, path: impl Into<String>, label: Option<String>) -> Finding {
        self.related.push((path.into(), label));
        self
    }

    /// Adds what to do.
    pub fn help(mut self, help: Text) -> Finding {
        self.help = Some(help);
        self
    }

    /// Names the form label of the field.
    pub fn label(mut self, label: impl Into<String>) -> Finding {
        self.label = Some(label.into());
        self
    }

    /// The finding as a diagnostic, not yet pointing at the source.
    pub fn to_diagnostic(&self) -> crate::diag::Diagnostic {
        let mut d = crate::diag::Diagnostic::new(self.severity, self.message.clone());
        d.label = match (&self.label, self.path.is_empty()) {
            (Some(label), false) => Some(Text::new(
                format!("{label}（{}）", self.path),
                format!("{} ({label})", self.path),
            )),
            (None, false) => Some(Text::untranslated(self.path.clone())),
            _ => None,
        };
        if let Some(help) = &self.help {
            d = d.with_help(help.clone());
        }
        d
    }

    /// Points at an explicit span.
    pub fn span(mut self, span: Range<usize>) -> Finding {
        self.span = Some(span);
        self
    }
}
