//! `--manifest FILE.csv|FILE.json`: one record per input of a batch, sorted by input
//! path, with nothing that changes from run to run (no times), so two runs over the
//! same inputs give the same file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use jixiao_core::format::Format;
use jixiao_core::output::write_atomic;

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The PDF was written.
    Rendered,
    /// No PDF: the declaration has errors, its output name collides, or the render or
    /// the write failed.
    Failed,
}

/// One record of the manifest (serialised as such only between a batch and its worker
/// processes; a manifest file has the columns of [`columns`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The declaration file, as found.
    pub input: String,
    /// 部门名称, when the declaration could be read.
    pub department: Option<String>,
    /// 预算年度, when the declaration could be read.
    pub year: Option<i32>,
    /// Pages of the form.
    pub pages: Option<usize>,
    /// SHA-256 of the declaration file's bytes, in lowercase hex.
    pub input_sha256: Option<String>,
    /// `rendered` or `failed`.
    pub status: Status,
    /// Number of warnings.
    pub warnings: usize,
    /// The codes of the warnings and errors, e.g. `amount-blank;cell-too-long`.
    pub codes: String,
    /// The first error, for failed inputs.
    pub error: Option<String>,
    /// The files written, one per format, in the order of [`Format::ALL`].
    pub files: Vec<Written>,
    /// The slice (`I/N`) of a `--shard` run, empty otherwise; `jixiao manifest merge`
    /// uses it to check that every slice is there exactly once.
    pub shard: Option<String>,
}

/// One file a batch wrote for an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    /// Its format. A PDF read back from a manifest is [`Format::Pdf`], archival or not
    /// (the columns are the same).
    pub format: Format,
    /// Where it was written.
    pub path: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its SHA-256, in lowercase hex.
    pub sha256: String,
}

impl Entry {
    /// A record for `input` that failed before anything was known about it.
    pub fn failed(input: String, error: String) -> Entry {
        Entry {
            input,
            department: None,
            year: None,
            pages: None,
            input_sha256: None,
            status: Status::Failed,
            warnings: 0,
            codes: String::new(),
            error: Some(error),
            files: Vec::new(),
            shard: None,
        }
    }

    /// The file written in `format` (a PDF's columns match either PDF format).
    pub fn file(&self, format: Format) -> Option<&Written> {
        self.files
            .iter()
            .find(|w| w.format == format || (w.format.is_pdf() && format.is_pdf()))
    }

    /// The PDF written, plain or archival.
    pub fn pdf(&self) -> Option<&Written> {
        self.file(Format::Pdf)
    }

    /// Bytes over all files written.
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|w| w.bytes).sum()
    }
}

/// The formats with columns of their own, in column order: the PDF (plain and archival
/// share them), then every other format.
fn column_formats() -> impl Iterator<Item = Format> {
    Format::ALL.into_iter().filter(|f| *f != Format::PdfA)
}

/// The manifest's columns, in order. The PDF's keep the names and places manifests have
/// always had (`output` after `year`, `bytes` after `pages`, `pdf_sha256` after
/// `input_sha256`); every other format adds its three at the end, before `shard`.
pub fn columns() -> Vec<&'static str> {
    let pdf = Format::Pdf.manifest_columns();
    let mut columns = vec![
        "input",
        "department",
        "year",
        pdf.path,
        "pages",
        pdf.bytes,
        "input_sha256",
        pdf.sha256,
        "status",
        "warnings",
        "codes",
        "error",
    ];
    for format in column_formats().filter(|f| !f.is_pdf()) {
        let c = format.manifest_columns();
        columns.extend([c.path, c.bytes, c.sha256]);
    }
    columns.push("shard");
    columns
}

/// A cell of a record: text, a number, or empty.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Number(i64),
    Empty,
}

impl Cell {
    fn text(value: &Option<String>) -> Cell {
        value.clone().map_or(Cell::Empty, Cell::Text)
    }

    fn number(value: Option<i64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }
}

impl Entry {
    /// The record's cell in `column`.
    fn cell(&self, column: &str) -> Cell {
        let count = |n: usize| Cell::Number(i64::try_from(n).unwrap_or(i64::MAX));
        match column {
            "input" => Cell::Text(self.input.clone()),
            "department" => Cell::text(&self.department),
            "year" => Cell::number(self.year.map(i64::from)),
            "pages" => self.pages.map_or(Cell::Empty, count),
            "input_sha256" => Cell::text(&self.input_sha256),
            "status" => Cell::Text(self.status.name().to_owned()),
            "warnings" => count(self.warnings),
            "codes" => Cell::Text(self.codes.clone()),
            "error" => Cell::text(&self.error),
            "shard" => Cell::text(&self.shard),
            _ => {
                for format in column_formats() {
                    let c = format.manifest_columns();
                    let written = self.file(format);
                    if column == c.path {
                        return written.map_or(Cell::Empty, |w| Cell::Text(w.path.clone()));
                    }
                    if column == c.bytes {
                        return written.map_or(Cell::Empty, |w| count(w.bytes));
                    }
                    if column == c.sha256 {
                        return written.map_or(Cell::Empty, |w| Cell::Text(w.sha256.clone()));
                    }
                }
                Cell::Empty
            }
        }
    }

