//! `jixiao render`: one declaration to one PDF, or a batch of many.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::CommandFactory;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jixiao_archive::finish::Finishing;
use jixiao_archive::store::Filed;
use jixiao_batch::discover::{discover, is_many, Input};
use jixiao_batch::manifest::{self, ManifestFormat, Status};
use jixiao_batch::runner::{self, Event, Options, Summary};
use jixiao_core::check::Lang;
use jixiao_core::diag::render_all;
use jixiao_core::format::Format;
use jixiao_core::text;
use jixiao_core::Diagnostic;
use jixiao_render::render::Precheck;
use jixiao_sign::SignOptions;

use super::args::{Cli, RenderArgs};
use super::common::{renderer, Failure};
use super::sign::{load_signer, sign_options, signer_given};

/// Renders the declaration(s): a single file exactly as always, anything more as a
/// batch.
pub(crate) fn run(args: RenderArgs) -> Result<(), Failure> {
    if args.worker {
        return run_worker(args);
    }
    let single = args.inputs.len() == 1
        && !is_many(&args.inputs[0])
        && args.out_dir.is_none()
        && args.name.is_none()
        && args.manifest.is_none()
        && args.shard.is_none();
    if single {
        return run_single(args);
    }
    if args.output.is_some() {
        usage_error(
            "-o/--output 只能用于单个输入文件；多个输入请用 --out-dir 与 --name / -o takes a single input file; for several inputs use --out-dir and --name",
        );
    }
    if let Some(path) = &args.manifest {
        if ManifestFormat::of(path).is_none() {
            usage_error(&format!(
                "清单文件 {} 的扩展名应为 .csv 或 .json / the manifest must end in .csv or .json",
                path.display()
            ));
        }
    }
    run_batch(args)
}

/// Exits with clap's usage error (exit code 2).
fn usage_error(message: &str) -> ! {
    Cli::command()
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

/// Archival output, signing and the archive store, from the command line. The signer
/// is loaded here, before any work: a bad key fails at once and leaves no PDF.
fn finishing(args: &RenderArgs) -> Result<Finishing, Failure> {
    let signer = match (args.sign, signer_given(&args.signer)) {
        (true, true) => Some(Arc::from(load_signer(&args.signer)?)),
        (true, false) => {
            return Err(Diagnostic::error(text!(
                "--sign 需要 --key 与 --cert，或 --p12",
                "--sign needs --key and --cert, or --p12"
            ))
            .into())
        }
        (false, true) => {
            return Err(Diagnostic::error(text!(
                "给出了签名密钥但没有 --sign",
                "a signing key was given without --sign"
            ))
            .into())
        }
        (false, false) => None,
    };
    let sign_options = match signer {
        Some(_) => sign_options(&args.signer)?,
        None => SignOptions::default(),
    };
    let formats = formats(args);
    if !formats.iter().any(|f| f.is_pdf())
        && (signer.is_some() || args.archive.archive_dir.is_some())
    {
        return Err(Diagnostic::error(text!(
            "--sign 与 --archive-dir 只用于 PDF；OFD 请用 jixiao seal 签章",
            "--sign and --archive-dir apply to PDFs; seal an OFD with jixiao seal"
        ))
        .into());
    }
    Ok(Finishing {
        formats,
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        store: args.archive.archive_dir.clone(),
        signer,
        sign_options,
        // Every declaration is checked (fonts included) before it is rendered.
        precheck: Precheck::Checked,
    })
}

/// The formats asked for: `--format`, else the one `-o`'s extension names, else PDF;
/// with `--archive`, the PDF is archival.
fn formats(args: &RenderArgs) -> Vec<Format> {
    let mut formats = args.formats.clone();
    if formats.is_empty() {
        let named = args.output.as_deref().and_then(Format::of_path);
        formats.push(named.unwrap_or(Format::Pdf));
    }
    if args.archive.archive {
        for f in &mut formats {
            if *f == Format::Pdf {
                *f = Format::PdfA;
            }
        }
    }
    formats.sort();
    formats.dedup();
    formats
}

/// One declaration: the same pipeline as a batch's, on one thread, reported as a single
/// file is (the files written, how the PDF was filed).
fn run_single(args: RenderArgs) -> Result<(), Failure> {
    let finishing = finishing(&args)?;
    let renderer = renderer(&args.layout)?;
    let path = args.inputs[0].clone();
    let relative = PathBuf::from(path.file_name().unwrap_or(path.as_os_str()));
    let input = Input { path, relative };
    let options = Options {
        output: args.output.clone(),
        jobs: Some(1),
        ..batch_options(&args, finishing)
    };
    let styled = std::io::stderr().is_terminal();
    let lang = crate::out::lang();
    let filed: std::sync::Mutex<Option<Filed>> = std::sync::Mutex::new(None);
    let report = |event: Event<'_>| match event {
        Event::Planned { .. } => {}
        Event::Warnings { diagnostics, .. } | Event::Failed { diagnostics, .. } => {
            if !diagnostics.is_empty() {
                errln!("{}", render_all(diagnostics, styled, lang));
            }
        }
        Event::Rendered { filed: f, .. } => {
            if let Ok(mut slot) = filed.lock() {
                *slot = f.cloned();
            }
        }
    };
    let outcome = runner::run(&renderer, std::slice::from_ref(&input), &options, &report)
        .map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?;
    let Some(entry) = outcome
        .entries
        .first()
        .filter(|e| e.status == Status::Rendered)
    else {
        return Err(Failure(Vec::new()));
    };
    let pages = entry.pages.unwrap_or(0);
    for file in &entry.files {
        errln!(
            "{}",
            text!(
                "已生成 {}（{pages} 页，{} 字节）",
                "wrote {} ({pages} pages, {} bytes)",
                file.path,
                file.bytes
            )
            .get(lang)
        );
    }
    let filed = filed.lock().map(|f| f.clone()).unwrap_or(None);
    match filed {
        Some(Filed::Stored { path, version }) => errln!(
            "{}",
            text!(
                "已归档为 v{version}：{}",
                "filed as v{version}: {}",
                path.display()
            )
            .get(lang)
        ),
        Some(Filed::AlreadyStored { path, version }) => errln!(
            "{}",
            text!(
                "归档中已有相同版本 v{version}，未重复存放：{}",
                "identical to stored v{version}, not stored again: {}",
                path.display()
            )
            .get(lang)
        ),
        None => {}
    }
    Ok(())
}

