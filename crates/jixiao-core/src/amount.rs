//! Money amounts in 万元: exact decimals, parsed from what a clerk types and printed
//! the way the form prints them (`6,686.98`).
//!
//! An amount is a [`rust_decimal::Decimal`] from the TOML source to the PDF. TOML numbers
//! are never trusted through `f64`: [`crate::declaration`] re-reads float literals from the
//! source text, and strings are parsed here.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// An amount of money in 万元, kept exactly as declared (any number of decimals).
///
/// It prints rounded to two decimals, half away from zero (as spreadsheets do), with
/// thousands separators: see [`Amount::to_form_string`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

/// Why a piece of text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing but whitespace.
    #[error("金额为空 / the amount is empty")]
    Empty,
    /// A character that has no place in an amount.
    #[error("金额中有无法识别的字符“{0}” / unexpected character `{0}` in an amount")]
    UnexpectedChar(char),
    /// Thousands separators in the wrong places (`1,23.00`).
    #[error("千分位逗号位置不对，应每三位一个，如 6,686.98 / misplaced thousands separator (write 6,686.98)")]
    Grouping,
    /// The number has the right characters but is malformed.
    #[error("不是有效的金额数字 / not a valid amount")]
    Invalid,
    /// Larger than any form holds: more than [`Amount::MAX`] in magnitude.
    #[error("数值过大，超过 10^15（一千万亿）/ the number is too large (more than 10^15)")]
    TooLarge,
}

impl AmountError {
    /// The explanation in Chinese.
    pub fn zh(&self) -> String {
        match self {
            AmountError::Empty => "金额为空".into(),
            AmountError::UnexpectedChar(c) => format!("金额中有无法识别的字符“{c}”"),
            AmountError::Grouping => "千分位逗号位置不对，应每三位一个，如 6,686.98".into(),
            AmountError::Invalid => "不是有效的金额数字".into(),
            AmountError::TooLarge => "数值过大，超过 10^15（一千万亿）".into(),
        }
    }

    /// The explanation in English.
    pub fn en(&self) -> String {
        match self {
            AmountError::Empty => "the amount is empty".into(),
            AmountError::UnexpectedChar(c) => format!("unexpected character `{c}` in an amount"),
            AmountError::Grouping => "misplaced thousands separator (write 6,686.98)".into(),
            AmountError::Invalid => "not a valid amount".into(),
            AmountError::TooLarge => "the number is too large (more than 10^15)".into(),
        }
    }
}

impl Amount {
    /// Zero 万元.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// The largest magnitude a declaration may hold: 10^15 (万元 for money, and the same
    /// bound for percentages and scores). Far above any real budget (the national budget is
    /// about 3×10^10 万元) and far below `Decimal`'s range, so sums and differences of the
    /// values of a form never overflow.
    pub const MAX: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

    /// Wraps an exact decimal (not checked against [`Amount::MAX`]; [`Amount::parse`] and
    /// [`Amount::checked`] are).
    pub fn new(value: Decimal) -> Self {
        Amount(value)
    }

    /// Wraps an exact decimal if its magnitude is at most [`Amount::MAX`].
    pub fn checked(value: Decimal) -> Result<Self, AmountError> {
        if value.abs() > Self::MAX {
            Err(AmountError::TooLarge)
        } else {
            Ok(Amount(value))
        }
    }

    /// The sum, or `None` where it would leave `Decimal`'s range.
    pub fn checked_add(self, rhs: Amount) -> Option<Amount> {
        self.0.checked_add(rhs.0).map(Amount)
    }

    /// The exact declared value.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// The value as the form prints it: rounded to two decimals half away from zero,
    /// with thousands separators, e.g. `6,686.98`, `-1,234.50`, `0.00`.
    pub fn to_form_string(self) -> String {
        let rounded = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let negative = rounded.is_sign_negative() && !rounded.is_zero();
        let plain = format!("{:.2}", rounded.abs());
        let (int_part, frac_part) = plain.split_once('.').unwrap_or((&plain, "00"));
        let mut grouped = String::with_capacity(plain.len() + plain.len() / 3 + 1);
        if negative {
            grouped.push('-');
        }
        for (i, digit) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        grouped.push('.');
        grouped.push_str(frac_part);
        grouped
    }