    /// A record from its cells by column name (missing columns are empty).
    fn from_cells(cell: &dyn Fn(&str) -> Option<String>) -> Result<Entry, String> {
        let number = |column: &str| -> Result<Option<i64>, String> {
            cell(column)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<i64>().map_err(|e| format!("{column}: {e}")))
                .transpose()
        };
        let count = |column: &str| -> Result<Option<usize>, String> {
            number(column)?
                .map(|n| usize::try_from(n).map_err(|e| format!("{column}: {e}")))
                .transpose()
        };
        let text = |column: &str| cell(column).filter(|s| !s.is_empty());
        let status = match cell("status").as_deref() {
            Some("rendered") => Status::Rendered,
            Some("failed") => Status::Failed,
            other => return Err(format!("status: {other:?}")),
        };
        let mut files = Vec::new();
        for format in column_formats() {
            let c = format.manifest_columns();
            if let Some(path) = text(c.path) {
                files.push(Written {
                    format,
                    path,
                    bytes: count(c.bytes)?.unwrap_or(0),
                    sha256: text(c.sha256).unwrap_or_default(),
                });
            }
        }
        Ok(Entry {
            input: cell("input").ok_or("input: missing")?,
            department: text("department"),
            year: number("year")?
                .map(|y| i32::try_from(y).map_err(|e| format!("year: {e}")))
                .transpose()?,
            pages: count("pages")?,
            input_sha256: text("input_sha256"),
            status,
            warnings: count("warnings")?.unwrap_or(0),
            codes: cell("codes").unwrap_or_default(),
            error: text("error"),
            files,
            shard: text("shard"),
        })
    }
}

impl Status {
    /// `rendered` or `failed`, as the manifest writes it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Rendered => "rendered",
            Status::Failed => "failed",
        }
    }
}

pub use jixiao_core::hash::sha256_hex;

/// The manifest's file format, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestFormat {
    /// `.csv`: a header row, then one row per input (RFC 4180, UTF-8).
    Csv,
    /// `.json`: an array of objects.
    Json,
}

impl ManifestFormat {
    /// The format for `path` (`.csv` or `.json`, any case), or `None`.
    pub fn of(path: &Path) -> Option<ManifestFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(ManifestFormat::Csv),
            "json" => Some(ManifestFormat::Json),
            _ => None,
        }
    }
}

/// The manifest as bytes, records sorted by input path.
pub fn to_bytes(entries: &[Entry], format: ManifestFormat) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.input.cmp(&b.input));
    let columns = columns();
    match format {
        ManifestFormat::Json => {
            let records: Vec<serde_json::Map<String, serde_json::Value>> = sorted
                .iter()
                .map(|entry| {
                    columns
                        .iter()
                        .map(|column| {
                            let value = match entry.cell(column) {
                                Cell::Text(s) => serde_json::Value::String(s),
                                Cell::Number(n) => serde_json::Value::from(n),
                                Cell::Empty => serde_json::Value::Null,
                            };
                            ((*column).to_owned(), value)
                        })
                        .collect()
                })
                .collect();
            let mut json = serde_json::to_vec_pretty(&records).map_err(|e| e.to_string())?;
            json.push(b'\n');
            Ok(json)
        }
        ManifestFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(&columns).map_err(|e| e.to_string())?;
            for entry in sorted {
                let row = columns.iter().map(|column| match entry.cell(column) {
                    Cell::Text(s) => s,
                    Cell::Number(n) => n.to_string(),
                    Cell::Empty => String::new(),
                });
                writer.write_record(row).map_err(|e| e.to_string())?;
            }
            writer.into_inner().map_err(|e| e.to_string())
        }
    }
}

