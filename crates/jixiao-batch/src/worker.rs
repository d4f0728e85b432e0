//! Worker processes: the render pass of a batch spread over child processes instead of
//! the threads of one process.
//!
//! Why: the threads of one process share Typst's memoisation caches and interners, and
//! contend for them — measured, `-j 2` on one process made 0.80 of what two `--shard`
//! processes made (BENCHMARKS.md). Processes share nothing, and a worker that dies
//! (a stack overflow or the out-of-memory killer, which no `catch_unwind` can stop)
//! costs only the document it was rendering: the parent records it as failed and starts
//! a new worker for the rest.
//!
//! How: the parent plans the batch as before (read, check, name every input), then
//! starts N workers — for the command line, `jixiao render --worker` with the same
//! arguments, so each builds the same renderer and options — and hands out one document
//! at a time over the worker's stdin, as a line of JSON ([`Job`]). The worker renders it
//! exactly as a thread would ([`super::runner`]'s `render_one`: read again, refuse a
//! changed file, render, write atomically) and answers on its stdout with the progress
//! events of that document and finally its manifest entry ([`Reply`]), then asks for the
//! next one. Work is handed out as workers become free, so a long document does not hold
//! up a slice of the batch the way a static `--shard` split can.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::discover::Input;
use super::manifest::Entry;
use crate::event::Event;
use crate::plan::Ready;
use jixiao_core::diag::{Diagnostic, Severity};
use jixiao_core::words::Text;

/// Builds the command that starts one worker process; the process must run
/// [`super::runner::serve`] on its stdin and stdout, with the renderer and options of the
/// parent (the command line starts `jixiao render --worker` with its own arguments).
#[derive(Clone)]
pub struct Spawner(Arc<dyn Fn() -> Command + Send + Sync>);

impl Spawner {
    /// A spawner from a function that builds the worker's command.
    pub fn new(command: impl Fn() -> Command + Send + Sync + 'static) -> Spawner {
        Spawner(Arc::new(command))
    }
}

impl std::fmt::Debug for Spawner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Spawner")
    }
}

/// A path on the wire: its bytes on Unix (file names need not be UTF-8), its UTF-16
/// units on Windows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct WirePath(Vec<u16>);

impl WirePath {
    fn of(path: &Path) -> WirePath {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            WirePath(
                path.as_os_str()
                    .as_bytes()
                    .iter()
                    .map(|&b| b.into())
                    .collect(),
            )
        }
        #[cfg(windows)]
        {
            use std::os::windows::ffi::OsStrExt;
            WirePath(path.as_os_str().encode_wide().collect())
        }
    }

    fn path(&self) -> PathBuf {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            // Each unit came from one byte.
            let bytes = self.0.iter().map(|&u| u as u8).collect();
            PathBuf::from(std::ffi::OsString::from_vec(bytes))
        }
        #[cfg(windows)]
        {
            use std::os::windows::ffi::OsStringExt;
            PathBuf::from(std::ffi::OsString::from_wide(&self.0))
        }
    }
}

/// One document for a worker to render.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Job {
    path: WirePath,
    relative: WirePath,
    output: WirePath,
    ready: Ready,
}

impl Job {
    pub(super) fn new(input: &Input, ready: &Ready) -> Job {
        Job {
            path: WirePath::of(&input.path),
            relative: WirePath::of(&input.relative),
            output: WirePath::of(&ready.output),
            ready: ready.clone(),
        }
    }

    pub(super) fn into_parts(self) -> (Input, Ready) {
        let input = Input {
            path: self.path.path(),
            relative: self.relative.path(),
        };
        let mut ready = self.ready;
        ready.output = self.output.path();
        (input, ready)
    }
}

/// A diagnostic on the wire (the source text as a plain string).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct WireDiagnostic {
    error: bool,
    message: Text,
    path: Option<String>,
    source: Option<String>,
    span: Option<std::ops::Range<usize>>,
    label: Option<Text>,
    related: Vec<(std::ops::Range<usize>, Option<String>)>,
    help: Vec<Text>,
}

impl WireDiagnostic {
    fn of(d: &Diagnostic) -> WireDiagnostic {
        WireDiagnostic {
            error: d.severity == Severity::Error,
            message: d.message.clone(),
            path: d.path.clone(),
            source: d.source.as_deref().map(str::to_owned),
            span: d.span.clone(),
            label: d.label.clone(),
            related: d.related.clone(),
            help: d.help.clone(),
        }
    }

    fn diagnostic(self) -> Diagnostic {
        let severity = if self.error {
            Severity::Error
        } else {
            Severity::Warning
        };
        Diagnostic {
            path: self.path,
            source: self.source.map(Arc::from),
            span: self.span,
            label: self.label,
            related: self.related,
            help: self.help,
            ..Diagnostic::new(severity, self.message)
        }
    }
}

