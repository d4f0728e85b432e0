//! Calendar dates in a declaration (文档日期, 填报日期): a TOML date (`2025-01-20`) or a
//! string (`"2025-01-20"`, `"2025年1月20日"`). Dates are plain calendar days, with no
//! time and no time zone, so the same declaration gives the same PDF everywhere.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "“{0}”不是有效日期，请写成 2025-01-20 或 2025年1月20日 / not a valid date: write 2025-01-20"
)]
pub struct DateError(pub String);

impl Date {
    /// Parses `2025-01-20`, `2025/1/20`, `2025.1.20` or `2025年1月20日` (surrounding
    /// spaces ignored).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let trimmed = text.trim();
        let numbers: Vec<&str> = trimmed
            .trim_end_matches('日')
            .split(['-', '/', '.', '年', '月'])
            .collect();
        let parsed = match numbers.as_slice() {
            [y, m, d] if [y, m, d].iter().all(|s| is_digits(s)) && y.len() == 4 => {
                let (y, m, d) = (y.parse().ok(), m.parse().ok(), d.parse().ok());
                y.zip(m)
                    .zip(d)
                    .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d))
            }
            _ => None,
        };
        parsed.map(Date).ok_or_else(|| DateError(text.to_owned()))
    }

    /// `2025-01-20`
    pub fn iso(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    /// `2025年1月20日`, as Chinese forms print dates.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.0.year(), self.0.month(), self.0.day())
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(s) => Date::parse(&s).map_err(D::Error::custom),
            toml::Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                        .map(Date)
                        .ok_or_else(|| D::Error::custom(DateError(dt.to_string())))
                }
                _ => Err(D::Error::custom(format!(
                    "“{dt}”带有时刻；只写日期，如 2025-01-20 / write a date without a time, e.g. 2025-01-20"
                ))),
            },
            other => Err(D::Error::custom(format!(
                "日期应写成 2025-01-20，这里是 {} / a date must be written 2025-01-20, found {}",
                other.type_str(),
                other.type_str()
            ))),
        }
    }
}

/// Deserialises an optional date where `""` means left out.
pub fn optional<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Date>, D::Error> {
    use serde::de::Error;
    match toml::Value::deserialize(deserializer)? {
        toml::Value::String(s) if s.trim().is_empty() => Ok(None),
        toml::Value::String(s) => Date::parse(&s).map(Some).map_err(D::Error::custom),
        other => Date::deserialize(other).map(Some).map_err(D::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_ways_of_writing_a_date() {
        for text in [
            "2025-01-20",
            "2025/1/20",
            "2025.01.20",
            "2025年1月20日",
            " 2025-1-20 ",
        ] {
            let date = Date::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(date.iso(), "2025-01-20", "{text}");
        }
        assert_eq!(
            Date::parse("2025-01-20").map(|d| d.chinese()),
            Ok("2025年1月20日".into())
        );
    }

    #[test]
    fn refuses_what_is_not_a_calendar_day() {
        for text in [
            "2025-02-30",
            "25-01-20",
            "2025-13-01",
            "明天",
            "",
            "2025-01",
            "20250120",
        ] {
            assert!(Date::parse(text).is_err(), "{text} must be refused");
        }
    }

    #[test]
    fn reads_toml_dates_and_strings() {
        #[derive(Deserialize)]
        struct T {
            a: Date,
            #[serde(default, deserialize_with = "optional")]
            b: Option<Date>,
            #[serde(default, deserialize_with = "optional")]
            c: Option<Date>,
        }
        let t: T = toml::from_str("a = 2025-01-20\nb = \"2025年2月3日\"\nc = \"\"").expect("valid");
        assert_eq!(t.a.iso(), "2025-01-20");
        assert_eq!(t.b.map(|d| d.iso()), Some("2025-02-03".into()));
        assert_eq!(t.c, None);
        assert!(toml::from_str::<T>("a = 2025-01-20T10:00:00").is_err());
        assert!(toml::from_str::<T>("a = 20250120").is_err());
    }
}
