//! Number formats (`General`, `0%`, `0.00`, `#,##0.00`, `0_ `, …): what kind of number a
//! cell holds, and how a spreadsheet would print it.
//!
//! The reader gives the format code as the file has it (built-in ids resolved to their
//! codes: id 9 is `0%`). A mapper asks [`NumberFormat::is_percent`] to know that a
//! stored `1` means `100%`, and [`NumberFormat::display`] when it needs the text the
//! printed form shows. The formatter covers the codes budget forms use — digit
//! placeholders `0 # ?`, one decimal point, thousands commas, `%`, literal text in
//! quotes or after `\`, `_x` padding (printed as nothing), `*x` fills (ignored),
//! colours and locales in brackets; a code it does not cover (dates, fractions,
//! scientific, conditions, literal text between digits) gives `None`, never a guess.

use rust_decimal::{Decimal, RoundingStrategy};

/// A cell's number format code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberFormat {
    code: String,
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat::general()
    }
}

/// One piece of a format section.
#[derive(Debug, PartialEq)]
enum Token {
    Digit(char),
    Point,
    Comma,
    Percent,
    Literal(String),
    Unsupported,
}

impl NumberFormat {
    /// The format with this code.
    pub fn new(code: impl Into<String>) -> Self {
        NumberFormat { code: code.into() }
    }

    /// Excel's default format, `General`.
    pub fn general() -> Self {
        NumberFormat::new("General")
    }

    /// The code as stored (`0%`, `#,##0.00`, `General`).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// `General` (or an empty code).
    pub fn is_general(&self) -> bool {
        let c = self.code.trim();
        c.is_empty() || c.eq_ignore_ascii_case("general")
    }

    /// `@`: the cell is formatted as text.
    pub fn is_text(&self) -> bool {
        self.code.trim() == "@"
    }

    /// A percentage format: `%` in the positive section, outside quotes and escapes.
    /// The stored number is the fraction (`1` for `100%`).
    pub fn is_percent(&self) -> bool {
        tokens(first_section(&self.code)).contains(&Token::Percent)
    }

    /// A date or time format (`yyyy-mm-dd`, `yyyy"年"m"月"d"日"`, `h:mm`): a `y`, `m`,
    /// `d`, `h` or `s` in the positive section outside quotes, escapes and brackets.
    /// The stored number is then a serial day count (see [`crate::Cell::date`]).
    pub fn is_date(&self) -> bool {
        if self.is_general() {
            return false;
        }
        let section = first_section(&self.code);
        let (mut quoted, mut escaped, mut bracket) = (false, false, false);
        for c in section.chars() {
            match c {
                _ if escaped => escaped = false,
                '"' => quoted = !quoted,
                _ if quoted => {}
                '\\' | '_' | '*' => escaped = true,
                '[' => bracket = true,
                ']' => bracket = false,
                _ if bracket => {}
                'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => return true,
                _ => {}
            }
        }
        false
    }

    /// The number of decimals the format prints (`0.00` → 2, `0%` → 0), if it is a
    /// plain number format.
    pub fn decimals(&self) -> Option<u32> {
        if self.is_general() {
            return None;
        }
        let spec = Spec::parse(first_section(&self.code))?;
        Some(spec.forced_decimals + spec.optional_decimals)
    }

    /// Whether the format groups thousands (`#,##0.00`).
    pub fn groups_thousands(&self) -> bool {
        Spec::parse(first_section(&self.code)).is_some_and(|s| s.thousands)
    }

    /// The text a spreadsheet prints for `value` in this format (`1` in `0%` →
    /// `100%`, `6730` in `0.00` → `6730.00`, `1234.5` in `#,##0.00` → `1,234.50`,
    /// `90` in `0_ ` → `90`); `General` prints the decimal as it is. `None` for a
    /// code outside the covered set (see the [module docs](self)).
    pub fn display(&self, value: Decimal) -> Option<String> {
        if self.is_general() {
            return Some(value.normalize().to_string());
        }
        let sections = split_sections(&self.code);
        let (section, negative_section) =
            match (value.is_sign_negative() && !value.is_zero(), sections.len()) {
                (true, n) if n >= 2 => (sections[1], true),
                _ => (sections[0], false),
            };
        let spec = Spec::parse(section)?;
        let mut v = if negative_section { value.abs() } else { value };
        if spec.percent {
            v = v.checked_mul(Decimal::ONE_HUNDRED)?;
        }
        let places = spec.forced_decimals + spec.optional_decimals;
        let v = v.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
        let negative = v.is_sign_negative() && !v.is_zero();
        let mut text = v.abs().to_string();
        // Pad or trim the fraction to the format's decimals.
        let (int_part, frac_part) = match text.split_once('.') {
            Some((i, f)) => (i.to_string(), f.to_string()),
            None => (text.clone(), String::new()),
        };
        let mut frac = frac_part;
        while (frac.len() as u32) < places {
            frac.push('0');
        }
        while frac.len() as u32 > spec.forced_decimals && frac.ends_with('0') {
            frac.pop();
        }
        let mut int_part = if int_part == "0" && spec.min_int_digits == 0 {
            String::new()
        } else {
            int_part
        };
        while (int_part.len() as u32) < spec.min_int_digits {
            int_part.insert(0, '0');
        }
        if spec.thousands {
            int_part = group_thousands(&int_part);
        }
        text = int_part;
        if !frac.is_empty() || spec.point_always {
            text.push('.');
            text.push_str(&frac);
        }
        let sign = if negative && !negative_section {
            "-"
        } else {
            ""
        };
        Some(format!("{sign}{}{text}{}", spec.prefix, spec.suffix))
    }
}