    /// Parses an amount as written in a declaration: `6686.98`, `6,686.98`, `-5`,
    /// `"  400 "`, `1_000.5` (TOML style) or `1e3`. Thousands separators must sit every
    /// three digits. Full-width digits, commas and points (typed with a Chinese input
    /// method) are accepted too.
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        let normalised: String = text.trim().chars().map(fold_full_width).collect();
        let s = normalised.trim();
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '_' | '-' | '+' | 'e' | 'E')))
        {
            return Err(AmountError::UnexpectedChar(c));
        }
        let (sign, unsigned) = match s.as_bytes()[0] {
            b'-' => ("-", &s[1..]),
            b'+' => ("", &s[1..]),
            _ => ("", s),
        };
        if unsigned.contains(',') {
            check_grouping(unsigned)?;
        }
        let digits: String = unsigned
            .chars()
            .filter(|c| !matches!(c, ',' | '_'))
            .collect();
        if digits.is_empty() || digits.contains(['-', '+']) && !digits.contains(['e', 'E']) {
            return Err(AmountError::Invalid);
        }
        let full = format!("{sign}{digits}");
        let value = if full.contains(['e', 'E']) {
            Decimal::from_scientific(&full)
        } else {
            Decimal::from_str_exact(&full)
        }
        .map_err(|_| {
            if beyond_decimal(&digits) {
                AmountError::TooLarge
            } else {
                AmountError::Invalid
            }
        })?;
        Amount::checked(value)
    }
}

/// Whether well-formed digits (`123.4`, `5e300`) failed to parse only because the number
/// is larger than `Decimal` holds, so the clerk hears "too large", not "malformed".
fn beyond_decimal(digits: &str) -> bool {
    let (mantissa, exponent) = match digits.split_once(['e', 'E']) {
        Some((m, e)) => match e.trim_start_matches('+').parse::<i64>() {
            Ok(e) => (m, e),
            Err(_) => return false,
        },
        None => (digits, 0),
    };
    let Some(int) = mantissa.split('.').next() else {
        return false;
    };
    let well_formed = !int.is_empty()
        && mantissa.bytes().filter(|&b| b == b'.').count() <= 1
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let significant = int.trim_start_matches('0').len() as i64;
    well_formed && significant.saturating_add(exponent) > 15
}

/// Maps full-width digits and punctuation to ASCII; leaves everything else alone.
fn fold_full_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '，' => ',',
        '．' | '。' => '.',
        '－' => '-',
        '＋' => '+',
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Checks that commas group the integer digits by three (`12,345,678.9`).
fn check_grouping(unsigned: &str) -> Result<(), AmountError> {
    let int_part = unsigned.split(['.', 'e', 'E']).next().unwrap_or("");
    if unsigned[int_part.len()..].contains(',') {
        return Err(AmountError::Grouping);
    }
    let mut groups = int_part.split(',');
    let first = groups.next().unwrap_or("");
    if first.is_empty() || first.len() > 3 {
        return Err(AmountError::Grouping);
    }
    if groups.any(|g| g.len() != 3) {
        return Err(AmountError::Grouping);
    }
    Ok(())
}

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_form_string())
    }
}

impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Amount(value)
    }
}

/// Prints the exact declared value as a string (`"6686.98"`), so nothing is lost.
impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

/// Accepts a TOML integer, a TOML float or a string.
///
/// A float arrives as `f64`; it is converted through its shortest round-trip decimal
/// text (exact for every amount with up to 15 significant digits), and
/// [`crate::declaration`] then replaces it with the exact literal from the source.
impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;
        impl Visitor<'_> for AmountVisitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount in 万元, e.g. 6686.98 or \"6,686.98\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Amount::checked(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Amount::checked(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                if !v.is_finite() {
                    return Err(E::custom(
                        "金额不能是 inf 或 nan / an amount must be finite",
                    ));
                }
                Amount::parse(&format!("{v}")).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                Amount::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(AmountVisitor)
    }
}

