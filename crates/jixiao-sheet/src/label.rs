//! Label normalisation: how a mapper compares a cell's text with the label a form
//! kind expects, so that the ways real filers type the same label all match.
//!
//! [`normalize_label`] maps a text to its comparison key:
//! 1. full-width ASCII variants (U+FF01–U+FF5E: `（）：，％０-９Ａ-Ｚ`) become their
//!    ASCII forms (`():,%0-9A-Z`), as NFKC would;
//! 2. every whitespace character goes — spaces, the ideographic space U+3000,
//!    no-break spaces, tabs, line breaks — and so do the invisible zero-width space,
//!    joiners and byte-order mark (U+200B–U+200D, U+2060, U+FEFF);
//! 3. ASCII letters are lower-cased.
//!
//! So `其他需完成的任务 （可选填）`, `其他需完成的任务（可选填）` and
//! `其他需完成的任务(可选填)` share one key, and so do `拟用于对下\n转移支付资金` and
//! `拟用于对下转移支付资金`. Nothing else changes: `≥` and `≧`, `【】` and `[]`, `一` and
//! `1` stay different, because they are different text.
//!
//! Only *comparison* is normalised. A mapper imports a value from the cell's own text
//! ([`crate::Cell::text`]), never from the key.

/// The comparison key of a label (see the [module docs](self)).
pub fn normalize_label(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
                _ => c,
            };
            if c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') {
                None
            } else {
                Some(c.to_ascii_lowercase())
            }
        })
        .collect()
}

/// Whether two labels are the same after [`normalize_label`].
pub fn labels_match(a: &str, b: &str) -> bool {
    normalize_label(a) == normalize_label(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_label_variants_match() {
        // Both variants are in the real forms (湛江 2023 A15 and FORM-FAMILY.md).
        assert!(labels_match(
            "其他需完成的任务 （可选填）",
            "其他需完成的任务（可选填）"
        ));
        assert!(labels_match(
            "其他需完成的任务 （可选填）",
            "其他需完成的任务(可选填)"
        ));
        assert!(labels_match(
            "拟用于对下\n转移支付资金",
            "拟用于对下转移支付资金"
        ));
        assert!(labels_match("指标\n性质", "指标性质"));
        assert!(labels_match("全年\r\n完成值", "全年完成值"));
        assert!(labels_match(
            "期望达到的目标 （概述）",
            "期望达到的目标（概述）"
        ));
        assert!(labels_match("\u{3000}部门名称\u{00A0}", "部门名称"));
        assert!(labels_match("预算金额（万元）", "预算金额(万元)"));
        assert!(labels_match("项目\u{200B}名称", "项目名称"));
        assert!(labels_match("ＰＤＦ：１", "pdf:1"));
    }

    #[test]
    fn different_text_stays_different() {
        assert!(!labels_match("≥95%", "≧95%"));
        assert!(!labels_match("数量指标", "质量指标"));
        assert!(!labels_match("【2015】", "[2015]"));
        assert!(!labels_match("目标一", "目标1"));
        assert!(!labels_match("", "部门名称"));
    }

    #[test]
    fn keys_are_as_documented() {
        assert_eq!(
            normalize_label(" 1.部门项目 □          2.公共项目 □√"),
            "1.部门项目□2.公共项目□√"
        );
        assert_eq!(normalize_label("（可选填）"), "(可选填)");
        assert_eq!(normalize_label("Ａbc"), "abc");
    }
}