/// What one numeric section asks for.
struct Spec {
    prefix: String,
    suffix: String,
    min_int_digits: u32,
    forced_decimals: u32,
    optional_decimals: u32,
    thousands: bool,
    percent: bool,
    point_always: bool,
}

impl Spec {
    fn parse(section: &str) -> Option<Spec> {
        let tokens = tokens(section);
        let first = tokens
            .iter()
            .position(|t| matches!(t, Token::Digit(_) | Token::Point))?;
        let last = tokens
            .iter()
            .rposition(|t| matches!(t, Token::Digit(_) | Token::Point))?;
        let mut spec = Spec {
            prefix: String::new(),
            suffix: String::new(),
            min_int_digits: 0,
            forced_decimals: 0,
            optional_decimals: 0,
            thousands: false,
            percent: false,
            point_always: false,
        };
        let mut after_point = false;
        for (i, token) in tokens.iter().enumerate() {
            let inside = (first..=last).contains(&i);
            match token {
                Token::Unsupported => return None,
                Token::Percent => {
                    spec.percent = true;
                    if i < first {
                        spec.prefix.push('%')
                    } else if i > last {
                        spec.suffix.push('%')
                    } else {
                        return None;
                    }
                }
                Token::Literal(text) => {
                    if i < first {
                        spec.prefix.push_str(text);
                    } else if i > last {
                        spec.suffix.push_str(text);
                    } else {
                        return None;
                    }
                }
                Token::Comma if inside && !after_point => spec.thousands = true,
                Token::Comma => return None,
                Token::Point if after_point => return None,
                Token::Point => after_point = true,
                Token::Digit(c) => match (after_point, c) {
                    (false, '0') => spec.min_int_digits += 1,
                    (false, _) => {}
                    (true, '0') if spec.optional_decimals == 0 => spec.forced_decimals += 1,
                    (true, '0') => return None,
                    (true, _) => spec.optional_decimals += 1,
                },
            }
        }
        spec.point_always = after_point;
        Some(spec)
    }
}

/// The sections of a code, split on `;` outside quotes and escapes.
fn split_sections(code: &str) -> Vec<&str> {
    let mut sections = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in code.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' | '_' | '*' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                sections.push(&code[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    sections.push(&code[start..]);
    sections
}

fn first_section(code: &str) -> &str {
    split_sections(code).first().copied().unwrap_or("")
}

fn tokens(section: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = section.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0' | '#' | '?' => out.push(Token::Digit(c)),
            '.' => out.push(Token::Point),
            ',' => out.push(Token::Comma),
            '%' => out.push(Token::Percent),
            '"' => {
                let mut text = String::new();
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    text.push(q);
                }
                out.push(Token::Literal(text));
            }
            '\\' => out.push(Token::Literal(
                chars.next().map(String::from).unwrap_or_default(),
            )),
            // `_x` pads by the width of x, `*x` fills with x: neither prints text.
            '_' | '*' => {
                chars.next();
            }
            '[' => {
                let mut inner = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inner.push(b);
                }
                // Colours and locales (`[Red]`, `[$-804]`) change no text; a currency
                // `[$¥-804]` prints its symbol; conditions (`[>=100]`) are not covered.
                if let Some(currency) = inner.strip_prefix('$') {
                    let symbol = currency.split('-').next().unwrap_or("");
                    if !symbol.is_empty() {
                        out.push(Token::Literal(symbol.to_string()));
                    }
                } else if inner.starts_with(['<', '>', '=']) {
                    out.push(Token::Unsupported);
                }
            }
            c if c.is_ascii_alphabetic() || c == '/' || c == '@' => out.push(Token::Unsupported),
            c => out.push(Token::Literal(c.to_string())),
        }
    }
    out
}

