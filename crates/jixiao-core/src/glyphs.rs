//! Font coverage: every character the user wrote must be printable by some available
//! font. A character no font has would print as an empty box (and is a hard error under
//! PDF/A), so it is reported with its field and code point before anything is laid out.

use crate::declaration::{Declaration, TextField};
use crate::diag::Diagnostic;

/// What the fonts a form is printed with can print: the checks ask this, not the fonts
/// themselves, so that checking needs no typesetter (the renderer's font set answers it).
pub trait Coverage {
    /// Whether some font has a glyph for `c`.
    fn covers(&self, c: char) -> bool;
}

/// Any `Fn(char) -> bool` answers for itself (tests, and callers with fonts of their own).
impl<F: Fn(char) -> bool> Coverage for F {
    fn covers(&self, c: char) -> bool {
        self(c)
    }
}

/// A character that no available font can print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyph {
    /// Key path of the field, e.g. `indicators[3].name`.
    pub path: String,
    /// The form label of the field.
    pub label: String,
    /// The character.
    pub ch: char,
}

impl MissingGlyph {
    /// The problem as a diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(format!(
            "“{}”栏（{}）中的字符“{}”（U+{:04X}）没有任何可用字体能显示 / no available font has U+{:04X}",
            self.label, self.path, self.ch, self.ch as u32, self.ch as u32
        ))
        .with_help("换成常用字或同义写法；或用 --font-dir 提供含该字的字体 / replace the character, or add a font that has it with --font-dir")
    }
}

/// Characters that need no glyph of their own: whitespace, controls, joiners and
/// variation selectors.
fn needs_no_glyph(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
}

/// Every character of `decl` that no font in `fonts` can print, once per field and
/// character, in form order.
pub fn missing_glyphs(decl: &Declaration, fonts: &dyn Coverage) -> Vec<MissingGlyph> {
    missing_glyphs_in(&decl.text_fields(), fonts)
}

/// [`missing_glyphs`] of a declaration's text fields (`Declaration::text_fields`).
pub fn missing_glyphs_in(fields: &[TextField<'_>], fonts: &dyn Coverage) -> Vec<MissingGlyph> {
    let mut out: Vec<MissingGlyph> = Vec::new();
    for field in fields {
        for ch in field.text.chars() {
            if needs_no_glyph(ch) || fonts.covers(ch) {
                continue;
            }
            if !out.iter().any(|m| m.ch == ch && m.path == field.path) {
                out.push(MissingGlyph {
                    path: field.path.clone(),
                    label: field.label.clone(),
                    ch,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_field_character_and_code_point() {
        let decl = Declaration::from_toml(
            "department = \"部门\"\nyear = 2025\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"私用\u{E000}字\"\n",
        )
        .expect("valid");
        // Fonts that have every character but one of the private use area.
        let missing = missing_glyphs(&decl, &|c: char| c != '\u{E000}');
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].path, "indicators[0].name");
        assert_eq!(missing[0].ch, '\u{E000}');
        let text = missing[0]
            .to_diagnostic()
            .render(false, crate::words::Lang::Zh);
        assert!(
            text.contains("U+E000") && text.contains("三级指标"),
            "{text}"
        );
    }
}