/// Many declarations: discover, render in parallel, report, write the manifest.
fn run_batch(args: RenderArgs) -> Result<(), Failure> {
    let lang = crate::out::lang();
    let finishing = finishing(&args)?;
    let renderer = renderer(&args.layout)?;
    let shard = match &args.shard {
        Some(spec) => Some(
            spec.resolve(|var| std::env::var(var).ok())
                .map_err(|e| Diagnostic::error(e.to_string()))?,
        ),
        None => None,
    };
    let found = discover(&args.inputs);
    let styled = std::io::stderr().is_terminal();
    for problem in &found.problems {
        errln!(
            "{}",
            Diagnostic::error(problem.to_string()).render(styled, crate::out::lang())
        );
    }
    let processes = spawner(&args, &finishing);
    let options = Options {
        shard,
        processes,
        ..batch_options(&args, finishing)
    };
    let progress = Progress::new(styled, lang, found.inputs.len());
    let outcome = runner::run(&renderer, &found.inputs, &options, &|e| progress.event(e))
        .map_err(|e| Failure::from(Diagnostic::error(e.to_string())))?;
    progress.finish();
    errln!("{}", summary_line(&outcome.summary, lang));
    if let Some(path) = &args.manifest {
        manifest::write(path, &outcome.entries).map_err(Diagnostic::error)?;
        errln!(
            "{} {}",
            match lang {
                Lang::Zh => "清单 / manifest:",
                Lang::En => "manifest:",
            },
            path.display()
        );
    }
    if outcome.summary.failed > 0 || !found.problems.is_empty() {
        return Err(Failure(Vec::new()));
    }
    Ok(())
}

/// The options of a batch that its worker processes share with it.
fn batch_options(args: &RenderArgs, finishing: Finishing) -> Options {
    Options {
        out_dir: args.out_dir.clone(),
        name: args.name.clone().unwrap_or_default(),
        lang: crate::out::lang(),
        deny_warnings: args.report.deny_warnings,
        jobs: args.jobs.map(|n| n.get()),
        finishing,
        ..Options::default()
    }
}