fn group_thousands(int_part: &str) -> String {
    let digits: Vec<char> = int_part.chars().collect();
    let mut out = String::new();
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn show(code: &str, value: &str) -> Option<String> {
        NumberFormat::new(code).display(Decimal::from_str(value).expect("decimal"))
    }

    #[test]
    fn formats_seen_on_real_forms() {
        assert_eq!(show("0%", "1").as_deref(), Some("100%"));
        assert_eq!(show("0%", "0.95").as_deref(), Some("95%"));
        assert_eq!(show("0%", "0.88").as_deref(), Some("88%"));
        assert_eq!(show("0%", "0.955").as_deref(), Some("96%"));
        assert_eq!(show("0.00%", "0.8771").as_deref(), Some("87.71%"));
        assert_eq!(show("0.00", "6730").as_deref(), Some("6730.00"));
        assert_eq!(show("0.00", "874.18").as_deref(), Some("874.18"));
        assert_eq!(show("0.00", "2.675").as_deref(), Some("2.68"));
        assert_eq!(show("#,##0.00", "82800.92").as_deref(), Some("82,800.92"));
        assert_eq!(show("#,##0.00", "0").as_deref(), Some("0.00"));
        assert_eq!(
            show("#,##0.00", "-1234567.891").as_deref(),
            Some("-1,234,567.89")
        );
        assert_eq!(show("#,##0", "999.5").as_deref(), Some("1,000"));
        assert_eq!(show("0_ ", "90").as_deref(), Some("90"));
        assert_eq!(show("0.00_ ", "10891.615675").as_deref(), Some("10891.62"));
        assert_eq!(
            show("General", "10891.615675").as_deref(),
            Some("10891.615675")
        );
        assert_eq!(show("General", "67880231").as_deref(), Some("67880231"));
        assert_eq!(show("\"¥\"#,##0.00", "5").as_deref(), Some("¥5.00"));
        assert_eq!(show("0.0\"万元\"", "3080").as_deref(), Some("3080.0万元"));
        assert_eq!(show("[Red]0.00", "1.5").as_deref(), Some("1.50"));
        assert_eq!(show("[$¥-804]#,##0.00", "1.5").as_deref(), Some("¥1.50"));
        assert_eq!(show("#,##0.00;(#,##0.00)", "-3").as_deref(), Some("(3.00)"));
        assert_eq!(show("0.##", "1.5").as_deref(), Some("1.5"));
        assert_eq!(show("0.##", "2").as_deref(), Some("2."));
        assert_eq!(show("#", "0").as_deref(), Some(""));
        assert_eq!(show("\"¥\"0.00", "-5").as_deref(), Some("-¥5.00"));
    }

    #[test]
    fn codes_outside_the_covered_set_give_none() {
        let huge = Decimal::from_str("50000000000000000000000000000").expect("decimal");
        assert_eq!(
            NumberFormat::new("0%").display(huge),
            None,
            "×100 does not fit"
        );
        for code in [
            "yyyy-mm-dd",
            "0.00E+00",
            "# ?/?",
            "[>=100]0;0",
            "0\"x\"0",
            "@",
        ] {
            assert_eq!(show(code, "1"), None, "{code}");
        }
    }

    #[test]
    fn kinds() {
        assert!(NumberFormat::new("0%").is_percent());
        assert!(NumberFormat::new("0.00%").is_percent());
        assert!(!NumberFormat::new("0\"%\"").is_percent());
        assert!(!NumberFormat::new("0\\%").is_percent());
        assert!(!NumberFormat::new("0.00").is_percent());
        assert!(NumberFormat::general().is_general());
        for code in [
            "yyyy-mm-dd",
            "yyyy\"年\"m\"月\"d\"日\"",
            "h:mm",
            "[$-804]yyyy/m/d",
            "mm-dd-yy",
        ] {
            assert!(NumberFormat::new(code).is_date(), "{code}");
        }
        for code in [
            "0.00", "#,##0.00", "0%", "\"ymd\"0", "[Red]0", "0_ ", "General", "\\d0",
        ] {
            assert!(!NumberFormat::new(code).is_date(), "{code}");
        }
        assert!(NumberFormat::new("@").is_text());
        assert_eq!(NumberFormat::new("#,##0.00").decimals(), Some(2));
        assert_eq!(NumberFormat::new("0%").decimals(), Some(0));
        assert_eq!(NumberFormat::new("0_ ").decimals(), Some(0));
        assert_eq!(NumberFormat::general().decimals(), None);
        assert!(NumberFormat::new("#,##0.00").groups_thousands());
        assert!(!NumberFormat::new("0.00").groups_thousands());
    }
}
