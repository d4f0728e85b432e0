//! `jixiao render`: one declaration to one PDF.

use std::path::PathBuf;

use jixiao::output::write_atomic;
use jixiao::Diagnostic;

use super::args::RenderArgs;
use super::common::{load_checked, print_warnings, renderer, Failure};

/// Renders the declaration and writes the PDF atomically.
pub fn run(args: RenderArgs) -> Result<(), Failure> {
    let renderer = renderer(&args.layout)?;
    let declaration = load_checked(&args.input, &renderer, &args.report)?;
    let rendered = match renderer.render(&declaration) {
        Ok(r) => r,
        Err(e) => return Err(Failure(e.diagnostics())),
    };
    print_warnings(&rendered.warnings);
    let output = args.output.unwrap_or_else(|| default_output(&args.input));
    write_atomic(&output, &rendered.pdf).map_err(|e| {
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

/// `decl.toml` → `decl.pdf`, in the same directory.
fn default_output(input: &std::path::Path) -> PathBuf {
    input.with_extension("pdf")
}
