//! Running a batch: every declaration checked, named and rendered with one shared
//! [`Renderer`] on a pool of threads — or, with [`Options::processes`], rendered by
//! worker processes ([`super::worker`]) — each PDF written atomically.
//!
//! Two passes, both parallel:
//! 1. **plan** — read, hash and check every input (the same checks as `jixiao check`),
//!    and work out its output path. Files whose paths collide are all refused (see
//!    [`collisions`]). With `--shard`, every input is planned — so a collision is caught
//!    whichever slices the colliding files fall in — but only the slice's inputs are
//!    reported and rendered.
//! 2. **render** — read each file again (refusing it if its bytes changed since the
//!    plan), render it and write the PDF. Typst's caches are trimmed by count and by
//!    memory ([`Options::trim`], [`super::trim`]), in threads and in worker processes
//!    alike, so memory stays flat however long the batch.
//!
//! A failure affects only its own file. Nothing is kept per document between the
//! passes but its plan (paths, hashes, counts), so memory does not grow with the batch.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::discover::Input;
use super::manifest::{sha256_hex, Entry, Status};
use super::naming::NamePattern;
use super::shard::Shard;
use super::trim::{TrimPolicy, Trimmer};
pub use super::worker::Spawner;
use super::worker::{self, Lost, Reply, Worker};
use crate::document::{self, first_error, join_codes};
pub use crate::event::Event;
use crate::plan::{Plan, Ready};
use jixiao_archive::finish::Finishing;
use jixiao_core::check::Lang;
use jixiao_core::declaration::Declaration;
use jixiao_core::diag::Diagnostic;
use jixiao_core::text;
use jixiao_render::render::{Precheck, Renderer};
use jixiao_sheet::input;

/// Stack size of the worker threads: 64 MiB of address space, touched only as deep
/// as Typst recurses. (rayon's default of 2 MiB overflows on ordinary forms.)
const WORKER_STACK: usize = 64 << 20;

/// How a batch is run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Write the files under this directory, mirroring the inputs' relative paths;
    /// `None`: next to each input.
    pub out_dir: Option<PathBuf>,
    /// The exact path of a single input's file (`-o`), instead of [`Options::name`]:
    /// the file of the format its extension names (or the first format) goes there,
    /// the others beside it with their own extension.
    pub output: Option<PathBuf>,
    /// The output file name pattern.
    pub name: NamePattern,
    /// Language of the diagnostics.
    pub lang: Lang,
    /// Treat the checks' warnings as errors.
    pub deny_warnings: bool,
    /// Render only this slice of the batch.
    pub shard: Option<Shard>,
    /// Threads, or worker processes (`None`: one per core).
    pub jobs: Option<usize>,
    /// Render in this many worker processes ([`Options::jobs`]) started by this spawner,
    /// instead of threads of this process: they share no caches, and a worker that dies
    /// costs only its document. `None`: threads (planning always runs in threads).
    pub processes: Option<Spawner>,
    /// When Typst's caches are trimmed and the freed memory returned: by each worker
    /// process, or by a process rendering in threads (documents counted over all its
    /// threads, the memory budget multiplied by their number).
    pub trim: TrimPolicy,
    /// Archival PDFs, signing, filing in the archive store.
    pub finishing: Finishing,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            out_dir: None,
            output: None,
            name: NamePattern::default(),
            lang: Lang::Zh,
            deny_warnings: false,
            shard: None,
            jobs: None,
            processes: None,
            trim: TrimPolicy::default(),
            finishing: Finishing::default(),
        }
    }
}

/// Totals of a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// PDFs written.
    pub rendered: usize,
    /// Inputs without a PDF.
    pub failed: usize,
    /// Warnings over all inputs.
    pub warnings: usize,
    /// Pages over all PDFs.
    pub pages: usize,
    /// Bytes over all PDFs.
    pub bytes: usize,
    /// Wall-clock time of the whole batch.
    pub elapsed: Duration,
}

/// The result of a batch: one manifest entry per input of the slice, sorted by input
/// path, and the totals.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One entry per input rendered or failed.
    pub entries: Vec<Entry>,
    /// The totals.
    pub summary: Summary,
}

/// Why a batch could not start at all.
#[derive(Debug, thiserror::Error)]
#[error("无法启动 {0} 个线程 / cannot start the worker threads: {1}")]
pub struct PoolError(usize, String);

