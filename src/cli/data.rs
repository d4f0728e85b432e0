//! `jixiao data`: the JSON a template receives for a declaration.

use super::args::DataArgs;
use super::common::{load_declaration, load_template, Failure};
use jixiao::FormData;

/// Prints the template data of the declaration to stdout, pretty-printed.
pub fn run(args: DataArgs) -> Result<(), Failure> {
    let loaded = load_declaration(&args.input)?;
    let template = load_template(args.template.as_deref())?;
    let data = FormData::new(&loaded.declaration, &template.manifest);
    let json = serde_json::to_string_pretty(&data)
        .map_err(|e| Failure::from(jixiao::Diagnostic::error(e.to_string())))?;
    println!("{json}");
    Ok(())
}
