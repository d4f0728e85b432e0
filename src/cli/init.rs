//! `jixiao init` and `jixiao schema`.

use chrono::Datelike;

use super::args::InitArgs;
use super::common::{load_template, Failure};
use jixiao::init::{blank_declaration, SCHEMA_FILE};
use jixiao::{Declaration, Diagnostic};

/// The JSON Schema of declarations, pretty-printed.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Declaration);
    serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| unreachable!("a schema always serialises: {e}"))
}

/// Prints the schema.
pub fn schema() -> Result<(), Failure> {
    println!("{}", schema_json());
    Ok(())
}

/// Writes a blank declaration (never over an existing file) and the schema beside it.
pub fn run(args: InitArgs) -> Result<(), Failure> {
    let template = load_template(args.template.as_deref())?;
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
    let text = blank_declaration(&template.manifest, year);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| fail(path, e))?;
    std::io::Write::write_all(&mut &file, text.as_bytes()).map_err(|e| fail(path, e))?;
    let schema_path = path
        .parent()
        .unwrap_or(std::path::Path::new(""))
        .join(SCHEMA_FILE);
    if !schema_path.exists() {
        std::fs::write(&schema_path, schema_json()).map_err(|e| fail(&schema_path, e))?;
    }
    eprintln!(
        "已新建 / wrote {}（{year} 年度）；JSON Schema: {}\n填好后运行 / then run: jixiao check {}",
        path.display(),
        schema_path.display(),
        path.display()
    );
    Ok(())
}
