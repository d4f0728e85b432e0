//! `jixiao template DIR [--kind K]`: copies a built-in template out for customising.

use super::args::TemplateArgs;
use super::common::Failure;
use jixiao_core::Diagnostic;
use jixiao_render::Template;

/// Writes the built-in template's files of `args.kind` into `args.dir`, refusing to
/// overwrite.
pub(crate) fn run(args: TemplateArgs) -> Result<(), Failure> {
    let dir = &args.dir;
    let occupied = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if occupied {
        return Err(Diagnostic::error(format!(
            "目录 {} 不是空的，未写入 / the directory is not empty; nothing written",
            dir.display()
        ))
        .into());
    }
    let fail = |e: std::io::Error| {
        Diagnostic::error(format!("无法写入 {} / cannot write: {e}", dir.display()))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let files = Template::builtin_files(&args.kind)
        .map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?;
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).map_err(fail)?;
    }
    errln!(
        "已导出模板到 / template written to {}\n修改后用 / render with: jixiao render DECL.toml --template {}",
        dir.display(),
        dir.display()
    );
    Ok(())
}
