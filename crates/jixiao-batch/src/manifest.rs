//! `--manifest FILE.csv|FILE.json`: one record per input of a batch, sorted by input
//! path, with nothing that changes from run to run (no times), so two runs over the
//! same inputs give the same file.

use std::path::Path;

use serde::{Deserialize, Serialize};

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

/// One record of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The declaration file, as found.
    pub input: String,
    /// 部门名称, when the declaration could be read.
    pub department: Option<String>,
    /// 预算年度, when the declaration could be read.
    pub year: Option<i32>,
    /// The PDF written (empty when none was).
    pub output: Option<String>,
    /// Pages of the PDF.
    pub pages: Option<usize>,
    /// Size of the PDF in bytes.
    pub bytes: Option<usize>,
    /// SHA-256 of the declaration file's bytes, in lowercase hex.
    pub input_sha256: Option<String>,
    /// SHA-256 of the PDF, in lowercase hex.
    pub pdf_sha256: Option<String>,
    /// `rendered` or `failed`.
    pub status: Status,
    /// Number of warnings.
    pub warnings: usize,
    /// The codes of the warnings and errors, e.g. `amount-blank;cell-too-long`.
    pub codes: String,
    /// The first error, for failed inputs.
    pub error: Option<String>,
    /// The OFD written (`--format ofd`; empty when none was).
    pub ofd: Option<String>,
    /// Size of the OFD in bytes.
    pub ofd_bytes: Option<usize>,
    /// SHA-256 of the OFD, in lowercase hex.
    pub ofd_sha256: Option<String>,
    /// The slice (`I/N`) of a `--shard` run, empty otherwise; `jixiao manifest merge`
    /// uses it to check that every slice is there exactly once.
    #[serde(default)]
    pub shard: Option<String>,
}

impl Entry {
    /// A record for `input` that failed before anything was known about it.
    pub fn failed(input: String, error: String) -> Entry {
        Entry {
            input,
            department: None,
            year: None,
            output: None,
            pages: None,
            bytes: None,
            input_sha256: None,
            pdf_sha256: None,
            status: Status::Failed,
            warnings: 0,
            codes: String::new(),
            error: Some(error),
            ofd: None,
            ofd_bytes: None,
            ofd_sha256: None,
            shard: None,
        }
    }
}

pub use jixiao_core::hash::sha256_hex;

/// The manifest's file format, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`: a header row, then one row per input (RFC 4180, UTF-8).
    Csv,
    /// `.json`: an array of objects.
    Json,
}

impl Format {
    /// The format for `path` (`.csv` or `.json`, any case), or `None`.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// The manifest as bytes, records sorted by input path.
pub fn to_bytes(entries: &[Entry], format: Format) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.input.cmp(&b.input));
    match format {
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(&sorted).map_err(|e| e.to_string())?;
            json.push(b'\n');
            Ok(json)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            for entry in sorted {
                writer.serialize(entry).map_err(|e| e.to_string())?;
            }
            writer.into_inner().map_err(|e| e.to_string())
        }
    }
}

/// Reads a manifest written by [`write`] (`.csv` or `.json`, by its extension).
pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let shown = path.display();
    let format = Format::of(path).ok_or_else(|| {
        format!("清单文件 {shown} 的扩展名应为 .csv 或 .json / a manifest ends in .csv or .json")
    })?;
    let bytes = std::fs::read(path)
        .map_err(|e| format!("无法读取清单 {shown} / cannot read the manifest: {e}"))?;
    let bad = |e: String| format!("清单 {shown} 格式有误 / not a jixiao manifest: {e}");
    match format {
        Format::Json => serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string())),
        Format::Csv => csv::Reader::from_reader(bytes.as_slice())
            .deserialize()
            .collect::<Result<Vec<Entry>, _>>()
            .map_err(|e| bad(e.to_string())),
    }
}

/// Writes the manifest to `path` atomically, in the format its extension names.
pub fn write(path: &Path, entries: &[Entry]) -> Result<(), String> {
    let format = Format::of(path).ok_or_else(|| {
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
            output: Some(format!("{input}.pdf")),
            pages: Some(3),
            bytes: Some(1000),
            input_sha256: Some(sha256_hex(b"")),
            pdf_sha256: Some(sha256_hex(b"abc")),
            status: Status::Rendered,
            warnings: 1,
            codes: "amount-blank".into(),
            error: None,
            shard: None,
            input: input.into(),
            ofd: None,
            ofd_bytes: None,
            ofd_sha256: None,
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
        let text = String::from_utf8(to_bytes(&entries, Format::Csv).expect("csv")).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "input,department,year,output,pages,bytes,input_sha256,pdf_sha256,status,warnings,codes,error,ofd,ofd_bytes,ofd_sha256,shard"
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
            serde_json::from_slice(&to_bytes(&entries, Format::Json).expect("json"))
                .expect("parse");
        assert_eq!(value[0]["input"], "a.toml");
        assert_eq!(value[1]["status"], "rendered");
        assert_eq!(value[1]["output"], "b.toml.pdf");
    }

    #[test]
    fn the_format_comes_from_the_extension() {
        assert_eq!(Format::of(Path::new("m.CSV")), Some(Format::Csv));
        assert_eq!(Format::of(Path::new("m.json")), Some(Format::Json));
        assert_eq!(Format::of(Path::new("m.txt")), None);
        assert!(write(Path::new("m.txt"), &[]).is_err());
    }
}
