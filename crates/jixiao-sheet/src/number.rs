//! Numbers as a spreadsheet stores them, read into exact decimals.
//!
//! # The decision, and the evidence for it
//!
//! Every spreadsheet format keeps a number cell as an IEEE 754 double: xls in binary
//! (`NUMBER`/`RK` records), xlsx as the text of `<v>`, ods as `office:value`. calamine
//! parses all of them into an `f64` and exposes no raw text (checked in calamine 0.38:
//! `xlsx/cells_reader.rs::read_v` runs `fast_float2::parse::<f64>` on the `<v>` bytes and
//! keeps only the double; `ods.rs::get_datatype` does the same for `office:value`).
//!
//! Reading the `<v>` text ourselves would be *worse*, not better: Excel writes 17
//! significant digits whenever 15 do not round-trip the double, so the real 湛江 2023
//! form stores the typed `72204.57` as `<v>72204.570000000007</v>` and the cached result
//! of `=SUM(C5:C6)` as `<v>82800.920000000013</v>`. Those digits are an artefact of
//! binary floating point, not what anybody typed or what Excel shows.
//!
//! So a number is read as the decimal Excel itself shows in its formula bar:
//! 1. the double is printed with Rust's shortest round-trip formatting (`{:e}`, the
//!    same digits as ryu): the shortest decimal that reads back as the same double.
//!    For every number with at most 15 significant digits — everything a person can
//!    type into Excel, WPS or LibreOffice, which keep 15 — this *is* the typed decimal
//!    (two different 15-digit decimals never share a double), so `10891.615675`,
//!    `0.1`, `1E-7` and `72204.570000000007` (= the double of `72204.57`) come out as
//!    `10891.615675`, `0.1`, `0.0000001` and `72204.57`, never as
//!    `0.1000000000000000055…`;
//! 2. when the shortest form has more than 15 significant digits (arithmetic noise in a
//!    formula's cached value, like `82800.92000000001`, or a number another program
//!    wrote with 16–17 digits, like `0.30000000000000004`), it is rounded half away
//!    from zero to 15 significant digits, which is what Excel displays and computes
//!    with; [`Number::was_rounded`] then says so, and [`Number::stored`] keeps the
//!    double, so a mapper can report it;
//! 3. digits beyond 28 decimal places (numbers below about 1e-28, which no form holds)
//!    are rounded away in the same way; a number of 1e28 or more does not fit a
//!    `Decimal` and is kept as [`crate::CellValue::OutOfRange`].
//!
//! Limits: a number that really has 16 or 17 significant digits (`123456789012.345678`)
//! cannot survive a spreadsheet at all — the file holds only the nearest double — and
//! is read as its 15-digit rounding (`123456789012.346`) with `was_rounded()` set.

use rust_decimal::Decimal;

/// Significant decimal digits a spreadsheet keeps (Excel, WPS and LibreOffice alike).
pub(crate) const SIGNIFICANT_DIGITS: usize = 15;

/// The largest scale (digits after the point) a [`Decimal`] can hold.
const MAX_SCALE: i64 = 28;

/// A number cell's value: the exact decimal it is read as, and the double the file
/// stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    value: Decimal,
    stored: f64,
    rounded: bool,
}

impl Number {
    /// Reads a stored double as described in the [module docs](self). `None` for a
    /// NaN, an infinity, or a magnitude of 1e28 or more.
    pub fn from_stored(stored: f64) -> Option<Number> {
        if !stored.is_finite() {
            return None;
        }
        if stored == 0.0 {
            return Some(Number {
                value: Decimal::ZERO,
                stored,
                rounded: false,
            });
        }
        let text = format!("{:e}", stored.abs());
        let (mantissa, exponent) = text.split_once('e')?;
        let exponent: i64 = exponent.parse().ok()?;
        let mut digits: Vec<u8> = mantissa
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        // value = 0.d1d2…dn × 10^(exponent + 1)
        let mut point = exponent + 1;
        let mut rounded = false;
        if digits.len() > SIGNIFICANT_DIGITS {
            rounded = true;
            if round_digits(&mut digits, SIGNIFICANT_DIGITS) {
                point += 1;
            }
        }
        // Scale = digits after the decimal point.
        let scale = digits.len() as i64 - point;
        if scale > MAX_SCALE {
            let keep = (digits.len() as i64 - (scale - MAX_SCALE)).max(0) as usize;
            rounded = true;
            if keep == 0 {
                // Everything is below the 28th decimal place: 0, or 1e-28 when it rounds up.
                let up = scale - MAX_SCALE == digits.len() as i64
                    && digits.first().is_some_and(|d| *d >= 5);
                digits = if up { vec![1] } else { vec![0] };
                return Some(Number {
                    value: finish(&digits, MAX_SCALE, stored)?,
                    stored,
                    rounded,
                });
            }
            if round_digits(&mut digits, keep) {
                point += 1;
            }
            let scale = (digits.len() as i64 - point).min(MAX_SCALE);
            return Some(Number {
                value: finish(&digits, scale, stored)?,
                stored,
                rounded,
            });
        }
        Some(Number {
            value: finish(&digits, scale, stored)?,
            stored,
            rounded,
        })
    }

    /// An integer cell (xls stores small integers as such).
    pub fn from_integer(value: i64) -> Number {
        Number {
            value: Decimal::from(value),
            stored: value as f64,
            rounded: false,
        }
    }

    /// The exact decimal (normalised: no trailing zeros, `6730` not `6730.00`).
    pub fn value(&self) -> Decimal {
        self.value
    }

