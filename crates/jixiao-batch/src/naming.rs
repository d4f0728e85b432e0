//! Output file names for a batch: the `--name` pattern (`{year}-{department}.pdf`) and
//! making the result a safe file name on every common filesystem.
//!
//! The rules that make a name safe are in [`jixiao_core::filename`].

use std::fmt;

pub use jixiao_core::filename::{sanitize, MAX_NAME_BYTES};

/// The placeholders a `--name` pattern may use.
pub const PLACEHOLDERS: [&str; 3] = ["{stem}", "{department}", "{year}"];

/// The default pattern: the input's name with `.pdf` (`decl.toml` → `decl.pdf`).
pub const DEFAULT_PATTERN: &str = "{stem}.pdf";

/// A parsed `--name` pattern, e.g. `{year}-{department}.pdf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Stem,
    Department,
    Year,
}

/// Why a `--name` pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// The pattern is empty.
    #[error("文件名模式为空 / the name pattern is empty")]
    Empty,
    /// A `{…}` the pattern language does not know, or an unclosed `{`.
    #[error("文件名模式中有未知的占位符 {0}，可用 {{stem}} {{department}} {{year}} / unknown placeholder {0}; use {{stem}}, {{department}} or {{year}}")]
    Placeholder(String),
    /// A path separator: the pattern names a file, not a path.
    #[error("文件名模式不能含路径分隔符（/ 或 \\）；目录用 --out-dir 指定 / the name pattern must not contain / or \\; give the directory with --out-dir")]
    Separator,
}

impl NamePattern {
    /// Parses a pattern: literal text with `{stem}`, `{department}` and `{year}`.
    pub fn parse(pattern: &str) -> Result<NamePattern, PatternError> {
        if pattern.trim().is_empty() {
            return Err(PatternError::Empty);
        }
        if pattern.contains(['/', '\\']) {
            return Err(PatternError::Separator);
        }
        let mut parts = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open..];
            let close = after
                .find('}')
                .ok_or_else(|| PatternError::Placeholder(after.to_owned()))?;
            parts.push(match &after[..=close] {
                "{stem}" => Part::Stem,
                "{department}" => Part::Department,
                "{year}" => Part::Year,
                other => return Err(PatternError::Placeholder(other.to_owned())),
            });
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(NamePattern { parts })
    }

    /// Whether the pattern needs the declaration's content (department or year), not
    /// only the input's file name.
    pub fn uses_content(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Department | Part::Year))
    }

    /// The file name for a declaration: the pattern filled in, then made safe by
    /// [`sanitize`]. `stem` is the input's file name without `.toml`.
    pub fn expand(&self, stem: &str, department: &str, year: i32) -> String {
        let mut name = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => name.push_str(s),
                Part::Stem => name.push_str(stem),
                Part::Department => name.push_str(department.trim()),
                Part::Year => name.push_str(&year.to_string()),
            }
        }
        sanitize(&name)
    }
}

impl Default for NamePattern {
    fn default() -> Self {
        NamePattern {
            parts: vec![Part::Stem, Part::Literal(".pdf".to_owned())],
        }
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Literal(s) => f.write_str(s)?,
                Part::Stem => f.write_str("{stem}")?,
                Part::Department => f.write_str("{department}")?,
                Part::Year => f.write_str("{year}")?,
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for NamePattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NamePattern::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_fill_in_placeholders() {
        let p = NamePattern::parse("{year}-{department}.pdf").expect("valid");
        assert_eq!(
            p.expand("a", "广州市科学技术协会", 2025),
            "2025-广州市科学技术协会.pdf"
        );
        assert!(p.uses_content());
        let d = NamePattern::default();
        assert_eq!(d.expand("申报", "x", 2025), "申报.pdf");
        assert!(!d.uses_content());
        assert_eq!(d.to_string(), DEFAULT_PATTERN);
        assert_eq!(NamePattern::parse(DEFAULT_PATTERN), Ok(d));
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert_eq!(NamePattern::parse(" "), Err(PatternError::Empty));
        assert_eq!(
            NamePattern::parse("{dept}.pdf"),
            Err(PatternError::Placeholder("{dept}".into()))
        );
        assert!(matches!(
            NamePattern::parse("{year"),
            Err(PatternError::Placeholder(_))
        ));
        assert_eq!(
            NamePattern::parse("{year}/{department}.pdf"),
            Err(PatternError::Separator)
        );
        assert_eq!(NamePattern::parse("a\\b.pdf"), Err(PatternError::Separator));
    }

    #[test]
    fn windows_forbidden_characters_become_underscores() {
        assert_eq!(
            sanitize("a<b>c:d\"e/f\\g|h?i*j.pdf"),
            "a_b_c_d_e_f_g_h_i_j.pdf"
        );
        assert_eq!(sanitize("tab\there\u{7}.pdf"), "tab_here_.pdf");
        // A department with a slash cannot escape the output directory.
        let p = NamePattern::parse("{department}.pdf").expect("valid");
        assert_eq!(
            p.expand("x", "../../etc/passwd", 2025),
            "__.._etc_passwd.pdf"
        );
        assert_eq!(p.expand("x", "..", 2025), "_.pdf");
    }

    #[test]
    fn trailing_dots_and_spaces_are_removed() {
        assert_eq!(sanitize("部门. . .pdf"), "部门.pdf");
        assert_eq!(sanitize("name ..  "), "name.pdf");
        assert_eq!(sanitize("  .hidden.pdf"), "_hidden.pdf");
        assert_eq!(sanitize("....pdf"), "_.pdf");
        assert_eq!(sanitize(""), "_.pdf");
    }

    #[test]
    fn reserved_device_names_get_a_prefix() {
        for name in [
            "CON", "con", "Aux", "NUL.tar", "com1", "LPT9", "COM¹", "prn ",
        ] {
            let safe = sanitize(&format!("{name}.pdf"));
            assert!(safe.starts_with('_'), "{name} → {safe}");
        }
        for name in ["CONSOLE", "COM10", "LPT", "AUXILIARY", "NULL"] {
            assert_eq!(sanitize(&format!("{name}.pdf")), format!("{name}.pdf"));
        }
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary() {
        let long = "广州市科学技术协会".repeat(20);
        let safe = sanitize(&format!("{long}.pdf"));
        assert!(safe.len() <= MAX_NAME_BYTES, "{} bytes", safe.len());
        assert!(safe.ends_with(".pdf"));
        assert!(safe.starts_with("广州市科学技术协会"));
        let spaced = format!("{}     x", "a".repeat(MAX_NAME_BYTES - 8));
        let safe = sanitize(&spaced);
        assert!(!safe.contains(" .pdf"), "{safe}");
    }

    #[test]
    fn the_extension_is_always_pdf() {
        assert_eq!(sanitize("form"), "form.pdf");
        assert_eq!(sanitize("form.PDF"), "form.pdf");
        assert_eq!(sanitize("form.toml"), "form.toml.pdf");
    }
}
