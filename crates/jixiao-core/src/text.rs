//! Whitespace normalisation for declaration text.
//!
//! A clerk's text arrives with line breaks wherever their editor wrapped it. On the
//! form, a paragraph is one flowing paragraph: a line break between two Chinese
//! characters disappears (it would otherwise print as a stray space), between Latin
//! words it becomes one space, and a blank line starts a new paragraph.

/// Splits `text` into paragraphs at blank lines and joins the lines of each paragraph.
/// Empty paragraphs are dropped.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = collapse_spaces(line);
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        join_line(&mut current, &line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One line of text: line breaks joined as in [`paragraphs`], runs of spaces collapsed,
/// trimmed. Used for short cells (names, indicator values).
pub fn single_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = collapse_spaces(line);
        if !line.is_empty() {
            join_line(&mut out, &line);
        }
    }
    out
}

fn join_line(current: &mut String, line: &str) {
    if let (Some(prev), Some(next)) = (current.chars().last(), line.chars().next()) {
        if !(is_wide(prev) || is_wide(next)) {
            current.push(' ');
        }
    }
    current.push_str(line);
}

/// Trims a line and collapses runs of ASCII spaces and tabs to one space. Full-width
/// spaces (U+3000) are kept: clerks use them on purpose.
fn collapse_spaces(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line
        .trim_matches(|c: char| c == ' ' || c == '\t' || c == '\r')
        .chars()
    {
        if c == ' ' || c == '\t' {
            pending_space = true;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Whether a character is CJK (ideographs, kana, hangul, CJK and full-width
/// punctuation), where a line break must not turn into a space.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x2018..=0x201F
        | 0x2E80..=0x303F
        | 0x3040..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_chinese_lines_without_a_space() {
        assert_eq!(
            paragraphs("坚持以习近平\n新时代中国特色"),
            vec!["坚持以习近平新时代中国特色"]
        );
    }

    #[test]
    fn joins_latin_lines_with_one_space() {
        assert_eq!(paragraphs("open the\n  door"), vec!["open the door"]);
        assert_eq!(paragraphs("第1期\nABC"), vec!["第1期ABC"]);
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(paragraphs("\n一\r\n\r\n  \n二\n\n"), vec!["一", "二"]);
        assert!(paragraphs(" \n\t\n").is_empty());
    }

    #[test]
    fn collapses_spaces_but_keeps_full_width_ones() {
        assert_eq!(single_line("  a \t  b  "), "a b");
        assert_eq!(single_line("\u{3000}\u{3000}段首"), "\u{3000}\u{3000}段首");
    }
}
