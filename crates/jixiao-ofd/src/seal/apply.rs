//! Sealing an OFD (GB/T 33190 §18 with GB/T 38540 version 4), laid out as the reference
//! library ofdrw lays it out:
//!
//! ```text
//! OFD.xml                              + <Signatures>Doc_0/Signs/Signatures.xml</Signatures>
//! Doc_0/Signs/Signatures.xml           the list (MaxSignId, one Signature per seal)
//! Doc_0/Signs/Sign_N/Seal.esl          the seal (SESeal), byte for byte
//! Doc_0/Signs/Sign_N/Signature.xml     SignedInfo: Provider, SignatureMethod, time,
//!                                      References (SM3 of every protected part),
//!                                      StampAnnot (where the seal picture goes), Seal
//! Doc_0/Signs/Sign_N/SignedValue.dat   DER SES_Signature over TBS_Sign, whose dataHash
//!                                      is the SM3 of Signature.xml
//! ```
//!
//! Every part of the package is protected except the list itself (so that a later seal
//! can be added to it, as ofdrw's "continue" mode does) and this seal's own
//! `Signature.xml` and `SignedValue.dat` (the signature covers the former through
//! `dataHash`). Parts keep their order; the new ones are appended.

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, Utc};
use der::asn1::{Any, BitString, OctetString};
use der::{Decode, Encode};
use sm3::Digest;

use super::asn1::{generalized_time, ia5, SesSignature, TbsSign, SM2_WITH_SM3, SM3};
use super::error::SealError;
use super::esl::SealFile;
use super::signer::SealSigner;
use crate::read::{self, child, children, parent, parse_xml, Package};
use crate::xml::{nums, Xml};
use crate::zip::{self, DosTime, Entry};

/// Where the list of signatures goes when a document has none.
pub const SIGNATURES: &str = "Doc_0/Signs/Signatures.xml";

/// How to seal.
#[derive(Debug, Clone)]
pub struct SealOptions {
    /// The signing time (`TBS_Sign.timeInfo`, `SignatureDateTime`).
    pub time: DateTime<Utc>,
    /// The page (from 1) the seal picture goes on; the last page when `None`.
    pub page: Option<usize>,
    /// The centre of the seal picture on the page, in millimetres from the top left;
    /// when `None`, over the text after 盖章 on that page if there is such text, else
    /// near the bottom right corner.
    pub center: Option<(f64, f64)>,
    /// A timestamp authority (RFC 3161, `http://`): the signature value is timestamped
    /// (SM3 imprint) and the token goes into `SES_Signature.timeStamp`.
    pub tsa: Option<String>,
}

/// The SM3 digest of `data`.
pub fn sm3(data: &[u8]) -> Vec<u8> {
    sm3::Sm3::digest(data).to_vec()
}

/// `OFD.xml` with a `Signatures` entry naming `list`, inserted at the end of `DocBody`
/// (where the schema puts it) with the element's own namespace prefix. Unchanged when
/// there already is one.
pub fn with_signatures_entry(ofd_xml: &[u8], list: &str) -> Result<Vec<u8>, SealError> {
    let doc = parse_xml("OFD.xml", ofd_xml)?;
    let Some(body) = child(doc.root_element(), "DocBody") else {
        return Err(SealError::Ofd(
            "OFD.xml 中没有 DocBody / OFD.xml has no DocBody".into(),
        ));
    };
    if child(body, "Signatures").is_some() {
        return Ok(ofd_xml.to_vec());
    }
    let text = doc.input_text();
    let range = body.range();
    let element = &text[range.clone()];
    let Some(close) = element.rfind("</") else {
        return Err(SealError::Ofd(
            "DocBody 是空元素 / DocBody is an empty element".into(),
        ));
    };
    let name = element[close + 2..].trim_end_matches('>').trim();
    let prefix = name.strip_suffix("DocBody").unwrap_or("");
    let at = range.start + close;
    // The text before the element in the file (a BOM, say) is kept as it was.
    let offset = ofd_xml.len() - text.len();
    let mut out = ofd_xml[..offset + at].to_vec();
    out.extend_from_slice(
        format!(
            "<{prefix}Signatures>{}</{prefix}Signatures>",
            crate::xml::escape(list, false)
        )
        .as_bytes(),
    );
    out.extend_from_slice(&ofd_xml[offset + at..]);
    Ok(out)
}

