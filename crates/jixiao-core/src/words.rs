//! One home for the words jixiao says. Every message a user reads is a [`Text`]: written
//! once, in Chinese and English, where the problem is found, and printed in the [`Lang`]
//! the user chose (`--lang`, the editor's language switch; Chinese by default). What is
//! not jixiao's to translate — a value the user wrote, a file name, the words of another
//! program (Typst, the operating system) — is carried as [`Text::untranslated`].
//!
//! ```
//! use jixiao_core::text;
//! use jixiao_core::words::Lang;
//! let field = "部门名称";
//! let message = text!("“{field}”不能为空", "“{field}” must not be empty");
//! assert_eq!(message.get(Lang::Zh), "“部门名称”不能为空");
//! assert_eq!(message.get(Lang::En), "“部门名称” must not be empty");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// The language messages are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 中文（默认）
    #[default]
    Zh,
    /// English
    En,
}

/// `zh` or `en` (any case).
impl std::str::FromStr for Lang {
    type Err = Text;
    fn from_str(s: &str) -> Result<Lang, Text> {
        match s.to_ascii_lowercase().as_str() {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(crate::text!(
                "语言只能是 zh 或 en，不能是 {s}",
                "the language is zh or en, not {s}"
            )),
        }
    }
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A message in Chinese and English.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Words that are the same in both languages because they are not jixiao's: a value
    /// the user wrote, a path, another program's message.
    pub fn untranslated(words: impl Into<String>) -> Text {
        let words = words.into();
        Text {
            zh: words.clone(),
            en: words,
        }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Both languages on one line, Chinese first (`中文 / English`): for places that
    /// cannot know the reader's language, such as a file's metadata.
    pub fn both(&self) -> String {
        if self.zh == self.en {
            self.zh.clone()
        } else {
            format!("{} / {}", self.zh, self.en)
        }
    }

    /// This message with `before` in front of it, in each language (`前缀：消息`,
    /// `prefix: message`).
    pub fn after(&self, before: &Text) -> Text {
        Text {
            zh: format!("{}：{}", before.zh, self.zh),
            en: format!("{}: {}", before.en, self.en),
        }
    }

    /// Whether either language contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.zh.contains(needle) || self.en.contains(needle)
    }
}

/// Untranslated words (see [`Text::untranslated`]).
impl From<String> for Text {
    fn from(words: String) -> Text {
        Text::untranslated(words)
    }
}

/// Untranslated words (see [`Text::untranslated`]).
impl From<&str> for Text {
    fn from(words: &str) -> Text {
        Text::untranslated(words)
    }
}

/// Chinese, the default language; a reader with a choice calls [`Text::get`].
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

/// Something that can say what it is in both languages: the errors of jixiao's crates,
/// so that a caller prints them in its user's language.
pub trait Localized {
    /// The message in both languages.
    fn text(&self) -> Text;
}

/// A [`Text`] from a Chinese and an English format string with the same arguments
/// (`text!("第 {n} 行", "row {n}")`, `text!("共 {} 页", "{} pages", pages)`). Both
/// strings take the same arguments, which are evaluated once for each language.
#[macro_export]
macro_rules! text {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::words::Text::new(format!($zh), format!($en))
    };
    ($zh:literal, $en:literal, $($arg:tt)+) => {
        $crate::words::Text::new(format!($zh, $($arg)+), format!($en, $($arg)+))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_gets_its_own_words() {
        let n = 3;
        let t = crate::text!("第 {n} 行", "row {n}");
        assert_eq!(t.get(Lang::Zh), "第 3 行");
        assert_eq!(t.get(Lang::En), "row 3");
        assert_eq!(t.both(), "第 3 行 / row 3");
        assert_eq!(Text::untranslated("x.toml").both(), "x.toml");
        assert_eq!(
            t.after(&crate::text!("导入", "import")).get(Lang::En),
            "import: row 3"
        );
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().unwrap_err().en.contains("fr"));
    }
}
