//! `jixiao verify FORM.ofd`: is this OFD exactly what its attached declaration renders
//! to, and are its seals intact?
//!
//! The attached declaration is taken out, checked and rendered again as an OFD (same
//! template, fonts and version); every part of the package must be byte-identical to the
//! reproduction's. A sealed package differs from the reproduction only by its seals: the
//! `Signatures` entry in `OFD.xml` and the seal parts, which are checked on their own
//! ([`jixiao_ofd::seal::verify`]). A part that differs is named — a page by its number.

use std::time::SystemTime;

use super::verify::to_reproduce;
use super::Verdict;
use jixiao_core::check::{check, DeclarationSource, Lang};
use jixiao_core::date::Date;
use jixiao_core::diag::Diagnostic;
use jixiao_core::hash::sha256_hex;
use jixiao_ofd::read::{self, Package};
use jixiao_ofd::seal::{verify_seals, SealReport};
use jixiao_ofd::{is_ofd, meta};
use jixiao_render::render::Renderer;
use jixiao_sign::Certificate;

/// How a part of the package differs from the reproduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartChange {
    /// The part is in both, with different bytes.
    Changed,
    /// The reproduction has the part, the file does not.
    Missing,
    /// The file has a part the reproduction does not (and no seal accounts for).
    Extra,
}

/// One part that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartDiff {
    /// The part's path in the package.
    pub path: String,
    /// The page (from 1) when the part is a page's content.
    pub page: Option<usize>,
    /// How it differs.
    pub change: PartChange,
}

/// What `verify` found in an OFD.
#[derive(Debug, Clone)]
pub struct OfdVerifyReport {
    /// The verdict.
    pub verdict: Verdict,
    /// `Creator` and `CreatorVersion` of the file.
    pub creator: Option<String>,
    /// Name and SHA-256 of the attached declaration.
    pub source: Option<(String, String)>,
    /// The document date the file was rendered with.
    pub date: Option<Date>,
    /// Pages of the file and of the reproduction.
    pub pages: (usize, usize),
    /// Parts of the file and of the reproduction.
    pub parts: (usize, usize),
    /// The parts that differ.
    pub part_diffs: Vec<PartDiff>,
    /// Each seal.
    pub seals: Vec<SealReport>,
    /// Parts no seal protects (added after sealing).
    pub unprotected: Vec<String>,
    /// Why the file cannot be verified, or notes on the comparison.
    pub notes: Vec<Diagnostic>,
}

impl OfdVerifyReport {
    fn cannot(notes: Vec<Diagnostic>) -> OfdVerifyReport {
        OfdVerifyReport {
            verdict: Verdict::CannotVerify,
            creator: None,
            source: None,
            date: None,
            pages: (0, 0),
            parts: (0, 0),
            part_diffs: Vec::new(),
            seals: Vec::new(),
            unprotected: Vec::new(),
            notes,
        }
    }
}

/// The page number (from 1) of a `Content.xml` path in `pages`.
fn page_of(path: &str, pages: &[(String, String)]) -> Option<usize> {
    pages.iter().position(|(_, p)| p == path).map(|i| i + 1)
}