/// Deserialises an optional amount where an empty string means "left out" (prints
/// blank), as clerks write `amount = ""`. Use with `#[serde(default, deserialize_with)]`.
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Amount>, D::Error> {
    struct OptionalVisitor;
    impl<'de> Visitor<'de> for OptionalVisitor {
        type Value = Option<Amount>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an amount in 万元, e.g. 6686.98 or \"6,686.98\", or \"\" when left out")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Amount::checked(Decimal::from(v))
                .map(Some)
                .map_err(E::custom)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Amount::checked(Decimal::from(v))
                .map(Some)
                .map_err(E::custom)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Amount::deserialize(de::value::F64Deserializer::<E>::new(v)).map(Some)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                Amount::parse(v).map(Some).map_err(E::custom)
            }
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(OptionalVisitor)
        }
    }
    deserializer.deserialize_any(OptionalVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> String {
        Amount::parse(s)
            .map(|a| a.value().to_string())
            .unwrap_or_else(|e| format!("ERR {e:?}"))
    }

    fn form(s: &str) -> String {
        Amount::parse(s)
            .map(|a| a.to_form_string())
            .unwrap_or_default()
    }

    #[test]
    fn parses_plain_and_grouped_numbers() {
        assert_eq!(parse("6686.98"), "6686.98");
        assert_eq!(parse("6,686.98"), "6686.98");
        assert_eq!(parse("26,141.61"), "26141.61");
        assert_eq!(parse("1,234,567"), "1234567");
        assert_eq!(parse("  400 "), "400");
        assert_eq!(parse("1_000.5"), "1000.5");
        assert_eq!(parse("+5"), "5");
        assert_eq!(parse("1e3"), "1000");
        assert_eq!(parse("６，６８６．９８"), "6686.98");
    }

    #[test]
    fn keeps_every_decimal_exactly() {
        assert_eq!(parse("0.1"), "0.1");
        assert_eq!(parse("12.345678901234567890"), "12.345678901234567890");
        assert_eq!(parse("-0.005"), "-0.005");
    }

    #[test]
    fn rejects_bad_grouping_and_junk() {
        assert_eq!(parse("1,23.00"), "ERR Grouping");
        assert_eq!(parse("12345,678"), "ERR Grouping");
        assert_eq!(parse(",123"), "ERR Grouping");
        assert_eq!(parse("1.234,5"), "ERR Grouping");
        assert_eq!(parse(""), "ERR Empty");
        assert_eq!(parse("   "), "ERR Empty");
        assert_eq!(parse("400万元"), "ERR UnexpectedChar('万')");
        assert_eq!(parse("¥400"), "ERR UnexpectedChar('¥')");
        assert_eq!(parse("1.2.3"), "ERR Invalid");
        assert_eq!(parse("-"), "ERR Invalid");
        assert_eq!(parse("--5"), "ERR Invalid");
        assert_eq!(parse("5-"), "ERR Invalid");
    }

    #[test]
    fn caps_amounts_at_ten_to_the_fifteenth() {
        assert_eq!(Amount::MAX.to_string(), "1000000000000000");
        assert_eq!(parse("1000000000000000"), "1000000000000000");
        assert_eq!(parse("-1,000,000,000,000,000"), "-1000000000000000");
        assert_eq!(parse("1000000000000000.01"), "ERR TooLarge");
        assert_eq!(parse("79228162514264337593543950335"), "ERR TooLarge");
        assert_eq!(parse("792281625142643375935439503350"), "ERR TooLarge");
        assert_eq!(parse("1e16"), "ERR TooLarge");
        assert_eq!(parse("-1e300"), "ERR TooLarge");
        assert_eq!(parse("1e-300"), "ERR Invalid");
        #[derive(Deserialize, Debug)]
        struct T {
            #[allow(dead_code)]
            a: Amount,
        }
        assert!(toml::from_str::<T>("a = 9223372036854775807").is_err());
    }

    #[test]
    fn formats_with_separators_and_two_decimals() {
        assert_eq!(form("6686.98"), "6,686.98");
        assert_eq!(form("0"), "0.00");
        assert_eq!(form("16475.95"), "16,475.95");
        assert_eq!(form("999"), "999.00");
        assert_eq!(form("1000"), "1,000.00");
        assert_eq!(form("123456789.1"), "123,456,789.10");
        assert_eq!(form("-1234.5"), "-1,234.50");
        assert_eq!(form("-0.001"), "0.00");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(form("2.345"), "2.35");
        assert_eq!(form("2.355"), "2.36");
        assert_eq!(form("-2.345"), "-2.35");
        assert_eq!(form("0.004999"), "0.00");
        assert_eq!(form("999.995"), "1,000.00");
    }

    #[test]
    fn deserialises_toml_numbers_and_strings() {
        #[derive(Deserialize)]
        struct T {
            a: Amount,
            b: Amount,
            c: Amount,
        }
        let t: T = toml::from_str("a = 400\nb = 6686.98\nc = \"6,686.98\"").expect("valid");
        assert_eq!(t.a.to_form_string(), "400.00");
        assert_eq!(t.b.value().to_string(), "6686.98");
        assert_eq!(t.c.value().to_string(), "6686.98");
        assert!(toml::from_str::<T>("a = 1\nb = 2\nc = \"1,2\"").is_err());
        assert!(toml::from_str::<T>("a = 1\nb = 2\nc = true").is_err());
    }
}
