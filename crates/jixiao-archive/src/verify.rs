//! `jixiao verify`: is this PDF exactly what its attached declaration renders to?
//!
//! The attached declaration is taken out, checked and rendered again as an archival
//! PDF (same template, fonts and version); the result must be byte-identical to the
//! rendered revision of the file. Where it is not, the pages are compared — text and
//! what a reader sees — to name the pages that differ.

use jixiao_core::hash::sha256_hex;
use jixiao_core::text;
use jixiao_core::words::Text;

use super::inspect::{PdfFile, PdfaClaim};
use super::pages::{compare, PageDiff};
use jixiao_core::check::Lang;
use jixiao_core::date::Date;
use jixiao_core::diag::Diagnostic;
use jixiao_render::render::{RenderOptions, Renderer, CREATOR};
use jixiao_sign::{verify_signatures_with, Certificate, SignatureReport};

/// The verdict of `jixiao verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The file is exactly what its source renders to.
    Reproduced,
    /// The file differs from what its source renders to.
    Differs,
    /// The file cannot be verified: not a PDF, no attached declaration, or a
    /// declaration that does not render.
    CannotVerify,
}

impl Verdict {
    /// The process exit code for this verdict: 0, 1 or 2.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Reproduced => 0,
            Verdict::Differs => 1,
            Verdict::CannotVerify => 2,
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// The verdict.
    pub verdict: Verdict,
    /// The PDF/A claim in the file's metadata.
    pub pdfa: Option<PdfaClaim>,
    /// Problems jixiao's own PDF/A checks found.
    pub pdfa_problems: Vec<String>,
    /// `/Creator` of the file (jixiao and its version).
    pub creator: Option<String>,
    /// Name and SHA-256 of the attached declaration.
    pub source: Option<(String, String)>,
    /// The document date the file was rendered with.
    pub date: Option<Date>,
    /// Pages of the file and of the reproduction.
    pub pages: (usize, usize),
    /// Bytes of the rendered revision of the file and of the reproduction.
    pub bytes: (usize, usize),
    /// Incremental updates after the rendered revision (e.g. signatures).
    pub later_revisions: usize,
    /// The pages that differ.
    pub page_diffs: Vec<PageDiff>,
    /// Each digital signature: intact or not, what it covers, signer, time, trust.
    pub signatures: Vec<SignatureReport>,
    /// Why the file cannot be verified, or notes on the comparison.
    pub notes: Vec<Diagnostic>,
    /// Whether the rendered revision is byte-identical to the reproduction (the verdict
    /// may still be [`Verdict::Differs`] for a signature that does not verify or bytes
    /// added after rendering without a signature).
    pub content_reproduced: bool,
}

/// The end of the first revision of `pdf`: just past its first `%%EOF` marker and line
/// end. Later revisions are incremental updates (e.g. a signature).
pub(crate) fn first_revision(pdf: &[u8]) -> &[u8] {
    const EOF: &[u8] = b"%%EOF";
    let Some(at) = pdf.windows(EOF.len()).position(|w| w == EOF) else {
        return pdf;
    };
    let mut end = at + EOF.len();
    while end < pdf.len() && (pdf[end] == b'\r' || pdf[end] == b'\n') && end < at + EOF.len() + 2 {
        end += 1;
    }
    &pdf[..end]
}

/// The incremental updates after the first revision.
fn later_revisions(pdf: &[u8]) -> usize {
    jixiao_sign::revisions(pdf).saturating_sub(1)
}

impl VerifyReport {
    fn cannot(notes: Vec<Diagnostic>) -> VerifyReport {
        VerifyReport {
            verdict: Verdict::CannotVerify,
            pdfa: None,
            pdfa_problems: Vec::new(),
            creator: None,
            source: None,
            date: None,
            pages: (0, 0),
            bytes: (0, 0),
            later_revisions: 0,
            page_diffs: Vec::new(),
            signatures: Vec::new(),
            notes,
            content_reproduced: false,
        }
    }
}

/// Verifies `pdf` by rendering its attached declaration again with `renderer`, and
/// checks its digital signatures against `trust` (see `signature_problems`) now,
/// offline.
pub fn verify(pdf: &[u8], renderer: &Renderer, trust: &[Certificate], lang: Lang) -> VerifyReport {
    verify_with(pdf, renderer, trust, lang, &SignatureCheck::default())
}

/// How signatures are validated: at which time, and whether revocation data is fetched.
#[derive(Debug, Clone, Copy)]
pub struct SignatureCheck {
    /// The validation time.
    pub at: std::time::SystemTime,
    /// Fetch OCSP responses and CRLs from the certificates' services.
    pub online: bool,
}