/// What a worker answers about the document it was given: any number of events, then
/// `Done`.
#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Reply {
    /// [`Event::Warnings`].
    Warnings(Vec<WireDiagnostic>),
    /// [`Event::Failed`] while rendering.
    Failed(Vec<WireDiagnostic>),
    /// [`Event::Rendered`] (how the PDF was filed stays with the worker: only a
    /// single document, rendered in this process, reports it).
    Rendered {
        /// The files written.
        outputs: Vec<WirePath>,
        /// Its pages.
        pages: usize,
    },
    /// The document's manifest entry: the worker is ready for the next one.
    Done(Box<Entry>),
}

impl Reply {
    /// The reply for an event of the document in hand (`Planned` does not occur there).
    pub(super) fn of(event: &Event<'_>) -> Option<Reply> {
        let wire = |ds: &[Diagnostic]| ds.iter().map(WireDiagnostic::of).collect();
        match event {
            Event::Planned { .. } => None,
            Event::Warnings { diagnostics, .. } => Some(Reply::Warnings(wire(diagnostics))),
            Event::Failed { diagnostics, .. } => Some(Reply::Failed(wire(diagnostics))),
            Event::Rendered { outputs, pages, .. } => Some(Reply::Rendered {
                outputs: outputs.iter().map(|p| WirePath::of(p)).collect(),
                pages: *pages,
            }),
        }
    }
}

/// Writes one message (a job or a reply) as a line of JSON, with a single write:
/// serialising straight into an unbuffered pipe would make a system call of every token
/// (a job's paths are arrays of bytes: about 180 calls a document).
pub(super) fn send(out: &mut impl Write, message: &impl Serialize) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// Why a worker could not finish a document.
#[derive(Debug)]
pub(super) enum Lost {
    /// The worker could not be started.
    Start(std::io::Error),
    /// The worker stopped (or garbled its answer) before finishing the document.
    Died(Option<ExitStatus>),
}

/// A running worker process, seen from the parent.
pub(super) struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    /// Starts a worker.
    pub(super) fn start(spawn: &Spawner) -> Result<Worker, Lost> {
        let mut command = (spawn.0)();
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().map_err(Lost::Start)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Lost::Start(std::io::Error::other("no pipes to the worker")));
        };
        Ok(Worker {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
        })
    }

    /// Has the worker render one document, passing its events to `report`; returns its
    /// manifest entry.
    pub(super) fn render(
        &mut self,
        input: &Input,
        ready: &Ready,
        report: &(dyn Fn(Event<'_>) + Sync),
    ) -> Result<Entry, Lost> {
        let sent = match self.stdin.as_mut() {
            Some(stdin) => send(stdin, &Job::new(input, ready)),
            None => Err(std::io::Error::other("worker closed")),
        };
        if sent.is_err() {
            return Err(self.died());
        }
        let mut line = String::new();
        loop {
            line.clear();
            match self.stdout.read_line(&mut line) {
                Ok(0) | Err(_) => return Err(self.died()),
                Ok(_) => {}
            }
            let Ok(reply) = serde_json::from_str::<Reply>(&line) else {
                return Err(self.died());
            };
            match reply {
                Reply::Warnings(ds) => {
                    let diagnostics: Vec<Diagnostic> =
                        ds.into_iter().map(WireDiagnostic::diagnostic).collect();
                    report(Event::Warnings {
                        input: &input.path,
                        diagnostics: &diagnostics,
                    });
                }
                Reply::Failed(ds) => {
                    let diagnostics: Vec<Diagnostic> =
                        ds.into_iter().map(WireDiagnostic::diagnostic).collect();
                    report(Event::Failed {
                        input: &input.path,
                        diagnostics: &diagnostics,
                        rendering: true,
                    });
                }
                Reply::Rendered { outputs, pages } => {
                    let outputs: Vec<PathBuf> = outputs.iter().map(WirePath::path).collect();
                    report(Event::Rendered {
                        input: &input.path,
                        outputs: &outputs,
                        pages,
                        filed: None,
                    })
                }
                Reply::Done(entry) => return Ok(*entry),
            }
        }
    }

    /// The worker is gone or talking nonsense: make sure it is stopped, and say how it
    /// ended.
    fn died(&mut self) -> Lost {
        self.stdin = None;
        let status = match self.child.try_wait() {
            Ok(Some(status)) => Some(status),
            _ => {
                let _ = self.child.kill();
                self.child.wait().ok()
            }
        };
        Lost::Died(status)
    }

    /// No more work: closes the worker's stdin and waits for it to exit.
    pub(super) fn finish(mut self) {
        self.stdin = None;
        let _ = self.child.wait();
    }
}
