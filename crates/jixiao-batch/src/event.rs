//! What a batch reports as it goes: one event per step of one input, for progress bars
//! and logs (and, from a worker process, sent back to the coordinator).

use std::path::Path;

use jixiao_core::diag::Diagnostic;

/// Something that happened to one input, for progress reports. Sent from the worker
/// threads, in no particular order between inputs.
#[derive(Debug)]
pub enum Event<'a> {
    /// The plan is done: how many documents will now be rendered.
    Planned {
        /// Documents to render.
        to_render: usize,
    },
    /// Warnings for an input that is rendered anyway.
    Warnings {
        /// The input.
        input: &'a Path,
        /// The warnings.
        diagnostics: &'a [Diagnostic],
    },
    /// An input that gets no PDF, and why.
    Failed {
        /// The input.
        input: &'a Path,
        /// Its errors (and warnings).
        diagnostics: &'a [Diagnostic],
        /// Whether this happened while rendering (as opposed to while planning).
        rendering: bool,
    },
    /// A PDF was written.
    Rendered {
        /// The input.
        input: &'a Path,
        /// The PDF written.
        output: &'a Path,
        /// Its pages.
        pages: usize,
    },
}