    /// The double the file stored.
    pub fn stored(&self) -> f64 {
        self.stored
    }

    /// Whether the stored double had more digits than a spreadsheet keeps (see the
    /// [module docs](self)), so [`Number::value`] is its 15-digit rounding.
    pub fn was_rounded(&self) -> bool {
        self.rounded
    }

    /// The number as a percentage, exactly: `1` → `100%`, `0.955` → `95.5%` (the value
    /// × 100, no rounding to the cell's display decimals).
    pub fn percent_text(&self) -> String {
        match self.value.checked_mul(Decimal::ONE_HUNDRED) {
            Some(p) => format!("{}%", p.normalize()),
            // Only near the top of the decimal range (≥ 7.9e26): the double's digits.
            None => format!("{}%", self.stored * 100.0),
        }
    }
}

impl std::fmt::Display for Number {
    /// The decimal as plain digits: `50000`, `10891.615675`, `0.0000001`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.value)
    }
}

/// Rounds the digit string to `keep` digits, half away from zero; returns whether a
/// carry added a leading digit (`999` → `100`, one place more).
fn round_digits(digits: &mut Vec<u8>, keep: usize) -> bool {
    let up = digits.get(keep).is_some_and(|d| *d >= 5);
    digits.truncate(keep);
    if !up {
        return false;
    }
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return false;
        }
    }
    digits.insert(0, 1);
    digits.truncate(keep.max(1));
    true
}

/// Builds the decimal `digits × 10^-scale` with the sign of `sign_of`.
fn finish(digits: &[u8], scale: i64, sign_of: f64) -> Option<Decimal> {
    let mut mantissa: i128 = 0;
    for d in digits {
        mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(*d))?;
    }
    let (mantissa, scale) = if scale < 0 {
        (
            mantissa.checked_mul(10i128.checked_pow(u32::try_from(-scale).ok()?)?)?,
            0,
        )
    } else {
        (mantissa, scale)
    };
    let mut value = Decimal::try_from_i128_with_scale(mantissa, u32::try_from(scale).ok()?).ok()?;
    if sign_of < 0.0 {
        value.set_sign_negative(true);
    }
    let value = value.normalize();
    Some(if value.is_zero() {
        Decimal::ZERO
    } else {
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn read(stored_text: &str) -> (String, bool) {
        let double: f64 = stored_text.parse().expect("a double");
        let n = Number::from_stored(double).expect("in range");
        (n.value().to_string(), n.was_rounded())
    }

    #[test]
    fn typed_numbers_come_back_as_typed() {
        for text in [
            "10891.615675",
            "0.1",
            "0.3",
            "6730",
            "874.18",
            "1195.82",
            "0.95",
            "0.88",
            "67880231",
            "50000",
            "-12.5",
            "999999999999999",
            "0.000000000000001",
        ] {
            assert_eq!(read(text), (text.to_string(), false), "{text}");
        }
        assert_eq!(read("1E-7"), ("0.0000001".into(), false));
        assert_eq!(read("1e20"), ("100000000000000000000".into(), false));
    }

    #[test]
    fn excel_seventeen_digit_text_is_the_typed_value() {
        // Both are verbatim <v> texts of the real 湛江 2023 file (C6 and E5's cache).
        assert_eq!(read("72204.570000000007"), ("72204.57".into(), false));
        assert_eq!(read("72807.380000000005"), ("72807.38".into(), false));
        // 10596.35 + 72204.57 in doubles is 82800.92000000001: rounded to 15 digits.
        assert_eq!(read("82800.920000000013"), ("82800.92".into(), true));
        assert_eq!(
            Number::from_stored(10596.35 + 72204.57).map(|n| n.value().to_string()),
            Some("82800.92".into())
        );
    }

    #[test]
    fn more_than_fifteen_digits_round_like_excel_shows() {
        assert_eq!(read("0.30000000000000004"), ("0.3".into(), true));
        assert_eq!(
            read("123456789012.345678"),
            ("123456789012.346".into(), true)
        );
        assert_eq!(read("0.99999999999999999"), ("1".into(), false)); // the double is 1.0
        assert_eq!(read("9.999999999999998"), ("10".into(), true));
        assert_eq!(read("-2.0000000000000004"), ("-2".into(), true));
    }

    #[test]
    fn extremes() {
        assert!(Number::from_stored(f64::NAN).is_none());
        assert!(Number::from_stored(f64::INFINITY).is_none());
        assert!(Number::from_stored(1e29).is_none());
        assert_eq!(read("1e-30"), ("0".into(), true));
        assert_eq!(
            read("6e-29"),
            ("0.0000000000000000000000000001".into(), true)
        );
        assert_eq!(
            read("1.25e-27"),
            ("0.0000000000000000000000000013".into(), true)
        );
        assert_eq!(read("-0"), ("0".into(), false));
        let n = Number::from_stored(1e28).expect("1e28 fits");
        assert_eq!(
            n.value(),
            Decimal::from_str("10000000000000000000000000000").expect("dec")
        );
    }

    #[test]
    fn percent_text_is_exact() {
        let p = |x: f64| Number::from_stored(x).expect("n").percent_text();
        assert_eq!(p(1.0), "100%");
        assert_eq!(p(0.95), "95%");
        assert_eq!(p(0.955), "95.5%");
        assert_eq!(p(0.0), "0%");
        assert_eq!(p(5e28), format!("5{}%", "0".repeat(30)));
    }
}
