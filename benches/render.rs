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
use jixiao::batch::trim::TrimPolicy;
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

/// Per scope name: total ms and how many times it ran.
type Scopes = Vec<(String, f64, usize)>;

/// Durations in ms of the outermost Typst timing scopes named `names`, on the thread
/// that began the first event (the compiling thread), in one render.
fn scope_times(names: &[&str]) -> Scopes {
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |_| (String::new(), 0)).unwrap_or_else(|e| panic!("{e}"));
    let events: Vec<serde_json::Value> =
        serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
    let main = events.first().map(|e| e["tid"].clone());
    let mut stack: Vec<(String, f64)> = Vec::new();
    let mut out: Scopes = names.iter().map(|n| (n.to_string(), 0.0, 0)).collect();
    for e in events.iter().filter(|e| Some(&e["tid"]) == main.as_ref()) {
        let name = e["name"].as_str().unwrap_or_default().to_owned();
        let ts = e["ts"].as_f64().unwrap_or_default();
        if e["ph"] == "B" {
            stack.push((name, ts));
        } else if let Some((begun, start)) = stack.pop() {
            let nested = stack.iter().any(|(n, _)| *n == begun);
            if let Some(slot) = out.iter_mut().find(|(n, _, _)| *n == begun) {
                if !nested {
                    slot.1 += (ts - start) / 1000.0;
                    slot.2 += 1;
                }
            }
        }
    }
    out
}

/// Where one render's time goes: Typst's own timing scopes (evaluation, each layout
/// pass, PDF export) around the whole render, for the reference on cold caches and
/// for new variants in a warm process. Timing every scope slows Typst down, so these
/// are proportions more than absolute times.
fn phases(renderer: &Renderer, reference: &jixiao::Declaration) {
    const NAMES: [&str; 7] = [
        "eval", "iter (1)", "iter (2)", "iter (3)", "iter (4)", "iter (5)", "pdf",
    ];
    let run = |d: &jixiao::Declaration| {
        typst_timing::clear();
        typst_timing::enable();
        let (_, total) = time(|| {
            renderer
                .render(d, &Default::default())
                .unwrap_or_else(|e| panic!("{e}"))
        });
        typst_timing::disable();
        (scope_times(&NAMES), ms(total))
    };
    let show = |what: &str, runs: Vec<(Scopes, f64)>| {
        let n = runs.len();
        let mut line = format!("phases, {what} ({n} run(s), medians, ms):");
        let total = {
            let mut t: Vec<f64> = runs.iter().map(|r| r.1).collect();
            t.sort_by(f64::total_cmp);
            t[n / 2]
        };
        for (i, name) in NAMES.iter().enumerate() {
            let mut v: Vec<f64> = runs.iter().map(|r| r.0[i].1).collect();
            if v.iter().all(|x| *x == 0.0) {
                continue;
            }
            v.sort_by(f64::total_cmp);
            line.push_str(&format!(" {name} {:.1};", v[n / 2]));
        }
        println!("{line} whole render {total:.1}");
    };
    typst::comemo::evict(0);
    show("reference, cold caches", vec![run(reference)]);
    let warm: Vec<_> = (2000..2020)
        .map(|i| run(&corpus::variant(reference, i)))
        .collect();
    show("new variant, warm process", warm);
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let docs: u64 = std::env::var("JIXIAO_BENCH_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let reference = corpus::reference(&root);

    let (renderer, build) = time(Renderer::builtin);
    let (first, first_time) = time(|| renderer.render(&reference, &Default::default()));
    let first = first.unwrap_or_else(|e| panic!("{e}"));
    println!("renderer build (fonts, template)     {:8.1} ms", ms(build));
    println!(
        "first render, reference ({} pages)     {:8.1} ms  ({} bytes)",
        first.pages,
        ms(first_time),
        first.pdf.len()
    );

    let same: Vec<Duration> = (0..20)
        .map(|_| time(|| renderer.render(&reference, &Default::default())).1)
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
        let (_, t) =
            time(|| renderer.render(&corpus::variant(&reference, i + 100), &Default::default()));
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

    phases(&renderer, &reference);

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
    // JIXIAO_BENCH_TRIM=EVERY,MIB: another trimming policy (per thread's budget in MiB).
    let trim = std::env::var("JIXIAO_BENCH_TRIM")
        .ok()
        .and_then(|v| {
            let (a, b) = v.split_once(',')?;
            Some(TrimPolicy {
                every: a.parse().ok()?,
                budget: b.parse::<u64>().ok()? * 1024 * 1024,
            })
        })
        .unwrap_or_default();
    for jobs in [1, 2] {
        typst::comemo::evict(0);
        let options = Options {
            out_dir: Some(dir.path().join(format!("out-{jobs}"))),
            jobs: Some(jobs),
            trim,
            ..Options::default()
        };
        let outcome = run(&renderer, &inputs, &options, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
        let s = outcome.summary;
        assert_eq!(s.failed, 0);
        let secs = s.elapsed.as_secs_f64();
        println!(
            "runner, {docs} variants, -j{jobs} (trim every {}, {} MiB a thread): {:6.1} documents/s, {:6.1} pages/s",
            trim.every,
            trim.budget / (1024 * 1024),
            s.rendered as f64 / secs,
            s.pages as f64 / secs
        );
    }
}
