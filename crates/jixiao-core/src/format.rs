//! The files a form can be written as. Every output of jixiao is one [`Format`]: its name
//! on the command line (`--format`), its file extension and MIME type, and the columns a
//! batch manifest records it under all come from here, so a new format is one arm of
//! this enum and one producer (the crate that writes it), wired in one place
//! (`jixiao_archive::finish`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text;
use crate::words::Text;

/// A file format a form is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A plain PDF, for printing and reading.
    Pdf,
    /// An archival PDF/A-3b: the declaration attached as its source, metadata from the
    /// declaration, reproducible bytes (`--archive`).
    PdfA,
    /// OFD (GB/T 33190), with the declaration attached.
    Ofd,
    /// The form as printed, as an Excel workbook (`jixiao export`).
    Xlsx,
}

/// The columns a manifest records one output under: the file, its size, its SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManifestColumns {
    /// The column of the file's path.
    pub path: &'static str,
    /// The column of its size in bytes.
    pub bytes: &'static str,
    /// The column of its SHA-256.
    pub sha256: &'static str,
}

impl Format {
    /// Every format, in the order outputs are written and listed.
    pub const ALL: [Format; 4] = [Format::Pdf, Format::PdfA, Format::Ofd, Format::Xlsx];

    /// Its name on the command line and in messages: `pdf`, `pdfa`, `ofd`, `xlsx`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::PdfA => "pdfa",
            Format::Ofd => "ofd",
            Format::Xlsx => "xlsx",
        }
    }

    /// Its file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf | Format::PdfA => "pdf",
            Format::Ofd => "ofd",
            Format::Xlsx => "xlsx",
        }
    }

    /// Its MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Pdf | Format::PdfA => "application/pdf",
            Format::Ofd => "application/ofd",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// What it is, for people.
    pub fn describe(self) -> Text {
        match self {
            Format::Pdf => text!("PDF", "PDF"),
            Format::PdfA => text!("归档 PDF（PDF/A-3b）", "archival PDF (PDF/A-3b)"),
            Format::Ofd => text!("OFD 版式文件", "OFD"),
            Format::Xlsx => text!("Excel 表格（xlsx）", "Excel workbook (xlsx)"),
        }
    }

    /// Whether it is a PDF (plain or archival): what can be signed and filed.
    pub fn is_pdf(self) -> bool {
        matches!(self, Format::Pdf | Format::PdfA)
    }

    /// The format whose file a path names by its extension (`.pdf` is a plain PDF).
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extension() == ext && *f != Format::PdfA)
    }

    /// The manifest columns of this format's file. A PDF, plain or archival, keeps the
    /// columns manifests have always had (`output`, `bytes`, `pdf_sha256`); every other
    /// format is named after itself (`ofd`, `ofd_bytes`, `ofd_sha256`).
    pub fn manifest_columns(self) -> ManifestColumns {
        match self {
            Format::Pdf | Format::PdfA => ManifestColumns {
                path: "output",
                bytes: "bytes",
                sha256: "pdf_sha256",
            },
            Format::Ofd => ManifestColumns {
                path: "ofd",
                bytes: "ofd_bytes",
                sha256: "ofd_sha256",
            },
            Format::Xlsx => ManifestColumns {
                path: "xlsx",
                bytes: "xlsx_bytes",
                sha256: "xlsx_sha256",
            },
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `pdf`, `pdfa` (or `pdf/a`), `ofd`, `xlsx`, any case.
impl FromStr for Format {
    type Err = Text;
    fn from_str(s: &str) -> Result<Format, Text> {
        let wanted = s.trim().to_ascii_lowercase().replace('/', "");
        Format::ALL
            .into_iter()
            .find(|f| f.name() == wanted)
            .ok_or_else(|| {
                text!(
                    "没有“{s}”这种输出格式：可用 pdf、pdfa、ofd、xlsx",
                    "no output format `{s}`: use pdf, pdfa, ofd or xlsx"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_extensions_find_the_format() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        assert_eq!("PDF/A".parse::<Format>(), Ok(Format::PdfA));
        assert!("docx".parse::<Format>().is_err());
        assert_eq!(Format::of_path("a/b.OFD".as_ref()), Some(Format::Ofd));
        assert_eq!(Format::of_path("b.pdf".as_ref()), Some(Format::Pdf));
        assert_eq!(Format::of_path("b.toml".as_ref()), None);
    }

    #[test]
    fn every_format_has_its_own_manifest_columns_but_the_two_pdfs() {
        let mut seen = std::collections::BTreeSet::new();
        for f in Format::ALL {
            let c = f.manifest_columns();
            if f != Format::PdfA {
                assert!(seen.insert(c.path), "{f}: {c:?}");
            }
        }
        assert_eq!(
            Format::PdfA.manifest_columns(),
            Format::Pdf.manifest_columns()
        );
    }
}
