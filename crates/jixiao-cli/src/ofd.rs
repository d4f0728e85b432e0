//! `jixiao verify FORM.ofd` and `jixiao extract FORM.ofd`: the OFD side of the archive
//! commands (the PDF side is `verify.rs`).

use std::io::IsTerminal;
use std::process::ExitCode;

use jixiao_archive::ofd::{verify_ofd, OfdVerifyReport, PartChange};
use jixiao_archive::Verdict;
use jixiao_core::diag::render_all;
use jixiao_core::output::write_atomic;
use jixiao_core::Diagnostic;
use jixiao_ofd::read;
use jixiao_sign::Trust;

use super::args::{ExtractArgs, Format, VerifyArgs};
use super::common::{renderer, Failure};

/// Runs `jixiao verify` on an OFD whose bytes are `ofd`; the exit code is the verdict.
pub(crate) fn verify(args: &VerifyArgs, ofd: &[u8]) -> ExitCode {
    let outcome = (|| {
        let renderer = renderer(&args.layout)?;
        let mut anchors = Vec::new();
        for path in &args.trust {
            anchors.extend(
                jixiao_sign::load::certificates_from_file(path)
                    .map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?,
            );
        }
        Ok::<_, Failure>(verify_ofd(ofd, &renderer, &anchors, crate::out::lang()))
    })();
    let report = match outcome {
        Ok(r) => r,
        Err(failure) => {
            failure.print();
            return ExitCode::from(Verdict::CannotVerify.exit_code());
        }
    };
    let path = args.input.display().to_string();
    match args.format {
        Format::Text => print_text(&path, &report),
        Format::Json => print_json(&path, &report),
    }
    ExitCode::from(report.verdict.exit_code())
}

fn trust_text(trust: &Option<Trust>) -> String {
    match trust {
        None => "未判断（未给出 --trust） / not judged (no --trust)".into(),
        Some(Trust::Trusted { anchor }) => {
            format!("可信，链到 {anchor} / trusted, chains to {anchor}")
        }
        Some(Trust::Untrusted { reason }) => format!("不可信 / untrusted: {reason}"),
        Some(_) => "?".into(),
    }
}

fn yes_no(ok: bool) -> &'static str {
    if ok {
        "正确 / ok"
    } else {
        "错误 / FAILED"
    }
}

