//! `jixiao verify` and `jixiao extract`: checking an archival PDF against its attached
//! declaration, and taking the declaration out.

use std::io::IsTerminal;
use std::process::ExitCode;

use jixiao_archive::inspect::PdfFile;
use jixiao_archive::{verify_with, SignatureCheck, Verdict, VerifyReport};
use jixiao_core::diag::render_all;
use jixiao_core::output::write_atomic;
use jixiao_core::Diagnostic;
use jixiao_sign::SignatureReport;

use super::args::{ExtractArgs, Format, VerifyArgs};
use super::common::{read_pdf, renderer, Failure};

/// Runs `jixiao verify`; the exit code carries the verdict (0, 1, 2).
pub(crate) fn run(args: VerifyArgs) -> ExitCode {
    if let Ok(bytes) = std::fs::read(&args.input) {
        if jixiao_ofd::is_ofd(&bytes) {
            return super::ofd::verify(&args, &bytes);
        }
    }
    let outcome = (|| {
        let pdf = read_pdf(&args.input)?;
        let renderer = renderer(&args.layout)?;
        let mut anchors = Vec::new();
        for path in &args.trust {
            anchors.extend(
                jixiao_sign::load::certificates_from_file(path)
                    .map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?,
            );
        }
        let check = SignatureCheck {
            at: validation_time(args.at.as_deref())?,
            online: args.online,
        };
        Ok::<_, Failure>(verify_with(
            &pdf,
            &renderer,
            &anchors,
            crate::out::lang(),
            &check,
        ))
    })();
    let report = match outcome {
        Ok(r) => r,
        Err(failure) => {
            failure.print();
            return ExitCode::from(Verdict::CannotVerify.exit_code());
        }
    };
    match args.format {
        Format::Text => print_text(&args.input.display().to_string(), &report),
        Format::Json => print_json(&args.input.display().to_string(), &report),
    }
    ExitCode::from(report.verdict.exit_code())
}

/// `--at`: RFC 3339, a date (midnight UTC), or Unix seconds; now when not given.
pub(crate) fn validation_time(at: Option<&str>) -> Result<std::time::SystemTime, Failure> {
    let Some(text) = at else {
        return Ok(std::time::SystemTime::now());
    };
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&chrono::Utc).into());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc().into());
        }
    }
    if let Ok(secs) = text.parse::<i64>() {
        if let Some(t) = chrono::DateTime::from_timestamp(secs, 0) {
            return Ok(t.into());
        }
    }
    Err(Failure::from(Diagnostic::error(jixiao_core::text!(
        "--at 的时间 {text:?} 无法识别，应为 RFC 3339（2036-01-01T00:00:00Z）、日期（2036-01-01）或 Unix 秒",
        "cannot read the --at time {text:?}: use RFC 3339 (2036-01-01T00:00:00Z), a date (2036-01-01) or Unix seconds"
    ))))
}

fn print_text(path: &str, r: &VerifyReport) {
    let mut out = String::new();
    out.push_str(&format!("核验 / verify: {path}\n"));
    let claim = r
        .pdfa
        .as_ref()
        .map_or("无 / none".to_owned(), ToString::to_string);
    let checks = if r.pdfa_problems.is_empty() {
        "jixiao 的 PDF/A 检查通过 / jixiao's PDF/A checks pass".to_owned()
    } else {
        format!("{} 个问题 / problems", r.pdfa_problems.len())
    };
    out.push_str(&format!("  PDF/A 声明 / claim: {claim}（{checks}）\n"));
    for p in &r.pdfa_problems {
        out.push_str(&format!("    - {p}\n"));
    }
    if let Some(creator) = &r.creator {
        out.push_str(&format!("  生成者 / creator: {creator}\n"));
    }
    if let Some((name, sha)) = &r.source {
        out.push_str(&format!(
            "  附带申报文件 / attached declaration: {name}（SHA-256 {sha}）\n"
        ));
    }
    if let Some(date) = &r.date {
        out.push_str(&format!("  文档日期 / document date: {date}\n"));
    }
    if r.verdict != Verdict::CannotVerify {
        out.push_str(&format!(
            "  页数 / pages: {}（重新生成 / reproduced: {}）\n",
            r.pages.0, r.pages.1
        ));
        out.push_str(&format!(
            "  字节 / bytes: {}（重新生成 / reproduced: {}）\n",
            r.bytes.0, r.bytes.1
        ));
    }
    if r.later_revisions > 0 {
        out.push_str(&format!(
            "  其后的增量更新 / later incremental updates: {}\n",
            r.later_revisions
        ));
    }
    if r.signatures.is_empty() {
        out.push_str("  数字签名 / signatures: 无 / none\n");
    }
    for signature in &r.signatures {
        out.push_str(&format!(
            "  {}\n",
            signature.to_string().trim_end().replace('\n', "\n  ")
        ));
    }
    let verdict = match r.verdict {
        Verdict::Reproduced => "一致：与附带申报文件重新生成的 PDF 逐字节相同 / reproduced exactly: byte-identical to what its source renders to",
        Verdict::Differs if r.content_reproduced => "未通过：内容与附带申报文件重新生成的 PDF 逐字节相同，但签名或生成后追加的内容未通过核验（见上） / not verified: the content is byte-identical to what its source renders to, but a signature or what was added after rendering does not verify (above)",
        Verdict::Differs => "不一致：与附带申报文件重新生成的 PDF 不同 / differs from what its source renders to",
        Verdict::CannotVerify => "无法核验 / cannot verify",
    };
    out.push_str(&format!("结论 / verdict: {verdict}\n"));
    for d in &r.page_diffs {
        let mut what = Vec::new();
        if d.missing {
            what.push("只在一方存在 / exists in only one of the two".to_owned());
        }
        if d.text_differs {
            what.push("文字不同 / text differs".to_owned());
        }
        if d.pixels_differ > 0 {
            what.push(format!(
                "外观不同（{} 像素） / looks different ({} pixels)",
                d.pixels_differ, d.pixels_differ
            ));
        }
        out.push_str(&format!(
            "  第 {} 页 / page {}: {}\n",
            d.page,
            d.page,
            what.join("; ")
        ));
    }
    out!("{out}");
    if !r.notes.is_empty() {
        errln!(
            "{}",
            render_all(
                &r.notes,
                std::io::stderr().is_terminal(),
                crate::out::lang()
            )
        );
    }
}