/// Renders `inputs` (sorted, as [`super::discover::discover`] gives them) with
/// `renderer`, reporting each step to `report`.
pub fn run(
    renderer: &Renderer,
    inputs: &[Input],
    options: &Options,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Result<Outcome, PoolError> {
    let start = Instant::now();
    // Typst's layout recurses deeply; worker threads get the stack the main thread has
    // been measured to need, with room to spare (it is only reserved, not used).
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK);
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs);
    }
    let pool = builder
        .build()
        .map_err(|e| PoolError(options.jobs.unwrap_or(0), e.to_string()))?;
    let in_shard = |input: &Input| options.shard.is_none_or(|s| s.contains(&input.relative));

    let mut plans: Vec<Plan> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| guarded_plan(renderer, input, options, in_shard(input), report))
            .collect()
    });
    let collided = collisions(inputs, &mut plans, options.lang);

    let mut entries: Vec<Option<Entry>> = Vec::with_capacity(inputs.len());
    let mut work = Vec::new();
    for (i, (input, plan)) in inputs.iter().zip(plans).enumerate() {
        if !in_shard(input) {
            continue;
        }
        match plan {
            Plan::Failed(entry) => {
                if collided.contains(&i) {
                    let d = Diagnostic::error(entry.error.clone().unwrap_or_default());
                    report(Event::Failed {
                        input: &input.path,
                        diagnostics: std::slice::from_ref(&d),
                        rendering: false,
                    });
                }
                entries.push(Some(entry));
            }
            Plan::Ready(ready) => {
                work.push((entries.len(), input, ready));
                entries.push(None);
            }
        }
    }
    report(Event::Planned {
        to_render: work.len(),
    });
    // The plan checked every file (font coverage included) and the render pass reads
    // the same bytes again (it refuses a changed file): nothing to check twice.
    let finishing = Finishing {
        precheck: Precheck::Checked,
        ..options.finishing.clone()
    };

    let workers = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(work.len());
    let rendered = match &options.processes {
        Some(spawner) if workers > 1 => in_processes(spawner, workers, &work, options.lang, report),
        _ => in_threads(&pool, renderer, &work, options, &finishing, report),
    };
    for (slot, entry) in rendered {
        entries[slot] = Some(entry);
    }
    // Every input of the slice has its entry, whatever happened to the worker that had it.
    for (slot, input, ready) in &work {
        if entries[*slot].is_none() {
            entries[*slot] = Some(crashed(input, ready, options.lang, report));
        }
    }
    let shard = options.shard.map(|s| s.to_string());
    let entries: Vec<Entry> = entries
        .into_iter()
        .flatten()
        .map(|e| Entry {
            shard: shard.clone(),
            ..e
        })
        .collect();
    let mut summary = Summary {
        elapsed: start.elapsed(),
        ..Summary::default()
    };
    for e in &entries {
        match e.status {
            Status::Rendered => summary.rendered += 1,
            Status::Failed => summary.failed += 1,
        }
        summary.warnings += e.warnings;
        summary.pages += e.pages.unwrap_or(0);
        summary.bytes += e.total_bytes();
    }
    Ok(Outcome { entries, summary })
}

/// The render pass on the threads of `pool`.
fn in_threads(
    pool: &rayon::ThreadPool,
    renderer: &Renderer,
    work: &[(usize, &Input, Ready)],
    options: &Options,
    finishing: &Finishing,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Vec<(usize, Entry)> {
    // Not `par_iter`: Typst itself uses rayon inside a compile, and a worker waiting
    // for those inner tasks would steal further *documents* and start them on top of
    // the one it is in — every document of the batch in flight at once, memory growing
    // with the batch and the stack overflowing. Instead each thread of the pool takes
    // one document at a time from a shared counter; while it waits for Typst's inner
    // tasks it can only help with other inner tasks.
    let next = AtomicUsize::new(0);
    let trimmer = Mutex::new(Trimmer::new(
        options.trim.for_threads(pool.current_num_threads()),
    ));
    let rendered: Vec<Vec<(usize, Entry)>> = pool.broadcast(|_| {
        let mut mine = Vec::new();
        while let Some((slot, input, ready)) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
            let entry = std::panic::catch_unwind(AssertUnwindSafe(|| {
                #[cfg(test)]
                tests::panic_if_asked(&input.path, "render");
                document::render(
                    &document_job(renderer, options, finishing),
                    input,
                    ready,
                    report,
                )
            }))
            .unwrap_or_else(|_| crashed(input, ready, options.lang, report));
            mine.push((*slot, entry));
            // A poisoned lock only means another thread panicked while trimming.
            trimmer
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .after_document();
        }
        mine
    });
    rendered.into_iter().flatten().collect()
}

