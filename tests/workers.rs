//! `render -j N` in worker processes (src/batch/worker.rs): the same PDFs and manifest as
//! threads, and a worker that dies costs only the document it had.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use common::{jixiao, read_manifest, root, stderr};
use jixiao::batch::discover::discover;
use jixiao::batch::manifest::Status;
use jixiao::batch::naming::NamePattern;
use jixiao::batch::runner::{self, Options, Spawner};
use jixiao::Renderer;

/// A directory `in/` holding every sample twice (the second copy under `copy/`), so that
/// two workers have several documents each, of every kind.
fn inputs(dir: &Path) -> PathBuf {
    let inputs = dir.join("in");
    for sub in ["", "copy"] {
        std::fs::create_dir_all(inputs.join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(root().join("samples")).expect("samples") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                let name = path.file_name().expect("name");
                std::fs::copy(&path, inputs.join(sub).join(name)).expect("copy");
            }
        }
    }
    inputs
}

/// The real worker: this build's `jixiao render --worker` (its input argument is not
/// used: documents come on stdin).
fn worker() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    command.args(["render", "--worker", "."]);
    command
}

fn options(out: &Path, processes: Option<Spawner>) -> Options {
    Options {
        out_dir: Some(out.to_owned()),
        name: NamePattern::parse("{stem}.pdf").expect("pattern"),
        jobs: Some(2),
        processes,
        ..Options::default()
    }
}

#[test]
fn worker_processes_write_what_threads_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let found = discover(&[inputs(dir.path())]);
    assert!(found.inputs.len() >= 10, "{}", found.inputs.len());
    let renderer = Renderer::builtin();

    let spawned = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = spawned.clone();
    let spawner = Spawner::new(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        worker()
    });
    let rendered = Mutex::new(Vec::new());
    let by_processes = runner::run(
        &renderer,
        &found.inputs,
        &options(&dir.path().join("p"), Some(spawner)),
        &|e| {
            if let runner::Event::Rendered { input, .. } = e {
                rendered.lock().expect("lock").push(input.to_owned());
            }
        },
    )
    .expect("batch");
    assert_eq!(
        spawned.load(Ordering::Relaxed),
        2,
        "one process per job, kept"
    );
    assert_eq!(
        rendered.lock().expect("lock").len(),
        found.inputs.len(),
        "every document's progress event came back from its worker"
    );
    let by_threads = runner::run(
        &renderer,
        &found.inputs,
        &options(&dir.path().join("t"), None),
        &|_| {},
    )
    .expect("batch");

    assert_eq!(by_processes.summary.failed, 0, "{:?}", by_processes.entries);
    assert_eq!(by_processes.summary.rendered, found.inputs.len());
    assert_eq!(by_processes.entries.len(), by_threads.entries.len());
    for (p, t) in by_processes.entries.iter().zip(&by_threads.entries) {
        assert_eq!(p.input, t.input);
        let sha = |e: &jixiao::batch::manifest::Entry| e.pdf().map(|w| w.sha256.clone());
        assert!(sha(p).is_some(), "{p:?}");
        assert_eq!(
            (sha(p), p.pages, p.warnings, &p.codes),
            (sha(t), t.pages, t.warnings, &t.codes),
            "{}: the same PDF either way",
            p.input
        );
        let pdf = p.pdf().expect("output");
        let written = std::fs::read(&pdf.path).expect("the worker wrote the PDF");
        assert_eq!(written.len(), pdf.bytes, "{}", pdf.path);
    }
}

#[test]
fn a_worker_that_dies_fails_only_its_document_and_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let found = discover(&[inputs(dir.path())]);
    let spawns = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = spawns.clone();
    // The first worker is killed by a signal the moment it starts; every later one is
    // real.
    let spawner = Spawner::new(move || {
        if counter.fetch_add(1, Ordering::Relaxed) == 0 {
            let mut dying = Command::new("sh");
            dying.args(["-c", "kill -9 $$"]);
            dying
        } else {
            worker()
        }
    });
    let out = dir.path().join("out");
    let outcome = runner::run(
        &Renderer::builtin(),
        &found.inputs,
        &options(&out, Some(spawner)),
        &|_| {},
    )
    .expect("batch");
    let failed: Vec<_> = outcome
        .entries
        .iter()
        .filter(|e| e.status == Status::Failed)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let error = failed[0].error.as_deref().unwrap_or_default();
    assert!(
        error.contains("工作进程意外退出") && error.contains("9"),
        "the clerk learns it was the worker, and how it ended: {error}"
    );
    assert!(failed[0].codes.contains("internal"), "{:?}", failed[0]);
    assert_eq!(outcome.summary.rendered, found.inputs.len() - 1);
    assert_eq!(
        spawns.load(Ordering::Relaxed),
        3,
        "the dead worker was replaced"
    );
}

#[test]
fn workers_that_cannot_run_fail_every_document_without_hanging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let found = discover(&[inputs(dir.path())]);
    let spawner = Spawner::new(|| {
        let mut garbled = Command::new("sh");
        garbled.args(["-c", "read job; echo not-json"]);
        garbled
    });
    let outcome = runner::run(
        &Renderer::builtin(),
        &found.inputs,
        &options(&dir.path().join("out"), Some(spawner)),
        &|_| {},
    )
    .expect("batch");
    assert_eq!(outcome.entries.len(), found.inputs.len());
    assert_eq!(outcome.summary.failed, found.inputs.len());
    assert!(outcome
        .entries
        .iter()
        .all(|e| e.codes.contains("internal") && e.pdf().is_none()));
}

#[test]
fn the_command_line_renders_in_processes_and_in_threads_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    inputs(dir.path());
    for (out, extra) in [("p", None), ("t", Some("--threads"))] {
        let manifest = format!("{out}.csv");
        let mut args = vec!["render", "in", "--out-dir", out, "--manifest", &manifest];
        args.extend(["-j", "2", "--name", "{stem}.pdf"]);
        args.extend(extra);
        let run = jixiao(&args, dir.path());
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let strip = |rows: Vec<common::ManifestRow>| -> Vec<(String, String, String)> {
        rows.into_iter()
            .map(|r| {
                (
                    r["input"].clone(),
                    r["pdf_sha256"].clone(),
                    r["status"].clone(),
                )
            })
            .collect()
    };
    let processes = strip(read_manifest(&dir.path().join("p.csv")));
    let threads = strip(read_manifest(&dir.path().join("t.csv")));
    assert!(processes.iter().all(|r| r.2 == "rendered"), "{processes:?}");
    assert_eq!(processes, threads);
}
