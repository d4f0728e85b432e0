//! `jixiao manifest merge`: one manifest from the manifests of a batch's slices.

use jixiao_batch::manifest;
use jixiao_batch::merge::merge;
use jixiao_core::Diagnostic;

use super::args::{ManifestCommand, MergeArgs};
use super::common::Failure;

/// Runs a `jixiao manifest` subcommand.
pub(crate) fn run(command: ManifestCommand) -> Result<(), Failure> {
    match command {
        ManifestCommand::Merge(args) => run_merge(args),
    }
}

fn run_merge(args: MergeArgs) -> Result<(), Failure> {
    if manifest::ManifestFormat::of(&args.output).is_none() {
        return Err(Diagnostic::error(format!(
            "清单文件 {} 的扩展名应为 .csv 或 .json / the manifest must end in .csv or .json",
            args.output.display()
        ))
        .into());
    }
    let mut pieces = Vec::with_capacity(args.inputs.len());
    let mut problems = Vec::new();
    for path in &args.inputs {
        match manifest::read(path) {
            Ok(entries) => pieces.push((path.clone(), entries)),
            Err(e) => problems.push(Diagnostic::error(e)),
        }
    }
    if !problems.is_empty() {
        return Err(Failure(problems));
    }
    let merged =
        merge(&pieces).map_err(|e| Failure(e.0.into_iter().map(Diagnostic::error).collect()))?;
    manifest::write(&args.output, &merged).map_err(Diagnostic::error)?;
    let rendered = merged
        .iter()
        .filter(|e| e.status == manifest::Status::Rendered)
        .count();
    errln!(
        "已合并 / merged {} 个清单 / manifests: {} 个输入 / inputs, {rendered} 已生成 / rendered, {} 失败 / failed → {}",
        pieces.len(),
        merged.len(),
        merged.len() - rendered,
        args.output.display()
    );
    Ok(())
}