/// The render pass in `workers` worker processes, one document at a time each, taken
/// from a shared counter as they become free. A worker that dies fails its document
/// and is replaced for the next one.
fn in_processes(
    spawner: &Spawner,
    workers: usize,
    work: &[(usize, &Input, Ready)],
    lang: Lang,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Vec<(usize, Entry)> {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    let mut worker: Option<Worker> = None;
                    while let Some((slot, input, ready)) =
                        work.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        let result = match worker.take() {
                            Some(w) => Ok(w),
                            None => Worker::start(spawner),
                        }
                        .and_then(|mut w| {
                            let entry = w.render(input, ready, report)?;
                            worker = Some(w);
                            Ok(entry)
                        });
                        let entry = match result {
                            Ok(entry) => entry,
                            Err(lost) => worker_lost(input, ready, &lost, lang, report),
                        };
                        mine.push((*slot, entry));
                    }
                    if let Some(w) = worker {
                        w.finish();
                    }
                    mine
                })
            })
            .collect();
        // A thread that panicked leaves its documents without entries; `run` fills them.
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// The entry of a document whose worker process could not start or died on it.
fn worker_lost(
    input: &Input,
    ready: &Ready,
    lost: &Lost,
    lang: Lang,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Entry {
    let shown = input.path.display();
    let message = match (lost, lang) {
        (Lost::Start(e), Lang::Zh) => format!("无法启动工作进程，{shown} 未生成：{e}"),
        (Lost::Start(e), Lang::En) => {
            format!("cannot start a worker process; {shown} not rendered: {e}")
        }
        (Lost::Died(status), Lang::Zh) => format!(
            "生成 {shown} 的工作进程意外退出（{}；可能是内存不足或栈溢出），未生成（请报告此问题）",
            ended(status)
        ),
        (Lost::Died(status), Lang::En) => format!(
            "the worker process rendering {shown} stopped ({}; out of memory or a stack overflow?); not rendered (please report it)",
            ended(status)
        ),
    };
    internal_failure(input, ready, message, report)
}

/// How a process ended, for a message.
fn ended(status: &Option<std::process::ExitStatus>) -> String {
    match status {
        Some(status) => status.to_string(),
        None => "exit status unknown".to_owned(),
    }
}

/// The worker side of [`Options::processes`]: renders each document the parent sends on
/// `input` (one line of JSON each) with `renderer` and `options`, exactly as a thread of
/// [`run`] would, and answers on `output` with its events and its manifest entry. Returns
/// when `input` ends; an error means the parent can no longer be reached.
pub fn serve(
    renderer: &Renderer,
    options: &Options,
    input: impl std::io::BufRead + Send,
    output: impl std::io::Write + Send,
) -> std::io::Result<()> {
    let output = std::sync::Mutex::new(output);
    let send = |reply: &Reply| match output.lock() {
        Ok(mut out) => worker::send(&mut *out, reply),
        Err(_) => Err(std::io::Error::other("output lock poisoned")),
    };
    let finishing = Finishing {
        precheck: Precheck::Checked,
        ..options.finishing.clone()
    };
    // One thread, as a `--shard` process with `-j 1` renders: Typst's own parallel work
    // inside a document then stays on it, instead of every worker reaching for all the
    // cores of the machine at once (on 2 cores, 2 workers ran 4 threads and were slower
    // than two shard processes). The thread gets the stack the pool threads get.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(WORKER_STACK)
        .build()
        .map_err(std::io::Error::other)?;
    pool.install(|| serve_on(renderer, options, &finishing, input, &send))
}

/// [`serve`]'s loop, on the worker's one thread.
fn serve_on(
    renderer: &Renderer,
    options: &Options,
    finishing: &Finishing,
    input: impl std::io::BufRead,
    send: &(dyn Fn(&Reply) -> std::io::Result<()> + Sync),
) -> std::io::Result<()> {
    let mut trimmer = Trimmer::new(options.trim);
    for line in input.lines() {
        let job: worker::Job = serde_json::from_str(&line?)?;
        let (input, ready) = job.into_parts();
        // An event that cannot be sent is lost with the parent; the entry's send says so.
        let report = |event: Event<'_>| {
            if let Some(reply) = Reply::of(&event) {
                let _ = send(&reply);
            }
        };
        let entry = std::panic::catch_unwind(AssertUnwindSafe(|| {
            document::render(
                &document_job(renderer, options, finishing),
                &input,
                &ready,
                &report,
            )
        }))
        .unwrap_or_else(|_| crashed(&input, &ready, options.lang, &report));
        send(&Reply::Done(Box::new(entry)))?;
        // A worker trims by memory as well as by count (`trim`): trimming after every
        // document cost 8 % more CPU than two `-j 1` shard processes trimming every 4
        // (BENCHMARKS.md); every 4 alone let a worker of large forms grow.
        trimmer.after_document();
    }
    Ok(())
}