/// How to start a worker process of this batch: this executable, `render --worker` and
/// the same arguments, so that it builds the same renderer and options. `None` (render
/// on threads) with `--threads`; with `--sign`, whose key (and passphrase, perhaps
/// typed at a prompt) is loaded once, here; or when this executable cannot be found.
fn spawner(args: &RenderArgs, finishing: &Finishing) -> Option<runner::Spawner> {
    if args.threads || finishing.signer.is_some() {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    let mut argv = std::env::args_os().skip(1);
    if argv.next()? != "render" {
        return None;
    }
    let rest: Vec<std::ffi::OsString> = argv.collect();
    Some(runner::Spawner::new(move || {
        let mut command = std::process::Command::new(&exe);
        command.arg("render").arg("--worker").args(&rest);
        command
    }))
}

/// `render --worker`: render the documents the parent batch sends on stdin.
fn run_worker(args: RenderArgs) -> Result<(), Failure> {
    let finishing = finishing(&args)?;
    let renderer = renderer(&args.layout)?;
    let options = batch_options(&args, finishing);
    runner::serve(
        &renderer,
        &options,
        std::io::BufReader::new(std::io::stdin()),
        std::io::BufWriter::new(std::io::stdout()),
    )
    .map_err(|e| {
        Failure::from(Diagnostic::error(format!(
            "工作进程与主进程的连接中断 / the worker lost its batch: {e}"
        )))
    })
}

/// The final line: rendered, failed, warnings, pages, time.
fn summary_line(s: &Summary, lang: Lang) -> String {
    let secs = s.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        s.rendered as f64 / secs
    } else {
        0.0
    };
    match lang {
        Lang::Zh => format!(
            "完成：已生成 {} 个，失败 {} 个，警告 {} 个，共 {} 页，用时 {secs:.2} 秒（{rate:.1} 份/秒）",
            s.rendered, s.failed, s.warnings, s.pages
        ),
        Lang::En => format!(
            "done: {} rendered, {} failed, {} warning(s), {} pages, in {secs:.2} s ({rate:.1} documents/s)",
            s.rendered, s.failed, s.warnings, s.pages
        ),
    }
}

/// Progress of a batch: a bar on a terminal, one plain line per document otherwise.
/// Diagnostics are printed above the bar as they come.
struct Progress {
    bar: Option<ProgressBar>,
    styled: bool,
    lang: Lang,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    fn new(terminal: bool, lang: Lang, inputs: usize) -> Progress {
        let bar = terminal.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(inputs as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} [{elapsed}] {wide_bar} {pos}/{len} (ETA {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(match lang {
                Lang::Zh => "检查 / checking",
                Lang::En => "checking",
            });
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            styled: terminal,
            lang,
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(inputs),
        }
    }

    fn print(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| errln!("{text}")),
            None => errln!("{text}"),
        }
    }

    fn event(&self, event: Event<'_>) {
        match event {
            Event::Planned { to_render } => {
                self.total.store(to_render, Ordering::Relaxed);
                if let Some(bar) = &self.bar {
                    bar.set_length(to_render as u64);
                    bar.set_position(0);
                    bar.set_message(match self.lang {
                        Lang::Zh => "生成 / rendering",
                        Lang::En => "rendering",
                    });
                }
            }
            Event::Warnings { diagnostics, .. } => {
                self.print(&render_all(diagnostics, self.styled, self.lang));
            }
            Event::Failed {
                input,
                diagnostics,
                rendering,
            } => {
                let mut text = render_all(diagnostics, self.styled, self.lang);
                if rendering {
                    text.push('\n');
                    text.push_str(&self.counted(&match self.lang {
                        Lang::Zh => format!("失败 / failed: {}", input.display()),
                        Lang::En => format!("failed: {}", input.display()),
                    }));
                } else if self.bar.is_none() {
                    text.push('\n');
                    text.push_str(&match self.lang {
                        Lang::Zh => {
                            format!("未生成 / not rendered: {}", input.display())
                        }
                        Lang::En => format!("not rendered: {}", input.display()),
                    });
                }
                self.print(&text);
            }
            Event::Rendered { outputs, pages, .. } => {
                let shown: Vec<String> = outputs.iter().map(|o| o.display().to_string()).collect();
                let shown = shown.join(", ");
                let line = self.counted(
                    text!(
                        "已生成 {shown}（{pages} 页）",
                        "wrote {shown} ({pages} pages)"
                    )
                    .get(self.lang),
                );
                if self.bar.is_none() {
                    errln!("{line}");
                }
            }
        }
    }

    /// Counts one document done and prefixes `text` with `[done/total]`; moves the bar.
    fn counted(&self, text: &str) -> String {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        format!("[{done}/{}] {text}", self.total.load(Ordering::Relaxed))
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
