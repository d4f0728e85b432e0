//! `jixiao renew`: a new document timestamp (and the DSS data of the one before) on
//! archival PDFs, in place — one file, a store's directory, a batch's output.

use std::path::{Path, PathBuf};

use jixiao_core::output::write_atomic;
use jixiao_core::text;
use jixiao_core::words::Localized;
use jixiao_core::Diagnostic;

use super::args::RenewArgs;
use super::common::Failure;
use super::sign::ltv_sources;

/// Renews every input; a file that fails is reported and the others go on.
pub(crate) fn run(args: RenewArgs) -> Result<(), Failure> {
    if args.ltv.tsa.is_none() {
        return Err(Failure::from(
            Diagnostic::error(text!(
                "续期需要时间戳服务",
                "renewal needs a timestamp service"
            ))
            .with_help(text!(
                "用 --tsa http://… 给出",
                "give it with --tsa http://…"
            )),
        ));
    }
    let sources = ltv_sources(&args.ltv)?;
    let files = pdfs(&args.inputs)?;
    if args.output.is_some() && (files.len() != 1 || args.inputs.iter().any(|p| p.is_dir())) {
        return Err(Failure::from(Diagnostic::error(text!(
            "-o 只能用于一个 PDF",
            "-o needs exactly one input PDF"
        ))));
    }
    let mut failures = Vec::new();
    for file in &files {
        let out = args.output.clone().unwrap_or_else(|| file.clone());
        let result = std::fs::read(file)
            .map_err(|e| text!("无法读取：{e}", "cannot read: {e}"))
            .and_then(|pdf| jixiao_sign::renew(&pdf, &sources).map_err(|e| e.text()))
            .and_then(|renewed| {
                write_atomic(&out, &renewed)
                    .map_err(|e| text!("无法写入：{e}", "cannot write: {e}"))
            });
        match result {
            Ok(()) => errln!("已续期 / renewed: {}", out.display()),
            Err(t) => failures.push(Diagnostic::error(t.after(
                &jixiao_core::words::Text::untranslated(file.display().to_string()),
            ))),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure(failures))
    }
}

/// The PDFs named, directories searched recursively (sorted).
fn pdfs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(input)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && is_pdf(e.path()))
                .map(|e| e.into_path())
                .collect();
            found.sort();
            out.extend(found);
        } else if input.is_file() {
            out.push(input.clone());
        } else {
            return Err(Failure::from(Diagnostic::error(text!(
                "找不到 {}",
                "{} does not exist",
                input.display()
            ))));
        }
    }
    Ok(out)
}

fn is_pdf(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}
