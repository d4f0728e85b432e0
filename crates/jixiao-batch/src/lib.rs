//! Batch rendering: many declarations at once, sharing one [`Renderer`](jixiao_render::Renderer) (fonts
//! parsed and the template compiled once) across a pool of threads, or across worker
//! processes ([`worker`]) that the command line starts for `-j N`.
//!
//! The steps, one module each: [`discover`] the inputs (files, directories, globs) →
//! pick a [`shard`] → name each output ([`naming`]) → render them in parallel
//! ([`runner`], in threads or [`worker`] processes) → record what happened in a [`manifest`]; [`merge`] the manifests of
//! slices run apart.
//!
//! ```no_run
//! use jixiao_batch::{discover, runner};
//! let found = discover::discover(&["forms".into()]);
//! let renderer = jixiao_render::Renderer::builtin();
//! let outcome = runner::run(&renderer, &found.inputs, &runner::Options::default(), &|_| {})?;
//! println!("{} rendered, {} failed", outcome.summary.rendered, outcome.summary.failed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod discover;
pub mod document;
mod event;
pub mod manifest;
pub mod merge;
pub mod naming;
mod plan;
pub mod runner;
pub mod shard;
pub mod trim;
mod worker;
