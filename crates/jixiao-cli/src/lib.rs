//! The `jixiao` command line: every flag in [`args`], one module per subcommand, each
//! only reading its arguments, calling the libraries and printing what they say (in the
//! language of `--lang`). This crate is the binary's, not a library to build on: use the
//! `jixiao` crate (or the crates it re-exports) instead.

#[macro_use]
mod out;
pub mod args;
mod check;
mod common;
mod data;
mod exchange;
mod init;
mod manifest;
mod ofd;
mod render;
mod renew;
mod seal;
mod sign;
mod template;
mod verify;

use std::process::ExitCode;

pub use args::Cli;
use args::Command;

/// Parses the process's command line and runs it: the whole of the `jixiao` binary.
pub fn main() -> ExitCode {
    use clap::Parser as _;
    run(Cli::parse())
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    out::set_lang(cli.lang);
    let result = match cli.command {
        Command::Render(args) => render::run(args),
        Command::Check(args) => check::run(args),
        Command::Data(args) => data::run(args),
        Command::Init(args) => init::run(args),
        Command::Schema(args) => init::schema(args),
        Command::Kinds(args) => init::kinds(args),
        Command::Template(args) => template::run(args),
        Command::Extract(args) => verify::extract(args),
        Command::Verify(args) => return verify::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Manifest(command) => manifest::run(command),
        Command::Import(args) => exchange::import(args),
        Command::Export(args) => exchange::export(args),
        Command::Seal(args) => seal::run(args),
        Command::Renew(args) => renew::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print();
            ExitCode::from(1)
        }
    }
}
