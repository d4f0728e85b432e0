//! In-process benchmark (`cargo bench --bench render`, also run by `scripts/bench.sh`):
//! building the renderer, the first render, warm renders (the same document again, and
//! a new document in a warm process, split into check / layout / PDF export) and the
//! in-process throughput on the reference-sized variants at 1 and 2 threads.
//!
//! Prints medians in milliseconds. No harness: plain `main`, so it needs no extra
//! dependency. `JIXIAO_BENCH_DOCS` sets the number of variants (default 200).

#[path = "corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jixiao::batch::discover::discover;
use jixiao::batch::runner::{run, Options};
use jixiao::check::{check, DeclarationSource};
use jixiao::render::CREATOR;
use jixiao::Renderer;
use typst::foundations::Smart;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    ms(v[v.len() / 2])
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let docs: u64 = std::env::var("JIXIAO_BENCH_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let reference = corpus::reference(&root);

    let (renderer, build) = time(Renderer::builtin);
    let (first, first_time) = time(|| renderer.render(&reference));
    let first = first.unwrap_or_else(|e| panic!("{e}"));
    println!("renderer build (fonts, template)     {:8.1} ms", ms(build));
    println!(
        "first render, reference ({} pages)     {:8.1} ms  ({} bytes)",
        first.pages,
        ms(first_time),
        first.pdf.len()
    );

    let same: Vec<Duration> = (0..20)
        .map(|_| time(|| renderer.render(&reference)).1)
        .collect();
    println!(
        "warm render, same document again     {:8.1} ms",
        median(same)
    );

    let kinds = renderer.kinds();
    let (mut checks, mut layouts, mut exports, mut totals) = (vec![], vec![], vec![], vec![]);
    let options = typst_pdf::PdfOptions {
        creator: Smart::Custom(Some(CREATOR.to_owned())),
        ..Default::default()
    };
    for i in 1000..1030 {
        let d = corpus::variant(&reference, i);
        let toml = corpus::to_toml(&d);
        let (_, c) = time(|| {
            check(
                DeclarationSource::from_bytes("v.toml".into(), toml.into_bytes()),
                kinds,
                renderer.fonts(),
            )
        });
        let (laid, l) = time(|| renderer.layout(&d).unwrap_or_else(|e| panic!("{e}")));
        let (_, e) = time(|| typst_pdf::pdf(&laid.document, &options));
        let (_, t) = time(|| renderer.render(&corpus::variant(&reference, i + 100)));
        checks.push(c);
        layouts.push(l);
        exports.push(e);
        totals.push(t);
        typst::comemo::evict(3);
    }
    println!(
        "warm render, new variant             {:8.1} ms",
        median(totals)
    );
    println!(
        "  of which: check                    {:8.1} ms",
        median(checks)
    );
    println!(
        "            layout (typst compile)   {:8.1} ms",
        median(layouts)
    );
    println!(
        "            PDF export               {:8.1} ms",
        median(exports)
    );

    // The library's batch runner, as `jixiao render DIR -j N` runs it, minus process
    // start: the variants written to a temporary directory, PDFs into another.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for i in 0..docs {
        let path = dir.path().join(format!("in/variant-{i:03}.toml"));
        std::fs::create_dir_all(dir.path().join("in")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, corpus::to_toml(&corpus::variant(&reference, i)))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let inputs = discover(&[dir.path().join("in")]).inputs;
    let (every, age) = std::env::var("JIXIAO_BENCH_EVICT")
        .ok()
        .and_then(|v| {
            let (a, b) = v.split_once(',')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .unwrap_or((
            Options::default().evict_every,
            Options::default().evict_max_age,
        ));
    for jobs in [1, 2] {
        typst::comemo::evict(0);
        let options = Options {
            out_dir: Some(dir.path().join(format!("out-{jobs}"))),
            jobs: Some(jobs),
            evict_every: every,
            evict_max_age: age,
            ..Options::default()
        };
        let outcome = run(&renderer, &inputs, &options, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
        let s = outcome.summary;
        assert_eq!(s.failed, 0);
        let secs = s.elapsed.as_secs_f64();
        println!(
            "runner, {docs} variants, -j{jobs} (evict every {every}, age {age}): {:6.1} documents/s, {:6.1} pages/s",
            s.rendered as f64 / secs,
            s.pages as f64 / secs
        );
    }
}
