//! What an OFD package says about itself (`DocInfo`) and the declaration it carries, all
//! derived from the declaration and its file, never from the clock or the machine.

use jixiao_core::date::Date;
use jixiao_core::declaration::Declaration;
use jixiao_core::hash::sha256_hex;

/// Name of the `CustomData` holding the SHA-256 of the attached declaration.
pub const SOURCE_SHA256: &str = "jixiao.source.sha256";
/// Name of the `CustomData` holding the package path of the attached declaration.
pub const SOURCE_FILE: &str = "jixiao.source.file";

/// The description of the attached declaration (the PDF's, with the OFD's commands).
pub const ATTACHMENT_DESCRIPTION: &str =
    "申报源文件（jixiao 申报 TOML）：本表据此生成，可用 jixiao extract 取出、jixiao verify 核验";

/// The metadata of an OFD render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfdMeta {
    /// `DocID`: 32 hex digits derived from the declaration's bytes and the date.
    pub doc_id: String,
    /// Title: the form title, the department and the year (as the archival PDF's).
    pub title: String,
    /// Author: the department.
    pub author: String,
    /// Subject.
    pub subject: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// `CreationDate`: the declaration's date (or 填报日期, or `SOURCE_DATE_EPOCH`); left
    /// out when there is none — never the clock.
    pub date: Option<Date>,
    /// `Creator` and `CreatorVersion`.
    pub creator: (&'static str, &'static str),
    /// The attached declaration.
    pub source: Source,
}

/// The declaration file carried in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its name, `{year}-{department}.toml` (as the PDF attachment's).
    pub name: String,
    /// Its bytes, exactly as read.
    pub bytes: Vec<u8>,
}

impl OfdMeta {
    /// The metadata of `decl`, read from the file `source`, for a form titled
    /// `form_title` (the template's title, filled in), dated `date`.
    pub fn new(decl: &Declaration, form_title: &str, source: &[u8], date: Option<Date>) -> OfdMeta {
        // The title, author, subject, keywords and attachment name of the archival PDF
        // (none of which depends on the date).
        let pdf = jixiao_core::metadata::ArchiveMeta::new(
            decl,
            form_title,
            "",
            date.unwrap_or(Date(chrono::NaiveDate::MIN)),
        );
        let iso = date.map(|d| d.iso()).unwrap_or_default();
        let digest = jixiao_core::hash::sha256_hex_of(&[
            source,
            iso.as_bytes(),
            b"ofd",
            jixiao_render::render::CREATOR.as_bytes(),
        ]);
        OfdMeta {
            doc_id: digest[..32].to_owned(),
            title: pdf.title.clone(),
            author: pdf.author.clone(),
            subject: pdf.subject.clone(),
            keywords: pdf.keywords.clone(),
            date,
            creator: ("jixiao", env!("CARGO_PKG_VERSION")),
            source: Source {
                name: pdf.attachment_name().to_owned(),
                bytes: source.to_vec(),
            },
        }
    }

    /// The SHA-256 of the attached declaration, in lowercase hex.
    pub fn source_sha256(&self) -> String {
        sha256_hex(&self.source.bytes)
    }
}