fn print_text(path: &str, r: &OfdVerifyReport) {
    let mut out = String::new();
    out.push_str(&format!("核验 / verify: {path}\n"));
    out.push_str("  格式 / format: OFD（GB/T 33190）\n");
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
            "  部件 / parts: {}（重新生成 / reproduced: {}）\n",
            r.parts.0, r.parts.1
        ));
    }
    if r.seals.is_empty() {
        out.push_str("  电子签章 / seals: 无 / none\n");
    }
    for s in &r.seals {
        out.push_str(&format!(
            "  电子签章 / seal {}（{}）: {}\n",
            s.id,
            s.path,
            if s.valid() {
                "有效 / valid"
            } else {
                "无效 / NOT VALID"
            }
        ));
        if let Some(name) = &s.seal_name {
            out.push_str(&format!("    印章 / seal: {name}\n"));
        }
        if let Some(signer) = &s.signer {
            out.push_str(&format!("    签章人 / signer: {signer}\n"));
        }
        if let Some(maker) = &s.maker {
            out.push_str(&format!("    制章者 / seal maker: {maker}\n"));
        }
        if let Some(time) = &s.time {
            out.push_str(&format!(
                "    签章时间 / signing time: {}\n",
                time.to_rfc3339()
            ));
        }
        if let Some(t) = &s.timestamp {
            let state = if t.problems.is_empty() {
                "时间戳完好，盖在签章值上 / intact, over the signature value".to_string()
            } else {
                t.problems.join("; ")
            };
            out.push_str(&format!(
                "    时间戳 / timestamp: {}，{}，{}（{state}）\n",
                t.time.to_rfc3339(),
                t.tsa,
                t.algorithm
            ));
        }
        if let Some(page) = s.page {
            out.push_str(&format!(
                "    位置 / placed on: 第 {page} 页 / page {page}\n"
            ));
        }
        out.push_str(&format!(
            "    受保护部件 / protected parts: {}（改动 / changed: {}，缺失 / missing: {}）\n",
            s.protected,
            s.changed.len(),
            s.missing.len()
        ));
        out.push_str(&format!(
            "    dataHash（SM3）: {}\n",
            yes_no(s.data_hash_ok)
        ));
        out.push_str(&format!(
            "    签章人签名 / signer's SM2 signature: {}\n",
            yes_no(s.signature_ok)
        ));
        out.push_str(&format!(
            "    制章签名 / seal maker's SM2 signature: {}\n",
            yes_no(s.seal_ok)
        ));
        out.push_str(&format!(
            "    印章列出签章人证书 / seal lists the signer: {}\n",
            yes_no(s.signer_listed)
        ));
        out.push_str(&format!(
            "    有效期 / validity: {}\n",
            if s.validity.is_empty() {
                "正确 / ok".to_owned()
            } else {
                s.validity.join("; ")
            }
        ));
        out.push_str(&format!(
            "    签章人证书 / signer certificate: {}\n",
            trust_text(&s.signer_trust)
        ));
        out.push_str(&format!(
            "    制章者证书 / seal maker certificate: {}\n",
            trust_text(&s.maker_trust)
        ));
    }
    let verdict = match r.verdict {
        Verdict::Reproduced => "一致：与附带申报文件重新生成的 OFD 相同 / reproduced exactly: identical to what its source renders to",
        Verdict::Differs => "不一致 / differs from what its source renders to, or a seal is not valid",
        Verdict::CannotVerify => "无法核验 / cannot verify",
    };
    out.push_str(&format!("结论 / verdict: {verdict}\n"));
    for d in &r.part_diffs {
        let what = match d.change {
            PartChange::Changed => "内容不同 / content differs",
            PartChange::Missing => "缺失 / missing",
            PartChange::Extra => "多出的部件 / not in the reproduction",
        };
        match d.page {
            Some(page) => out.push_str(&format!(
                "  第 {page} 页 / page {page} ({}): {what}\n",
                d.path
            )),
            None => out.push_str(&format!("  {}: {what}\n", d.path)),
        }
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

fn print_json(path: &str, r: &OfdVerifyReport) {
    let value = serde_json::json!({
        "file": path,
        "format": "ofd",
        "verdict": r.verdict,
        "creator": r.creator,
        "source": r.source.as_ref().map(|(name, sha)| serde_json::json!({"name": name, "sha256": sha})),
        "date": r.date.map(|d| d.iso()),
        "pages": r.pages.0,
        "reproduced_pages": r.pages.1,
        "parts": r.parts.0,
        "reproduced_parts": r.parts.1,
        "differing_parts": r.part_diffs.iter().map(|d| serde_json::json!({
            "path": d.path,
            "page": d.page,
            "change": d.change,
        })).collect::<Vec<_>>(),
        "seals": r.seals.iter().map(|s| serde_json::json!({
            "id": s.id,
            "path": s.path,
            "valid": s.valid(),
            "intact": s.intact(),
            "seal": s.seal_name,
            "signer": s.signer,
            "maker": s.maker,
            "signing_time": s.time.map(|t| t.to_rfc3339()),
            "timestamp": s.timestamp.as_ref().map(|t| serde_json::json!({
                "time": t.time.to_rfc3339(),
                "tsa": t.tsa,
                "algorithm": t.algorithm,
                "intact": t.problems.is_empty(),
                "problems": t.problems,
                "tsa_trusted": t.trust.as_ref().map(Trust::is_trusted),
            })),
            "page": s.page,
            "protected_parts": s.protected,
            "changed_parts": s.changed,
            "missing_parts": s.missing,
            "data_hash_ok": s.data_hash_ok,
            "signature_ok": s.signature_ok,
            "seal_ok": s.seal_ok,
            "signer_listed": s.signer_listed,
            "validity_problems": s.validity,
            "signer_trusted": s.signer_trust.as_ref().map(Trust::is_trusted),
            "maker_trusted": s.maker_trust.as_ref().map(Trust::is_trusted),
            "problems": s.reasons(),
        })).collect::<Vec<_>>(),
        "unprotected_parts": r.unprotected,
        "notes": r.notes.iter().map(|n| n.render(false, crate::out::lang())).collect::<Vec<_>>(),
    });
    outln!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

/// Runs `jixiao extract` on an OFD whose bytes are `ofd`.
pub(crate) fn extract(args: ExtractArgs, ofd: &[u8]) -> Result<(), Failure> {
    let error = |e: String| Failure::from(Diagnostic::error(e));
    let package = read::Package::parse(ofd).map_err(|e| error(e.to_string()))?;
    let (name, bytes) = read::source_attachment(&package)
        .map_err(|e| error(e.to_string()))?
        .ok_or_else(|| {
            Failure::from(
                Diagnostic::error(format!(
                    "{} 中没有附带申报源文件 / the OFD carries no attached source declaration",
                    args.input.display()
                ))
                .with_help("只有用 jixiao render --format ofd 生成的 OFD 带有申报文件 / only OFDs made by jixiao render --format ofd carry one"),
            )
        })?;
    let output = args
        .output
        .unwrap_or_else(|| args.input.with_extension("toml"));
    if output.as_os_str() == "-" {
        super::out::stdout_bytes(&bytes);
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
    write_atomic(&output, &bytes)
        .map_err(|e| error(format!("无法写入 {} / cannot write: {e}", output.display())))?;
    errln!(
        "已取出 / wrote {}（{name}，{} 字节 / bytes）",
        output.display(),
        bytes.len()
    );
    Ok(())
}