/// Verifies the OFD `bytes` by rendering its attached declaration again with `renderer`,
/// and checks its seals (trust against `trust` when given).
pub fn verify_ofd(
    bytes: &[u8],
    renderer: &Renderer,
    trust: &[Certificate],
    lang: Lang,
) -> OfdVerifyReport {
    if !is_ofd(bytes) {
        return OfdVerifyReport::cannot(vec![Diagnostic::error(
            "不是 OFD 文件（OFD 是 zip 包） / not an OFD file (an OFD is a zip package)",
        )]);
    }
    let package = match Package::parse(bytes) {
        Ok(p) => p,
        Err(e) => return OfdVerifyReport::cannot(vec![Diagnostic::error(e.to_string())]),
    };
    let main = match read::main_entry(&package) {
        Ok(m) => m,
        Err(e) => return OfdVerifyReport::cannot(vec![Diagnostic::error(e.to_string())]),
    };
    let mut report = OfdVerifyReport::cannot(Vec::new());
    report.creator = main.creator.clone();
    let seals = verify_seals(&package, trust, SystemTime::now());
    report.unprotected.clone_from(&seals.unprotected);
    report.seals.clone_from(&seals.reports);
    let file_doc = read::document(&package, &main.doc_root).unwrap_or_default();
    report.parts.0 = package.entries().len();
    report.pages.0 = file_doc.pages.len();

    let source = match read::source_attachment(&package) {
        Ok(Some(s)) => s,
        Ok(None) => {
            report.notes.push(
                Diagnostic::error("OFD 中没有附带申报源文件 / the OFD carries no attached source declaration")
                    .with_help("只有用 jixiao render --format ofd 生成的 OFD 可以核验 / only OFDs made by jixiao render --format ofd can be verified"),
            );
            return report;
        }
        Err(e) => {
            report.notes.push(Diagnostic::error(e.to_string()));
            return report;
        }
    };
    let (name, source_bytes) = source;
    let sha = sha256_hex(&source_bytes);
    if let Some(recorded) = main.custom.get(meta::SOURCE_SHA256) {
        if recorded != &sha {
            report.notes.push(Diagnostic::error(format!(
                "附带的申报文件与 OFD.xml 记录的 SHA-256 不符：附件在生成后被改动 / the attached declaration does not match the SHA-256 recorded in OFD.xml: it was changed after rendering ({recorded} → {sha})"
            )));
        }
    }
    report.source = Some((name.clone(), sha));
    let checked = check(
        DeclarationSource::from_bytes(format!("{name} (附件 / attachment)"), source_bytes.clone()),
        renderer.kinds(),
        renderer.fonts(),
    );
    let Some(decl) = to_reproduce(&checked, lang, &mut report.notes) else {
        return report;
    };
    let date = decl.document_date().or_else(|| {
        main.creation_date
            .as_deref()
            .and_then(|d| Date::parse(d).ok())
    });
    report.date = date;
    let meta = jixiao_ofd::meta_of(renderer, &decl, &source_bytes, date);
    let reproduced = match jixiao_ofd::render(renderer, &decl, &meta) {
        Ok(r) => r,
        Err(e) => {
            report.notes.push(Diagnostic::error(
                "附带的申报文件无法重新生成 OFD / the attached declaration cannot be rendered again",
            ));
            report.notes.extend(e.diagnostics());
            return report;
        }
    };
    let expected = match Package::parse(&reproduced.ofd) {
        Ok(p) => p,
        Err(e) => {
            report.notes.push(Diagnostic::error(e.to_string()));
            return report;
        }
    };
    let expected_doc = read::document(&expected, jixiao_ofd::DOC_ROOT).unwrap_or_default();
    report.pages.1 = reproduced.pages;
    report.parts.1 = expected.entries().len();
    let creator = format!("{} {}", meta.creator.0, meta.creator.1);
    if report.creator.as_deref() != Some(creator.as_str()) {
        report.notes.push(Diagnostic::warning(format!(
            "此文件由 {} 生成，当前为 {creator}：逐字节一致需用同一版本 / made by {}, this is {creator}: byte-identical reproduction needs the same version",
            report.creator.as_deref().unwrap_or("?"),
            report.creator.as_deref().unwrap_or("?"),
        )));
    }

    for part in expected.entries() {
        let want = if part.name == "OFD.xml" {
            match &main.signatures {
                Some(list) => jixiao_ofd::seal::apply::with_signatures_entry(&part.data, list)
                    .unwrap_or_else(|_| part.data.clone()),
                None => part.data.clone(),
            }
        } else {
            part.data.clone()
        };
        let page = page_of(&part.name, &expected_doc.pages);
        match package.get(&part.name) {
            None => report.part_diffs.push(PartDiff {
                path: part.name.clone(),
                page,
                change: PartChange::Missing,
            }),
            Some(have) if have != want.as_slice() => report.part_diffs.push(PartDiff {
                path: part.name.clone(),
                page,
                change: PartChange::Changed,
            }),
            Some(_) => {}
        }
    }
    for part in package.entries() {
        if expected.get(&part.name).is_none() && !seals.seal_parts.contains(&part.name) {
            report.part_diffs.push(PartDiff {
                path: part.name.clone(),
                page: page_of(&part.name, &file_doc.pages),
                change: PartChange::Extra,
            });
        }
    }
    let sealed = main.signatures.is_some();
    let container_identical = sealed || bytes == reproduced.ofd.as_slice();
    if report.part_diffs.is_empty() && !container_identical {
        report.notes.push(Diagnostic::error(
            "各部件与重新生成的一致，但 zip 容器的字节不同（顺序、压缩或时间戳） / every part matches, but the zip container's bytes differ (order, compression or timestamps)",
        ));
    }
    let mut seals_ok = true;
    for seal in &report.seals {
        if !seal.valid() {
            seals_ok = false;
            report.notes.push(Diagnostic::error(format!(
                "电子签章 {} 无效 / the seal {} is not valid: {}",
                seal.id,
                seal.id,
                seal.reasons().join("; ")
            )));
        }
    }
    if !report.unprotected.is_empty() && sealed {
        report.notes.push(Diagnostic::error(format!(
            "签章后加入了未受保护的部件 / parts were added after sealing that no seal protects: {}",
            report.unprotected.join(", ")
        )));
    }
    let unprotected_ok = !sealed || report.unprotected.is_empty();
    report.verdict =
        if report.part_diffs.is_empty() && container_identical && seals_ok && unprotected_ok {
            Verdict::Reproduced
        } else {
            Verdict::Differs
        };
    report
}
