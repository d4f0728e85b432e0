//! Helpers for the spreadsheet tests: the real forms in `../shared/forms/`, their
//! transcriptions' appendices, and hand-built xlsx files whose XML says exactly what
//! a test needs (stored `<v>` texts, formulas, formats, merges).
#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `../shared/forms/NAME` beside the clone (present in CI, read-only).
pub(crate) fn form(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/forms")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: ../shared/forms must sit beside the clone",
        path.display()
    );
    path
}

/// One row of a transcription's appendix: cell, value, number format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AppendixCell {
    pub cell: String,
    pub value: AppendixValue,
    pub number_format: String,
}

/// A value as openpyxl's Python repr shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AppendixValue {
    Text(String),
    /// A formula (openpyxl shows the formula, not its cached result), without `=`.
    Formula(String),
    Number(String),
}

/// The `## Appendix — every non-empty cell` table of a transcription.
pub(crate) fn appendix(md_name: &str) -> Vec<AppendixCell> {
    let text = std::fs::read_to_string(form(md_name)).expect("read the transcription");
    let start = text
        .find("## Appendix")
        .expect("the transcription has an appendix");
    let mut out = Vec::new();
    for line in text[start..].lines() {
        let fields: Vec<&str> = line.split('|').collect();
        if fields.len() != 6 || !fields[2].trim().starts_with('`') {
            continue;
        }
        let cell = fields[1].trim().to_string();
        let repr = fields[2].trim().trim_matches('`');
        let number_format = fields[3]
            .trim()
            .strip_prefix('`')
            .and_then(|f| f.strip_suffix('`'))
            .expect("format")
            .to_string();
        let value = if let Some(s) = repr.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            let s = python_unescape(s);
            // `'='` alone is the 性质 text "=", not a formula.
            match s.strip_prefix('=').filter(|f| !f.is_empty()) {
                Some(f) => AppendixValue::Formula(f.to_string()),
                None => AppendixValue::Text(s),
            }
        } else {
            AppendixValue::Number(repr.to_string())
        };
        out.push(AppendixCell {
            cell,
            value,
            number_format,
        });
    }
    assert!(
        out.len() > 50,
        "{md_name}: only {} appendix rows parsed",
        out.len()
    );
    out
}

fn python_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(
                    char::from_u32(u32::from_str_radix(&hex, 16).expect("hex")).expect("char"),
                );
            }
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(
                    char::from_u32(u32::from_str_radix(&hex, 16).expect("hex")).expect("char"),
                );
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A minimal xlsx with one sheet named `Sheet1` whose `<worksheet>` body is
/// `sheet_body` (everything inside `<worksheet>`), and a style table where `s="1"` is
/// `0%`, `s="2"` is `0.00`, `s="3"` is `#,##0.00`, `s="4"` is the custom `0_ `, `s="5"`
/// is the built-in date `mm-dd-yy`, `s="6"` the custom `yyyy"年"m"月"d"日"`.
pub(crate) fn minimal_xlsx(sheet_body: &str) -> Vec<u8> {
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#
                .to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                .to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                .to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
                .to_string(),
        ),
        (
            "xl/styles.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="176" formatCode="0_ "/><numFmt numFmtId="177" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="177" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#
                .to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{sheet_body}</worksheet>"#
            ),
        ),
    ];
    zip_parts(parts.iter().map(|(n, c)| (*n, c.as_bytes())))
}

/// A ZIP of the given parts.
pub(crate) fn zip_parts<'a>(parts: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        zip.write_all(content).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

/// An OLE compound file with the given streams.
pub(crate) fn compound_file(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb");
    for (name, content) in streams {
        let mut stream = cfb.create_stream(name).expect("cfb stream");
        stream.write_all(content).expect("cfb write");
    }
    cfb.flush().expect("cfb flush");
    cfb.into_inner().into_inner()
}

/// The LibreOffice binary, installed by `scripts/test.sh` (Debian's libreoffice-calc).
pub(crate) fn soffice() -> PathBuf {
    for name in ["soffice", "libreoffice"] {
        if let Ok(out) = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {name}"))
            .output()
        {
            let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if out.status.success() && !path.is_empty() {
                return PathBuf::from(path);
            }
        }
    }
    panic!(
        "LibreOffice (soffice) is missing: run scripts/test.sh, which installs libreoffice-calc"
    );
}

/// One LibreOffice start converting every input to `target` into `out_dir`.
pub(crate) fn convert(profile: &Path, inputs: &[PathBuf], target: &str, out_dir: &Path) {
    let status = Command::new(soffice())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
        ])
        .arg(out_dir)
        .args(inputs)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run LibreOffice");
    assert!(
        status.success(),
        "LibreOffice --convert-to {target} failed: {status}"
    );
}