/// How [`document::render`] renders and names each document of this batch.
fn document_job<'a>(
    renderer: &'a Renderer,
    options: &Options,
    finishing: &'a Finishing,
) -> document::Job<'a> {
    document::Job {
        renderer,
        finishing,
        exact: options.output.is_some(),
        lang: options.lang,
    }
}

/// Where the files of `input` named `name` go (the PDF's name; every other format's
/// file beside it, see [`document::output_paths`]).
fn output_path(input: &Input, name: &str, out_dir: Option<&Path>) -> PathBuf {
    match out_dir {
        Some(dir) => match input.relative.parent() {
            Some(sub) => dir.join(sub).join(name),
            None => dir.join(name),
        },
        None => match input.path.parent() {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        },
    }
}

fn codes_of(findings: &[jixiao_core::check::Finding]) -> BTreeSet<String> {
    findings.iter().map(|f| f.code.to_string()).collect()
}

/// [`plan`], with a panic (a bug in jixiao or a library it calls) turned into this one
/// input's failure, so one file cannot stop the batch.
fn guarded_plan(
    renderer: &Renderer,
    input: &Input,
    options: &Options,
    reported: bool,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Plan {
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        plan(renderer, input, options, reported, report)
    }))
    .unwrap_or_else(|_| {
        let shown = input.path.display().to_string();
        let d = Diagnostic::error(text!(
            "检查 {shown} 时发生内部错误，未生成（请报告此问题）",
            "internal error while checking {shown}; not rendered (please report it)"
        ));
        if reported {
            report(Event::Failed {
                input: &input.path,
                diagnostics: std::slice::from_ref(&d),
                rendering: false,
            });
        }
        Plan::Failed(Entry {
            codes: "internal".to_owned(),
            ..Entry::failed(shown, d.message.get(options.lang).to_owned())
        })
    })
}

/// Pass 1 for one input: read, hash, check, name.
fn plan(
    renderer: &Renderer,
    input: &Input,
    options: &Options,
    reported: bool,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Plan {
    #[cfg(test)]
    tests::panic_if_asked(&input.path, "plan");
    let shown = input.path.display().to_string();
    let fail = |entry: Entry, diagnostics: &[Diagnostic]| {
        if reported {
            report(Event::Failed {
                input: &input.path,
                diagnostics,
                rendering: false,
            });
        }
        Plan::Failed(entry)
    };
    let bytes = match input::read_limited(&input.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let d = Diagnostic::error(match options.lang {
                Lang::Zh => format!("无法读取申报文件 {shown}：{e}"),
                Lang::En => format!("cannot read the declaration {shown}: {e}"),
            });
            return fail(
                Entry::failed(shown.clone(), d.message.get(options.lang).to_owned()),
                &[d],
            );
        }
    };
    let sha = sha256_hex(&bytes);
    let prepared = match input::prepare(&shown, bytes, renderer.kinds(), renderer.fonts()) {
        Ok(p) => p,
        Err(diagnostics) => {
            let entry = Entry {
                input_sha256: Some(sha),
                codes: "import".to_owned(),
                error: first_error(&diagnostics, options.lang),
                ..Entry::failed(shown.clone(), String::new())
            };
            return fail(entry, &diagnostics);
        }
    };
    let report_ = prepared.report;
    // What the import of a spreadsheet reports counts as warnings.
    let notes = prepared.notes.len();
    let mut diagnostics = prepared.notes;
    diagnostics.extend(report_.diagnostics(options.deny_warnings));
    let (_, warnings) = report_.counts();
    let warnings = warnings + notes;
    let mut codes = codes_of(&report_.findings);
    if notes > 0 {
        codes.insert("import-note".to_owned());
    }
    let passes = report_.passes(options.deny_warnings) && !(options.deny_warnings && notes > 0);
    match report_.declaration {
        Some(decl) if passes => {
            let name = options
                .name
                .expand(&input.stem(), &decl.filer(), decl.year());
            let output = match &options.output {
                Some(output) => output.clone(),
                None => output_path(input, &name, options.out_dir.as_deref()),
            };
            if reported && !diagnostics.is_empty() {
                report(Event::Warnings {
                    input: &input.path,
                    diagnostics: &diagnostics,
                });
            }
            Plan::Ready(Ready {
                sha,
                department: decl.filer(),
                year: decl.year(),
                output,
                warnings,
                codes,
            })
        }
        decl => {
            let entry = Entry {
                department: decl.as_ref().map(Declaration::filer),
                year: decl.as_ref().map(Declaration::year),
                input_sha256: Some(sha),
                warnings,
                codes: join_codes(&codes),
                error: first_error(&diagnostics, options.lang),
                ..Entry::failed(shown.clone(), String::new())
            };
            fail(entry, &diagnostics)
        }
    }
}

