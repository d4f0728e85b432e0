//! Reading an archival PDF back: its pages, the attached declaration, the PDF/A claim
//! in its XMP metadata, and jixiao's own checks of the PDF/A-3b rules a filing relies
//! on. Pure Rust (`lopdf`): verifying a filing needs no other program.

use lopdf::{Dictionary, Document, Object};

/// A file attached to a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name (`/UF`, else `/F`).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// MIME type (`/Subtype` of the embedded stream).
    pub mime: Option<String>,
    /// Description (`/Desc`).
    pub description: Option<String>,
    /// `/AFRelationship` (e.g. `Source`).
    pub relationship: Option<String>,
}

/// The PDF/A claim of a file's XMP metadata, e.g. part 3, conformance B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfaClaim {
    /// `pdfaid:part`
    pub part: String,
    /// `pdfaid:conformance`
    pub conformance: String,
}

impl std::fmt::Display for PdfaClaim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PDF/A-{}{}", self.part, self.conformance.to_lowercase())
    }
}

/// What jixiao reads from a PDF.
pub struct PdfFile {
    doc: Document,
}

/// Why a file could not be read as a PDF.
#[derive(Debug, thiserror::Error)]
#[error("无法读取 PDF / cannot read the PDF: {0}")]
pub struct ReadError(String);

fn text_of(object: &Object) -> Option<String> {
    match object {
        Object::String(bytes, _) => Some(decode_pdf_text(bytes)),
        Object::Name(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        _ => None,
    }
}

/// Decodes a PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one, or
/// PDFDocEncoding (taken as Latin-1, which covers what jixiao writes).
pub fn decode_pdf_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

impl PdfFile {
    /// Parses `bytes` as a PDF.
    pub fn parse(bytes: &[u8]) -> Result<PdfFile, ReadError> {
        jixiao_sign::pdf_nesting::check(bytes).map_err(|e| ReadError(e.to_string()))?;
        Document::load_mem(bytes)
            .map(|doc| PdfFile { doc })
            .map_err(|e| ReadError(e.to_string()))
    }

    /// The underlying document.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    fn resolve<'a>(&'a self, object: &'a Object) -> &'a Object {
        self.doc
            .dereference(object)
            .map(|(_, o)| o)
            .unwrap_or(object)
    }

    fn dict<'a>(&'a self, object: &'a Object) -> Option<&'a Dictionary> {
        self.resolve(object).as_dict().ok()
    }

    fn get<'a>(&'a self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        dict.get(key).ok().map(|o| self.resolve(o))
    }

    /// Page count.
    pub fn page_count(&self) -> usize {
        self.doc.get_pages().len()
    }

    /// A value of the document information dictionary (`/Creator`, `/Title`, …).
    pub fn info(&self, key: &str) -> Option<String> {
        let info = self.doc.trailer.get(b"Info").ok()?;
        let info = self.dict(info)?;
        text_of(self.get(info, key.as_bytes())?)
    }

    /// The document date as written in `/CreationDate`, as a calendar day.
    pub fn creation_date(&self) -> Option<jixiao_core::date::Date> {
        let raw = self.info("CreationDate")?;
        let digits = raw.trim_start_matches("D:");
        // Only ASCII digits, so the byte offsets below are character boundaries.
        let day = digits
            .get(0..8)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
        jixiao_core::date::Date::parse(&format!("{}-{}-{}", &day[0..4], &day[4..6], &day[6..8]))
            .ok()
    }

    /// The XMP metadata packet of the catalog, as text.
    pub fn xmp(&self) -> Option<String> {
        let catalog = self.doc.catalog().ok()?;
        let stream = self.get(catalog, b"Metadata")?.as_stream().ok()?;
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The PDF/A claim in the XMP metadata, if any.
    pub fn pdfa_claim(&self) -> Option<PdfaClaim> {
        let xmp = self.xmp()?;
        Some(PdfaClaim {
            part: xmp_value(&xmp, "pdfaid:part")?,
            conformance: xmp_value(&xmp, "pdfaid:conformance").unwrap_or_default(),
        })
    }

    /// The file specifications of the `/EmbeddedFiles` name tree.
    fn file_specs(&self) -> Vec<&Dictionary> {
        let mut out = Vec::new();
        let Ok(catalog) = self.doc.catalog() else {
            return out;
        };
        let tree = self
            .get(catalog, b"Names")
            .and_then(|n| n.as_dict().ok())
            .and_then(|names| self.get(names, b"EmbeddedFiles"))
            .and_then(|t| t.as_dict().ok());
        if let Some(tree) = tree {
            self.walk_name_tree(tree, &mut out, 0);
        }
        out
    }

    fn walk_name_tree<'a>(
        &'a self,
        node: &'a Dictionary,
        out: &mut Vec<&'a Dictionary>,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        if let Some(Object::Array(names)) = self.get(node, b"Names") {
            for pair in names.chunks(2) {
                if let Some(spec) = pair.get(1).and_then(|o| self.dict(o)) {
                    out.push(spec);
                }
            }
        }
        if let Some(Object::Array(kids)) = self.get(node, b"Kids") {
            for kid in kids {
                if let Some(kid) = self.dict(kid) {
                    self.walk_name_tree(kid, out, depth + 1);
                }
            }
        }
    }

    /// Every attached file.
    pub fn attachments(&self) -> Vec<Attachment> {
        self.file_specs()
            .into_iter()
            .filter_map(|spec| {
                let name = self
                    .get(spec, b"UF")
                    .or_else(|| self.get(spec, b"F"))
                    .and_then(text_of)
                    .unwrap_or_default();
                let ef = self.get(spec, b"EF")?.as_dict().ok()?;
                let stream = self
                    .get(ef, b"UF")
                    .or_else(|| self.get(ef, b"F"))?
                    .as_stream()
                    .ok()?;
                let bytes = if stream.dict.get(b"Filter").is_ok() {
                    stream.decompressed_content().ok()?
                } else {
                    stream.content.clone()
                };
                Some(Attachment {
                    name,
                    bytes,
                    mime: stream.dict.get(b"Subtype").ok().and_then(text_of),
                    description: self.get(spec, b"Desc").and_then(text_of),
                    relationship: self.get(spec, b"AFRelationship").and_then(text_of),
                })
            })
            .collect()
    }

    /// The attached declaration: the attachment whose relationship is `Source`.
    pub fn source_attachment(&self) -> Option<Attachment> {
        self.attachments()
            .into_iter()
            .find(|a| a.relationship.as_deref() == Some("Source"))
    }

    /// jixiao's own checks of the PDF/A-3b rules a filing relies on. Not a full
    /// validator (use veraPDF for that), but it catches what would break an archive:
    /// no claim, no output intent, encryption, a font not embedded, an attachment
    /// without relationship, MIME type or description, a missing document ID.
    pub fn pdfa_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match self.pdfa_claim() {
            None => problems
                .push("XMP 元数据中没有 PDF/A 声明 / no PDF/A claim in the XMP metadata".into()),
            Some(c) if c.part != "3" || !c.conformance.eq_ignore_ascii_case("B") => problems.push(
                format!("声明的是 {c}，不是 PDF/A-3b / claims {c}, not PDF/A-3b"),
            ),
            Some(_) => {}
        }
        if self.doc.trailer.get(b"Encrypt").is_ok() {
            problems.push("文件已加密（PDF/A 不允许） / the file is encrypted".into());
        }
        if self.doc.trailer.get(b"ID").is_err() {
            problems.push("缺少文档标识 /ID / no document /ID".into());
        }
        let catalog = self.doc.catalog().ok();
        let intent_ok = catalog
            .and_then(|c| self.get(c, b"OutputIntents"))
            .and_then(|o| o.as_array().ok())
            .is_some_and(|intents| {
                intents.iter().filter_map(|i| self.dict(i)).any(|i| {
                    self.get(i, b"S").and_then(text_of).as_deref() == Some("GTS_PDFA1")
                        && self.get(i, b"DestOutputProfile").is_some()
                })
            });
        if !intent_ok {
            problems.push(
                "缺少 PDF/A 输出意图（GTS_PDFA1 与 ICC 配置） / no PDF/A output intent".into(),
            );
        }
        for (id, object) in &self.doc.objects {
            let Ok(dict) = object.as_dict() else { continue };
            let is = |key: &[u8], value: &str| {
                dict.get(key).ok().and_then(text_of).as_deref() == Some(value)
            };
            if is(b"Type", "Font") && !is(b"Subtype", "Type0") && !is(b"Subtype", "Type3") {
                let embedded = self
                    .get(dict, b"FontDescriptor")
                    .and_then(|d| d.as_dict().ok())
                    .is_some_and(|d| {
                        [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                            .iter()
                            .any(|k| d.get(k).is_ok())
                    });
                if !embedded {
                    let name = dict
                        .get(b"BaseFont")
                        .ok()
                        .and_then(text_of)
                        .unwrap_or_default();
                    problems.push(format!(
                        "字体未嵌入：{name}（对象 {} {}） / font not embedded",
                        id.0, id.1
                    ));
                }
            }
        }
        let associated = catalog
            .and_then(|c| self.get(c, b"AF"))
            .and_then(|a| a.as_array().ok())
            .map_or(0, Vec::len);
        let specs = self.file_specs();
        if associated < specs.len() {
            problems.push("附件未列入文档的关联文件 /AF / attachments missing from /AF".into());
        }
        for a in self.attachments() {
            if a.relationship.is_none() || a.mime.is_none() || a.description.is_none() {
                problems.push(format!(
                    "附件 {} 缺少关系、MIME 类型或描述 / attachment lacks AFRelationship, MIME type or description",
                    a.name
                ));
            }
        }
        problems
    }
}

