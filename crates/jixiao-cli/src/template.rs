//! `jixiao template DIR [--kind K] [--form-only]`: copies a built-in template out for
//! customising, with the reference of the description format beside it;
//! `jixiao template --reference` prints that reference.

use super::args::TemplateArgs;
use super::common::Failure;
use jixiao_core::kind::reference;
use jixiao_core::words::{Lang, Localized};
use jixiao_core::{text, Diagnostic};
use jixiao_render::Template;

/// The file the reference is written to beside a copied template, by language.
fn reference_file(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "表样说明参考.md",
        Lang::En => "form-reference.md",
    }
}

/// Writes the built-in template's files of `args.kind` (only its `form.toml` with
/// `--form-only`) and the format's reference into `args.dir`, refusing to overwrite; or,
/// with `--reference`, prints the reference.
pub(crate) fn run(args: TemplateArgs) -> Result<(), Failure> {
    let lang = crate::out::lang();
    let Some(dir) = &args.dir else {
        super::out::stdout_bytes(reference::markdown(lang).as_bytes());
        return Ok(());
    };
    let occupied = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if occupied {
        let shown = dir.display();
        return Err(Diagnostic::error(text!(
            "目录 {shown} 不是空的，未写入",
            "the directory {shown} is not empty; nothing written"
        ))
        .into());
    }
    let fail = |e: std::io::Error| {
        let shown = dir.display();
        Diagnostic::error(text!("无法写入 {shown}：{e}", "cannot write {shown}: {e}"))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let files = Template::builtin_files(&args.kind)
        .map_err(|e| Failure::from(Diagnostic::error(e.text())))?;
    for (name, bytes) in files {
        if args.form_only && name != "form.toml" {
            continue;
        }
        std::fs::write(dir.join(name), bytes).map_err(fail)?;
    }
    std::fs::write(
        dir.join(reference_file(lang)),
        reference::markdown(lang).as_bytes(),
    )
    .map_err(fail)?;
    let shown = dir.display();
    let reference = reference_file(lang);
    errln!(
        "{}",
        text!(
            "已导出模板到 {shown}（表样说明的参考：{reference}）\n修改后用：jixiao render DECL.toml --template {shown}",
            "template written to {shown} (the description format: {reference})\nrender with: jixiao render DECL.toml --template {shown}"
        )
        .get(lang)
    );
    Ok(())
}