const COLLISION_ZH: &str = "输出文件名冲突";

/// The key two output paths collide under: the absolute path, lowercased, since
/// Windows and macOS file systems ignore case.
fn collision_key(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_owned())
        .to_string_lossy()
        .to_lowercase()
}

/// Refuses every input whose output path collides with another's (ignoring case): none
/// of them is rendered, so no declaration silently overwrites another's PDF, and the
/// result does not depend on which file a thread happened to finish first.
/// Returns the indices of the inputs refused.
fn collisions(inputs: &[Input], plans: &mut [Plan], lang: Lang) -> BTreeSet<usize> {
    let mut refused = BTreeSet::new();
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, plan) in plans.iter().enumerate() {
        if let Plan::Ready(ready) = plan {
            by_key
                .entry(collision_key(&ready.output))
                .or_default()
                .push(i);
        }
    }
    for group in by_key.values().filter(|g| g.len() > 1) {
        for &i in group {
            let Plan::Ready(ready) = &plans[i] else {
                continue;
            };
            let others: Vec<String> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| inputs[j].path.display().to_string())
                .collect();
            let output = ready.output.display();
            let message = match lang {
                Lang::Zh => format!(
                    "{COLLISION_ZH}：{output} 也是 {} 的输出，均未生成（可在 --name 中加入 {{stem}}）",
                    others.join("、")
                ),
                Lang::En => format!(
                    "output name collision: {output} is also the output of {}; none of them was rendered (add {{stem}} to --name)",
                    others.join(", ")
                ),
            };
            let mut codes = ready.codes.clone();
            codes.insert("name-collision".to_owned());
            let entry = Entry {
                department: Some(ready.department.clone()),
                year: Some(ready.year),
                input_sha256: Some(ready.sha.clone()),
                warnings: ready.warnings,
                codes: join_codes(&codes),
                ..Entry::failed(inputs[i].path.display().to_string(), message)
            };
            plans[i] = Plan::Failed(entry);
            refused.insert(i);
        }
    }
    refused
}

