//! Diagnostics: one message per problem, with the file, line and column, the source line
//! with the offending span underlined, and what to do — rendered like rustc's.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::words::{Lang, Text};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Printed, but the PDF is still rendered.
    Warning,
    /// Blocks the render: no PDF is written.
    Error,
}

/// A problem found in a declaration or a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: Text,
    /// The file the problem is in, as the user named it.
    pub path: Option<String>,
    /// The text of that file, to show the offending line.
    pub source: Option<Arc<str>>,
    /// The byte range of the problem in `source`.
    pub span: Option<Range<usize>>,
    /// A short label under the underlined span.
    pub label: Option<Text>,
    /// Other spans of `source` the problem involves, underlined beside the main one,
    /// each with an optional label (e.g. the terms of a total that does not add up).
    pub related: Vec<(Range<usize>, Option<String>)>,
    /// What to do about it, one line each.
    pub help: Vec<Text>,
}

impl Diagnostic {
    /// A diagnostic with a message only.
    pub fn new(severity: Severity, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            path: None,
            source: None,
            span: None,
            label: None,
            related: Vec::new(),
            help: Vec::new(),
        }
    }

    /// An error with a message only.
    pub fn error(message: impl Into<Text>) -> Self {
        Self::new(Severity::Error, message)
    }

    /// A warning with a message only.
    pub fn warning(message: impl Into<Text>) -> Self {
        Self::new(Severity::Warning, message)
    }

    /// Points the diagnostic at `span` of `source`, the text of the file `path`.
    pub fn at(
        mut self,
        path: impl Into<String>,
        source: Arc<str>,
        span: Option<Range<usize>>,
    ) -> Self {
        self.path = Some(path.into());
        self.source = Some(source);
        self.span = span;
        self
    }

    /// Adds a label under the span.
    pub fn with_label(mut self, label: impl Into<Text>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a line of help.
    pub fn with_help(mut self, help: impl Into<Text>) -> Self {
        self.help.push(help.into());
        self
    }

    /// The 1-based line and column (in characters) of the start of the span.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.source.as_deref()?, self.span.as_ref()?);
        let start = floor_char_boundary(source, span.start);
        let before = &source[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = source[line_start..start].chars().count() + 1;
        Some((line, column))
    }

    /// Renders the diagnostic as a rustc-style report in `lang`; `styled` adds terminal
    /// colours.
    pub fn render(&self, styled: bool, lang: Lang) -> String {
        let message = self.message.get(lang);
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group: Vec<Group<'_>> = Vec::new();
        match (&self.path, &self.source, &self.span) {
            (Some(path), Some(source), Some(span)) => {
                let span = clamp_span(source, span.clone());
                let mut annotation = AnnotationKind::Primary.span(span);
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.get(lang));
                }
                let mut snippet = Snippet::source(&**source)
                    .line_start(1)
                    .path(path.as_str())
                    .fold(true)
                    .annotation(annotation);
                for (span, label) in &self.related {
                    let mut context =
                        AnnotationKind::Context.span(clamp_span(source, span.clone()));
                    if let Some(label) = label {
                        context = context.label(label.as_str());
                    }
                    snippet = snippet.annotation(context);
                }
                group.push(level.primary_title(message).element(snippet));
            }
            (Some(path), _, _) => group.push(Group::with_title(
                level.primary_title(format!("{path}: {message}")),
            )),
            _ => {
                let title = match &self.label {
                    Some(label) => format!("{}: {message}", label.get(lang)),
                    None => message.to_owned(),
                };
                group.push(Group::with_title(level.primary_title(title)))
            }
        }
        let mut report: Vec<Group<'_>> = group;
        for help in &self.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.get(lang)),
            ));
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report).to_string()
    }
}

/// The report in Chinese, the default language, without colours.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false, Lang::Zh))
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Keeps a span inside the source and on character boundaries; an empty span at the
/// end of the file is widened so the caret has something to point at.
fn clamp_span(source: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(source, span.start);
    let mut end = floor_char_boundary(source, span.end.max(start));
    if end == start && end < source.len() {
        end = start + source[start..].chars().next().map_or(0, char::len_utf8);
    }
    start..end
}

/// Renders several diagnostics in `lang`, one after the other.
pub fn render_all(diagnostics: &[Diagnostic], styled: bool, lang: Lang) -> String {
    diagnostics
        .iter()
        .map(|d| d.render(styled, lang))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column_with_a_caret() {
        let src: Arc<str> = Arc::from("a = 1\n部门 = \"x\"\n");
        let d = Diagnostic::error("未知的键 / unknown key")
            .at("decl.toml", src, Some(6..12))
            .with_label("这里")
            .with_help("检查拼写");
        assert_eq!(d.line_column(), Some((2, 1)));
        let text = d.render(false, Lang::Zh);
        assert!(text.contains("decl.toml:2:1"), "{text}");
        assert!(text.contains("^^^^"), "{text}");
        assert!(text.contains("help: 检查拼写"), "{text}");
    }
}
