//! `jixiao render`: one declaration to one PDF — a plain one, or an archival PDF/A-3b
//! (optionally filed in an archive store).

use std::path::{Path, PathBuf};

use jixiao::archive::document_date;
use jixiao::archive::store::{ArchiveStore, Filed};
use jixiao::output::write_atomic;
use jixiao::{Diagnostic, Rendered};

use super::args::RenderArgs;
use super::common::{load_checked, print_warnings, renderer, Checked, Failure};
use super::sign::{load_signer, sign_options, signer_given};

/// Renders the declaration and writes the PDF atomically.
pub fn run(args: RenderArgs) -> Result<(), Failure> {
    // The signer is loaded first: a bad key fails before any work, and leaves no PDF.
    let signing =
        match (args.sign, signer_given(&args.signer)) {
            (true, true) => Some((load_signer(&args.signer)?, sign_options(&args.signer)?)),
            (true, false) => return Err(Diagnostic::error(
                "--sign 需要 --key 与 --cert，或 --p12 / --sign needs --key and --cert, or --p12",
            )
            .into()),
            (false, true) => {
                return Err(Diagnostic::error(
                    "给出了签名密钥但没有 --sign / a signing key was given without --sign",
                )
                .into())
            }
            (false, false) => None,
        };
    let renderer = renderer(&args.layout)?;
    let Checked { declaration, bytes } = load_checked(&args.input, &renderer, &args.report)?;
    let archive = args.archive.archive || args.archive.archive_dir.is_some() || declaration.archive;
    let rendered = if archive {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
        let date = document_date(&declaration, epoch.as_deref())
            .map_err(|e| Diagnostic::error(e.to_string()))?;
        renderer.render_archival(&declaration, &bytes, date)
    } else {
        renderer.render(&declaration)
    };
    let mut rendered = rendered.map_err(|e| Failure(e.diagnostics()))?;
    print_warnings(&rendered.warnings);
    if let Some((signer, options)) = &signing {
        rendered.pdf = jixiao::sign::sign_pdf(&rendered.pdf, signer.as_ref(), options)
            .map_err(|e| Diagnostic::error(e.to_string()))?;
    }
    let output = args.output.unwrap_or_else(|| default_output(&args.input));
    write_pdf(&output, &rendered)?;
    if let Some(dir) = &args.archive.archive_dir {
        file_in_store(
            dir,
            declaration.year,
            &declaration.department,
            &bytes,
            &rendered.pdf,
        )?;
    }
    Ok(())
}

fn write_pdf(output: &Path, rendered: &Rendered) -> Result<(), Failure> {
    write_atomic(output, &rendered.pdf).map_err(|e| {
        Diagnostic::error(format!(
            "无法写入 {} / cannot write the PDF: {e}",
            output.display()
        ))
    })?;
    eprintln!(
        "已生成 / wrote {} （{} 页 / pages, {} 字节 / bytes）",
        output.display(),
        rendered.pages,
        rendered.pdf.len()
    );
    Ok(())
}

/// Files the PDF in the archive store at `dir`.
fn file_in_store(
    dir: &Path,
    year: i32,
    department: &str,
    input: &[u8],
    pdf: &[u8],
) -> Result<(), Failure> {
    let store = ArchiveStore::new(dir);
    let filed = store.file(year, department, input, pdf).map_err(|e| {
        Diagnostic::error(format!(
            "无法存入归档目录 {} / cannot file in the archive store: {e}",
            dir.display()
        ))
    })?;
    match filed {
        Filed::Stored { path, version } => eprintln!(
            "已归档 / filed as v{version}: {}",
            path.display()
        ),
        Filed::AlreadyStored { path, version } => eprintln!(
            "归档中已有相同版本 v{version}，未重复存放 / identical to stored v{version}, not stored again: {}",
            path.display()
        ),
    }
    Ok(())
}

/// `decl.toml` → `decl.pdf`, in the same directory.
fn default_output(input: &Path) -> PathBuf {
    input.with_extension("pdf")
}