/// One entry of a signature list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSignature {
    /// `ID`.
    pub id: String,
    /// `Type` (`Seal` or `Sign`).
    pub kind: String,
    /// `BaseLoc` as written.
    pub base_loc: String,
    /// `BaseLoc` resolved.
    pub path: String,
}

/// Reads a signature list (`Signatures.xml`).
pub fn read_list(package: &Package, path: &str) -> Result<Vec<ListedSignature>, SealError> {
    let bytes = package.require(path)?;
    let doc = parse_xml(path, bytes)?;
    let dir = parent(path);
    let mut out = Vec::new();
    for s in children(doc.root_element(), "Signature") {
        let base_loc = s.attribute("BaseLoc").unwrap_or_default().to_owned();
        // ofdrw writes BaseLoc from the package root; some writers relative to the list.
        let path = read::resolve(dir, &base_loc)
            .filter(|p| package.get(p).is_some())
            .or_else(|| read::resolve("", &base_loc))
            .unwrap_or_default();
        out.push(ListedSignature {
            id: s.attribute("ID").unwrap_or_default().to_owned(),
            kind: s.attribute("Type").unwrap_or("Seal").to_owned(),
            base_loc,
            path,
        });
    }
    Ok(out)
}

fn list_xml(signatures: &[ListedSignature]) -> Vec<u8> {
    let max = signatures
        .iter()
        .filter_map(|s| s.id.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut xml = Xml::new("Signatures");
    xml.leaf("MaxSignId", &max.to_string());
    for s in signatures {
        xml.open("Signature")
            .attr("ID", &s.id)
            .attr("Type", &s.kind)
            .attr("BaseLoc", &s.base_loc)
            .close();
    }
    xml.finish()
}

/// Where the seal picture goes: `(page id, boundary x, y, w, h)`.
fn placement(
    package: &Package,
    pages: &[(String, String)],
    size: (f64, f64),
    options: &SealOptions,
) -> Result<(String, [f64; 4]), SealError> {
    let index = match options.page {
        None => pages.len().checked_sub(1),
        Some(p) => p.checked_sub(1).filter(|&i| i < pages.len()),
    };
    let Some(index) = index else {
        return Err(SealError::Ofd(format!(
            "没有第 {} 页（共 {} 页） / there is no page {} (the document has {})",
            options.page.unwrap_or(0),
            pages.len(),
            options.page.unwrap_or(0),
            pages.len()
        )));
    };
    let (id, path) = &pages[index];
    let center = match options.center {
        Some(c) => c,
        None => default_center(package, path).unwrap_or_else(|| {
            let (w, h) = page_size(package).unwrap_or((210.0, 297.0));
            (w - 25.0 - size.0 / 2.0, h - 35.0 - size.1 / 2.0)
        }),
    };
    Ok((
        id.clone(),
        [
            center.0 - size.0 / 2.0,
            center.1 - size.1 / 2.0,
            size.0,
            size.1,
        ],
    ))
}

fn page_size(package: &Package) -> Option<(f64, f64)> {
    let main = read::main_entry(package).ok()?;
    let doc = read::document(package, &main.doc_root).ok()?;
    doc.physical_box.map(|b| (b[2], b[3]))
}

/// The centre of the text after the last 盖章 on the page at `path` (the 单位（盖章）
/// field of a sign-off block), if there is one.
fn default_center(package: &Package, path: &str) -> Option<(f64, f64)> {
    let bytes = package.get(path)?;
    let doc = parse_xml(path, bytes).ok()?;
    let mut found = None;
    for object in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "TextObject")
    {
        let boundary: Vec<f64> = object
            .attribute("Boundary")?
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        let [bx, by, bw, bh] = <[f64; 4]>::try_from(boundary).ok()?;
        let text: String = children(object, "TextCode")
            .filter_map(|c| c.text())
            .collect();
        if let Some(at) = text.find("盖章") {
            // From the character after the colon that follows 盖章 to the object's end.
            let after = text[at..]
                .char_indices()
                .find(|(_, c)| *c == '：' || *c == ':')
                .map_or(at, |(i, c)| at + i + c.len_utf8());
            let position = text[..after].chars().count();
            let x = char_x(object, position).map_or(bx + bw / 2.0, |x| bx + x);
            found = Some(((x + bx + bw) / 2.0, by + bh / 2.0));
        }
    }
    found
}