/// Reads a manifest written by [`write`] (`.csv` or `.json`, by its extension).
pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let shown = path.display();
    let format = ManifestFormat::of(path).ok_or_else(|| {
        format!("清单文件 {shown} 的扩展名应为 .csv 或 .json / a manifest ends in .csv or .json")
    })?;
    let bytes = std::fs::read(path)
        .map_err(|e| format!("无法读取清单 {shown} / cannot read the manifest: {e}"))?;
    let bad = |e: String| format!("清单 {shown} 格式有误 / not a jixiao manifest: {e}");
    match format {
        ManifestFormat::Json => {
            let records: Vec<serde_json::Map<String, serde_json::Value>> =
                serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
            records
                .iter()
                .map(|record| {
                    Entry::from_cells(&|column| match record.get(column) {
                        Some(serde_json::Value::String(s)) => Some(s.clone()),
                        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                        _ => None,
                    })
                })
                .collect::<Result<_, _>>()
                .map_err(bad)
        }
        ManifestFormat::Csv => {
            let mut reader = csv::Reader::from_reader(bytes.as_slice());
            let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
            reader
                .records()
                .map(|record| {
                    let record = record.map_err(|e| e.to_string())?;
                    Entry::from_cells(&|column| {
                        let at = headers.iter().position(|h| h == column)?;
                        record.get(at).map(str::to_owned)
                    })
                })
                .collect::<Result<_, _>>()
                .map_err(bad)
        }
    }
}

/// Writes the manifest to `path` atomically, in the format its extension names.
pub fn write(path: &Path, entries: &[Entry]) -> Result<(), String> {
    let format = ManifestFormat::of(path).ok_or_else(|| {
        format!(
            "清单文件 {} 的扩展名应为 .csv 或 .json / the manifest must end in .csv or .json",
            path.display()
        )
    })?;
    let bytes = to_bytes(entries, format).map_err(|e| {
        format!(
            "无法生成清单 {} / cannot build the manifest: {e}",
            path.display()
        )
    })?;
    write_atomic(path, &bytes).map_err(|e| {
        format!(
            "无法写入 {} / cannot write the manifest: {e}",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(input: &str) -> Entry {
        Entry {
            department: Some("部门, \"引号\"".into()),
            year: Some(2025),
            pages: Some(3),
            input_sha256: Some(sha256_hex(b"")),
            status: Status::Rendered,
            warnings: 1,
            codes: "amount-blank".into(),
            error: None,
            shard: None,
            input: input.into(),
            files: vec![Written {
                format: Format::Pdf,
                path: format!("{input}.pdf"),
                bytes: 1000,
                sha256: sha256_hex(b"abc"),
            }],
        }
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn csv_has_a_header_quotes_and_sorted_rows() {
        let entries = vec![entry("b.toml"), Entry::failed("a.toml".into(), "坏".into())];
        let text =
            String::from_utf8(to_bytes(&entries, ManifestFormat::Csv).expect("csv")).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "input,department,year,output,pages,bytes,input_sha256,pdf_sha256,status,warnings,codes,error,ofd,ofd_bytes,ofd_sha256,xlsx,xlsx_bytes,xlsx_sha256,shard"
        );
        assert!(
            lines[1].starts_with("a.toml,,,,,,,,failed,0,,坏"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("b.toml,\"部门, \"\"引号\"\"\",2025,b.toml.pdf,3,1000,"),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn json_is_an_array_sorted_by_input() {
        let entries = vec![entry("b.toml"), entry("a.toml")];
        let value: serde_json::Value =
            serde_json::from_slice(&to_bytes(&entries, ManifestFormat::Json).expect("json"))
                .expect("parse");
        assert_eq!(value[0]["input"], "a.toml");
        assert_eq!(value[1]["status"], "rendered");
        assert_eq!(value[1]["output"], "b.toml.pdf");
    }

    #[test]
    fn csv_and_json_read_back_as_written() {
        let mut with_ofd = entry("c.toml");
        with_ofd.files.push(Written {
            format: Format::Ofd,
            path: "c.ofd".into(),
            bytes: 12,
            sha256: sha256_hex(b"ofd"),
        });
        let entries = vec![
            entry("b.toml"),
            with_ofd,
            Entry::failed("a.toml".into(), "坏, \"x\"".into()),
        ];
        for (name, format) in [
            ("m.csv", ManifestFormat::Csv),
            ("m.json", ManifestFormat::Json),
        ] {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join(name);
            write(&path, &entries).expect("write");
            let mut expected = entries.clone();
            expected.sort_by(|a, b| a.input.cmp(&b.input));
            assert_eq!(read(&path).expect("read"), expected, "{format:?}");
        }
    }

    #[test]
    fn the_format_comes_from_the_extension() {
        assert_eq!(
            ManifestFormat::of(Path::new("m.CSV")),
            Some(ManifestFormat::Csv)
        );
        assert_eq!(
            ManifestFormat::of(Path::new("m.json")),
            Some(ManifestFormat::Json)
        );
        assert_eq!(ManifestFormat::of(Path::new("m.txt")), None);
        assert!(write(Path::new("m.txt"), &[]).is_err());
    }
}
