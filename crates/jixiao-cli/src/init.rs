//! `jixiao init`, `jixiao schema` and `jixiao kinds`.

use std::sync::Arc;

use chrono::Datelike;

use super::args::{InitArgs, KindsArgs, SchemaArgs};
use super::common::{load_templates, Failure};
use jixiao_core::init::{blank_declaration, schema_file};
use jixiao_core::schema::{all_kinds_schema, kind_schema};
use jixiao_core::{Diagnostic, Kind, Kinds};
use jixiao_render::Template;

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| unreachable!("a schema always serialises: {e}"))
}

/// The kind called `name` among `kinds`, or an error listing them.
fn find_kind(kinds: &Kinds, name: &str) -> Result<Arc<Kind>, Failure> {
    kinds
        .resolve(Some(name))
        .map_err(|f| Failure::from(f.to_diagnostic()))
}

/// Prints the schema of one kind, or of every kind.
pub(crate) fn schema(args: SchemaArgs) -> Result<(), Failure> {
    let kinds = load_templates(&args.template)?.kinds();
    let schema = match &args.kind {
        Some(name) => {
            let kind = find_kind(&kinds, name)?;
            kind_schema(&kind, kind.name() == kinds.default_name())
        }
        None => all_kinds_schema(&kinds),
    };
    outln!("{}", pretty(&schema));
    Ok(())
}

/// Lists the kinds: name, then the form's title.
pub(crate) fn kinds(args: KindsArgs) -> Result<(), Failure> {
    let kinds = load_templates(&args.template)?.kinds();
    let width = kinds.iter().map(|k| k.name().len()).max().unwrap_or(0);
    for kind in kinds.iter() {
        let default = if kind.name() == kinds.default_name() {
            "（默认 / default）"
        } else {
            ""
        };
        outln!("{:width$}  {}{default}", kind.name(), kind.generic_title());
    }
    Ok(())
}

/// Writes a blank declaration (never over an existing file) and the schema beside it.
pub(crate) fn run(args: InitArgs) -> Result<(), Failure> {
    let kind = match &args.template {
        Some(dir) => {
            Template::load(dir)
                .map_err(|e| {
                    Failure::from(Diagnostic::error(jixiao_core::words::Localized::text(&e)))
                })?
                .kind
        }
        None => find_kind(Kinds::builtin(), &args.kind)?,
    };
    let year = args.year.unwrap_or_else(|| chrono::Local::now().year() + 1);
    let path = &args.path;
    if path.exists() {
        return Err(Diagnostic::error(format!(
            "{} 已存在，未覆盖 / already exists; not overwritten",
            path.display()
        ))
        .into());
    }
    let fail = |p: &std::path::Path, e: std::io::Error| {
        Diagnostic::error(format!("无法写入 {} / cannot write: {e}", p.display()))
    };
    let text = blank_declaration(&kind, year);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| fail(path, e))?;
    std::io::Write::write_all(&mut &file, text.as_bytes()).map_err(|e| fail(path, e))?;
    let schema_path = path
        .parent()
        .unwrap_or(std::path::Path::new(""))
        .join(schema_file(&kind));
    if !schema_path.exists() {
        let default = kind.name() == jixiao_core::kind::DEFAULT_KIND;
        std::fs::write(&schema_path, pretty(&kind_schema(&kind, default)))
            .map_err(|e| fail(&schema_path, e))?;
    }
    errln!(
        "已新建 / wrote {}（{}，{year} 年度）；JSON Schema: {}\n填好后运行 / then run: jixiao check {}",
        path.display(),
        kind.generic_title(),
        schema_path.display(),
        path.display()
    );
    Ok(())
}