impl Default for SignatureCheck {
    fn default() -> Self {
        SignatureCheck {
            at: std::time::SystemTime::now(),
            online: false,
        }
    }
}

/// [`verify`] with the signatures validated at `check.at`, online or not.
pub fn verify_with(
    pdf: &[u8],
    renderer: &Renderer,
    trust: &[Certificate],
    lang: Lang,
    check: &SignatureCheck,
) -> VerifyReport {
    let file = match PdfFile::parse(pdf) {
        Ok(f) => f,
        Err(e) => return VerifyReport::cannot(vec![Diagnostic::error(e.to_string())]),
    };
    let mut report = VerifyReport::cannot(Vec::new());
    report.pdfa = file.pdfa_claim();
    report.pdfa_problems = file.pdfa_problems();
    report.creator = file.info("Creator");
    report.later_revisions = later_revisions(pdf);
    report.signatures =
        verify_signatures_with(pdf, trust, check.at, check.online).unwrap_or_default();
    let Some(source) = file.source_attachment() else {
        report.notes.push(
            Diagnostic::error(
                "PDF 中没有附带申报源文件（AFRelationship /Source） / the PDF carries no attached source declaration",
            )
            .with_help("只有用 jixiao render --archive 生成的归档 PDF 可以核验 / only archival PDFs (jixiao render --archive) can be verified"),
        );
        return report;
    };
    report.source = Some((source.name.clone(), sha256_hex(&source.bytes)));
    // The attachment is a declaration, or a spreadsheet that is imported again.
    let prepared = match jixiao_sheet::input::prepare(
        &format!("{} (附件 / attachment)", source.name),
        source.bytes.clone(),
        renderer.kinds(),
        renderer.fonts(),
    ) {
        Ok(p) => p,
        Err(diagnostics) => {
            report.notes.push(Diagnostic::error(
                "附带的电子表格无法导入，不能重新生成 / the attached spreadsheet cannot be imported: it cannot be rendered again",
            ));
            report.notes.extend(diagnostics);
            return report;
        }
    };
    let attachment = prepared.attachment;
    let checked = prepared.report;
    // Reproduction does not need a valid declaration, only one that parses: a source
    // altered after filing must still render, so that the pages it changes are named.
    let Some(decl) = to_reproduce(&checked, lang, &mut report.notes) else {
        return report;
    };
    let Some(date) = decl.document_date().or_else(|| file.creation_date()) else {
        report.notes.push(Diagnostic::error(
            "申报文件和 PDF 都没有文档日期 / neither the declaration nor the PDF has a document date",
        ));
        return report;
    };
    report.date = Some(date);
    let options = RenderOptions::archival(attachment.clone(), date);
    let reproduced = match renderer.render(&decl, &options) {
        Ok(r) => r,
        Err(e) => {
            report.notes.push(Diagnostic::error(
                "附带的申报文件无法重新生成 PDF / the attached declaration cannot be rendered again",
            ));
            report.notes.extend(e.diagnostics());
            return report;
        }
    };
    // The rendered revision: exactly the reproduction's length when the file starts
    // with it (later revisions are incremental updates appended to it), else up to the
    // first end-of-file marker.
    let (reproduced_pages, reproduced) = (reproduced.pages, reproduced.pdf);
    let filed = if pdf.starts_with(&reproduced) {
        &pdf[..reproduced.len()]
    } else {
        first_revision(pdf)
    };
    report.bytes = (filed.len(), reproduced.len());
    report.pages = (file.page_count(), reproduced_pages);
    if report.creator.as_deref() != Some(CREATOR) {
        report.notes.push(Diagnostic::warning(format!(
            "此文件由 {} 生成，当前为 {CREATOR}：逐字节一致需用同一版本 / made by {}, this is {CREATOR}: byte-identical reproduction needs the same version",
            report.creator.as_deref().unwrap_or("?"),
            report.creator.as_deref().unwrap_or("?"),
        )));
    }
    // What a reader sees is the whole file, later revisions included.
    report.page_diffs = compare(pdf, &reproduced);
    let identical = filed == reproduced.as_slice();
    let signature_problems = signature_problems(&report.signatures, !trust.is_empty());
    let signed_ok = !signature_problems
        .iter()
        .any(|d| d.severity == jixiao_core::diag::Severity::Error);
    report.notes.extend(signature_problems);
    let appended = pdf.len() - filed.len();
    // The last signature or document timestamp covers the file, or only a DSS,
    // timestamps or signatures were added after it.
    let covered = report
        .signatures
        .last()
        .is_some_and(|s| s.intact && (s.covers_whole_document || s.later_changes.is_empty()));
    let unsigned_appendix = appended > 0 && !covered;
    if unsigned_appendix {
        report.notes.push(Diagnostic::error(format!(
            "生成的版本之后追加了 {appended} 字节，且没有签名覆盖 / {appended} bytes were appended after the rendered revision and no signature covers them"
        )));
    }
    let only_ltv_after = report
        .signatures
        .first()
        .is_some_and(|s| s.later_changes.is_empty());
    if report.later_revisions > report.signatures.len() && !only_ltv_after {
        report.notes.push(Diagnostic::warning(format!(
            "生成后有 {} 次增量更新，其中只有 {} 次是签名 / {} incremental updates after rendering, only {} of them signatures",
            report.later_revisions,
            report.signatures.len(),
            report.later_revisions,
            report.signatures.len()
        )));
    }
    report.content_reproduced = identical && report.page_diffs.is_empty();
    report.verdict = if report.content_reproduced && signed_ok && !unsigned_appendix {
        Verdict::Reproduced
    } else {
        if report.page_diffs.is_empty() && !identical {
            report.notes.push(Diagnostic::error(
                "各页内容与重新生成的一致，但文件的其他字节（元数据、结构或附件）不同 / every page matches, but other bytes of the file (metadata, structure or attachment) differ",
            ));
        }
        Verdict::Differs
    };
    report
}

