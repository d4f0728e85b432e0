//! `jixiao`: the command-line tool. All the work is in the library; this only parses
//! arguments and dispatches.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
