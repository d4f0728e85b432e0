//! `jixiao data`: the JSON a template receives for a declaration.

use super::args::DataArgs;
use super::common::{load_declaration, load_templates, Failure};
use jixiao_render::FormData;

/// Prints the template data of the declaration to stdout, pretty-printed.
pub(crate) fn run(args: DataArgs) -> Result<(), Failure> {
    let templates = load_templates(&args.template)?;
    let loaded = load_declaration(&args.input, &templates.kinds())?;
    let data = FormData::new(&loaded.declaration);
    let json = serde_json::to_string_pretty(&data)
        .map_err(|e| Failure::from(jixiao_core::Diagnostic::error(e.to_string())))?;
    outln!("{json}");
    Ok(())
}