/// The x position (in the object's boundary space) of the `index`-th character of a
/// `TextObject`, from its `TextCode`s' `X` and `DeltaX`.
fn char_x(object: roxmltree::Node<'_, '_>, index: usize) -> Option<f64> {
    let mut seen = 0;
    for code in children(object, "TextCode") {
        let text = code.text().unwrap_or_default();
        let n = text.chars().count();
        if index < seen + n {
            let mut x: f64 = code.attribute("X")?.parse().ok()?;
            let deltas = expand_deltas(code.attribute("DeltaX").unwrap_or_default());
            for d in deltas.iter().take(index - seen) {
                x += d;
            }
            return Some(x);
        }
        seen += n;
    }
    None
}

/// An `ST_Array` of deltas with `g N v` runs expanded.
pub fn expand_deltas(text: &str) -> Vec<f64> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "g" && i + 2 < tokens.len() {
            let n: usize = tokens[i + 1].parse().unwrap_or(0);
            let v: f64 = tokens[i + 2].parse().unwrap_or(0.0);
            out.extend(std::iter::repeat_n(v, n.min(100_000)));
            i += 3;
        } else {
            out.push(tokens[i].parse().unwrap_or(0.0));
            i += 1;
        }
    }
    out
}

/// `SignatureDateTime`: the time in Beijing time, as ofdrw writes it.
pub fn signature_date_time(time: DateTime<Utc>) -> String {
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("valid offset"));
    time.with_timezone(&beijing)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Seals the OFD `ofd` with `seal`, signed by `signer`.
