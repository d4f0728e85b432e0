//! What an archival PDF says about itself: title, author, subject, keywords, the
//! document date, and the name and description of the attached declaration. All of it
//! derived from the declaration alone, so the same declaration gives the same bytes.

use chrono::{DateTime, Datelike};
use serde::Serialize;

use crate::date::Date;
use crate::declaration::Declaration;
use crate::filename::with_extension;

/// The description of the attached declaration, as PDF readers show it.
pub const ATTACHMENT_DESCRIPTION: &str =
    "申报源文件（jixiao 申报 TOML）：本表据此生成，可用 jixiao extract 取出、jixiao verify 核验";

/// The description of an attached spreadsheet the declaration was imported from.
pub const SPREADSHEET_DESCRIPTION: &str =
    "申报源文件（电子表格，jixiao import 导入）：本表据此生成，可用 jixiao extract 取出、jixiao verify 核验";

/// The metadata of an archival render, as the archival wrapper reads it
/// (`/.jixiao/archive.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveMeta {
    /// Document title: the form title, the department and the year.
    pub title: String,
    /// Author: the department.
    pub author: String,
    /// Subject (PDF `/Subject`, XMP `dc:description`).
    pub subject: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// The document date.
    pub date: DateParts,
    /// File name of the attached declaration.
    pub attachment: String,
    /// MIME type of the attached file (`application/toml`, or a spreadsheet's).
    pub mime: String,
    /// Description of the attached declaration.
    pub description: String,
    /// The template's main file, which the wrapper includes.
    pub main: String,
}

/// A date as Typst's `datetime(year:, month:, day:)` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateParts {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl From<Date> for DateParts {
    fn from(date: Date) -> Self {
        DateParts {
            year: date.0.year(),
            month: date.0.month(),
            day: date.0.day(),
        }
    }
}

/// Why an archival PDF cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// No document date: the declaration has none and `SOURCE_DATE_EPOCH` is not set.
    #[error(
        "归档 PDF 需要文档日期：请在申报文件中填写 date = 2025-01-20（或 [signoff] 的填报日期），\
         或设置环境变量 SOURCE_DATE_EPOCH / an archival PDF needs a document date: set `date` in \
         the declaration (or signoff.date), or SOURCE_DATE_EPOCH. The clock is never used, so \
         that the same declaration always gives the same bytes."
    )]
    NoDate,
    /// `SOURCE_DATE_EPOCH` is not a number of seconds.
    #[error("SOURCE_DATE_EPOCH 应为 Unix 秒数，这里是“{0}” / SOURCE_DATE_EPOCH must be a Unix time in seconds, found “{0}”")]
    BadEpoch(String),
}

/// The document date: the declaration's `date`, else its 填报日期, else
/// `SOURCE_DATE_EPOCH` (Unix seconds, taken as a UTC calendar day). Never the clock.
pub fn document_date(
    decl: &Declaration,
    source_date_epoch: Option<&str>,
) -> Result<Date, ArchiveError> {
    if let Some(date) = decl.document_date() {
        return Ok(date);
    }
    let Some(epoch) = source_date_epoch.map(str::trim).filter(|s| !s.is_empty()) else {
        return Err(ArchiveError::NoDate);
    };
    let seconds: i64 = epoch
        .parse()
        .map_err(|_| ArchiveError::BadEpoch(epoch.to_owned()))?;
    DateTime::from_timestamp(seconds, 0)
        .map(|t| Date(t.date_naive()))
        .ok_or_else(|| ArchiveError::BadEpoch(epoch.to_owned()))
}

impl ArchiveMeta {
    /// The metadata of `decl` rendered with a template titled `form_title` (already
    /// filled in) whose main file is `main`, dated `date`.
    pub fn new(decl: &Declaration, form_title: &str, main: &str, date: Date) -> ArchiveMeta {
        ArchiveMeta::attaching(
            decl,
            form_title,
            main,
            date,
            ".toml",
            crate::attachment::TOML_MIME,
        )
    }

    /// The metadata of `decl` as [`ArchiveMeta::new`], for a source file with this
    /// extension (`.xlsx`) and MIME type: a spreadsheet the declaration was imported
    /// from.
    pub fn attaching(
        decl: &Declaration,
        form_title: &str,
        main: &str,
        date: Date,
        extension: &str,
        mime: &str,
    ) -> ArchiveMeta {
        let department = decl.filer();
        let year = decl.year();
        let kind_title = decl.kind().generic_title();
        ArchiveMeta {
            title: format!("{form_title}（{department} {year}年度）"),
            author: department.clone(),
            subject: format!("{department} {year}年度{kind_title}"),
            keywords: vec![
                kind_title.clone(),
                "预算绩效".to_owned(),
                department.clone(),
                format!("{year}年度"),
            ],
            date: date.into(),
            attachment: format!(
                "/{}",
                with_extension(&format!("{year}-{department}"), extension)
            ),
            mime: mime.to_owned(),
            description: if extension == ".toml" {
                ATTACHMENT_DESCRIPTION
            } else {
                SPREADSHEET_DESCRIPTION
            }
            .to_owned(),
            main: main.to_owned(),
        }
    }

    /// The file name of the attachment as it appears in the PDF.
    pub fn attachment_name(&self) -> &str {
        self.attachment.trim_start_matches('/')
    }

    /// As JSON bytes for the wrapper.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|e| unreachable!("plain data serialises: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(extra: &str) -> Declaration {
        Declaration::from_toml(&format!("department = \"测试/部门\"\nyear = 2025\n{extra}"))
            .expect("valid")
    }

    #[test]
    fn the_date_comes_from_the_declaration_then_the_epoch_never_the_clock() {
        let d = decl("date = 2025-01-20\n[signoff]\ndate = 2025-02-01");
        assert_eq!(
            document_date(&d, Some("0")).map(|d| d.iso()),
            Ok("2025-01-20".into())
        );
        let d = decl("[signoff]\ndate = 2025-02-01");
        assert_eq!(
            document_date(&d, None).map(|d| d.iso()),
            Ok("2025-02-01".into())
        );
        let d = decl("");
        assert_eq!(
            document_date(&d, Some("1735689600")).map(|d| d.iso()),
            Ok("2025-01-01".into())
        );
        assert_eq!(document_date(&d, None), Err(ArchiveError::NoDate));
        assert_eq!(document_date(&d, Some(" ")), Err(ArchiveError::NoDate));
        assert!(matches!(
            document_date(&d, Some("yesterday")),
            Err(ArchiveError::BadEpoch(_))
        ));
    }

    #[test]
    fn metadata_names_the_form_the_department_and_the_year() {
        let d = decl("");
        let date = Date::parse("2025-01-20").expect("date");
        let meta = ArchiveMeta::new(&d, "部门整体预算绩效目标申报表", "/main.typ", date);
        assert_eq!(
            meta.title,
            "部门整体预算绩效目标申报表（测试/部门 2025年度）"
        );
        assert_eq!(meta.author, "测试/部门");
        assert_eq!(meta.attachment_name(), "2025-测试_部门.toml");
    }
}