/// The value of an XMP property written either as an attribute (`pdfaid:part="3"`) or
/// as an element (`<pdfaid:part>3</pdfaid:part>`).
fn xmp_value(xmp: &str, property: &str) -> Option<String> {
    let attribute = format!("{property}=");
    if let Some(at) = xmp.find(&attribute) {
        let rest = &xmp[at + attribute.len()..];
        let quote = rest.chars().next()?;
        let rest = &rest[quote.len_utf8()..];
        return rest.find(quote).map(|end| rest[..end].trim().to_owned());
    }
    let open = format!("<{property}>");
    let at = xmp.find(&open)?;
    let rest = &xmp[at + open.len()..];
    rest.find('<').map(|end| rest[..end].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_xmp_properties_in_both_spellings() {
        let a = r#"<rdf:Description pdfaid:part="3" pdfaid:conformance='B'/>"#;
        assert_eq!(xmp_value(a, "pdfaid:part").as_deref(), Some("3"));
        assert_eq!(xmp_value(a, "pdfaid:conformance").as_deref(), Some("B"));
        let b = "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>";
        assert_eq!(xmp_value(b, "pdfaid:part").as_deref(), Some("3"));
        assert_eq!(xmp_value(b, "pdfaid:conformance").as_deref(), Some("B"));
        assert_eq!(xmp_value(b, "pdfaid:amd"), None);
    }

    #[test]
    fn decodes_pdf_text_strings() {
        assert_eq!(
            decode_pdf_text(&[0xFE, 0xFF, 0x75, 0x33, 0x62, 0xA5]),
            "申报"
        );
        assert_eq!(decode_pdf_text(b"jixiao"), "jixiao");
    }
}
