//! Fuzz target: arbitrary bytes as a declaration file → encoding → check → render.
//! Nothing may panic or hang; a declaration that passes the checks must render.
#![no_main]

use std::sync::OnceLock;

use jixiao::check::{check, DeclarationSource};
use jixiao::Renderer;
use libfuzzer_sys::fuzz_target;

fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::builtin)
}

fuzz_target!(|data: &[u8]| {
    let renderer = renderer();
    let source = DeclarationSource::from_bytes("fuzz.toml".into(), data.to_vec());
    let report = check(source, &renderer.template().manifest, renderer.fonts());
    // Rendering every diagnostic exercises the span and snippet code too.
    let _ = report
        .diagnostics(jixiao::check::Lang::Zh, false)
        .iter()
        .map(|d| d.render(false))
        .count();
    if let Some(decl) = report.declaration.as_ref().filter(|_| report.passes(false)) {
        if let Err(e) = renderer.render(decl) {
            panic!("a declaration that passes the checks failed to render:\n{e}");
        }
    }
});