/// The entry of an input whose render panicked (a bug in Typst or jixiao): the batch
/// goes on without it.
fn crashed(input: &Input, ready: &Ready, lang: Lang, report: &(dyn Fn(Event<'_>) + Sync)) -> Entry {
    let message = match lang {
        Lang::Zh => format!(
            "生成 {} 时发生内部错误，未生成（请报告此问题）",
            input.path.display()
        ),
        Lang::En => format!(
            "internal error while rendering {}; not rendered (please report it)",
            input.path.display()
        ),
    };
    internal_failure(input, ready, message, report)
}

/// Reports `message` as the failure of `input` while rendering, and gives its entry, with
/// the code `internal`.
fn internal_failure(
    input: &Input,
    ready: &Ready,
    message: String,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Entry {
    let d = Diagnostic::error(message);
    report(Event::Failed {
        input: &input.path,
        diagnostics: std::slice::from_ref(&d),
        rendering: true,
    });
    let mut codes = ready.codes.clone();
    codes.insert("internal".to_owned());
    Entry {
        department: Some(ready.department.clone()),
        year: Some(ready.year),
        input_sha256: Some(ready.sha.clone()),
        warnings: ready.warnings,
        codes: join_codes(&codes),
        ..Entry::failed(input.path.display().to_string(), d.message.zh.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(file name, pass)` pairs whose step panics, standing in for a bug in a library.
    static PANIC_ON: std::sync::Mutex<Vec<(String, &'static str)>> =
        std::sync::Mutex::new(Vec::new());

    pub(super) fn panic_if_asked(path: &Path, pass: &'static str) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let asked = PANIC_ON
            .lock()
            .map(|l| {
                l.iter()
                    .any(|(n, p)| Some(n) == name.as_ref() && *p == pass)
            })
            .unwrap_or(false);
        if asked {
            panic!("test panic in {pass} of {name:?}");
        }
    }

    #[test]
    fn a_panic_while_planning_or_rendering_fails_only_its_own_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sample = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/guangzhou-kexie.toml"),
        )
        .expect("sample");
        let names = ["a.toml", "plan-panics.toml", "render-panics.toml", "z.toml"];
        let inputs: Vec<Input> = names
            .iter()
            .map(|n| {
                std::fs::write(dir.path().join(n), &sample).expect("write");
                Input {
                    path: dir.path().join(n),
                    relative: PathBuf::from(n),
                }
            })
            .collect();
        PANIC_ON.lock().expect("lock").extend([
            ("plan-panics.toml".into(), "plan"),
            ("render-panics.toml".into(), "render"),
        ]);
        let options = Options {
            name: NamePattern::parse("{stem}.pdf").expect("pattern"),
            jobs: Some(2),
            ..Options::default()
        };
        let outcome =
            run(&Renderer::builtin(), &inputs, &options, &|_| {}).expect("the batch runs");
        let status: Vec<(String, Status, String)> = outcome
            .entries
            .iter()
            .map(|e| {
                (
                    e.input.rsplit('/').next().unwrap_or("").to_owned(),
                    e.status,
                    e.codes.clone(),
                )
            })
            .collect();
        assert_eq!(outcome.summary.rendered, 2, "{status:?}");
        assert_eq!(outcome.summary.failed, 2, "{status:?}");
        for (name, st, codes) in &status {
            let expect_failed = name.contains("panics");
            assert_eq!(*st == Status::Failed, expect_failed, "{name}: {st:?}");
            assert_eq!(codes.contains("internal"), expect_failed, "{name}: {codes}");
        }
        assert!(dir.path().join("a.pdf").exists() && dir.path().join("z.pdf").exists());
        assert!(!dir.path().join("plan-panics.pdf").exists());
        assert!(!dir.path().join("render-panics.pdf").exists());
    }

    #[test]
    fn outputs_go_next_to_the_input_or_mirror_it_under_out_dir() {
        let input = Input {
            path: PathBuf::from("forms/2025/a.toml"),
            relative: PathBuf::from("2025/a.toml"),
        };
        assert_eq!(
            output_path(&input, "a.pdf", None),
            PathBuf::from("forms/2025/a.pdf")
        );
        assert_eq!(
            output_path(&input, "x.pdf", Some(Path::new("out"))),
            PathBuf::from("out/2025/x.pdf")
        );
        let bare = Input {
            path: PathBuf::from("a.toml"),
            relative: PathBuf::from("a.toml"),
        };
        assert_eq!(output_path(&bare, "a.pdf", None), PathBuf::from("a.pdf"));
        assert_eq!(
            output_path(&bare, "a.pdf", Some(Path::new("out"))),
            PathBuf::from("out/a.pdf")
        );
    }

    #[test]
    fn colliding_outputs_are_all_refused_ignoring_case() {
        let inputs: Vec<Input> = ["a.toml", "b.toml", "c.toml"]
            .iter()
            .map(|p| Input {
                path: PathBuf::from(p),
                relative: PathBuf::from(p),
            })
            .collect();
        let ready = |out: &str| {
            Plan::Ready(Ready {
                sha: String::new(),
                department: "部门".into(),
                year: 2025,
                output: PathBuf::from(out),
                warnings: 0,
                codes: BTreeSet::new(),
            })
        };
        let mut plans = vec![ready("out/X.pdf"), ready("out/c.pdf"), ready("out/x.pdf")];
        let refused = collisions(&inputs, &mut plans, Lang::En);
        assert_eq!(refused.into_iter().collect::<Vec<_>>(), [0, 2]);
        let failed: Vec<bool> = plans.iter().map(|p| matches!(p, Plan::Failed(_))).collect();
        assert_eq!(failed, [true, false, true]);
        let Plan::Failed(entry) = &plans[0] else {
            unreachable!()
        };
        let error = entry.error.clone().unwrap_or_default();
        assert!(
            error.starts_with("output name collision") && error.contains("c.toml"),
            "{error}"
        );
        assert_eq!(entry.codes, "name-collision");
    }
}
