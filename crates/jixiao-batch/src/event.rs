//! What a batch reports as it goes: one event per step of one input, for progress bars
//! and logs (and, from a worker process, sent back to the coordinator).

use std::path::{Path, PathBuf};

use jixiao_archive::store::Filed;

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
    /// An input that gets no output, and why.
    Failed {
        /// The input.
        input: &'a Path,
        /// Its errors (and warnings).
        diagnostics: &'a [Diagnostic],
        /// Whether this happened while rendering (as opposed to while planning).
        rendering: bool,
    },
    /// The form was written in every format asked for.
    Rendered {
        /// The input.
        input: &'a Path,
        /// The files written, one per format.
        outputs: &'a [PathBuf],
        /// Its pages.
        pages: usize,
        /// How the PDF was filed in the archive store, if one is set.
        filed: Option<&'a Filed>,
    },
}
