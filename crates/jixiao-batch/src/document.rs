//! One document, from its input to the files it is written as and its manifest entry:
//! read again (refused if its bytes changed since the plan), rendered in every format
//! asked for ([`Finishing::finish`]), each file named beside the plan's name
//! ([`output_paths`]) and written atomically, the PDF filed in the archive store. The
//! same steps for `jixiao render FILE` and for every file of a batch, in a thread or a
//! worker process.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jixiao_archive::finish::Finishing;
use jixiao_core::diag::{Diagnostic, Severity};
use jixiao_core::format::Format;
use jixiao_core::output::write_atomic;
use jixiao_core::text;
use jixiao_core::words::Lang;
use jixiao_render::render::Renderer;
use jixiao_sheet::input;

use crate::discover::Input;
use crate::event::Event;
use crate::manifest::{sha256_hex, Entry, Status, Written};
use crate::plan::Ready;

/// Where each format's file of one input goes, given the plan's path `base`: the file
/// whose format `base`'s extension names goes to `base` itself (with `exact`, as for
/// `-o`, the first format does when none does), every other beside it with its own
/// extension (`form.pdf` → `form.ofd`, `form.xlsx`).
pub fn output_paths(base: &Path, formats: &[Format], exact: bool) -> Vec<(Format, PathBuf)> {
    let named = Format::of_path(base);
    let primary = formats
        .iter()
        .copied()
        .find(|f| Some(*f) == named || (f.is_pdf() && named.is_some_and(Format::is_pdf)))
        .or_else(|| formats.first().copied().filter(|_| exact));
    formats
        .iter()
        .map(|&f| {
            let path = if Some(f) == primary {
                base.to_path_buf()
            } else {
                base.with_extension(f.extension())
            };
            (f, path)
        })
        .collect()
}

/// The codes joined as the manifest writes them.
pub(crate) fn join_codes(codes: &BTreeSet<String>) -> String {
    codes
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

/// The first error among `diagnostics` (else the first of them), in `lang`.
pub(crate) fn first_error(diagnostics: &[Diagnostic], lang: Lang) -> Option<String> {
    diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .or(diagnostics.first())
        .map(|d| d.message.get(lang).to_owned())
}

/// How a document is rendered and where it goes.
pub(crate) struct Job<'a> {
    /// The renderer.
    pub(crate) renderer: &'a Renderer,
    /// Formats, signing, the archive store.
    pub(crate) finishing: &'a Finishing,
    /// Whether the plan's path is the exact name of the first format (`-o`).
    pub(crate) exact: bool,
    /// The language of the manifest's error column.
    pub(crate) lang: Lang,
}

/// Pass 2 for one input: read again, render, write, file.
pub(crate) fn render(
    job: &Job<'_>,
    input: &Input,
    ready: &Ready,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Entry {
    let shown = input.path.display().to_string();
    let mut codes = ready.codes.clone();
    let base = Entry {
        department: Some(ready.department.clone()),
        year: Some(ready.year),
        input_sha256: Some(ready.sha.clone()),
        warnings: ready.warnings,
        ..Entry::failed(shown.clone(), String::new())
    };
    let fail = |diagnostics: Vec<Diagnostic>, code: &str, mut codes: BTreeSet<String>| {
        report(Event::Failed {
            input: &input.path,
            diagnostics: &diagnostics,
            rendering: true,
        });
        codes.insert(code.to_owned());
        Entry {
            codes: join_codes(&codes),
            error: first_error(&diagnostics, job.lang),
            ..base.clone()
        }
    };
    let bytes = match input::read_limited(&input.path) {
        Ok(bytes) if sha256_hex(&bytes) == ready.sha => bytes,
        Ok(_) => {
            let d = Diagnostic::error(text!(
                "申报文件 {shown} 在处理过程中被修改，未生成",
                "the declaration {shown} changed during the batch; not rendered"
            ));
            return fail(vec![d], "changed", codes);
        }
        Err(e) => {
            let d = Diagnostic::error(text!(
                "无法读取申报文件 {shown}：{e}",
                "cannot read the declaration {shown}: {e}"
            ));
            return fail(vec![d], "read", codes);
        }
    };
    let (declaration, attachment) = match input::declaration(&shown, bytes, job.renderer.kinds()) {
        Ok(d) => d,
        Err(diagnostics) => return fail(diagnostics, "parse", codes),
    };
    let outputs = match job
        .finishing
        .finish(job.renderer, &declaration, &attachment)
    {
        Ok(outputs) => outputs,
        Err(unfinished) => return fail(unfinished.diagnostics, unfinished.code, codes),
    };
    if !outputs.warnings.is_empty() {
        codes.insert("template".to_owned());
        if outputs
            .warnings
            .iter()
            .any(jixiao_render::render::is_unsettled)
        {
            codes.insert("unsettled".to_owned());
        }
        report(Event::Warnings {
            input: &input.path,
            diagnostics: &outputs.warnings,
        });
    }
    let formats: Vec<Format> = outputs.files.iter().map(|(f, _)| *f).collect();
    let paths = output_paths(&ready.output, &formats, job.exact);
    let mut files = Vec::new();
    for ((format, bytes), (_, path)) in outputs.files.iter().zip(&paths) {
        let written = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomic(path, bytes));
        if let Err(e) = written {
            let d = Diagnostic::error(text!(
                "无法写入 {}：{e}",
                "cannot write {}: {e}",
                path.display()
            ));
            return fail(vec![d], "write", codes);
        }
        files.push(Written {
            format: *format,
            path: path.display().to_string(),
            bytes: bytes.len(),
            sha256: sha256_hex(bytes),
        });
    }
    let filed = match outputs.pdf() {
        Some(pdf) => match job.finishing.file(&declaration, &attachment.bytes, pdf) {
            Ok(filed) => filed,
            Err(diagnostics) => return fail(diagnostics, "archive-store", codes),
        },
        None => None,
    };
    drop(declaration);
    let written: Vec<PathBuf> = paths.into_iter().map(|(_, p)| p).collect();
    report(Event::Rendered {
        input: &input.path,
        outputs: &written,
        pages: outputs.pages,
        filed: filed.as_ref(),
    });
    Entry {
        pages: Some(outputs.pages),
        files,
        status: Status::Rendered,
        warnings: ready.warnings + outputs.warnings.len(),
        codes: join_codes(&codes),
        error: None,
        ..base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(base: &str, formats: &[Format], exact: bool) -> Vec<String> {
        output_paths(Path::new(base), formats, exact)
            .into_iter()
            .map(|(_, p)| p.display().to_string())
            .collect()
    }

    #[test]
    fn each_format_is_named_beside_the_plans_name() {
        use Format::*;
        assert_eq!(
            named("a/f.pdf", &[Pdf, Ofd, Xlsx], false),
            ["a/f.pdf", "a/f.ofd", "a/f.xlsx"]
        );
        assert_eq!(named("a/f.pdf", &[PdfA], false), ["a/f.pdf"]);
        // The plan names a PDF; asked for an OFD only, it goes beside.
        assert_eq!(named("f.pdf", &[Ofd], false), ["f.ofd"]);
        // -o names the file of the one format asked for, whatever its extension…
        assert_eq!(named("out/x.bin", &[Ofd], true), ["out/x.bin"]);
        // … and with several, the one its extension names.
        assert_eq!(named("x.ofd", &[Pdf, Ofd], true), ["x.pdf", "x.ofd"]);
        assert_eq!(named("x.pdf", &[PdfA, Ofd], true), ["x.pdf", "x.ofd"]);
    }
}