fn print_json(path: &str, r: &VerifyReport) {
    let value = serde_json::json!({
        "file": path,
        "verdict": r.verdict,
        "content_reproduced": r.content_reproduced,
        "pdfa": r.pdfa.as_ref().map(ToString::to_string),
        "pdfa_problems": r.pdfa_problems,
        "creator": r.creator,
        "source": r.source.as_ref().map(|(name, sha)| serde_json::json!({"name": name, "sha256": sha})),
        "date": r.date.map(|d| d.iso()),
        "pages": r.pages.0,
        "reproduced_pages": r.pages.1,
        "later_revisions": r.later_revisions,
        "differing_pages": r.page_diffs.iter().map(|d| serde_json::json!({
            "page": d.page,
            "missing": d.missing,
            "text_differs": d.text_differs,
            "pixels_differ": d.pixels_differ,
        })).collect::<Vec<_>>(),
        // Each signature as the library reports it (trust at the claimed signing time
        // and now, revocation not checked).
        "signatures": r.signatures.iter().map(SignatureReport::to_json).collect::<Vec<_>>(),
        "notes": r.notes.iter().map(|n| n.render(false, crate::out::lang())).collect::<Vec<_>>(),
    });
    outln!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

/// Runs `jixiao extract`.
pub(crate) fn extract(args: ExtractArgs) -> Result<(), Failure> {
    let pdf = read_pdf(&args.input)?;
    if jixiao_ofd::is_ofd(&pdf) {
        return super::ofd::extract(args, &pdf);
    }
    let file = PdfFile::parse(&pdf).map_err(|e| Diagnostic::error(e.to_string()))?;
    let source = file.source_attachment().ok_or_else(|| {
        Diagnostic::error(format!(
            "{} 中没有附带申报源文件 / the PDF carries no attached source declaration",
            args.input.display()
        ))
        .with_help("只有用 jixiao render --archive 生成的归档 PDF 带有申报文件 / only archival PDFs carry one")
    })?;
    // The attachment's own extension: `.toml`, or the spreadsheet's (`.xlsx`).
    let extension = std::path::Path::new(&source.name)
        .extension()
        .map_or_else(|| "toml".to_owned(), |e| e.to_string_lossy().into_owned());
    let output = args
        .output
        .unwrap_or_else(|| args.input.with_extension(extension));
    if output.as_os_str() == "-" {
        super::out::stdout_bytes(&source.bytes);
        return Ok(());
    }
    if output.exists() && !args.force {
        return Err(Diagnostic::error(format!(
            "{} 已存在，未覆盖 / already exists, not overwritten",
            output.display()
        ))
        .with_help("用 -o 指定其他路径，或加 --force 覆盖 / choose another path with -o, or overwrite with --force")
        .into());
    }
    write_atomic(&output, &source.bytes).map_err(|e| {
        Diagnostic::error(format!("无法写入 {} / cannot write: {e}", output.display()))
    })?;
    errln!(
        "已取出 / wrote {}（{}，{} 字节 / bytes）",
        output.display(),
        source.name,
        source.bytes.len()
    );
    Ok(())
}