pub fn seal_ofd(
    ofd: &[u8],
    seal: &SealFile,
    signer: &dyn SealSigner,
    options: &SealOptions,
) -> Result<Vec<u8>, SealError> {
    let signer_der = signer.certificate().to_der()?;
    if !seal.lists(&signer_der) {
        return Err(SealError::Seal(format!(
            "印章“{}”没有列出签章人证书 {}：此证书不能使用此印章 / the seal “{}” does not list the signer's certificate {}: it may not be used with this seal",
            seal.name(),
            super::signer::subject(signer.certificate()),
            seal.name(),
            super::signer::subject(signer.certificate())
        )));
    }
    let (from, until) = seal.validity();
    if from.is_some_and(|f| options.time < f) || until.is_some_and(|u| options.time > u) {
        return Err(SealError::Seal(format!(
            "签章时间 {} 不在印章有效期内（{} 至 {}） / the signing time is outside the seal's validity ({} to {})",
            options.time.to_rfc3339(),
            from.map(|t| t.to_rfc3339()).unwrap_or_default(),
            until.map(|t| t.to_rfc3339()).unwrap_or_default(),
            from.map(|t| t.to_rfc3339()).unwrap_or_default(),
            until.map(|t| t.to_rfc3339()).unwrap_or_default(),
        )));
    }
    let package = Package::parse(ofd)?;
    let main = read::main_entry(&package)?;
    let document = read::document(&package, &main.doc_root)?;
    if document.pages.is_empty() {
        return Err(SealError::Ofd(
            "文档没有页面 / the document has no pages".into(),
        ));
    }

    let list_path = main
        .signatures
        .clone()
        .unwrap_or_else(|| SIGNATURES.to_owned());
    let mut listed = match &main.signatures {
        Some(path) if package.get(path).is_some() => read_list(&package, path)?,
        _ => Vec::new(),
    };
    let signs_dir = parent(&list_path).to_owned();
    let n = (0..)
        .find(|n| {
            let dir = format!("{signs_dir}/Sign_{n}/");
            !package.entries().iter().any(|e| e.name.starts_with(&dir))
        })
        .unwrap_or(0);
    let dir = format!("{signs_dir}/Sign_{n}");
    let (seal_path, signature_path, value_path) = (
        format!("{dir}/Seal.esl"),
        format!("{dir}/Signature.xml"),
        format!("{dir}/SignedValue.dat"),
    );
    let next_id = listed
        .iter()
        .filter_map(|s| s.id.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    listed.push(ListedSignature {
        id: next_id.to_string(),
        kind: "Seal".into(),
        base_loc: format!("/{signature_path}"),
        path: signature_path.clone(),
    });

    let ofd_xml = with_signatures_entry(package.require("OFD.xml")?, &list_path)?;
    let mut entries: Vec<Entry> = package.into_entries();
    for e in &mut entries {
        if e.name == "OFD.xml" {
            e.data.clone_from(&ofd_xml);
        }
    }
    let list = list_xml(&listed);
    match entries.iter_mut().find(|e| e.name == list_path) {
        Some(e) => e.data = list,
        None => entries.push(Entry {
            name: list_path.clone(),
            data: list,
        }),
    }
    entries.push(Entry {
        name: seal_path.clone(),
        data: seal.der.clone(),
    });

    // Signature.xml.
    let (_, _, w, h) = seal.picture();
    let size = if w == 0 || h == 0 {
        (40.0, 40.0)
    } else {
        (f64::from(w), f64::from(h))
    };
    let after = Package::from_entries(entries);
    let (page_id, boundary) = placement(&after, &document.pages, size, options)?;
    let mut xml = Xml::new("Signature");
    xml.open("SignedInfo");
    xml.open("Provider")
        .attr("ProviderName", "jixiao")
        .attr("Version", env!("CARGO_PKG_VERSION"))
        .attr("Company", "jixiao")
        .close();
    xml.leaf("SignatureMethod", &SM2_WITH_SM3.to_string());
    xml.leaf("SignatureDateTime", &signature_date_time(options.time));
    xml.open("References").attr("CheckMethod", SM3.to_string());
    let b64 = base64::engine::general_purpose::STANDARD;
    for e in after.entries() {
        if e.name == list_path {
            continue;
        }
        xml.open("Reference")
            .attr("FileRef", format!("/{}", e.name))
            .leaf("CheckValue", &b64.encode(sm3(&e.data)))
            .close();
    }
    xml.close(); // References
    xml.open("StampAnnot")
        .attr("ID", next_id)
        .attr("PageRef", &page_id)
        .attr("Boundary", nums(&boundary))
        .close();
    xml.open("Seal")
        .leaf("BaseLoc", &format!("/{seal_path}"))
        .close();
    xml.close(); // SignedInfo
    xml.leaf("SignedValue", &format!("/{value_path}"));
    let signature_xml = xml.finish();

    // SignedValue.dat.
    let tbs = TbsSign {
        version: 4,
        eseal: Any::from_der(&seal.der)?,
        time_info: generalized_time(options.time)?,
        data_hash: BitString::from_bytes(&sm3(&signature_xml))?,
        property_info: ia5(&format!("/{signature_path}"))?,
        ext_datas: None,
    };
    let tbs_der = tbs.to_der()?;
    let value = signer.sign(&tbs_der)?;
    let time_stamp = match &options.tsa {
        Some(url) => Some(BitString::from_bytes(
            &jixiao_sign::tsp::request_token(url, &value, true).map_err(SealError::Timestamp)?,
        )?),
        None => None,
    };
    let signed = SesSignature {
        to_sign: Any::from_der(&tbs_der)?,
        cert: OctetString::new(signer_der)?,
        signature_alg_id: SM2_WITH_SM3,
        signature: BitString::from_bytes(&value)?,
        time_stamp,
    };
    let mut entries = after.into_entries();
    entries.push(Entry {
        name: signature_path,
        data: signature_xml,
    });
    entries.push(Entry {
        name: value_path,
        data: signed.to_der()?,
    });
    let beijing = options.time.with_timezone(
        &FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("valid offset")),
    );
    use chrono::Datelike;
    let time = DosTime::midnight(beijing.year(), beijing.month(), beijing.day());
    Ok(zip::write(&entries, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signatures_entry_goes_at_the_end_of_doc_body_with_its_prefix() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;
        let out =
            String::from_utf8(with_signatures_entry(xml, SIGNATURES).expect("ok")).expect("utf-8");
        assert!(out.contains("<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody>"), "{out}");
        // Idempotent.
        assert_eq!(
            with_signatures_entry(out.as_bytes(), SIGNATURES).expect("ok"),
            out.as_bytes()
        );
        let bare = br#"<OFD xmlns="http://www.ofdspec.org/2016"><DocBody><DocRoot>a.xml</DocRoot></DocBody></OFD>"#;
        let out =
            String::from_utf8(with_signatures_entry(bare, "s.xml").expect("ok")).expect("utf-8");
        assert!(
            out.contains("<DocRoot>a.xml</DocRoot><Signatures>s.xml</Signatures></DocBody>"),
            "{out}"
        );
    }

    #[test]
    fn deltas_expand() {
        assert_eq!(expand_deltas("g 3 1.5 2"), vec![1.5, 1.5, 1.5, 2.0]);
        assert_eq!(expand_deltas(""), Vec::<f64>::new());
    }

    #[test]
    fn signature_times_are_beijing_time() {
        let t = DateTime::parse_from_rfc3339("2025-01-20T00:30:00Z")
            .expect("t")
            .with_timezone(&Utc);
        assert_eq!(signature_date_time(t), "2025-01-20 08:30:00");
    }
}
