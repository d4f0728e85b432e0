//! What planning a batch decides about each input before anything is rendered: ready to
//! render (with what the manifest will record of it), or failed already.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::manifest::Entry;

/// What the plan knows about an input that will be rendered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Ready {
    pub(crate) sha: String,
    pub(crate) department: String,
    pub(crate) year: i32,
    /// Sent apart, as a [`crate::worker::WirePath`]: it need not be UTF-8.
    #[serde(skip)]
    pub(crate) output: PathBuf,
    pub(crate) warnings: usize,
    pub(crate) codes: BTreeSet<String>,
}

#[derive(Debug)]
pub(crate) enum Plan {
    Ready(Ready),
    Failed(Entry),
}
