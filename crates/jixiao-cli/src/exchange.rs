//! `jixiao import` and `jixiao export`: spreadsheets in and out.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use jixiao_core::check::{check, DeclarationSource, Lang};
use jixiao_core::diag::render_all;
use jixiao_core::output::write_atomic;
use jixiao_core::Diagnostic;
use jixiao_sheet::import::{import_bytes, Imported, Note, Options};

use super::args::{Cli, ExportArgs, ImportArgs};
use super::common::{load_checked, print_warnings, renderer, Failure};

/// Runs `jixiao import`: every input, every form sheet; fails if any could not be
/// imported or has errors.
pub(crate) fn import(args: ImportArgs) -> Result<(), Failure> {
    if args.output.is_some() && args.inputs.len() > 1 {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "-o/--output 只能用于单个输入文件；多个输入请用 --out-dir / -o takes a single input file; for several use --out-dir",
            )
            .exit();
    }
    let renderer = renderer(&args.layout)?;
    let options = Options {
        kind: args.kind.clone(),
        year: args.year,
        sheets: args.sheets.clone(),
    };
    let styled = std::io::stderr().is_terminal();
    let lang = crate::out::lang();
    let mut failed = 0;
    for input in &args.inputs {
        let shown = input.display().to_string();
        let bytes = match jixiao_sheet::input::read_limited(input) {
            Ok(b) => b,
            Err(e) => {
                errln!(
                    "{}",
                    Diagnostic::error(format!("无法读取 {shown} / cannot read the file: {e}"))
                        .render(styled, crate::out::lang())
                );
                failed += 1;
                continue;
            }
        };
        let import = match import_bytes(&shown, &bytes, renderer.kinds(), &options) {
            Ok(i) => i,
            Err(e) => {
                errln!(
                    "{}",
                    Diagnostic::error(e.to_string()).render(styled, crate::out::lang())
                );
                failed += 1;
                continue;
            }
        };
        print_notes(&import.skipped, styled);
        // A form sheet that could not be imported fails alone: the others are written.
        for e in &import.failed {
            errln!("{}", Diagnostic::error(e.to_string()).render(styled, lang));
            failed += 1;
        }
        let several = import.forms.len() > 1;
        if several && args.output.is_some() {
            errln!(
                "{}",
                Diagnostic::error(format!(
                    "{shown} 有 {} 个表单，-o 只能写一个；请用 --out-dir / {shown} holds {} forms, -o writes one: use --out-dir",
                    import.forms.len(),
                    import.forms.len()
                ))
                .render(styled, crate::out::lang())
            );
            failed += 1;
            continue;
        }
        // Every output is decided, and refused if it exists, before anything is written.
        let outputs: Vec<Option<PathBuf>> = import
            .forms
            .iter()
            .map(|f| output_for(input, f, several, &args))
            .collect();
        if let Some(existing) = outputs.iter().flatten().find(|p| p.exists() && !args.force) {
            errln!(
                "{}",
                Diagnostic::error(format!(
                    "{} 已存在，未覆盖（加 --force 覆盖） / {} exists and was not overwritten (use --force)",
                    existing.display(),
                    existing.display()
                ))
                .render(styled, crate::out::lang())
            );
            failed += 1;
            continue;
        }
        for (form, output) in import.forms.iter().zip(&outputs) {
            let toml = form.to_toml();
            let target = output
                .as_ref()
                .map_or_else(|| "<stdout>".to_owned(), |p| p.display().to_string());
            print_notes(&form.notes, styled);
            let report = check(
                DeclarationSource::from_bytes(target.clone(), toml.clone().into_bytes()),
                renderer.kinds(),
                renderer.fonts(),
            );
            let diagnostics = report.diagnostics(args.report.deny_warnings);
            if !diagnostics.is_empty() {
                errln!("{}", render_all(&diagnostics, styled, crate::out::lang()));
            }
            if !report.passes(args.report.deny_warnings) {
                failed += 1;
            }
            let written = match output {
                None => {
                    super::out::stdout_bytes(toml.as_bytes());
                    Ok(())
                }
                Some(path) => path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| write_atomic(path, toml.as_bytes()))
                    .map_err(|e| e.to_string()),
            };
            match written {
                Ok(()) => errln!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "已导入 / imported {shown}（{}）→ {target}（表样 {}，{} 条说明）",
                            form.sheet,
                            form.declaration.kind().name(),
                            form.notes.len()
                        ),
                        Lang::En => format!(
                            "imported {shown} ({}) → {target} (kind {}, {} note(s))",
                            form.sheet,
                            form.declaration.kind().name(),
                            form.notes.len()
                        ),
                    }
                ),
                Err(e) => {
                    errln!(
                        "{}",
                        Diagnostic::error(format!("无法写入 {target} / cannot write: {e}"))
                            .render(styled, crate::out::lang())
                    );
                    failed += 1;
                }
            }
        }
    }
    if failed > 0 {
        Err(Failure(Vec::new()))
    } else {
        Ok(())
    }
}

/// Prints what an import reports, one warning a note.
fn print_notes(notes: &[Note], styled: bool) {
    let diagnostics: Vec<Diagnostic> = notes
        .iter()
        .map(|n| Diagnostic::warning(format!("导入 / import: {n}")))
        .collect();
    if !diagnostics.is_empty() {
        errln!("{}", render_all(&diagnostics, styled, crate::out::lang()));
    }
}

/// Where one imported form goes: `-o`, or `FILE.toml` / `FILE-SHEET.toml` next to the
/// input or under `--out-dir`; `None` for standard output.
fn output_for(input: &Path, form: &Imported, several: bool, args: &ImportArgs) -> Option<PathBuf> {
    if let Some(o) = &args.output {
        return (o.as_os_str() != "-").then(|| o.clone());
    }
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".to_owned());
    let name = if several {
        jixiao_core::filename::with_extension(&format!("{stem}-{}", form.sheet), ".toml")
    } else {
        jixiao_core::filename::with_extension(&stem, ".toml")
    };
    Some(match &args.out_dir {
        Some(dir) => dir.join(name),
        None => input.with_file_name(name),
    })
}

/// Runs `jixiao export`: checks the declaration, then writes its form as xlsx.
pub(crate) fn export(args: ExportArgs) -> Result<(), Failure> {
    let renderer = renderer(&args.layout)?;
    let checked = load_checked(&args.input, &renderer, &args.report)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.input.with_extension("xlsx"));
    let shown = output.display().to_string();
    let exported = jixiao_sheet::export::to_xlsx(&checked.declaration, &shown)
        .map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?;
    let notes: Vec<Diagnostic> = exported
        .notes
        .iter()
        .map(|n| Diagnostic::warning(n.as_str()))
        .collect();
    print_warnings(&notes);
    write_atomic(&output, &exported.bytes).map_err(|e| {
        Diagnostic::error(format!("无法写入 {shown} / cannot write the workbook: {e}"))
    })?;
    errln!(
        "已导出 / wrote {shown}（{} 字节 / bytes）",
        exported.bytes.len()
    );
    Ok(())
}
