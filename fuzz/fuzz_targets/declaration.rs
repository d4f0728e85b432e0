//! Fuzz target: arbitrary bytes as a declaration file → encoding → check → render.
//! Nothing may panic or hang; a declaration that passes the checks must render.
//! `tests/fuzz_corpus.rs` includes this file and replays `fuzz/corpus/declaration/`
//! through [`check`].
#![cfg_attr(fuzzing, no_main)]

use std::sync::OnceLock;

use jixiao::check::DeclarationSource;
use jixiao::Renderer;

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| check(data));

fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::builtin)
}

/// One fuzz input: check it, and render it when it passes.
pub(crate) fn check(data: &[u8]) {
    let renderer = renderer();
    let source = DeclarationSource::from_bytes("fuzz.toml".into(), data.to_vec());
    let report = jixiao::check::check(source, renderer.kinds(), renderer.fonts());
    // Rendering every diagnostic exercises the span and snippet code too.
    for d in report.diagnostics(false) {
        std::hint::black_box(d.render(false, jixiao::check::Lang::Zh));
    }
    if let Some(decl) = report.declaration.as_ref().filter(|_| report.passes(false)) {
        if let Err(e) = renderer.render(decl, &Default::default()) {
            panic!("a declaration that passes the checks failed to render:\n{e}");
        }
    }
}