/// What is wrong with a file's signatures: one not intact; the last one not covering the
/// whole file (something was added after signing); and, when trust anchors are given,
/// one that does not chain to them.
pub(crate) fn signature_problems(
    signatures: &[SignatureReport],
    trust_given: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, s) in signatures.iter().enumerate() {
        let name = s
            .field_name
            .clone()
            .unwrap_or_else(|| format!("#{}", i + 1));
        let what = if s.is_document_timestamp() {
            text!("文档时间戳 {name}", "document timestamp {name}")
        } else {
            text!("签名 {name}", "signature {name}")
        };
        if !s.intact {
            out.push(Diagnostic::error(Text::new(
                format!(
                    "{}已损坏：签名后文件被改动（{}）",
                    what.zh,
                    s.problems.join("; ")
                ),
                format!(
                    "{} is broken: the file was changed after signing ({})",
                    what.en,
                    s.problems.join("; ")
                ),
            )));
            continue;
        }
        if trust_given && s.long_term_checked {
            for p in &s.long_term_problems {
                out.push(Diagnostic::error(p.after(&what)));
            }
            for w in &s.warnings {
                out.push(Diagnostic::warning(w.after(&what)));
            }
        } else if trust_given && !s.trust.is_trusted() {
            out.push(Diagnostic::error(if s.out_of_validity_now() {
                format!(
                    "签名 {name} 的证书现在不在有效期内 / the certificate of signature {name} is outside its validity period now ({})",
                    s.validity_summary()
                )
            } else {
                format!(
                    "签名 {name} 的证书不能链到所信任的 CA / signature {name} does not chain to a trusted CA"
                )
            }));
        }
        for c in &s.later_changes {
            out.push(Diagnostic::error(c.after(&what)));
        }
    }
    if let Some(last) = signatures.last() {
        if !last.covers_whole_document && !last.later_changes.is_empty() {
            out.push(Diagnostic::error(
                "最后一个签名之后文件又被追加了内容 / the file was extended after its last signature",
            ));
        }
    }
    out
}

/// The declaration to render again from the attachment's check: any that parses (a
/// source altered after filing must still render, so that the pages it changes are
/// named), with the checks' findings added to `notes` when it does not pass; `None`, with
/// the reason in `notes`, when it does not parse.
pub(crate) fn to_reproduce(
    checked: &jixiao_core::check::CheckReport,
    _lang: Lang,
    notes: &mut Vec<Diagnostic>,
) -> Option<jixiao_core::declaration::Declaration> {
    let Some(decl) = checked.declaration.clone() else {
        notes.push(Diagnostic::error(
            "附带的申报文件无法解析，不能重新生成 / the attached declaration cannot be parsed: it cannot be rendered again",
        ));
        notes.extend(checked.diagnostics(false));
        return None;
    };
    if !checked.passes(false) {
        notes.push(Diagnostic::warning(
            "附带的申报文件未通过检查（见下），仍按其内容重新生成并比较 / the attached declaration does not pass the checks (below); it is rendered and compared all the same",
        ));
        notes.extend(checked.diagnostics(false));
    }
    Some(decl)
}
