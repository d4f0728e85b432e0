//! `jixiao check`: every problem of every declaration, at once.

use std::io::IsTerminal;

use jixiao_core::check::{check, DeclarationSource, JsonDiagnostic, Lang};
use jixiao_core::diag::render_all;
use jixiao_core::Diagnostic;

use super::args::{CheckArgs, Format};
use super::common::{renderer, Failure};

/// Checks each input and prints the diagnostics; fails if any input does not pass.
pub(crate) fn run(args: CheckArgs) -> Result<(), Failure> {
    let renderer = renderer(&args.layout)?;
    let (lang, deny) = (crate::out::lang(), args.report.deny_warnings);
    let styled = std::io::stdout().is_terminal();
    let mut json: Vec<JsonDiagnostic> = Vec::new();
    let (mut failed, mut errors, mut warnings) = (0, 0, 0);
    for input in &args.inputs {
        let report = match DeclarationSource::read(input) {
            Ok(source) => check(source, renderer.kinds(), renderer.fonts()),
            Err(e) => {
                let d = Diagnostic::error(match lang {
                    Lang::Zh => format!("无法读取 {}：{e}", input.display()),
                    Lang::En => format!("cannot read {}: {e}", input.display()),
                });
                errln!(
                    "{}",
                    d.render(std::io::stderr().is_terminal(), crate::out::lang())
                );
                failed += 1;
                continue;
            }
        };
        let (e, w) = report.counts();
        errors += e;
        warnings += w;
        if !report.passes(deny) {
            failed += 1;
        }
        match args.format {
            Format::Json => json.extend(report.json(lang, deny)),
            Format::Text => {
                let diagnostics = report.diagnostics(deny);
                if !diagnostics.is_empty() {
                    outln!("{}", render_all(&diagnostics, styled, crate::out::lang()));
                }
            }
        }
    }
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into())),
        Format::Text => outln!(
            "{}",
            match lang {
                Lang::Zh => format!("检查了 {} 个文件：{errors} 个错误，{warnings} 个警告，{failed} 个文件未通过", args.inputs.len()),
                Lang::En => format!(
                    "checked {} file(s): {errors} error(s), {warnings} warning(s), {failed} file(s) failed",
                    args.inputs.len()
                ),
            }
        ),
    }
    if failed > 0 {
        Err(Failure(Vec::new()))
    } else {
        Ok(())
    }
}
