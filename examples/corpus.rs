//! Writes a generated corpus of declarations for the benchmark (`scripts/bench.sh`):
//!
//! ```text
//! cargo run --release --example corpus -- variants 200 DIR   # 200 variants of the reference
//! cargo run --release --example corpus -- mixed 1000 DIR     # 1,000 mixed declarations
//! ```
//!
//! The same command always writes the same files. Every file is checked with jixiao's
//! checks first: the corpus has no errors (warnings are allowed).

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;

use jixiao::check::{check, DeclarationSource};
use jixiao::{FontSet, Kinds};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, count, dir] = args.as_slice() else {
        eprintln!("usage: corpus variants|mixed COUNT DIR");
        std::process::exit(2);
    };
    let count: u64 = count.parse().unwrap_or_else(|_| {
        eprintln!("COUNT must be a number");
        std::process::exit(2)
    });
    let dir = PathBuf::from(dir);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let reference = corpus::reference(&root);
    let kinds = Kinds::builtin();
    let fonts = FontSet::bundled();
    let mut warnings = 0;
    for i in 0..count {
        let (decl, path) = match kind.as_str() {
            "variants" => (
                corpus::variant(&reference, i),
                dir.join(format!("variant-{i:03}.toml")),
            ),
            "mixed" => (
                corpus::mixed(&reference, i),
                dir.join(format!("group{}/decl-{i:04}.toml", i % 8)),
            ),
            _ => {
                eprintln!("unknown corpus {kind}: variants or mixed");
                std::process::exit(2);
            }
        };
        let text = corpus::to_toml(&decl);
        let report = check(
            DeclarationSource::from_bytes(path.display().to_string(), text.clone().into_bytes()),
            kinds,
            &fonts,
        );
        if !report.passes(false) {
            let diags = report.diagnostics(false);
            panic!(
                "generated {} has errors:\n{}",
                path.display(),
                jixiao::diag::render_all(&diags, false, jixiao::check::Lang::En)
            );
        }
        warnings += report.counts().1;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    eprintln!(
        "wrote {count} {kind} declarations to {} ({warnings} warnings)",
        dir.display()
    );
}
